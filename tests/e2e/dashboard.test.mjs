// The dashboard in headless Chromium against the demo data: a manager lands on it and
// reads the same figures as the API, changes the period (in the URL, figures reloaded),
// follows a figure to the filtered worklist and sorts the collectors' table; a
// collector reads only their own figures. Screenshots 30–39.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import * as e2e from './support.mjs';
import { BASE, COLLECTOR, MANAGER, RUN, api, tokenOf, daysBefore } from './support.mjs';

let browser, page;
let managerToken, today, currency;
const shot = (name) => e2e.shot(page, name);

/** An amount as the SPA writes it: `1,250.50 USD`. */
const money = (amount) =>
  `${Number(amount).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${currency}`;
const text = async (selector) => (await page.textContent(selector))?.trim();
/** Waits until the dashboard shows every figure of `from`–`to`. */
const ready = (from, to) => page.waitForSelector(`[data-testid=dashboard-ready][data-from="${from}"][data-to="${to}"]`,
  { state: 'attached' });

before(async () => {
  managerToken = await tokenOf(MANAGER);
  const me = await api(managerToken, 'GET', '/auth/me');
  today = me.today;
  currency = me.agency.currency;
  // Money collected today on one of Sarah's accounts, so the period has some for sure.
  const id = await e2e.createAccount(managerToken, 'dash', 'Dashiell Moreau', '2000.00', COLLECTOR);
  await api(managerToken, 'POST', '/payments', { account_id: id, amount: '123.45', method: 'cash', paid_on: today },
    { 'idempotency-key': `dash-pay-${RUN}` });
  browser = await e2e.launch();
  page = await e2e.newPage(browser);
});

afterEach((t) => e2e.onFailure(page, t));

after(async () => {
  await browser?.close();
});

test('a manager lands on the dashboard, whose figures are the API\'s', async () => {
  await page.goto(`${BASE}/`);
  await page.waitForSelector('[data-testid=login-form]');
  await e2e.login(page, MANAGER);
  const from = daysBefore(today, 29);
  await ready(from, today);
  assert.equal(new URL(page.url()).pathname, '/', 'the manager\'s home is the dashboard');
  assert.equal(await text('h1'), 'Dashboard');
  assert.equal(await page.title(), 'Dashboard · DebtFlow');

  const d = await api(managerToken, 'GET', `/analytics/dashboard?from=${from}&to=${today}`);
  assert.ok(Number(d.current.collected) >= 123.45, 'the period holds the payment made today');
  assert.equal(await text('[data-testid=kpi-collected] [data-testid=value]'), money(d.current.collected));
  assert.equal(await text('[data-testid=kpi-payments] [data-testid=value]'), String(d.current.payments));
  assert.equal(await text('[data-testid=kpi-active] [data-testid=value]'), String(d.current.portfolio.active_accounts));
  assert.equal(await text('[data-testid=kpi-balance] [data-testid=value]'), money(d.current.portfolio.balance_to_recover));
  // The change is said with an arrow and a sign, not by colour alone.
  const change = await text('[data-testid=kpi-collected] [data-testid=change] span[aria-hidden]');
  assert.match(change, /^(▲ (\+[\d.]+%|new)|▼ -[\d.]+%|= 0%)$/, change);
  assert.equal(await text('[data-testid=kpi-collected] [data-testid=change] .before'), `vs ${money(d.previous.collected)}`);
  // Screen readers hear it in words.
  assert.match(await text('[data-testid=kpi-collected] [data-testid=change] .sr-only'), /^(up|down|unchanged)/);
  assert.match(await text('[data-testid=scope]'), /whole agency/);

  // The aging chart's table: each bucket's accounts and balance, as the API counts them today.
  const aging = await api(managerToken, 'GET', '/analytics/aging-report');
  assert.equal(aging.totals.length, 4);
  for (const row of aging.totals) {
    const tr = `[data-testid=aging-row][data-bucket="${row.bucket}"]`;
    assert.equal(await text(`${tr} [data-testid=aging-accounts]`), String(row.accounts), row.bucket);
    assert.equal(await text(`${tr} [data-testid=aging-balance]`), money(row.balance), row.bucket);
  }
  // The funnel counts every status of the portfolio.
  for (const s of d.current.portfolio.by_status) {
    assert.equal(await text(`[data-testid=funnel-stage][data-status=${s.status}] [data-testid=funnel-count]`),
      String(s.accounts), s.status);
  }
  // The charts are labelled images; the trend's table adds up to the collected figure.
  assert.ok(await page.$('svg[data-testid=trend-chart][role=img] title'));
  assert.equal(await page.$$eval('svg[data-testid=trend-chart] rect', (r) => r.length), 30, 'a bar per day');
  assert.equal(await page.isVisible('[data-testid=trend-table]'), false);
  await page.click('[data-testid=trend-details] summary');
  assert.equal(await page.isVisible('[data-testid=trend-table]'), true);
  assert.equal(await text('[data-testid=trend-total]'), money(d.current.collected));
  await shot('32-dashboard-trend-table');
  await page.click('[data-testid=trend-details] summary');
  assert.equal(await page.isVisible('[data-testid=trend-table]'), false);
  await shot('30-dashboard-1280');
});

test('the period is in the URL, and the figures follow it', async () => {
  await page.click('[data-period="period=7d"]');
  await page.waitForURL(/\?period=7d$/);
  const from = daysBefore(today, 6);
  await ready(from, today);
  const d = await api(managerToken, 'GET', `/analytics/dashboard?from=${from}&to=${today}`);
  assert.equal(await text('[data-testid=kpi-collected] [data-testid=value]'), money(d.current.collected));
  assert.equal(await page.$$eval('svg[data-testid=trend-chart] rect', (r) => r.length), 7);
  assert.equal(await page.getAttribute('[data-period="period=7d"]', 'aria-current'), 'true');
  assert.equal(await page.getAttribute('[data-period="period=30d"]', 'aria-current'), null);

  // Custom dates: checked before they go into the URL.
  await page.click('[data-period=custom]');
  await page.fill('#custom-period input[name=from]', today);
  await page.fill('#custom-period input[name=to]', daysBefore(today, 10));
  await page.click('#custom-period button[type=submit]');
  assert.match(await text('#custom-period-error'), /must not be after the end date/);
  assert.match(page.url(), /\?period=7d$/, 'a refused period does not change the view');
  const customFrom = daysBefore(today, 100);
  const customTo = daysBefore(today, 40);
  await page.fill('#custom-period input[name=from]', customFrom);
  await page.fill('#custom-period input[name=to]', customTo);
  await page.click('#custom-period button[type=submit]');
  await page.waitForURL(new RegExp(`\\?from=${customFrom}&to=${customTo}$`));
  await ready(customFrom, customTo);
  const c = await api(managerToken, 'GET', `/analytics/dashboard?from=${customFrom}&to=${customTo}`);
  assert.equal(await text('[data-testid=kpi-collected] [data-testid=value]'), money(c.current.collected));

  // The link reproduces the view.
  const link = page.url();
  await page.goto(`${BASE}/accounts`);
  await page.goto(link);
  await ready(customFrom, customTo);
  assert.equal(await page.getAttribute('[data-period=custom]', 'aria-pressed'), 'true');
  assert.equal(await page.inputValue('#custom-period input[name=from]'), customFrom);
  // Back to the 30 days for what follows; the back button returns to the custom dates.
  await page.click('[data-period="period=30d"]');
  await ready(daysBefore(today, 29), today);
  assert.equal(await page.isVisible('#custom-period'), false);
  await page.goBack();
  await ready(customFrom, customTo);
  assert.equal(await page.isVisible('#custom-period'), true);
  assert.equal(await page.inputValue('#custom-period input[name=to]'), customTo);
  await page.goForward();
  await ready(daysBefore(today, 29), today);
  assert.equal(await page.getAttribute('[data-period="period=30d"]', 'aria-current'), 'true');
});

test('a figure leads to the worklist filtered to its accounts', async () => {
  const aging = await api(managerToken, 'GET', '/analytics/aging-report');
  const busiest = [...aging.totals].sort((a, b) => b.accounts - a.accounts)[0];
  assert.ok(busiest.accounts > 0, 'the demo has aged accounts');
  await page.click(`[data-testid=aging-row][data-bucket="${busiest.bucket}"] a`);
  await page.waitForURL((u) => u.pathname === '/accounts' && u.searchParams.get('bucket') === busiest.bucket);
  await page.waitForSelector('[data-testid=account-row]');
  const rows = await page.$$eval('[data-testid=account-row]', (trs) =>
    trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent.trim())));
  assert.ok(rows.length > 0);
  for (const cells of rows) assert.ok(cells.includes(busiest.bucket), `every row is ${busiest.bucket}: ${cells}`);
  for (const cells of rows) assert.ok(!cells.includes('Settled') && !cells.includes('Closed'), 'active accounts only');
  assert.equal(await page.inputValue('select[name=bucket]'), busiest.bucket, 'the worklist shows the filter');

  // A status of the funnel.
  await page.goBack();
  await ready(daysBefore(today, 29), today);
  await page.click('[data-testid=funnel-stage][data-status=payment_plan] a');
  await page.waitForURL(/\/accounts\?status=payment_plan$/);
  await page.waitForSelector('[data-testid=account-row]');
  const statuses = await page.$$eval('[data-testid=account-row] [data-testid=status]', (s) => s.map((e) => e.textContent));
  assert.ok(statuses.length > 0 && statuses.every((s) => s === 'Payment plan'), statuses.join());
});

test('the collectors\' table sorts by each column', async () => {
  await page.click('nav >> text=Dashboard');
  await page.waitForURL(/\/dashboard$/);
  await ready(daysBefore(today, 29), today);
  const report = await api(managerToken, 'GET', `/analytics/collectors?from=${daysBefore(today, 29)}&to=${today}`);
  const names = () => page.$$eval('[data-testid=collector-row] th', (ths) => ths.map((t) => t.textContent.replace(' (inactive)', '').trim()));
  assert.equal((await names()).length, report.collectors.length);
  // By default, the most collected first.
  const byCollected = [...report.collectors].sort((a, b) => Number(b.collected) - Number(a.collected)
    || a.collector.name.toLowerCase().localeCompare(b.collector.name.toLowerCase()));
  assert.deepEqual(await names(), byCollected.map((c) => c.collector.name));
  assert.equal(await page.getAttribute('th:has(button[data-sort=collected])', 'aria-sort'), 'descending');
  const collected = await page.$$eval('[data-testid=collector-row] [data-testid=collector-collected]', (tds) => tds.map((t) => t.textContent.trim()));
  assert.deepEqual(collected, byCollected.map((c) => money(c.collected)));

  await page.click('button[data-sort=name]');
  const az = report.collectors.map((c) => c.collector.name).sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
  assert.deepEqual(await names(), az);
  assert.equal(await page.getAttribute('th:has(button[data-sort=name])', 'aria-sort'), 'ascending');
  await page.click('button[data-sort=name]');
  assert.deepEqual(await names(), [...az].reverse());
  await page.click('button[data-sort=worked]');
  const worked = await page.$$eval('[data-testid=collector-row] td:nth-of-type(3)', (tds) => tds.map((t) => Number(t.textContent)));
  assert.deepEqual(worked, [...worked].sort((a, b) => b - a), 'most worked first');

  // A collector's name leads to their accounts.
  const first = report.collectors[0];
  await page.click(`[data-testid=collector-row][data-collector="${first.collector.id}"] th a`);
  await page.waitForURL((u) => u.pathname === '/accounts' && u.searchParams.get('collector') === first.collector.id);
  await page.goBack();
  await ready(daysBefore(today, 29), today);

  // At phone width: nothing scrolls sideways (the table scrolls inside its own box).
  await page.setViewportSize({ width: 390, height: 844 });
  assert.equal(await e2e.scrollsSideways(page), false, 'the dashboard does not scroll sideways at 390 px');
  await shot('31-dashboard-390');
  await page.setViewportSize({ width: 1280, height: 900 });
  await e2e.logout(page);
});

test('a collector sees only their own figures', async () => {
  await e2e.login(page, COLLECTOR);
  // Sarah's home stays the worklist; the dashboard is one click away.
  await page.goto(`${BASE}/`);
  await page.waitForSelector('[data-testid=worklist]');
  await page.click('nav >> text=Dashboard');
  const from = daysBefore(today, 29);
  await ready(from, today);
  const c = await tokenOf(COLLECTOR);
  const mine = await api(c, 'GET', `/analytics/dashboard?from=${from}&to=${today}`);
  const all = await api(managerToken, 'GET', `/analytics/dashboard?from=${from}&to=${today}`);
  assert.equal(mine.collector?.name, 'Sarah Mitchell');
  assert.notEqual(mine.current.portfolio.active_accounts, all.current.portfolio.active_accounts);
  assert.equal(await text('[data-testid=kpi-collected] [data-testid=value]'), money(mine.current.collected));
  assert.equal(await text('[data-testid=kpi-active] [data-testid=value]'), String(mine.current.portfolio.active_accounts));
  assert.match(await text('[data-testid=scope]'), /Sarah Mitchell's accounts/);
  const aging = await api(c, 'GET', '/analytics/aging-report');
  for (const row of aging.totals) {
    assert.equal(await text(`[data-testid=aging-row][data-bucket="${row.bucket}"] [data-testid=aging-accounts]`),
      String(row.accounts), row.bucket);
  }
  assert.equal(await page.$('[data-testid=collectors]'), null, 'no collectors\' table for a collector');
  await shot('33-dashboard-collector-1280');
  await page.setViewportSize({ width: 390, height: 844 });
  assert.equal(await e2e.scrollsSideways(page), false);
  await shot('34-dashboard-collector-390');
  await page.setViewportSize({ width: 1280, height: 900 });
  await e2e.logout(page);
});
