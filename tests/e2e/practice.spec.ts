/**
 * Practice tests in the browser (#21.1): a signed-in candidate starts an untimed Safety practice test with no proctor,
 * answers on the exam screen, submits, sees the result labelled practice with the KWA diagnostic, and reviews every
 * question with the correct answer and its rationale. Nothing appears among their exams or results.
 */
import { expect, request as playwrightRequest, test } from '@playwright/test';
import { BASE, CANDIDATE_PASSWORD, checkScreen, staff } from './exam-helpers.ts';

interface PracticeItem {
  id: string;
  content: { stem: string; options: { id: string; text: string }[]; key: string; rationale: string };
}
const norm = (s: string) => s.replace(/\s+/g, ' ').trim();
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

test('a candidate takes a practice test on the exam screen and reviews every question with its key', async ({ page }) => {
  test.setTimeout(120_000);
  const author = await playwrightRequest.newContext({ baseURL: BASE });
  expect((await author.post('/api/auth/login', { data: { username: 'author', password: 'demo-password-1' } })).ok()).toBe(true);
  // The sample bank's own Safety practice pool (SAF-Q01..25, loaded at first start); an author may read its keys.
  const listed = await author.get('/api/bank/items?module=SAF&status=practice');
  expect(listed.ok(), await listed.text()).toBe(true);
  const pool = (await listed.json()) as PracticeItem[];
  expect(pool).toHaveLength(25);
  const byStem = new Map(pool.map((i) => [norm(i.content.stem), i]));
  const admin = await staff('admin');
  const username = `e2e-practice-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
  expect((await admin.post('/api/admin/users', { data: { username, displayName: 'E2E practice', role: 'candidate', password: CANDIDATE_PASSWORD, testCenterCodes: ['DEMO-01'] } })).ok()).toBe(true);
  expect((await page.request.post('/api/auth/login', { data: { username, password: CANDIDATE_PASSWORD } })).ok()).toBe(true);

  await page.goto('/exams');
  await page.getByRole('navigation', { name: 'Candidate' }).getByRole('link', { name: 'Practice' }).click();
  await expect(page.getByRole('heading', { name: 'Practice tests' })).toBeVisible();
  await expect(page.getByText('Practice results never count')).toBeVisible();
  await checkScreen(page, 'practice-home');
  await page.getByRole('button', { name: /Start an untimed practice test: Safety/ }).click();

  // The exam screen, with no clock for an untimed test.
  await expect(page.getByRole('heading', { name: 'Question 1 of 25' })).toBeVisible();
  await expect(page.getByText('Practice: Safety')).toBeVisible();
  await expect(page.getByTestId('countdown')).toHaveCount(0);
  // Answer the first three: the first with its key, the next two with a wrong option (found by the shown stem).
  const chosen: { item: PracticeItem; right: boolean }[] = [];
  for (let q = 0; q < 3; q++) {
    const item = byStem.get(norm((await page.getByTestId('stem').textContent())!));
    expect(item, 'the shown question is one of the practice pool').toBeDefined();
    const pick = item!.content.options.find((o) => (q === 0 ? o.id === item!.content.key : o.id !== item!.content.key))!;
    await page.getByRole('radio', { name: new RegExp(`${escapeRe(pick.text)}$`) }).check();
    chosen.push({ item: item!, right: q === 0 });
    await page.getByRole('button', { name: 'Next' }).click();
  }
  await expect(page.getByText('· 3 of 25 answered')).toBeVisible();
  await checkScreen(page, 'practice-exam-screen');
  await page.getByRole('button', { name: 'Review and submit' }).click();
  await page.getByRole('button', { name: 'Submit exam…' }).click();
  await page.getByRole('button', { name: 'Submit exam now' }).click();

  await expect(page.getByRole('heading', { name: 'Practice result: Safety' })).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId('practice-note')).toHaveText(/does not count toward eligibility, certificates/);
  await expect(page.getByText('1 of 25 correct (4.0%)')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Practice diagnostic by Key Work Activity' })).toBeVisible();
  await expect(page.getByRole('table').getByRole('row')).toHaveCount(11);
  const reviewed = page.getByTestId('reviewed-item');
  await expect(reviewed).toHaveCount(25);
  for (const c of chosen) {
    const it = reviewed.filter({ hasText: c.item.content.stem });
    await expect(it).toHaveCount(1);
    await expect(it).toContainText(c.item.content.rationale);
    await expect(it).toContainText(c.item.content.options.find((o) => o.id === c.item.content.key)!.text);
    await expect(it).toContainText(c.right ? 'Correct.' : 'Incorrect.');
    await expect(it.getByText(/correct answer/)).toBeVisible();
  }
  await checkScreen(page, 'practice-review');

  // It never counts: no exam, no result; the practice list shows it for review.
  expect(await (await page.request.get('/api/me/history')).json()).toMatchObject({ attempts: [], credentials: [] });
  await page.getByRole('button', { name: 'Back to practice tests' }).click();
  await expect(page.getByRole('list', { name: 'My practice tests' }).getByText('1 of 25 correct')).toBeVisible();
});
