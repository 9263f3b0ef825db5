// Contact blocks, the validation notice and the reminders' wording in the browser: the
// compliance officer blocks contact with a debtor (cease and desist: every channel, the
// form says so; no reason told beside its field), the collector then sees the block, no
// way to clear it, and her validation notice refused for it; the manager clears it; the
// collector sends the notice — the period's end and the itemisation shown, the letter
// downloaded as a PDF. The agency admin rewrites the "3 days late" reminder (a wrong
// placeholder told beside the body, nothing sent), saves it and goes back to the
// default; the manager reads the wording only. At 1280 and 390 px, with no sideways
// scrolling. Screenshots 88–89 and 100–102 (90–99 are the lazy pages').
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import * as e2e from './support.mjs';
import { BASE, RUN, ADMIN, MANAGER, COLLECTOR, api, tokenOf, createAccount } from './support.mjs';

const COMPLIANCE = { username: 'demo.compliance', password: 'Compliance@2026' };

let browser, page, account, collector, today;
const errors = [];
const dialogs = [];

before(async () => {
  const manager = await tokenOf(MANAGER);
  account = await createAccount(manager, 'compliance', 'Connie Compliance', '640.00', COLLECTOR);
  collector = await tokenOf(COLLECTOR);
  today = (await api(collector, 'GET', '/auth/me')).today;
  browser = await e2e.launch();
  page = await e2e.newPage(browser, { errors, dialogs });
});

afterEach((t) => e2e.onFailure(page, t));

after(async () => {
  await browser?.close();
});

/** Signed in as `user` (whoever was before signed out), on the account's overview. */
async function onTheAccountAs(user) {
  if (await page.locator('[data-testid=logout]').count()) await e2e.logout(page);
  else await page.goto(`${BASE}/login`);
  await e2e.login(page, user);
  await page.goto(`${BASE}/accounts/${account}`);
  await page.waitForSelector('[data-testid=contact-blocks]');
  await page.waitForSelector('[data-testid=validation-notice] :is([data-testid=notice-none], [data-testid=notice-period])');
}

const blocks = () => page.$$eval('[data-testid=contact-block]', (bs) => bs.map((b) => ({
  flag: b.dataset.flag, state: b.dataset.state, text: b.textContent,
})));

test('compliance blocks contact with the debtor: cease and desist stops every channel', async () => {
  await onTheAccountAs(COMPLIANCE);
  await page.waitForSelector('[data-testid=contact-blocks] >> text=No block');
  assert.equal(await page.locator('[data-testid=notice-send]').count(), 0, 'compliance sends no notice');
  assert.equal(await page.textContent('[data-testid=notice-none]'), 'Not sent yet.');

  await page.selectOption('#block-flag', 'cease_and_desist');
  assert.equal(await page.isDisabled('#block-channel'), true, 'every channel, whatever is chosen');
  assert.match(await page.textContent('[data-testid=block-every-channel]'), /cease and desist block every channel/);
  await page.click('[data-testid=block-submit]');
  const told = await page.waitForSelector('[data-testid=block-form] .field-error[data-field=reason]');
  assert.match(await told.textContent(), /Say why/);
  assert.equal(await page.getAttribute('#block-reason', 'aria-invalid'), 'true');
  const compliance = await tokenOf(COMPLIANCE);
  assert.deepEqual(await api(compliance, 'GET', `/accounts/${account}/contact-blocks`), [], 'nothing sent');

  await page.fill('#block-reason', 'Cease-and-desist letter received from the debtor.');
  assert.equal(await page.locator('[data-testid=block-form] .field-error').count(), 0, 'typing clears what was said');
  await page.click('[data-testid=block-submit]');
  await page.waitForSelector('[data-testid=block-done]');
  assert.equal(await page.textContent('[data-testid=block-done]'), 'Blocked: Cease and desist · every channel.');
  await page.waitForSelector('[data-testid=contact-block][data-state=in_force]');
  const [shown] = await blocks();
  assert.equal(shown.flag, 'cease_and_desist');
  assert.match(shown.text, /Cease and desist · every channel/);
  assert.match(shown.text, /Cease-and-desist letter received from the debtor\./);
  assert.match(shown.text, /Set by Casey Lin on \d{4}-\d\d-\d\d \d\d:\d\d/);
  const stored = await api(compliance, 'GET', `/accounts/${account}/contact-blocks`);
  assert.deepEqual(stored.map((b) => [b.flag, b.channel, b.cleared_at]), [['cease_and_desist', null, null]]);
  assert.equal(await page.inputValue('#block-reason'), '', 'the form ready for the next one');
  assert.deepEqual(errors, []);
});

test('the collector sees the block, cannot clear it, and her validation notice is refused for it', async () => {
  await onTheAccountAs(COLLECTOR);
  await page.waitForSelector('[data-testid=contact-block][data-state=in_force]');
  assert.equal(await page.locator('[data-testid=block-form]').count(), 0);
  assert.equal(await page.locator('[data-testid=block-clear]').count(), 0);
  await page.click('[data-testid=notice-send]');
  const refused = await page.waitForSelector('[data-testid=validation-notice] [data-testid=form-error]');
  assert.match(await refused.textContent(), /cease and desist/i);
  assert.match(dialogs.at(-1), /^Send the validation notice now\?/);
  assert.equal(await page.locator('[data-testid=notice-period]').count(), 0);
  assert.deepEqual(errors, []);
});

test('a manager clears the block, after a confirmation', async () => {
  await onTheAccountAs(MANAGER);
  await page.waitForSelector('[data-testid=block-form]');
  await page.waitForSelector('[data-testid=contact-block][data-state=in_force] [data-testid=block-clear]');
  // At phone width: the block in force, its "Clear" and the form fit.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.locator('[data-testid=contact-blocks]').scrollIntoViewIfNeeded();
  await e2e.shot(page, '100-block-in-force-390');
  assert.equal(await e2e.scrollsSideways(page), false);
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.click('[data-testid=block-clear]');
  await page.waitForSelector('[data-testid=contact-block][data-state=cleared]');
  assert.match(dialogs.at(-1), /^Clear the block “Cease and desist · every channel”\?/);
  assert.equal(await page.textContent('[data-testid=block-clear-done]'),
    'Cleared the block “Cease and desist · every channel”.');
  const [shown] = await blocks();
  assert.match(shown.text, /Cleared \d{4}-\d\d-\d\d \d\d:\d\d/);
  assert.equal(await page.locator('[data-testid=block-clear]').count(), 0, 'nothing left to clear');
  const stored = await api(await tokenOf(MANAGER), 'GET', `/accounts/${account}/contact-blocks`);
  assert.ok(stored[0].cleared_at, 'cleared');

  // The manager reads the reminders' wording, and changes none of it.
  await page.goto(`${BASE}/settings`);
  await page.waitForSelector('[data-testid=reminder-late_three]');
  assert.notEqual(await page.getAttribute('#reminder-late_three-body', 'readonly'), null);
  assert.equal(await page.locator('[data-testid=reminder-templates] button').count(), 0);
  assert.deepEqual(errors, []);
});

test('the collector sends the validation notice: the period, the itemisation, the letter as a PDF', async () => {
  await onTheAccountAs(COLLECTOR);
  await page.waitForSelector('[data-testid=contact-block][data-state=cleared]');
  await page.click('[data-testid=notice-send]');
  const period = await page.waitForSelector('[data-testid=notice-period]');
  const notice = await api(collector, 'GET', `/accounts/${account}/validation-notice`);
  assert.equal(notice.sent_on, today);
  assert.ok(notice.period_ends_on > today);
  assert.equal(await period.textContent(), `Sent ${today}; the debtor may dispute until ${notice.period_ends_on}.`);
  assert.equal(await page.textContent('[data-testid=notice-done]'), 'Validation notice sent.');
  const lines = await page.$$eval('[data-testid=notice-itemization] tr',
    (rows) => rows.map((r) => [r.querySelector('th').textContent, r.querySelector('td').textContent]));
  assert.deepEqual(lines, [
    ['Owed on 2026-01-15', '640.00 USD'],
    ['Interest since', '+ 0.00 USD'],
    ['Fees since', '+ 0.00 USD'],
    ['Paid or credited since', '− 0.00 USD'],
    ['Owed now', '640.00 USD'],
  ]);
  assert.equal(await page.locator('[data-testid=notice-send]').count(), 0, 'sent once');
  // The letter is a contact attempt.
  await page.waitForSelector('[data-testid=contacts] [data-testid=contact][data-outcome=sent]');

  const [response, download] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith(`/accounts/${account}/validation-notice/letter`)),
    page.waitForEvent('download'),
    page.click('[data-testid=notice-letter]'),
  ]);
  assert.equal(response.status(), 200);
  assert.match(response.headers()['content-type'], /^application\/pdf/);
  assert.equal(download.suggestedFilename(), `validation-notice-E2E-${RUN}-compliance.pdf`);
  const pdf = await readFile(await download.path());
  assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');

  await page.locator('[data-testid=contact-blocks]').scrollIntoViewIfNeeded();
  await e2e.shot(page, '88-blocks-notice-1280');
  assert.equal(await e2e.scrollsSideways(page), false);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.locator('[data-testid=validation-notice]').scrollIntoViewIfNeeded();
  await e2e.shot(page, '89-blocks-notice-390');
  assert.equal(await e2e.scrollsSideways(page), false);
  await page.setViewportSize({ width: 1280, height: 900 });
  assert.deepEqual(errors, []);
});

test('the agency admin rewrites the "3 days late" reminder, a wrong placeholder told first, then goes back to the default', async () => {
  await e2e.logout(page);
  await e2e.login(page, ADMIN);
  const admin = await tokenOf(ADMIN);
  const lateThree = async () => (await api(admin, 'GET', '/reminder-templates')).find((t) => t.kind === 'late_three');
  const before = await lateThree();
  assert.equal(before.is_custom, false);
  await page.goto(`${BASE}/settings`);
  const form = '[data-testid=reminder-late_three]';
  await page.waitForSelector(form);
  assert.match(await page.textContent('[data-testid=reminder-placeholders]'),
    /\{debtor_name\}, \{amount\}, \{due_date\}, \{account\}, \{agency\}/);
  assert.equal(await page.textContent(`${form} h2`), '3 days late Default wording');
  assert.equal(await page.inputValue('#reminder-late_three-body'), before.body);
  assert.equal(await page.isDisabled('[data-testid=reminder-late_three-reset]'), true, 'the default already');

  await page.fill('#reminder-late_three-subject', 'Reminder: {amount} is 3 days late');
  await page.fill('#reminder-late_three-body', 'Dear {name}, your payment of {amount} is 3 days late.');
  await page.click('[data-testid=reminder-late_three-save]');
  const told = await page.waitForSelector('#reminder-late_three-body-error:not([hidden])');
  assert.match(await told.textContent(), /may only use the placeholders \{debtor_name\}/);
  assert.equal(await page.getAttribute('#reminder-late_three-body', 'aria-invalid'), 'true');
  assert.equal(await page.isHidden('#reminder-late_three-subject-error'), true, 'the subject is fine');
  assert.equal((await lateThree()).is_custom, false, 'nothing sent');

  const body = 'Dear {debtor_name}, your payment of {amount} on account {account} was due on {due_date}.\n{agency}';
  await page.fill('#reminder-late_three-body', body);
  assert.equal(await page.isHidden('#reminder-late_three-body-error'), true, 'typing clears what was said');
  await page.click('[data-testid=reminder-late_three-save]');
  await page.waitForSelector('[data-testid=reminder-late_three-status] >> text=Saved.');
  await page.waitForSelector('[data-testid=reminder-late_three-badge] >> text=Custom');
  const saved = await lateThree();
  assert.deepEqual([saved.subject, saved.body, saved.is_custom], ['Reminder: {amount} is 3 days late', body, true]);
  assert.equal(await page.isDisabled('[data-testid=reminder-late_three-reset]'), false);
  assert.equal(await page.textContent('[data-testid=reminder-upcoming-badge]'), 'Default wording', 'the others as they were');

  await page.locator('[data-testid=reminder-templates]').scrollIntoViewIfNeeded();
  await e2e.shot(page, '101-reminder-templates-1280');
  assert.equal(await e2e.scrollsSideways(page), false);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.locator(form).scrollIntoViewIfNeeded();
  await e2e.shot(page, '102-reminder-templates-390');
  assert.equal(await e2e.scrollsSideways(page), false);
  await page.setViewportSize({ width: 1280, height: 900 });

  await page.click('[data-testid=reminder-late_three-reset]');
  await page.waitForSelector('[data-testid=reminder-late_three-badge] >> text=Default wording');
  assert.match(dialogs.at(-1), /^Go back to the default wording of the reminder “3 days late”\?/);
  assert.equal(await page.inputValue('#reminder-late_three-body'), before.body);
  assert.equal(await page.inputValue('#reminder-late_three-subject'), before.subject);
  assert.equal(await page.isDisabled('[data-testid=reminder-late_three-reset]'), true);
  const reset = await lateThree();
  assert.deepEqual([reset.subject, reset.body, reset.is_custom], [before.subject, before.body, false]);
  assert.deepEqual(errors, []);
});
