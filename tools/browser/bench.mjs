// The wasm half of `cargo xtask bench`.
//
//   node bench.mjs <url> <epochs>
//
// Loads the built site in headless Chromium, waits for <body data-ready="true">, calls
// `await window.wasmBindings.bench_seed002(epochs)` (Trunk 0.21 puts the module's exports on
// window.wasmBindings; the app returns a JSON string with "ms_per_epoch"), and prints
// {"wasm_ms_per_epoch":..,"epochs":..} on one line.
import { deadline, launchChromium, loadAndWait, watch } from './browser.mjs';

const [url, epochsText = '200'] = process.argv.slice(2);
const epochs = Number.parseInt(epochsText, 10);
if (!url || !Number.isFinite(epochs) || epochs <= 0) {
  console.error('usage: node bench.mjs <url> <epochs>');
  process.exit(2);
}
deadline(15 * 60_000, 'bench.mjs');

const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const problems = watch(page);
  const error = await loadAndWait(page, url);
  // A broken panel need not stop the benchmark, which only needs the wasm module: warn.
  if (error) {
    console.error(`warning: the page reports an error (data-error=${error}):\n  ${problems.join('\n  ')}`);
  }
  const exported = await page.evaluate(
    () => typeof window.wasmBindings?.bench_seed002 === 'function',
  );
  if (!exported) {
    throw new Error(
      'window.wasmBindings.bench_seed002 is not exported yet: the app needs a ' +
        '#[wasm_bindgen] pub fn bench_seed002(epochs: u32) returning a JSON string with "ms_per_epoch"',
    );
  }
  const raw = await page.evaluate(
    async (n) => await window.wasmBindings.bench_seed002(n),
    epochs,
  );
  const result = JSON.parse(raw);
  if (typeof result.ms_per_epoch !== 'number') {
    throw new Error(`bench_seed002 returned no numeric "ms_per_epoch": ${raw}`);
  }
  if (!error && problems.length) console.error(`warnings while benchmarking:\n  ${problems.join('\n  ')}`);
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
  console.log(
    JSON.stringify({
      wasm_ms_per_epoch: result.ms_per_epoch,
      epochs,
      slider_redraw_median_ms: drag ? +drag.median.toFixed(2) : null,
      slider_redraw_p95_ms: drag ? +drag.p95.toFixed(2) : null,
    }),
  );
} catch (err) {
  console.error(`bench.mjs: ${err.message}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
