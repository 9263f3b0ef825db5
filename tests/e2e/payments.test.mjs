// The agency's payments and the worklist's total in the browser: a manager finds the
// payments list in the navigation, narrows it by method and by the days paid (the
// filters in the URL), opens an account from a row, and exports the filtered payments
// as CSV; bad dates are told, not sent. The worklist counts the accounts its filters
// select. At 1280 and 390 px, with no sideways scrolling; a collector is not offered
// the page. Screenshots 80–83.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import * as e2e from './support.mjs';
import { BASE, MANAGER, COLLECTOR, RUN, api, tokenOf, createAccount, daysBefore } from './support.mjs';

let browser, page, manager, today, checkAccount;
const errors = [];

before(async () => {
  manager = await tokenOf(MANAGER);
  today = (await api(manager, 'GET', '/auth/me')).today;
  checkAccount = await createAccount(manager, 'pay-check', 'Chequita Payne', '900.00', COLLECTOR);
  const cash = await createAccount(manager, 'pay-cash', 'Cash Mendoza', '400.00', COLLECTOR);
  const pay = (account, amount, method, paidOn, key) =>
    api(manager, 'POST', '/payments', { account_id: account, amount, method, paid_on: paidOn },
      { 'idempotency-key': `${key}-${RUN}` });
  await pay(checkAccount, '77.70', 'check', daysBefore(today, 2), 'pl-check');
  await pay(cash, '55.50', 'cash', today, 'pl-cash');
  browser = await e2e.launch();
  page = await e2e.newPage(browser, { errors });
});

afterEach((t) => e2e.onFailure(page, t));

after(async () => {
  await browser?.close();
});

const rows = () => page.$$eval('[data-testid=payment]', (rs) => rs.map((r) => r.textContent));

test('a manager narrows the payments by method and days paid, opens an account, exports the CSV', async () => {
  await page.goto(`${BASE}/login`);
  await e2e.login(page, MANAGER);
  await page.click('nav[aria-label=Main] >> text=Payments');
  await page.waitForURL(`${BASE}/payments`);
  await page.waitForSelector('[data-testid=payment]');
  assert.equal(await page.title(), 'Payments · DebtFlow');

  await page.selectOption('[data-testid=filter-method]', 'check');
  await page.waitForURL(/method=check/);
  // At least one row: while the filtered page loads there are none, and `every` of none is true.
  await page.waitForFunction(() => {
    const rs = [...document.querySelectorAll('[data-testid=payment]')];
    return rs.length > 0 && rs.every((r) => r.textContent.includes('Check'));
  });
  assert.ok((await rows()).some((r) => r.includes('Chequita Payne') && r.includes('77.70')), (await rows()).join('\n'));

  // The day it was paid, from and to: only it.
  const day = daysBefore(today, 2);
  await page.fill('[data-testid=filter-from]', day);
  await page.waitForURL(new RegExp(`paid_from=${day}`));
  await page.fill('[data-testid=filter-to]', day);
  await page.waitForURL(new RegExp(`paid_to=${day}`));
  await page.waitForFunction((d) => {
    const rs = [...document.querySelectorAll('[data-testid=payment]')];
    return rs.length > 0 && rs.every((r) => r.textContent.includes(d));
  }, day);
  assert.ok((await rows()).every((r) => r.includes(day) && r.includes('Check')));
  await e2e.shot(page, '80-payments-filtered');
  assert.equal(await e2e.scrollsSideways(page), false);

  // The export has what the filters select, every page of it.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-csv]')]);
  assert.equal(download.suggestedFilename(), `payments-${day}-to-${day}.csv`);
  const lines = (await readFile(await download.path(), 'utf8')).trim().split(/\r?\n/);
  assert.match(lines[0], /^paid_on,recorded_at,payment_id,account_id,account_ref,debtor_name,amount,currency,method,status/);
  assert.ok(lines.length >= 2 && lines.slice(1).every((l) => l.startsWith(day) && l.includes(',check,')), lines.join('\n'));
  assert.ok(lines.some((l) => l.includes('Chequita Payne') && l.includes(',77.70,')));

  // A last day before the first is told and not sent.
  await page.fill('[data-testid=filter-to]', daysBefore(today, 5));
  await page.waitForSelector('.payment-filters [role=alert]');
  await page.waitForSelector('[data-testid=empty]');

  // A reload keeps the view; a row opens its account on the payments tab.
  await page.fill('[data-testid=filter-to]', day);
  await page.reload();
  await page.waitForSelector('[data-testid=payment]');
  assert.equal(await page.$eval('[data-testid=filter-method]', (s) => s.value), 'check');
  await page.click('[data-testid=payment] >> text=Chequita Payne');
  await page.waitForURL(`${BASE}/accounts/${checkAccount}?tab=payments`);
  await page.waitForSelector('[data-testid=payment-status]');
  assert.deepEqual(errors, []);
});

test('the worklist counts the accounts its filters select', async () => {
  await page.goto(`${BASE}/accounts?q=${encodeURIComponent('Chequita Payne')}`);
  await page.waitForSelector('[data-testid=account-row]');
  await page.waitForFunction(() => /^\d[\d,]* accounts?$/.test(document.querySelector('[data-testid=total]')?.textContent));
  const shown = await page.$$eval('[data-testid=account-row]', (r) => r.length);
  const total = Number((await page.textContent('[data-testid=total]')).replace(/[^\d]/g, ''));
  assert.equal(total, shown, 'a search short of a page: the count is the rows shown');
  const all = (await api(manager, 'GET', '/accounts/count')).total;
  await page.goto(`${BASE}/accounts`);
  await page.waitForFunction((n) => document.querySelector('[data-testid=total]')?.textContent === `${n.toLocaleString('en-US')} accounts`, all);
  await e2e.shot(page, '81-worklist-total');
});

test('at 390 px the payments are cards that fit the phone', async () => {
  const phone = await e2e.newPage(browser, { width: 390, height: 844 });
  await phone.goto(`${BASE}/login`);
  await e2e.login(phone, MANAGER);
  await phone.goto(`${BASE}/payments`);
  await phone.waitForSelector('[data-testid=payment]');
  await e2e.shot(phone, '82-payments-phone');
  assert.equal(await e2e.scrollsSideways(phone), false);
  await phone.close();
});

test('a collector is not offered the payments list', async () => {
  const other = await e2e.newPage(browser);
  await other.goto(`${BASE}/login`);
  await e2e.login(other, COLLECTOR);
  await other.waitForSelector('nav[aria-label=Main]');
  assert.equal(await other.$('nav[aria-label=Main] >> text=Payments'), null);
  await other.close();
});
