/**
 * #17.7, a console for a full room: 32 seats today; in compact rows at 1920 × 1080 at least 30 are on screen at once
 * with the table in view; the header stays put while the seats scroll; seats are sorted by urgency by default, so a
 * raised hand is the first row. axe on the compact table.
 */
import { expect, test } from '@playwright/test';
import { checkScreen, scheduleSafety, startedThroughApi } from './exam-helpers.ts';

test('32 seats fit a 1080p screen in compact rows, with a sticky header and the most urgent seat first', async ({ browser }) => {
  test.setTimeout(300_000);
  // A full room: 31 scheduled seats and one candidate in the exam.
  for (let i = 0; i < 31; i++) await scheduleSafety(`room${String(i).padStart(2, '0')}`);
  const s = await scheduleSafety('room-hand');
  const candidate = await (await browser.newContext()).newPage();
  await startedThroughApi(candidate, s);
  await candidate.goto(`/exams/${s.sessionId}`);
  await expect(candidate.getByTestId('connection')).toHaveText(/Connected/, { timeout: 20_000 });

  const page = await (await browser.newContext({ viewport: { width: 1920, height: 1080 } })).newPage();
  expect((await page.request.post('/api/auth/login', { data: { username: 'proctor', password: 'demo-password-1' } })).ok()).toBe(true);
  await page.goto('/proctor');
  await expect(page.getByTestId('feed-status')).toHaveText('Live', { timeout: 20_000 });
  const region = page.getByTestId('seats-region');
  await expect(region.locator('tbody tr')).not.toHaveCount(0);
  expect(await region.locator('tbody tr').count()).toBeGreaterThanOrEqual(32);

  // The raised hand goes to the top of the table (urgency is the default order).
  await candidate.getByRole('button', { name: 'Raise hand' }).click();
  await expect(region.locator('tbody tr').first()).toContainText(s.displayName, { timeout: 15_000 });
  await expect(region.locator('tbody tr').first()).toContainText('Hand raised');
  await expect(page.getByRole('table')).toHaveAccessibleName(/sorted by urgency/);

  // Compact rows: 30 or more seats fully visible with the table in view.
  await page.getByRole('button', { name: 'Compact rows' }).click();
  await expect(page.getByRole('button', { name: 'Compact rows' })).toHaveAttribute('aria-pressed', 'true');
  await region.evaluate((el) => el.scrollIntoView({ block: 'start' }));
  const visible = await region.evaluate((el) => {
    const box = el.getBoundingClientRect();
    const top = Math.max(0, box.top);
    const bottom = Math.min(window.innerHeight, box.bottom);
    return [...el.querySelectorAll('tbody tr')].filter((tr) => {
      const r = tr.getBoundingClientRect();
      return r.top >= top && r.bottom <= bottom;
    }).length;
  });
  expect(visible).toBeGreaterThanOrEqual(30);
  await page.screenshot({ path: 'docs/screenshots/proctor-console-compact.png' });

  // The header stays at the top of the seats area while it scrolls.
  await region.evaluate((el) => (el.scrollTop = el.scrollHeight));
  const head = (await region.locator('thead th').first().boundingBox())!;
  const box = (await region.boundingBox())!;
  expect(Math.abs(head.y - box.y)).toBeLessThan(40); // below the caption at most
  await region.evaluate((el) => (el.scrollTop = 0));
  await checkScreen(page, 'proctor-console-compact');
});
