/**
 * The proctor console against the real server, with two browser contexts: a candidate taking a Safety exam and the
 * demo proctor at /proctor. Every test makes its own candidate (the retake rules refuse a second sitting of a failed
 * module), so tests share nothing and run in any order. Screenshots go to test-results/screens/proctor-*.png.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, request as playwrightRequest, test, type APIRequestContext, type Browser, type Locator, type Page, type WebSocketRoute } from '@playwright/test';
import { E2E_BASE } from './support/chromium.ts';

/** The server of playwright.config.ts (read from the running test, so a different port needs no edit here). */
const base = () => test.info().project.use.baseURL ?? E2E_BASE;
const DEMO_PASSWORD = 'demo-password-1';
const CANDIDATE_PASSWORD = 'candidate-pass-1';

interface Candidate {
  id: string;
  username: string;
  displayName: string;
}

async function staff(role: 'admin' | 'proctor'): Promise<APIRequestContext> {
  const ctx = await playwrightRequest.newContext({ baseURL: base() });
  const r = await ctx.post('/api/auth/login', { data: { username: role, password: DEMO_PASSWORD } });
  expect(r.ok(), `login ${role}`).toBe(true);
  return ctx;
}

async function ok<T = any>(res: Promise<import('@playwright/test').APIResponse>, what: string): Promise<T> {
  const r = await res;
  expect(r.ok(), `${what}: ${r.status()} ${await r.text()}`).toBe(true);
  return r.json() as Promise<T>;
}

const unique = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

/** A new candidate at DEMO-01, created by the admin. The display name is unique so the roster row is too. */
async function newCandidate(label: string): Promise<Candidate> {
  const admin = await staff('admin');
  const suffix = unique();
  const username = `pc-${label}-${suffix}`.toLowerCase();
  const displayName = `Pat ${label} ${suffix}`;
  const user = await ok(admin.post('/api/admin/users', { data: { username, displayName, role: 'candidate', password: CANDIDATE_PASSWORD, testCenterCodes: ['DEMO-01'] } }), 'create candidate');
  await admin.dispose();
  return { id: user.id, username, displayName };
}

let centerId: string | null = null;
async function demoCenterId(api: APIRequestContext): Promise<string> {
  if (centerId) return centerId;
  const centers = await ok<{ id: string; code: string }[]>(api.get('/api/test-centers'), 'centers');
  centerId = (centers.find((c) => c.code === 'DEMO-01') ?? centers[0]!).id;
  return centerId;
}

/** A Safety session for the candidate, scheduled now by the demo proctor. */
async function scheduleSafety(c: Candidate): Promise<string> {
  const proctor = await staff('proctor');
  const s = await ok(proctor.post('/api/sessions', { data: { candidateId: c.id, module: 'SAF', testCenterId: await demoCenterId(proctor), scheduledAt: new Date().toISOString() } }), 'schedule');
  await proctor.dispose();
  return s.id;
}

/** A browser context signed in as the candidate, on the exam page. */
async function candidatePage(browser: Browser, c: Candidate, sessionId: string): Promise<Page> {
  const context = await browser.newContext({ baseURL: base() });
  await ok(context.request.post('/api/auth/login', { data: { username: c.username, password: CANDIDATE_PASSWORD } }), 'candidate login');
  const page = await context.newPage();
  await page.goto(`/exams/${sessionId}`);
  return page;
}

/** Check-in, admission, rules and start through the API (for tests about what happens later), then the exam screen. */
async function inExam(browser: Browser, c: Candidate): Promise<{ page: Page; sessionId: string }> {
  const sessionId = await scheduleSafety(c);
  const context = await browser.newContext({ baseURL: base() });
  const req = context.request;
  await ok(req.post('/api/auth/login', { data: { username: c.username, password: CANDIDATE_PASSWORD } }), 'candidate login');
  await ok(req.post(`/api/sessions/${sessionId}/check-in`), 'check in');
  const proctor = await staff('proctor');
  await ok(proctor.post(`/api/sessions/${sessionId}/admit`, { data: { idConfirmed: true } }), 'admit');
  await proctor.dispose();
  const handbook = await ok(req.get('/api/handbook'), 'handbook');
  await ok(req.post(`/api/sessions/${sessionId}/handbook`, { data: { version: handbook.version } }), 'acknowledge');
  await ok(req.post(`/api/sessions/${sessionId}/start`), 'start');
  const page = await context.newPage();
  await page.goto(`/exams/${sessionId}`);
  await expect(page.getByRole('heading', { name: 'Question 1 of 86' })).toBeVisible();
  await expect(page.getByTestId('connection')).toHaveText(/Connected/);
  return { page, sessionId };
}

async function openConsole(page: Page) {
  await ok(page.request.post('/api/auth/login', { data: { username: 'proctor', password: DEMO_PASSWORD } }), 'proctor login');
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('/proctor');
  await expect(page.getByRole('heading', { level: 1, name: 'Proctor console' })).toBeVisible();
  await expect(page.getByTestId('feed-status')).toHaveText('Live');
}

function seat(page: Page, name: string): Locator {
  return page.locator('#pc-panel-live tbody tr').filter({ has: page.locator('th', { hasText: name }) });
}

async function checkScreen(page: Page, name: string, opts: { include?: string } = {}) {
  await page.screenshot({ path: `test-results/screens/${name}.png`, fullPage: true });
  let axe = new AxeBuilder({ page });
  if (opts.include) axe = axe.include(opts.include);
  const result = await axe.analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`), `axe on ${name}`).toEqual([]);
}

/** Milliseconds until the locator shows (the console's actions must reach the candidate within about a second). */
async function timeUntil(action: () => Promise<unknown>, visible: Locator): Promise<number> {
  const t0 = Date.now();
  await action();
  await expect(visible).toBeVisible({ timeout: 3000 });
  return Date.now() - t0;
}

test('admit with the ID check, pause, resume, extend, timeline and terminate reach the candidate; a second sitting is refused', async ({ page, browser }) => {
  test.setTimeout(180_000); // survives a load average of 15+
  const c = await newCandidate('flow');
  const sessionId = await scheduleSafety(c);
  await openConsole(page);
  const row = seat(page, c.displayName);
  await expect(row.getByTestId('seat-state')).toHaveText(/Scheduled/);

  // The candidate checks in on their own screen; the console shows the seat waiting, by push.
  const cand = await candidatePage(browser, c, sessionId);
  await cand.getByRole('button', { name: 'Check in' }).click();
  await expect(cand.getByRole('heading', { name: 'Waiting for the proctor' })).toBeVisible();
  await expect(row.getByTestId('seat-state')).toHaveText(/Waiting \(checked in\)/);

  // Admit: the photo-ID box is required.
  await page.getByRole('button', { name: `Admit ${c.displayName}` }).click();
  const admit = page.getByRole('dialog', { name: `Admit ${c.displayName}` });
  await expect(admit.getByRole('checkbox', { name: "I checked this candidate's photo ID" })).toBeFocused();
  await admit.getByRole('button', { name: 'Admit candidate' }).click();
  await expect(admit.getByRole('alert')).toHaveText('Tick the box to confirm that you checked the photo ID.');
  await checkScreen(page, 'proctor-admit-dialog', { include: '.dialog' });
  await admit.getByRole('checkbox', { name: "I checked this candidate's photo ID" }).check();
  await admit.getByRole('button', { name: 'Admit candidate' }).click();
  await expect(admit).toBeHidden();
  await expect(row.getByTestId('seat-state')).toHaveText(/Admitted/);
  await expect(page.getByTestId('live-region')).toHaveText(`Admitted ${c.displayName}.`);

  // Starting before the candidate accepted the rules: the server refuses, and says why next to the button.
  await row.getByRole('button', { name: `Start ${c.displayName}` }).click();
  await expect(row.getByRole('alert')).toHaveText('Cannot start: the candidate handbook has not been acknowledged');
  await expect(row.getByRole('button', { name: `Start ${c.displayName}` })).toHaveAccessibleDescription('Cannot start: the candidate handbook has not been acknowledged');

  // The candidate moves on by itself, reads the rules and starts.
  await expect(cand.getByRole('heading', { name: 'Candidate rules' })).toBeVisible({ timeout: 8000 });
  await cand.getByRole('checkbox', { name: /I have read these rules/ }).check();
  await cand.getByRole('button', { name: 'Confirm and continue' }).click();
  await cand.getByRole('button', { name: 'Start the exam' }).click();
  await expect(cand.getByRole('heading', { name: 'Question 1 of 86' })).toBeVisible();
  await expect(row.getByTestId('seat-state')).toHaveText(/In progress/);
  await expect(row.getByRole('alert')).toHaveCount(0); // the old refusal went with the old state
  await expect(row.getByTestId('seat-connection')).toContainText('Connected');
  await expect(row).toContainText('0 of 86');

  // Pause with a reason: the candidate's pause overlay shows it.
  await row.getByRole('button', { name: `Pause ${c.displayName}` }).click();
  const pause = page.getByRole('dialog', { name: `Pause ${c.displayName}'s exam` });
  await pause.getByRole('button', { name: 'Pause exam' }).click();
  await expect(pause.getByRole('alert')).toHaveText('Give a reason (at least 3 characters).');
  await pause.getByLabel('Reason').fill('Candidate question');
  const overlay = cand.getByRole('alertdialog', { name: 'Exam paused' });
  const pausedIn = await timeUntil(() => pause.getByRole('button', { name: 'Pause exam' }).click(), overlay);
  console.log(`pause reached the candidate in ${pausedIn} ms`);
  expect(pausedIn).toBeLessThan(2000);
  await expect(overlay).toContainText('Candidate question');
  await expect(row.getByTestId('seat-state')).toContainText('Paused');
  await expect(row.getByTestId('seat-state')).toContainText('Reason: Candidate question');
  await expect(row.getByTestId('seat-remaining')).toContainText('stopped');
  // The Pause button became Resume in place, so the keyboard is still on it.
  await expect(row.getByRole('button', { name: `Resume ${c.displayName}` })).toBeFocused();
  await checkScreen(page, 'proctor-paused-row');

  await page.keyboard.press('Enter'); // Resume, from the keyboard
  await expect(overlay).toBeHidden({ timeout: 2000 });
  await expect(row.getByTestId('seat-state')).toHaveText(/In progress/);

  // Extend by 15 minutes: the candidate's countdown grows past 1:40.
  const countdown = cand.getByTestId('countdown');
  await expect(countdown).toHaveText(/^1:2\d:\d\d$/);
  await row.getByRole('button', { name: `Extend ${c.displayName}` }).click();
  const extend = page.getByRole('dialog', { name: `Extend ${c.displayName}'s time` });
  await extend.getByRole('spinbutton', { name: 'Extra minutes (1 to 120)' }).fill('121');
  await extend.getByLabel('Reason').fill('Late start');
  await extend.getByRole('button', { name: /Give/ }).click();
  await expect(extend.getByRole('alert')).toHaveText('Enter a whole number of minutes from 1 to 120.');
  await extend.getByRole('spinbutton', { name: 'Extra minutes (1 to 120)' }).fill('15');
  await extend.getByRole('button', { name: 'Give 15 more minutes' }).click();
  await expect(extend).toBeHidden();
  await expect(countdown).toHaveText(/^1:4\d:\d\d$/, { timeout: 2000 });
  await expect(row.getByTestId('seat-remaining')).toHaveText(/^1:4\d:\d\d/);

  // The timeline lists everything in order; Escape closes it and gives focus back.
  const timelineButton = row.getByRole('button', { name: `Timeline for ${c.displayName}` });
  await timelineButton.click();
  const timeline = page.getByRole('dialog', { name: `Timeline: ${c.displayName}` });
  const events = timeline.getByRole('listitem');
  await expect(events.filter({ hasText: 'Extra time given' })).toHaveCount(1);
  const texts = await events.allTextContents();
  const at = (s: string) => texts.findIndex((t) => t.includes(s));
  expect(at('Scheduled')).toBeGreaterThanOrEqual(0);
  expect(at('Scheduled')).toBeLessThan(at('Admitted (photo ID checked)'));
  expect(at('Admitted (photo ID checked)')).toBeLessThan(at('Exam started'));
  expect(at('Exam started')).toBeLessThan(at('Paused'));
  expect(at('Paused')).toBeLessThan(at('Extra time given'));
  // Every time on the timeline names the center's zone (#17.5): the demo center is in Chicago.
  for (const t of texts) expect(t).toMatch(/^\d{1,2}\/\d{1,2}\/\d{2}, \d{1,2}:\d{2}:\d{2}\s?[AP]M C[SD]T/);
  await checkScreen(page, 'proctor-timeline', { include: '.dialog' });
  await page.keyboard.press('Escape');
  await expect(timeline).toBeHidden();
  await expect(timelineButton).toBeFocused();

  // Terminate: the confirmation says the proctor cannot undo it; the candidate sees the notice with the reason.
  await row.getByRole('button', { name: `Terminate ${c.displayName}` }).click();
  const term = page.getByRole('alertdialog', { name: `Terminate ${c.displayName}'s exam?` });
  await expect(term).toContainText('You cannot undo this.');
  await term.getByLabel('Category').selectOption('prohibited-item');
  await term.getByLabel('Reason').fill('Candidate used a phone');
  await checkScreen(page, 'proctor-terminate-dialog', { include: '.dialog' });
  const endedIn = await timeUntil(() => term.getByRole('button', { name: 'Terminate exam' }).click(), cand.getByRole('heading', { name: 'Your exam was ended' }));
  console.log(`termination reached the candidate in ${endedIn} ms`);
  await expect(cand.getByTestId('end-notice')).toHaveText('The proctor ended your exam. Reason: Candidate used a phone');
  await expect(row.getByTestId('seat-state')).toHaveText(/Ended/, { timeout: 5000 });
  await expect(row.getByRole('button', { name: `Terminate ${c.displayName}` })).toHaveCount(0);
  await expect(page.locator(':focus')).toHaveCount(1); // the keyboard stays on the row, not lost to <body>

  // A second Safety sitting is refused by the retake rules, with the next eligible date.
  await page.getByRole('tab', { name: 'Schedule' }).click();
  const panel = page.getByRole('tabpanel', { name: 'Schedule' });
  await panel.getByRole('combobox', { name: 'Candidate' }).selectOption({ label: `${c.displayName} (${c.username})` });
  await panel.getByRole('combobox', { name: 'Module' }).selectOption('SAF');
  // Ten minutes from now on the center's clock (Chicago), as a datetime-local value.
  const inTen = new Intl.DateTimeFormat('sv-SE', { timeZone: 'America/Chicago', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(Date.now() + 10 * 60_000));
  await panel.getByLabel('Date and time (America/Chicago)').fill(inTen.replace(' ', 'T'));
  const refusal = panel.getByTestId('schedule-refusal');
  await expect(async () => {
    await panel.getByRole('button', { name: 'Schedule exam' }).click();
    await expect(refusal).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 10_000 }); // scoring the terminated attempt may take a moment
  await expect(refusal).toContainText('Not eligible to sit Safety');
  await expect(refusal).toContainText('was terminated, which counts as a failed attempt');
  await expect(refusal.locator('.pc-next-date')).toContainText(/Next eligible date: .+ \(\d{4}-\d{2}-\d{2}\)/);
  await checkScreen(page, 'proctor-schedule-refused');
  await cand.context().close();
});

test('a hidden candidate page shows as focus lost: the seat needs attention, announced politely; filters and sorting', async ({ page, browser }) => {
  test.setTimeout(180_000); // survives a load average of 15+
  const c = await newCandidate('focus');
  const { page: cand } = await inExam(browser, c);
  // Between the console and the server, so the test can drop the feed's connection.
  const feeds: WebSocketRoute[] = [];
  let subscribes = 0;
  await page.routeWebSocket(/\/ws\/proctor$/, (ws) => {
    const server = ws.connectToServer();
    feeds.push(ws);
    ws.onMessage((m) => {
      if (typeof m === 'string' && JSON.parse(m).type === 'subscribe') subscribes++;
      server.send(m);
    });
  });
  await openConsole(page);
  const row = seat(page, c.displayName);
  await expect(row.getByTestId('seat-state')).toHaveText(/In progress/);

  await cand.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  await expect(row.getByTestId('seat-state')).toContainText('Focus lost: left the exam window', { timeout: 3000 });
  await expect(row.getByTestId('seat-incidents')).toContainText('last: page hidden');
  // The seat row's times name the center's zone (#17.5), compactly.
  await expect(row.getByTestId('seat-incidents')).toContainText(/last: page hidden, \d{1,2}:\d{2}\s?[AP]M C[SD]T/);
  await expect(row.locator('th .pc-small')).toHaveText(/^\d{1,2}:\d{2}\s?[AP]M C[SD]T$/);
  const item = page.getByTestId('attention-item').filter({ hasText: c.displayName });
  await expect(item).toContainText('Focus lost: left the exam window');
  await expect(page.getByTestId('live-region')).toContainText(`Needs attention: ${c.displayName}, focus lost`);
  await expect(page.getByRole('tab', { name: /Live console \d+ need attention/ })).toBeVisible();

  // The connection drops: the console says so, comes back with backoff and subscribes again; the rows stay current.
  expect(subscribes).toBe(1);
  await feeds[0]!.close({ code: 4000, reason: 'test drop' });
  await expect(page.getByTestId('feed-status')).toHaveText('Live', { timeout: 10_000 });
  await expect.poll(() => subscribes).toBe(2);
  await cand.evaluate(() => window.dispatchEvent(new Event('blur')));
  await expect(row.getByTestId('seat-incidents')).toContainText('last: focus lost', { timeout: 3000 });

  // "Go to row" puts the keyboard on the seat.
  await item.getByRole('button', { name: `Go to ${c.displayName}'s row` }).click();
  await expect(row.locator('th')).toBeFocused();

  // Filters: the search finds the seat by name; a state filter with no match says so.
  const filters = page.getByRole('search', { name: 'Filter seats' });
  await filters.getByRole('searchbox', { name: 'Search' }).fill(c.displayName);
  await expect(page.locator('#pc-panel-live tbody tr')).toHaveCount(1);
  await filters.getByRole('combobox', { name: 'State' }).selectOption('paused');
  await expect(page.locator('#pc-panel-live tbody tr')).toHaveText(['No seat matches the filters.']);
  await filters.getByRole('combobox', { name: 'State' }).selectOption('in_progress');
  await filters.getByRole('combobox', { name: 'Module' }).selectOption('SAF');
  await expect(page.locator('#pc-panel-live tbody tr')).toHaveCount(1);
  await filters.getByRole('button', { name: 'Clear filters' }).click();
  await expect(filters.getByRole('searchbox', { name: 'Search' })).toHaveValue('');

  // Sorting by a column header, from the keyboard; aria-sort says how.
  const timeHeader = page.getByRole('columnheader', { name: /Time left/ });
  await timeHeader.getByRole('button').focus();
  await page.keyboard.press('Enter');
  await expect(timeHeader).toHaveAttribute('aria-sort', 'ascending');
  await page.keyboard.press('Enter');
  await expect(timeHeader).toHaveAttribute('aria-sort', 'descending');
  await expect(page.getByRole('tabpanel', { name: /Live console/ }).getByRole('table')).toHaveAccessibleName(/sorted by time left \(descending\)/);
  await page.getByRole('columnheader', { name: /Candidate/ }).getByRole('button').click();

  await page.evaluate(() => window.scrollTo(0, 0));
  await checkScreen(page, 'proctor-live-attention');

  // High contrast, and 200% zoom (a 720-pixel window): nothing but the table scrolls sideways.
  await page.getByRole('button', { name: 'High contrast' }).click();
  await checkScreen(page, 'proctor-live-high-contrast');
  await page.getByRole('button', { name: 'High contrast' }).click();
  await page.setViewportSize({ width: 720, height: 900 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  await checkScreen(page, 'proctor-live-zoom-200');
  await cand.context().close();
});

test('fire drill: pause all and resume all, with a reason and a confirmation, reach every candidate', async ({ page, browser }) => {
  test.setTimeout(180_000); // survives a load average of 15+
  const a = await newCandidate('drill-a');
  const b = await newCandidate('drill-b');
  const [ea, eb] = await Promise.all([inExam(browser, a), inExam(browser, b)]);
  await openConsole(page);
  await expect(seat(page, a.displayName).getByTestId('seat-state')).toHaveText(/In progress/);
  await expect(seat(page, b.displayName).getByTestId('seat-state')).toHaveText(/In progress/);

  await page.getByRole('button', { name: 'Pause all…' }).click();
  const confirm = page.getByRole('alertdialog', { name: 'Pause every running exam?' });
  await expect(confirm).toContainText(/This pauses \d+ exams? running at/);
  await confirm.getByLabel('Reason').fill('Fire drill');
  await checkScreen(page, 'proctor-pause-all-dialog', { include: '.dialog' });
  await confirm.getByRole('button', { name: 'Pause all exams' }).click();
  for (const e of [ea, eb]) {
    const overlay = e.page.getByRole('alertdialog', { name: 'Exam paused' });
    await expect(overlay).toBeVisible({ timeout: 3000 });
    await expect(overlay).toContainText('Fire drill');
  }
  await expect(page.getByTestId('live-region')).toHaveText(/Paused \d+ exams?\./);
  await expect(seat(page, a.displayName).getByTestId('seat-state')).toContainText('Paused');

  await page.getByRole('button', { name: 'Resume all…' }).click();
  const resume = page.getByRole('alertdialog', { name: 'Resume every paused exam?' });
  await resume.getByRole('button', { name: 'Resume all exams' }).click();
  await expect(resume.getByRole('alert')).toHaveText('Give a reason (at least 3 characters).');
  await resume.getByLabel('Reason').fill('Drill over');
  await resume.getByRole('button', { name: 'Resume all exams' }).click();
  for (const e of [ea, eb]) await expect(e.page.getByRole('alertdialog', { name: 'Exam paused' })).toBeHidden({ timeout: 3000 });
  await expect(seat(page, b.displayName).getByTestId('seat-state')).toHaveText(/In progress/);
  await ea.page.context().close();
  await eb.page.context().close();
});

test('candidates: CSV dry run with problems, then a good import, single registration, scheduling with extra time, a printed ticket and the incident CSV', async ({ page }) => {
  test.setTimeout(180_000); // survives a load average of 15+
  await openConsole(page);
  await checkScreen(page, 'proctor-live-console');

  // Tabs work with the arrow keys.
  await page.getByRole('tab', { name: /Live console/ }).focus();
  await page.keyboard.press('ArrowRight');
  const tab = page.getByRole('tab', { name: 'Candidates' });
  await expect(tab).toBeFocused();
  await expect(tab).toHaveAttribute('aria-selected', 'true');
  const panel = page.getByRole('tabpanel', { name: 'Candidates' });
  await expect(panel.getByRole('table', { name: /Candidates registered at/ })).toBeVisible();
  await checkScreen(page, 'proctor-candidates');

  // The dry run reports every problem by line, and registers nothing.
  const s = unique();
  const csv = panel.getByRole('textbox', { name: 'Or paste the CSV text' });
  await csv.fill(`username,display_name,password\nx,Bad Name,\npc-csv1-${s},Casey One ${s},\npc-csv1-${s},Casey Again ${s},\npc-csv2-${s},Casey Two ${s},short\n`);
  await panel.getByRole('button', { name: 'Check the file (dry run)' }).click();
  const result = panel.getByTestId('dry-run-result');
  await expect(result.getByRole('heading')).toHaveText('Dry run: 3 problems found, nothing registered');
  await expect(result.getByRole('row')).toHaveText([
    'LineProblem',
    /^2line 2, column username: "x" is not a valid username/,
    /^4line 4, column username: "pc-csv1-.*" appears again \(first on line 3\)/,
    /^5line 5, column password: must be at least 10 characters/,
  ]);
  await expect(panel.getByRole('button', { name: /^Register \d+ candidates?$/ })).toHaveCount(0);
  await checkScreen(page, 'proctor-csv-dry-run');

  // A good file, from the file input: dry run, then register.
  await panel.getByLabel('Choose a CSV file').setInputFiles({
    name: 'roster.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(`username,display_name\npc-csv1-${s},Casey One ${s}\npc-csv2-${s},"Two, Casey ${s}"\n`),
  });
  await expect(csv).toHaveValue(/pc-csv2/);
  await panel.getByRole('button', { name: 'Check the file (dry run)' }).click();
  await expect(result.getByRole('heading')).toHaveText('Dry run: 2 candidates ready, no problems');
  await panel.getByRole('button', { name: 'Register 2 candidates' }).click();
  await expect(panel.getByTestId('import-done')).toHaveText('Registered 2 candidates from roster.csv.');
  await expect(panel.getByRole('rowheader', { name: `Two, Casey ${s}` })).toBeVisible();

  // One candidate through the form (proctors: a one-row import).
  await panel.getByRole('textbox', { name: 'Username' }).fill(`pc-single-${s}`);
  await panel.getByRole('textbox', { name: /Display name/ }).fill(`Sam Single ${s}`);
  await panel.getByRole('button', { name: 'Register candidate' }).click();
  await expect(panel.getByText(`Registered Sam Single ${s} (pc-single-${s}) at`)).toBeVisible();
  await expect(panel.getByRole('rowheader', { name: `Sam Single ${s}` })).toBeVisible();
  // A duplicate is refused with the server's message.
  await panel.getByRole('textbox', { name: 'Username' }).fill(`pc-single-${s}`);
  await panel.getByRole('textbox', { name: /Display name/ }).fill(`Sam Again ${s}`);
  await panel.getByRole('button', { name: 'Register candidate' }).click();
  await expect(panel.getByRole('alert').filter({ hasText: 'is already registered' })).toBeVisible();

  // Schedule from the list: the Schedule tab opens with the candidate chosen.
  await panel.getByRole('button', { name: `Schedule an exam for Casey One ${s}` }).click();
  const sched = page.getByRole('tabpanel', { name: 'Schedule' });
  await expect(page.getByRole('tab', { name: 'Schedule' })).toHaveAttribute('aria-selected', 'true');
  await expect(sched.getByRole('combobox', { name: 'Candidate' })).toHaveValue(/.+/);
  await sched.getByRole('combobox', { name: 'Module' }).selectOption({ label: 'Quality Practices & Measurement (QPM)' });
  await sched.getByRole('radio', { name: '×1.5 time' }).check();
  await sched.getByRole('checkbox', { name: 'Separate room (approved accommodation)' }).check();
  await sched.getByRole('textbox', { name: 'Accommodation note (optional)' }).fill('large print');
  // A seat at scheduling (#17.7): unique among this run's seats.
  await sched.getByRole('textbox', { name: 'Seat / workstation (optional)' }).fill(`S-${s}`.slice(0, 12));
  await checkScreen(page, 'proctor-schedule');
  await sched.getByRole('button', { name: 'Schedule exam' }).click();
  await expect(sched.getByTestId('schedule-done')).toContainText(`Scheduled Quality Practices & Measurement for Casey One ${s}`);
  await expect(sched.getByTestId('schedule-done')).toContainText('extra time ×1.5, separate room');

  // The new seat is on today's roster by push, with its accommodation; its admission ticket prints alone.
  await page.getByRole('tab', { name: /Live console/ }).click();
  const row = seat(page, `Casey One ${s}`);
  await expect(row).toContainText('×1.5 time');
  await expect(row).toContainText('Separate room');
  await expect(row).toContainText('large print');
  await expect(row.getByTestId('seat-label')).toContainText(`S-${s}`.slice(0, 12));
  await expect(row.getByTestId('seat-remaining')).toContainText('2:15:00'); // 90 minutes × 1.5, not started
  await row.getByRole('button', { name: `Print ticket for Casey One ${s}` }).click();
  const ticket = page.getByRole('dialog', { name: `Admission ticket: Casey One ${s}` });
  await expect(ticket.getByTestId('launch-code')).toHaveText(/^[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}$/);
  const launchCode = (await ticket.getByTestId('launch-code').textContent())!;
  await expect(ticket).toContainText('Quality Practices & Measurement');
  await expect(ticket).toContainText('Demo Test Center');
  await expect(ticket).toContainText('Extra time ×1.5 · separate room · large print');
  await expect(ticket).toContainText('How to sign in');
  await expect(ticket.getByRole('button', { name: 'Print ticket' })).toBeFocused();
  await checkScreen(page, 'proctor-ticket', { include: '.dialog' });
  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('header.top')).toBeHidden();
  await expect(ticket.getByRole('button', { name: 'Print ticket' })).toBeHidden();
  await expect(page.getByTestId('admission-ticket')).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/proctor-ticket-print.png', fullPage: true });
  await page.emulateMedia({ media: 'screen' });
  await ticket.getByRole('button', { name: 'Close' }).click();

  // The code on the ticket signs the candidate in, once.
  const anon = await playwrightRequest.newContext({ baseURL: base() });
  const signIn = await anon.post('/api/auth/launch-code', { data: { code: launchCode } });
  expect(signIn.status()).toBe(200);
  await anon.dispose();
  // A second try from another browser (no session cookie, which would make it a cross-origin state change instead).
  const again = await playwrightRequest.newContext({ baseURL: base() });
  expect((await again.post('/api/auth/launch-code', { data: { code: launchCode } })).status()).toBe(401);
  await again.dispose();

  // Incidents: a note, then the day's CSV.
  await row.getByRole('button', { name: `Add note for Casey One ${s}` }).click();
  const note = page.getByRole('dialog', { name: `Incident note for Casey One ${s}` });
  await note.getByRole('textbox', { name: 'What happened' }).fill('Arrived 20 minutes late; seated in room B');
  await note.getByRole('button', { name: 'Save note' }).click();
  await expect(note).toBeHidden();
  await expect(row.getByTestId('seat-incidents')).toContainText('last: proctor note');

  await page.getByRole('tab', { name: 'Incidents' }).click();
  const inc = page.getByRole('tabpanel', { name: 'Incidents' });
  await checkScreen(page, 'proctor-incidents');
  const downloading = page.waitForEvent('download');
  await inc.getByRole('button', { name: 'Download incidents (CSV)' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^incidents-DEMO-01-\d{4}-\d{2}-\d{2}\.csv$/);
  const text = await (await download.createReadStream()).toArray().then((chunks) => Buffer.concat(chunks).toString('utf8'));
  expect(text.split('\n')[0]).toBe('at,session_id,candidate,module,kind,category,severity,source,recorded_by,note');
  expect(text).toContain('Arrived 20 minutes late; seated in room B');
  await expect(inc.getByTestId('incidents-done')).toContainText(/Downloaded incidents-DEMO-01-.*\.csv: \d+ incidents?/);
  await expect(inc.getByRole('table', { name: /Incidents on/ })).toContainText(`Casey One ${s}`);
  await checkScreen(page, 'proctor-incidents-downloaded');
});

test('admins pick the test center (remembered) and register a candidate with a password through the admin route', async ({ page }) => {
  test.setTimeout(180_000); // survives a load average of 15+
  const admin = await staff('admin');
  const code = `PC-${unique().toUpperCase()}`.slice(0, 20);
  await ok(admin.post('/api/admin/test-centers', { data: { code, name: `Proctor e2e center ${code}`, timeZone: 'America/Denver' } }), 'center');
  await admin.dispose();
  await ok(page.request.post('/api/auth/login', { data: { username: 'admin', password: DEMO_PASSWORD } }), 'admin login');
  await page.goto('/proctor');
  await expect(page.getByRole('heading', { level: 1, name: 'Choose a test center' })).toBeFocused();
  await page.getByRole('combobox', { name: 'Test center' }).selectOption({ label: 'Demo Test Center (sample data) (DEMO-01)' });
  await checkScreen(page, 'proctor-center-picker');
  await page.getByRole('button', { name: 'Open console' }).click();
  await expect(page.getByText('Demo Test Center (sample data)', { exact: true })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Proctor console' })).toBeVisible();
  await expect(page.getByText('Demo Test Center (sample data)', { exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Change test center' })).toBeVisible();

  await page.getByRole('tab', { name: 'Candidates' }).click();
  const panel = page.getByRole('tabpanel', { name: 'Candidates' });
  const s = unique();
  await panel.getByRole('textbox', { name: 'Username' }).fill(`pc-admin-${s}`);
  await panel.getByRole('textbox', { name: /Display name/ }).fill(`Ada Admin ${s}`);
  await panel.getByLabel(/^Password/).fill('short');
  await panel.getByRole('button', { name: 'Register candidate' }).click();
  await expect(panel.getByRole('alert').filter({ hasText: 'password must be at least 10 characters' })).toBeVisible();
  await panel.getByLabel(/^Password/).fill(CANDIDATE_PASSWORD);
  await panel.getByRole('button', { name: 'Register candidate' }).click();
  await expect(panel.getByRole('rowheader', { name: `Ada Admin ${s}` })).toBeVisible();
  // The new account signs in with that password.
  const anon = await playwrightRequest.newContext({ baseURL: base() });
  expect((await anon.post('/api/auth/login', { data: { username: `pc-admin-${s}`, password: CANDIDATE_PASSWORD } })).status()).toBe(200);
  await anon.dispose();
});
