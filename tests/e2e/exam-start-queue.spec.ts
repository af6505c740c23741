/**
 * #18: in a start storm the candidate who presses Start waits in line and is told the place and the expected wait in
 * a polite live region, then the exam opens by itself. The e2e server runs one start at a time
 * (START_GATE_CONCURRENCY=1 in playwright.config.ts); a few other candidates pressing Start many times over make the
 * line (a start of a running exam is a no-op, but it still takes its turn).
 */
import { expect, test } from '@playwright/test';
import { admit, BASE, checkScreen, scheduleSafety, startedThroughApi, tabTo } from './exam-helpers.ts';

const HANDBOOK_VERSION = 'cpt-exam-rules-2026.1';

test('a candidate pressing Start in a storm is told the place in line, by keyboard, and the exam then opens', async ({ page, browser }) => {
  test.setTimeout(180_000);
  // The crowd: other candidates whose exams run, each pressing Start again and again.
  const crowd = await Promise.all(
    [0, 1, 2, 3].map(async (i) => {
      const s = await scheduleSafety(`crowd${i}`);
      const context = await browser.newContext({ baseURL: BASE });
      const p = await context.newPage();
      await startedThroughApi(p, s);
      return p.request;
    }),
  );
  const crowdIds = await Promise.all(crowd.map(async (r) => ((await (await r.get('/api/me/sessions')).json()) as { id: string }[])[0]!.id));

  const s = await scheduleSafety('queue');
  await page.request.post('/api/auth/login', { data: { username: s.username, password: s.password } });
  expect((await page.request.post(`/api/sessions/${s.sessionId}/check-in`)).ok()).toBe(true);
  await admit(s);
  expect((await page.request.post(`/api/sessions/${s.sessionId}/handbook`, { data: { version: HANDBOOK_VERSION } })).ok()).toBe(true);
  await page.goto(`/exams/${s.sessionId}`);
  await expect(page.getByRole('heading', { name: 'Instructions' })).toBeFocused({ timeout: 20_000 });
  const region = page.getByTestId('start-queue');
  await expect(region).toHaveAttribute('aria-live', 'polite');
  await expect(region).toHaveText('');

  // The storm: 600 starts in line before this candidate's.
  const storm = crowd.flatMap((r, i) => Array.from({ length: 150 }, () => r.post(`/api/sessions/${crowdIds[i]}/start`)));
  await page.waitForTimeout(300);
  await tabTo(page, /^Start the exam$/);
  await page.keyboard.press('Enter');

  await expect(region).toHaveText(/^You are number \d+ in line — about \d+ (s|min)\. Your exam starts by itself; keep this page open\.$/, { timeout: 20_000 });
  await expect(page.getByRole('button', { name: 'Starting…' })).toBeDisabled();
  await checkScreen(page, 'start-queue');

  await expect(page.getByRole('heading', { name: 'Question 1 of 86' })).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId('connection')).toHaveText(/Connected/);
  const results = await Promise.all(storm);
  expect(results.filter((r) => !r.ok()).length, 'no start in the storm failed').toBe(0);
});
