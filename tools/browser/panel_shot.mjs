// Screenshots one panel after a list of actions, to look at it as a person would.
//
//   node panel_shot.mjs <url> <section-heading-id> <out.png> [action ...]
//
// Actions: "click:<button text>", "select:<value>", "slider:<key>=<position>", "wait:<ms>",
// "width:<px>" and "height:<px>" (the viewport, before loading; 1280 x 900 by default),
// "scale:<dpr>", "dark" (dark colour scheme),
// "idle" (scroll the section into view, then wait until its panel's data-running is false:
// "Where neurons die" starts computing only once in view), "chart:<data-chart>=<out.png>"
// (also save that canvas alone, e.g. chart:phase-map=map.png).
import { launchChromium, loadAndWait, watch } from './browser.mjs';

const [url, heading, out, ...actions] = process.argv.slice(2);
let width = 1280;
let height = 900;
let scale = 1;
let colorScheme = 'light';
for (const a of actions) {
  if (a === 'dark') colorScheme = 'dark';
  if (a.startsWith('width:')) width = Number(a.slice(6));
  if (a.startsWith('height:')) height = Number(a.slice(7));
  if (a.startsWith('scale:')) scale = Number(a.slice(6));
}
const browser = await launchChromium();
try {
  const ctx = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: scale, colorScheme });
  const page = await ctx.newPage();
  const problems = watch(page);
  const err = await loadAndWait(page, url);
  if (err) throw new Error(err);
  const section = page.locator(`section:has(#${heading})`);
  for (const a of actions) {
    const [kind, ...rest] = a.split(':');
    const arg = rest.join(':');
    if (kind === 'click') await section.getByRole('button', { name: arg, exact: true }).first().click();
    if (kind === 'select') await section.locator('select').first().selectOption(arg);
    if (kind === 'selectn') { const [i, v] = arg.split('='); await section.locator('select').nth(Number(i)).selectOption(v); }
    if (kind === 'slider') {
      const [key, pos] = arg.split('=');
      await section.locator(`input[id$='-${key}']`).evaluate((el, v) => {
        el.value = v;
        el.dispatchEvent(new Event('input', { bubbles: true }));
      }, pos);
    }
    if (kind === 'wait') await page.waitForTimeout(Number(arg));
    if (kind === 'idle') {
      await section.scrollIntoViewIfNeeded();
      await section.locator('[data-panel]').evaluate(
        (h) => new Promise((done) => {
          const check = () => (h.getAttribute('data-running') === 'true' ? setTimeout(check, 100) : done());
          setTimeout(check, 300);
        }),
      );
      await page.waitForTimeout(400); // the last redraw follows the data within 150 ms
    }
  }
  for (const a of actions.filter((x) => x.startsWith('chart:'))) {
    const [name, file] = a.slice('chart:'.length).split('=');
    await section.locator(`canvas[data-chart='${name}']`).screenshot({ path: file });
    console.log(`saved ${file}`);
  }
  await section.screenshot({ path: out });
  console.log(`saved ${out}${problems.length ? ` (problems: ${problems.join('; ')})` : ''}`);
} finally {
  await browser.close();
}
