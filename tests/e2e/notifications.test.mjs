// The notification centre in the browser: a manager on the dashboard watches the bell
// while a collector, through the API, records backdated payments (each one notifies the
// managers); the count and a toast arrive live from the stream, without a reload. Then the panel
// (open an item: read, and its link), "Mark all read", the page (mark read, delete,
// the unread filter), the preferences, at 1280 and 390 px. Screenshots 40–49.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import * as e2e from './support.mjs';
import { BASE, COLLECTOR, MANAGER, api, tokenOf, daysBefore } from './support.mjs';

let browser, page, manager, collector, today, accountId;
const errors = [];
let payments = 0;

/** The collector records a payment dated 20 days back: it waits for a manager. */
async function backdatedPayment() {
  payments += 1;
  await api(collector, 'POST', '/payments', {
    account_id: accountId,
    amount: `${payments}.00`,
    method: 'bank_transfer',
    paid_on: daysBefore(today, 20),
    reference: `E2E-NOTIF-${e2e.RUN}-${payments}`,
  }, { 'idempotency-key': `e2e-notif-${e2e.RUN}-${payments}` });
}

const unread = async () => (await api(manager, 'GET', '/notifications/unread-count')).unread_count;
/** The badge's text ('' when there is none). */
const badge = () => page.$eval('[data-testid=bell]', (b) => b.querySelector('[data-testid=unread-count]')?.textContent ?? '');
const waitBadge = (text) =>
  page.waitForFunction(
    (t) => (document.querySelector('[data-testid=bell] [data-testid=unread-count]')?.textContent ?? '') === t,
    text,
  );

before(async () => {
  manager = await tokenOf(MANAGER);
  collector = await tokenOf(COLLECTOR);
  today = (await api(manager, 'GET', '/auth/me')).today;
  accountId = await e2e.createAccount(manager, 'notif', 'Helena Marsh', '5000.00', COLLECTOR);
  // The demo's notifications of the manager, read: the journey counts from zero.
  await api(manager, 'POST', '/notifications/read-all', {});
  browser = await e2e.launch();
  page = await e2e.newPage(browser, { errors });
});

afterEach((t) => e2e.onFailure(page, t));

after(async () => {
  await browser?.close();
});

test('a notification arrives live on the dashboard: the bell counts it and a toast shows it, without a reload', async () => {
  await page.goto(`${BASE}/`);
  await e2e.login(page, MANAGER);
  // The manager's landing page: the dashboard, every figure drawn.
  await page.waitForSelector('[data-testid=dashboard-ready]', { state: 'attached' });
  await page.waitForSelector('[data-testid=bell]');
  assert.equal(await badge(), '', 'nothing unread: no badge');
  assert.match(await page.textContent('[data-testid=bell-label]'), /none unread/);
  // A mark that a reload would wipe.
  await page.evaluate(() => { window.__noReload = true; });
  // Give the stream a moment to open before the event.
  await page.waitForTimeout(500);
  const waiting = async () => {
    const { plans, payments } = await api(manager, 'GET', '/approvals/pending');
    return plans + payments;
  };
  const before = await waiting();

  await backdatedPayment();
  await waitBadge('1');
  // The navigation's approvals count follows the notification, without a reload.
  assert.equal(await waiting(), before + 1);
  await page.waitForFunction(
    (n) => Number(document.querySelector('nav [data-testid=approvals-count]')?.firstChild?.textContent ?? 0) === n,
    before + 1,
  );
  assert.equal(await page.textContent('[data-testid=bell-label]'), 'Notifications, 1 unread');
  const toast = await page.waitForSelector('[data-testid=toast]');
  assert.match(await toast.textContent(), /Backdated payment to approve/);
  assert.equal(await page.getAttribute('[data-testid=toasts]', 'role'), 'status');
  await e2e.shot(page, '40-notification-toast');

  await backdatedPayment();
  await waitBadge('2');
  assert.equal(await page.$$eval('[data-testid=toast]', (t) => t.length), 2, 'a toast for each');
  assert.ok(await page.evaluate(() => window.__noReload === true), 'the page was not reloaded');
  assert.equal(await unread(), 2);

  // A toast closes with its button, and goes by itself after a while.
  await page.click('[data-testid=toast] .toast-close');
  assert.equal(await page.$$eval('[data-testid=toast]', (t) => t.length), 1);
  await page.waitForSelector('[data-testid=toast]', { state: 'detached', timeout: 12_000 });
});

test('the panel: opening an item reads it and follows its link; mark all read empties the count', async () => {
  await page.click('[data-testid=bell]');
  await page.waitForSelector('[data-testid=panel-item]');
  assert.equal(await page.getAttribute('[data-testid=bell]', 'aria-expanded'), 'true');
  const items = await page.$$eval('[data-testid=panel-item]', (li) => li.map((l) => [l.className, l.textContent]));
  assert.ok(items.length >= 2, `the newest: ${items}`);
  assert.match(items[0][1], /Unread: Backdated payment to approve/, 'unread is said in words');
  await e2e.shot(page, '41-notification-panel');

  // The newest one: opened, it is read, and its link is the approvals queue.
  await page.click('[data-testid=panel-item] >> nth=0 >> button');
  await page.waitForURL(/\/approvals$/);
  await waitBadge('1');
  assert.equal(await unread(), 1);
  await page.waitForSelector('[data-testid=notification-panel]', { state: 'detached' });

  await page.click('[data-testid=bell]');
  await page.waitForSelector('[data-testid=panel-item]');
  await page.click('[data-testid=read-all]');
  await waitBadge('');
  assert.equal(await unread(), 0);
  // Escape closes the panel and gives the focus back to the bell.
  await page.keyboard.press('Escape');
  await page.waitForSelector('[data-testid=notification-panel]', { state: 'detached' });
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'bell');
});

test('the page: unread filter, mark read, delete, read all; the count follows', async () => {
  await backdatedPayment();
  await backdatedPayment();
  await waitBadge('2');
  await page.click('[data-testid=bell]');
  await page.click('[data-testid=all-notifications]');
  await page.waitForURL(/\/notifications$/);
  await page.waitForSelector('[data-testid=notification]');
  assert.equal(await page.title(), 'Notifications · DebtFlow');

  await page.check('[data-testid=unread-only]');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=notification]').length === 2);
  await e2e.shot(page, '42-notifications-page');

  // Mark the first read: out of the unread list, and the count follows.
  await page.click('[data-testid=notification] >> nth=0 >> [data-testid=mark-read]');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=notification]').length === 1);
  await waitBadge('1');
  assert.equal(await unread(), 1);

  // Delete the other: gone from the list and from the API.
  const before = (await api(manager, 'GET', '/notifications?limit=200')).items.length;
  await page.click('[data-testid=notification] >> nth=0 >> [data-testid=delete]');
  await page.waitForSelector('[data-testid=empty]');
  assert.equal((await api(manager, 'GET', '/notifications?limit=200')).items.length, before - 1);
  await waitBadge('');

  // A new one shows in the open list live; "Mark all read" reads it.
  await backdatedPayment();
  await page.waitForSelector('[data-testid=notification]');
  await waitBadge('1');
  await page.click('[data-testid=page-read-all]');
  await waitBadge('');
  assert.equal(await unread(), 0);
  await page.waitForSelector('[data-testid=empty]');
});

test('preferences: each kind in the app or not, and how it is mailed; the mandatory ones stay', async () => {
  await page.goto(`${BASE}/notifications/preferences`);
  await page.waitForSelector('[data-testid=preferences]');
  assert.equal(await page.title(), 'Notification preferences · DebtFlow');
  assert.ok(await page.isDisabled('#in-app-job_failed'), 'a job that failed cannot be hidden');
  await e2e.shot(page, '43-notification-preferences');

  await page.uncheck('#in-app-stale_accounts');
  await page.selectOption('#email-plan_pending_approval', 'weekly_digest');
  await page.click('[data-testid=save-preferences]');
  await page.waitForFunction(() => document.querySelector('[data-testid=preferences]')?.textContent.includes('Saved.'));
  const prefs = await api(manager, 'GET', '/notifications/preferences');
  const of = (kind) => prefs.find((p) => p.kind === kind);
  assert.equal(of('stale_accounts').in_app, false);
  assert.equal(of('plan_pending_approval').email, 'weekly_digest');
  assert.equal(of('payment_pending_approval').in_app, true, 'the others as they were');
  // Back as the demo had them.
  await api(manager, 'PUT', '/notifications/preferences', {
    stale_accounts: { in_app: true, email: 'daily_digest' },
    plan_pending_approval: { in_app: true, email: 'daily_digest' },
  });
});

test('at 390 px: the bell, its panel, the page and the preferences fit the screen', async () => {
  const phone = await e2e.newPage(browser, { width: 390, height: 844, errors });
  try {
    await phone.goto(`${BASE}/notifications`);
    await e2e.login(phone, MANAGER);
    await phone.waitForSelector('[data-testid=bell]');
    await phone.waitForTimeout(500);
    await backdatedPayment();
    await phone.waitForSelector('[data-testid=toast]');
    await phone.waitForSelector('[data-testid=notification]');
    assert.equal(await e2e.scrollsSideways(phone), false, 'the page does not scroll sideways');
    await e2e.shot(phone, '44-notifications-page-phone');
    await phone.click('[data-testid=bell]');
    await phone.waitForSelector('[data-testid=panel-item]');
    const box = await phone.$eval('[data-testid=notification-panel]', (p) => p.getBoundingClientRect().toJSON());
    assert.ok(box.left >= 0 && box.right <= 390, `the panel is on the screen: ${JSON.stringify(box)}`);
    assert.equal(await e2e.scrollsSideways(phone), false);
    await e2e.shot(phone, '45-notification-panel-phone');
    await phone.goto(`${BASE}/notifications/preferences`);
    await phone.waitForSelector('[data-testid=preferences]');
    assert.equal(await e2e.scrollsSideways(phone), false);
    await e2e.shot(phone, '46-notification-preferences-phone');
  } finally {
    await phone.close();
  }
  assert.deepEqual(errors, [], 'no error in the pages');
});
