/**
 * Paper delivery in the browser (#21.2): in the proctor console a proctor produces a seat's paper form, downloads the
 * booklet (read back with poppler), keys entry 1; a second person's entry 2 differs and the difference is shown; once
 * corrected the proctor records the responses and the exam is scored.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { pdfText } from '../helpers/pdf-tools.ts';
import { checkScreen, scheduleSafety, staff } from './exam-helpers.ts';

test('a proctor produces a paper form, keys it with a second person, and records it', async ({ page }) => {
  test.setTimeout(180_000);
  const s = await scheduleSafety('paper');
  const admin = await staff('admin');
  expect((await page.request.post('/api/auth/login', { data: { username: 'proctor', password: 'demo-password-1' } })).ok()).toBe(true);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('/proctor');
  await expect(page.getByRole('heading', { level: 1, name: 'Proctor console' })).toBeVisible();
  await page.getByRole('tab', { name: 'Paper exams' }).click();
  const panel = page.locator('#pc-panel-paper');
  const seatOption = panel.getByLabel('Seat').locator('option', { hasText: s.displayName });
  await expect(seatOption).toHaveCount(1, { timeout: 20_000 });
  await panel.getByLabel('Seat').selectOption({ label: (await seatOption.textContent())! });
  await panel.getByRole('button', { name: 'Produce paper form' }).click();
  const heading = panel.getByRole('heading', { name: /^Booklet \d{9}/ });
  await expect(heading).toBeVisible({ timeout: 20_000 });
  const code = /Booklet (\d{9})/.exec((await heading.textContent())!)![1]!;
  await expect(panel.getByTestId('paper-state')).toContainText('Waiting for two keyed entries · 86 questions');
  await checkScreen(page, 'paper-tab');

  const download = page.waitForEvent('download');
  await panel.getByRole('link', { name: 'Download test booklet (PDF)' }).click();
  const file = await (await download).path();
  expect(pdfText(readFileSync(file))).toContain(`Booklet code ${code}`);

  const marks = 'ABCD'.repeat(21) + 'AB';
  await panel.getByLabel(/^Entry 1/).fill(marks);
  await panel.getByRole('button', { name: 'Save entry 1' }).click();
  await expect(panel.getByLabel(/^Entry 1 \(saved by/)).toBeVisible();
  // The second person keys from another workstation, with one slip on question 86.
  expect((await admin.put(`/api/sessions/${s.sessionId}/paper/entries/2`, { data: { marks: marks.slice(0, 85) + 'C' } })).ok()).toBe(true);
  await panel.getByLabel('Seat').selectOption('');
  await panel.getByLabel('Seat').selectOption({ label: (await seatOption.textContent())! });
  await expect(panel.getByTestId('paper-state')).toContainText('The entries differ');
  const diff = panel.getByRole('table', { name: 'Questions where the entries differ' });
  await expect(diff.getByRole('row', { name: '86 B C' })).toBeVisible();
  await expect(panel.getByRole('button', { name: 'Record responses and score' })).toBeDisabled();
  expect((await admin.put(`/api/sessions/${s.sessionId}/paper/entries/2`, { data: { marks } })).ok()).toBe(true);
  await panel.getByLabel('Seat').selectOption('');
  await panel.getByLabel('Seat').selectOption({ label: (await seatOption.textContent())! });
  await expect(panel.getByTestId('paper-state')).toContainText('ready to record');
  await panel.getByRole('button', { name: 'Record responses and score' }).click();
  await expect(panel.getByTestId('paper-state')).toContainText('Recorded and scored');
  await expect.poll(async () => (await (await s.proctor.get(`/api/sessions/${s.sessionId}/report`)).json()).status, { timeout: 20_000 }).toBe('scored');
});
