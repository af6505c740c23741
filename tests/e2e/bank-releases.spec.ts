/**
 * Bank releases in the browser: an author previews a release's diff and proposes it on the Proposals tab; an admin sees
 * it waiting with its item changes and decides it. The admin rejects it here (approval is tested through the API in
 * tests/integration/bank-releases.test.ts): an approved release would pin the shared demo bank for the other browser
 * tests. axe runs on the tab with the release form, the releases list and the proposal open.
 */
import { expect, test } from '@playwright/test';
import { checkScreen } from './exam-helpers.ts';

test('an author proposes a bank release with its diff; an admin reads the item changes and decides', async ({ page }) => {
  test.setTimeout(120_000);
  const name = `SAF e2e ${Date.now() % 1_000_000}`;
  await page.request.post('/api/auth/login', { data: { username: 'author', password: 'demo-password-1' } });
  await page.goto('/author?tab=proposals');
  const panel = page.getByRole('region', { name: 'Bank releases' }).or(page.locator('section[aria-labelledby="releases-title"]'));
  await expect(page.getByRole('heading', { name: 'Bank releases' })).toBeVisible();
  await page.getByLabel('Release name').fill(name);
  await page.getByRole('checkbox', { name: 'SAF' }).check();
  await page.getByLabel('Notes').fill('Spring sitting');
  await page.getByRole('button', { name: 'Preview the diff' }).click();
  await expect(page.getByText(/Preview \(nothing stored\): \d+ items added, 0 removed, 0 changed/)).toBeVisible({ timeout: 30_000 });
  await page.getByRole('button', { name: 'Propose release' }).click();
  const card = page.getByRole('article', { name: new RegExp(`Bank release "${name}"`) });
  await expect(card).toBeVisible({ timeout: 30_000 });
  await expect(card.getByText("Waiting for an admin's decision.")).toBeVisible();
  await expect(card.getByText('Notes: Spring sitting')).toBeVisible();
  await expect(panel.getByRole('cell', { name, exact: true })).toBeVisible();

  await page.request.post('/api/auth/logout');
  await page.request.post('/api/auth/login', { data: { username: 'admin', password: 'demo-password-1' } });
  await page.goto('/author?tab=proposals');
  await expect(card).toBeVisible();
  await expect(card.getByRole('row', { name: /SAF release/ })).toContainText('this release');
  await card.getByText(/^Items added \(\d+\)$/).click();
  await expect(card.getByRole('listitem').first()).toContainText(/^SAF-\S+ v\d+ \((operational|pretest)\)$/);
  await checkScreen(page, 'author-releases');

  await card.getByRole('button', { name: `Reject release ${name}` }).click();
  await expect(card.getByRole('alert')).toContainText(/say why the proposal is rejected/);
  await card.getByLabel('Decision note (required to reject)').fill('Wait for the new SAF items.');
  await card.getByRole('button', { name: `Reject release ${name}` }).click();
  await expect(card).toHaveCount(0);
  await expect(panel.getByRole('row', { name: new RegExp(name) })).toContainText('rejected');
});
