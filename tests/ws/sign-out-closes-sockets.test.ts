/**
 * #14.5 sessions end everywhere: signing out (one device or everywhere), an admin's disable, and a token's expiry
 * (candidate lifetime, staff idle timeout) close the exam socket and the proctor feed opened with that token, with
 * close code 4005, through real websockets; and a revocation on one server instance closes the socket on another.
 */
import type WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE } from '../../shared/protocol/close-codes.ts';
import { buildTestApp, loginAs, type TestApp } from '../helpers/build-app.ts';
import { ExamClient } from '../helpers/exam-client.ts';
import { fakeClock } from '../helpers/fake-clock.ts';
import { ProctorClient } from '../helpers/proctor-client.ts';
import { apiLogin, newCandidateOverApi, startExamOverApi, twoInstances } from '../helpers/server-process.ts';
import { importSampleModule, startedSession } from '../helpers/session-fixture.ts';
import { DB_KINDS } from '../helpers/test-db.ts';

/** Resolves with the close code and how long it took, or rejects after `ms`. */
function closeOf(ws: WebSocket, ms = 3000): Promise<{ code: number; afterMs: number }> {
  const t0 = Date.now();
  if (ws.readyState === ws.CLOSED) return Promise.reject(new Error('already closed'));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`socket still open after ${ms} ms`)), ms);
    ws.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, afterMs: Date.now() - t0 });
    });
  });
}

describe.each(DB_KINDS)('sign-in ends close its sockets on %s', (kind) => {
  let t: TestApp;
  let base: string;
  let n = 0;
  const clock = fakeClock(new Date());

  const staff = async (role: 'proctor' | 'author') => {
    const admin = await loginAs(t.app, 'admin');
    const username = `ws-sec-${role}-${++n}`;
    const password = `Correct horse ${n} battery staple`;
    const res = await t.app.inject({ method: 'POST', url: '/api/admin/users', headers: admin, payload: { username, displayName: `WS ${n}`, role, password, testCenterCodes: role === 'proctor' ? ['DEMO-01'] : [] } });
    expect(res.statusCode, res.body).toBe(201);
    return { id: res.json().id as string, login: () => loginAs(t.app, username, password) };
  };
  const post = (url: string, headers: { cookie: string }, payload?: Record<string, unknown>) => t.app.inject({ method: 'POST', url, headers, ...(payload === undefined ? {} : { payload }) });

  beforeAll(async () => {
    // Token checks every second rather than 5: the expiry tests below wait for one in real time (what is proved, that
    // the periodic check closes an expired token's sockets, does not depend on its period).
    t = await buildTestApp(kind, { clock, env: { STAFF_IDLE_MINUTES: '30', STAFF_SESSION_HOURS: '10', SESSION_TTL_HOURS: '12', TOKEN_CHECK_SECONDS: '1' } });
    await importSampleModule(t.services);
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  }, 240_000);
  afterAll(async () => {
    await t?.close();
  });

  it('signing out closes the exam socket and the proctor feed of that token (4005), and only that token’s', async () => {
    const s = await startedSession(t.app);
    const exam = await ExamClient.open(base, s.candidate);
    await exam.hello(s.sessionId);
    const p = await staff('proctor');
    const [tokenA, tokenB] = [await p.login(), await p.login()];
    const feedA = await ProctorClient.open(base, tokenA);
    const feedB = await ProctorClient.open(base, tokenB);
    feedA.subscribe(s.testCenterId);
    await feedA.waitFor((m) => m.type === 'roster');

    const examClosed = closeOf(exam.ws);
    expect((await post('/api/auth/logout', s.candidate)).statusCode).toBe(200);
    const e = await examClosed;
    expect(e.code).toBe(CLOSE.signedOut);
    expect(e.afterMs).toBeLessThan(3000);
    expect(exam.messages.some((m) => m.type === 'error' && m.code === 'NOT_AUTHENTICATED')).toBe(true);
    // The same cookie cannot open the exam again.
    const again = await ExamClient.open(base, s.candidate);
    again.send({ type: 'hello', protocol: 1, sessionId: s.sessionId });
    expect((await closeOf(again.ws)).code).toBe(CLOSE.unauthorized);

    const feedClosed = closeOf(feedA.ws);
    expect((await post('/api/auth/logout', tokenA)).statusCode).toBe(200);
    expect((await feedClosed).code).toBe(CLOSE.signedOut);
    // The proctor's other device keeps its feed.
    await new Promise((r) => setTimeout(r, 300));
    expect(feedB.ws.readyState).toBe(feedB.ws.OPEN);
    feedB.close();
  }, 120_000);

  it('signing out everywhere closes every feed of the user; an admin disabling a candidate closes the exam socket', async () => {
    const p = await staff('proctor');
    const tokens = [await p.login(), await p.login()];
    const feeds = await Promise.all(tokens.map((c) => ProctorClient.open(base, c)));
    const closes = feeds.map((f) => closeOf(f.ws));
    expect((await post('/api/auth/logout-everywhere', tokens[0]!)).statusCode).toBe(200);
    for (const c of await Promise.all(closes)) expect(c.code).toBe(CLOSE.signedOut);

    const s = await startedSession(t.app);
    const exam = await ExamClient.open(base, s.candidate);
    await exam.hello(s.sessionId);
    const closed = closeOf(exam.ws);
    const off = await t.app.inject({ method: 'PUT', url: `/api/admin/users/${s.candidateId}/status`, headers: s.admin, payload: { disabled: true } });
    expect(off.statusCode, off.body).toBe(200);
    expect((await closed).code).toBe(CLOSE.signedOut);
  });

  it('a password change closes the sockets of the account’s other sign-ins, not the one that changed it', async () => {
    const admin = await loginAs(t.app, 'admin');
    const username = `ws-sec-pw-${++n}`;
    const password = `Correct horse ${n} battery staple`;
    await t.app.inject({ method: 'POST', url: '/api/admin/users', headers: admin, payload: { username, displayName: 'PW', role: 'proctor', password, testCenterCodes: ['DEMO-01'] } });
    const here = await loginAs(t.app, username, password);
    const there = await loginAs(t.app, username, password);
    const feedHere = await ProctorClient.open(base, here);
    const feedThere = await ProctorClient.open(base, there);
    const closed = closeOf(feedThere.ws);
    const res = await post('/api/auth/password', here, { currentPassword: password, newPassword: `Another horse ${n} battery staple` });
    expect(res.statusCode, res.body).toBe(200);
    expect((await closed).code).toBe(CLOSE.signedOut);
    expect(feedHere.ws.readyState).toBe(feedHere.ws.OPEN);
    feedHere.close();
  });

  it('a token that expires closes its sockets: staff idle timeout, candidate lifetime', async () => {
    const p = await staff('proctor');
    const feed = await ProctorClient.open(base, await p.login());
    const s = await startedSession(t.app);
    const exam = await ExamClient.open(base, s.candidate);
    await exam.hello(s.sessionId);

    // 31 minutes without a request: the proctor's sign-in is idle past the timeout; the candidate's is still good.
    const feedClosed = closeOf(feed.ws, 8000);
    clock.advance(31 * 60_000);
    expect((await feedClosed).code).toBe(CLOSE.signedOut);
    expect(exam.ws.readyState).toBe(exam.ws.OPEN);

    // Past the candidate's 12-hour lifetime.
    const examClosed = closeOf(exam.ws, 8000);
    clock.advance(12 * 3600_000);
    expect((await examClosed).code).toBe(CLOSE.signedOut);
  }, 90_000);

  it('an open proctor console is in use, not idle: its keep-alive pings hold the sign-in; once they stop it goes idle', async () => {
    const p = await staff('proctor');
    const feed = await ProctorClient.open(base, await p.login());
    const ping = async () => {
      const n = feed.messages.length;
      feed.ws.send(JSON.stringify({ type: 'ping', clientSentAt: Date.now() }));
      await feed.waitFor((m) => m.type === 'pong', n);
    };
    // An hour of watching, no HTTP request: the console's pings (every 20 s in the client) keep it signed in.
    for (let minute = 0; minute < 60; minute += 20) {
      clock.advance(20 * 60_000);
      await ping();
    }
    await new Promise((r) => setTimeout(r, t.config.tokenCheckMs + 1000)); // one token check passes
    expect(feed.ws.readyState).toBe(feed.ws.OPEN);
    // The console is left without pings (closed lid): past the idle timeout the feed ends.
    const closed = closeOf(feed.ws, 8000);
    clock.advance(31 * 60_000);
    expect((await closed).code).toBe(CLOSE.signedOut);
  }, 90_000);
});

describe.skipIf(!process.env.DATABASE_URL)('revocation across two instances on PostgreSQL', () => {
  const instances = twoInstances();
  afterAll(() => instances.stop());

  it('signing out and disabling on instance B close the sockets on instance A within seconds', async () => {
    const { a, b } = await instances.start();
    const adminB = await apiLogin(b.url, 'admin');
    const { id: candidateId, api: candidate } = await newCandidateOverApi(adminB, a.url, `ws-x-inst-${Date.now()}`);
    const proctor = await apiLogin(b.url, 'proctor');
    const { sessionId: id, centerId } = await startExamOverApi(proctor, candidate, candidateId);

    // Both sockets on A; the sign-out and the disable go to B.
    const feed = await ProctorClient.watching(a.url, { cookie: proctor.cookie }, centerId);
    const exam = await ExamClient.open(a.url, { cookie: candidate.cookie });
    await exam.hello(id);

    const feedClosed = closeOf(feed.ws, 5000);
    await proctor.call('POST', '/api/auth/logout');
    const f = await feedClosed;
    expect(f.code).toBe(CLOSE.signedOut);
    expect(f.afterMs).toBeLessThan(3000);

    const examClosed = closeOf(exam.ws, 5000);
    await adminB.call('PUT', `/api/admin/users/${candidateId}/status`, { disabled: true });
    const e = await examClosed;
    expect(e.code).toBe(CLOSE.signedOut);
    expect(e.afterMs).toBeLessThan(3000);
  }, 120_000);
});
