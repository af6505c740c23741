/**
 * #17.4, the review screen: a table of every question with its status, flag and opening words; the Unanswered and
 * Flagged filters; "go to" from a row; the question the candidate came from marked apart from the flags; axe clean.
 */
import { expect, test } from '@playwright/test';
import { checkScreen, scheduleSafety, startedThroughApi } from './exam-helpers.ts';

test('the review screen lists every question, filters unanswered and flagged, and goes to a question', async ({ page }) => {
  test.setTimeout(180_000);
  const s = await scheduleSafety('review');
  await startedThroughApi(page, s);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`/exams/${s.sessionId}`);
  await expect(page.getByRole('heading', { name: /^Question 1 of 86/ })).toBeFocused({ timeout: 20_000 });
  await expect(page.getByTestId('connection')).toHaveText(/Connected/);

  // Answer 1–3, flag 2 and 5, stop on 6.
  for (let i = 1; i <= 5; i++) {
    if (i <= 3) await page.keyboard.press('a');
    if (i === 2 || i === 5) await page.keyboard.press('f');
    await page.keyboard.press('n');
    await expect(page.getByRole('heading', { name: new RegExp(`^Question ${i + 1} of 86`) })).toBeFocused();
  }
  const stem6 = (await page.getByTestId('stem').textContent())!;
  await expect(page.getByTestId('save-text')).toHaveText(/All answers saved/);

  await page.keyboard.press('r');
  await expect(page.getByRole('heading', { name: 'Review your answers' })).toBeFocused();
  const table = page.getByTestId('review-table');
  await expect(table.locator('tbody tr')).toHaveCount(86);
  await expect(page.getByText('You answered 3 of 86 questions.')).toBeVisible();
  const row = (n: number) => table.locator('tbody tr').filter({ has: page.getByRole('button', { name: `Go to question ${n}`, exact: true }) });
  await expect(row(1)).toContainText('Answered');
  await expect(row(2)).toContainText('Flagged');
  await expect(row(4)).toContainText('Unanswered');
  // The last-viewed question is marked, and not as a flag.
  await expect(row(6)).toHaveAttribute('aria-current', 'step');
  await expect(row(6)).toContainText('last viewed');
  await expect(row(6)).not.toContainText('Flagged');
  await expect(row(6).locator('.review-stem')).toHaveText(stem6.split(/\s+/).slice(0, 10).join(' ') + (stem6.split(/\s+/).length > 10 ? '…' : ''));
  await page.screenshot({ path: 'docs/screenshots/review-screen.png' });
  await checkScreen(page, 'review-all');

  await page.getByRole('button', { name: 'Unanswered (83)' }).click();
  await expect(table.locator('tbody tr')).toHaveCount(83);
  await expect(page.getByRole('button', { name: 'Unanswered (83)' })).toHaveAttribute('aria-pressed', 'true');
  await page.getByRole('button', { name: 'Flagged (2)' }).click();
  await expect(table.locator('tbody tr')).toHaveCount(2);
  await expect(table).toContainText('Question 2');
  await expect(table).toContainText('Question 5');
  await page.screenshot({ path: 'docs/screenshots/review-screen-flagged.png' });
  await checkScreen(page, 'review-flagged');

  // Go to question 5 from its row; its heading has focus; the palette marks it current and flagged, distinctly.
  await page.getByRole('button', { name: 'Go to question 5' }).click();
  await expect(page.getByRole('heading', { name: /^Question 5 of 86/ })).toBeFocused();
  const btn5 = page.getByRole('button', { name: 'Question 5, unanswered, flagged' });
  await expect(btn5).toHaveAttribute('aria-current', 'step');
  const look = (b: typeof btn5) => b.evaluate((e) => ({ border: getComputedStyle(e).borderStyle, shadow: getComputedStyle(e).boxShadow, mark: !!e.querySelector('.flag-mark') }));
  const current = await look(btn5);
  const flaggedOnly = await look(page.getByRole('button', { name: 'Question 2, answered, flagged' }));
  expect(flaggedOnly.mark && flaggedOnly.border === 'dashed' && flaggedOnly.shadow === 'none').toBe(true);
  expect(current.shadow).not.toBe('none'); // the current bar, on top of the flag marks

  // At 200 % zoom the review still fits sideways.
  await page.keyboard.press('r');
  await page.setViewportSize({ width: 640, height: 400 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
  await checkScreen(page, 'review-zoom-200');
});
