/**
 * Governed publishing in the browser: an author proposes a blueprint with a lower cut score and a fixed form for
 * publication (through the API, as the upload and forms tabs do); the author sees them waiting with no way to decide;
 * an admin reads each diff on the Proposals tab, cannot reject without a reason, rejects the blueprint and approves
 * the form. axe runs on the tab.
 */
import { readFileSync } from 'node:fs';
import { expect, request as playwrightRequest, test } from '@playwright/test';
import { BASE, checkScreen } from './exam-helpers.ts';

const bank = JSON.parse(readFileSync('item-bank/maintenance.json', 'utf8')) as { blueprints: { version: string; cutScore: { percent: number } }[] };

test('an admin decides the proposals an author made; the author cannot', async ({ page }) => {
  const author = await playwrightRequest.newContext({ baseURL: BASE });
  expect((await author.post('/api/auth/login', { data: { username: 'author', password: 'demo-password-1' } })).ok()).toBe(true);
  const live = bank.blueprints[0]!;
  const version = `2099.${Date.now() % 100000}`;
  const imported = await author.post('/api/bank/import', { data: { files: [{ name: 'ma-lower-cut.json', text: JSON.stringify({ formatVersion: 1, blueprints: [{ ...live, version, cutScore: { percent: 40, rounding: 'ceil' } }] }) }] } });
  expect(imported.ok(), await imported.text()).toBe(true);
  expect((await imported.json()).blueprints[0]).toMatchObject({ effect: 'proposal' });
  const built = await author.post('/api/forms/build', { data: { module: 'MA', count: 1, maxOverlapPct: 25, publish: true } });
  expect(built.ok(), await built.text()).toBe(true);
  const { formIds, status } = (await built.json()) as { formIds: string[]; status: string };
  expect(status).toBe('proposed');

  await page.request.post('/api/auth/login', { data: { username: 'author', password: 'demo-password-1' } });
  await page.goto('/author?tab=proposals');
  const bp = page.getByRole('article', { name: new RegExp(`Blueprint MA ${version.replace('.', '\\.')}`) });
  await expect(bp).toBeVisible();
  await expect(bp.getByText("Waiting for an admin's decision.")).toBeVisible();
  await expect(page.getByRole('button', { name: /^Approve / })).toHaveCount(0);

  await page.request.post('/api/auth/logout');
  await page.request.post('/api/auth/login', { data: { username: 'admin', password: 'demo-password-1' } });
  await page.goto('/author?tab=proposals');
  await expect(bp).toBeVisible();
  const cutRow = bp.getByRole('row', { name: /cutScore/ });
  await expect(cutRow).toContainText(`${live.cutScore.percent}% (ceil)`);
  await expect(cutRow).toContainText('40% (ceil)');
  await checkScreen(page, 'author-proposals');

  await bp.getByRole('button', { name: `Reject MA@${version}` }).click();
  await expect(bp.getByRole('alert')).toContainText(/say why the proposal is rejected/);
  await bp.getByLabel('Decision note (required to reject)').fill('The cut score is set by the standard-setting study, not lowered.');
  await bp.getByRole('button', { name: `Reject MA@${version}` }).click();
  await expect(bp).toHaveCount(0);

  const form = page.getByRole('article', { name: /Publish fixed form MA-/ }).filter({ has: page.getByRole('button', { name: `Approve ${formIds[0]}` }) });
  await expect(form.getByRole('row', { name: /status/ })).toContainText('published');
  await form.getByRole('button', { name: `Approve ${formIds[0]}` }).click();
  await expect(form).toHaveCount(0);
  const detail = await (await author.get(`/api/forms/${formIds[0]}`)).json();
  expect(detail.status).toBe('published');
  await author.dispose();
});
