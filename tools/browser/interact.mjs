// Interaction checks of the built site, run by smoke.mjs: each returns a list of problems
// (empty when it passed).
//
// - addressRoundTrip: move a slider and a menu in every panel, reload the page's own
//   address, find every control where it was.
// - pixelRatioChange: change devicePixelRatio without a resize (as browser zoom or another
//   screen does) and find every canvas redrawn at the new ratio.
// - frameBudget: at 2x, click every button, move every slider, change every select and train
//   every panel for a few seconds, with a long-task observer: no task over 50 ms (a failed
//   attempt is retried once).
// - busyFrameBudget: the same with one CPU-bound process beside the browser (a laptop with a
//   video call, a busy CI host), started and stopped by the check and bounded in time; the
//   load average while it ran is printed.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { loadAndWait, watch } from './browser.mjs';

// Every control of every panel, by id, with its value (the ids are the same on every load).
function controlValues(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('[data-panel] input, [data-panel] select')].map(
      (c) => `${c.id}=${c.value}${c.disabled ? ' (disabled)' : ''}`,
    ),
  );
}

export async function addressRoundTrip(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const problems = watch(page);
  try {
    await loadAndWait(page, url);
    const untouched = await controlValues(page);
    // Every panel of the registry (the page's own list, `panels()`): a new panel is covered
    // the day it exists. In each, the first slider moves three steps and the first menu
    // takes another option.
    // The page loads in two parts (index.html): each lists the panels it holds.
    const registry = await page.evaluate(() => [window.wasmBindings, window.wasmLab].flatMap((b) => b.panels()));
    if (registry.length < 5) problems.push(`panels() lists ${registry.length} panels`);
    for (const { name } of registry) {
      const root = page.locator(`[data-panel="${name}"]`);
      if ((await root.count()) === 0) {
        problems.push(`the page has no [data-panel="${name}"]`);
        continue;
      }
      // The menu first: it may enable the slider (α is disabled for ReLU).
      const select = root.locator('select:not([disabled])').first();
      const options = await select.evaluate((s) => [...s.options].map((o) => o.value));
      const now = await select.inputValue();
      const sliders = root.locator('input[type=range]:not([disabled])');
      // The first other option that leaves a slider to move (Your model's τ needs τ-dormant).
      for (const o of options.filter((o) => o !== now)) {
        await select.selectOption(o);
        if ((await sliders.count()) > 0) break;
      }
      const slider = sliders.first();
      await slider.focus({ timeout: 5000 });
      for (let i = 0; i < 3; i += 1) await slider.press('ArrowRight');
    }
    const moved = await controlValues(page);
    // The address is written at most every 250 ms.
    await page.waitForTimeout(600);
    const address = page.url();
    for (const { prefix } of registry) {
      if (!address.includes(prefix)) problems.push(`address ${address} has no ${prefix} keys`);
    }
    const changed = moved.filter((v, i) => v !== untouched[i]).length;
    if (changed < 2 * registry.length) {
      problems.push(`only ${changed} controls changed: ${moved.join(', ')}`);
    }
    const error = await loadAndWait(page, address);
    if (error) problems.push(`body data-error: ${error}`);
    const restored = await controlValues(page);
    moved.forEach((v, i) => {
      if (restored[i] !== v) problems.push(`after reload ${restored[i]}, before ${v}`);
    });
    console.log(`       address after moving every panel: ${address}`);
  } catch (err) {
    problems.push(`address round trip: ${err.message.split('\n')[0]}`);
  }
  await context.close();
  return problems;
}

// Canvases whose backing store is not their CSS width times the ratio.
function blurred(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('section:not([hidden]) canvas')]
      .filter((c) => c.clientWidth > 0 && Math.abs(c.width - Math.round(c.clientWidth * devicePixelRatio)) > 1)
      .map((c) => `${c.getAttribute('aria-label')?.slice(0, 40)}: ${c.width} for ${c.clientWidth} CSS px at ${devicePixelRatio}`),
  );
}

export async function pixelRatioChange(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const problems = watch(page);
  try {
    await loadAndWait(page, url);
    const cdp = await context.newCDPSession(page);
    let resized = 0;
    await page.exposeFunction('noteResize', () => { resized += 1; });
    await page.evaluate(() => window.addEventListener('resize', () => window.noteResize(), true));
    await cdp.send('Emulation.setDeviceMetricsOverride', {
      width: 1280, height: 800, deviceScaleFactor: 2, mobile: false,
    });
    await page.waitForFunction(() => devicePixelRatio === 2, null, { timeout: 5000 });
    // The page compares the ratio twice a second where no media-query event comes.
    await page.waitForTimeout(1200);
    problems.push(...(await blurred(page)));
    console.log(`       devicePixelRatio 1 -> 2: ${resized} resize event(s) reached the page`);
  } catch (err) {
    problems.push(`pixel ratio change: ${err.message.split('\n')[0]}`);
  }
  await context.close();
  return problems;
}

// One pass of every interaction; returns the long tasks seen, with what was going on.
async function interactEverywhere(page) {
  await page.evaluate(() => {
    window.__long = [];
    window.__doing = 'start';
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        window.__long.push({ ms: Math.round(e.duration), doing: window.__doing });
      }
    }).observe({ type: 'longtask' });
  });
  const doing = (what) => page.evaluate((w) => { window.__doing = w; }, what);
  for (const panel of ['activation', 'neuron', 'network']) {
    const root = page.locator(`[data-panel="${panel}"]`);
    const sliders = await root.locator('input[type=range]:not([disabled])').all();
    for (const s of sliders) {
      const id = await s.getAttribute('id');
      await doing(`${panel}: slider ${id}`);
      await s.focus();
      for (const key of ['ArrowRight', 'ArrowRight', 'ArrowLeft']) await s.press(key);
    }
    const selects = await root.locator('select:not([disabled])').all();
    for (const s of selects) {
      const id = await s.getAttribute('id');
      const values = await s.locator('option').evaluateAll((os) => os.map((o) => o.value));
      const now = await s.inputValue();
      const other = values.find((v) => v !== now);
      if (other === undefined) continue;
      await doing(`${panel}: select ${id} -> ${other}`);
      await s.selectOption(other);
      await page.waitForTimeout(50);
      await doing(`${panel}: select ${id} -> ${now}`);
      await s.selectOption(now);
    }
    const labels = await root.locator('button').allTextContents();
    for (const label of labels) {
      await doing(`${panel}: button ${label}`);
      const b = root.getByRole('button', { name: label, exact: true });
      if ((await b.count()) === 0) continue;
      await b.first().click();
      if (['Train', 'Compare presets', 'Compare learning rates'].includes(label)) {
        await doing(`${panel}: running after ${label}`);
        await page.waitForTimeout(3000);
        const stop = root.getByRole('button', { name: label === 'Train' ? 'Pause' : 'Stop comparing', exact: true });
        if (await stop.count()) await stop.first().click();
      } else {
        await page.waitForTimeout(100);
      }
    }
  }
  // Issue #30: a 2-D task, whose input plane and atlas are drawn at every epoch.
  const net = page.locator('[data-panel="network"]');
  if ((await net.count()) > 0) {
    await doing('network: preset spiral_high');
    await net.locator("select[id$='-preset']").selectOption('spiral_high');
    await doing('network: training the spiral (plane and atlas at every epoch)');
    await net.getByRole('button', { name: 'Train', exact: true }).first().click();
    await page.waitForTimeout(4000);
    const pause = net.getByRole('button', { name: 'Pause', exact: true });
    if (await pause.count()) await pause.first().click();
    await doing('network: pointing along the atlas');
    const atlas = net.locator('canvas[data-chart=atlas]');
    await atlas.focus();
    for (const key of ['ArrowRight', 'ArrowRight', 'ArrowDown', 'ArrowLeft', 'Enter']) await atlas.press(key);
  }
  await page.waitForTimeout(200);
  return page.evaluate(() => window.__long);
}

// "Where neurons die" starts its map when it first comes into view, in workers on every
// core; on a 2-core machine they slow the main thread's tasks by half or more. It is brought
// into view and left to finish first, so the tasks measured are the interactions' own.
async function letDyingFinish(page) {
  const dying = page.locator('[data-panel="dying"]');
  if ((await dying.count()) === 0) return;
  await dying.scrollIntoViewIfNeeded();
  await page.waitForFunction(() => {
    const d = document.querySelector('[data-panel="dying"]').dataset;
    return d.cells !== undefined && d.cellsDone === d.cells && d.bornDone === d.born && d.running === 'false';
  }, null, { timeout: 60_000 });
}

// One attempt on a fresh page: the problems seen (empty when within the budget).
async function budgetAttempt(browser, url, attempt) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 2 });
  const page = await context.newPage();
  const seen = watch(page);
  let long = [];
  try {
    await loadAndWait(page, url);
    await letDyingFinish(page);
    long = await interactEverywhere(page);
  } catch (err) {
    seen.push(`frame budget: ${err.message.split('\n')[0]}`);
  }
  await context.close();
  const over = long.map((t) => `long task ${t.ms} ms during ${t.doing}`);
  const longest = long.length ? `longest ${Math.max(...long.map((t) => t.ms))} ms` : 'none';
  console.log(`       attempt ${attempt}: ${long.length} task(s) over 50 ms (${longest})`);
  for (const t of over) console.log(`         ${t}`);
  return [...seen, ...over];
}

// Timings here are noisy (2 cores shared with other builds; canvases rasterised in
// software), so one bad attempt is retried: the check fails when two attempts in a row each
// see a task over 50 ms (or an error).
export async function frameBudget(browser, url) {
  const first = await budgetAttempt(browser, url, 1);
  if (first.length === 0) return [];
  return budgetAttempt(browser, url, 2);
}

// How long the CPU-bound process may run at most (ms): it is stopped when the check ends, and
// ends by itself after this even if the check never does.
const BUSY_MAX_MS = 240_000;

// The machine's CPU time so far, busy and in all (from /proc/stat; null elsewhere).
function cpuTimes() {
  try {
    const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = fields[3] + (fields[4] ?? 0);
    const all = fields.reduce((a, b) => a + b, 0);
    return { busy: all - idle, all };
  } catch {
    return null;
  }
}

// frameBudget with one CPU-bound process running beside the browser. Prints how loaded the
// machine was: the 1-minute load average at its highest (it lags: it climbs for a minute) and
// the share of all cores busy while the check ran, from /proc/stat.
export async function busyFrameBudget(browser, url) {
  const spin = `const end = Date.now() + ${BUSY_MAX_MS}; let x = 0; while (Date.now() < end) x++;`;
  const busy = spawn(process.execPath, ['-e', spin], { stdio: 'ignore' });
  const loads = [];
  const sample = setInterval(() => loads.push(os.loadavg()[0]), 2_000);
  try {
    // Let the spinner take its core before measuring.
    await new Promise((r) => setTimeout(r, 3_000));
    const before = cpuTimes();
    const problems = await frameBudget(browser, url);
    const after = cpuTimes();
    const most = loads.length ? Math.max(...loads).toFixed(2) : os.loadavg()[0].toFixed(2);
    const share = before && after
      ? `, cores ${Math.round((100 * (after.busy - before.busy)) / Math.max(1, after.all - before.all))} % busy`
      : '';
    console.log(`       with a CPU-bound process beside the browser: 1-minute load average up to ${most} (${os.cpus().length} cores)${share}`);
    return problems;
  } finally {
    clearInterval(sample);
    busy.kill('SIGKILL');
  }
}
