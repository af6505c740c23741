/**
 * Issue #17.1, the fixed exam frame: the clock, the question number, the save and connection state and Previous /
 * Flag / Next / Review stay inside the window at 1280 × 800, 200 % zoom (640 × 400), 400 % zoom (320 × 200) and on a
 * 390-pixel phone; the page itself never scrolls, only the question area; each new question starts at its top with
 * focus on its heading, below the bar (WCAG 2.2 SC 2.4.11).
 */
import { expect, test, type Page } from '@playwright/test';
import { checkScreen, scheduleSafety, startedThroughApi } from './exam-helpers.ts';

/** Every part of the frame is fully inside the window. */
async function frameInView(page: Page) {
  const vp = page.viewportSize()!;
  const parts = [
    page.getByTestId('countdown'),
    page.getByTestId('exam-position'),
    page.getByTestId('save-text'),
    page.getByTestId('connection'),
    page.getByRole('button', { name: 'Previous' }),
    page.getByRole('button', { name: 'Flag for review' }),
    page.getByRole('button', { name: /^(Next|Review answers)$/ }),
    page.getByRole('button', { name: 'Review and submit' }),
  ];
  for (const p of parts) {
    await expect(p).toBeVisible();
    const b = (await p.boundingBox())!;
    expect(b.y, `${p} top inside ${vp.width}×${vp.height}`).toBeGreaterThanOrEqual(0);
    expect(b.y + b.height, `${p} bottom inside ${vp.width}×${vp.height}`).toBeLessThanOrEqual(vp.height + 0.5);
    expect(b.x + b.width, `${p} right edge inside ${vp.width}×${vp.height}`).toBeLessThanOrEqual(vp.width + 0.5);
  }
  // The document never scrolls: neither down nor sideways.
  expect(await page.evaluate(() => [document.documentElement.scrollHeight <= window.innerHeight + 1, document.documentElement.scrollWidth <= window.innerWidth + 1])).toEqual([true, true]);
}

/** Scrolls whatever scrolls the question to its end, moves on with the Next button, and checks the new question. */
async function nextStartsAtTop(page: Page, n: number) {
  await page.evaluate(() => {
    for (const el of document.querySelectorAll<HTMLElement>('.exam-scroll, .exam-body')) el.scrollTop = el.scrollHeight;
  });
  await page.getByRole('button', { name: 'Next' }).click();
  const heading = page.getByRole('heading', { name: new RegExp(`^Question ${n} of 86`) });
  await expect(heading).toBeFocused();
  expect(await page.evaluate(() => [...document.querySelectorAll<HTMLElement>('.exam-scroll, .exam-body')].map((el) => el.scrollTop))).toEqual([0, 0]);
  // The heading is below the bar, not under it.
  const bar = (await page.locator('.exam-bar').boundingBox())!;
  const h = (await heading.boundingBox())!;
  expect(h.y).toBeGreaterThanOrEqual(bar.y + bar.height);
}

test('the exam frame stays on screen at every size and zoom; each question starts at its top with focus on its heading', async ({ page }) => {
  test.setTimeout(180_000);
  const s = await scheduleSafety('frame');
  await startedThroughApi(page, s);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`/exams/${s.sessionId}`);
  const first = page.getByRole('heading', { name: /^Question 1 of 86/ });
  await expect(first).toBeFocused({ timeout: 20_000 });
  await expect(page.getByTestId('connection')).toHaveText(/Connected/);
  expect(await page.evaluate(() => window.scrollY)).toBe(0);
  await frameInView(page);
  await page.screenshot({ path: 'docs/screenshots/exam-frame-1280.png' });
  await checkScreen(page, 'exam-frame-1280');
  await nextStartsAtTop(page, 2);

  const sizes: [string, number, number][] = [
    ['zoom-200', 640, 400],
    ['zoom-400', 320, 200],
    ['phone-390', 390, 844],
  ];
  let n = 2;
  for (const [name, width, height] of sizes) {
    await page.setViewportSize({ width, height });
    await frameInView(page);
    n += 1;
    await nextStartsAtTop(page, n);
    await frameInView(page);
    await page.screenshot({ path: `docs/screenshots/exam-frame-${name}.png` });
    await checkScreen(page, `exam-frame-${name}`);
  }

  // High contrast from the Tools menu, at 1280 × 800.
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.getByRole('button', { name: 'Tools' }).click();
  await page.getByRole('button', { name: 'High contrast' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'high-contrast');
  await frameInView(page);
  await page.screenshot({ path: 'docs/screenshots/exam-frame-high-contrast.png' });
  await checkScreen(page, 'exam-frame-high-contrast');
  await page.getByRole('button', { name: 'High contrast' }).click();
});
