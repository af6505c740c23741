/**
 * Credentials that travel, oversight and the employer API in Chromium: the holder's downloads (baked badge, PDFs),
 * an admin revoking a certificate with a reason on the admin screen, the public page showing it revoked, the score
 * report's verification page, and an employer organization whose key (shown once) verifies codes. axe on every screen.
 */
import { expect, request as playwrightRequest, test } from '@playwright/test';
import { HANDBOOK_VERSION } from '../../shared/handbook.ts';
import { ExamClient } from '../helpers/exam-client.ts';
import { BASE, CANDIDATE_PASSWORD, checkScreen, staff } from './exam-helpers.ts';

async function passedSafety(label: string) {
  const admin = await staff('admin');
  const username = `e2e-${label}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
  const created = await admin.post('/api/admin/users', { data: { username, displayName: `E2E ${label} Holder`, role: 'candidate', password: CANDIDATE_PASSWORD, testCenterCodes: ['DEMO-01'] } });
  const candidateId = (await created.json()).id as string;
  const author = await playwrightRequest.newContext({ baseURL: BASE });
  await author.post('/api/auth/login', { data: { username: 'author', password: 'demo-password-1' } });
  const keys = new Map<string, string>(((await (await author.get('/api/bank/items')).json()) as { id: string; content: { key: string } }[]).map((i) => [i.id, i.content.key]));
  const proctor = await staff('proctor');
  const [center] = await (await proctor.get('/api/test-centers')).json();
  const sessionId = (await (await proctor.post('/api/sessions', { data: { candidateId, module: 'SAF', testCenterId: center.id, scheduledAt: new Date().toISOString() } })).json()).id as string;
  const candidate = await playwrightRequest.newContext({ baseURL: BASE });
  await candidate.post('/api/auth/login', { data: { username, password: CANDIDATE_PASSWORD } });
  await candidate.post(`/api/sessions/${sessionId}/check-in`);
  await proctor.post(`/api/sessions/${sessionId}/admit`, { data: { idConfirmed: true } });
  await candidate.post(`/api/sessions/${sessionId}/handbook`, { data: { version: HANDBOOK_VERSION } });
  await candidate.post(`/api/sessions/${sessionId}/start`);
  const c = await ExamClient.open(BASE, { cookie: (await candidate.storageState()).cookies.map((k) => `${k.name}=${k.value}`).join('; ') });
  const snap = await c.hello(sessionId);
  await Promise.all(snap.items.map((it) => c.answer(it.itemId, keys.get(it.itemId)!)));
  await c.request({ type: 'submit' });
  await c.waitFor('result-ready');
  c.close();
  const code = (await (await candidate.get(`/api/sessions/${sessionId}/report`)).json()).certificate.verificationCode as string;
  return { username, sessionId, code, candidate };
}

test('the holder downloads badges and PDFs; an admin revokes with a reason; the public page and an employer key see it', async ({ page, browser }) => {
  test.setTimeout(180_000);
  const holder = await passedSafety('travel');

  // The holder's downloads on My results.
  await page.context().addCookies((await holder.candidate.storageState()).cookies);
  await page.goto('/results');
  await expect(page.getByRole('link', { name: `Open Badge (PNG) for ${holder.code}` })).toBeVisible();
  await checkScreen(page, 'my-results-credentials');
  const png = await page.request.get(`/api/credentials/${holder.code}/open-badge.png`);
  expect(png.headers()['content-type']).toBe('image/png');
  expect((await png.body()).includes(Buffer.from('openbadgecredential'))).toBe(true);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: `Wallet card PDF for ${holder.code}` }).click()]);
  expect(download.suggestedFilename()).toBe(`${holder.code}-wallet-card.pdf`);

  // The report's verification link, public.
  const anonymous = await browser.newContext();
  const pub = await anonymous.newPage();
  await pub.goto(`${BASE}/verify/report/${holder.sessionId}`);
  await expect(pub.getByRole('heading', { name: 'Verify a score report' })).toBeVisible();
  await expect(pub.locator('.status-valid')).toHaveText('Passed');
  await checkScreen(pub, 'verify-report');

  // The admin revokes the certificate on the admin screen.
  const adminPage = await (await browser.newContext()).newPage();
  await adminPage.goto(`${BASE}/`);
  await adminPage.getByLabel('Username').fill('admin');
  await adminPage.getByLabel('Password', { exact: true }).fill('demo-password-1');
  await adminPage.getByRole('button', { name: 'Sign in' }).click();
  await adminPage.getByRole('link', { name: 'Results and credentials' }).click();
  await expect(adminPage.getByRole('heading', { name: 'Results, credentials and employers' })).toBeVisible();
  await adminPage.getByLabel('Candidate (username or name)').fill(holder.username);
  await adminPage.getByRole('button', { name: 'Find' }).click();
  await expect(adminPage.getByRole('table', { name: 'Credentials' })).toBeVisible();
  await checkScreen(adminPage, 'admin-credentials');
  await adminPage.getByRole('row', { name: new RegExp(holder.code) }).getByRole('button', { name: 'Revoke' }).click();
  await adminPage.getByLabel(/^Reason/).fill('Certificate obtained with a borrowed identity');
  await checkScreen(adminPage, 'admin-revoke-dialog');
  await adminPage.getByRole('button', { name: 'Confirm' }).click();
  await expect(adminPage.getByRole('status').filter({ hasText: `Revoke ${holder.code}: done.` })).toBeVisible();
  await expect(adminPage.getByRole('row', { name: new RegExp(holder.code) })).toContainText('revoked: Certificate obtained with a borrowed identity');

  // Anyone sees it revoked, with the reason.
  await pub.goto(`${BASE}/verify/${holder.code}`);
  await expect(pub.locator('.status-revoked')).toHaveText('Revoked');
  await expect(pub.getByText('Certificate obtained with a borrowed identity')).toBeVisible();
  await checkScreen(pub, 'verify-revoked');

  // An employer organization: registered, a key shown once, used by the "HR system".
  const orgName = `E2E Employer ${Date.now().toString(36)}`;
  await adminPage.getByLabel('Organization name').fill(orgName);
  await adminPage.getByRole('button', { name: 'Register organization' }).click();
  await adminPage.getByRole('button', { name: `Create an API key for ${orgName}` }).click();
  const key = (await adminPage.locator('.key-once').textContent())!.trim();
  expect(key).toMatch(/^cptk_/);
  await checkScreen(adminPage, 'admin-employers');
  const hr = await playwrightRequest.newContext({ baseURL: BASE, extraHTTPHeaders: { authorization: `Bearer ${key}` } });
  const one = await hr.get(`/api/employer/v1/credentials/${holder.code}`);
  expect(await one.json()).toMatchObject({ result: 'found', status: 'revoked', statusReason: 'Certificate obtained with a borrowed identity' });
  const csv = await hr.post('/api/employer/v1/verify?format=csv', { headers: { 'content-type': 'text/csv' }, data: `code\n${holder.code}\nCPT-0000-0000-0000\n` });
  expect((await csv.text()).split('\n')[1]).toMatch(new RegExp(`^2,${holder.code},found,${holder.code},`));
  await adminPage.getByRole('button', { name: 'Done' }).click();
  await expect(adminPage.locator('.key-once')).toHaveCount(0);
  await anonymous.close();
});
