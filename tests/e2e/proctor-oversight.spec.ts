/**
 * #17.8 incidents as a record and #17.9 oversight, in Chromium: the proctor terminates with a category (it is
 * required), the incident list shows the categories; an extension past the per-exam cap goes to an admin, who approves
 * it on the Oversight tab; the admin reopens the terminated attempt. Axe on each new screen; screenshots for the docs.
 */
import { expect, test, type Page } from '@playwright/test';
import { checkScreen, scheduleSafety, staff, startedThroughApi } from './exam-helpers.ts';

async function openConsole(page: Page, role: 'admin' | 'proctor') {
  expect((await page.request.post('/api/auth/login', { data: { username: role, password: 'demo-password-1' } })).ok()).toBe(true);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('/proctor');
  const picker = page.getByRole('heading', { name: 'Choose a test center' });
  await expect(page.getByTestId('feed-status').or(picker)).toBeVisible({ timeout: 20_000 });
  if (await picker.isVisible()) {
    const select = page.getByRole('combobox', { name: 'Test center' });
    const demo = (await select.locator('option').allTextContents()).find((t) => t.includes('(DEMO-01)'))!;
    await select.selectOption({ label: demo });
    await page.getByRole('button', { name: 'Open console' }).click();
  }
  await expect(page.getByTestId('feed-status')).toHaveText('Live', { timeout: 20_000 });
}

const seatRow = (page: Page, name: string) => page.locator('#pc-panel-live tbody tr').filter({ has: page.locator('th', { hasText: name }) });

test('terminate with a category, incidents by category, an over-cap extension approved by an admin, an admin reopens', async ({ browser }) => {
  test.setTimeout(300_000);
  const extended = await scheduleSafety('overcap');
  const ended = await scheduleSafety('terminated');
  const candidates = await browser.newContext();
  await startedThroughApi(await candidates.newPage(), extended);
  await startedThroughApi(await candidates.newPage(), ended);

  const proctorContext = await browser.newContext();
  const page = await proctorContext.newPage();
  await openConsole(page, 'proctor');

  // 35 minutes is past the 30-minute cap: the extension becomes a request for an admin.
  await seatRow(page, extended.displayName).getByRole('button', { name: `Extend ${extended.displayName}` }).click();
  const extend = page.getByRole('dialog', { name: `Extend ${extended.displayName}'s time` });
  await extend.getByLabel('Extra minutes (1 to 120)').fill('35');
  await extend.getByLabel('Reason').fill('Workstation replaced');
  await extend.getByRole('button', { name: 'Give 35 more minutes' }).click();
  await expect(extend).toBeHidden();
  await expect(page.getByTestId('live-region')).toContainText('would pass the 30-minute cap', { timeout: 10_000 });

  // Terminate needs a category: without one the dialog says so and nothing is sent.
  await seatRow(page, ended.displayName).getByRole('button', { name: `Terminate ${ended.displayName}` }).click();
  const term = page.getByRole('alertdialog', { name: `Terminate ${ended.displayName}'s exam?` });
  await term.getByLabel('Reason').fill('Phone on the desk');
  await term.getByRole('button', { name: 'Terminate exam' }).click();
  await expect(term.getByText('Choose the category of the incident.')).toBeVisible();
  await expect(term.getByLabel('Category')).toBeFocused();
  await term.getByLabel('Category').selectOption('prohibited-item');
  await expect(term.getByLabel('Severity')).toHaveValue('high');
  await checkScreen(page, 'proctor-terminate-category');
  await term.screenshot({ path: 'docs/screenshots/proctor-terminate-category.png' });
  await term.getByRole('button', { name: 'Terminate exam' }).click();
  await expect(term).toBeHidden();
  await expect(seatRow(page, ended.displayName).getByTestId('seat-state')).toHaveText(/Ended/, { timeout: 10_000 });

  // The incident list shows each incident's category and severity.
  await page.getByRole('tab', { name: 'Incidents' }).click();
  const incidents = page.getByRole('tabpanel', { name: 'Incidents' });
  await incidents.getByRole('button', { name: 'Download incidents (CSV)' }).click();
  const table = incidents.getByRole('table');
  const terminated = table.getByRole('row').filter({ hasText: ended.displayName }).filter({ hasText: 'terminated' });
  await expect(terminated).toContainText('Prohibited item');
  await expect(terminated).toContainText('high');
  await expect(terminated).toContainText('Phone on the desk');
  await expect(table.getByRole('row').filter({ hasText: extended.displayName }).filter({ hasText: 'extension requested' })).toContainText('Administrative');
  await checkScreen(page, 'proctor-incidents-categories');
  await incidents.screenshot({ path: 'docs/screenshots/proctor-incidents-categories.png' });

  // The proctor sees the request waiting; only an admin decides.
  await page.getByRole('tab', { name: 'Oversight' }).click();
  const proctorView = page.getByRole('tabpanel', { name: 'Oversight' });
  await expect(proctorView.getByTestId('extension-request').filter({ hasText: extended.displayName })).toContainText('Workstation replaced');
  await expect(proctorView.getByRole('button', { name: /^Approve/ })).toHaveCount(0);

  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await openConsole(admin, 'admin');
  await admin.getByRole('tab', { name: 'Oversight' }).click();
  const oversight = admin.getByRole('tabpanel', { name: 'Oversight' });
  const request = oversight.getByTestId('extension-request').filter({ hasText: extended.displayName });
  await expect(request).toContainText('35');
  await expect(request).toContainText('Demo Proctor');
  await expect(oversight.getByTestId('reopenable').filter({ hasText: ended.displayName })).toBeVisible({ timeout: 15_000 });
  await checkScreen(admin, 'admin-oversight');
  await oversight.screenshot({ path: 'docs/screenshots/proctor-oversight.png' });

  await request.getByRole('button', { name: `Approve 35 minutes for ${extended.displayName}` }).click();
  const approve = admin.getByRole('dialog', { name: `Approve 35 minutes for ${extended.displayName}` });
  await approve.getByLabel('Note (optional)').fill('Documented hardware failure');
  await approve.getByRole('button', { name: 'Approve extension' }).click();
  await expect(approve).toBeHidden();
  // (Not the live region: the console's own "Needs attention" announcements may replace its text at any moment.)
  await expect(request).toHaveCount(0);

  // The admin reopens the terminated attempt; it is paused until the proctor resumes it.
  await oversight.getByRole('button', { name: `Reopen ${ended.displayName}'s exam` }).click();
  const reopen = admin.getByRole('alertdialog', { name: `Reopen ${ended.displayName}'s exam` });
  await reopen.getByLabel('Reason').fill('The phone was the proctor’s own');
  await reopen.getByLabel('Minutes to credit (0 to 120)').fill('5');
  await checkScreen(admin, 'admin-reopen-dialog');
  await reopen.getByRole('button', { name: 'Reopen exam' }).click();
  await expect(reopen).toBeHidden();

  const api = await staff('proctor');
  await expect
    .poll(async () => (await (await api.get(`/api/sessions/${ended.sessionId}`)).json()) as { state: string; pauseReason: string | null }, { timeout: 15_000 })
    .toMatchObject({ state: 'paused', pauseReason: 'reopened' });
  const ledger = (await (await api.get(`/api/sessions/${extended.sessionId}/time-ledger`)).json()) as { kind: string; amountMs: number | null }[];
  expect(ledger.filter((l) => l.kind === 'extend').map((l) => l.amountMs)).toEqual([35 * 60_000]);
  await expect(seatRow(page, ended.displayName).getByTestId('seat-state')).not.toHaveText(/Ended/, { timeout: 15_000 });
  await api.dispose();
  await candidates.close();
  await proctorContext.close();
  await adminContext.close();
});
