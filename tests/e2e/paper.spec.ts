/**
 * Paper delivery in the browser (#21.2): in the proctor console a proctor produces a seat's paper form, downloads the
 * booklet (read back with poppler), keys entry 1; a second person's entry 2 differs and the difference is shown; once
 * corrected the proctor records the responses and the exam is scored. A second test uploads a scanner CSV through the
 * tab's file field: a wrong candidate code is refused with its line, the corrected file is recorded and scored, and
 * the candidate's score report shows the result.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { pdfText } from '../helpers/pdf-tools.ts';
import { checkScreen, scheduleSafety, staff } from './exam-helpers.ts';

test('a proctor produces a paper form, keys it with a second person, and records it', async ({ page }) => {
  test.setTimeout(180_000);
  const s = await scheduleSafety('paper');
  const admin = await staff('admin');
  expect((await page.request.post('/api/auth/login', { data: { username: 'proctor', password: 'demo-password-1' } })).ok()).toBe(true);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('/proctor');
  await expect(page.getByRole('heading', { level: 1, name: 'Proctor console' })).toBeVisible();
  await page.getByRole('tab', { name: 'Paper exams' }).click();
  const panel = page.locator('#pc-panel-paper');
  const seatOption = panel.getByLabel('Seat').locator('option', { hasText: s.displayName });
  await expect(seatOption).toHaveCount(1, { timeout: 20_000 });
  await panel.getByLabel('Seat').selectOption({ label: (await seatOption.textContent())! });
  await panel.getByRole('button', { name: 'Produce paper form' }).click();
  const heading = panel.getByRole('heading', { name: /^Booklet \d{9}/ });
  await expect(heading).toBeVisible({ timeout: 20_000 });
  const code = /Booklet (\d{9})/.exec((await heading.textContent())!)![1]!;
  await expect(panel.getByTestId('paper-state')).toContainText('Waiting for two keyed entries · 86 questions');
  await checkScreen(page, 'paper-tab');

  const download = page.waitForEvent('download');
  await panel.getByRole('link', { name: 'Download test booklet (PDF)' }).click();
  const file = await (await download).path();
  expect(pdfText(readFileSync(file))).toContain(`Booklet code ${code}`);

  const marks = 'ABCD'.repeat(21) + 'AB';
  await panel.getByLabel(/^Entry 1/).fill(marks);
  await panel.getByRole('button', { name: 'Save entry 1' }).click();
  await expect(panel.getByLabel(/^Entry 1 \(saved by/)).toBeVisible();
  // The second person keys from another workstation, with one slip on question 86.
  expect((await admin.put(`/api/sessions/${s.sessionId}/paper/entries/2`, { data: { marks: marks.slice(0, 85) + 'C' } })).ok()).toBe(true);
  await panel.getByLabel('Seat').selectOption('');
  await panel.getByLabel('Seat').selectOption({ label: (await seatOption.textContent())! });
  await expect(panel.getByTestId('paper-state')).toContainText('The entries differ');
  const diff = panel.getByRole('table', { name: 'Questions where the entries differ' });
  await expect(diff.getByRole('row', { name: '86 B C' })).toBeVisible();
  await expect(panel.getByRole('button', { name: 'Record responses and score' })).toBeDisabled();
  expect((await admin.put(`/api/sessions/${s.sessionId}/paper/entries/2`, { data: { marks } })).ok()).toBe(true);
  await panel.getByLabel('Seat').selectOption('');
  await panel.getByLabel('Seat').selectOption({ label: (await seatOption.textContent())! });
  await expect(panel.getByTestId('paper-state')).toContainText('ready to record');
  await panel.getByRole('button', { name: 'Record responses and score' }).click();
  await expect(panel.getByTestId('paper-state')).toContainText('Recorded and scored');
  await expect.poll(async () => (await (await s.proctor.get(`/api/sessions/${s.sessionId}/report`)).json()).status, { timeout: 20_000 }).toBe('scored');
});

test("a proctor uploads the scanner's CSV in the console, sees a bad file refused with its place, then the sheet recorded and scored", async ({ page }) => {
  test.setTimeout(180_000);
  const s = await scheduleSafety('paper-scan');
  const produced = await s.proctor.post(`/api/sessions/${s.sessionId}/paper`, { data: {} });
  expect(produced.ok(), await produced.text()).toBe(true);
  const st = (await produced.json()) as { bookletCode: string; candidateCode: string; questions: number };
  // The scanner's file: the first 50 questions marked A, one double mark, the rest left blank.
  const marks = Array.from({ length: st.questions }, (_, i) => (i < 50 ? 'A' : i === 50 ? '*' : ''));
  const header = ['booklet_code', 'candidate_code', ...marks.map((_, i) => `q${i + 1}`)].join(',');
  const csvOf = (candidateCode: string) => Buffer.from(`${header}\r\n${[st.bookletCode, candidateCode, ...marks].join(',')}\r\n`);
  const wrongCandidate = st.candidateCode === '000000000' ? '000000018' : '000000000';

  expect((await page.request.post('/api/auth/login', { data: { username: 'proctor', password: 'demo-password-1' } })).ok()).toBe(true);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('/proctor');
  await page.getByRole('tab', { name: 'Paper exams' }).click();
  const form = page.locator('#pc-panel-paper').getByRole('form', { name: 'Scanned answer sheets' });
  const upload = form.getByLabel(/The scanner's CSV file/);
  const submit = form.getByRole('button', { name: 'Record scanned sheets' });
  await expect(submit).toBeDisabled();

  await upload.setInputFiles({ name: 'scan-bad.csv', mimeType: 'text/csv', buffer: csvOf(wrongCandidate) });
  await expect(submit).toBeEnabled();
  await submit.click();
  await expect(form).toContainText(`Line 2: candidate code ${wrongCandidate} does not belong to booklet ${st.bookletCode}`);
  await expect(form.getByRole('status')).toHaveCount(0);
  expect(((await (await s.proctor.get(`/api/sessions/${s.sessionId}/paper`)).json()) as { state: string }).state).toBe('awaiting-entries');

  await upload.setInputFiles({ name: 'scan.csv', mimeType: 'text/csv', buffer: csvOf(st.candidateCode) });
  await submit.click();
  await expect(form.getByRole('status')).toHaveText(`1 answer sheet recorded and scored: ${st.bookletCode}.`, { timeout: 20_000 });
  await expect(form).not.toContainText('does not belong');
  await checkScreen(page, 'paper-scan-recorded');

  // The seat now reads as recorded from the scanner, with the 50 marked answers saved (the double mark counts as none).
  const panel = page.locator('#pc-panel-paper');
  const seatOption = panel.getByLabel('Seat').locator('option', { hasText: s.displayName });
  await panel.getByLabel('Seat').selectOption({ label: (await seatOption.textContent())! });
  await expect(panel.getByTestId('paper-state')).toContainText('Recorded and scored');
  const saved = (await (await s.proctor.get(`/api/sessions/${s.sessionId}/responses`)).json()) as { optionId: string | null }[];
  expect(saved.filter((r) => r.optionId !== null)).toHaveLength(50);

  // The candidate sees the scored result on the ordinary score report.
  await page.context().clearCookies();
  expect((await page.request.post('/api/auth/login', { data: { username: s.username, password: s.password } })).ok()).toBe(true);
  const report = (await (await page.request.get(`/api/sessions/${s.sessionId}/report`)).json()) as { status: string; result: { rawScore: number; scoredCount?: number } };
  expect(report.status).toBe('scored');
  expect(report.result.rawScore).toBeLessThanOrEqual(50);
  await page.goto(`/exams/${s.sessionId}/report`);
  await expect(page.getByRole('heading', { name: /^Result: (Pass|Not passed)$/ })).toBeVisible({ timeout: 20_000 });
  await expect(page.getByText(new RegExp(`Your score: ${report.result.rawScore} of \\d+ scored questions`))).toBeVisible();
});
