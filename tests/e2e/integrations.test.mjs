// Integrations in the browser, on pages that enforce the SPA's Content-Security-Policy:
// an agency admin opens Integrations from the navigation; a key with no name and no
// scope is refused beside both fields before anything is sent; a key with two scopes
// shows its secret once (copied, never stored in the browser, gone when dismissed).
// The secret works as an outside system sends it — what its scopes grant answers 200,
// the staff list 403 — until the admin revokes the key (asked first, naming it): then
// it is refused 401, and the key stays in the list, greyed. A manager is not offered
// Integrations and is told whose it is at its address. At 1280 and 390 px, nothing
// scrolling sideways. The keys it makes it revokes. Screenshots 112–116.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import * as e2e from './support.mjs';
import { BASE, RUN, ADMIN, MANAGER, api, tokenOf } from './support.mjs';

let browser, page, admin;
/** Keys made by the API, beside the journey's own: revoked at the end. */
const made = [];
const errors = [];
const dialogs = [];
const KEY = `Creditor sync ${RUN}`;
const row = (name) => `[data-testid=api-key][data-name="${name}"]`;
const fieldError = (field) => page.textContent(`[data-field="${field}"]`);

/** `GET path` as an outside system calls it with `secret`: the answer's status. */
async function statusWith(secret, path) {
  const res = await fetch(`${BASE}/api/v1${path}`, { headers: { authorization: `Bearer ${secret}` } });
  await res.arrayBuffer();
  return res.status;
}

before(async () => {
  // Another key, active until a day in three months, so the list shows both kinds.
  admin = await tokenOf(ADMIN);
  const expires = new Date(Date.now() + 90 * 86_400_000).toISOString();
  const dialer = await api(admin, 'POST', '/api-keys', {
    name: `Dialer ${RUN}`,
    scopes: ['accounts:write', 'accounts:read'],
    expires_at: expires,
  });
  assert.ok(dialer.secret.startsWith(dialer.prefix));
  made.push(dialer.id);
  browser = await e2e.launch();
  page = await e2e.newPage(browser, { errors, dialogs, enforceCsp: true });
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: BASE });
});

afterEach((t) => e2e.onFailure(page, t));

after(async () => {
  const keys = admin ? await api(admin, 'GET', '/api-keys').catch(() => []) : [];
  const ours = keys.filter((k) => made.includes(k.id) || k.name.endsWith(RUN));
  for (const key of ours.filter((k) => !k.revoked_at)) {
    await api(admin, 'POST', `/api-keys/${key.id}/revoke`).catch(() => {});
  }
  await browser?.close();
});

test('an agency admin creates a key, sees its secret once, and revokes it', async () => {
  await page.goto(`${BASE}/accounts`);
  await e2e.login(page, ADMIN);
  await page.click('nav[aria-label=Main] >> text=Integrations');
  await page.waitForSelector('[data-testid=api-keys] h2:has-text("API keys")');
  assert.equal(await page.title(), 'Integrations · DebtFlow');

  // Nothing named, nothing ticked: both refused beside their fields, nothing sent.
  await page.click('[data-testid=new-api-key]');
  await page.click('[data-testid=create-api-key]');
  assert.match(await fieldError('name'), /1-100 characters, not blank/);
  assert.match(await fieldError('scopes'), /at least one scope/);
  assert.equal(await page.getAttribute('#key-name', 'aria-invalid'), 'true');

  // A key with two scopes.
  await page.fill('#key-name', `  ${KEY} `);
  await page.check('label[data-scope="accounts:read"] input');
  await page.check('label[data-scope="payments:read"] input');
  await page.click('[data-testid=create-api-key]');
  await page.waitForSelector('[data-testid=api-key-secret-panel]');
  const secret = (await page.textContent('[data-testid=api-key-secret]')).trim();
  assert.match(secret, /^dfk_live_\S{20,}$/);
  assert.match(await page.textContent('[data-testid=api-key-secret-panel]'), /will not be shown again/);
  assert.equal(await page.locator('[data-testid=new-api-key]').count(), 0, 'no second key while one is to copy');
  await page.click('[data-testid=copy-secret]');
  await page.waitForSelector('[data-testid=copy-secret]:has-text("Copied")');
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret);

  // Listed with its prefix, its two scopes, never used, active.
  await page.waitForSelector(row(KEY));
  assert.equal((await page.textContent(`${row(KEY)} code.prefix`)).trim(), `${secret.slice(0, 17)}…`);
  assert.deepEqual(await page.$$eval(`${row(KEY)} .chip`, (chips) => chips.map((c) => c.textContent)), [
    'accounts:read',
    'payments:read',
  ]);
  assert.equal((await page.textContent(`${row(KEY)} [data-testid=last-used]`)).trim(), 'never');
  assert.equal((await page.textContent(`${row(KEY)} [data-testid=key-status]`)).trim(), 'Active');
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }));
  assert.ok(!stored.includes(secret), 'the secret is kept in no storage');
  await e2e.shot(page, '112-api-key-secret-1280');

  // The key works as its scopes say: accounts yes, staff no.
  assert.equal(await statusWith(secret, '/accounts?limit=1'), 200);
  assert.equal(await statusWith(secret, '/users'), 403);

  // Dismissed, the secret is gone from the page.
  await page.click('[data-testid=secret-done]');
  await page.waitForSelector('[data-testid=api-key-secret-panel]', { state: 'detached' });
  assert.ok(!(await page.content()).includes(secret), 'the secret is no longer on the page');

  // Its use shows in the list once read again.
  await page.click('nav[aria-label=Main] >> text=Worklist');
  await page.waitForSelector('[data-testid=worklist]');
  await page.click('nav[aria-label=Main] >> text=Integrations');
  await page.waitForSelector(`${row(KEY)} [data-testid=last-used] time`);

  // Revoked after a confirmation naming it: refused at once, greyed in the list.
  await page.click(`${row(KEY)} [data-testid=revoke-api-key]`);
  assert.match(dialogs.at(-1), new RegExp(`^Revoke the API key “${KEY}” \\(${secret.slice(0, 17)}\\)\\?`));
  await page.waitForSelector(`${row(KEY)}.revoked [data-testid=key-status]:has-text("Revoked")`);
  assert.equal(await page.locator(`${row(KEY)} [data-testid=revoke-api-key]`).count(), 0);
  assert.equal(await statusWith(secret, '/accounts?limit=1'), 401);
  await e2e.shot(page, '113-api-keys-revoked-1280');
  assert.equal(await e2e.scrollsSideways(page), false);
  assert.deepEqual(errors, []);
});

test('the integrations screen fits a phone', async () => {
  const phone = await e2e.newPage(browser, { width: 390, height: 844, errors, dialogs, enforceCsp: true });
  await phone.goto(`${BASE}/integrations`);
  await e2e.login(phone, ADMIN);
  await phone.waitForSelector(row(KEY));
  assert.equal(await e2e.scrollsSideways(phone), false);
  await e2e.shot(phone, '114-api-keys-390');

  await phone.click('[data-testid=new-api-key]');
  await phone.click('[data-testid=create-api-key]');
  await phone.waitForSelector('[data-field=scopes]');
  assert.equal(await e2e.scrollsSideways(phone), false);
  await e2e.shot(phone, '115-api-key-form-390');

  // The secret, long as it is, fits the phone too.
  await phone.fill('#key-name', `Payment page ${RUN}`);
  await phone.check('label[data-scope="payments:write"] input');
  await phone.click('[data-testid=create-api-key]');
  await phone.waitForSelector('[data-testid=api-key-secret-panel]');
  assert.equal(await e2e.scrollsSideways(phone), false);
  await e2e.shot(phone, '116-api-key-secret-390');
  await phone.click('[data-testid=secret-done]');
  await phone.waitForSelector(row(`Payment page ${RUN}`));
  await phone.close();
  assert.deepEqual(errors, []);
});

test('a manager is not offered Integrations', async () => {
  await e2e.logout(page);
  await e2e.login(page, MANAGER);
  await page.waitForSelector('nav[aria-label=Main] >> text=Worklist');
  assert.equal(await page.locator('nav[aria-label=Main] >> text=Integrations').count(), 0);
  await page.goto(`${BASE}/integrations`);
  await page.waitForSelector('[data-testid=forbidden] >> text=Integrations are managed by agency admins');
  assert.equal(await page.$('[data-testid=error]'), null, 'no request refused with a 403 box');
  assert.deepEqual(errors, []);
});
