// The "Where neurons die" check of smoke.mjs (counted as one load): the built site's phase
// map, alone and small, must fill completely through the Web Workers. wasm-pack's browser
// tests cannot load Trunk's worker, so only the built site shows that the workers answer.
//
// It fails unless the panel ends with data-engine "workers:N", every map cell done
// (data-cells-done == data-cells) and every born-dead batch done (data-born-done ==
// data-born), with no console error, page error or failed request on the way.
import { loadAndWait, watch } from './browser.mjs';

// 9 x 9 cells and 100 nets per curve: a few seconds on two busy cores.
const QUERY = '?panel=dying&res=9&trials=100';
const TIMEOUT_MS = 60_000;

function counts(page) {
  return page.evaluate(() => {
    const h = document.querySelector('[data-panel=dying]');
    const a = (k) => h?.getAttribute(`data-${k}`) ?? null;
    return {
      engine: a('engine'),
      running: a('running'),
      cells: a('cells'),
      cellsDone: a('cells-done'),
      born: a('born'),
      bornDone: a('born-done'),
      verdicts: a('verdicts'),
    };
  });
}

export async function dyingThroughWorkers(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const problems = watch(page);
  try {
    const error = await loadAndWait(page, new URL(QUERY, url).href);
    if (error) problems.push(`body data-error: ${error}`);
    await page.waitForFunction(
      () => document.querySelector('[data-panel=dying]')?.getAttribute('data-running') === 'false',
      null,
      { timeout: TIMEOUT_MS, polling: 50 },
    );
    const c = await counts(page);
    if (!c.engine?.startsWith('workers:')) problems.push(`the map ran on "${c.engine}", not on workers`);
    if (c.cells !== '81' || c.cellsDone !== c.cells) {
      problems.push(`map: ${c.cellsDone} of ${c.cells} cells done (want 81 of 81)`);
    }
    if (!(Number(c.born) > 0) || c.bornDone !== c.born) {
      problems.push(`born dead: ${c.bornDone} of ${c.born} batches done`);
    }
    if (!c.verdicts || c.verdicts.length !== 81 || c.verdicts.includes('.')) {
      problems.push(`verdicts missing a cell: ${c.verdicts}`);
    }
    console.log(`       ${c.engine}: ${c.cellsDone} of ${c.cells} cells, ${c.bornDone} of ${c.born} batches`);
  } catch (err) {
    problems.push(`dying map through workers: ${err.message.split('\n')[0]}`);
  }
  await context.close();
  return problems;
}
