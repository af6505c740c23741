/**
 * #19 Item analysis per bank release in the browser: one MPP candidate sits a live-bank form answering every question
 * right; then an MPP release is approved and two candidates sit forms of it answering every question wrong. Filtering the
 * item-analysis screen by the release shows exactly those two sessions with p 0.00 on every item and the release named
 * as the statistics' source; the live-bank filter and "All releases" change the counts accordingly. (MPP is pinned to
 * the release afterwards; the specs that follow this one alphabetically do not sit MPP.)
 */
import { expect, test } from '@playwright/test';
import { apiCall as call, apiLogin as login, checkScreen, openSitting } from './exam-helpers.ts';

const PASSWORD = 'demo-password-1';
// Three exam sittings through the socket took 3 minutes on a busy machine; the budget is three times that.
test.describe.configure({ timeout: 600_000 });

type Analysis = { sessions: number; releases: { id: string | null; name: string | null; sessions: number }[] };

test('filtering the item analysis by bank release shows that release’s sessions and statistics only', async ({ page }) => {
  const stamp = Date.now().toString(36);
  const [admin, proctor, author] = [await login('admin', PASSWORD), await login('proctor', PASSWORD), await login('author', PASSWORD)];
  const keys = new Map((await call<{ id: string; content: { key: string } }[]>(author, 'GET', '/api/bank/items?module=MPP')).map((i) => [i.id, i.content.key]));
  const center = (await call<{ id: string; code: string }[]>(proctor, 'GET', '/api/test-centers')).find((c) => c.code === 'DEMO-01')!;

  /** One MPP sitting through the API and the exam socket, every answer right or every answer wrong. */
  async function sit(k: string, right: boolean) {
    const { client, snapshot: snap } = await openSitting({ admin, proctor }, center, { username: `e2e-rel-${stamp}-${k}`, displayName: `Release Candidate ${k}` }, 'MPP');
    await Promise.all(snap.items.map((it) => client.answer(it.itemId, right ? keys.get(it.itemId)! : it.options.find((o) => o.id !== keys.get(it.itemId))!.id)));
    await client.request({ type: 'submit' });
    await client.waitFor('result-ready', () => true, 30_000);
    client.close();
  }

  await sit('live', true);
  const name = `MPP stats ${stamp}`;
  const release = (await call<{ release: { id: string } }>(author, 'POST', '/api/bank/releases', { name, modules: ['MPP'] })).release;
  await call(admin, 'POST', `/api/authoring/proposals/release/${release.id}/approve`, {});
  await sit('r1', false);
  await sit('r2', false);
  await expect.poll(async () => (await call<Analysis>(author, 'GET', `/api/bank/analysis?module=MPP&release=${release.id}`)).sessions, { timeout: 30_000 }).toBe(2);
  const all = await call<Analysis>(author, 'GET', '/api/bank/analysis?module=MPP');
  const live = all.releases.find((r) => r.id === null)!.sessions;
  expect(live).toBeGreaterThanOrEqual(1);

  await page.request.post('/api/auth/login', { data: { username: 'author', password: PASSWORD } });
  await page.goto('/author?tab=analysis');
  const analysis = page.getByRole('tabpanel', { name: 'Item analysis' });
  await analysis.getByLabel('Module').selectOption('MPP');
  await expect(analysis.getByRole('heading', { name: `MPP: ${all.sessions} scored sessions` })).toBeVisible({ timeout: 30_000 });
  await expect(analysis.getByTestId('analysis-scope')).toHaveText('Statistics from every bank release and the live bank.');
  const table = analysis.getByRole('table', { name: /Item statistics for MPP/ });
  const pCells = table.locator('tbody tr td:nth-of-type(3)');

  // The release: its two sessions, every item answered wrong by everyone who saw it.
  await analysis.getByLabel('Bank release').selectOption({ label: `${name} (2 sessions)` });
  await expect(analysis.getByRole('heading', { name: 'MPP: 2 scored sessions' })).toBeVisible({ timeout: 30_000 });
  await expect(analysis.getByTestId('analysis-scope')).toHaveText(`Statistics from release ${name}.`);
  await expect.poll(async () => [...new Set(await pCells.allTextContents())]).toEqual(['0.00']);
  await table.locator('tbody tr th button').first().click();
  await expect(analysis.getByTestId('analysis-item-sources')).toHaveText(new RegExp(`^From ${name} \\([12] candidates?\\)\\.$`));
  await expect(analysis.getByRole('heading', { name: 'Suggestion: rewrite the item' }).or(analysis.getByRole('heading', { name: 'Suggestion: retire the item' }))).toBeVisible();
  await expect(analysis.getByText(/too hard/).first()).toBeVisible();
  await checkScreen(page, 'author-analysis-release');

  // The live bank: the other sessions; the all-right sitting gives some item a p above zero.
  await analysis.getByLabel('Bank release').selectOption({ label: `Live bank (no release) (${live} session${live === 1 ? '' : 's'})` });
  await expect(analysis.getByRole('heading', { name: `MPP: ${live} scored session${live === 1 ? '' : 's'}` })).toBeVisible({ timeout: 30_000 });
  await expect(analysis.getByTestId('analysis-scope')).toHaveText('Statistics from the live bank (no release).');
  await expect.poll(async () => (await pCells.allTextContents()).some((p) => p !== '0.00' && p !== '—')).toBe(true);

  // Back to all: the two release sessions count again.
  await analysis.getByLabel('Bank release').selectOption({ label: 'All releases' });
  await expect(analysis.getByRole('heading', { name: `MPP: ${live + 2} scored sessions` })).toBeVisible({ timeout: 30_000 });
});
