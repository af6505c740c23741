/**
 * The item lifecycle in the browser: an author's imported item lands as a draft; the author submits it for review and
 * is refused when approving it themselves; a second author comments and approves it; the history shows each step
 * with names and comments. axe runs on the item with its review panel.
 */
import { readFileSync } from 'node:fs';
import { expect, request as playwrightRequest, test, type Page } from '@playwright/test';
import { BASE, checkScreen, staff } from './exam-helpers.ts';

const green = JSON.parse(readFileSync('item-bank/green.json', 'utf8')) as { items: Record<string, unknown>[] };

async function signIn(page: Page, username: string, password: string) {
  await page.context().clearCookies();
  expect((await page.request.post('/api/auth/login', { data: { username, password } })).ok()).toBe(true);
}

async function openItem(page: Page, id: string) {
  await page.goto('/author?tab=items');
  const panel = page.getByRole('tabpanel', { name: 'Items' });
  await panel.getByLabel('Module').selectOption('GRN');
  await panel.getByLabel('Search').fill(id);
  await panel.getByRole('button', { name: id, exact: true }).click();
  return page.getByRole('region', { name: new RegExp(id) });
}

test('an author cannot approve their own item; a second author approves it with a comment', async ({ page }) => {
  const stamp = Date.now() % 1_000_000;
  const id = `GRN-R${stamp}`;
  const author = await playwrightRequest.newContext({ baseURL: BASE });
  expect((await author.post('/api/auth/login', { data: { username: 'author', password: 'demo-password-1' } })).ok()).toBe(true);
  const imported = await author.post('/api/bank/import', { data: { files: [{ name: 'r.json', text: JSON.stringify({ formatVersion: 1, items: [{ ...green.items[0], id, status: 'operational', stem: `Which practice saves the most energy (review ${stamp})?` }] }) }] } });
  expect(imported.ok(), await imported.text()).toBe(true);
  await author.dispose();
  const admin = await staff('admin');
  const reviewerName = `reviewer${stamp}`;
  const created = await admin.post('/api/admin/users', { data: { username: reviewerName, displayName: 'Rita Reviewer', role: 'author', password: 'a-long-reviewer-passphrase-7', testCenterCodes: [] } });
  expect(created.ok(), await created.text()).toBe(true);
  await admin.dispose();

  await signIn(page, 'author', 'demo-password-1');
  let detail = await openItem(page, id);
  await expect(detail.locator('.author-status')).toHaveText('draft');
  await detail.getByLabel(/Reviewer comment on version 1/).fill('Ready for a second look.');
  await detail.getByRole('button', { name: 'Submit for review' }).click();
  await expect(detail.locator('.author-status')).toHaveText('in-review');
  await detail.getByRole('button', { name: 'Approve' }).click();
  await expect(detail.getByRole('alert')).toContainText('a second person must approve it');
  await expect(detail.locator('.author-status')).toHaveText('in-review');

  await signIn(page, reviewerName, 'a-long-reviewer-passphrase-7');
  detail = await openItem(page, id);
  await detail.getByLabel(/Reviewer comment on version 1/).fill('Distractors are plausible; approved.');
  await detail.getByRole('button', { name: 'Approve' }).click();
  await expect(detail.locator('.author-status')).toHaveText('approved');
  const history = detail.getByRole('list', { name: `History of ${id}` });
  await expect(history).toContainText('Demo Author: submitted');
  await expect(history).toContainText('Ready for a second look.');
  await expect(history).toContainText('Rita Reviewer: approved');
  await expect(history).toContainText('Distractors are plausible; approved.');
  await checkScreen(page, 'author-item-review');
});
