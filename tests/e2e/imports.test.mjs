// Imports in the browser: a manager drops a CSV of 301 rows (one of them bad) on the
// imports screen, watches the progress bar reach 100 %, reads the counts and the row
// error, downloads the errors as CSV, follows the link to the new accounts; the same
// file again is refused with the offer to import it anyway. At 1280 and 390 px, with no
// sideways scrolling. Screenshots 50–59.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import * as e2e from './support.mjs';
import { BASE, RUN, MANAGER, api, tokenOf } from './support.mjs';

let browser, page, manager, importId;
const errors = [];
const PREFIX = `IMP-${RUN}-`;
const BAD_LINE = 152; // the header is line 1
const FILE = `placements-${RUN}.csv`;

/** 300 good rows and, on line 152, one whose balance is not an amount. */
function csv() {
  const lines = ['external_ref,creditor,original_balance,delinquency_date,debtor_name,phone'];
  for (let i = 1; i <= 301; i++) {
    const balance = lines.length + 1 === BAD_LINE ? 'twelve dollars' : `${(100 + i * 7.5).toFixed(2)}`;
    lines.push(`${PREFIX}${String(i).padStart(4, '0')},Northwind Bank,${balance},2026-02-${String((i % 27) + 1).padStart(2, '0')},Debtor ${i} Example,+1 555 01${String(i % 100).padStart(2, '0')}`);
  }
  return `${lines.join('\n')}\n`;
}
const CSV = csv();

before(async () => {
  manager = await tokenOf(MANAGER);
  browser = await e2e.launch();
  page = await e2e.newPage(browser, { errors });
});

afterEach((t) => e2e.onFailure(page, t));

after(async () => {
  await browser?.close();
});

test('a dropped CSV imports with a live progress bar to 100 %, its counts and its row error', async () => {
  await page.goto(`${BASE}/accounts`);
  await e2e.login(page, MANAGER);
  await page.click('nav >> text=Imports');
  await page.waitForSelector('[data-testid=upload-form]');
  assert.equal(await page.title(), 'Imports · DebtFlow');

  // Dropped on the zone, as a user drags it from their files.
  const transfer = await page.evaluateHandle(({ text, name }) => {
    const dt = new DataTransfer();
    dt.items.add(new File([text], name, { type: 'text/csv' }));
    return dt;
  }, { text: CSV, name: FILE });
  await page.dispatchEvent('[data-testid=dropzone]', 'dragover', { dataTransfer: transfer });
  await page.dispatchEvent('[data-testid=dropzone]', 'drop', { dataTransfer: transfer });
  assert.match(await page.textContent('[data-testid=chosen-file]'), new RegExp(`Chosen: ${FILE}`));
  await page.click('[data-testid=upload]');

  const progress = await page.waitForSelector('[data-testid=import-progress]');
  importId = await progress.getAttribute('data-import');
  await page.waitForSelector('[data-testid=progress-text][data-percent="100"]');
  await page.waitForSelector('[data-testid=import-outcome]');
  const bar = await page.$eval('[data-testid=import-progress] progress', (p) => [p.value, p.max]);
  assert.deepEqual(bar, [301, 301], 'the bar is full');
  assert.match(await page.textContent('[data-testid=progress-text]'), /^301 of 301 rows \(100 %\)/);
  assert.equal(await page.textContent('[data-testid=import-status]'), 'Completed with errors');
  assert.equal(
    await page.textContent('[data-testid=import-outcome]'),
    'Imported with errors: 300 new account(s), 0 updated, 0 unchanged, 1 row(s) refused.',
  );

  // The row error: its line, its column, what was wrong.
  await page.waitForSelector('[data-testid=import-error]');
  const rows = await page.$$eval('[data-testid=import-error]', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  assert.equal(rows.length, 1);
  assert.equal(rows[0][0], String(BAD_LINE));
  assert.equal(rows[0][1], 'original_balance');
  assert.equal(rows[0][2], 'twelve dollars');

  // The history has it at the top, by "You".
  await page.waitForSelector(`[data-testid=import-row][data-import="${importId}"]`);
  const first = await page.textContent('[data-testid=import-row] >> nth=0');
  assert.ok(first.includes(FILE) && first.includes('You'), first);
  assert.ok(first.includes('301: 300 new, 0 updated, 0 unchanged, 1 refused'), first);
  await e2e.shot(page, '50-import-finished');
  assert.equal(await e2e.scrollsSideways(page), false);
});

test('the errors download as CSV, fetched with the token', async () => {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=download-errors]')]);
  assert.equal(download.suggestedFilename(), `placements-${RUN}-errors.csv`);
  const text = await readFile(await download.path(), 'utf8');
  const lines = text.trim().split(/\r?\n/);
  assert.equal(lines[0], 'row,column,value,message');
  assert.equal(lines.length, 2, text);
  assert.ok(lines[1].startsWith(`${BAD_LINE},original_balance,twelve dollars,`), lines[1]);
});

test('the result links to the new accounts: the worklist of that import', async () => {
  await page.click('[data-testid=import-accounts]');
  await page.waitForURL(new RegExp(`/accounts\\?import=${importId}$`));
  await page.waitForSelector('[data-testid=account-row]');
  const refs = await page.$$eval('[data-testid=account-row]', (rs) => rs.map((r) => r.textContent));
  assert.ok(refs.length > 0);
  assert.ok(refs.every((r) => r.includes(PREFIX)), 'only the accounts of the import');
  // The API agrees: the import's accounts are its 300.
  let count = 0;
  let cursor = '';
  do {
    const p = await api(manager, 'GET', `/accounts?import=${importId}&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    count += p.items.length;
    cursor = p.next_cursor;
  } while (cursor);
  assert.equal(count, 300);
});

test('the same file again is refused, with the offer to import it anyway', async () => {
  await page.goto(`${BASE}/imports`);
  await page.waitForSelector('[data-testid=upload-form]');
  // This time with the file button.
  await page.setInputFiles('#import-file', { name: FILE, mimeType: 'text/csv', buffer: Buffer.from(CSV) });
  await page.click('[data-testid=upload]');
  const notice = await page.waitForSelector('[data-testid=duplicate]');
  assert.match(await notice.textContent(), /imported before/);
  assert.equal(await page.$('[data-testid=import-progress]'), null, 'nothing imported');
  await e2e.shot(page, '51-import-duplicate');

  await page.click('[data-testid=force]');
  const progress = await page.waitForSelector('[data-testid=import-progress]');
  assert.notEqual(await progress.getAttribute('data-import'), importId, 'a second import');
  await page.waitForSelector('[data-testid=import-outcome]');
  assert.equal(
    await page.textContent('[data-testid=import-outcome]'),
    'Imported with errors: 0 new account(s), 0 updated, 300 unchanged, 1 row(s) refused.',
    'no account placed twice',
  );
  assert.equal(await page.$('[data-testid=duplicate]'), null);
});

test('at 390 px: the upload, the progress, the errors and the history fit the screen', async () => {
  const phone = await e2e.newPage(browser, { width: 390, height: 844, errors });
  try {
    await phone.goto(`${BASE}/imports`);
    await e2e.login(phone, MANAGER);
    await phone.waitForSelector('[data-testid=import-history]');
    assert.equal(await e2e.scrollsSideways(phone), false, 'no sideways scrolling');
    await e2e.shot(phone, '52-imports-phone');
    await phone.click(`[data-testid=import-row][data-import="${importId}"] button`);
    await phone.waitForSelector('[data-testid=import-error]');
    await phone.$eval('[data-testid=import-progress]', (e) => e.scrollIntoView());
    assert.equal(await e2e.scrollsSideways(phone), false, 'no sideways scrolling');
    await e2e.shot(phone, '53-import-finished-phone');
  } finally {
    await phone.close();
  }
  assert.deepEqual(errors, [], 'no error in the pages');
});

test('a collector sees no imports', async () => {
  const collector = await e2e.newPage(browser, { errors });
  try {
    await collector.goto(`${BASE}/imports`);
    await e2e.login(collector, e2e.COLLECTOR);
    await collector.waitForSelector('[data-testid=forbidden]');
    assert.equal(await collector.$('nav >> text=Imports'), null, 'no nav link');
  } finally {
    await collector.close();
  }
});
