/**
 * The score report screen. GET /api/sessions/:id/report is being built on the server side at the same time, so this
 * test answers it in the browser with a report of the agreed shape: first 404 (the result is being prepared), then
 * the scored report. It checks the pass/fail against the cut, raw and percent, the KWA table with bands and labels,
 * the note, axe, and the print stylesheet.
 */
import { expect, test } from '@playwright/test';
import { checkScreen, proctorAction, scheduleSafety, startedThroughApi } from './exam-helpers.ts';

test('the score report shows the result, the KWA diagnostic, and prints cleanly', async ({ page }) => {
  const s = await scheduleSafety('report');
  await startedThroughApi(page, s);
  await proctorAction(s, 'terminate', { category: 'other', note: 'ended for the report test' });

  // 404 (being prepared) until the pending screen has been checked: the page also asks again as soon as the socket
  // says result-ready, which for an already scored session comes at once.
  let prepared = false;
  await page.route(`**/api/sessions/${s.sessionId}/report`, async (route) => {
    if (!prepared) return route.fulfill({ status: 404, json: { code: 'NOT_FOUND', message: 'No report yet' } });
    return route.fulfill({
      json: {
        sessionId: s.sessionId,
        candidateName: s.displayName,
        module: 'SAF',
        moduleTitle: 'Safety',
        testCenter: 'Demo Test Center (sample data)',
        date: new Date().toISOString(),
        endReason: 'submitted',
        status: 'scored',
        result: {
          scoredItems: 80,
          rawScore: 64,
          percent: 80,
          cutPercent: 76,
          rawCut: 61,
          passed: true,
          kwas: [
            { kwa: 'SAF-1', title: 'Work in a safe and healthy manner', items: 30, correct: 27, percent: 90, band: { low: 74.4, high: 96.5 }, label: 'strength' },
            { kwa: 'SAF-2', title: 'Complete safety training', items: 40, correct: 29, percent: 72.5, band: { low: 56.9, high: 84.2 }, label: 'review' },
            { kwa: 'SAF-3', title: 'Carry out safety inspections', items: 4, correct: 3, percent: 75, band: { low: 30.1, high: 95.4 }, label: 'too-few-items' },
          ],
          diagnosticNote: 'The diagnostic is for self-improvement; it does not decide pass or fail.',
        },
        certificate: null,
      },
    });
  });

  await page.goto(`/exams/${s.sessionId}/report`);
  await expect(page.getByTestId('report-pending')).toHaveText(/Your result is being prepared/);
  await expect(page.getByTestId('end-notice')).toHaveText('The proctor ended this exam.');
  await checkScreen(page, 'score-report-preparing');
  prepared = true;

  await expect(page.getByRole('heading', { name: 'Result: Pass' })).toBeVisible({ timeout: 10_000 });
  await expect(page.getByText(/Your score: 64 of 80 scored questions \(80%\)\. The cut score is 76% \(61 of 80\)\./)).toBeVisible();
  const table = page.getByRole('table');
  await expect(table.getByRole('row')).toHaveCount(4);
  await expect(table.getByRole('row', { name: /SAF-2/ })).toContainText('56.9%–84.2%');
  await expect(table.getByRole('row', { name: /SAF-2/ })).toContainText('Review this area');
  await expect(table.getByRole('row', { name: /SAF-3/ })).toContainText('Too few questions to judge');
  await expect(page.getByText('it does not decide pass or fail')).toBeVisible();
  await checkScreen(page, 'score-report-scored');

  await page.emulateMedia({ media: 'print' });
  await expect(page.getByRole('button', { name: 'Print report' })).toBeHidden();
  await expect(page.locator('header.top')).toBeHidden();
  await page.screenshot({ path: 'test-results/screens/score-report-print.png', fullPage: true });
});
