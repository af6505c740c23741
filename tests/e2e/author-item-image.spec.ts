/**
 * The item editor adds a picture (#19, docs/authoring.md "Images in items"), by keyboard only: an author opens a
 * fresh draft item, chooses a file for the stem from the keyboard, is told what is wrong with a file that is no image,
 * is stopped at the alt text field when saving without alt text, writes it, saves version 2 and sees the picture
 * with its alt text in the item and in the candidate preview; then removes it as version 3. axe on each screen.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { checkScreen, tabTo } from './exam-helpers.ts';

const PASSWORD = 'demo-password-1';
// Upload, save and preview, with axe on four screens: several minutes on a machine at load 30.
test.describe.configure({ timeout: 420_000 });

/**
 * Opens the focused file input's chooser from the keyboard (Space, then Enter, as a person would press again) and picks
 * the file. On a busy machine headless Chromium once opened no chooser for a key press: one press is not proof enough.
 */
async function chooseByKeyboard(page: Page, file: { name: string; mimeType: string; buffer: Buffer }) {
  for (const key of ['Space', 'Enter', 'Space']) {
    const chooser = page.waitForEvent('filechooser', { timeout: 15_000 }).catch(() => null);
    await page.keyboard.press(key);
    const opened = await chooser;
    if (opened) return opened.setFiles(file);
  }
  throw new Error(`no file chooser opened from the keyboard for ${file.name}`);
}

test('an author adds a picture with alt text to an item by keyboard, saves a new version, sees it in the preview, and removes it', async ({ page }) => {
  const stamp = Date.now().toString(36).toUpperCase();
  const id = `GRN-IMG${stamp}`;
  const green = JSON.parse(readFileSync('item-bank/green.json', 'utf8')) as { items: { status: string; stem: string }[] };
  const source = green.items.find((i) => i.status === 'operational')!;
  const stem = `${source.stem.replace(/\?$/, '')} (picture trial ${stamp})?`;
  expect((await page.request.post('/api/auth/login', { data: { username: 'author', password: PASSWORD } })).ok()).toBe(true);
  const imported = await page.request.post('/api/bank/import', { data: { dryRun: false, files: [{ name: `${id}.json`, text: JSON.stringify({ formatVersion: 1, items: [{ ...source, id, stem }] }) }] } });
  expect(imported.ok(), await imported.text()).toBe(true);

  await page.goto('/author?tab=items');
  const itemsPanel = page.getByRole('tabpanel', { name: 'Items' });
  await itemsPanel.getByLabel('Module').selectOption('GRN');
  await itemsPanel.getByLabel('Search').fill(id);
  await itemsPanel.getByRole('button', { name: id, exact: true }).click();
  const detail = page.getByRole('region', { name: new RegExp(id) });
  await expect(detail.getByRole('heading', { name: new RegExp(`${id} · version 1`) })).toBeFocused();
  await tabTo(page, /^Edit$/, 80);
  await page.keyboard.press('Enter');
  await expect(detail.getByText('Delivered versions never change.')).toBeVisible();

  // A file that is no image: the server's check says what and which file, at the field.
  await tabTo(page, /^Add a picture for the stem$/, 80);
  await chooseByKeyboard(page, { name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('Gauge should read 80 psi.') });
  const uploadError = detail.getByRole('alert').filter({ hasText: 'notes.png was not added' });
  await expect(uploadError).toContainText('is not a PNG, JPEG or SVG file');
  await expect(page.getByLabel('Add a picture for the stem')).toHaveAttribute('aria-invalid', 'true');

  // A drawing, chosen from the keyboard again: the preview appears and focus moves to its alt text.
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 60"><title>trial ${stamp}</title><rect x="5" y="5" width="110" height="50" fill="#2e7d32"/><path d="M 20 40 L 60 15 L 100 40" stroke="#fff" stroke-width="6" fill="none"/></svg>`;
  await page.getByLabel('Add a picture for the stem').focus();
  await chooseByKeyboard(page, { name: 'roof-chart.svg', mimeType: 'image/svg+xml', buffer: Buffer.from(svg) });
  const alt = page.getByLabel('Alt text of the picture for the stem (required)');
  await expect(alt).toBeFocused();
  const preview = detail.getByTestId('image-field').first().locator('img');
  await expect.poll(() => preview.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), { timeout: 20_000 }).toBe(true);
  await expect(detail.getByText('Saving makes version 2.')).toBeVisible();

  // Saving without alt text: the summary takes focus and names the field; the field says why.
  await tabTo(page, /^Save$/, 80);
  await page.keyboard.press('Enter');
  const summary = detail.locator('.author-error-summary');
  await expect(summary).toBeFocused();
  await expect(summary).toContainText('Picture for the stem');
  await expect(alt).toHaveAttribute('aria-invalid', 'true');
  await expect(detail.locator('.author-image-field .author-field-error')).toContainText('alt text');
  await checkScreen(page, 'author-item-image-missing-alt');
  await page.keyboard.press('Tab');
  await expect(summary.getByRole('link', { name: /Picture for the stem/ })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(alt).toBeFocused();
  const altText = 'A green bar chart with a white line rising to a peak in the middle and falling again.';
  await page.keyboard.type(altText);
  await checkScreen(page, 'author-item-image-edit');
  await tabTo(page, /^Save$/, 80);
  await page.keyboard.press('Enter');
  await expect(detail.getByTestId('item-notice')).toContainText('Saved as version 2');
  await expect(detail.getByRole('heading', { name: new RegExp(`${id} · version 2`) })).toBeVisible();
  await expect(detail.getByRole('img', { name: altText })).toBeVisible();

  // The candidate preview shows it with its alt text.
  await tabTo(page, /^Preview as candidate$/, 80);
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: `Preview of ${id}` });
  const shown = dialog.getByRole('img', { name: altText });
  await expect(shown).toBeVisible();
  await expect.poll(() => shown.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), { timeout: 20_000 }).toBe(true);
  await checkScreen(page, 'author-item-image-preview');
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);

  // Removing it is version 3; version 2 keeps its picture (the history lists both).
  await tabTo(page, /^Edit$/, 80);
  await page.keyboard.press('Enter');
  await tabTo(page, /^Remove the picture for the stem$/, 80);
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('Add a picture for the stem')).toBeFocused();
  await tabTo(page, /^Save$/, 80);
  await page.keyboard.press('Enter');
  await expect(detail.getByTestId('item-notice')).toContainText('Saved as version 3');
  await expect(detail.getByRole('img', { name: altText })).toHaveCount(0);
  const items = await (await page.request.get('/api/bank/items?module=GRN')).json();
  expect(items.find((i: { id: string }) => i.id === id).content.image).toBeUndefined();
});
