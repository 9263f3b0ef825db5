// Browser journeys of the DebtFlow SPA against a real `debtflow serve` (BASE_URL) on a
// fresh database with the demo data of `debtflow seed-demo` (the living demo agency:
// accounts `DRA-…`, assigned and worked). The journeys' own accounts are created
// through the API as the demo manager; everything else happens in headless Chromium. Screenshots of every
// screen go to tests/e2e/screenshots/.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { firstVisit } from './transfer.mjs';
import * as e2e from './support.mjs';
import { BASE, RUN, COLLECTOR, OTHER, MANAGER, api, tokenOf, daysBefore } from './support.mjs';

let browser, page;
const dialogs = []; // what the app asked to confirm
const acc = {}; // name → account id

const shot = (name) => e2e.shot(page, name);
const login = (user) => e2e.login(page, user);
const logout = () => e2e.logout(page);

async function openAccount(id) {
  await page.goto(`${BASE}/accounts/${id}`);
  await page.waitForSelector('[data-testid=account]');
}

/** Opens one of the account page's tabs, as the user does: its link. */
async function openTab(name) {
  await page.click(`[data-testid=tab-${name}]`);
  await page.waitForSelector(`[data-testid=tab-${name}][aria-current=page]`);
}

const statusText = () => page.textContent('[data-testid=account-status]');

before(async () => {
  const m = await tokenOf(MANAGER);
  const create = async (key, name, balance, assignee) => {
    acc[key] = await e2e.createAccount(m, key, name, balance, assignee);
  };
  await create('main', 'Eleanor Whitfield', '1250.50', COLLECTOR);
  await create('backdated', 'Marcus Holloway', '800.00', COLLECTOR);
  await create('extra', 'Priya Raman', '300.00', COLLECTOR);
  await create('others', 'Oscar Lindqvist', '999.00', OTHER);
  await create('unassigned', 'Nadia Petrova', '450.00', null);
  await create('forms', 'Grace Okafor', '5000.00', COLLECTOR);

  browser = await e2e.launch();
  // Confirmations (refunds, rejections, risky moves) are accepted, and kept to check.
  page = await e2e.newPage(browser, { dialogs });
});

afterEach((t) => e2e.onFailure(page, t));

after(async () => {
  await browser?.close();
});

test('journey 0: after seed-demo, a newcomer logs in as Sarah to a worklist of demo accounts', async () => {
  await page.goto(`${BASE}/`);
  await page.waitForSelector('[data-testid=login-form]');
  await login(COLLECTOR);
  await page.waitForSelector('[data-testid=worklist]');
  // The demo's accounts, not only the few these journeys created.
  await page.waitForFunction(() =>
    [...document.querySelectorAll('[data-testid=account-row]')].filter((r) => r.textContent.includes('DRA-')).length >= 10);
  const statuses = await page.$$eval('[data-testid=account-row] [data-testid=status]', (els) => els.map((e) => e.textContent));
  assert.ok(new Set(statuses).size >= 3, `accounts at several stages: ${[...new Set(statuses)]}`);
  await shot('00-demo-worklist');
  // Her portfolio is worked: a plan with installments on the way, a dispute.
  const c = await tokenOf(COLLECTOR);
  const mine = (await api(c, 'GET', '/accounts?limit=200')).items;
  assert.ok(mine.filter((a) => a.external_ref.startsWith('DRA-')).length >= 30, 'the demo assigned Sarah a portfolio');
  assert.ok(mine.some((a) => a.status === 'payment_plan' && a.next_installment_due), 'an active plan with an installment due');
  assert.ok(mine.some((a) => a.status === 'disputed'), 'a disputed account');
  await logout();
});

test('journey 1: a collector works an account; a double-clicked payment pays once', async () => {
  await page.goto(`${BASE}/`);
  await page.waitForSelector('[data-testid=login-form]');
  await shot('01-login');
  // A wrong password is told clearly.
  await page.fill('#username', COLLECTOR.username);
  await page.fill('#password', 'not-the-password');
  await page.click('form[data-testid=login-form] button[type=submit]');
  await page.waitForSelector('[data-testid=login-error]');
  assert.match(await page.textContent('[data-testid=login-error]'), /Wrong username or password/);
  await shot('02-login-error');
  await login(COLLECTOR);
  await page.waitForSelector('[data-testid=worklist]');
  await shot('03-worklist');

  // Filter by status (any number of them): the URL keeps it.
  await page.click('[data-testid=status-filter] summary');
  await page.check('[data-testid=status-filter] input[value=assigned]');
  await page.waitForURL(/status=assigned/);
  assert.equal(await page.textContent('[data-testid=status-filter] summary'), 'Assigned');
  await page.check('[data-testid=status-filter] input[value=disputed]');
  await page.waitForURL(/status=assigned%2Cdisputed/);
  assert.equal(await page.textContent('[data-testid=status-filter] summary'), '2 statuses');
  await page.uncheck('[data-testid=status-filter] input[value=disputed]');
  await page.waitForURL(/status=assigned$/);
  await page.click('[data-testid=status-filter] summary');
  await page.waitForFunction(() =>
    [...document.querySelectorAll('[data-testid=account-row] [data-testid=status]')].every((b) => b.textContent === 'Assigned'));
  // Another collector's account never shows up.
  assert.equal(await page.locator('text=Oscar Lindqvist').count(), 0);

  // Debounced search.
  await page.fill('[data-testid=search]', 'Whitfield');
  await page.waitForURL(/q=Whitfield/);
  await page.waitForFunction((name) => {
    const rows = [...document.querySelectorAll('[data-testid=account-row]')];
    return rows.length > 0 && rows.some((r) => r.textContent.includes(name)) && rows.every((r) => r.textContent.includes('Whitfield'));
  }, 'Eleanor Whitfield');
  await shot('04-worklist-filtered');
  // Sort by balance, then back: the filters came back from the URL.
  await page.click('button[data-sort=balance]');
  await page.waitForURL(/sort=balance/);
  await page.goBack();
  await page.waitForURL((u) => !u.search.includes('sort=') && u.search.includes('q=Whitfield'));
  assert.equal(await page.inputValue('[data-testid=search]'), 'Whitfield');

  await page.click(`a[href="/accounts/${acc.main}"]`);
  await page.waitForSelector('[data-testid=account]');
  assert.match(await page.textContent('[data-testid=current-balance]'), /1,250\.50 USD/);
  await shot('05-account');

  // A note lands on the timeline.
  const note = `Called the debtor ${RUN}`;
  await page.fill('#note-body', note);
  await page.click('[data-testid=note-form] button[type=submit]');
  await page.waitForSelector(`[data-testid=timeline] >> text=${note}`);

  // assigned → in_contact → negotiating, only through the allowed moves.
  for (const [to, label] of [['in_contact', 'In contact'], ['negotiating', 'Negotiating']]) {
    await page.selectOption('#transition-to', to);
    await page.fill('#transition-reason', `Moving to ${to}`);
    await page.click('[data-testid=transition-form] button[type=submit]');
    await page.waitForFunction((l) => document.querySelector('[data-testid=account-status]')?.textContent === l, label);
  }
  assert.equal(await statusText(), 'Negotiating');

  // A double click on submit records exactly one payment.
  await page.fill('#pay-amount', '100.00');
  await page.dblclick('[data-testid=pay-submit]');
  // Said beside the button just pressed, not atop the page.
  await page.waitForSelector('[data-testid=payment-form] [data-testid=payment-done]');
  await page.waitForFunction(() => document.querySelector('[data-testid=current-balance]')?.textContent.includes('1,150.50 USD'));
  // On the overview's latest events; a collector has no ledger tab.
  await page.waitForSelector('[data-testid=timeline] >> text=100.00');
  assert.equal(await page.locator('[data-testid=tab-ledger]').count(), 0, 'the ledger is for those who read the books');
  await shot('06-account-after-payment');
  const c = await tokenOf(COLLECTOR);
  const payments = await api(c, 'GET', `/payments?account_id=${acc.main}`);
  assert.equal(payments.items.length, 1, 'exactly one payment');
  assert.equal(payments.items[0].amount, '100.00');
  const timeline = await api(c, 'GET', `/accounts/${acc.main}/timeline`);
  assert.ok(timeline.items.some((e) => e.kind !== 'note' && JSON.stringify(e).includes('100.00')), 'the payment is on the timeline');
});

test('journey 2: the collector proposes and submits a plan', async () => {
  await openAccount(acc.main);
  await openTab('plan');
  assert.match(page.url(), /\?tab=plan$/, 'the tab is in the URL');
  await page.fill('#plan-count', '3');
  await page.selectOption('#plan-frequency', 'monthly');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=plan-preview] li').length === 3);
  await shot('07-plan-preview');
  await page.click('[data-testid=plan-propose]');
  await page.waitForFunction(() => document.querySelector('[data-testid=plan-status]')?.textContent === 'Draft');
  // The form now changes that draft instead of adding a second one.
  await page.waitForSelector('[data-testid=plan-form] h2 >> text=Change the draft plan');
  assert.equal(await page.inputValue('#plan-count'), '3', 'the draft\'s terms, filled in');
  await page.fill('#plan-count', '4');
  await page.click('[data-testid=plan-propose]');
  await page.waitForSelector('[data-testid=plan-done] >> text=The draft is saved.');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=schedule] tbody tr').length === 4);
  const plans = await api(await tokenOf(COLLECTOR), 'GET', `/accounts/${acc.main}/plans`);
  assert.equal((plans.items ?? plans).length, 1, 'one plan: the draft, changed');
  await page.fill('#plan-count', '3');
  await page.click('[data-testid=plan-propose]');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=schedule] tbody tr').length === 3);
  await page.click('[data-testid=submit-plan]');
  await page.waitForFunction(() => document.querySelector('[data-testid=plan-status]')?.textContent === 'Pending approval');
  // Nothing more to propose while a manager decides.
  await page.waitForSelector('[data-testid=plan-next]');
  assert.equal(await page.locator('[data-testid=plan-form]').count(), 0);
  // The timeline says who did what, with the terms.
  await openTab('timeline');
  await page.waitForSelector('[data-testid=timeline] >> text=Plan submitted by Sarah Mitchell');
  const proposed = page.locator('[data-testid=timeline] li', { hasText: 'Plan proposed by Sarah Mitchell' });
  assert.match(await proposed.textContent(), /3 installment\(s\), 1150\.50 USD in all/);
  await shot('08-plan-submitted');
});

test('journey 3 (part 1): a backdated payment waits for approval', async () => {
  // The approval window is the server's (configurable), and the form announces it.
  const me = await api(await tokenOf(COLLECTOR), 'GET', '/auth/me');
  const window = me.policy.payment_approval_after_days;
  assert.ok(Number.isInteger(window) && window < 10, `a window shorter than the 10 days of this journey: ${window}`);
  await openAccount(acc.backdated);
  await page.fill('#pay-amount', '200.00');
  await page.fill('#pay-date', daysBefore(me.today, window + 1));
  await page.waitForSelector('[data-testid=backdated-notice]');
  assert.match(await page.textContent('[data-testid=backdated-notice]'), new RegExp(`more than ${window} days? back`));
  // The window's last day needs no approval.
  await page.fill('#pay-date', daysBefore(me.today, window));
  await page.waitForSelector('[data-testid=backdated-notice]', { state: 'detached' });
  await page.fill('#pay-date', daysBefore(me.today, 10));
  await page.waitForSelector('[data-testid=backdated-notice]');
  await page.click('[data-testid=pay-submit]');
  await page.waitForSelector('[data-testid=payment-done]');
  assert.match(await page.textContent('[data-testid=payment-done]'), /waits for a manager's approval/);
  assert.match(await page.textContent('[data-testid=current-balance]'), /800\.00 USD/);
  await shot('09-backdated-payment');
});

test("journey 4: a collector cannot open another collector's account", async () => {
  await page.goto(`${BASE}/accounts/${acc.others}`);
  await page.waitForSelector('[data-testid=not-found]');
  await shot('10-not-found');
  // No approvals for a collector.
  assert.equal(await page.locator('nav >> text=Approvals').count(), 0);
});

test('a session that cannot refresh goes to login, then back to the page', async () => {
  await openAccount(acc.extra);
  await page.evaluate(() => {
    sessionStorage.setItem('debtflow.session', JSON.stringify({ access: 'x', refresh: 'spent', expires_at: 0 }));
  });
  await page.reload();
  await page.waitForSelector('[data-testid=login-form]');
  assert.match(page.url(), /\/login\?next=/);
  await login(COLLECTOR);
  await page.waitForSelector('[data-testid=account]');
  assert.ok(page.url().endsWith(`/accounts/${acc.extra}`));
  await logout();
});

test('the first visit transfers under 400 KB, compressed; hashed assets are cached for a year', async () => {
  const { bytes, files } = await firstVisit(browser, BASE);
  assert.ok(bytes < 400_000, `the login page's first visit transferred ${bytes} bytes`);
  const assets = files.filter((f) => f.url.startsWith('/assets/'));
  // The main module and its scripts (the glue, the loader of the pages' code), no page's code.
  assert.deepEqual(assets.map((f) => f.url.replace(/^\/assets\/(.+)-[0-9a-f]{16}\.\w+$/, '$1')).sort(),
    ['__wasm_split', 'debtflow', 'debtflow_bg', 'style'], JSON.stringify(assets));
  for (const f of assets) {
    assert.match(f.encoding ?? '', /^(br|gzip)$/, `${f.url} compressed`);
    assert.equal(f.cache, 'public, max-age=31536000, immutable', f.url);
  }
  const page = files.find((f) => f.url === '/login');
  assert.equal(page.cache, 'no-cache', 'the page itself is revalidated: a deploy reaches the next visit');
  assert.ok(files.every((f) => f.status < 400), JSON.stringify(files));
});

test('a session revoked mid-form: a login dialog over the page keeps what was typed, no panic', async () => {
  const crashes = [];
  const onError = (e) => crashes.push(e.message);
  page.on('pageerror', onError);
  await page.goto(`${BASE}/login`);
  await login(COLLECTOR);
  await openAccount(acc.extra);
  // Revoked on the server (as an admin would, or a logout elsewhere), then a submit.
  const tokens = JSON.parse(await page.evaluate(() => sessionStorage.getItem('debtflow.session')));
  const revoked = await fetch(`${BASE}/api/v1/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${tokens.access}` } });
  assert.equal(revoked.status, 204);
  const note = `Promised to pay Friday ${RUN}`;
  await page.fill('#note-body', note);
  await page.click('[data-testid=note-form] button[type=submit]');
  await page.waitForSelector('[data-testid=session-dialog]');
  await shot('20-session-ended');
  assert.equal(await page.inputValue('#note-body'), note, 'what was typed is still there');
  assert.equal(await page.inputValue('#session-username'), COLLECTOR.username);
  assert.ok(page.url().endsWith(`/accounts/${acc.extra}`), 'on the same page');
  await page.fill('#session-password', COLLECTOR.password);
  await page.click('[data-testid=session-form] button[type=submit]');
  await page.waitForSelector('[data-testid=session-dialog]', { state: 'detached' });
  await page.click('[data-testid=note-form] button[type=submit]');
  await page.waitForSelector(`[data-testid=timeline] >> text=${note}`);
  const c = await tokenOf(COLLECTOR);
  const timeline = await api(c, 'GET', `/accounts/${acc.extra}/timeline`);
  assert.equal(timeline.items.filter((e) => JSON.stringify(e).includes(note)).length, 1, 'the note, once');
  page.off('pageerror', onError);
  assert.deepEqual(crashes, [], 'no panic');
  await logout();
});

test('journeys 2 and 3 (part 2): the manager approves; the plan is active, the payment posts', async () => {
  await login(MANAGER);
  await page.waitForSelector('[data-testid=bulk]');
  // The navigation says how many wait, as the API counts them.
  const waiting = await api(await tokenOf(MANAGER), 'GET', '/approvals/pending');
  const count = () => page.textContent('[data-testid=approvals-count]').then((t) => parseInt(t, 10));
  await page.waitForSelector('[data-testid=approvals-count]');
  assert.equal(await count(), waiting.plans + waiting.payments);
  await page.click('nav >> text=Approvals');
  await page.waitForSelector('[data-testid=pending-plans]');
  await page.waitForSelector('[data-testid=pending-payments]');
  await page.waitForSelector(`[data-testid=pending-plans] [data-account="${acc.main}"] [data-testid=decision-by] >> text=Proposed by Sarah Mitchell`);
  await page.waitForSelector(`[data-testid=pending-payments] [data-account="${acc.backdated}"] [data-testid=decision-by] >> text=Recorded by Sarah Mitchell`);
  await shot('11-approvals');
  await page.click(`[data-testid=pending-plans] [data-account="${acc.main}"] [data-testid=approve]`);
  await page.waitForSelector(`[data-testid=pending-plans] [data-account="${acc.main}"]`, { state: 'detached' });
  await page.waitForFunction((n) => parseInt(document.querySelector('[data-testid=approvals-count]')?.textContent ?? '0', 10) === n,
    waiting.plans + waiting.payments - 1);
  await page.click(`[data-testid=pending-payments] [data-account="${acc.backdated}"] [data-testid=approve]`);
  await page.waitForSelector(`[data-testid=pending-payments] [data-account="${acc.backdated}"]`, { state: 'detached' });
  await shot('12-approvals-done');

  await openAccount(acc.main);
  await page.waitForFunction(() => document.querySelector('[data-testid=account-status]')?.textContent === 'Payment plan');
  await openTab('plan');
  assert.equal(await page.textContent('[data-testid=plan-status]'), 'Active');
  assert.equal(await page.locator('[data-testid=schedule] tbody tr').count(), 3);
  // The next installment due: the first unpaid one, in the summary and on the worklist.
  const firstDue = (await page.textContent('[data-testid=schedule] tbody tr:first-child td:nth-child(2)')).trim();
  assert.match(firstDue, /^\d{4}-\d{2}-\d{2}$/);
  // The header's next installment: its amount and date.
  assert.match((await page.textContent('[data-testid=next-installment-due]')).trim(), new RegExp(`^[\\d,]+\\.\\d{2} USD on ${firstDue}$`));
  await shot('13-account-payment-plan');
  await page.goto(`${BASE}/accounts?q=Whitfield`);
  const mainRow = `[data-testid=account-row]:has(a[href="/accounts/${acc.main}"])`;
  await page.waitForSelector(mainRow);
  assert.equal((await page.textContent(`${mainRow} [data-testid=next-due]`)).trim(), firstDue);
  // No active plan, no date.
  await page.goto(`${BASE}/accounts?q=Holloway`);
  await page.waitForSelector(`[data-testid=account-row]:has(a[href="/accounts/${acc.backdated}"])`);
  assert.equal(
    (await page.textContent(`[data-testid=account-row]:has(a[href="/accounts/${acc.backdated}"]) [data-testid=next-due]`)).trim(), '');
  await shot('13b-worklist-next-due');
  // The page size goes into the URL, with the filters kept.
  await page.selectOption('[data-testid=page-size]', '100');
  await page.waitForURL(/limit=100/);
  assert.match(page.url(), /q=Holloway/);

  await openAccount(acc.backdated);
  assert.match(await page.textContent('[data-testid=current-balance]'), /600\.00 USD/);
});

test('the manager refunds part of a payment, assesses a fee and waives it', async () => {
  await openAccount(acc.backdated);
  assert.match(await page.textContent('[data-testid=current-balance]'), /600\.00 USD/);
  await openTab('payments');
  const form = '[data-testid=payments] [data-testid=refund-form]';
  await page.waitForSelector(form);
  // More than was paid: the API's message lands next to the amount.
  await page.fill(`${form} input[name=amount]`, '5000.00');
  await page.fill(`${form} input[name=reason]`, 'Too much');
  await page.click(`${form} [data-testid=refund-submit]`);
  await page.waitForSelector(`${form} .field-error[data-field=amount]`);
  await shot('16-refund-error');
  await page.fill(`${form} input[name=amount]`, '50.00');
  await page.fill(`${form} input[name=reason]`, 'Charged twice by the bank');
  dialogs.length = 0;
  await page.click(`${form} [data-testid=refund-submit]`);
  await page.waitForFunction(() => document.querySelector('[data-testid=current-balance]')?.textContent.includes('650.00 USD'));
  assert.deepEqual(dialogs, ['Refund 50.00 USD to the debtor? The refund is posted at once.'], 'asked first');
  assert.match(await page.textContent(`${form} [data-testid=refund-done]`), /Refund of 50\.00 USD recorded/);
  await page.waitForFunction(() => document.querySelector('[data-testid=current-balance]')?.textContent.includes('650.00 USD'));
  await page.waitForSelector('[data-testid=payment-status] >> text=Partially refunded');

  await page.selectOption('#fee-kind', 'late');
  await page.fill('#fee-amount', '25.00');
  await page.fill('#fee-reason', 'Missed the promised date');
  await page.click('[data-testid=fee-submit]');
  await page.waitForFunction(() => document.querySelector('[data-testid=current-balance]')?.textContent.includes('675.00 USD'));
  await page.waitForSelector('[data-testid=fee] [data-testid=fee-status] >> text=Waiting');
  await shot('17-fee-assessed');
  await page.fill('[data-testid=waive-form] input[name=reason]', 'Goodwill');
  await page.click('[data-testid=waive-submit]');
  await page.waitForFunction(() => document.querySelector('[data-testid=current-balance]')?.textContent.includes('650.00 USD'));
  await page.waitForSelector('[data-testid=fee] [data-testid=fee-status] >> text=Waived');
  await shot('18-fee-waived');
  // The books: the refund and the fee's assessment and waiver, to the same balance.
  await openTab('ledger');
  await page.waitForSelector('[data-testid=ledger] >> text=Refund');
  await page.waitForSelector('[data-testid=ledger] >> text=Fee');
  await page.waitForFunction(() => document.querySelector('[data-testid=ledger-balance]')?.textContent.includes('650.00 USD'));
  await shot('18b-ledger');
  const m = await tokenOf(MANAGER);
  const payments = await api(m, 'GET', `/payments?account_id=${acc.backdated}`);
  assert.equal(payments.items.length, 1);
  assert.equal(payments.items[0].refunded_amount, '50.00');
  const fees = await api(m, 'GET', `/accounts/${acc.backdated}/fees`);
  assert.deepEqual(fees.map((f) => f.status), ['waived']);
});

test('a plan with a schedule entered by hand', async () => {
  await openAccount(acc.extra);
  await openTab('plan');
  await page.fill('#plan-total', '300.00');
  await page.check('[data-testid=plan-by-hand]');
  await page.waitForSelector('[data-testid=manual-row]');
  const row = (n) => `[data-testid=manual-row]:nth-child(${n})`;
  await page.fill(`${row(1)} input[type=date]`, '2027-01-15');
  await page.fill(`${row(1)} input[aria-label=Amount]`, '100.00');
  await page.click('[data-testid=add-row]');
  await page.fill(`${row(2)} input[type=date]`, '2027-02-15');
  await page.fill(`${row(2)} input[aria-label=Amount]`, '150.00');
  // 250 of 300: the preview says so.
  await page.waitForFunction(() => document.querySelector('[data-testid=preview-error]')?.textContent.includes('sum'));
  await page.click('[data-testid=add-row]');
  await page.fill(`${row(3)} input[type=date]`, '2027-03-15');
  await page.fill(`${row(3)} input[aria-label=Amount]`, '1.00');
  await page.click(`${row(3)} [data-testid=remove-row]`);
  await page.fill(`${row(2)} input[aria-label=Amount]`, '200.00');
  await page.waitForSelector('[data-testid=schedule-sums]');
  assert.equal(await page.locator('[data-testid=plan-preview] li').count(), 2);
  await shot('19-manual-schedule');
  await page.click('[data-testid=plan-propose]');
  await page.waitForFunction(() => document.querySelector('[data-testid=plan-status]')?.textContent === 'Draft');
  const due = await page.$$eval('[data-testid=schedule] tbody tr td:nth-child(2)', (tds) => tds.map((t) => t.textContent));
  assert.deepEqual(due, ['2027-01-15', '2027-02-15']);
});

test("forms: the app's own amount format, messages beside the field, no risky default; a settlement warns of its write-off", async () => {
  await page.goto(`${BASE}/accounts`);
  await page.waitForSelector('[data-testid=logout], [data-testid=login-form]');
  if (await page.locator('[data-testid=logout]').count()) await logout();
  await login(COLLECTOR);
  await openAccount(acc.forms);
  // No move is chosen for the user; choosing none is said beside the field.
  assert.equal(await page.inputValue('#transition-to'), '');
  await page.fill('#transition-reason', 'Called');
  await page.click('[data-testid=transition-form] button[type=submit]');
  await page.waitForSelector('[data-testid=transition-form] .field-error[data-field=to]');
  assert.equal(await page.textContent('[data-testid=transition-form] .field-error[data-field=to]'), 'Choose the new status.');
  assert.equal(await page.getAttribute('#transition-to', 'aria-invalid'), 'true');
  // A bad amount: one human sentence beside the field, nothing atop the form, nothing sent.
  await page.fill('#pay-amount', '12abc');
  await page.click('[data-testid=pay-submit]');
  const error = '[data-testid=payment-form] .field-error[data-field=amount]';
  await page.waitForSelector(error);
  assert.equal(await page.textContent(error), 'Enter an amount like 1,250.00.');
  assert.equal(await page.getAttribute('#pay-amount', 'aria-invalid'), 'true');
  assert.equal(await page.getAttribute('#pay-amount', 'aria-describedby'), 'pay-amount-error');
  assert.equal(await page.locator('[data-testid=payment-form] [data-testid=form-error]').count(), 0);
  await shot('21-amount-error');
  // Typing again clears it; the format the app shows amounts in is accepted.
  await page.fill('#pay-amount', '1,000.00');
  await page.waitForSelector(error, { state: 'detached' });
  assert.equal(await page.getAttribute('#pay-amount', 'aria-invalid'), null);
  await page.click('[data-testid=pay-submit]');
  await page.waitForSelector('[data-testid=payment-done]');
  await page.waitForFunction(() => document.querySelector('[data-testid=current-balance]')?.textContent.includes('4,000.00 USD'));
  await logout();

  // A settlement of 3,000.00 on the 4,000.00 left, waiting for the manager.
  const c = await tokenOf(COLLECTOR);
  for (const to of ['in_contact', 'negotiating']) {
    await api(c, 'POST', `/accounts/${acc.forms}/transition`, { to, reason: 'call' });
  }
  const me = await api(c, 'GET', '/auth/me');
  const first = new Date(`${me.today}T00:00:00Z`);
  first.setUTCDate(first.getUTCDate() + 7);
  const terms = { total: '3000.00', installments: 3, frequency: 'monthly', first_due_date: first.toISOString().slice(0, 10) };
  const plan = await api(c, 'POST', `/accounts/${acc.forms}/plans`, terms, { 'idempotency-key': `settle-${RUN}` });
  await api(c, 'POST', `/plans/${plan.id}/submit`, {}, { 'idempotency-key': `settle-submit-${RUN}` });
  await page.goto(`${BASE}/login`);
  await login(MANAGER);
  await page.goto(`${BASE}/approvals`);
  const item = `[data-testid=decision][data-account="${acc.forms}"]`;
  await page.waitForSelector(`${item} [data-testid=write-off-warning]`);
  assert.equal(await page.textContent(`${item} [data-testid=write-off-warning]`),
    'A settlement: approving it accepts 3,000.00 USD for a balance of 4,000.00 USD, and 1,000.00 USD is written off once it is paid.');
  assert.match(await page.textContent(`${item} [data-testid=decision-account]`), /^Grace Okafor E2E-.*-forms · balance 4,000\.00 USD$/);
  assert.match(await page.textContent(`${item} [data-testid=decision-terms]`), /^3,000\.00 USD in 3 installment\(s\) \(monthly\), from /);
  assert.match(await page.textContent(`${item} [data-testid=decision-by]`), /^Proposed by Sarah Mitchell on \d{4}-\d{2}-\d{2}$/);
  // The schedule, folded until opened.
  await page.click(`${item} [data-testid=decision-schedule] summary`);
  assert.equal(await page.locator(`${item} [data-testid=decision-schedule] tbody tr`).count(), 3);
  await shot('22-approvals-settlement');
  // Rejecting needs a reason.
  await page.click(`${item} [data-testid=reject]`);
  await page.waitForSelector(`${item} [role=alert]`);
  assert.match(await page.textContent(`${item} [role=alert]`), /Say why it is rejected/);
  dialogs.length = 0;
  await page.click(`${item} [data-testid=approve]`);
  await page.waitForSelector(item, { state: 'detached' });
  assert.equal(dialogs.length, 1);
  assert.match(dialogs[0], /written off once it is paid\. Approve it\?$/);
  assert.equal((await api(c, 'GET', `/plans/${plan.id}`)).status, 'active');
  // The manager stays signed in for the next journey.
});

test('the manager bulk-assigns from the worklist', async () => {
  await page.goto(`${BASE}/accounts?collector=none&q=Petrova`);
  const row = `[data-testid=account-row]:has(a[href="/accounts/${acc.unassigned}"])`;
  await page.check(`${row} input[type=checkbox]`);
  const sarah = await page.$eval('select[name=assign_to]', (s) =>
    [...s.options].find((o) => o.textContent.includes('Sarah'))?.value);
  assert.ok(sarah, 'Sarah is a collector to choose');
  await page.selectOption('select[name=assign_to]', sarah);
  await page.click('[data-testid=bulk] button');
  await page.waitForSelector(row, { state: 'detached' });
  await shot('14-bulk-assigned');
  await page.setViewportSize({ width: 390, height: 844 });
  await openAccount(acc.unassigned);
  assert.equal(await statusText(), 'Assigned');
  await shot('15-account-phone');
});
