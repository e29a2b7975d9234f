// The measuring half of `cargo xtask bench`.
//
//   NATIVE_BENCH=<bench_native binary> node bench.mjs <url> <epochs>
//
// Loads the built site in headless Chromium, waits for <body data-ready="true">, calls
// `await window.wasmLab.bench_seed002(epochs)` (Trunk 0.21 puts the module's exports on
// window.wasmBindings; the app returns a JSON string with "ms_per_epoch"), and prints
// {"wasm_ms_per_epoch":..,"epochs":..} on one line. The same nets natively (NATIVE_BENCH) and
// in JAX run right after the page's run of each, so every ratio compares one minute.
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { deadline, launchChromium, loadAndWait, loadUntouched, watch } from './browser.mjs';
import { dyingFigures } from './dying_bench.mjs';

const [url, epochsText = '200'] = process.argv.slice(2);
const epochs = Number.parseInt(epochsText, 10);
if (!url || !Number.isFinite(epochs) || epochs <= 0) {
  console.error('usage: node bench.mjs <url> <epochs>');
  process.exit(2);
}
deadline(15 * 60_000, 'bench.mjs');

const browser = await launchChromium();

// Loads the page at `query`, presses the network panel's Train and watches the main thread
// until the run finishes.
async function pageRun(query) {
  const run = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const runProblems = watch(run);
  const runError = await loadAndWait(run, new URL(query, url).href);
  if (runError) throw new Error(`the network panel reports an error: ${runError}`);
  const r = await run.evaluate(async () => {
    const host = document.querySelector('[data-panel=network]');
    const tasks = [];
    let observed = false;
    try {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) tasks.push(e.duration);
      }).observe({ type: 'longtask' });
      observed = true;
    } catch (_) {}
    const train = [...host.querySelectorAll('button')].find((b) => b.textContent === 'Train');
    const t0 = performance.now();
    // When each epoch's statistics reached the page (ms after Train).
    const epochAt = [];
    train.click();
    while (host.getAttribute('data-run') !== 'finished' && host.getAttribute('data-run') !== 'failed' && performance.now() - t0 < 120000) {
      const e = Number(host.getAttribute('data-epoch'));
      if (e > 0 && epochAt[e] === undefined) epochAt[e] = performance.now() - t0;
      await new Promise((r) => setTimeout(r, 5));
    }
    const last = Number(host.getAttribute('data-epoch'));
    if (epochAt[last] === undefined) epochAt[last] = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 100)); // let the observer report the last task
    return {
      ms: performance.now() - t0,
      epochs: Number(host.getAttribute('data-epoch')),
      maxFrame: Number(host.getAttribute('data-max-frame-ms')),
      // Who made the statistics: the worker's helper ("helper") or the training thread.
      statistics: host.getAttribute('data-statistics'),
      slowest: host.getAttribute('data-slowest-frame'),
      observed,
      longTasks: tasks.length,
      maxLongTask: tasks.length ? Math.max(...tasks) : 0,
      // An epoch once the run is going: from epoch 1's statistics to the last's, per epoch
      // (the worker's start, the data and the first statistics are behind it).
      steadyEpoch: last > 1 && epochAt[1] !== undefined ? (epochAt[last] - epochAt[1]) / (last - 1) : null,
    };
  });
  await run.close();
  if (runProblems.length) console.error(`warnings in ${query}:\n  ${runProblems.join('\n  ')}`);
  return r;
}

// The atlas of a 4 x 8 net on the spiral, redrawn at devicePixelRatio 2 as the keyboard
// cursor moves from tile to tile (each move redraws the plane and the atlas); the canvases'
// data-draw-ms say how long each chart's drawing took.
async function atlasRedraw() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 2 });
  const page = await context.newPage();
  const error = await loadAndWait(page, new URL('?panel=network&preset=spiral_safe&layers=4&epochs=2', url).href);
  if (error) throw new Error(`atlas bench: ${error}`);
  const r = await page.evaluate(async () => {
    const host = document.querySelector('[data-panel=network]');
    const train = [...host.querySelectorAll('button')].find((b) => b.textContent === 'Train');
    train.click();
    const t0 = performance.now();
    while ((host.getAttribute('data-run') !== 'finished' || host.getAttribute('data-charts-pending') !== '0') && performance.now() - t0 < 60000) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const atlas = host.querySelector('canvas[data-chart=atlas]');
    const plane = host.querySelector('canvas[data-chart=plane]');
    atlas.focus();
    const atlasMs = [];
    const planeMs = [];
    const keys = ['ArrowRight', 'ArrowRight', 'ArrowRight', 'ArrowDown', 'ArrowLeft', 'ArrowLeft', 'ArrowUp'];
    for (let i = 0; i < 42; i++) {
      atlas.dispatchEvent(new KeyboardEvent('keydown', { key: keys[i % keys.length], bubbles: true }));
      atlasMs.push(Number(atlas.dataset.drawMs));
      planeMs.push(Number(plane.dataset.drawMs));
      await new Promise((r) => requestAnimationFrame(() => r()));
    }
    const med = (v) => { const s = [...v].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
    const p95 = (v) => { const s = [...v].sort((a, b) => a - b); return s[Math.floor(s.length * 0.95)]; };
    return { median: +med(atlasMs).toFixed(2), p95: +p95(atlasMs).toFixed(2), planeMedian: +med(planeMs).toFixed(2), width: atlas.width };
  });
  await context.close();
  if (!(r.width > 1500)) throw new Error(`the atlas was not drawn at 2x (${r.width} px wide)`);
  return r;
}

// Cold loads: a fresh context each (no cache), a long-task observer installed before any
// script runs, and nothing of the harness in the page while it starts (`loadUntouched`).
// Returns the median time to <body data-ready> (as the page measured it from
// navigation start), the longest task seen during any load, and the wasm's size raw and
// gzipped.
async function coldLoads(n) {
  const readies = [];
  const completes = [];
  const paints = [];
  let longest = 0;
  let longestScript = 0;
  // Where the longest task began (ms from navigation) and how much of the page's own script
  // ran inside it: a task with none is the browser's own (such as its first layout).
  let longestAt = null;
  let longestOwnScript = null;
  let wasm = null;
  for (let i = 0; i < n; i += 1) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.addInitScript(() => {
      window.__loadTasks = [];
      window.__loadScripts = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__loadTasks.push([e.startTime, e.duration]);
      }).observe({ type: 'longtask', buffered: true });
      // Long animation frames name the scripts inside them: how much of a long task was
      // the page's own code (its wasm runs inside these script entries) and how much the
      // browser's parsing, layout, paint and compositing.
      try {
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) {
            for (const s of e.scripts ?? []) window.__loadScripts.push([s.startTime, s.duration]);
          }
        }).observe({ type: 'long-animation-frame', buffered: true });
      } catch {
        window.__loadScripts = null;
      }
    });
    const error = await loadUntouched(page, url);
    if (error) throw new Error(`cold load ${i + 1}: ${error}`);
    await page.waitForTimeout(300);
    const r = await page.evaluate(() => ({
      ready: Number(document.body.dataset.readyMs),
      complete: Number(document.body.dataset.completeMs),
      paint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
      tasks: window.__loadTasks,
      scripts: window.__loadScripts,
      // Each wasm file and whether its fetch began before the page was ready: the first
      // screen's bytes are those (the page's second part is asked for once it has drawn).
      wasm: performance.getEntriesByType('resource').filter((e) => e.name.endsWith('.wasm'))
        .map((e) => [e.name, e.startTime < Number(document.body.dataset.readyMs)]),
    }));
    readies.push(r.ready);
    completes.push(r.complete);
    paints.push(r.paint);
    for (const [start, duration] of r.tasks) {
      if (duration <= longest) continue;
      longest = duration;
      longestAt = start;
      longestOwnScript = r.scripts === null
        ? null
        : r.scripts
          .filter(([s, d]) => s < start + duration && s + d > start)
          .reduce((sum, [, d]) => sum + d, 0);
    }
    if (r.scripts !== null) {
      longestScript = Math.max(longestScript ?? 0, ...r.scripts.map(([, d]) => d), 0);
    } else {
      longestScript = null;
    }
    if (!wasm) wasm = r.wasm;
    await context.close();
  }
  readies.sort((a, b) => a - b);
  completes.sort((a, b) => a - b);
  paints.sort((a, b) => a - b);
  let raw = 0;
  let gzipped = 0;
  let firstRaw = 0;
  let firstGzipped = 0;
  const parts = [];
  for (const [name, beforeReady] of wasm ?? []) {
    const bytes = Buffer.from(await (await fetch(name)).arrayBuffer());
    const gz = gzipSync(bytes, { level: 9 }).length;
    raw += bytes.length;
    gzipped += gz;
    if (beforeReady) {
      firstRaw += bytes.length;
      firstGzipped += gz;
    }
    parts.push({ file: name.split('/').pop(), raw: bytes.length, gzipped: gz, before_ready: beforeReady });
  }
  return {
    readyMs: readies[Math.floor(readies.length / 2)],
    completeMs: completes[Math.floor(completes.length / 2)],
    paintMs: paints[Math.floor(paints.length / 2)],
    longest,
    longestAt,
    longestOwnScript,
    longestScript,
    raw,
    gzipped,
    firstRaw,
    firstGzipped,
    parts,
  };
}

// JAX, the peer, run right after the page's own measurement of the same net (width by
// width), so that both see the machine in the same minute: these machines' speed drifts by a
// third from one minute to the next, which ratios of runs minutes apart did not cancel.
// $JAX_PYTHON (default python3) must import jax; the test command never installs it.
const jaxPython = process.env.JAX_PYTHON || 'python3';
function jaxAvailable() {
  try {
    execFileSync(jaxPython, ['-c', 'import jax'], { stdio: 'ignore' });
    return true;
  } catch {
    console.error(
      `no JAX figures: ${jaxPython} cannot import jax; to compare, run \`python3 -m venv ` +
        '/tmp/jaxvenv && /tmp/jaxvenv/bin/pip install jax` and set JAX_PYTHON=/tmp/jaxvenv/bin/python',
    );
    return false;
  }
}
function jaxRun(args) {
  console.error(`==> JAX: ${jaxPython} tools/jax/bench_jax.py ${args.join(' ')}`);
  const out = execFileSync(jaxPython, ['tools/jax/bench_jax.py', ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out.trim().split('\n').pop());
}

// The native build of the same core (examples/bench_native.rs), run like JAX: right after
// the page's run of the same net.
const nativeBench = process.env.NATIVE_BENCH;
function nativeRun(args) {
  console.error(`==> native: ${nativeBench} ${args.join(' ')}`);
  const out = execFileSync(nativeBench, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out.trim().split('\n').pop());
}

try {
  if (!nativeBench) throw new Error('NATIVE_BENCH names no bench_native binary (cargo xtask bench sets it)');
  const withJax = jaxAvailable();
  const load = await coldLoads(5);
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const problems = watch(page);
  const error = await loadAndWait(page, url);
  // A broken panel need not stop the benchmark, which only needs the wasm module: warn.
  if (error) {
    console.error(`warning: the page reports an error (data-error=${error}):\n  ${problems.join('\n  ')}`);
  }
  const exported = await page.evaluate(
    () => typeof window.wasmLab?.bench_seed002 === 'function',
  );
  if (!exported) {
    throw new Error(
      'window.wasmLab.bench_seed002 (the second part of the page) is not exported yet: the app needs a ' +
        '#[wasm_bindgen] pub fn bench_seed002(epochs: u32) returning a JSON string with "ms_per_epoch"',
    );
  }
  // One untimed epoch first, as JAX's figures leave out its first (compiling) call: V8 runs
  // new wasm on its baseline compiler and swaps in optimised code function by function, so
  // without it the "later" epochs of the first call still partly time the baseline code.
  const cold = JSON.parse(await page.evaluate(async () => await window.wasmLab.bench_seed002(1)));
  const raw = await page.evaluate(
    async (n) => await window.wasmLab.bench_seed002(n),
    epochs,
  );
  const result = JSON.parse(raw);
  if (typeof result.ms_per_epoch !== 'number') {
    throw new Error(`bench_seed002 returned no numeric "ms_per_epoch": ${raw}`);
  }
  const nativeSeed = nativeRun(['--epochs', String(epochs), '--scaling-epochs', '0']);
  const jaxSeed = withJax ? jaxRun(['--widths', '']) : null;
  if (!error && problems.length) console.error(`warnings while benchmarking:\n  ${problems.join('\n  ')}`);
  // Wide nets: 4 hidden SELU layers of 8 to 64 units, the same epochs as the native run.
  const scaling = [];
  const nativeScaling = [];
  const jaxScaling = [];
  const scalingEpochs = Math.min(epochs, 3);
  for (const width of [8, 16, 32, 64]) {
    const rows = JSON.parse(
      await page.evaluate(
        async ([n, w]) => await window.wasmLab.bench_scaling(n, w),
        [scalingEpochs, width],
      ),
    );
    scaling.push(...rows);
    const native = nativeRun(['--epochs', '0', '--scaling-epochs', String(scalingEpochs), '--widths', String(width)]);
    nativeScaling.push(...native.scaling);
    if (withJax) jaxScaling.push(...jaxRun(['--widths', String(width), '--no-seed002']).jax);
  }
  // Dragging a slider must stay within a 60 fps frame (16.7 ms): time the page's own work for
  // each `input` event of a sweep over the "One neuron" bias slider (three charts redrawn).
  const drag = await page.evaluate(() => {
    const input = document.querySelector("section:has(#h-neuron) input[id$='-b']");
    if (!input) return null;
    const times = [];
    for (let i = 0; i < 120; i++) {
      input.value = String(-0.5 + i / 119);
      const t = performance.now();
      input.dispatchEvent(new Event('input', { bubbles: true }));
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    return { median: times[60], p95: times[113] };
  });
  // Seed 002's full run in the page itself: the "Small network" panel alone, its defaults
  // (200,000 samples, 4-8-8-8-1 ReLU, Adam, batch 32, 5 epochs), started by its Train button,
  // with Chromium's long-task observer watching the main thread.
  const full = await pageRun('?panel=network');
  // The largest network the controls allow (4 hidden layers of 64), one epoch: its statistics
  // pass is the heaviest single piece of work the page can be asked for.
  const widest = await pageRun('?panel=network&layers=4&width=64&epochs=1&act=selu&init=lecun_normal');
  if (widest.epochs !== 1) throw new Error(`the 4x64 run stopped at epoch ${widest.epochs}`);
  // Issue #29: the same net for three epochs, timed epoch by epoch once it runs.
  const wideSteady = await pageRun('?panel=network&layers=4&width=64&epochs=3&act=selu&init=lecun_normal');
  if (wideSteady.epochs !== 3) throw new Error(`the 3-epoch 4x64 run stopped at epoch ${wideSteady.epochs}`);
  if (full.epochs !== 5) throw new Error(`the page's run stopped at epoch ${full.epochs}`);
  if (!full.observed) console.error('warning: this Chromium does not report long tasks');
  // Issue #30: Playground's spiral (1,000 points, 2-8-8-8-1, sigmoid, batch 10, 50 epochs)
  // trained in the page, and the atlas of a 4 x 8 net redrawn at devicePixelRatio 2.
  const spiral = await pageRun('?panel=network&preset=spiral_safe');
  if (spiral.epochs !== 50) throw new Error(`the spiral run stopped at epoch ${spiral.epochs}`);
  const atlas = await atlasRedraw();
  // "Where neurons die": the 20 x 20 phase map with one worker, a worker per core and none.
  const dying = await dyingFigures(browser, url);
  console.log(
    JSON.stringify({
      page_5_epochs_ms: Math.round(full.ms),
      page_max_frame_work_ms: full.maxFrame,
      page_slowest_frame: full.slowest,
      page_long_tasks: full.longTasks,
      page_max_long_task_ms: Math.round(full.maxLongTask),
      page_4x64_epoch_ms: Math.round(widest.ms),
      page_4x64_max_frame_work_ms: widest.maxFrame,
      page_4x64_long_tasks: widest.longTasks,
      page_4x64_steady_epoch_ms: Math.round(wideSteady.steadyEpoch),
      page_4x64_steady_long_tasks: wideSteady.longTasks,
      // 1: the steady run's statistics were made by the worker's helper thread.
      page_4x64_statistics_by_helper: wideSteady.statistics === 'helper' ? 1 : 0,
      wasm_ms_per_epoch: result.ms_per_epoch,
      wasm_first_epoch_ms: cold.first_epoch_ms,
      wasm_later_ms_per_epoch: result.later_ms_per_epoch,
      epochs,
      native_ms_per_epoch: nativeSeed.native_ms_per_epoch,
      native_later_ms_per_epoch: nativeSeed.native_later_ms_per_epoch,
      native_scaling: nativeScaling,
      wasm_scaling: scaling,
      jax_scaling: jaxScaling,
      jax_seed002_ms: withJax ? jaxSeed.seed002.ms_per_epoch : null,
      ready_ms_median_of_5: Math.round(load.readyMs),
      complete_ms_median_of_5: Math.round(load.completeMs),
      first_paint_ms_median_of_5: Math.round(load.paintMs),
      load_longest_task_ms: Math.round(load.longest),
      load_longest_task_start_ms: load.longestAt === null ? null : Math.round(load.longestAt),
      load_longest_task_script_ms: load.longestOwnScript === null ? null : Math.round(load.longestOwnScript),
      load_longest_script_ms: load.longestScript === null ? null : Math.round(load.longestScript),
      wasm_bytes: load.raw,
      wasm_gzip_bytes: load.gzipped,
      first_screen_wasm_bytes: load.firstRaw,
      first_screen_wasm_gzip_bytes: load.firstGzipped,
      wasm_parts: load.parts,
      page_spiral_ms_per_epoch: +(spiral.ms / spiral.epochs).toFixed(2),
      page_spiral_long_tasks: spiral.longTasks,
      page_spiral_max_frame_work_ms: spiral.maxFrame,
      atlas_4x8_redraw_2x_median_ms: atlas.median,
      atlas_4x8_redraw_2x_p95_ms: atlas.p95,
      plane_redraw_2x_median_ms: atlas.planeMedian,
      slider_redraw_median_ms: drag ? +drag.median.toFixed(2) : null,
      slider_redraw_p95_ms: drag ? +drag.p95.toFixed(2) : null,
      ...dying,
    }),
  );
} catch (err) {
  console.error(`bench.mjs: ${err.message}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
