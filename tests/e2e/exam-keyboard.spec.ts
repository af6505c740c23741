/**
 * A whole Safety exam by keyboard alone: sign in, my exams, check in, waiting room (the proctor admits through the
 * API), rules, instructions and the practice question, 86 questions answered with shortcut keys, review, submit
 * confirmation, and the score report (or its "being prepared" notice). axe and a screenshot on every screen.
 */
import { expect, test } from '@playwright/test';
import { admit, checkScreen, focusedName, responses, scheduleSafety, tabTo } from './exam-helpers.ts';

test('a candidate takes a whole Safety exam with the keyboard only', async ({ page }) => {
  test.setTimeout(120_000);
  const s = await scheduleSafety('keyboard');

  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await tabTo(page, /^Username/);
  await page.keyboard.type(s.username);
  await page.keyboard.press('Tab');
  await page.keyboard.type(s.password);
  await page.keyboard.press('Enter');

  // My exams
  await expect(page.getByRole('heading', { name: 'My exams' })).toBeFocused();
  await checkScreen(page, 'my-exams');
  await tabTo(page, /^Open and check in: Safety/);
  await page.keyboard.press('Enter');

  // Check in
  await expect(page.getByRole('heading', { name: /Check in: Safety/ })).toBeFocused();
  await checkScreen(page, 'check-in');
  await tabTo(page, /^Check in$/);
  await page.keyboard.press('Enter');

  // Waiting room until the proctor admits
  await expect(page.getByRole('heading', { name: 'Waiting for the proctor' })).toBeVisible();
  await expect(page.getByText('Waiting to be admitted')).toContainText('Connected');
  await checkScreen(page, 'waiting-room');
  const admittedAt = Date.now();
  await admit(s);

  // Rules
  await expect(page.getByRole('heading', { name: 'Candidate rules' })).toBeFocused({ timeout: 5000 });
  expect(Date.now() - admittedAt, 'the socket push (not the 3 s poll) moves the waiting room on').toBeLessThan(2500);
  await checkScreen(page, 'rules');
  await tabTo(page, /I have read these rules/);
  await page.keyboard.press('Space');
  await page.keyboard.press('Tab');
  expect(await focusedName(page)).toBe('Confirm and continue');
  await page.keyboard.press('Enter');

  // Instructions and the practice question (not scored)
  await expect(page.getByRole('heading', { name: 'Instructions' })).toBeFocused();
  await expect(page.getByText('Not scored')).toBeVisible();
  await tabTo(page, /^AN$/); // first practice option: letter A, text N
  await page.keyboard.press('ArrowDown'); // selects F
  await tabTo(page, /Check my practice answer/);
  await page.keyboard.press('Enter');
  await expect(page.getByText('Correct: F flags the question.')).toBeVisible();
  await checkScreen(page, 'instructions-practice');
  await tabTo(page, /^Start the exam$/);
  await page.keyboard.press('Enter');

  // The exam: 86 questions, answered with 1-4 / A-D, two flagged, N to move on.
  await expect(page.getByRole('heading', { name: 'Question 1 of 86' })).toBeVisible();
  await expect(page.getByTestId('connection')).toHaveText(/Connected/);
  await checkScreen(page, 'exam');
  const keys = ['1', 'b', '3', 'd'];
  for (let i = 0; i < 86; i++) {
    await page.keyboard.press(keys[i % 4]!);
    if (i === 4 || i === 40) await page.keyboard.press('f');
    await page.keyboard.press('n');
    if (i < 85) await expect(page.getByRole('heading', { name: `Question ${i + 2} of 86` })).toBeVisible();
  }
  await expect(page.getByRole('button', { name: 'Question 5, answered, flagged' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Question 86, answered' })).toBeVisible();

  // N after the last question opens the review.
  await expect(page.getByRole('heading', { name: 'Review your answers' })).toBeFocused();
  await expect(page.getByText('Every question has an answer.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Go to question 41' })).toBeVisible();
  await expect(page.getByTestId('save-text')).toHaveText(/All answers saved/);
  await checkScreen(page, 'review');

  // The review table lists every question; the Flagged filter narrows it to the two flagged ones (#17.4).
  await expect(page.getByTestId('review-table').locator('tbody tr')).toHaveCount(86);
  await tabTo(page, /^Flagged \(2\)$/);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('review-table').locator('tbody tr')).toHaveCount(2);
  // Jump to a flagged question with the keyboard, unflag it (F), and come back with R.
  await tabTo(page, /^Go to question 41$/);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: /Question 41 of 86/ })).toBeVisible();
  await page.keyboard.press('f');
  await expect(page.getByRole('button', { name: 'Question 41, answered', exact: true })).toBeVisible();
  await page.keyboard.press('r');
  await expect(page.getByRole('heading', { name: 'Review your answers' })).toBeFocused();

  // Submit confirmation
  await tabTo(page, /^Submit exam…$/, 200);
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Submit your exam?' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('Every question has an answer.');
  expect(await focusedName(page)).toBe('Submit exam now');
  await checkScreen(page, 'submit-confirmation');
  await page.keyboard.press('Enter');

  // Score report, or the notice that it is being prepared.
  await expect(page.getByRole('heading', { name: /Score report/ })).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId('report-pending').or(page.getByRole('heading', { name: /Result:/ }))).toBeVisible();
  await checkScreen(page, 'score-report');

  const saved = await responses(s);
  expect(saved.filter((r) => r.optionId)).toHaveLength(86);
  expect(saved.filter((r) => r.flagged)).toHaveLength(1);
});
