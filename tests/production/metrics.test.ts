/**
 * /metrics after a short exam over a real websocket, its protection (token, loopback, proxied), request-id echo and
 * log fields, and readiness.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/src/app.ts';
import { ensureDemoAccounts } from '../../server/src/bootstrap.ts';
import { systemClock } from '../../server/src/platform/clock.ts';
import { buildTestApp, loginAs, testConfig, type TestApp } from '../helpers/build-app.ts';
import { ExamClient } from '../helpers/exam-client.ts';
import { importSampleModule, startedSession } from '../helpers/session-fixture.ts';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/test-db.ts';

const TOKEN = 'metrics-token-for-tests-0123456789';

/** One sample's value from Prometheus text, e.g. value(text, 'cpt_sockets{kind="candidate"}'). */
function value(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  if (!line) throw new Error(`no series ${series} in:\n${text.slice(0, 2000)}`);
  return Number(line.slice(series.length + 1));
}

describe.each(DB_KINDS)('metrics and request ids on %s', (kind) => {
  let t: TestApp;
  let base: string;
  const scrape = async () => {
    const r = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return r.text();
  };

  beforeAll(async () => {
    t = await buildTestApp(kind, { sweeps: false, env: { METRICS_TOKEN: TOKEN } });
    await importSampleModule(t.services);
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => t?.close());

  it('counts sockets, sessions by state and acked answers with their latency after a short exam', async () => {
    const before = await scrape();
    const ackedBefore = value(before, 'cpt_answers_acked_total');
    const histBefore = value(before, 'cpt_answer_ack_seconds_count');
    const s = await startedSession(t.app);
    const c = await ExamClient.open(base, s.candidate);
    const snap = await c.hello(s.sessionId);
    const during = await scrape();
    expect(value(during, 'cpt_sockets{kind="candidate"}')).toBeGreaterThanOrEqual(1);
    expect(value(during, 'cpt_sessions{state="in_progress"}')).toBeGreaterThanOrEqual(1);

    const answered = snap.items.slice(0, 12);
    for (const it of answered) expect((await c.answer(it.itemId, it.options[0]!.id)).type).toBe('ack');
    const after = await scrape();
    expect(value(after, 'cpt_answers_acked_total') - ackedBefore).toBe(answered.length);
    expect(value(after, 'cpt_answer_ack_seconds_count') - histBefore).toBe(answered.length);
    expect(value(after, 'cpt_answer_ack_seconds_bucket{le="+Inf"}')).toBe(value(after, 'cpt_answer_ack_seconds_count'));
    expect(value(after, 'cpt_group_commit_batch_size_count')).toBeGreaterThan(0);
    // prom-client's process metrics: event-loop lag and heap.
    expect(value(after, 'nodejs_eventloop_lag_p99_seconds')).toBeGreaterThanOrEqual(0);
    expect(value(after, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(1_000_000);
    if (kind === 'postgres') expect(value(after, 'cpt_db_pool_connections{state="idle"}')).toBeGreaterThanOrEqual(0);

    expect((await c.request({ type: 'submit' })).type).toBe('ack');
    c.ws.close();
    await new Promise((r) => setTimeout(r, 100));
    const ended = await scrape();
    expect(value(ended, 'cpt_sockets{kind="candidate"}')).toBe(value(during, 'cpt_sockets{kind="candidate"}') - 1);
    expect(value(ended, 'cpt_sessions{state="in_progress"}')).toBe(value(during, 'cpt_sessions{state="in_progress"}') - 1);
  });

  it('is a 404 without the token, with a wrong one, and through a proxy', async () => {
    expect((await fetch(`${base}/metrics`)).status).toBe(404);
    expect((await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer wrong-token-wrong-token-00' } })).status).toBe(404);
    expect((await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}x` } })).status).toBe(404);
  });

  it('echoes a well-formed x-request-id, replaces a malformed one, and names one on every response', async () => {
    const given = await fetch(`${base}/healthz`, { headers: { 'x-request-id': 'lb-7f3a.42:9' } });
    expect(given.headers.get('x-request-id')).toBe('lb-7f3a.42:9');
    const bad = await fetch(`${base}/api/nothing-here`, { headers: { 'x-request-id': 'evil\tid with spaces' } });
    const id = bad.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(((await bad.json()) as { requestId: string }).requestId).toBe(id);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });
});

describe('without a metrics token, and log lines', () => {
  // One app for both: no METRICS_TOKEN, info-level logs captured line by line.
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  let app: FastifyInstance;
  let database: TestDatabase;
  let base: string;
  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    const built = await buildApp({ config: testConfig({ LOG_LEVEL: 'info' }), database, clock: systemClock, clientDist: '/nonexistent', sweeps: false, logStream: sink });
    app = built.app;
    await ensureDemoAccounts(built.services);
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  it('answers a direct loopback scrape, but not one that came through a proxy', async () => {
    const direct = await fetch(`${base}/metrics`);
    expect(direct.status).toBe(200);
    expect(await direct.text()).toContain('# TYPE cpt_answer_ack_seconds histogram');
    expect((await fetch(`${base}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.9' } })).status).toBe(404);
    expect((await fetch(`${base}/metrics`, { headers: { forwarded: 'for=203.0.113.9' } })).status).toBe(404);
  });

  it('puts the request id, the user id and (on session routes) the session id on log lines', async () => {
    const proctor = await loginAs(app, 'proctor');
    const r = await app.inject({ url: '/api/sessions/00000000-0000-4000-8000-000000000000', headers: { ...proctor, 'x-request-id': 'trace-1' } });
    expect(r.headers['x-request-id']).toBe('trace-1');
    const mine = lines.filter((l) => l.reqId === 'trace-1');
    expect(mine.length).toBeGreaterThan(0);
    const completed = mine.find((l) => l.msg === 'request completed')!;
    expect(completed).toMatchObject({ reqId: 'trace-1', sessionId: '00000000-0000-4000-8000-000000000000' });
    expect(typeof completed.userId).toBe('string');
  });
});
