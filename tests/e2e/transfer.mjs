// What a first visit to the login page transfers, as Chromium counts it (bytes on the
// wire, after compression), with each response's encoding and cache header. Imported by
// the journeys (which assert the budget and the headers); run alone by `make bench`,
// it prints one JSON line {"bytes":…,"files":[…]}.
//
//   BASE_URL=http://127.0.0.1:8080 node transfer.mjs
import { chromium } from 'playwright-core';
import { pathToFileURL } from 'node:url';

/** The login page's first visit in a fresh context of `browser`. */
export async function firstVisit(browser, base) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  const responses = new Map();
  let bytes = 0;
  cdp.on('Network.responseReceived', ({ requestId, response }) => {
    const h = Object.fromEntries(Object.entries(response.headers).map(([k, v]) => [k.toLowerCase(), v]));
    responses.set(requestId, { url: new URL(response.url).pathname, status: response.status,
      encoding: h['content-encoding'] ?? null, cache: h['cache-control'] ?? null, bytes: 0 });
  });
  cdp.on('Network.loadingFinished', ({ requestId, encodedDataLength }) => {
    bytes += encodedDataLength;
    if (responses.has(requestId)) responses.get(requestId).bytes = encodedDataLength;
  });
  await page.goto(`${base}/login`);
  await page.waitForSelector('[data-testid=login-form]');
  await page.waitForLoadState('networkidle');
  await context.close();
  return { bytes, files: [...responses.values()] };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const base = (process.env.BASE_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, '');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  try {
    console.log(JSON.stringify(await firstVisit(browser, base)));
  } finally {
    await browser.close();
  }
}
