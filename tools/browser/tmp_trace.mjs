import { launchChromium, loadAndWait, watch } from './browser.mjs';
const url = process.argv[2];
const browser = await launchChromium();
try {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 2 })).newPage();
  page.on('console', m => { if (m.text().startsWith('TMP')) console.log(m.text()); });
  await loadAndWait(page, url);
  await page.evaluate(() => { window.__long = []; new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push(Math.round(e.duration)); }).observe({ type: 'longtask' }); });
  const root = page.locator('[data-panel="network"]');
  await root.scrollIntoViewIfNeeded();
  console.log('--- train');
  await root.getByRole('button', { name: 'Train', exact: true }).first().click();
  await page.waitForTimeout(3000);
  { const p = root.getByRole("button", { name: "Pause", exact: true }); if (await p.count()) await p.first().click(); }
  await page.waitForTimeout(500);
  console.log('--- compare');
  await root.getByRole('button', { name: 'Compare presets', exact: true }).first().click();
  await page.waitForTimeout(3000);
  await root.getByRole('button', { name: 'Stop comparing', exact: true }).first().click();
  await page.waitForTimeout(500);
  console.log('long', await page.evaluate(() => window.__long), await root.getAttribute('data-engine'));
} finally { await browser.close(); }
