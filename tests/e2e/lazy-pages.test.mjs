// The SPA split by route (frontend/src/routes.rs): the login page downloads no page's
// code; each page's code (its split module and the chunks it shares with others) is
// fetched the first time the user goes there, compressed and cached for a year, under
// the page's Content-Security-Policy; a page whose code cannot be fetched (the network,
// or a deploy that removed this tab's files) says so and offers a reload, with no
// panic, and going there again tries again. Screenshots 90–99.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import * as e2e from './support.mjs';
import { BASE, COLLECTOR } from './support.mjs';

let browser, page;
const errors = []; // uncaught errors and console errors: a panic, a policy violation
const fetched = []; // the pages' code the browser asked for: { url, status, encoding, cache }

/** The split and chunk modules fetched since `from` (an index into `fetched`). */
const codeSince = (from) => fetched.slice(from).map((f) => f.url);
const isPageCode = (url) => /^\/assets\/(split|chunk)_[a-z0-9_]+-[0-9a-f]{16}\.wasm$/.test(url);

before(async () => {
  browser = await e2e.launch();
  page = await e2e.newPage(browser, { errors, enforceCsp: true });
  page.on('response', (res) => {
    const url = new URL(res.url()).pathname;
    if (!isPageCode(url)) return;
    const h = res.headers();
    fetched.push({ url, status: res.status(), encoding: h['content-encoding'] ?? null, cache: h['cache-control'] ?? null });
  });
});

afterEach((t) => e2e.onFailure(page, t));
after(async () => {
  await browser?.close();
});

test("a page's code is fetched the first time the user goes there, and only then", async () => {
  await page.goto(`${BASE}/login`);
  await page.waitForSelector('[data-testid=login-form]');
  await page.waitForLoadState('networkidle');
  assert.deepEqual(fetched, [], 'the login page downloads no page code');

  await e2e.login(page, COLLECTOR); // to the worklist
  await page.waitForSelector('[data-testid=account-row]');
  const worklist = codeSince(0);
  assert.ok(worklist.some((u) => u.startsWith('/assets/split_worklist-')), JSON.stringify(worklist));
  assert.ok(!worklist.some((u) => u.startsWith('/assets/split_account-')), "the account page's code waits");
  for (const f of fetched) {
    assert.equal(f.status, 200, f.url);
    assert.match(f.encoding ?? '', /^(br|gzip)$/, `${f.url} compressed`);
    assert.equal(f.cache, 'public, max-age=31536000, immutable', f.url);
  }

  let from = fetched.length;
  await page.click('[data-testid=account-row] a');
  await page.waitForSelector('[data-testid=account]');
  assert.ok(codeSince(from).some((u) => u.startsWith('/assets/split_account-')), JSON.stringify(codeSince(from)));
  await e2e.shot(page, '90-account-after-its-code-arrived');

  from = fetched.length;
  await page.goBack();
  await page.waitForSelector('[data-testid=account-row]');
  assert.deepEqual(codeSince(from), [], 'a page visited before is not fetched again');
  assert.deepEqual(errors.splice(0), [], 'no error in the page, no policy violation');
});

test('a page whose code cannot be fetched offers a reload, and going there again tries again', async () => {
  // The password page's own module, as a deploy that removed the tab's files would leave it.
  const missing = '**/assets/split_password-*.wasm';
  await page.route(missing, (route) => route.fulfill({ status: 404, contentType: 'application/problem+json', body: '{}' }));
  await page.click('[data-testid=who]'); // the link to /password
  await page.waitForSelector('[data-testid=chunk-failed]');
  assert.match(await page.textContent('[data-testid=chunk-failed]'), /could not be loaded/);
  await e2e.shot(page, '91-page-code-missing');
  // The loader says why in the console; nothing panicked, the app still works.
  assert.ok(errors.every((e) => !/panicked|unreachable/i.test(e)), JSON.stringify(errors));
  errors.splice(0);
  await page.click('nav a[href="/accounts"]');
  await page.waitForSelector('[data-testid=account-row]');

  // Back online: the same link now opens the page, without a reload.
  await page.unroute(missing);
  await page.click('[data-testid=who]');
  await page.waitForSelector('[data-testid=password-form]');
  assert.match(await page.textContent('h1'), /Change your password/);
  assert.deepEqual(errors.splice(0), [], 'no error once the code arrives');

  // The reload button: the notifications page's code unreachable on a direct visit, then back.
  const unreachable = '**/assets/split_notifications-*.wasm';
  await page.route(unreachable, (route) => route.abort('failed'));
  await page.goto(`${BASE}/notifications`);
  await page.waitForSelector('[data-testid=chunk-failed]');
  errors.splice(0);
  await page.unroute(unreachable);
  await page.click('[data-testid=chunk-failed] button');
  await page.waitForSelector('[data-testid=unread-only]');
  assert.match(await page.textContent('h1'), /Notifications/);
  assert.deepEqual(errors.splice(0), [], 'no error after the reload');
});
