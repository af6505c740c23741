/**
 * #18: a start storm on a real port, over real HTTP and websockets, with the start gate at one start at a time
 * (START_GATE_CONCURRENCY=1, so a handful of candidates make a line). Everyone starts, with no error and no timeout;
 * a waiting socket is told its place as it advances.
 *
 * To know the order in which hellos reach the gate, the first is held inside the gate by a row lock the test takes on
 * its session (PostgreSQL only: PGlite has one connection), and each next hello is sent once the previous one has been
 * told its place; they must then be served in that order.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HANDBOOK_VERSION } from '../../shared/handbook.ts';
import { PROTOCOL_VERSION, type ServerMessage } from '../../shared/protocol/session-protocol.ts';
import { buildTestApp, loginAs, type TestApp } from '../helpers/build-app.ts';
import { ExamClient } from '../helpers/exam-client.ts';
import { importSampleModule } from '../helpers/session-fixture.ts';
import { DB_KINDS, type DbKind } from '../helpers/test-db.ts';

type Queue = Extract<ServerMessage, { type: 'queue' }>;
const LINE = 8;
/** Waits in line can be long on a busy machine; the point is that they end, in order, without errors. */
const WAIT_MS = 120_000;

/** Candidates checked in, admitted and with the rules acknowledged: one press of Start away from the exam. */
async function readyToStart(t: TestApp, n: number) {
  const proctor = await loginAs(t.app, 'proctor');
  const centers = (await t.app.inject({ url: '/api/test-centers', headers: proctor })).json() as { id: string }[];
  const step = async (url: string, headers: { cookie: string }, payload?: unknown) => {
    const r = await t.app.inject({ method: 'POST', url, headers, ...(payload ? { payload } : {}) });
    if (r.statusCode >= 300) throw new Error(`${url}: ${r.statusCode} ${r.body}`);
    return r;
  };
  return Promise.all(
    Array.from({ length: n }, async () => {
      const username = `storm-${++made}-${Math.random().toString(36).slice(2, 7)}`;
      const user = await t.services.accounts.createUser(null, { username, displayName: username, role: 'candidate', password: 'candidate-pass-1', testCenterCodes: ['DEMO-01'] });
      const candidate = await loginAs(t.app, username, 'candidate-pass-1');
      const sessionId = (await step('/api/sessions', proctor, { candidateId: user.id, module: 'SAF', testCenterId: centers[0]!.id, scheduledAt: new Date().toISOString(), timeMultiplier: 1 })).json().id as string;
      await step(`/api/sessions/${sessionId}/check-in`, candidate);
      await step(`/api/sessions/${sessionId}/admit`, proctor, { idConfirmed: true });
      await step(`/api/sessions/${sessionId}/handbook`, candidate, { version: HANDBOOK_VERSION });
      return { sessionId, candidate, actor: { userId: user.id, username, displayName: username, role: 'candidate' as const, testCenterIds: user.testCenterIds } };
    }),
  );
}
let made = 0;

function setup(kind: DbKind) {
  const ctx = {} as { t: TestApp; base: string };
  beforeAll(async () => {
    ctx.t = await buildTestApp(kind, { env: { START_GATE_CONCURRENCY: '1' } });
    await importSampleModule(ctx.t.services);
    ctx.base = await ctx.t.app.listen({ port: 0, host: '127.0.0.1' });
  }, 300_000);
  afterAll(() => ctx.t?.close());
  return ctx;
}

const start = (base: string, sessionId: string, auth: { cookie: string }) => fetch(`${base}/api/sessions/${sessionId}/start`, { method: 'POST', headers: auth });
const errorsOf = (c: ExamClient) => c.messages.filter((m) => m.type === 'error');
const queueOf = (c: ExamClient) => c.messages.filter((m): m is Queue => m.type === 'queue');
/** Places only ever improve, and every estimate is a whole number of milliseconds, no more than the line ahead takes. */
function expectAdvancing(told: Queue[]) {
  for (let i = 1; i < told.length; i++) expect(told[i]!.position).toBeLessThanOrEqual(told[i - 1]!.position);
  for (const q of told) expect(Number.isInteger(q.expectedWaitMs) && q.expectedWaitMs >= 0).toBe(true);
}

/**
 * Waits until nothing runs or waits in the gate (its gauge on /metrics, read from loopback) for half a second: the
 * set-up's own work (hellos, snapshots pushed on its events) must not be mistaken for the line under test.
 */
async function gateIdle(base: string) {
  let quietSince = Date.now();
  for (let i = 0; i < 1200; i++) {
    const text = await (await fetch(`${base}/metrics`)).text();
    const busy = /cpt_start_gate\{state="(running|waiting)"\} [1-9]/.test(text);
    if (busy) quietSince = Date.now();
    else if (Date.now() - quietSince >= 500) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the start gate never became idle');
}

/** Each arrival is told a place behind the one before it: 1, 2, 3… (more if other work waits in line too). */
function expectBehindEachOther(firstPlaces: number[]) {
  expect(firstPlaces[0]).toBeGreaterThanOrEqual(1);
  for (let i = 1; i < firstPlaces.length; i++) expect(firstPlaces[i]).toBeGreaterThan(firstPlaces[i - 1]!);
}

describe.each(DB_KINDS)('a cold start storm on %s', (kind) => {
  const ctx = setup(kind);

  it('starts every candidate pressing Start at once (REST start, then socket and hello) with no error', async () => {
    const { t, base } = ctx;
    const sessions = await readyToStart(t, LINE);
    // A request waiting its turn must not be cut off by the server: no request timeout.
    expect(t.app.server.requestTimeout).toBe(0);
    const results = await Promise.all(
      sessions.map(async (s) => {
        const res = await start(base, s.sessionId, s.candidate);
        const c = await ExamClient.open(base, s.candidate);
        c.send({ type: 'hello', protocol: PROTOCOL_VERSION, sessionId: s.sessionId });
        const snapshot = await c.waitFor('snapshot', () => true, WAIT_MS);
        c.close();
        return { status: res.status, items: snapshot.items.length, state: snapshot.session.state, errors: errorsOf(c), told: queueOf(c) };
      }),
    );
    for (const r of results) {
      expect(r).toMatchObject({ status: 200, state: 'in_progress', errors: [] });
      expect(r.items).toBeGreaterThan(0);
      expectAdvancing(r.told);
    }
  }, 300_000);
});

describe.skipIf(!DB_KINDS.includes('postgres'))('the start line on postgres', () => {
  const ctx = setup('postgres');

  /** Locks a session row in a transaction of the test's own, so the start or hello of that session waits inside the gate. */
  async function holdRow(sessionId: string) {
    const client = new pg.Client({ connectionString: ctx.t.database.url });
    await client.connect();
    await client.query('begin');
    await client.query('select 1 from exam_sessions where id = $1 for update', [sessionId]);
    return {
      /** Resolves once the server's start or hello is blocked on the lock, i.e. the gate's only slot is taken. */
      async blocked() {
        for (let i = 0; i < 2400; i++) {
          // The server's own row lock (start or connect), not a heartbeat UPDATE that also waits on the row.
          // This client is inside the holding transaction, where PostgreSQL keeps the first statistics snapshot for
          // the whole transaction: drop it so each poll sees the server's connections as they are now.
          await client.query('select pg_stat_clear_snapshot()');
          const r = await client.query("select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query ilike 'select%for update%'");
          if (r.rows[0].n > 0) return;
          await new Promise((r) => setTimeout(r, 25));
        }
        const seen = await client.query("select state, wait_event_type, left(query, 120) as query from pg_stat_activity where datname = current_database()");
        throw new Error(`the held start never reached the database: ${JSON.stringify(seen.rows)}`);
      },
      async release() {
        await client.query('commit');
        await client.end();
      },
    };
  }

  it('starts a waiting room pressing Start at once, telling the sockets that wait their places (waiting-room flow)', async () => {
    const { t, base } = ctx;
    const sessions = await readyToStart(t, LINE);
    // As the exam page does from check-in: every socket is open and greeted before Start.
    const clients = await Promise.all(sessions.map(async (s) => {
      const c = await ExamClient.open(base, s.candidate);
      expect((await c.hello(s.sessionId)).session.state).toBe('checked_in');
      return c;
    }));
    await gateIdle(base);
    const responses = await Promise.all(sessions.map((s) => start(base, s.sessionId, s.candidate)));
    expect(responses.map((r) => r.status)).toEqual(sessions.map(() => 200));
    const snapshots = await Promise.all(clients.map((c) => c.waitFor('snapshot', (m) => m.items.length > 0, WAIT_MS)));
    expect(snapshots.every((s) => s.session.state === 'in_progress')).toBe(true);
    // One start at a time: all but the first to arrive waited, and their sockets were told where they stood.
    expect(clients.filter((c) => queueOf(c).length > 0).length).toBeGreaterThan(0);
    for (const c of clients) {
      expect(errorsOf(c)).toEqual([]);
      // Not checked for advancing here: the set-up's own late `admitted` events push snapshots that queue too and
      // announce their own place to the same socket (a real candidate is admitted minutes before Start).
      for (const q of queueOf(c)) expect(q.position >= 1 && Number.isInteger(q.expectedWaitMs) && q.expectedWaitMs >= 0).toBe(true);
      c.close();
    }
  }, 300_000);

  it('lines up hellos of a reconnect storm the same way, each told its place until its snapshot', async () => {
    const { t, base } = ctx;
    const sessions = await readyToStart(t, LINE);
    // Started an hour ago, as far as this instance knows (not through its gate): the hellos are fresh arrivals.
    for (const s of sessions) await t.services.sessions.start(s.actor, s.sessionId);
    await gateIdle(base);
    const held = await holdRow(sessions[0]!.sessionId);
    const first = await ExamClient.open(base, sessions[0]!.candidate);
    const firstSnapshot = first.hello(sessions[0]!.sessionId);
    const order: number[] = [];
    const rest: ExamClient[] = [];
    const firstPlaces: number[] = [];
    try {
      await held.blocked();
      for (let i = 1; i < LINE; i++) {
        const c = await ExamClient.open(base, sessions[i]!.candidate);
        rest.push(c);
        c.send({ type: 'hello', protocol: PROTOCOL_VERSION, sessionId: sessions[i]!.sessionId });
        void c.waitFor('snapshot', () => true, WAIT_MS).then(() => order.push(i), () => {});
        firstPlaces.push((await c.waitFor('queue')).position);
      }
    } finally {
      await held.release();
    }
    expectBehindEachOther(firstPlaces);
    expect((await firstSnapshot).items.length).toBeGreaterThan(0);
    const snapshots = await Promise.all(rest.map((c) => c.waitFor('snapshot', () => true, WAIT_MS)));
    expect(snapshots.every((s) => s.items.length > 0)).toBe(true);
    expect(order).toEqual(rest.map((_, i) => i + 1));
    for (const c of [first, ...rest]) {
      expect(errorsOf(c)).toEqual([]);
      expectAdvancing(queueOf(c));
      c.close();
    }
  }, 300_000);
});
