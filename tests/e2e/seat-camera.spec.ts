/**
 * #17.11 the optional seat camera in Chromium with its fake camera: at a test center with the camera on (its own
 * center and proctor, so no other spec meets the consent step), the candidate is asked for consent before the
 * instructions, agrees, starts the exam; the webcam still reaches the proctor's console on the seat's row and on the
 * timeline. Declining, and a workstation without a camera, leave the exam running and tell the proctor. Axe on the
 * consent screen and the console.
 */
import { expect, test, type Browser } from '@playwright/test';
import { chromiumPath, CHROMIUM_ARGS } from './support/chromium.ts';
import { CANDIDATE_PASSWORD, checkScreen, staff } from './exam-helpers.ts';

// The fake device gives a test pattern; the fake UI grants the permission prompt.
test.use({ launchOptions: { executablePath: chromiumPath(), args: [...CHROMIUM_ARGS, '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'] } });

type Api = Awaited<ReturnType<typeof staff>>;
async function ok(res: Promise<import('@playwright/test').APIResponse>, what: string) {
  const r = await res;
  expect(r.ok(), `${what}: ${r.status()} ${await r.text()}`).toBe(true);
  return r.json();
}

/** A test center of its own with the camera on (10 s), its proctor, and a candidate admitted who has read the rules. */
async function cameraSeat(browser: Browser, admin: Api, label: string) {
  const tag = `${label}${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
  const code = `CAM-${tag.toUpperCase()}`.slice(0, 32);
  const center = await ok(admin.post('/api/admin/test-centers', { data: { code, name: `Camera center ${tag}`, timeZone: 'America/Chicago' } }), 'center');
  const camera = await ok(admin.put(`/api/admin/test-centers/${center.id}/camera`, { data: { enabled: true, intervalSeconds: 10, retentionDays: 7 } }), 'camera on');
  expect(camera.enabled).toBe(true);
  const proctorName = `e2e-camproc-${tag}`;
  await ok(admin.post('/api/admin/users', { data: { username: proctorName, displayName: 'Camera Proctor', role: 'proctor', password: 'seat-watcher-pass-1', testCenterCodes: [code] } }), 'proctor');
  const username = `e2e-cam-${tag}`;
  const displayName = `E2E camera ${tag}`;
  const user = await ok(admin.post('/api/admin/users', { data: { username, displayName, role: 'candidate', password: CANDIDATE_PASSWORD, testCenterCodes: [code] } }), 'candidate');
  const session = await ok(admin.post('/api/sessions', { data: { candidateId: user.id, module: 'SAF', testCenterId: center.id, scheduledAt: new Date().toISOString() } }), 'schedule');

  const candidateContext = await browser.newContext();
  const page = await candidateContext.newPage();
  await page.setViewportSize({ width: 1280, height: 800 });
  await ok(page.request.post('/api/auth/login', { data: { username, password: CANDIDATE_PASSWORD } }), 'candidate login');
  await ok(page.request.post(`/api/sessions/${session.id}/check-in`), 'check in');
  await ok(admin.post(`/api/sessions/${session.id}/admit`, { data: { idConfirmed: true } }), 'admit');
  await ok(page.request.post(`/api/sessions/${session.id}/handbook`, { data: { version: 'cpt-exam-rules-2026.1' } }), 'handbook');

  const proctorContext = await browser.newContext();
  const console_ = await proctorContext.newPage();
  await ok(console_.request.post('/api/auth/login', { data: { username: proctorName, password: 'seat-watcher-pass-1' } }), 'proctor login');
  await console_.setViewportSize({ width: 1440, height: 900 });
  const row = console_.locator('#pc-panel-live tbody tr').filter({ has: console_.locator('th', { hasText: displayName }) });
  return {
    sessionId: session.id as string,
    displayName,
    page,
    console_,
    row,
    async openConsole() {
      await console_.goto('/proctor');
      await expect(console_.getByTestId('feed-status')).toHaveText('Live', { timeout: 20_000 });
    },
    async close() {
      await candidateContext.close();
      await proctorContext.close();
    },
  };
}

test('consent, then a webcam still reaches the proctor console and the timeline', async ({ browser }) => {
  test.setTimeout(240_000);
  const admin = await staff('admin');
  const { sessionId: id, displayName, page, console_, row, openConsole, close } = await cameraSeat(browser, admin, 'ok');

  // The camera step comes after the rules, before the instructions.
  await page.goto(`/exams/${id}`);
  await expect(page.getByRole('heading', { name: 'Seat camera' })).toBeVisible({ timeout: 20_000 });
  await expect(page.getByText('every 10 seconds')).toBeVisible();
  await checkScreen(page, 'camera-consent');
  await page.screenshot({ path: 'docs/screenshots/camera-consent.png' });
  await page.getByRole('button', { name: 'I agree to the seat camera' }).click();
  await expect(page.getByRole('heading', { name: 'Instructions' })).toBeVisible();
  const decided = await ok(page.request.get(`/api/sessions/${id}/camera`), 'camera');
  expect(decided.consent).toBe('given');
  await page.getByRole('button', { name: 'Start the exam' }).click();
  await expect(page.getByRole('heading', { name: /^Question 1 of/ })).toBeVisible({ timeout: 20_000 });

  // The proctor of that center sees the still on the seat's row.
  await openConsole();
  await expect(console_.getByTestId('camera-setting')).toHaveText('Seat camera on: a still every 10 s, kept 7 days');
  const still = row.getByTestId('seat-still');
  await expect(still).toBeVisible({ timeout: 30_000 });
  await expect(still).toHaveAttribute('alt', new RegExp(`^Latest camera still of ${displayName}`));
  await expect.poll(() => still.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 15_000 }).toBe(320);
  // The next still (10 s later) replaces it through the live feed, without a reload.
  const firstSrc = (await still.getAttribute('src'))!;
  await expect(still).not.toHaveAttribute('src', firstSrc, { timeout: 30_000 });
  await expect.poll(() => still.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 15_000 }).toBe(320);
  await checkScreen(console_, 'proctor-seat-camera');
  await row.screenshot({ path: 'docs/screenshots/proctor-seat-camera.png' });

  // The timeline lists the stills, each shown.
  await row.getByRole('button', { name: `Timeline for ${displayName}` }).click();
  const timeline = console_.getByRole('dialog', { name: `Timeline: ${displayName}` });
  await expect(timeline.getByText('Agreed to the seat camera')).toBeVisible({ timeout: 15_000 });
  await expect(timeline.getByText('Camera still').first()).toBeVisible();
  await expect(timeline.getByRole('img', { name: new RegExp(`^Camera still of ${displayName}`) }).first()).toBeVisible();
  await checkScreen(console_, 'proctor-seat-camera-timeline');
  await console_.screenshot({ path: 'docs/screenshots/proctor-seat-camera-timeline.png' });

  // Stills are for that center's staff: the demo proctor (another center) is refused.
  const stills = await ok(admin.get(`/api/sessions/${id}/camera/stills`), 'stills');
  expect(stills.stills.length).toBeGreaterThanOrEqual(1);
  const other = await staff('proctor');
  expect((await other.get(`/api/sessions/${id}/camera/stills/${stills.stills[0].id}`)).status()).toBe(403);
  await other.dispose();
  await admin.dispose();
  await close();
});

test('declining: the exam goes on without stills and the proctor is told', async ({ browser }) => {
  test.setTimeout(240_000);
  const admin = await staff('admin');
  const { sessionId: id, displayName, page, console_, row, openConsole, close } = await cameraSeat(browser, admin, 'no');
  await page.goto(`/exams/${id}`);
  await page.getByRole('button', { name: 'I do not agree' }).click({ timeout: 20_000 });
  await page.getByRole('button', { name: 'Start the exam' }).click();
  await expect(page.getByRole('heading', { name: /^Question 1 of/ })).toBeVisible({ timeout: 20_000 });
  await openConsole();
  await expect(row).toContainText('Camera declined');
  await expect(console_.getByTestId('attention-item').filter({ hasText: displayName })).toContainText('Declined the seat camera', { timeout: 15_000 });
  expect((await ok(admin.get(`/api/sessions/${id}/camera/stills`), 'stills')).stills).toEqual([]);
  await admin.dispose();
  await close();
});

test('a camera the candidate blocks is an attention item, and the exam goes on', async ({ browser }) => {
  test.setTimeout(240_000);
  const admin = await staff('admin');
  const { sessionId: id, displayName, page, console_, openConsole, close } = await cameraSeat(browser, admin, 'off');
  // What Chromium answers when the user blocks the camera (the fake UI would allow it): the same DOMException.
  await page.addInitScript(() => {
    navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
  });
  await page.goto(`/exams/${id}`);
  await page.getByRole('button', { name: 'I agree to the seat camera' }).click({ timeout: 20_000 });
  await page.getByRole('button', { name: 'Start the exam' }).click();
  await expect(page.getByRole('heading', { name: /^Question 1 of/ })).toBeVisible({ timeout: 20_000 });
  await openConsole();
  await expect(console_.getByTestId('attention-item').filter({ hasText: displayName })).toContainText('Camera not working', { timeout: 20_000 });
  await checkScreen(console_, 'proctor-camera-failed');
  const timeline = await ok(admin.get(`/api/sessions/${id}/timeline`), 'timeline');
  expect(timeline.events.find((e: { event: string }) => e.event === 'incident.camera-failed')?.reason).toBe('camera permission denied: NotAllowedError');
  // The candidate can still answer.
  await page.getByRole('radio').first().check();
  await expect(page.getByTestId('save-text')).toHaveText(/All answers saved/, { timeout: 15_000 });
  await admin.dispose();
  await close();
});

test('the proctor reopens a refusal by keyboard; the candidate is asked again mid-exam, agrees, and a still arrives', async ({ browser }) => {
  test.setTimeout(300_000);
  const admin = await staff('admin');
  const { sessionId: id, displayName, page, console_, row, openConsole, close } = await cameraSeat(browser, admin, 're');
  await page.goto(`/exams/${id}`);
  await page.getByRole('button', { name: 'I do not agree' }).click({ timeout: 20_000 });
  await page.getByRole('button', { name: 'Start the exam' }).click();
  await expect(page.getByRole('heading', { name: /^Question 1 of/ })).toBeVisible({ timeout: 20_000 });
  await openConsole();
  await expect(row).toContainText('Camera declined', { timeout: 15_000 });

  // The proctor, by keyboard: the seat's action, a reason, Enter.
  await row.getByRole('button', { name: `Ask about camera again (${displayName})` }).focus();
  await console_.keyboard.press('Enter');
  const dialog = console_.getByRole('dialog', { name: `Ask ${displayName} again about the seat camera` });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel('Reason')).toBeFocused();
  await checkScreen(console_, 'proctor-camera-reopen');
  await console_.keyboard.type('Candidate asked to reconsider');
  await console_.keyboard.press('Enter');
  await expect(dialog).toBeHidden({ timeout: 15_000 });
  await expect(row).toContainText('Camera: asked again', { timeout: 15_000 });

  // The candidate's exam page asks again in a panel; the question (and its clock) stay.
  const panel = page.getByTestId('camera-reask');
  await expect(panel).toBeVisible({ timeout: 20_000 });
  await expect(panel.getByRole('heading', { name: 'Seat camera: please answer again' })).toBeVisible();
  await expect(page.getByRole('heading', { name: /^Question 1 of/ })).toBeVisible();
  const countdown = page.getByTestId('countdown');
  await expect(countdown).not.toHaveText((await countdown.textContent())!, { timeout: 15_000 });
  await checkScreen(page, 'camera-reask');
  await page.screenshot({ path: 'docs/screenshots/camera-reask.png' });
  await panel.getByRole('button', { name: 'I agree to the seat camera' }).focus();
  await page.keyboard.press('Enter');
  await expect(panel).toBeHidden({ timeout: 15_000 });

  // A still reaches the console; the reopening is on the record.
  await expect(row.getByTestId('seat-still')).toBeVisible({ timeout: 30_000 });
  const timeline = await ok(admin.get(`/api/sessions/${id}/timeline`), 'timeline');
  const events = timeline.events.map((e: { event: string }) => e.event);
  expect(events).toContain('incident.camera-reopened');
  expect(events).toContain('session.camera-decision-reopened');
  expect(events.lastIndexOf('session.camera-consented')).toBeGreaterThan(events.indexOf('session.camera-decision-reopened'));
  const history = await ok(admin.get(`/api/sessions/${id}/camera/history`), 'history');
  expect(history.history.map((h: { consent: string; reason: string }) => [h.consent, h.reason])).toEqual([['declined', 'Candidate asked to reconsider']]);
  await admin.dispose();
  await close();
});
