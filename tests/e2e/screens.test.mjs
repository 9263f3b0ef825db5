// Every screen at phone width (390 px): nothing scrolls sideways, the worklist's
// filters wait behind a button, its rows and the account's tables are cards; and on
// any width, each screen names the browser tab and takes the focus on its heading
// after a navigation. The page's Content-Security-Policy is enforced here (the other
// files bypass it for Playwright's evaluations): nothing the app does may violate it.
// Screenshots 60–69 (390 px).
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import * as e2e from './support.mjs';
import { BASE, COLLECTOR, MANAGER, api, tokenOf } from './support.mjs';

let browser, page;
const acc = {};
const errors = []; // uncaught errors and console errors: a panic, a policy violation

before(async () => {
  const m = await tokenOf(MANAGER);
  acc.phone = await e2e.createAccount(m, 'phone', 'Bartholomew Featherstonehaugh-Worthington', '123456.78', COLLECTOR);
  // A plan waiting for approval, so the plan tab and the approvals have a schedule to show.
  const c = await tokenOf(COLLECTOR);
  for (const to of ['in_contact', 'negotiating']) {
    await api(c, 'POST', `/accounts/${acc.phone}/transition`, { to, reason: 'call' });
  }
  const me = await api(c, 'GET', '/auth/me');
  const first = new Date(`${me.today}T00:00:00Z`);
  first.setUTCDate(first.getUTCDate() + 3);
  const terms = { total: '123456.78', installments: 12, frequency: 'monthly', first_due_date: first.toISOString().slice(0, 10) };
  const plan = await api(c, 'POST', `/accounts/${acc.phone}/plans`, terms, { 'idempotency-key': `phone-${e2e.RUN}` });
  await api(c, 'POST', `/plans/${plan.id}/submit`, {}, { 'idempotency-key': `phone-submit-${e2e.RUN}` });
  browser = await e2e.launch();
  page = await e2e.newPage(browser, { width: 390, height: 844, errors, enforceCsp: true });
});

afterEach((t) => e2e.onFailure(page, t));
after(async () => {
  await browser?.close();
});

afterEach(() => {
  assert.deepEqual(errors.splice(0), [], 'no error in the page, no policy violation');
});

async function noSidewaysScroll(what) {
  assert.equal(await e2e.scrollsSideways(page), false, `${what} scrolls sideways at 390 px`);
}

test('phone width: the worklist keeps its filters behind a button and shows its rows as cards', async () => {
  await page.goto(`${BASE}/login`);
  await page.waitForSelector('[data-testid=login-form]');
  await noSidewaysScroll('the login page');
  await e2e.shot(page, '68-login-390');
  await e2e.login(page, COLLECTOR);
  await page.goto(`${BASE}/accounts`);
  await page.waitForSelector('[data-testid=account-row]');
  await noSidewaysScroll('the worklist');
  // The first screen is the list: only the search and the button show.
  assert.equal(await page.isVisible('[data-testid=status-filter]'), false, 'the filters wait behind their button');
  assert.equal(await page.getAttribute('[data-testid=filters-toggle]', 'aria-expanded'), 'false');
  const row = page.locator('[data-testid=account-row]').first();
  const box = await row.boundingBox();
  assert.ok(box.width <= 390 && box.height > 60, `a row is a card: ${JSON.stringify(box)}`);
  await e2e.shot(page, '60-worklist-390');
  await page.click('[data-testid=filters-toggle]');
  assert.equal(await page.isVisible('[data-testid=status-filter]'), true);
  await page.click('[data-testid=status-filter] summary');
  await page.check('[data-testid=status-filter] input[value=negotiating]');
  await page.waitForURL(/status=negotiating/);
  await page.waitForSelector('[data-testid=filters-toggle] >> text="Filters (1)"');
  await noSidewaysScroll('the worklist with its filters open');
  await e2e.shot(page, '61-worklist-filters-390');
});

test('phone width: every tab of the account page fits, a long name and a twelve-row schedule included', async () => {
  await page.goto(`${BASE}/accounts/${acc.phone}`);
  await page.waitForSelector('[data-testid=account]');
  await noSidewaysScroll('the account overview');
  await e2e.shot(page, '62-account-390');
  for (const [tab, shot] of [['plan', '63-account-plan-390'], ['timeline', '64-account-timeline-390']]) {
    await page.click(`[data-testid=tab-${tab}]`);
    await page.waitForSelector(`[data-testid=tab-${tab}][aria-current=page]`);
    if (tab === 'plan') assert.equal(await page.locator('[data-testid=schedule] tbody tr').count(), 12);
    await noSidewaysScroll(`the ${tab} tab`);
    await e2e.shot(page, shot);
  }
  await e2e.logout(page);
});

test('phone width: the manager\'s approvals and an account\'s ledger', async () => {
  await e2e.login(page, MANAGER);
  await page.goto(`${BASE}/approvals`);
  await page.waitForSelector(`[data-testid=decision][data-account="${acc.phone}"] [data-testid=decision-by]`);
  await noSidewaysScroll('the approvals');
  await e2e.shot(page, '65-approvals-390');
  await page.goto(`${BASE}/accounts/${acc.phone}?tab=ledger`);
  await page.waitForSelector('[data-testid=ledger] tbody tr');
  await noSidewaysScroll('the ledger tab');
  await e2e.shot(page, '66-account-ledger-390');
  await page.goto(`${BASE}/accounts/${acc.phone}?tab=payments`);
  await page.waitForSelector('[data-testid=fee-form]');
  await noSidewaysScroll('the payments tab');
  await e2e.shot(page, '67-account-payments-390');
});

test('each screen names the tab and, after a navigation, puts the focus on its heading', async () => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`${BASE}/accounts`);
  await page.waitForSelector('[data-testid=account-row]');
  assert.equal(await page.title(), 'Worklist · DebtFlow');
  // Typed, and a result opened before the debounced search fires: no panic after.
  await page.fill('[data-testid=search]', 'Featherstonehaugh');
  await page.click(`a[href="/accounts/${acc.phone}"]`);
  await page.waitForSelector('[data-testid=account]');
  assert.equal(await page.title(), 'Bartholomew Featherstonehaugh-Worthington · DebtFlow');
  assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H1', 'the focus is on the new screen\'s heading');
  // A tab of the same screen leaves the focus where the user is.
  await page.click('[data-testid=tab-plan]');
  await page.waitForSelector('[data-testid=tab-plan][aria-current=page]');
  assert.notEqual(await page.evaluate(() => document.activeElement?.tagName), 'H1');
  await page.click('nav >> text=Approvals');
  await page.waitForSelector('[data-testid=pending-plans]');
  assert.equal(await page.title(), 'Approvals · DebtFlow');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Approvals');
  await e2e.logout(page);
});
