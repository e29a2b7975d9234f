// Shared by smoke.mjs and bench.mjs: launch Debian's Chromium headless through
// playwright-core and watch a page for anything that went wrong.
import { chromium } from 'playwright-core';

// Without the networking flags Chromium stalls on refused connections on offline machines.
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const READY_TIMEOUT_MS = 30_000;

export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

// Collects console errors, uncaught exceptions, failed requests and HTTP errors.
export function watch(page) {
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const where = msg.location()?.url ?? '';
    problems.push(`console error: ${msg.text()}${where ? ` (${where})` : ''}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) =>
    problems.push(`request failed: ${req.url()} (${req.failure()?.errorText ?? 'unknown'})`));
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  return problems;
}

// Loads `url` and waits until the app sets <body data-complete="true"> (every panel mounted;
// `data-ready` comes earlier, once the first screen works) or data-error.
// Returns the value of data-error, if any.
export async function loadAndWait(page, url) {
  await page.goto(url, { waitUntil: 'load', timeout: READY_TIMEOUT_MS });
  await page.waitForFunction(
    () => document.body && (document.body.dataset.complete === 'true' || document.body.dataset.error),
    null,
    { timeout: READY_TIMEOUT_MS },
  );
  return page.evaluate(() => document.body.dataset.error ?? null);
}

// `loadAndWait` for a load that is being timed: Playwright's first `evaluate` (which
// `waitForFunction` runs) puts its own utility script into the page, a 20-30 ms task that lands
// in the middle of the page's start (between a panel's elements and its first drawing), where
// it delays `data-ready` and can be the load's longest task. No visitor's browser runs it. This
// polls one small expression through the DevTools protocol instead, and runs nothing else in
// the page until it is complete.
export async function loadUntouched(page, url) {
  const cdp = await page.context().newCDPSession(page);
  await page.goto(url, { waitUntil: 'load', timeout: READY_TIMEOUT_MS });
  const expression = "document.body && (document.body.dataset.error || " +
    "(document.body.dataset.complete === 'true' ? 'complete' : ''))";
  const giveUp = Date.now() + READY_TIMEOUT_MS;
  try {
    for (;;) {
      const { result } = await cdp.send('Runtime.evaluate', { expression, returnByValue: true });
      if (result.value === 'complete') return null;
      if (result.value) return result.value;
      if (Date.now() > giveUp) throw new Error(`${url}: not complete after ${READY_TIMEOUT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await cdp.detach();
  }
}

// Ends the process if it hangs anyway.
export function deadline(ms, what) {
  setTimeout(() => {
    console.error(`${what}: gave up after ${ms / 1000} s`);
    process.exit(3);
  }, ms).unref();
}
