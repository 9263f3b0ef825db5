// The audit viewer and the job runs in the browser: a compliance officer follows an
// account's "Audit trail", narrows it to one action, opens an entry and reads the
// changed field before and after; the filters are in the URL; the CSV export has the
// filtered rows. An agency admin runs a job now and sees its run come in. At 1280 and
// 390 px, with no sideways scrolling; a collector sees neither screen. Screenshots 70–79.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import * as e2e from './support.mjs';
import { BASE, MANAGER, ADMIN, api, tokenOf, createAccount } from './support.mjs';

const COMPLIANCE = { username: 'demo.compliance', password: 'Compliance@2026' };
const OLD_PHONE = '+1 555 0100'; // createAccount's
const NEW_PHONE = '+1 555 0199';

let browser, page, manager, accountId;
const errors = [];

before(async () => {
  manager = await tokenOf(MANAGER);
  accountId = await createAccount(manager, 'audit', 'Audrey Trail', '640.00');
  await api(manager, 'PATCH', `/accounts/${accountId}`, { phone: NEW_PHONE });
  browser = await e2e.launch();
  page = await e2e.newPage(browser, { errors, enforceCsp: true });
});

afterEach((t) => e2e.onFailure(page, t));

after(async () => {
  await browser?.close();
});

test("a compliance officer follows an account's audit trail, narrows it to an action and reads the diff", async () => {
  await page.goto(`${BASE}/accounts/${accountId}`);
  await e2e.login(page, COMPLIANCE);
  await page.click('[data-testid=account-audit]');
  await page.waitForURL(`${BASE}/audit?entity_type=account&entity_id=${accountId}`);
  await page.waitForSelector('[data-testid=audit-entry]');
  assert.equal(await page.title(), 'Audit trail · DebtFlow');
  assert.match(await page.textContent('[data-testid=filter-entity]'), new RegExp(accountId));
  const actions = await page.$$eval('[data-testid=audit-entry]', (es) => es.map((e) => e.dataset.action));
  assert.ok(actions.includes('account.create') && actions.includes('account.update'), actions.join());

  // One action: the page's URL says so, and only that action is listed.
  await page.selectOption('[data-testid=filter-action]', 'account.update');
  await page.waitForURL(/action=account\.update/);
  await page.waitForSelector('[data-testid=audit-entry][data-action="account.update"]');
  assert.deepEqual(
    await page.$$eval('[data-testid=audit-entry]', (es) => es.map((e) => e.dataset.action)),
    ['account.update'],
  );
  const entry = '[data-testid=audit-entry]';
  assert.equal(await page.textContent(`${entry} [data-testid=entry-action]`), 'Account changed account.update');
  assert.equal(await page.textContent(`${entry} [data-testid=entry-who]`), 'Morgan Reyes (Manager)');

  // Opened: the changed field, before and after, marked; the request's IP and id.
  await page.click(`${entry} summary`);
  const row = `${entry} [data-testid=diff-row][data-field="debtor.phone"]`;
  await page.waitForSelector(row);
  assert.match(await page.textContent(`${row} th`), /^Debtor › Phone\s*changed$/);
  assert.equal(await page.textContent(`${row} [data-testid=diff-before] del`), OLD_PHONE);
  assert.equal(await page.textContent(`${row} [data-testid=diff-after] ins`), NEW_PHONE);
  assert.equal(await page.textContent(`${entry} [data-testid=entry-ip]`), '127.0.0.1');
  assert.equal(await page.textContent(`${entry} [data-testid=entry-entity-id]`), accountId);
  await e2e.shot(page, '70-audit-diff');
  assert.equal(await e2e.scrollsSideways(page), false);

  // The view is shared by its URL: a reload shows the same entries.
  await page.reload();
  await page.waitForSelector('[data-testid=audit-entry][data-action="account.update"]');
  assert.equal(await page.$eval('[data-testid=filter-action]', (s) => s.value), 'account.update');
  assert.equal(await page.$$eval('[data-testid=audit-entry]', (es) => es.length), 1);
});

test('the CSV export downloads the filtered rows', async () => {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-csv]')]);
  assert.equal(download.suggestedFilename(), 'audit-log.csv');
  const lines = (await readFile(await download.path(), 'utf8')).trim().split(/\r?\n/);
  assert.equal(lines[0], 'occurred_at,agency_id,actor_id,actor_name,actor_role,action,entity_type,entity_id,before,after,ip,request_id');
  assert.equal(lines.length, 2, lines.join('\n'));
  assert.ok(lines[1].includes(',Morgan Reyes,manager,account.update,account,' + accountId + ','), lines[1]);
  assert.ok(lines[1].includes(NEW_PHONE) && lines[1].includes(OLD_PHONE), lines[1]);
});

test('who, and the period: the staff picker names people, and a period with no entry says so', async () => {
  await page.goto(`${BASE}/audit`);
  await page.waitForSelector('[data-testid=audit-entry]');
  const staff = await page.$$eval('[data-testid=filter-actor] option', (os) => os.map((o) => o.textContent));
  assert.ok(staff.includes('Morgan Reyes (Manager)'), staff.join());
  const morgan = await page.$eval('[data-testid=filter-actor]', (s) => [...s.options].find((o) => o.text === 'Morgan Reyes (Manager)').value);
  await page.selectOption('[data-testid=filter-actor]', morgan);
  await page.waitForURL(new RegExp(`actor_id=${morgan}`));
  await page.waitForSelector('[data-testid=audit-entry]');
  const whos = await page.$$eval('[data-testid=entry-who]', (es) => [...new Set(es.map((e) => e.textContent))]);
  assert.deepEqual(whos, ['Morgan Reyes (Manager)']);

  await page.goto(`${BASE}/audit?from=2001-01-01&to=2001-01-31`);
  await page.waitForSelector('[data-testid=empty]');
  await page.goto(`${BASE}/audit?from=2026-02-01&to=2026-01-01`);
  await page.waitForSelector('#period-error:has-text("before the first")');
});

test('at 390 px the trail and an opened diff fit the screen', async () => {
  const phone = await e2e.newPage(browser, { width: 390, height: 844, errors, enforceCsp: true });
  try {
    await phone.goto(`${BASE}/audit?entity_type=account&entity_id=${accountId}&action=account.update`);
    await e2e.login(phone, COMPLIANCE);
    await phone.click('[data-testid=audit-entry] summary');
    await phone.waitForSelector('[data-testid=diff-row][data-field="debtor.phone"]');
    assert.equal(await e2e.scrollsSideways(phone), false, 'no sideways scrolling');
    await e2e.shot(phone, '71-audit-diff-phone');
  } finally {
    await phone.close();
  }
});

test('an agency admin runs a job now, confirms, and sees its run come in', async () => {
  const dialogs = [];
  const admin = await e2e.newPage(browser, { errors, dialogs, enforceCsp: true });
  try {
    await admin.goto(`${BASE}/accounts`);
    await e2e.login(admin, ADMIN);
    await admin.click('nav >> text=Jobs');
    await admin.waitForSelector('[data-testid=run-now]');
    assert.equal(await admin.title(), 'Job runs · DebtFlow');
    await admin.selectOption('[data-testid=run-job]', 'data_quality');
    await admin.click('[data-testid=run-job-now]');
    await admin.waitForSelector('[data-testid=run-outcome]');
    assert.match(dialogs.at(-1), /^Run “Data quality” now for today\?/);
    assert.match(await admin.textContent('[data-testid=run-outcome]'), /^Data quality for \d{4}-\d{2}-\d{2} — /);

    // The API's latest run of the job is the one marked at the top of the list.
    const token = await tokenOf(ADMIN);
    const latest = (await api(token, 'GET', '/jobs/runs?latest=true&job=data_quality')).items[0];
    const fresh = await admin.waitForSelector(`[data-testid=job-run].fresh[data-run="${latest.run_id}"]`);
    assert.equal(await fresh.getAttribute('data-job'), 'data_quality');
    assert.equal(await fresh.getAttribute('data-status'), latest.status);
    assert.equal(await admin.$eval('[data-testid=job-run]', (e) => e.dataset.run), latest.run_id, 'at the top');
    await e2e.shot(admin, '72-jobs-run-now');

    // Filtered by job, in the URL.
    await admin.selectOption('[data-testid=filter-job]', 'data_quality');
    await admin.waitForURL(/\/jobs\?job=data_quality$/);
    await admin.waitForSelector(`[data-testid=job-run][data-run="${latest.run_id}"]`);
    const jobs = await admin.$$eval('[data-testid=job-run]', (rs) => [...new Set(rs.map((r) => r.dataset.job))]);
    assert.deepEqual(jobs, ['data_quality']);

    // Who ran it is on the trail.
    const compliance = await tokenOf(COMPLIANCE);
    const trail = await api(compliance, 'GET', '/audit-logs?action=job.run');
    assert.equal(trail.items[0].entity_id, latest.run_id);
    assert.equal(trail.items[0].actor_name, 'Demo Admin');
  } finally {
    await admin.close();
  }
});

test('at 390 px the job runs fit the screen; a manager reads them but runs nothing', async () => {
  const phone = await e2e.newPage(browser, { width: 390, height: 844, errors, enforceCsp: true });
  try {
    await phone.goto(`${BASE}/jobs`);
    await e2e.login(phone, MANAGER);
    await phone.waitForSelector('[data-testid=job-run]');
    assert.equal(await phone.$('[data-testid=run-now]'), null, 'no run-now for a manager');
    assert.equal(await e2e.scrollsSideways(phone), false, 'no sideways scrolling');
    await e2e.shot(phone, '73-jobs-phone');
  } finally {
    await phone.close();
  }
  assert.deepEqual(errors, [], 'no error in the pages');
});

test('a collector sees neither the audit trail nor the job runs', async () => {
  const collector = await e2e.newPage(browser, { errors });
  try {
    await collector.goto(`${BASE}/audit`);
    await e2e.login(collector, e2e.COLLECTOR);
    await collector.waitForSelector('[data-testid=forbidden]');
    assert.equal(await collector.$('nav >> text=Audit'), null, 'no nav link');
    assert.equal(await collector.$('nav >> text=Jobs'), null, 'no nav link');
    await collector.goto(`${BASE}/jobs`);
    await collector.waitForSelector('[data-testid=forbidden]');
  } finally {
    await collector.close();
  }
});
