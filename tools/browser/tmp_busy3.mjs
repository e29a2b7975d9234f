import { launchChromium } from './browser.mjs';
import { busyFrameBudget } from './interact.mjs';
const browser = await launchChromium();
let ok = 0;
for (let i = 1; i <= 3; i++) {
  const p = await busyFrameBudget(browser, process.argv[2]);
  console.log(`run ${i}: ${p.length === 0 ? 'pass' : 'FAIL ' + p.join('; ')}`);
  if (p.length === 0) ok++;
}
console.log(`${ok} of 3`);
await browser.close();
