// Webhooks on the Integrations page, with the SPA's Content-Security-Policy enforced: an
// agency admin registers an endpoint — refused first beside the URL field (no scheme, in
// the browser; plain http, by a server that sends over https only) and beside the event
// types —, sees its signing secret once, and finds, after a payment recorded through the
// API (the admin's token, an Idempotency-Key), its delivery in the endpoint's Deliveries
// view with each attempt; "Replay" sends it again. The endpoint is then changed, its
// secret rotated (the new one shown once, the former one signing for 24 h), shown at
// 390 px, and deleted after a confirmation naming its URL. Screenshots 117–122.
//
// The test starts a receiver on 127.0.0.1; `scripts/e2e.sh` runs the server without
// WEBHOOKS_ALLOW_HTTP, which refuses it, so the endpoint then points at an https URL
// of a host that does not resolve (`.invalid`): every attempt fails, without an answer.
// Under WEBHOOKS_ALLOW_HTTP=true the receiver takes it: it answers 500 once, then 204,
// so the replay succeeds.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import * as e2e from './support.mjs';
import { BASE, RUN, ADMIN, COLLECTOR, api, tokenOf } from './support.mjs';

let browser, page, admin, receiver, local, url;
/** Whether the server took the local receiver (WEBHOOKS_ALLOW_HTTP). */
let toReceiver = false;
const received = [];
const errors = [];
const dialogs = [];
const FALLBACK = `https://hooks-${RUN}.debtflow-e2e.invalid/events`;
const row = (u) => `[data-testid=webhook][data-url="${u}"]`;
const fieldError = (field) => page.textContent(`[data-field="${field}"]`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Clicks "Refresh" in `p`'s deliveries view until the first delivery has made `n`
 * attempts; its text then.
 */
async function refreshUntilAttempts(p, n) {
  for (let i = 0; i < 60; i++) {
    const count = await p.textContent('[data-testid=delivery] [data-testid=delivery-attempts] .count').catch(() => '');
    if (Number(count) >= n) return p.textContent('[data-testid=delivery]');
    await sleep(500);
    await p.click('[data-testid=refresh-deliveries]');
    await p.waitForSelector('[data-testid=delivery]');
  }
  assert.fail(`the delivery never made ${n} attempt(s)`);
}

before(async () => {
  admin = await tokenOf(ADMIN);
  receiver = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.writeHead(received.length === 1 ? 500 : 204).end();
    });
  });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
  local = `http://127.0.0.1:${receiver.address().port}/hook/${RUN}`;
  browser = await e2e.launch();
  page = await e2e.newPage(browser, { errors, dialogs, enforceCsp: true });
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: BASE });
});

afterEach((t) => e2e.onFailure(page, t));

after(async () => {
  const endpoints = admin ? await api(admin, 'GET', '/webhooks').catch(() => []) : [];
  for (const e of endpoints.filter((e) => e.url.includes(RUN))) {
    await api(admin, 'DELETE', `/webhooks/${e.id}`).catch(() => {});
  }
  await browser?.close();
  receiver?.close();
});

test('an agency admin registers an endpoint, sees its secret once, and replays a delivery', async () => {
  await page.goto(`${BASE}/integrations`);
  await e2e.login(page, ADMIN);
  await page.waitForSelector('[data-testid=webhooks] h2:has-text("Webhooks")');

  // Nothing typed, nothing ticked: both refused beside their fields, nothing sent.
  await page.click('[data-testid=new-webhook]');
  assert.equal(await page.locator('[data-testid=webhook-form] label[data-event]').count(), 7, 'every event type');
  assert.match(
    await page.textContent('label[data-event="payment.refunded"]'),
    /payment\.refunded\s*Part or all of a payment was refunded/,
  );
  await page.click('[data-testid=save-webhook]');
  assert.match(await fieldError('url'), /must not be blank/);
  assert.match(await fieldError('event_types'), /at least one event type/);
  assert.equal(await page.getAttribute('#webhook-url', 'aria-invalid'), 'true');

  // No scheme: the domain's rule, in the browser.
  await page.fill('#webhook-url', 'hooks.example.com/debtflow');
  await page.check('label[data-event="payment.completed"] input');
  await page.click('[data-testid=save-webhook]');
  await page.waitForSelector('[data-field=url]:has-text("must be an https:// URL")');
  assert.equal(await page.locator('[data-field=event_types]').count(), 0);

  // The local receiver: taken by a development server, refused beside the field by this one.
  await page.fill('#webhook-url', local);
  await page.click('[data-testid=save-webhook]');
  await page.waitForSelector('[data-testid=webhook-secret-panel], [data-field=url]:has-text("plain http")');
  toReceiver = (await page.locator('[data-testid=webhook-secret-panel]').count()) === 1;
  url = local;
  if (!toReceiver) {
    assert.equal(await page.getAttribute('#webhook-url', 'aria-invalid'), 'true');
    await e2e.shot(page, '117-webhook-url-refused-1280');
    url = FALLBACK;
    await page.fill('#webhook-url', url);
    await page.fill('#webhook-description', `  Creditor CRM ${RUN} `);
    await page.click('[data-testid=save-webhook]');
    await page.waitForSelector('[data-testid=webhook-secret-panel]');
  }

  // The signing secret, once.
  const secret = (await page.textContent('[data-testid=webhook-secret]')).trim();
  assert.match(secret, /^whsec_[0-9a-f]{64}$/);
  assert.match(await page.textContent('[data-testid=webhook-secret-panel]'), /will not be shown again/);
  assert.equal(await page.locator('[data-testid=new-webhook]').count(), 0, 'no second endpoint while one is to copy');
  await page.click('[data-testid=webhook-secret-panel] [data-testid=copy-secret]');
  await page.waitForSelector('[data-testid=webhook-secret-panel] [data-testid=copy-secret]:has-text("Copied")');
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret);
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }));
  assert.ok(!stored.includes(secret), 'the secret is kept in no storage');
  await page.waitForSelector(`${row(url)} [data-testid=webhook-status]:has-text("Active")`);
  assert.deepEqual(await page.$$eval(`${row(url)} .chip`, (chips) => chips.map((c) => c.textContent)), [
    'payment.completed',
  ]);
  await e2e.shot(page, '118-webhook-secret-1280');
  await page.click('[data-testid=webhook-secret-panel] [data-testid=secret-done]');
  await page.waitForSelector('[data-testid=webhook-secret-panel]', { state: 'detached' });
  assert.ok(!(await page.content()).includes(secret), 'the secret is no longer on the page');

  // A payment recorded through the API on an assigned account (a new one's would wait in
  // suspense) makes a payment.completed delivery.
  const { today } = await api(admin, 'GET', '/auth/me');
  const account = await e2e.createAccount(admin, `hook-${RUN}`, 'Hope Webster', '500.00', COLLECTOR);
  const payment = await api(admin, 'POST', '/payments', { account_id: account, amount: '25.00', method: 'cash', paid_on: today },
    { 'idempotency-key': `webhook-pay-${RUN}` });
  assert.equal(payment.status, 'completed', 'its money reached the account');
  await page.click(`${row(url)} [data-testid=webhook-deliveries]`);
  await page.waitForSelector('[data-testid=webhook-deliveries-view] [data-testid=delivery]');
  assert.equal(await page.getAttribute(`${row(url)} [data-testid=webhook-deliveries]`, 'aria-expanded'), 'true');
  const first = await page.textContent('[data-testid=delivery]');
  assert.match(first, /payment\.completed/);
  const [delivery] = (await api(admin, 'GET', `/webhooks/${await endpointId()}/deliveries`)).items;
  assert.equal(delivery.data.payment.id, payment.id);
  assert.match(first, new RegExp(delivery.event_id), 'its event id is shown');

  // Its first attempt fails: the receiver answers 500, or the host does not resolve.
  const tried = await refreshUntilAttempts(page, 1);
  assert.match(tried, toReceiver ? /HTTP 500/ : /No answer/);
  assert.match(tried, /Pending/, 'retried later');
  await page.click('[data-testid=delivery] [data-testid=toggle-attempts]');
  await page.waitForSelector('[data-testid=delivery] [data-testid=attempt]');
  assert.match(await page.textContent('[data-testid=attempt]'), toReceiver ? /#1.*HTTP 500/s : /#1.*No answer/s);
  await page.click('[data-testid=delivery] details.data-sent summary');
  assert.match(await page.textContent('[data-testid=delivery] details.data-sent pre'), new RegExp(payment.id));
  await e2e.shot(page, '119-webhook-deliveries-1280');

  // The status filter: nothing failed yet, one pending.
  await page.selectOption('[data-testid=delivery-status]', 'failed');
  await page.waitForSelector('[data-testid=webhook-deliveries-view] [data-testid=empty]');
  await page.selectOption('[data-testid=delivery-status]', 'pending');
  await page.waitForSelector('[data-testid=delivery]');
  await page.selectOption('[data-testid=delivery-status]', '');
  await page.waitForSelector('[data-testid=delivery]');

  // Replayed: sent again at once, with the same event id.
  await page.click('[data-testid=delivery] [data-testid=replay-delivery]');
  await page.waitForSelector('[data-testid=delivery] [data-testid=replay-delivery]:has-text("Replay")');
  const replayed = await refreshUntilAttempts(page, 2);
  assert.match(replayed, new RegExp(delivery.event_id));
  if (toReceiver) {
    assert.match(replayed, /Succeeded/);
    assert.equal(received.length, 2);
    assert.equal(received[1].headers['debtflow-event-id'], delivery.event_id);
    assert.match(received[1].headers['debtflow-signature'], /^t=\d+,v1=[0-9a-f]{64}$/);
  }
  assert.equal(await e2e.scrollsSideways(page), false);
  assert.deepEqual(errors, []);
});

/** The id of the journey's endpoint. */
async function endpointId() {
  const endpoints = await api(admin, 'GET', '/webhooks');
  return endpoints.find((e) => e.url === url).id;
}

test('the endpoint is changed and its secret rotated', async () => {
  await page.click(`${row(url)} [data-testid=edit-webhook]`);
  await page.waitForSelector('[data-testid=webhook-form] h3:has-text("Change the endpoint")');
  assert.equal(await page.inputValue('#webhook-url'), url);
  assert.ok(await page.isChecked('label[data-event="payment.completed"] input'));
  await page.check('label[data-event="account.status_changed"] input');
  await page.fill('#webhook-description', `CRM (production) ${RUN}`);
  await page.click('[data-testid=save-webhook]');
  await page.waitForSelector('[data-testid=webhook-form]', { state: 'detached' });
  await page.waitForSelector(`${row(url)} .description:has-text("CRM (production) ${RUN}")`);
  assert.deepEqual(await page.$$eval(`${row(url)} .chip`, (chips) => chips.map((c) => c.textContent)), [
    'payment.completed',
    'account.status_changed',
  ]);

  // A new secret, asked first; the former one signs for 24 hours more.
  await page.click(`${row(url)} [data-testid=rotate-webhook-secret]`);
  assert.match(dialogs.at(-1), new RegExp(`^Make a new signing secret for ${url.replace(/[.?]/g, '\\$&')}\\?`));
  await page.waitForSelector('[data-testid=webhook-secret-panel]');
  assert.match(await page.textContent('[data-testid=webhook-secret]'), /^whsec_[0-9a-f]{64}$/);
  assert.match(await page.textContent('[data-testid=former-secret-note]'), /former secret keeps signing too.*24 hours/s);
  await e2e.shot(page, '120-webhook-rotated-1280');
  await page.click('[data-testid=webhook-secret-panel] [data-testid=secret-done]');
  await page.waitForSelector('[data-testid=webhook-secret-panel]', { state: 'detached' });
  assert.deepEqual(errors, []);
});

test('the webhooks fit a phone', async () => {
  const phone = await e2e.newPage(browser, { width: 390, height: 844, errors, dialogs, enforceCsp: true });
  await phone.goto(`${BASE}/integrations`);
  await e2e.login(phone, ADMIN);
  await phone.waitForSelector(row(url));
  await phone.click(`${row(url)} [data-testid=webhook-deliveries]`);
  await phone.waitForSelector('[data-testid=delivery]');
  await phone.click('[data-testid=delivery] [data-testid=toggle-attempts]');
  await phone.waitForSelector('[data-testid=delivery] [data-testid=attempt]');
  assert.equal(await e2e.scrollsSideways(phone), false);
  await e2e.shot(phone, '121-webhooks-390');

  await phone.click('[data-testid=new-webhook]');
  await phone.fill('#webhook-url', 'https://user:pw@hooks.example.com/x');
  await phone.click('[data-testid=save-webhook]');
  await phone.waitForSelector('[data-field=url]:has-text("credentials")');
  assert.equal(await e2e.scrollsSideways(phone), false);
  await e2e.shot(phone, '122-webhook-form-390');
  await phone.close();
  assert.deepEqual(errors, []);
});

test('an endpoint is deleted after a confirmation naming its URL', async () => {
  await page.click(`${row(url)} [data-testid=delete-webhook]`);
  assert.equal(dialogs.at(-1).split('\n')[0], `Delete the webhook endpoint ${url}?`);
  await page.waitForSelector(row(url), { state: 'detached' });
  await page.waitForSelector('[data-testid=webhook-deliveries-view]', { state: 'detached' });
  assert.ok(!(await api(admin, 'GET', '/webhooks')).some((e) => e.url === url));
  assert.deepEqual(errors, []);
});
