/**
 * Pictures in a practice test (#19, docs/practice.md): the sample Safety practice pool has a question drawn for it
 * (SAF-Q20, the striped floor marking of item-bank/media/floor-marking.svg). A candidate taking a practice test sees it
 * on the exam screen with its alt text, loaded through their own practice test's media route (private, no-store),
 * enlarges it by keyboard, and sees it again in the review. Another candidate cannot fetch it.
 */
import { expect, request as playwrightRequest, test } from '@playwright/test';
import { BASE, CANDIDATE_PASSWORD, checkScreen, staff } from './exam-helpers.ts';

test('a candidate sees a practice question\'s picture with its alt text, enlarges it, and sees it in the review', async ({ page }) => {
  // A busy machine (load 30) makes the 25-question walk and axe slow: it took 72 s so.
  test.setTimeout(360_000);
  const admin = await staff('admin');
  const candidate = async (tag: string) => {
    const username = `e2e-practice-img-${tag}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
    expect((await admin.post('/api/admin/users', { data: { username, displayName: `E2E practice ${tag}`, role: 'candidate', password: CANDIDATE_PASSWORD, testCenterCodes: ['DEMO-01'] } })).ok()).toBe(true);
    return username;
  };
  const username = await candidate('a');
  expect((await page.request.post('/api/auth/login', { data: { username, password: CANDIDATE_PASSWORD } })).ok()).toBe(true);

  await page.goto('/practice');
  await page.getByRole('button', { name: /Start an untimed practice test: Safety/ }).click();
  await expect(page.getByRole('heading', { name: 'Question 1 of 25' })).toBeVisible();

  // The pool is 25 questions, so the test holds them all; walk to the pictured one.
  for (let q = 1; q < 25 && !/floor marking shown/.test((await page.getByTestId('stem').textContent()) ?? ''); q++) {
    await page.getByRole('button', { name: 'Next' }).click();
    await expect(page.getByRole('heading', { name: `Question ${q + 1} of 25` })).toBeVisible();
  }
  await expect(page.getByTestId('stem')).toContainText('The floor marking shown');
  const picture = page.getByTestId('item-image').locator('img');
  await expect(picture).toHaveAttribute('alt', /diagonal yellow and black stripes/);
  await expect(page.getByRole('img', { name: /A gray plant floor with a wooden pallet/ })).toBeVisible();
  await expect.poll(() => picture.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), { timeout: 20_000 }).toBe(true);

  // Served from the candidate's own practice test, never cached by a shared browser.
  const src = (await picture.getAttribute('src'))!;
  expect(src).toMatch(/^\/api\/practice\/[0-9a-f-]{36}\/media\/[0-9a-f]{64}$/);
  const own = await page.request.get(src);
  expect([own.status(), own.headers()['cache-control'], own.headers()['content-type']]).toEqual([200, 'private, no-store', 'image/svg+xml']);
  const other = await playwrightRequest.newContext({ baseURL: BASE });
  expect((await other.post('/api/auth/login', { data: { username: await candidate('b'), password: CANDIDATE_PASSWORD } })).ok()).toBe(true);
  expect((await other.get(src)).status()).toBe(404);
  expect((await admin.get(src)).status()).toBe(403);

  // Enlarge by keyboard, as in the exam: Enter opens the dialog with the same alt text, Escape closes it, focus returns.
  const enlarge = page.getByRole('button', { name: 'Enlarge the picture for this question' });
  await enlarge.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'The picture for this question, enlarged' });
  await expect(dialog.locator('img')).toHaveAttribute('alt', /diagonal yellow and black stripes/);
  await expect(dialog.getByRole('button', { name: 'Close' })).toBeFocused();
  await checkScreen(page, 'practice-image-enlarged');
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(enlarge).toBeFocused();
  await checkScreen(page, 'practice-image');

  await page.getByRole('button', { name: 'Review and submit' }).click();
  await page.getByRole('button', { name: 'Submit exam…' }).click();
  await page.getByRole('button', { name: 'Submit exam now' }).click();
  await expect(page.getByRole('heading', { name: 'Practice result: Safety' })).toBeVisible({ timeout: 20_000 });
  const reviewed = page.getByTestId('reviewed-item').filter({ hasText: 'The floor marking shown' });
  await expect(reviewed.getByRole('img', { name: /diagonal yellow and black stripes/ })).toBeVisible();
  await expect.poll(() => reviewed.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), { timeout: 20_000 }).toBe(true);
  await checkScreen(page, 'practice-image-review');
});
