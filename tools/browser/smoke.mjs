// Smoke test of the built site in headless Chromium.
//
//   node smoke.mjs <url> <out-dir> [extra ...]
//
// Loads <url> at a desktop (1280x800), a phone (360x740 @2x) and a dark, reduced-motion
// laptop (1024x768 @1.5x) viewport, waits for
// <body data-ready="true">, fails on console errors, page errors, failed requests, HTTP errors
// or <body data-error>, and saves full-page screenshots as <out-dir>/page-desktop.png and
// page-phone.png. Each extra (a query string such as "?act=leaky", or any URL relative to
// <url>) is loaded the same way and saved as <out-dir>/<slug>-desktop.png / -phone.png;
// an extra written "strict:URL" is a site served with a strict Content-Security-Policy
// (axe, an inline script, is not injected there).
// Then the checks of interact.mjs (address round trip, pixel ratio change, frame budget),
// parts_check.mjs (the page's two wasm parts) and
// dying_check.mjs (the phase map filled by Web Workers), each counted as one more load (the
// frame budget runs beside a CPU-bound process).
// Last line: "smoke result: N passed; M failed" (one per page load); exit code 1 on failure.
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { deadline, launchChromium, loadAndWait, watch } from './browser.mjs';
import { dyingThroughWorkers } from './dying_check.mjs';
import { addressRoundTrip, busyFrameBudget, pixelRatioChange } from './interact.mjs';
import { pageInTwoParts } from './parts_check.mjs';

const [url, outDir = 'target/screenshots', ...extras] = process.argv.slice(2);
if (!url) {
  console.error('usage: node smoke.mjs <url> <out-dir> [extra-url-or-query ...]');
  process.exit(2);
}

const VIEWPORTS = [
  { name: 'desktop', viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 },
  {
    name: 'phone',
    viewport: { width: 360, height: 740 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
  },
  // A reader who asked for a dark theme and less motion, on a HiDPI laptop.
  {
    name: 'dark',
    viewport: { width: 1024, height: 768 },
    deviceScaleFactor: 1.5,
    colorScheme: 'dark',
    reducedMotion: 'reduce',
  },
];

// An absolute URL (another server, a random port) is named by its path and query only, so
// screenshots keep one name from run to run.
const slug = (text) =>
  text
    .replace(/^https?:\/\/[^/]+/, '')
    .replace(/^[?#/]+/, '')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60) || 'extra';

// What a page must offer anyone using a keyboard or a screen reader: every control named,
// every visible panel with a live one-line summary, every chart canvas described, no element
// wider than the screen, even with every <details> open (a phone must not scroll sideways).
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

// axe-core's audit (contrast, names, roles, landmarks...): serious and critical findings fail.
async function axeProblems(page) {
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `axe ${v.id} (${v.impact}): ${v.help}; e.g. ${v.nodes[0]?.target?.join(' ') ?? ''}`);
  });
  return violations;
}

// Under a strict Content-Security-Policy axe cannot be injected (an inline script): those
// loads get the page's own checks only; the same pages are audited by axe without the policy.
async function accessibilityProblems(page, strict) {
  const fromAxe = strict ? [] : await axeProblems(page);
  return fromAxe.concat(await ownChecks(page));
}

async function ownChecks(page) {
  return page.evaluate(() => {
    const out = [];
    for (const c of document.querySelectorAll('input, select, button, a[href]')) {
      const named = (c.labels && c.labels.length) || c.textContent.trim() || c.getAttribute('aria-label');
      if (!named) out.push(`control without a name: ${c.outerHTML.slice(0, 80)}`);
    }
    for (const host of document.querySelectorAll('section:not([hidden]) [data-panel]')) {
      // The summary is the first live region with class "status" (a panel has others, such as
      // the "copied" announcement, which stay empty until something happens).
      const summary = host.querySelector('.status[aria-live]');
      if (!summary) out.push(`panel ${host.dataset.panel} has no aria-live summary`);
      else if (!summary.textContent.trim()) out.push(`panel ${host.dataset.panel}: empty summary`);
      for (const c of host.querySelectorAll('canvas')) {
        if (!c.getAttribute('aria-label')) out.push(`panel ${host.dataset.panel}: canvas without aria-label`);
      }
    }
    // Crisp on HiDPI screens: each canvas's backing store is its CSS size times the ratio.
    for (const c of document.querySelectorAll('section:not([hidden]) canvas')) {
      const want = Math.round(c.clientWidth * devicePixelRatio);
      if (c.clientWidth > 0 && Math.abs(c.width - want) > 1) {
        out.push(`canvas ${c.getAttribute('aria-label')}: backing ${c.width}px for ${c.clientWidth} CSS px at ratio ${devicePixelRatio}`);
      }
    }
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth > width + 1) {
      out.push(`page is ${document.documentElement.scrollWidth}px wide in a ${width}px viewport`);
    }
    // Opened, what the page folds away (the scripts, wide <pre>s) must not widen it either.
    const closed = [...document.querySelectorAll('details:not([open])')];
    for (const d of closed) d.open = true;
    if (document.documentElement.scrollWidth > width + 1) {
      out.push(`with its <details> open, page is ${document.documentElement.scrollWidth}px wide in a ${width}px viewport`);
    }
    for (const d of closed) d.open = false;
    return out;
  });
}

const targets = [
  { label: 'page', url },
  // "strict:URL": a site served with a strict Content-Security-Policy header.
  ...extras.map((extra) => {
    const strict = extra.startsWith('strict:');
    const target = strict ? extra.slice('strict:'.length) : extra;
    return { label: `page-${slug(target)}`, url: new URL(target, url).href, strict };
  }),
];

deadline(240_000 + targets.length * VIEWPORTS.length * 45_000, 'smoke.mjs');
await mkdir(outDir, { recursive: true });
const browser = await launchChromium();
let passed = 0;
let failed = 0;
try {
  for (const target of targets) {
    for (const { name, ...options } of VIEWPORTS) {
      const started = Date.now();
      const context = await browser.newContext(options);
      const page = await context.newPage();
      const problems = watch(page);
      const shot = path.join(outDir, `${target.label}-${name}.png`);
      try {
        const error = await loadAndWait(page, target.url);
        if (error) problems.push(`body data-error: ${error}`);
        // A panel mounted by a script of the page (embed.html's neuron, mounted once both
        // parts have loaded) may be mounted just before data-complete: its later charts are
        // drawn in tasks of their own, a few tasks on.
        await page.waitForTimeout(250);
        problems.push(...(await accessibilityProblems(page, target.strict)));
      } catch (err) {
        problems.push(`not ready: ${err.message.split('\n')[0]}`);
      }
      try {
        // Panels off screen are not painted (content-visibility: auto); a full-page capture
        // shows them all, as printing does (www/style.css).
        await page.evaluate(() => document.documentElement.classList.add('paint-all'));
        await page.waitForTimeout(100);
        await page.screenshot({ path: shot, fullPage: true });
      } catch (err) {
        problems.push(`screenshot failed: ${err.message.split('\n')[0]}`);
      }
      await context.close();
      const secs = ((Date.now() - started) / 1000).toFixed(1);
      if (problems.length === 0) {
        passed += 1;
        console.log(`ok   ${name.padEnd(7)} ${target.url} (${secs} s) -> ${shot}`);
      } else {
        failed += 1;
        console.log(`FAIL ${name.padEnd(7)} ${target.url} (${secs} s) -> ${shot}`);
        for (const p of problems) console.log(`       ${p}`);
      }
    }
  }
  const checks = [
    ['address', 'every control of every panel restored from the page address', addressRoundTrip],
    ['parts', 'the first screen loads the first part alone; the guided path and embeds work across the two', pageInTwoParts],
    ['dpr', 'every canvas redrawn at a new devicePixelRatio', pixelRatioChange],
    ['workers', 'the dying map (9 x 9) and born-dead curves filled by Web Workers', dyingThroughWorkers],
    // Issue #29: on a busy machine too (a laptop in a video call, a loaded CI host).
    ['budget', 'every interaction and every running panel within 50 ms a task, at 2x, beside a CPU-bound process', busyFrameBudget],
  ];
  for (const [name, what, check] of checks) {
    const started = Date.now();
    const problems = await check(browser, url);
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    if (problems.length === 0) {
      passed += 1;
      console.log(`ok   ${name.padEnd(7)} ${what} (${secs} s)`);
    } else {
      failed += 1;
      console.log(`FAIL ${name.padEnd(7)} ${what} (${secs} s)`);
      for (const p of problems) console.log(`       ${p}`);
    }
  }
} finally {
  await browser.close();
}
console.log(`smoke result: ${passed} passed; ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
