// Screenshots the guided path at one step: the step's card and the panel below it, after the
// step's try when asked, at a desktop or a phone size. On a phone, `slider:<key>` scrolls that
// slider into view and drags it to the end (to see the pinned chart move with it).
//
//   node story_shot.mjs <base-url> <step> <out.png> [phone] [click:<button text>] [wait:<ms>]
//                       [slider:<key>=<position>]
import { launchChromium, loadAndWait, watch } from './browser.mjs';

const [base, step, out, ...actions] = process.argv.slice(2);
const phone = actions.includes('phone');
const browser = await launchChromium();
try {
  const ctx = await browser.newContext(phone
    ? { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }
    : { viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  const page = await ctx.newPage();
  const problems = watch(page);
  const err = await loadAndWait(page, `${base}?step=${step}`);
  if (err) throw new Error(err);
  const section = page.locator('section:has(.guide)');
  for (const a of actions) {
    const [kind, ...rest] = a.split(':');
    const arg = rest.join(':');
    if (kind === 'click') await section.getByRole('button', { name: arg, exact: true }).first().click();
    if (kind === 'wait') await page.waitForTimeout(Number(arg));
    if (kind === 'slider') {
      const [key, pos] = arg.split('=');
      await section.locator(`input[id$='-${key}']`).evaluate((el, v) => {
        el.scrollIntoView({ block: 'end' });
        el.value = v;
        el.dispatchEvent(new Event('input', { bubbles: true }));
      }, pos);
    }
  }
  const scrolled = actions.some((a) => a.startsWith('slider:'));
  await page.waitForTimeout(300);
  if (phone) {
    // What the phone's screen shows: the card at the top, or the slider being dragged.
    if (!scrolled) await page.locator('.guide').evaluate((el) => el.scrollIntoView());
    await page.screenshot({ path: out });
  } else {
    await section.screenshot({ path: out });
  }
  console.log(`saved ${out}${problems.length ? ` (problems: ${problems.join('; ')})` : ''}`);
} finally {
  await browser.close();
}
