/**
 * Shared set-up for the exam e2e specs: everything a test needs is created through the real API (a fresh candidate
 * per test, a session scheduled by the demo proctor), so tests never share state and run in any order.
 */
import AxeBuilder from '@axe-core/playwright';
import { E2E_BASE } from './support/chromium.ts';
import { expect, request as playwrightRequest, type APIRequestContext, type Page } from '@playwright/test';
import { ExamClient } from '../helpers/exam-client.ts';

export const BASE = E2E_BASE;
const DEMO_PASSWORD = 'demo-password-1';
export const CANDIDATE_PASSWORD = 'e2e-candidate-password';
const HANDBOOK_VERSION = 'cpt-exam-rules-2026.1';

export async function staff(role: 'admin' | 'proctor'): Promise<APIRequestContext> {
  const ctx = await playwrightRequest.newContext({ baseURL: BASE });
  const r = await ctx.post('/api/auth/login', { data: { username: role, password: DEMO_PASSWORD } });
  expect(r.ok(), `login ${role}`).toBe(true);
  return ctx;
}

async function ok(res: Promise<import('@playwright/test').APIResponse>, what: string) {
  const r = await res;
  expect(r.ok(), `${what}: ${r.status()} ${await r.text()}`).toBe(true);
  return r.json();
}

export interface Scheduled {
  sessionId: string;
  username: string;
  password: string;
  displayName: string;
  proctor: APIRequestContext;
}

/** A new candidate at the demo test center with one Safety session scheduled now. */
/** A new candidate with a sitting of `module` (Safety unless told) scheduled now at the demo center. */
export async function scheduleSafety(label: string, module = 'SAF'): Promise<Scheduled> {
  const admin = await staff('admin');
  const proctor = await staff('proctor');
  const username = `e2e-${label}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
  const displayName = `E2E ${label}`;
  const user = await ok(admin.post('/api/admin/users', { data: { username, displayName, role: 'candidate', password: CANDIDATE_PASSWORD, testCenterCodes: ['DEMO-01'] } }), 'create candidate');
  const centers = (await ok(proctor.get('/api/test-centers'), 'test centers')) as { id: string; code: string }[];
  const center = centers.find((c) => c.code === 'DEMO-01') ?? centers[0]!;
  const s = await ok(proctor.post('/api/sessions', { data: { candidateId: user.id, module, testCenterId: center.id, scheduledAt: new Date().toISOString() } }), 'schedule');
  await admin.dispose();
  return { sessionId: s.id, username, password: CANDIDATE_PASSWORD, displayName, proctor };
}

export async function admit(s: Scheduled) {
  await ok(s.proctor.post(`/api/sessions/${s.sessionId}/admit`, { data: { idConfirmed: true } }), 'admit');
}

/** Signs the page in (cookie in the browser context) and runs check-in, admission, rules and start through the API. */
export async function startedThroughApi(page: Page, s: Scheduled) {
  await ok(page.request.post('/api/auth/login', { data: { username: s.username, password: s.password } }), 'candidate login');
  await ok(page.request.post(`/api/sessions/${s.sessionId}/check-in`), 'check in');
  await admit(s);
  await ok(page.request.post(`/api/sessions/${s.sessionId}/handbook`, { data: { version: HANDBOOK_VERSION } }), 'handbook');
  await ok(page.request.post(`/api/sessions/${s.sessionId}/start`), 'start');
}

/** The saved answers, read as an admin: while an exam runs they are not shown to proctors (#14.1). */
export async function responses(s: Scheduled): Promise<{ itemId: string; optionId: string | null; flagged: boolean }[]> {
  const admin = await staff('admin');
  try {
    return await ok(admin.get(`/api/sessions/${s.sessionId}/responses`), 'responses');
  } finally {
    await admin.dispose();
  }
}

export async function proctorAction(s: Scheduled, action: 'pause' | 'resume' | 'terminate' | 'extend', data: Record<string, unknown>) {
  await ok(s.proctor.post(`/api/sessions/${s.sessionId}/${action}`, { data }), action);
}

/** Zero serious or critical axe violations, and a screenshot in test-results/screens/. */
export async function checkScreen(page: Page, name: string) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `test-results/screens/${name}.png` });
  const axe = await new AxeBuilder({ page }).analyze();
  const bad = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`), `axe on ${name}`).toEqual([]);
}

/** The accessible name of what has focus (enough for our buttons, links and labelled inputs). */
export function focusedName(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el) return '';
    const labelled = el.getAttribute('aria-label');
    if (labelled) return labelled;
    const input = el as HTMLInputElement;
    if (input.labels && input.labels[0]) return input.labels[0].textContent?.trim() ?? '';
    return el.textContent?.trim() ?? '';
  });
}

/** Presses Tab until the focused element's name matches (keyboard only, no clicks). */
export async function tabTo(page: Page, name: RegExp, max = 60) {
  for (let i = 0; i < max; i++) {
    if (name.test(await focusedName(page))) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${name}; last focus: ${await focusedName(page)}`);
}

/** The exam's item id and chosen option of the question on screen (from the radio group's name and value). */
export function currentAnswer(page: Page): Promise<{ itemId: string; optionId: string | null }> {
  return page.evaluate(() => {
    const radios = [...document.querySelectorAll<HTMLInputElement>('.question-panel input[type=radio]')];
    const checked = radios.find((r) => r.checked);
    return { itemId: radios[0]!.name.replace(/^q-/, ''), optionId: checked?.value ?? null };
  });
}

/** Signs in through the API outside the browser and returns the session cookie (for seeding data over fetch). */
export async function apiLogin(username: string, password: string): Promise<string> {
  const r = await fetch(`${BASE}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  expect(r.ok, `login ${username}: ${r.status}`).toBe(true);
  return r.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

/** One API call with a cookie from apiLogin; fails the test on any non-2xx answer. */
export async function apiCall<T>(cookie: string, method: string, url: string, body?: unknown): Promise<T> {
  const r = await fetch(`${BASE}${url}`, { method, headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  expect(r.ok, `${method} ${url}: ${r.status} ${text}`).toBe(true);
  return JSON.parse(text) as T;
}

/**
 * A new candidate at `center` with a `module` session started through the API (staff cookies from apiLogin) and the
 * exam socket open: what a test that plants responses for the item analysis needs.
 */
export async function openSitting(staffCookies: { admin: string; proctor: string }, center: { id: string; code: string }, candidate: { username: string; displayName: string }, module: string) {
  const { admin, proctor } = staffCookies;
  const user = await apiCall<{ id: string }>(admin, 'POST', '/api/admin/users', { ...candidate, role: 'candidate', password: CANDIDATE_PASSWORD, testCenterCodes: [center.code] });
  const session = await apiCall<{ id: string }>(proctor, 'POST', '/api/sessions', { candidateId: user.id, module, testCenterId: center.id, scheduledAt: new Date().toISOString() });
  const cookie = await apiLogin(candidate.username, CANDIDATE_PASSWORD);
  await apiCall(cookie, 'POST', `/api/sessions/${session.id}/check-in`);
  await apiCall(proctor, 'POST', `/api/sessions/${session.id}/admit`, { idConfirmed: true });
  await apiCall(cookie, 'POST', `/api/sessions/${session.id}/handbook`, { version: HANDBOOK_VERSION });
  await apiCall(cookie, 'POST', `/api/sessions/${session.id}/start`);
  const client = await ExamClient.open(BASE, { cookie });
  return { sessionId: session.id, client, snapshot: await client.hello(session.id) };
}
