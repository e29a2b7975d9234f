import { launchChromium, loadAndWait } from './browser.mjs';
import fs from 'fs';
const url = process.argv[2];
const browser = await launchChromium();
try {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 2 })).newPage();
  await loadAndWait(page, url);
  await page.waitForTimeout(1500);
  const root = page.locator('[data-panel="network"]');
  await root.scrollIntoViewIfNeeded();
  await browser.startTracing(page, { path: '/tmp/trace.json', categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] });
  await root.getByRole('button', { name: 'Train', exact: true }).first().click();
  await page.waitForTimeout(3000);
  await browser.stopTracing();
} finally { await browser.close(); }
const t = JSON.parse(fs.readFileSync('/tmp/trace.json'));
const ev = t.traceEvents || t;
// main renderer thread: the one with most FunctionCall
const counts = {};
for (const e of ev) if (e.name === 'FunctionCall') counts[e.pid+':'+e.tid] = (counts[e.pid+':'+e.tid]||0)+1;
const main = Object.entries(counts).sort((a,b)=>b[1]-a[1])[0][0];
const [pid, tid] = main.split(':').map(Number);
const mine = ev.filter(e => e.pid===pid && e.tid===tid && e.ph==='X');
const long = mine.filter(e => e.name==='RunTask' && e.dur > 50000);
console.log('main', main, 'long tasks', long.length);
for (const l of long.slice(0, 8)) {
  const kids = mine.filter(e => e.ts >= l.ts && e.ts+e.dur <= l.ts+l.dur && e !== l && e.dur > 3000);
  const agg = {};
  for (const k of kids) agg[k.name] = Math.max(agg[k.name]||0, Math.round(k.dur/1000));
  console.log(Math.round(l.dur/1000), JSON.stringify(agg));
}
