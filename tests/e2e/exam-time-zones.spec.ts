/**
 * #17.5, time that says its zone: a candidate whose browser is in New York, booked at the Chicago demo center, sees
 * each time in Chicago time named "(America/Chicago)" and their own time beside it, on My exams and at check-in.
 */
import { expect, test } from '@playwright/test';
import { checkScreen, scheduleSafety } from './exam-helpers.ts';

test.use({ timezoneId: 'America/New_York' });

test('My exams and check-in name the test center zone and show the candidate their own time', async ({ page }) => {
  test.setTimeout(120_000);
  const s = await scheduleSafety('zones');
  expect((await page.request.post('/api/auth/login', { data: { username: s.username, password: s.password } })).ok()).toBe(true);
  await page.goto('/exams');
  const row = page.locator('.session-row').filter({ hasText: 'Safety' }).first();
  await expect(row).toContainText('(America/Chicago)', { timeout: 20_000 });
  await expect(row).toContainText(/C[SD]T \(America\/Chicago\) · .*E[SD]T your time \(America\/New_York\)/);
  await checkScreen(page, 'my-exams-zones');
  await page.goto(`/exams/${s.sessionId}`);
  await expect(page.getByRole('heading', { name: /Check in: Safety/ })).toBeVisible({ timeout: 20_000 });
  await expect(page.getByText(/Scheduled for .*\(America\/Chicago\) · .* your time \(America\/New_York\)/)).toBeVisible();
});
