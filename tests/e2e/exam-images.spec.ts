/**
 * #19.1 Media in items, in Chromium: a candidate sees the question's picture with its alt text, enlarges it by
 * keyboard (Escape closes it and focus returns), the picture scales with the window and the text size, and axe finds
 * nothing serious. So that the candidate's assembled form is sure to show a picture, an admin first gives every
 * Safety item the sample lockout-tag diagram (an import that makes new item versions), and puts the bank back after.
 */
import { expect, test, type APIRequestContext } from '@playwright/test';
import { checkScreen, scheduleSafety, staff, startedThroughApi } from './exam-helpers.ts';

interface BankItem { id: string; status: string; image?: { src: string; alt: string } }

let admin: APIRequestContext;
let original: { items: BankItem[] } | null = null;

async function importBank(bank: unknown) {
  const r = await admin.post('/api/bank/import', { data: { files: [{ name: 'e2e-images.json', text: JSON.stringify(bank) }], dryRun: false } });
  expect(r.ok(), `import: ${r.status()} ${await r.text()}`).toBe(true);
}

test.beforeAll(async () => {
  admin = await staff('admin');
  const r = await admin.get('/api/bank/export?module=SAF');
  expect(r.ok()).toBe(true);
  original = await r.json();
  const tag = original!.items.find((i) => i.id === 'SAF-163')!.image!;
  expect(tag.src).toMatch(/^sha256:[0-9a-f]{64}$/);
  const pictured = original!.items.map((i) => (i.image || !['operational', 'pretest'].includes(i.status) ? i : { ...i, image: tag }));
  await importBank({ ...original, items: pictured });
});

test.afterAll(async () => {
  // The same items as before: each gets its old content back as a new version, with no picture.
  if (original) await importBank(original);
  await admin?.dispose();
});

test('a candidate sees the picture with its alt text and enlarges it by keyboard', async ({ page }) => {
  test.setTimeout(180_000);
  const s = await scheduleSafety('images');
  await startedThroughApi(page, s);
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`/exams/${s.sessionId}`);
  await expect(page.getByRole('heading', { name: /^Question 1 of 86/ })).toBeFocused({ timeout: 30_000 });

  const picture = page.getByTestId('item-image').locator('img');
  await expect(picture).toHaveAttribute('alt', /^A red and white DANGER tag reading DO NOT OPERATE/);
  await expect(picture).toHaveAttribute('src', new RegExp(`^/api/sessions/${s.sessionId}/media/[0-9a-f]{64}$`));
  // Loaded (naturalWidth > 0) through the session's media route, and never wider than its column.
  await expect.poll(() => picture.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), { timeout: 20_000 }).toBe(true);
  const fits = () => picture.evaluate((img) => img.getBoundingClientRect().width <= img.parentElement!.parentElement!.getBoundingClientRect().width + 0.5);
  expect(await fits()).toBe(true);
  await page.screenshot({ path: 'docs/screenshots/exam-item-image.png' });

  // Enlarge by keyboard: focus the button, Enter opens the dialog (focus on Close), Escape closes it, focus returns.
  const enlarge = page.getByRole('button', { name: 'Enlarge the picture for this question' });
  await enlarge.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'The picture for this question, enlarged' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Close' })).toBeFocused();
  await expect(dialog.locator('img')).toHaveAttribute('alt', /^A red and white DANGER tag/);
  const big = await dialog.locator('img').evaluate((img) => img.getBoundingClientRect().width);
  const small = await picture.evaluate((img) => img.getBoundingClientRect().width);
  expect(big).toBeGreaterThan(small);
  await page.screenshot({ path: 'docs/screenshots/exam-item-image-enlarged.png' });
  await checkScreen(page, 'exam-image-enlarged');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(enlarge).toBeFocused();

  // At a phone width the picture still fits its column (it scales down, the page does not scroll sideways).
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await fits()).toBe(true);
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
  await page.setViewportSize({ width: 1280, height: 900 });
  await checkScreen(page, 'exam-image');
});
