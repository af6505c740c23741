/**
 * What must never go wrong mid-exam: a reload keeps every answer (even one the server had not acknowledged yet), a
 * network cut loses nothing, a proctor's pause, extension and termination show on screen. Also: moving to the next
 * question paints in well under 50 ms, the layout survives 200% zoom, and the high-contrast theme sticks.
 */
import { expect, test, type Page } from '@playwright/test';
import { checkScreen, currentAnswer, proctorAction, responses, scheduleSafety, startedThroughApi } from './exam-helpers.ts';

async function openExam(page: Page, sessionId: string) {
  await page.goto(`/exams/${sessionId}`);
  await expect(page.getByRole('heading', { name: 'Question 1 of 86' })).toBeVisible();
  await expect(page.getByTestId('connection')).toHaveText(/Connected/);
}

/** Chooses option `n` (1-based) of the question on screen by clicking its label; returns what was chosen. */
async function choose(page: Page, n: number) {
  await page.locator('.question-panel label.option').nth(n - 1).click();
  return currentAnswer(page);
}

test('a reload mid-exam keeps every answer, the position, the flags and an answer the server had not acknowledged', async ({ page }) => {
  const s = await scheduleSafety('reload');
  let holdAnswers = false;
  // Between the page and the server: while holdAnswers is set, answers do not reach the server (so they are not acked).
  await page.routeWebSocket(/\/ws\/session$/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((m) => {
      if (holdAnswers && typeof m === 'string' && JSON.parse(m).type === 'answer') return;
      server.send(m);
    });
  });
  await startedThroughApi(page, s);
  await openExam(page, s.sessionId);

  const chosen = [await choose(page, 2)];
  await page.getByRole('button', { name: 'Next' }).click();
  chosen.push(await choose(page, 3));
  await page.getByRole('button', { name: 'Flag for review' }).click();
  await page.getByRole('button', { name: 'Next' }).click();
  chosen.push(await choose(page, 1));
  await expect(page.getByTestId('save-text')).toHaveText(/All answers saved/);

  holdAnswers = true;
  await page.getByRole('button', { name: 'Next' }).click();
  const unacked = await choose(page, 4);
  await expect(page.getByTestId('save-text')).toHaveText('⟳ 1 answer waiting to save');
  const stored = await page.evaluate((id) => localStorage.getItem(`cpt-exam:outbox:${id}`), s.sessionId);
  expect(JSON.parse(stored!).entries.some((e: { itemId: string; optionId: string }) => e.itemId === unacked.itemId && e.optionId === unacked.optionId)).toBe(true);

  holdAnswers = false;
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Question 4 of 86' })).toBeVisible();
  expect(await currentAnswer(page)).toEqual(unacked);
  await expect(page.getByRole('button', { name: 'Question 1, answered', exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Question 2, answered, flagged' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Question 3, answered', exact: true })).toBeVisible();
  await expect(page.getByTestId('save-text')).toHaveText(/All answers saved/);

  const saved = await responses(s);
  for (const c of [...chosen, unacked]) expect(saved.find((r) => r.itemId === c.itemId)?.optionId).toBe(c.optionId);

  // Numbering continues after the reload (a fresh sequence would be ignored as older by the server).
  await page.getByRole('button', { name: 'Question 1, answered', exact: true }).click();
  const changed = await choose(page, 4);
  await expect(page.getByTestId('save-text')).toHaveText(/All answers saved/);
  expect((await responses(s)).find((r) => r.itemId === changed.itemId)?.optionId).toBe(changed.optionId);

  // The high-contrast theme (in the exam's Tools) is kept across reloads.
  await page.getByRole('button', { name: 'Tools' }).click();
  await page.getByRole('button', { name: 'High contrast' }).click();
  await page.reload();
  await page.getByRole('button', { name: 'Tools' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'high-contrast');
  await expect(page.getByRole('button', { name: 'High contrast' })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByRole('heading', { name: 'Question 1 of 86' })).toBeVisible();
  await checkScreen(page, 'exam-high-contrast');
  await page.getByRole('button', { name: 'High contrast' }).click();
});

test('answers given while the network is down are all saved once it is back', async ({ page, context }) => {
  const s = await scheduleSafety('offline');
  await startedThroughApi(page, s);
  await openExam(page, s.sessionId);
  const chosen = [await choose(page, 1)];
  await expect(page.getByTestId('save-text')).toHaveText(/All answers saved/);

  await context.setOffline(true);
  await expect(page.getByTestId('connection')).toHaveText(/Offline/);
  for (let i = 0; i < 5; i++) {
    await page.getByRole('button', { name: 'Next' }).click();
    chosen.push(await choose(page, (i % 4) + 1));
  }
  await page.getByRole('button', { name: 'Flag for review' }).click();
  await expect(page.getByTestId('save-text')).toHaveText('⟳ 6 answers waiting to save');
  await expect(page.getByRole('button', { name: 'Question 6, answered, flagged' })).toBeVisible();
  await checkScreen(page, 'exam-offline');

  // Submitting is refused while answers are unsaved and the network is down.
  await page.getByRole('button', { name: 'Review and submit' }).click();
  await page.getByRole('button', { name: 'Submit exam…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Submit your exam?' });
  await expect(dialog).toContainText('You are offline: you cannot submit');
  await dialog.getByRole('button', { name: 'Return to review' }).click();

  await context.setOffline(false);
  await expect(page.getByTestId('connection')).toHaveText(/Connected/, { timeout: 10_000 });
  await expect(page.getByTestId('save-text')).toHaveText(/All answers saved/);
  const saved = await responses(s);
  for (const c of chosen) expect(saved.find((r) => r.itemId === c.itemId)?.optionId).toBe(c.optionId);
  expect(saved.find((r) => r.itemId === chosen[5]!.itemId)?.flagged).toBe(true);
});

test('pause, extension, resume and termination by the proctor show on screen; the layout reflows at 200% zoom', async ({ page }) => {
  test.setTimeout(180_000); // survives a load average of 15+
  const s = await scheduleSafety('proctor');
  await startedThroughApi(page, s);
  await openExam(page, s.sessionId);

  // Next-question paint time: the whole form is in memory, so no network is on this path.
  const times = await page.evaluate(async () => {
    const out: number[] = [];
    const frame = () => new Promise<void>((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    for (let i = 0; i < 12; i++) {
      const before = document.querySelector('[data-testid=stem]')!.textContent;
      const next = [...document.querySelectorAll('button')].find((b) => b.textContent === 'Next')!;
      const t0 = performance.now();
      next.click();
      while (document.querySelector('[data-testid=stem]')!.textContent === before) await new Promise((r) => setTimeout(r, 0));
      await frame(); // painted
      out.push(performance.now() - t0);
    }
    return out;
  });
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  console.log(`next-question paint: median ${median.toFixed(1)} ms, max ${sorted[sorted.length - 1]!.toFixed(1)} ms over ${times.length} moves`);
  expect(median).toBeLessThan(50);
  await expect(page.getByRole('heading', { name: 'Question 13 of 86' })).toBeVisible();

  // 200% zoom on a 1280-pixel screen is a 640-pixel viewport: one column, nothing cut off sideways.
  await page.setViewportSize({ width: 640, height: 720 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  await page.getByRole('button', { name: 'Next' }).scrollIntoViewIfNeeded();
  await checkScreen(page, 'exam-zoom-200');
  await page.setViewportSize({ width: 1280, height: 720 });

  // Copy, cut, paste and the context menu are blocked inside the exam content.
  const blocked = await page.evaluate(() => {
    const stem = document.querySelector('[data-testid=stem]')!;
    return ['copy', 'cut', 'paste', 'contextmenu'].map((type) => {
      const e = new Event(type, { bubbles: true, cancelable: true });
      stem.dispatchEvent(e);
      return e.defaultPrevented;
    });
  });
  expect(blocked).toEqual([true, true, true, true]);

  await proctorAction(s, 'pause', { reason: 'fire drill' });
  const overlay = page.getByRole('alertdialog', { name: 'Exam paused' });
  await expect(overlay).toBeVisible();
  await expect(overlay).toContainText('fire drill');
  await expect(overlay).toBeFocused();
  await expect(page.getByText('Time left (stopped)')).toBeVisible();
  // Nothing to read while paused (#17.2): the question and its options are not in the page.
  await expect(page.getByTestId('paused-panel')).toBeAttached();
  await expect(page.getByTestId('stem')).toHaveCount(0);
  await expect(page.locator('.question-panel input[type=radio]')).toHaveCount(0);
  // Shortcuts do nothing behind the overlay.
  await page.keyboard.press('n');
  await checkScreen(page, 'pause-overlay');
  // A reload during the pause brings no question either (the server sends none while paused).
  await page.reload();
  await expect(overlay).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('stem')).toHaveCount(0);

  await proctorAction(s, 'extend', { minutes: 10, reason: 'late start' });
  await proctorAction(s, 'resume', {});
  await expect(overlay).toBeHidden();
  // On resume the same question comes back (the form is fetched again after the reload), focus on its heading.
  await expect(page.getByRole('heading', { name: 'Question 13 of 86' })).toBeFocused({ timeout: 20_000 });
  await expect(page.getByTestId('stem')).toBeVisible();
  await expect(page.getByText('The proctor gave you 10 more minutes.')).toBeVisible();
  await expect(page.getByTestId('countdown')).toHaveText(/^1:3\d:\d\d$/);
  await page.keyboard.press('2');
  await expect(page.getByTestId('save-text')).toHaveText(/All answers saved/);

  await proctorAction(s, 'terminate', { category: 'prohibited-item', note: 'candidate used a phone' });
  await expect(page.getByRole('heading', { name: 'Your exam was ended' })).toBeVisible();
  await expect(page.getByTestId('end-notice')).toHaveText('The proctor ended your exam. Reason: candidate used a phone');
  await checkScreen(page, 'terminated');
  await page.getByRole('button', { name: 'See your score report' }).click();
  await expect(page.getByRole('heading', { name: 'Score report' })).toBeVisible();
  await expect(page.getByTestId('report-pending').or(page.getByRole('heading', { name: /Result:/ }))).toBeVisible();
  await checkScreen(page, 'score-report-pending');
});
