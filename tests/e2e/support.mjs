// What every browser journey file shares: the server under test (BASE_URL, a real
// `debtflow serve` on a fresh database seeded with `debtflow seed-demo`), the demo
// users, the API for setup and checks, and a headless Chromium page whose
// confirmations are accepted and kept. scripts/e2e.sh runs the files one after another.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const BASE = process.env.BASE_URL ?? 'http://127.0.0.1:18080';
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const SHOTS = join(dirname(fileURLToPath(import.meta.url)), 'screenshots');
/** A tag unique to this run, for the external references of the accounts a file creates. */
export const RUN = Date.now().toString(36);
export const COLLECTOR = { username: 'sarah.mitchell', password: 'Collector@2026' };
export const OTHER = { username: 'james.carter', password: 'Collector@2026' };
export const MANAGER = { username: 'demo.manager', password: 'Manager@2026' };
export const ADMIN = { username: 'demo.admin', password: 'Demo@2026' };

/** The API as a third-party client calls it; throws on any non-2xx answer. */
export async function api(token, method, path, body, headers = {}) {
  const res = await fetch(`${BASE}/api/v1${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) : null;
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
  return json;
}
export const tokenOf = async (user) => (await api(null, 'POST', '/auth/token', user)).access;

/** `days` before `today` (an ISO date: the agency's, from /auth/me, not this machine's). */
export function daysBefore(today, days) {
  const d = new Date(`${today}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - days);
  return d.toISOString().slice(0, 10);
}

/** An account of the demo agency for this run, created as the manager (and assigned). */
export async function createAccount(managerToken, key, name, balance, assignee) {
  const a = await api(managerToken, 'POST', '/accounts', {
    external_ref: `E2E-${RUN}-${key}`,
    original_balance: balance,
    creditor: 'Acme Bank',
    delinquency_date: '2026-01-15',
    debtor: { full_name: name, email: `${key}@example.com`, phone: '+1 555 0100' },
  });
  if (assignee) {
    const collectors = (await api(managerToken, 'GET', '/collectors?limit=200')).items;
    const collector = collectors.find((c) => c.username === assignee.username);
    await api(managerToken, 'POST', `/accounts/${a.id}/assign`, { collector_id: collector.id });
  }
  return a.id;
}

export async function launch() {
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/**
 * A page at `width` px whose confirmations are accepted and pushed to `dialogs`, and
 * whose uncaught errors and console errors (a panic's message, a policy violation) are
 * printed and pushed to `errors`. Playwright's `waitForFunction` evaluates strings, which
 * the page's Content-Security-Policy forbids, so pages bypass the policy unless
 * `enforceCsp` (then wait with selectors only).
 */
export async function newPage(browser, { width = 1280, height = 900, dialogs = [], errors = [], enforceCsp = false } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, bypassCSP: !enforceCsp });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (e) => {
    errors.push(e.message);
    console.error('page error:', e.message);
  });
  page.on('console', (m) => {
    // A refused request is logged by the browser itself; the app says what it means.
    if (m.type() !== 'error' || m.text().startsWith('Failed to load resource')) return;
    errors.push(m.text());
    console.error('console error:', m.text());
  });
  page.on('dialog', async (d) => {
    dialogs.push(d.message());
    await d.accept();
  });
  return page;
}

export async function shot(page, name) {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

export async function login(page, user) {
  await page.fill('#username', user.username);
  await page.fill('#password', user.password);
  await page.click('form[data-testid=login-form] button[type=submit]');
  await page.waitForSelector('[data-testid=who]');
}

export async function logout(page) {
  await page.click('[data-testid=logout]');
  await page.waitForSelector('[data-testid=login-form]');
}

/** Whether the page scrolls sideways (its content wider than the viewport). */
export const scrollsSideways = (page) =>
  page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);

/** On a failure, the screen as it was and what the page said (for `afterEach`). */
export async function onFailure(page, t) {
  if (page && t.passed === false) {
    await shot(page, `failed-${t.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 40)}`).catch(() => {});
    const alerts = await page.$$eval('[role=alert]', (els) => els.map((e) => e.textContent)).catch(() => []);
    if (alerts.length) console.error('alerts on the page:', alerts);
  }
}
