/**
 * #17.3, candidate tools: strike-through by mouse and keyboard (kept across a reload), the stem highlighter (kept
 * across a reload), text size and line spacing, and the calculator (lazy-loaded, keyboard operable, its keys never
 * reach the exam's shortcuts, Escape gives focus back). axe on the screen with every tool in use.
 */
import { expect, test } from '@playwright/test';
import { checkScreen, currentAnswer, scheduleSafety, startedThroughApi } from './exam-helpers.ts';

test('strike-through, highlighter, text size, line spacing and the calculator, by mouse and keyboard', async ({ page }) => {
  test.setTimeout(180_000);
  const s = await scheduleSafety('tools');
  await startedThroughApi(page, s);
  await page.setViewportSize({ width: 1280, height: 800 });
  const calculatorChunk: string[] = [];
  page.on('request', (r) => r.url().includes('/calculator-') && calculatorChunk.push(r.url()));
  await page.goto(`/exams/${s.sessionId}`);
  await expect(page.getByRole('heading', { name: /^Question 1 of 86/ })).toBeFocused({ timeout: 20_000 });
  await expect(page.getByTestId('connection')).toHaveText(/Connected/);

  // Strike out B with the mouse, D with Shift+D; the struck options keep their text, crossed out.
  await page.getByRole('button', { name: 'Strike out option B' }).click();
  await page.keyboard.press('Shift+D');
  await expect(page.getByRole('button', { name: 'Strike out option B' })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByRole('button', { name: 'Strike out option D' })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByRole('button', { name: 'Strike out option A' })).toHaveAttribute('aria-pressed', 'false');
  expect(await page.locator('.option-row.struck .option-text').evaluateAll((els) => els.map((e) => getComputedStyle(e).textDecorationLine))).toEqual(['line-through', 'line-through']);
  // Shift+D struck, it did not answer.
  expect((await currentAnswer(page)).optionId).toBeNull();

  // Highlight the stem's first word: select it, press H.
  const stem = (await page.getByTestId('stem').textContent())!;
  const firstWord = stem.split(' ')[0]!;
  await page.evaluate((n) => {
    const span = document.querySelector('[data-testid=stem] span span')!;
    const r = document.createRange();
    r.setStart(span.firstChild!, 0);
    r.setEnd(span.firstChild!, n);
    const sel = window.getSelection()!;
    sel.removeAllRanges();
    sel.addRange(r);
  }, firstWord.length);
  await page.keyboard.press('h');
  await expect(page.locator('[data-testid=stem] mark')).toHaveText(firstWord);
  await expect(page.getByTestId('stem')).toHaveText(stem); // the text itself is unchanged

  // Both survive a reload.
  await page.reload();
  await expect(page.getByRole('heading', { name: /^Question 1 of 86/ })).toBeVisible({ timeout: 20_000 });
  await expect(page.getByRole('button', { name: 'Strike out option B' })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByRole('button', { name: 'Strike out option D' })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('[data-testid=stem] mark')).toHaveText(firstWord);
  // Bring D back with the keyboard.
  await page.keyboard.press('Shift+D');
  await expect(page.getByRole('button', { name: 'Strike out option D' })).toHaveAttribute('aria-pressed', 'false');

  // Text size in five steps and wide line spacing, from Tools.
  const sizeOf = () => page.getByTestId('stem').evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
  const before = await sizeOf();
  await page.getByRole('button', { name: 'Tools' }).click();
  await expect(page.getByTestId('text-size')).toHaveText('Text 100 %');
  await page.getByRole('button', { name: 'Larger text' }).click();
  await page.getByRole('button', { name: 'Larger text' }).click();
  await expect(page.getByTestId('text-size')).toHaveText('Text 150 %');
  expect(await sizeOf()).toBeCloseTo(before * 1.5, 0);
  await page.getByRole('button', { name: 'Wide line spacing' }).click();
  await expect(page.getByRole('button', { name: 'Wide line spacing' })).toHaveAttribute('aria-pressed', 'true');
  const lh = await page.getByTestId('stem').evaluate((e) => parseFloat(getComputedStyle(e).lineHeight) / parseFloat(getComputedStyle(e).fontSize));
  expect(lh).toBeCloseTo(2, 1);

  // The calculator: not loaded until opened; then focused, typed on, and its digits never answer the question.
  expect(calculatorChunk).toEqual([]);
  await page.getByRole('button', { name: 'Calculator' }).click();
  const calc = page.getByRole('region', { name: 'Calculator' });
  await expect(calc).toBeFocused({ timeout: 15_000 });
  expect(calculatorChunk.length).toBe(1);
  await page.keyboard.type('12+30');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('calculator-display')).toHaveText('42');
  await calc.getByRole('button', { name: 'Memory add' }).click();
  await expect(calc).toContainText('Memory: 42');
  await calc.getByRole('button', { name: 'Clear', exact: true }).click();
  await calc.getByRole('button', { name: 'Memory recall' }).click();
  await calc.getByRole('button', { name: 'Divide' }).click();
  await calc.getByRole('button', { name: '4', exact: true }).click();
  await calc.getByRole('button', { name: 'Equals' }).click();
  await expect(page.getByTestId('calculator-display')).toHaveText('10.5');
  expect((await currentAnswer(page)).optionId).toBeNull();
  await page.getByRole('heading', { name: /^Question 1 of 86/ }).evaluate((e) => (e as HTMLElement).scrollIntoView());
  await page.screenshot({ path: 'docs/screenshots/exam-tools.png' });
  await checkScreen(page, 'exam-tools');

  // Escape closes it and gives focus back to its button; then the shortcuts work again.
  await calc.focus();
  await page.keyboard.press('Escape');
  await expect(calc).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Calculator' })).toBeFocused();
  await page.keyboard.press('1');
  expect((await currentAnswer(page)).optionId).not.toBeNull();

  // Reset the reading preferences for other tests in this browser profile.
  await page.getByRole('button', { name: 'Smaller text' }).click();
  await page.getByRole('button', { name: 'Smaller text' }).click();
  await page.getByRole('button', { name: 'Wide line spacing' }).click();
});
