// The "Where neurons die" half of `cargo xtask bench` (also runnable alone):
//
//   node dying_bench.mjs <url>
//
// Loads the built site's phase map alone (?panel=dying) at the default settings with a
// 20 x 20 map, four times: one worker, a worker per core, the page's default (every core
// but one) and the page's own main thread
// (no workers); then the map with the warmup axis (issue 27) on the default workers. Each
// run reports the map's time (from its first job to its last cell), where it
// ran, that every cell arrived, and Chromium's long tasks (over 50 ms) on the main thread
// while the map filled. Prints one JSON line.
import { launchChromium, loadAndWait, watch } from './browser.mjs';

async function mapRun(browser, base, engine, extra = '') {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems = watch(page);
  // The observer must watch from the start: the map starts computing as the page mounts.
  await page.addInitScript(() => {
    window.__longTasks = [];
    try {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__longTasks.push([e.startTime, e.duration]);
      }).observe({ type: 'longtask', buffered: true });
    } catch (_) {}
  });
  const err = await loadAndWait(page, new URL(`?panel=dying&res=20&trials=100&engine=${engine}${extra}`, base).href);
  if (err) throw new Error(`the dying panel reports an error: ${err}`);
  const host = page.locator('[data-panel=dying]');
  await page.waitForFunction(
    () => document.querySelector('[data-panel=dying]')?.getAttribute('data-running') === 'false',
    null,
    { timeout: 120_000, polling: 50 },
  );
  await page.waitForTimeout(100); // the observer reports the last task a moment later
  const r = await page.evaluate(() => {
    const h = document.querySelector('[data-panel=dying]');
    const start = Number(h.getAttribute('data-map-start'));
    const ms = Number(h.getAttribute('data-map-ms'));
    const during = window.__longTasks.filter(([t, d]) => t + d >= start && t <= start + ms);
    return {
      ms,
      engine: h.getAttribute('data-engine'),
      cells: Number(h.getAttribute('data-cells-done')),
      of: Number(h.getAttribute('data-cells')),
      longTasks: during.length,
      maxLongTask: during.length ? Math.max(...during.map(([, d]) => d)) : 0,
      maxFrame: Number(h.getAttribute('data-max-frame-ms') || 0),
      maxDraw: Number(h.getAttribute('data-max-draw-ms') || 0),
      cores: navigator.hardwareConcurrency,
    };
  });
  await host.count();
  await page.close();
  if (problems.length) console.error(`warnings (${engine}):\n  ${problems.join('\n  ')}`);
  if (r.cells !== r.of) throw new Error(`the ${engine} map stopped at ${r.cells} of ${r.of} cells`);
  return r;
}

export async function dyingFigures(browser, base) {
  const one = await mapRun(browser, base, '1');
  // A worker per core (the engine menu offers 1, 2, 4 and 8), then the page's default: every
  // core but one, which leaves the page a core of its own.
  const cores = await coreCount(browser);
  const every = [8, 4, 2, 1].find((n) => n <= cores);
  const allCores = await mapRun(browser, base, String(every));
  const all = await mapRun(browser, base, 'auto');
  const main = await mapRun(browser, base, 'main');
  // Issue 27: the map with the warmup axis (seed 002 with a linear output, where the
  // learning rate's border shows), through the page's default workers.
  const warmup = await mapRun(browser, base, 'auto', '&axis=warmup&task=seed002-linear');
  for (const [name, r] of [['1', one], [String(every), allCores], ['auto', all]]) {
    if (!r.engine?.startsWith('workers:')) throw new Error(`engine ${name} ran on ${r.engine}, not workers`);
  }
  return {
    dying_map_20x20_1_worker_ms: Math.round(one.ms),
    dying_map_20x20_all_cores_ms: Math.round(allCores.ms),
    dying_all_cores_workers: every,
    dying_all_cores_max_long_task_ms: Math.round(allCores.maxLongTask),
    dying_map_20x20_all_workers_ms: Math.round(all.ms),
    dying_workers: Number(all.engine.split(':')[1]),
    dying_ratio_1_over_all: +(one.ms / all.ms).toFixed(2),
    dying_ratio_1_over_all_cores: +(one.ms / allCores.ms).toFixed(2),
    dying_max_long_task_ms: Math.round(all.maxLongTask),
    dying_long_tasks: all.longTasks,
    dying_max_draw_ms: all.maxDraw,
    dying_map_20x20_main_thread_ms: Math.round(main.ms),
    dying_main_thread_max_frame_ms: main.maxFrame,
    dying_main_thread_long_tasks: main.longTasks,
    dying_warmup_map_20x20_ms: Math.round(warmup.ms),
    dying_warmup_max_long_task_ms: Math.round(warmup.maxLongTask),
    dying_warmup_long_tasks: warmup.longTasks,
  };
}

async function coreCount(browser) {
  const page = await browser.newPage();
  const n = await page.evaluate(() => navigator.hardwareConcurrency);
  await page.close();
  return n;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [url] = process.argv.slice(2);
  const browser = await launchChromium();
  try {
    console.log(JSON.stringify(await dyingFigures(browser, url)));
  } catch (err) {
    console.error(`dying_bench.mjs: ${err.message}`);
    process.exitCode = 1;
  } finally {
    await browser.close();
  }
}
