import { launchChromium } from './browser.mjs';
import { frameBudget } from './interact.mjs';
const b = await launchChromium();
for (let i = 0; i < 3; i++) { const p = await frameBudget(b, 'http://127.0.0.1:8802/'); console.log('run', i, p.length); }
await b.close();
