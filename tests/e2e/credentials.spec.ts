/**
 * The CPT end to end in the browser: a candidate who passes the four required modules holds the full CPT, sees it on
 * "My results", and anyone can verify it on the public page. Plus the admission-ticket launch code and time-up.
 */
import { expect, request as playwrightRequest, test } from '@playwright/test';
import { HANDBOOK_VERSION } from '../../shared/handbook.ts';
import { ExamClient } from '../helpers/exam-client.ts';
import { BASE, CANDIDATE_PASSWORD, checkScreen, staff } from './exam-helpers.ts';

async function newCandidate(label: string) {
  const admin = await staff('admin');
  const username = `e2e-${label}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
  const r = await admin.post('/api/admin/users', { data: { username, displayName: `E2E ${label}`, role: 'candidate', password: CANDIDATE_PASSWORD, testCenterCodes: ['DEMO-01'] } });
  expect(r.ok()).toBe(true);
  const id = (await r.json()).id as string;
  await admin.dispose();
  return { id, username };
}

async function scheduled(candidateId: string, module: string) {
  const proctor = await staff('proctor');
  const [center] = await (await proctor.get('/api/test-centers')).json();
  const s = await proctor.post('/api/sessions', { data: { candidateId, module, testCenterId: center.id, scheduledAt: new Date().toISOString() } });
  expect(s.ok(), await s.text()).toBe(true);
  return { sessionId: (await s.json()).id as string, proctor };
}

test('passing the four required modules earns the full CPT, verifiable on the public page', async ({ page }) => {
  test.setTimeout(120_000);
  const author = await playwrightRequest.newContext({ baseURL: BASE });
  await author.post('/api/auth/login', { data: { username: 'author', password: 'demo-password-1' } });
  const keys = new Map<string, string>(((await (await author.get('/api/bank/items')).json()) as { id: string; content: { key: string } }[]).map((i) => [i.id, i.content.key]));
  const cand = await newCandidate('cpt');
  const candidate = await playwrightRequest.newContext({ baseURL: BASE });
  await candidate.post('/api/auth/login', { data: { username: cand.username, password: CANDIDATE_PASSWORD } });
  const cookie = (await candidate.storageState()).cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  for (const module of ['SAF', 'QPM', 'MPP', 'MA']) {
    const { sessionId, proctor } = await scheduled(cand.id, module);
    await candidate.post(`/api/sessions/${sessionId}/check-in`);
    await proctor.post(`/api/sessions/${sessionId}/admit`, { data: { idConfirmed: true } });
    await candidate.post(`/api/sessions/${sessionId}/handbook`, { data: { version: HANDBOOK_VERSION } });
    await candidate.post(`/api/sessions/${sessionId}/start`);
    const c = await ExamClient.open(BASE, { cookie });
    const snap = await c.hello(sessionId);
    await Promise.all(snap.items.map((it) => c.answer(it.itemId, keys.get(it.itemId)!)));
    await c.request({ type: 'submit' });
    await c.waitFor('result-ready');
    c.close();
  }

  await page.context().addCookies((await candidate.storageState()).cookies);
  await page.goto('/results');
  await expect(page.getByRole('heading', { name: 'My results and credentials' })).toBeVisible();
  await expect(page.getByText('You hold the full Certified Production Technician credential.')).toBeVisible();
  await checkScreen(page, 'my-results');
  const fullRow = page.getByRole('row', { name: /Certified Production Technician \(CPT\)/ });
  const code = (await fullRow.getByRole('link', { name: /^CPT-/ }).textContent())!.trim();

  // The public page needs no sign-in.
  const anonymous = await page.context().browser()!.newContext();
  const pub = await anonymous.newPage();
  await pub.goto(`${BASE}/verify`);
  await pub.getByLabel('Verification code').fill(code);
  await pub.getByRole('button', { name: 'Verify' }).click();
  await expect(pub.getByText('Certified Production Technician (CPT)')).toBeVisible();
  await expect(pub.locator('.status-valid')).toHaveText('Valid');
  await expect(pub.getByText(`E2E cpt`)).toBeVisible();
  await checkScreen(pub, 'verify-credential');
  await pub.goto(`${BASE}/verify/CPT-0000-0000-0000`);
  await expect(pub.getByRole('alert')).toHaveText('No credential has this verification code.');
  await anonymous.close();

  // Recertification: an activity the holder reports waits for an admin's approval (#14.9, docs/security.md).
  await page.getByLabel('Category').selectOption('continuing-education');
  await page.getByLabel('Points').fill('30');
  await page.getByLabel('Completed on').fill(new Date().toISOString().slice(0, 10));
  await page.getByLabel('Description').fill('Lean manufacturing course');
  await page.getByLabel(/^Evidence/).setInputFiles({ name: 'course.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%%EOF\n') });
  await page.getByRole('button', { name: 'Report activity' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Reported.' })).toBeVisible();
  const activity = page.getByRole('row', { name: /Lean manufacturing course/ });
  await expect(activity).toContainText('Waiting for approval');
  await expect(activity.getByRole('link', { name: 'course.pdf' })).toBeVisible();
  await checkScreen(page, 'my-results-recertification');

  const adminPage = await (await page.context().browser()!.newContext()).newPage();
  await adminPage.goto(`${BASE}/`);
  await adminPage.getByLabel('Username').fill('admin');
  await adminPage.getByLabel('Password', { exact: true }).fill('demo-password-1');
  await adminPage.getByRole('button', { name: 'Sign in' }).click();
  await adminPage.getByRole('link', { name: 'Results and credentials' }).click();
  const queued = adminPage.getByRole('row', { name: new RegExp(cand.username) });
  await expect(queued).toContainText('Lean manufacturing course');
  await expect(queued.getByRole('link', { name: /course\.pdf/ })).toBeVisible();
  await checkScreen(adminPage, 'admin-recertification-review');
  await queued.getByRole('button', { name: /^Approve / }).click();
  await expect(adminPage.getByRole('status').filter({ hasText: /^Approved E2E cpt/ })).toBeVisible();
  await expect(queued).toHaveCount(0);
  await adminPage.context().close();

  await page.reload();
  await expect(page.getByRole('row', { name: /Lean manufacturing course/ })).toContainText('Approved');
});

test('a candidate signs in with the launch code from the admission ticket and lands on the exam', async ({ page }) => {
  const cand = await newCandidate('ticket');
  const { sessionId, proctor } = await scheduled(cand.id, 'SAF');
  const { code } = await (await proctor.post(`/api/sessions/${sessionId}/launch-code`)).json();
  await page.goto('/');
  await page.getByLabel('The code on my admission ticket').check();
  await page.getByLabel('Launch code', { exact: true }).fill(code);
  await checkScreen(page, 'sign-in-launch-code');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(new RegExp(`/exams/${sessionId}$`));
  await page.goto('/api/auth/logout').catch(() => {});
  const again = await page.request.post('/api/auth/launch-code', { data: { code } });
  expect(again.status()).toBe(401);
});

test('time-up: with a one-minute blueprint the exam ends by itself and the candidate is told', async ({ page }) => {
  test.setTimeout(210_000);
  const author = await playwrightRequest.newContext({ baseURL: BASE });
  await author.post('/api/auth/login', { data: { username: 'author', password: 'demo-password-1' } });
  const grn = await (await author.get('/api/bank/export?module=GRN')).json();
  const version = `e2e-${Date.now()}`;
  const short = { formatVersion: 1, blueprints: [{ ...grn.blueprints.at(-1), version, timeLimitMinutes: 1 }] };
  const imp = await author.post('/api/bank/import', { data: { files: [{ name: 'short-blueprint.json', text: JSON.stringify(short) }] } });
  expect(imp.ok(), await imp.text()).toBe(true);
  // An author's blueprint change is only a proposal; it goes live when an admin approves it (docs/security.md).
  const admin = await playwrightRequest.newContext({ baseURL: BASE });
  await admin.post('/api/auth/login', { data: { username: 'admin', password: 'demo-password-1' } });
  const approved = await admin.post(`/api/authoring/proposals/blueprint/GRN@${version}/approve`, { data: { note: 'one-minute blueprint for the time-up test' } });
  expect(approved.ok(), await approved.text()).toBe(true);

  const cand = await newCandidate('timeup');
  const { sessionId, proctor } = await scheduled(cand.id, 'GRN');
  await page.request.post('/api/auth/login', { data: { username: cand.username, password: CANDIDATE_PASSWORD } });
  await page.request.post(`/api/sessions/${sessionId}/check-in`);
  await proctor.post(`/api/sessions/${sessionId}/admit`, { data: { idConfirmed: true } });
  await page.request.post(`/api/sessions/${sessionId}/handbook`, { data: { version: HANDBOOK_VERSION } });
  await page.request.post(`/api/sessions/${sessionId}/start`);
  await page.goto(`/exams/${sessionId}`);
  await expect(page.getByRole('radiogroup').or(page.locator('.question-panel')).first()).toBeVisible();
  await expect(page.getByText(/Time is up\. Your exam was submitted automatically\./)).toBeVisible({ timeout: 90_000 });
  await checkScreen(page, 'time-up');
});
