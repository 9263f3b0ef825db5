// Settings in the browser, on pages that enforce the SPA's Content-Security-Policy: an
// agency admin turns a kill switch off (after a confirmation) and sees who did it and
// when, after a reload too, and the audit trail has it; types grace days the API
// refuses and reads why beside the field; saves valid rules (and an approval window
// that /auth/me then announces); sets up an SFTP source whose password is never shown
// again. A manager reads the same screen without a way to change it; a collector is not
// offered it. At 1280 and 390 px, nothing scrolling sideways. What the journey changes
// it puts back. Screenshots 70–79.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import * as e2e from './support.mjs';
import { BASE, ADMIN, MANAGER, COLLECTOR, api, tokenOf } from './support.mjs';

let browser, page, admin, me;
const errors = [];
const dialogs = [];
const switchOf = (key) => `li[data-switch=${key}]`;
const errorOf = (field) => `[data-field="${field}"]:not([hidden])`;

/** Replaces what the input `selector` holds with `text`, as a user types it. */
async function retype(selector, text) {
  await page.fill(selector, '');
  await page.type(selector, text);
}

before(async () => {
  admin = await tokenOf(ADMIN);
  me = await api(admin, 'GET', '/auth/me');
  browser = await e2e.launch();
  page = await e2e.newPage(browser, { errors, dialogs, enforceCsp: true });
});

afterEach((t) => e2e.onFailure(page, t));

after(async () => {
  // Back as the other journeys expect the agency.
  await api(admin, 'PATCH', `/agencies/${me.agency.id}`, {
    settings: { plan_grace_days: null, plan_default_threshold_days: null, payment_approval_after_days: null },
  }).catch(() => {});
  await api(admin, 'PATCH', '/settings', { reminders_enabled: true }).catch(() => {});
  await browser?.close();
});

test('an agency admin turns a kill switch off and sees who did it and when, after a reload too', async () => {
  await page.goto(`${BASE}/accounts`);
  await e2e.login(page, ADMIN);
  await page.click('nav >> text=Settings');
  await page.waitForSelector(`${switchOf('reminders_enabled')} button[aria-checked=true]`);
  assert.equal(await page.title(), 'Settings · DebtFlow');
  assert.equal(
    await page.textContent(`${switchOf('reminders_enabled')} [data-testid=switch-changed]`),
    'Never changed: on since the agency began',
  );

  await page.click(`${switchOf('reminders_enabled')} button`);
  await page.waitForSelector(`${switchOf('reminders_enabled')} button[aria-checked=false]:not([disabled])`);
  assert.match(dialogs.at(-1), /^Turn off “Installment reminders”\?/, 'turning jobs off asks first');
  const said = await page.textContent(`${switchOf('reminders_enabled')} [data-testid=switch-changed]`);
  assert.match(said, /^Turned off by Demo Admin on \d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
  assert.equal(await page.textContent(`${switchOf('jobs_enabled')} button`), 'On', 'the others untouched');

  await page.reload();
  await page.waitForSelector(`${switchOf('reminders_enabled')} button[aria-checked=false]`);
  assert.equal(await page.textContent(`${switchOf('reminders_enabled')} [data-testid=switch-changed]`), said, 'kept');

  // The API says the same, and the audit trail has the change with its author.
  const switches = await api(admin, 'GET', '/settings');
  assert.equal(switches.reminders_enabled, false);
  const change = switches.last_changed.reminders_enabled;
  assert.equal(change.changed_by, me.id);
  assert.equal(said, `Turned off by Demo Admin on ${change.changed_at.slice(0, 10)} ${change.changed_at.slice(11, 16)}`);
  const trail = await api(admin, 'GET', '/audit-logs?action=settings.update&limit=5');
  const entry = trail.items.find((e) => e.after?.reminders_enabled === false);
  assert.ok(entry, `an audit entry: ${JSON.stringify(trail.items)}`);
  assert.equal(entry.actor_id, me.id);
  assert.deepEqual(entry.before, { reminders_enabled: true });
  await e2e.shot(page, '70-settings-switch-off');

  // Back on: no confirmation needed.
  const asked = dialogs.length;
  await page.click(`${switchOf('reminders_enabled')} button`);
  await page.waitForSelector(`${switchOf('reminders_enabled')} button[aria-checked=true]:not([disabled])`);
  assert.equal(dialogs.length, asked);
  assert.match(await page.textContent(`${switchOf('reminders_enabled')} [data-testid=switch-changed]`), /^Turned on by Demo Admin/);
});

test('grace days the API refuses are told beside the field; valid rules are saved', async () => {
  await retype('#plan_grace_days', '30');
  await page.click('[data-testid=rules-form-save]');
  const error = await page.waitForSelector(errorOf('settings.plan_grace_days'));
  assert.equal(await error.textContent(), 'must be fewer than the default threshold (30 days)');
  assert.equal(await page.getAttribute('#plan_grace_days', 'aria-invalid'), 'true');
  assert.equal(await page.$('[data-testid=form-error]'), null, 'said once, beside its field');
  await e2e.shot(page, '71-settings-grace-refused');
  assert.equal((await api(admin, 'GET', `/agencies/${me.agency.id}`)).settings.plan_grace_days, 3, 'nothing saved');

  await retype('#plan_grace_days', '400');
  assert.equal(await page.$(errorOf('settings.plan_grace_days')), null, 'typing clears the error');
  await page.click('[data-testid=rules-form-save]');
  assert.equal(await (await page.waitForSelector(errorOf('settings.plan_grace_days'))).textContent(), 'must be between 0 and 364 days');

  await retype('#plan_grace_days', '5');
  await retype('#plan_default_threshold_days', '45');
  await retype('#payment_approval_after_days', '10');
  await page.click('[data-testid=rules-form-save]');
  await page.waitForSelector('[data-testid=rules-form-status] >> text=Saved.');
  assert.equal(await page.$(errorOf('settings.plan_grace_days')), null);
  const saved = (await api(admin, 'GET', `/agencies/${me.agency.id}`)).settings;
  assert.deepEqual(
    [saved.plan_grace_days, saved.plan_default_threshold_days, saved.payment_approval_after_days],
    [5, 45, 10],
  );
  assert.equal((await api(admin, 'GET', '/auth/me')).policy.payment_approval_after_days, 10, 'the window in force');

  await page.reload();
  await page.waitForSelector('#plan_grace_days');
  assert.equal(await page.inputValue('#plan_grace_days'), '5', 'kept');
  assert.equal(await page.inputValue('#payment_approval_after_days'), '10');
  // Emptied, the window is the server's again.
  await page.fill('#payment_approval_after_days', '');
  await page.click('[data-testid=rules-form-save]');
  await page.waitForSelector('[data-testid=rules-form-status] >> text=Saved.');
  assert.equal((await api(admin, 'GET', `/agencies/${me.agency.id}`)).settings.payment_approval_after_days, null);
});

test('an SFTP source is set up, its field errors told, its password never shown again', async () => {
  await page.fill('#sftp-host', `sftp-${e2e.RUN}.example.test`);
  await page.fill('#sftp-username', 'agency');
  await retype('#sftp-port', '0');
  await page.uncheck('#sftp-enabled');
  await page.click('[data-testid=sftp-form-save]');
  assert.equal(await (await page.waitForSelector(errorOf('port'))).textContent(), 'must be between 1 and 65535');
  await retype('#sftp-port', '2222');
  await page.click('[data-testid=sftp-form-save]');
  assert.equal(await (await page.waitForSelector(errorOf('password'))).textContent(), 'a password or a private_key is required');
  await page.fill('#sftp-password', 'not-shown-again');
  await page.click('[data-testid=sftp-form-save]');
  await page.waitForSelector('[data-testid=sftp-form-status] >> text=Saved.');
  assert.equal(await page.inputValue('#sftp-password'), '', 'the password is not kept on the page');
  const source = await api(admin, 'GET', '/imports/sftp');
  assert.equal(source.port, 2222);
  assert.equal(source.enabled, false, 'not polled: the host does not exist');
  assert.ok(!JSON.stringify(source).includes('not-shown-again'), 'the API never returns it');

  await page.reload();
  await page.waitForSelector('#sftp-host');
  assert.equal(await page.inputValue('#sftp-host'), `sftp-${e2e.RUN}.example.test`);
  assert.equal(await page.inputValue('#sftp-password'), '', 'never shown');
  assert.equal(await page.textContent('[data-testid=sftp-form-lead]'), 'Not polled yet');
  await e2e.shot(page, '72-settings-admin');
  assert.deepEqual(errors, [], 'no error in the page');
});

test('at 390 px the settings fit the phone', async () => {
  const phone = await e2e.newPage(browser, { width: 390, height: 844, errors, dialogs, enforceCsp: true });
  await phone.goto(`${BASE}/settings`);
  await e2e.login(phone, ADMIN);
  await phone.waitForSelector(`${switchOf('jobs_enabled')} button`);
  await phone.waitForSelector('#plan_grace_days');
  assert.equal(await e2e.scrollsSideways(phone), false, 'nothing scrolls sideways');
  await e2e.shot(phone, '73-settings-phone');
  await phone.context().close();
});

test('a manager reads the settings and cannot change them; a collector is not offered them', async () => {
  const manager = await e2e.newPage(browser, { errors, dialogs, enforceCsp: true });
  await manager.goto(`${BASE}/accounts`);
  await e2e.login(manager, MANAGER);
  await manager.click('nav >> text=Settings');
  await manager.waitForSelector('[data-testid=read-only]');
  await manager.waitForSelector(`${switchOf('reminders_enabled')} button[disabled]`);
  await manager.waitForSelector('[data-testid=sftp-summary]');
  assert.equal(await manager.inputValue('#plan_grace_days'), '5', 'what the admin saved');
  assert.equal(await manager.getAttribute('#plan_grace_days', 'readonly'), '');
  assert.equal(await manager.$('[data-testid=rules-form-save]'), null, 'no button to save');
  assert.equal(await manager.$('[data-testid=profile-form-save]'), null);
  assert.equal(await manager.$('#sftp-password'), null, 'no form for the SFTP source');
  assert.match(await manager.textContent(`${switchOf('reminders_enabled')} [data-testid=switch-changed]`), /^Turned on by Demo Admin/);
  assert.equal(await manager.$$eval('[data-testid=switch] button:not([disabled])', (b) => b.length), 0);
  await e2e.shot(manager, '74-settings-manager');
  await manager.context().close();

  const collector = await e2e.newPage(browser, { errors, dialogs, enforceCsp: true });
  await collector.goto(`${BASE}/accounts`);
  await e2e.login(collector, COLLECTOR);
  assert.equal(await collector.$('nav >> text=Settings'), null, 'not offered');
  await collector.goto(`${BASE}/settings`);
  await collector.waitForSelector('[data-testid=forbidden]');
  await collector.context().close();
  assert.deepEqual(errors, [], 'no error in any page');
});
