// Render timing of the worklist for the benchmark: logs in through the SPA, then three
// times measures from starting the navigation to `/accounts?limit=200` until 200 rows
// are in the worklist table. Prints one JSON line
// {"rows":200,"median_ms":…,"max_ms":…,"runs_ms":[…]}; exits non-zero when fewer than
// 200 rows appear within 10 s.
//
//   BASE_URL=http://127.0.0.1:8080 USERNAME=demo.manager PASSWORD=Manager@2026 node render.mjs
import * as e2e from './support.mjs';

const BASE = e2e.BASE.replace(/\/$/, '');
const USERNAME = process.env.USERNAME ?? 'demo.manager';
const PASSWORD = process.env.PASSWORD ?? 'Manager@2026';
const ROWS = 200;
const RUNS = 3;
const TIMEOUT_MS = 10_000;

const browser = await e2e.launch();
let code = 0;
try {
  // Under the page's Content-Security-Policy, as users get it.
  const page = await e2e.newPage(browser, { enforceCsp: true });
  page.setDefaultTimeout(30_000);
  await page.goto(`${BASE}/login`);
  await e2e.login(page, { username: USERNAME, password: PASSWORD });

  const runs = [];
  let seen = 0;
  for (let i = 0; i < RUNS; i++) {
    // A blank page in between, so every run loads the SPA and renders from scratch.
    await page.goto('about:blank');
    const start = Date.now();
    await page.goto(`${BASE}/accounts?limit=${ROWS}`, { waitUntil: 'commit' });
    try {
      // A locator, not waitForFunction: the page's Content-Security-Policy forbids the
      // eval that waitForFunction needs, and the measurement runs under that policy.
      await page.locator('[data-testid=worklist] [data-testid=account-row]').nth(ROWS - 1).waitFor({ timeout: TIMEOUT_MS });
    } catch {
      seen = await page.locator('[data-testid=worklist] [data-testid=account-row]').count();
      console.error(`render: only ${seen} row(s) within ${TIMEOUT_MS} ms`);
      code = 1;
      break;
    }
    runs.push(Date.now() - start);
    seen = ROWS;
  }
  if (code === 0) {
    const sorted = [...runs].sort((a, b) => a - b);
    console.log(JSON.stringify({ rows: seen, median_ms: sorted[Math.floor(sorted.length / 2)], max_ms: sorted.at(-1), runs_ms: runs }));
  } else {
    console.log(JSON.stringify({ rows: seen, median_ms: null, max_ms: null, runs_ms: runs }));
  }
} catch (e) {
  console.error('render:', e.message);
  code = 1;
} finally {
  await browser.close();
}
process.exit(code);
