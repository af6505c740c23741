/**
 * #17.10 a break taken and resumed: the candidate asks for a break (the clock keeps running), the question and its
 * options leave the page, the break screen shows the exam time and Resume; the proctor's console shows the seat on a
 * break; Resume brings the same question back. axe on the break screen. Then a scheduled break from the blueprint:
 * offered once the candidate is past question 1, the clock stopped during it, a countdown, Resume.
 */
import { expect, request as playwrightRequest, test } from '@playwright/test';
import { BASE, checkScreen, scheduleSafety, startedThroughApi } from './exam-helpers.ts';

test('a break is taken and resumed, with no question in the page during it', async ({ page, browser }) => {
  test.setTimeout(180_000);
  const s = await scheduleSafety('break');
  await startedThroughApi(page, s);
  await page.goto(`/exams/${s.sessionId}`);
  await expect(page.getByTestId('connection')).toHaveText(/Connected/, { timeout: 20_000 });
  const stem = await page.getByTestId('stem').textContent();
  expect(stem).toBeTruthy();

  await page.getByRole('button', { name: 'Break', exact: true }).click();
  const ask = page.getByRole('alertdialog', { name: 'Take a break?' });
  await expect(ask).toContainText('the exam clock keeps running');
  await expect(ask.getByRole('button', { name: 'Keep working' })).toBeFocused();
  await ask.getByRole('button', { name: 'Start the break' }).click();

  const screen = page.getByRole('alertdialog', { name: 'Break' });
  await expect(screen).toContainText('You are on an unscheduled break', { timeout: 15_000 });
  await expect(screen.getByTestId('break-exam-time')).toContainText(/Exam time left: \d+:\d{2}/);
  await expect(screen.getByRole('button', { name: 'Resume the exam' })).toBeFocused();
  // Nothing to read: no stem, no option, not even in the hidden DOM.
  await expect(page.getByTestId('stem')).toHaveCount(0);
  await expect(page.locator('input[type="radio"]')).toHaveCount(0);
  expect(await page.content()).not.toContain(stem!.slice(0, 40));
  await page.screenshot({ path: 'docs/screenshots/exam-break.png' });
  await checkScreen(page, 'exam-break');
  // On a 390-pixel phone and in high contrast, Resume is on screen.
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(screen.getByRole('button', { name: 'Resume the exam' })).toBeInViewport();
  await page.screenshot({ path: 'docs/screenshots/exam-break-phone-390.png' });
  await checkScreen(page, 'exam-break-phone');
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.evaluate(() => document.documentElement.setAttribute('data-theme', 'high-contrast'));
  await page.screenshot({ path: 'docs/screenshots/exam-break-high-contrast.png' });
  await checkScreen(page, 'exam-break-high-contrast');
  await page.evaluate(() => document.documentElement.removeAttribute('data-theme'));

  // The proctor sees the seat on a break.
  const proctor = await (await browser.newContext()).newPage();
  expect((await proctor.request.post('/api/auth/login', { data: { username: 'proctor', password: 'demo-password-1' } })).ok()).toBe(true);
  await proctor.goto('/proctor');
  await expect(proctor.getByTestId('feed-status')).toHaveText('Live', { timeout: 20_000 });
  await proctor.getByRole('button', { name: 'Table' }).click();
  const row = proctor.locator(`tr[data-session-id="${s.sessionId}"]`);
  await expect(row.getByTestId('seat-state')).toContainText('On an unscheduled break (clock running)', { timeout: 15_000 });
  await expect(row.getByRole('button', { name: `End break ${s.displayName}` })).toBeVisible();

  await screen.getByRole('button', { name: 'Resume the exam' }).click();
  await expect(screen).toBeHidden({ timeout: 15_000 });
  await expect(page.getByTestId('stem')).toHaveText(stem!);
  await expect(row.getByTestId('seat-state')).toContainText('In progress', { timeout: 15_000 });
  // The proctor starts a break for the seat from the console, then ends it.
  await row.getByRole('button', { name: `Break for ${s.displayName}` }).click();
  const dialog = proctor.getByRole('dialog', { name: `Break for ${s.displayName}` });
  await dialog.getByRole('textbox', { name: 'Note (optional)' }).fill('Feeling unwell');
  await checkScreen(proctor, 'proctor-break-dialog');
  await dialog.getByRole('button', { name: 'Start break' }).click();
  await expect(dialog).toBeHidden();
  await expect(screen).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId('stem')).toHaveCount(0);
  await row.getByRole('button', { name: `End break ${s.displayName}` }).click();
  await expect(screen).toBeHidden({ timeout: 15_000 });
  await expect(page.getByTestId('stem')).toHaveText(stem!);

  await row.getByRole('button', { name: `Timeline for ${s.displayName}` }).click();
  const timeline = proctor.getByRole('dialog', { name: `Timeline: ${s.displayName}` });
  await expect(timeline).toContainText('Unscheduled break (clock running) started by the candidate');
  await expect(timeline).toContainText('ended by the candidate');
  await expect(timeline).toContainText('Unscheduled break (clock running) started by the proctor: Feeling unwell');
  await expect(timeline).toContainText('ended by the proctor');
});

test('a scheduled break from the blueprint is offered when due; the clock stops during it', async ({ page }) => {
  test.setTimeout(180_000);
  // An MPP blueprint with a one-minute scheduled break after question 1, proposed by the author, approved by an admin.
  const author = await playwrightRequest.newContext({ baseURL: BASE });
  await author.post('/api/auth/login', { data: { username: 'author', password: 'demo-password-1' } });
  const mpp = await (await author.get('/api/bank/export?module=MPP')).json();
  const version = `e2e-break-${Date.now()}`;
  const withBreak = { formatVersion: 1, blueprints: [{ ...mpp.blueprints.at(-1), version, breaks: [{ afterQuestion: 1, minutes: 1, clock: 'stops' }] }] };
  const imp = await author.post('/api/bank/import', { data: { files: [{ name: 'break-blueprint.json', text: JSON.stringify(withBreak) }] } });
  expect(imp.ok(), await imp.text()).toBe(true);
  const admin = await playwrightRequest.newContext({ baseURL: BASE });
  await admin.post('/api/auth/login', { data: { username: 'admin', password: 'demo-password-1' } });
  const approved = await admin.post(`/api/authoring/proposals/blueprint/MPP@${version}/approve`, { data: { note: 'a scheduled break for the break test' } });
  expect(approved.ok(), await approved.text()).toBe(true);

  const s = await scheduleSafety('sched-break', 'MPP');
  await startedThroughApi(page, s);
  await page.goto(`/exams/${s.sessionId}`);
  await expect(page.getByTestId('connection')).toHaveText(/Connected/, { timeout: 20_000 });
  await expect(page.getByTestId('break-offer')).toHaveCount(0); // on question 1: not due yet
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  const offer = page.getByTestId('break-offer');
  await expect(offer).toContainText('A scheduled break is available: up to 1 minute; the exam clock stops.');
  const stem = await page.getByTestId('stem').textContent();
  await offer.getByRole('button', { name: 'Take the break' }).click();

  const screen = page.getByRole('alertdialog', { name: 'Scheduled break' });
  await expect(screen).toContainText('You are on a scheduled break', { timeout: 15_000 });
  await expect(screen).toContainText('The exam clock is stopped.');
  await expect(screen.getByTestId('break-countdown')).toContainText(/Break ends in (01:00|00:\d{2})/);
  await expect(page.getByTestId('stem')).toHaveCount(0);
  await expect(page.locator('.countdown')).toHaveAttribute('aria-label', /clock stopped/);
  await checkScreen(page, 'exam-scheduled-break');
  await page.screenshot({ path: 'docs/screenshots/exam-scheduled-break.png' });

  await screen.getByRole('button', { name: 'Resume the exam' }).click();
  await expect(screen).toBeHidden({ timeout: 15_000 });
  await expect(page.getByTestId('stem')).toHaveText(stem!);
  await expect(page.getByTestId('break-offer')).toHaveCount(0); // taken
  await author.dispose();
  await admin.dispose();
});
