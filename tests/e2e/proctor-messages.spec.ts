/**
 * #17.3 "raise hand" and #17.6 messages from the proctor, with two browsers: the candidate raises a hand, it reaches
 * the proctor's console as an attention item with an Answer button; the answer, a message to the seat and a message
 * to the room appear on the candidate's screen as alerts. Keyboard-operable dialogs, axe on both screens.
 */
import { expect, test } from '@playwright/test';
import { checkScreen, scheduleSafety, startedThroughApi } from './exam-helpers.ts';

test('raise hand reaches the console and is answered; seat and room messages show as alerts', async ({ browser }) => {
  test.setTimeout(240_000);
  const s = await scheduleSafety('hand');
  const candidateContext = await browser.newContext();
  const page = await candidateContext.newPage();
  await startedThroughApi(page, s);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`/exams/${s.sessionId}`);
  await expect(page.getByRole('heading', { name: /^Question 1 of 86/ })).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('connection')).toHaveText(/Connected/);

  const proctorContext = await browser.newContext();
  const console_ = await proctorContext.newPage();
  expect((await console_.request.post('/api/auth/login', { data: { username: 'proctor', password: 'demo-password-1' } })).ok()).toBe(true);
  await console_.setViewportSize({ width: 1440, height: 900 });
  await console_.goto('/proctor');
  await expect(console_.getByTestId('feed-status')).toHaveText('Live', { timeout: 20_000 });

  // The candidate raises a hand.
  await page.getByRole('button', { name: 'Raise hand' }).click();
  await expect(page.getByTestId('hand-status')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Hand raised' })).toHaveAttribute('aria-pressed', 'true');

  // It is an attention item on the console; the proctor answers it by keyboard.
  const item = console_.getByTestId('attention-item').filter({ hasText: s.displayName });
  await expect(item).toContainText('Hand raised', { timeout: 15_000 });
  await item.getByRole('button', { name: `Answer ${s.displayName}'s raised hand` }).focus();
  await console_.keyboard.press('Enter');
  const answer = console_.getByRole('dialog', { name: `Answer ${s.displayName}'s raised hand` });
  await expect(answer).toBeVisible();
  await console_.keyboard.type('I am on my way.');
  await checkScreen(console_, 'proctor-answer-hand');
  await console_.keyboard.press('Enter');
  await expect(answer).toBeHidden();

  const alert = page.getByTestId('proctor-message');
  await expect(alert).toHaveText(/Message from the proctor: I am on my way\./, { timeout: 15_000 });
  await expect(alert).toHaveAttribute('role', 'alert');
  await expect(page.getByTestId('hand-status')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Raise hand' })).toHaveAttribute('aria-pressed', 'false');
  await expect(item).toHaveCount(0, { timeout: 15_000 });

  // A message to the seat from its row.
  const row = console_.locator('#pc-panel-live tbody tr').filter({ has: console_.locator('th', { hasText: s.displayName }) });
  await row.getByRole('button', { name: `Message ${s.displayName}` }).click();
  const toSeat = console_.getByRole('dialog', { name: `Message to ${s.displayName}` });
  await toSeat.getByLabel('Message').fill('Please keep your eyes on your own screen.');
  await toSeat.getByRole('button', { name: 'Send message' }).click();
  await expect(toSeat).toBeHidden();
  await expect(page.getByTestId('proctor-message').filter({ hasText: 'Please keep your eyes on your own screen.' })).toBeVisible({ timeout: 15_000 });

  // A message to the room.
  await console_.getByRole('button', { name: 'Message the room…' }).click();
  const toRoom = console_.getByRole('alertdialog', { name: 'Message to the room' });
  await toRoom.getByLabel('Message').fill('10 minutes to the fire drill.');
  await toRoom.getByRole('button', { name: 'Send to the room' }).click();
  await expect(toRoom).toBeHidden();
  await expect(page.getByTestId('proctor-message').filter({ hasText: 'to the room: 10 minutes to the fire drill.' })).toBeVisible({ timeout: 15_000 });
  await page.screenshot({ path: 'docs/screenshots/exam-proctor-message.png' });
  await checkScreen(page, 'exam-proctor-messages');

  // Dismissed messages go away.
  await page.getByRole('button', { name: 'Dismiss the message: I am on my way.' }).click();
  await expect(page.getByTestId('proctor-message')).toHaveCount(2);
  await candidateContext.close();
  await proctorContext.close();
});
