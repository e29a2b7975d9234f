// The page in two parts (issue #29), counted as one load by smoke.mjs: only the built site
// has two wasm modules (index.html builds the first part with the features "page,intro" and
// the second, lab.js, with "page,lab"); wasm-pack's browser tests hold the whole explorer in
// one module, so this is where the split is checked.
//
// - A cold load fetches only the first part's wasm before <body data-ready>; the second is
//   fetched after, and every panel is mounted by <body data-complete>.
// - The guided path (in the second part) sets a panel of the first: at step 2, the
//   activation panel changed by hand goes back to the step's ReLU when the learner presses
//   Previous.
// - An embed of the first part's panel loads only that part; an embed of a second-part
//   panel is mounted by the second part.
// - A second part that cannot load is said in words, in place of its panels' loading
//   messages, and the first part keeps working.
import { loadAndWait, watch } from './browser.mjs';

const wasmFetches = (page) =>
  page.evaluate(() => {
    const ready = Number(document.body.dataset.readyMs);
    return performance
      .getEntriesByType('resource')
      .filter((e) => e.name.endsWith('.wasm'))
      .map((e) => ({ file: e.name.split('/').pop(), beforeReady: e.startTime < ready }));
  });

const unmounted = (page) =>
  page.evaluate(() =>
    [...document.querySelectorAll('[data-panel]')]
      .filter((h) => !h.closest('[hidden]') && !h.querySelector('canvas'))
      .map((h) => h.dataset.panel),
  );

async function coldLoad(browser, url, problems) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const seen = watch(page);
  try {
    const error = await loadAndWait(page, url);
    if (error) problems.push(`cold load: data-error ${error}`);
    const wasm = await wasmFetches(page);
    const first = wasm.filter((w) => w.beforeReady).map((w) => w.file);
    if (first.length !== 1 || first[0].startsWith('lab')) {
      problems.push(`cold load: before ready the page fetched ${JSON.stringify(first)}, not the first part alone`);
    }
    if (!wasm.some((w) => w.file === 'lab_bg.wasm' && !w.beforeReady)) {
      problems.push(`cold load: the second part (lab_bg.wasm) was not fetched after ready: ${JSON.stringify(wasm)}`);
    }
    const missing = await unmounted(page);
    if (missing.length) problems.push(`cold load: not mounted at data-complete: ${missing.join(', ')}`);
  } finally {
    problems.push(...seen.map((p) => `cold load: ${p}`));
    await context.close();
  }
}

async function storyAcrossParts(browser, url, problems) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const seen = watch(page);
  try {
    const error = await loadAndWait(page, new URL('?step=2', url).href);
    if (error) problems.push(`story: data-error ${error}`);
    const select = page.locator('[data-panel=activation] select').first();
    await select.selectOption('elu');
    // The guide's card sits in the section of the step's panel.
    await page.getByRole('button', { name: 'Previous', exact: true }).click({ timeout: 10_000 });
    await page.waitForTimeout(200);
    const now = await page.locator('[data-panel=activation] select').first().inputValue();
    if (now !== 'relu') problems.push(`story: step 1 left the activation panel at ${now}, not relu (set by the other part)`);
    await page.waitForTimeout(400);
    const search = await page.evaluate(() => location.search);
    if (!search.includes('step=1')) problems.push(`story: the address ${search} lost step=1`);
  } finally {
    problems.push(...seen.map((p) => `story: ${p}`));
    await context.close();
  }
}

async function embeds(browser, url, problems) {
  for (const [query, panel, lab] of [
    ['?panel=activation&f=elu', 'activation', false],
    ['?panel=neuron&b=0.3', 'neuron', true],
  ]) {
    const context = await browser.newContext({ viewport: { width: 800, height: 900 } });
    const page = await context.newPage();
    const seen = watch(page);
    try {
      const error = await loadAndWait(page, new URL(query, url).href);
      if (error) problems.push(`${query}: data-error ${error}`);
      const files = (await wasmFetches(page)).map((w) => w.file);
      if (files.includes('lab_bg.wasm') !== lab) {
        problems.push(`${query}: fetched ${JSON.stringify(files)} (the second part ${lab ? 'is' : 'is not'} needed)`);
      }
      const drawn = await page.locator(`[data-panel=${panel}] canvas`).count();
      if (drawn === 0) problems.push(`${query}: the ${panel} panel has no canvas`);
    } finally {
      problems.push(...seen.map((p) => `${query}: ${p}`));
      await context.close();
    }
  }
}

async function secondPartMissing(browser, url, problems) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  // The failure is wanted here: no watch(), which would count the refused file.
  await page.route('**/lab_bg.wasm', (route) => route.fulfill({ status: 404, body: 'gone' }));
  try {
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForFunction(() => document.getElementById('cannot-start')?.classList.contains('failed'), null, { timeout: 20_000 });
    const said = await page.evaluate(() => ({
      note: document.getElementById('cannot-start').textContent,
      neuron: document.querySelector('[data-panel=neuron]').textContent,
      activation: document.querySelector('[data-panel=activation] canvas') !== null,
    }));
    if (!said.note.startsWith('The rest of the explorer')) problems.push(`missing part: the page says “${said.note}”`);
    if (!said.neuron.includes('could not start')) problems.push(`missing part: the neuron panel says “${said.neuron.slice(0, 80)}”`);
    if (!said.activation) problems.push('missing part: the first part’s panel is gone');
  } catch (err) {
    problems.push(`missing part: ${err.message.split('\n')[0]}`);
  } finally {
    await context.close();
  }
}

export async function pageInTwoParts(browser, url) {
  const problems = [];
  for (const part of [coldLoad, storyAcrossParts, embeds, secondPartMissing]) {
    try {
      await part(browser, url, problems);
    } catch (err) {
      problems.push(`${part.name}: ${err.message.split('\n')[0]}`);
    }
  }
  return problems;
}
