// Reaching the debtor in the browser: a collector records a right-party contact from
// the account's overview (the debtor rang in, so no guardrail applies at any hour the
// suite runs), sees it in the account's contacts and the account in contact; then, with
// a cease-and-desist on the debtor, an outbound email is refused with the rule told and
// nothing recorded. At 1280 and 390 px, with no sideways scrolling. Screenshots 84–85.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import * as e2e from './support.mjs';
import { BASE, MANAGER, COLLECTOR, api, tokenOf, createAccount } from './support.mjs';

let browser, page, account;
const errors = [];

before(async () => {
  const manager = await tokenOf(MANAGER);
  account = await createAccount(manager, 'contact', 'Connie Tact', '640.00', COLLECTOR);
  browser = await e2e.launch();
  page = await e2e.newPage(browser, { errors });
});

afterEach((t) => e2e.onFailure(page, t));

after(async () => {
  await browser?.close();
});

const contacts = () => page.$$eval('[data-testid=contact]', (cs) => cs.map((c) => c.textContent));

test('a collector records a contact and reads it back; a blocked channel is refused with its rule', async () => {
  await page.goto(`${BASE}/login`);
  await e2e.login(page, COLLECTOR);
  await page.goto(`${BASE}/accounts/${account}`);
  await page.waitForSelector('[data-testid=contact-form]');
  assert.equal(await page.textContent('[data-testid=account-status]'), 'Assigned');
  await page.waitForSelector('[data-testid=contacts] >> text=No contact recorded yet.');
  // The number on file is proposed for a call.
  assert.equal(await page.inputValue('#contact-used'), '+1 555 0100');

  await page.selectOption('#contact-direction', 'inbound');
  await page.selectOption('#contact-outcome', 'right_party_contact');
  await page.fill('#contact-notes', 'Rang in; will pay on Friday.');
  await page.click('[data-testid=contact-form] button[type=submit]');
  await page.waitForSelector('[data-testid=contact][data-outcome=right_party_contact]');
  // The list is drawn again as the account's status moves: wait for the row itself.
  await page.waitForFunction(() =>
    /Inbound call · right party contact/.test(document.querySelector('[data-testid=contact]')?.textContent ?? ''));
  assert.match((await contacts())[0], /Inbound call · right party contact/);
  assert.match((await contacts())[0], /Rang in; will pay on Friday\./);
  await page.waitForFunction(() => document.querySelector('[data-testid=account-status]')?.textContent === 'In contact');
  assert.equal(await page.inputValue('#contact-notes'), '', 'the form is ready for the next one');
  await e2e.shot(page, '84-contact-recorded');
  assert.equal(await e2e.scrollsSideways(page), false);

  // Compliance records a cease and desist: every outbound channel is refused.
  const compliance = await tokenOf({ username: 'demo.compliance', password: 'Compliance@2026' });
  await api(compliance, 'POST', `/accounts/${account}/contact-blocks`,
    { flag: 'cease_and_desist', reason: 'Letter received' });
  await page.selectOption('#contact-channel', 'email');
  assert.equal(await page.inputValue('#contact-used'), 'contact@example.com', 'the email on file, for an email');
  await page.selectOption('#contact-direction', 'outbound');
  await page.selectOption('#contact-outcome', 'left_message');
  await page.click('[data-testid=contact-form] button[type=submit]');
  const refusal = await page.waitForSelector('[data-testid=contact-form] [data-testid=form-error]');
  assert.match(await refusal.textContent(), /Contact not allowed now: a block on the debtor \(cease and desist\) forbids contact by email/);
  assert.equal((await contacts()).length, 1, 'nothing recorded');

  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForSelector('[data-testid=contact-form]');
  await e2e.shot(page, '85-contact-refused-phone');
  assert.equal(await e2e.scrollsSideways(page), false);
  assert.deepEqual(errors, []);
});
