import { expect, test } from '@playwright/test';
import { checkScreen } from './exam-helpers.ts';

test('an author builds parallel fixed forms, proposes one for publication and reads its certificate', async ({ page }) => {
  await page.request.post('/api/auth/login', { data: { username: 'author', password: 'demo-password-1' } });
  await page.goto('/author?tab=forms');
  await page.getByLabel('Module').selectOption('QPM');
  await page.getByLabel('Number of forms').fill('2');
  await page.getByRole('button', { name: 'Build drafts' }).click();
  const publish = page.getByRole('button', { name: /^Publish QPM-/ }).first();
  await expect(publish).toBeVisible();
  await publish.click();
  // An author's publish is a proposal: the form waits for an admin (tests/e2e/author-proposals.spec.ts approves one).
  await expect(page.getByText('proposed (awaiting an admin)').first()).toBeVisible();
  await page.getByRole('button', { name: /^Certificate of QPM-/ }).first().click();
  await expect(page.getByText('Every constraint is met.')).toBeVisible();
  await expect(page.getByRole('cell', { name: 'Scored items in KWA QPM-10' })).toBeVisible();
  await checkScreen(page, 'author-forms');
});
