import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';

test('the demo candidate signs in and sees the sample-content notice', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await expect(page.getByText("not MSSC's assessment items")).toBeVisible();
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
  await page.screenshot({ path: 'test-results/screens/sign-in.png' });

  await page.getByLabel('Username').fill('candidate');
  await page.getByLabel('Password').fill('wrong-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('The username or password is not correct');

  await page.getByLabel('Password').fill('demo-password-1');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'My exams' })).toBeVisible();
  await expect(page.getByText('Demo Candidate')).toBeVisible();
  await expect(page.getByText("not MSSC's assessment items")).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/candidate-home.png' });
});

test('the API answers health and OpenAPI', async ({ request }) => {
  expect(await (await request.get('/healthz')).json()).toEqual({ status: 'ok' });
  expect((await request.get('/docs/json')).ok()).toBe(true);
});
