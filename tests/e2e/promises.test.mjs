// Promises to pay in the browser: a collector, on one of her accounts, records a series
// of two promises — first with the second date before the first, which is told beside
// that row's date and not sent — sees both pending, cancels one with a reason asked in
// place; the debtor's time zone is shown and changed (an unknown zone told beside its
// field); in the worklist "Callable now" and "Callable first" go into the URL and the
// list follows them. At 1280 and 390 px, with no sideways scrolling. Screenshots 86–87.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import * as e2e from './support.mjs';
import { BASE, MANAGER, COLLECTOR, api, tokenOf, createAccount, daysBefore } from './support.mjs';

let browser, page, account, collector, today;
const errors = [];

before(async () => {
  const manager = await tokenOf(MANAGER);
  account = await createAccount(manager, 'promise', 'Penny Promise', '640.00', COLLECTOR);
  collector = await tokenOf(COLLECTOR);
  today = (await api(collector, 'GET', '/auth/me')).today;
  browser = await e2e.launch();
  page = await e2e.newPage(browser, { errors });
});

afterEach((t) => e2e.onFailure(page, t));

after(async () => {
  await browser?.close();
});

const after_ = (days) => daysBefore(today, -days);
const row = (n) => `[data-testid=promise-form] [data-testid=promise-row]:nth-child(${n})`;
const promises = () =>
  page.$$eval('[data-testid=promise]', (ps) => ps.map((p) => ({ status: p.dataset.status, text: p.textContent })));

test('a collector records two promises, fixing a date told beside its row, and cancels one with a reason', async () => {
  await page.goto(`${BASE}/login`);
  await e2e.login(page, COLLECTOR);
  await page.goto(`${BASE}/accounts/${account}`);
  await page.waitForSelector('[data-testid=promise-form]');
  await page.waitForSelector('[data-testid=promises] >> text=No promise made yet.');
  assert.match(await page.textContent('[data-testid=time-zone]'), /^Agency's \(\w+\/\w+\)$/, 'no address: the agency\'s zone');

  // One row by default; a second is added, its date before the first's.
  assert.equal(await page.locator('[data-testid=promise-form] [data-testid=promise-row]').count(), 1);
  await page.fill(`${row(1)} [data-testid=promise-amount]`, '100.00');
  await page.fill(`${row(1)} [data-testid=promise-due]`, after_(10));
  await page.click('[data-testid=add-promise-row]');
  await page.fill(`${row(2)} [data-testid=promise-amount]`, '150.00');
  await page.fill(`${row(2)} [data-testid=promise-due]`, after_(5));
  assert.equal(await page.textContent('[data-testid=promise-submit]'), 'Record 2 promises');
  await page.click('[data-testid=promise-submit]');
  const told = await page.waitForSelector(`${row(2)} .field-error[data-field="items[1].due_on"]`);
  assert.match(await told.textContent(), /must be after the previous promise's date/);
  assert.equal(await page.getAttribute(`${row(2)} [data-testid=promise-due]`, 'aria-invalid'), 'true');
  assert.equal(await page.locator(`${row(1)} .field-error`).count(), 0, 'nothing said of the first row');
  assert.equal((await promises()).length, 0, 'nothing sent');

  // Fixed: both pending, the form ready for the next one.
  await page.fill(`${row(2)} [data-testid=promise-due]`, after_(40));
  assert.equal(await page.locator('[data-testid=promise-form] .field-error').count(), 0, 'typing clears what was said');
  await page.fill('#promise-note', 'Will pay from the next two paychecks.');
  await page.click('[data-testid=promise-submit]');
  await page.waitForSelector('[data-testid=promise-done]');
  assert.equal(await page.textContent('[data-testid=promise-done]'), '2 promises recorded, 250.00 USD in all.');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=promise][data-status=pending]').length === 2);
  const made = await promises();
  assert.match(made[0].text, new RegExp(`150\\.00 USD by ${after_(40)}`), 'the latest due first');
  assert.match(made[0].text, /Made .* by Sarah Mitchell · 2 of 2/);
  assert.match(made[1].text, new RegExp(`100\\.00 USD by ${after_(10)}`));
  assert.equal(await page.locator('[data-testid=promise-form] [data-testid=promise-row]').count(), 1);
  assert.equal(await page.inputValue(`${row(1)} [data-testid=promise-amount]`), '');
  const stored = await api(collector, 'GET', `/accounts/${account}/promises`);
  assert.deepEqual(stored.map((p) => [p.amount, p.due_on, p.status]),
    [['150.00', after_(40), 'pending'], ['100.00', after_(10), 'pending']]);
  assert.equal(stored[0].note, 'Will pay from the next two paychecks.');

  // The later one cancelled: the reason asked for in place, not in a dialog.
  const later = page.locator('[data-testid=promise]').first();
  await later.locator('[data-testid=promise-cancel]').click();
  await later.locator('[data-testid=promise-cancel-submit]').click();
  await later.locator('.field-error >> text=Say why the promise is cancelled.').waitFor();
  await later.locator('[data-testid=promise-cancel-form] input').fill('The debtor will pay it with the first.');
  await later.locator('[data-testid=promise-cancel-submit]').click();
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=promise]')]
    .map((p) => p.dataset.status).join() === 'cancelled,pending');
  assert.equal(await page.textContent('[data-testid=promise-cancel-done]'),
    `Cancelled the promise of 150.00 USD by ${after_(40)}.`);
  const now = await promises();
  assert.deepEqual(now.map((p) => p.status), ['cancelled', 'pending']);
  assert.match(now[0].text, /Cancelled: The debtor will pay it with the first\./);
  assert.equal(await page.locator('[data-testid=promise][data-status=cancelled] [data-testid=promise-cancel]').count(), 0);
  await page.waitForSelector('[data-testid=timeline] >> text=Promise cancelled by Sarah Mitchell');
  await e2e.shot(page, '86-promises-1280');
  assert.equal(await e2e.scrollsSideways(page), false);

  // At phone width: the rows and a refusal beside a row still fit.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.fill(`${row(1)} [data-testid=promise-amount]`, '1,00.0');
  await page.fill(`${row(1)} [data-testid=promise-due]`, after_(3));
  await page.click('[data-testid=add-promise-row]');
  await page.fill(`${row(2)} [data-testid=promise-amount]`, '50.00');
  await page.fill(`${row(2)} [data-testid=promise-due]`, after_(20));
  await page.click('[data-testid=promise-submit]');
  await page.waitForSelector(`${row(1)} .field-error[data-field="items[0].amount"]`);
  await page.locator('[data-testid=promises]').scrollIntoViewIfNeeded();
  await e2e.shot(page, '87-promises-390');
  assert.equal(await e2e.scrollsSideways(page), false);
  assert.deepEqual(errors, []);
});

test('the debtor\'s time zone is changed from the details form; an unknown one is told beside it', async () => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`${BASE}/accounts/${account}`);
  await page.waitForSelector('[data-testid=details-form]');
  await page.fill('#details-time-zone', 'Mars/Olympus_Mons');
  await page.click('[data-testid=details-form] button[type=submit]');
  const told = await page.waitForSelector('#details-time-zone-error');
  assert.match(await told.textContent(), /IANA/);
  assert.equal(await page.getAttribute('#details-time-zone', 'aria-invalid'), 'true');
  await page.fill('#details-time-zone', 'America/Chicago');
  await page.click('[data-testid=details-form] button[type=submit]');
  await page.waitForSelector('[data-testid=details-done]');
  await page.waitForFunction(() => document.querySelector('[data-testid=time-zone]')?.textContent === 'America/Chicago');
  assert.equal((await api(collector, 'GET', `/accounts/${account}`)).debtor.time_zone, 'America/Chicago');
  assert.deepEqual(errors, []);
});

test('in the worklist, "Callable now" and "Callable first" go into the URL and the list follows', async () => {
  await page.goto(`${BASE}/accounts`);
  await page.waitForSelector('[data-testid=account-row]');
  const total = () => page.textContent('[data-testid=total]');
  await page.waitForFunction(() => /\d/.test(document.querySelector('[data-testid=total]')?.textContent ?? ''));
  const all = (await api(collector, 'GET', '/accounts/count')).total;
  const callable = (await api(collector, 'GET', '/accounts/count?contactable_now=true')).total;

  await page.check('[data-testid=callable-now]');
  await page.waitForURL(/[?&]contactable_now=true/);
  const said = (n) => (n === 1 ? '1 account' : `${n.toLocaleString('en-US')} accounts`);
  await page.waitForFunction((text) => document.querySelector('[data-testid=total]')?.textContent === text, said(callable));
  assert.ok(callable <= all, `${callable} callable of ${all}`);
  await page.selectOption('[data-testid=sort]', 'contactable');
  await page.waitForURL(/sort=contactable/);
  assert.match(page.url(), /contactable_now=true/, 'the filter stays');
  // Back and forth through the history, the state follows the URL.
  await page.reload();
  await page.waitForFunction(() => document.querySelector('[data-testid=callable-now]')?.checked === true);
  assert.equal(await page.inputValue('[data-testid=sort]'), 'contactable');
  await page.goBack();
  await page.waitForURL((url) => !url.search.includes('sort=contactable'));
  await page.waitForFunction(() => document.querySelector('[data-testid=sort]')?.value === 'created');
  await page.uncheck('[data-testid=callable-now]');
  await page.waitForURL((url) => !url.search.includes('contactable_now'));
  await page.waitForFunction((text) => document.querySelector('[data-testid=total]')?.textContent === text, said(all));
  assert.equal(await total(), said(all));

  await page.setViewportSize({ width: 390, height: 844 });
  await page.click('[data-testid=filters-toggle]');
  await page.check('[data-testid=callable-now]');
  await page.waitForURL(/contactable_now=true/);
  assert.match(await page.textContent('[data-testid=filters-toggle]'), /Filters \(1\)/);
  assert.equal(await e2e.scrollsSideways(page), false);
  assert.deepEqual(errors, []);
});
