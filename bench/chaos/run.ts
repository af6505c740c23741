/**
 * Chaos benchmark (#13.8): 2 server instances on one PostgreSQL database, N simulated candidates over websockets
 * answering at a steady pace, while this script kills one instance with SIGKILL every --kill-every-s seconds and
 * starts it again after --down-s seconds (nothing else is restarted). Each candidate behaves like the exam page: an
 * outbox of unacknowledged answers (replayed with the same seq after every reconnect), a stable client instance id,
 * and on a lost socket a reconnect to whichever instance answers (a load balancer's job in production). At the end
 * every candidate drains its outbox and submits; the bench waits for scoring and then checks in the database:
 *  - acknowledged-answer loss: an answer some server acknowledged that is not stored (nor superseded by the same
 *    candidate's later answer to that question), and stored rows that differ from what was sent with their seq;
 *  - duplicate scoring: more than one score row, score history row, or `session.scored` / end audit entry a session;
 *  - false takeover incidents (`second-connection`), sessions not scored;
 *  - reconnect times (socket lost → snapshot from another or the restarted instance), p50/p95/max;
 *  - acknowledged answers per second.
 * Prints a table and writes bench/results/chaos.json. Not a CI test: run it on purpose, on a quiet machine.
 *
 *   node --import tsx bench/chaos/run.ts --candidates 200 --duration-s 120
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import WebSocket from 'ws';
import { createBenchDatabase, type BenchDatabase } from '../lib/bench-database.ts';
import { errorLines, log, sleep, startServer, type Server } from '../lib/server-process.ts';
import { summarize } from '../lib/stats.ts';
import { prepareCandidates, type Candidate } from '../sessions/setup.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const { values: args } = parseArgs({
  options: {
    candidates: { type: 'string', default: '200' },
    'duration-s': { type: 'string', default: '120' },
    'kill-every-s': { type: 'string', default: '20' },
    'down-s': { type: 'string', default: '3' },
    'interval-s': { type: 'string', default: '2-6' },
    'admin-url': { type: 'string', default: process.env.BENCH_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test' },
    out: { type: 'string', default: path.join(ROOT, 'bench', 'results', 'chaos.json') },
  },
});
const N = Number(args.candidates);
const DURATION_MS = Number(args['duration-s']) * 1000;
const KILL_EVERY_MS = Number(args['kill-every-s']) * 1000;
const DOWN_MS = Number(args['down-s']) * 1000;
const [IMIN, IMAX] = args['interval-s']!.split('-').map((x) => Number(x) * 1000) as [number, number];
const TOKEN_SECRET = 'cpt-bench-chaos-token-secret-0123456789abcdef0123';

/** The two instances; a slot's server is replaced when it is restarted. */
const slots: { server: Server | null; kills: number }[] = [
  { server: null, kills: 0 },
  { server: null, kills: 0 },
];
const liveUrls = () => slots.filter((s) => s.server && s.server.child.exitCode === null && s.server.child.signalCode === null).map((s) => s.server!.url);
const serverOutput: string[] = [];

function bootServer(databaseUrl: string) {
  return startServer({ databaseUrl, tokenSecret: TOKEN_SECRET });
}

interface Sent {
  itemId: string;
  optionId: string;
}

/** One simulated candidate: the exam page's outbox and reconnect behaviour, over a real websocket. */
class SimCandidate {
  seq = 0;
  readonly sent = new Map<number, Sent>();
  readonly acked = new Set<number>();
  readonly pending = new Set<number>();
  items: { itemId: string; options: { id: string }[] }[] = [];
  ws: WebSocket | null = null;
  joined = false;
  stopped = false;
  lostAt: number | null = null;
  readonly reconnectMs: number[] = [];
  connects = 0;
  errors: Record<string, number> = {};
  submitted: 'ack' | 'ended' | null = null;
  submitSeq: number | null = null;
  private attempt = 0;
  private failures = 0;
  private readonly instanceId: string;

  constructor(readonly c: Candidate) {
    this.instanceId = `chaos-${c.index.toString(36).padStart(6, '0')}-tab`;
  }

  connect() {
    if (this.stopped) return;
    const urls = liveUrls();
    if (!urls.length) return void setTimeout(() => this.connect(), 250);
    const url = urls[(this.c.index + this.attempt++) % urls.length]!;
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws/session`, { headers: { authorization: `Bearer ${this.c.token}` } });
    this.ws = ws;
    this.joined = false;
    ws.on('open', () => ws.send(JSON.stringify({ type: 'hello', protocol: 1, sessionId: this.c.sessionId, clientInstanceId: this.instanceId })));
    ws.on('message', (d) => this.onMessage(JSON.parse(String(d)) as Record<string, unknown>));
    ws.on('error', () => {});
    ws.on('close', () => {
      if (this.ws !== ws) return;
      this.joined = false;
      this.ws = null;
      if (this.stopped || this.submitted) return;
      this.lostAt ??= performance.now();
      // The page reconnects at once after 1001/1006, with a short backoff while nothing answers.
      setTimeout(() => this.connect(), Math.min(2000, 100 * 2 ** Math.min(4, this.failures++)));
    });
  }

  private onMessage(m: Record<string, unknown>) {
    switch (m.type) {
      case 'snapshot': {
        this.items = m.items as typeof this.items;
        this.joined = true;
        this.connects++;
        this.failures = 0;
        if (this.lostAt !== null) this.reconnectMs.push(performance.now() - this.lostAt);
        this.lostAt = null;
        // The outbox: everything not acknowledged goes again with its own seq (idempotent on the server).
        for (const s of [...this.pending].sort((a, b) => a - b)) this.ws!.send(JSON.stringify({ type: 'answer', seq: s, ...this.sent.get(s)! }));
        if (this.submitSeq !== null && !this.submitted) this.ws!.send(JSON.stringify({ type: 'submit', seq: this.submitSeq }));
        if ((m.session as { state?: string }).state !== 'in_progress' && this.submitSeq !== null) this.submitted = 'ended';
        break;
      }
      case 'ack': {
        const s = m.seq as number;
        if (s === this.submitSeq) this.submitted = 'ack';
        else if (this.pending.delete(s)) this.acked.add(s);
        break;
      }
      case 'error': {
        const code = String(m.code);
        this.errors[code] = (this.errors[code] ?? 0) + 1;
        const s = m.seq as number | undefined;
        if (s !== undefined && s === this.submitSeq && code === 'SESSION_ENDED') this.submitted = 'ended';
        // UNAVAILABLE keeps the change in the outbox; a refusal for good drops it (it was never saved).
        else if (s !== undefined && code !== 'UNAVAILABLE') this.pending.delete(s);
        break;
      }
      case 'ended':
      case 'result-ready':
        if (this.submitSeq !== null) this.submitted ??= 'ended';
        break;
    }
  }

  answer() {
    if (!this.items.length || this.submitSeq !== null) return;
    const it = this.items[Math.floor(Math.random() * this.items.length)]!;
    const s = ++this.seq;
    this.sent.set(s, { itemId: it.itemId, optionId: it.options[Math.floor(Math.random() * it.options.length)]!.id });
    this.pending.add(s);
    if (this.joined) this.ws!.send(JSON.stringify({ type: 'answer', seq: s, ...this.sent.get(s)! }));
  }

  submit() {
    this.submitSeq = ++this.seq;
    if (this.joined) this.ws!.send(JSON.stringify({ type: 'submit', seq: this.submitSeq }));
  }

  stop() {
    this.stopped = true;
    this.ws?.close();
  }
}

async function main() {
  const load = os.loadavg();
  log(`chaos bench: ${N} candidates, ${DURATION_MS / 1000} s, kill -9 one of 2 instances every ${KILL_EVERY_MS / 1000} s (down ${DOWN_MS / 1000} s), answers every ${IMIN / 1000}-${IMAX / 1000} s; node ${process.version}, ${os.availableParallelism()} cores, load ${load.map((x) => x.toFixed(2)).join(' ')}`);
  let db: BenchDatabase | undefined;
  const sims: SimCandidate[] = [];
  try {
    db = await createBenchDatabase(args['admin-url']!, 'chaos');
    slots[0]!.server = await bootServer(db.url);
    slots[1]!.server = await bootServer(db.url);
    log(`instances at ${liveUrls().join(', ')}`);
    const setup = await prepareCandidates({ databaseUrl: db.url, tokenSecret: TOKEN_SECRET, serverUrl: slots[0]!.server.url, sessions: N, perCenter: 50, productLogins: 4, concurrency: 8, log });
    for (const c of setup.candidates) {
      const r = await fetch(`${liveUrls()[c.index % 2]}/api/sessions/${c.sessionId}/start`, { method: 'POST', headers: { authorization: `Bearer ${c.token}` } });
      if (!r.ok) throw new Error(`start ${c.sessionId}: ${r.status} ${await r.text()}`);
      sims.push(new SimCandidate(c));
    }
    for (const s of sims) s.connect();
    await sleep(3000);
    log(`${sims.filter((s) => s.joined).length}/${N} candidates joined; load starts`);

    // Steady answering, each candidate on its own random interval.
    const t0 = performance.now();
    const timers = new Set<NodeJS.Timeout>();
    const schedule = (s: SimCandidate) => {
      const t = setTimeout(() => {
        timers.delete(t);
        if (performance.now() - t0 > DURATION_MS) return;
        s.answer();
        schedule(s);
      }, IMIN + Math.random() * (IMAX - IMIN));
      timers.add(t);
    };
    sims.forEach(schedule);

    // The chaos: kill -9 the instances in turn, restart each after DOWN_MS.
    const events: { atS: number; event: string }[] = [];
    const at = () => Math.round((performance.now() - t0) / 100) / 10;
    let victim = 0;
    while (performance.now() - t0 + KILL_EVERY_MS < DURATION_MS) {
      await sleep(KILL_EVERY_MS);
      const slot = slots[victim]!;
      serverOutput.push(slot.server!.output());
      slot.server!.child.kill('SIGKILL');
      slot.kills++;
      events.push({ atS: at(), event: `kill -9 instance ${victim ? 'B' : 'A'}` });
      log(`kill -9 instance ${victim ? 'B' : 'A'} (pid ${slot.server!.child.pid})`);
      await sleep(DOWN_MS);
      slot.server = await bootServer(db.url);
      events.push({ atS: at(), event: `instance ${victim ? 'B' : 'A'} ready again` });
      log(`instance ${victim ? 'B' : 'A'} ready again at ${slot.server.url}`);
      victim = 1 - victim;
    }
    await sleep(Math.max(0, DURATION_MS - (performance.now() - t0)));
    for (const t of timers) clearTimeout(t);
    const loadMs = performance.now() - t0;

    // Drain every outbox, then submit.
    const drainStart = performance.now();
    while (sims.some((s) => s.pending.size) && performance.now() - drainStart < 30_000) await sleep(100);
    const undrained = sims.reduce((n, s) => n + s.pending.size, 0);
    log(`outboxes drained in ${Math.round(performance.now() - drainStart)} ms (${undrained} answers still unacknowledged)`);
    for (const s of sims) s.submit();
    const submitStart = performance.now();
    while (sims.some((s) => !s.submitted) && performance.now() - submitStart < 30_000) await sleep(100);

    // Scoring happens right after the end or in the scoring sweep of either instance.
    const sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    const ids = sims.map((s) => s.c.sessionId);
    const scoredWait = performance.now();
    for (;;) {
      const { rows } = await sql.query<{ n: string }>(`select count(*) as n from exam_sessions where id = any($1::uuid[]) and state = 'scored'`, [ids]);
      if (Number(rows[0]!.n) === N || performance.now() - scoredWait > 60_000) break;
      await sleep(500);
    }
    await sleep(2500); // both sweeps get another turn; nothing may be added by them
    for (const s of sims) s.stop();

    // The checks.
    const responses = await sql.query<{ session_id: string; item_id: string; option_id: string | null; answer_seq: number }>(`select session_id, item_id, option_id, answer_seq from responses where session_id = any($1::uuid[])`, [ids]);
    const stored = new Map<string, Map<string, { optionId: string | null; seq: number }>>();
    for (const r of responses.rows) {
      if (!stored.has(r.session_id)) stored.set(r.session_id, new Map());
      stored.get(r.session_id)!.set(r.item_id, { optionId: r.option_id, seq: r.answer_seq });
    }
    let ackedTotal = 0;
    let lost = 0;
    let mismatched = 0;
    for (const s of sims) {
      const rows = stored.get(s.c.sessionId) ?? new Map();
      const lastAcked = new Map<string, number>();
      for (const seq of s.acked) {
        ackedTotal++;
        const itemId = s.sent.get(seq)!.itemId;
        lastAcked.set(itemId, Math.max(lastAcked.get(itemId) ?? 0, seq));
      }
      for (const [itemId, seq] of lastAcked) {
        const row = rows.get(itemId);
        if (!row || row.seq < seq) lost++;
      }
      for (const [, row] of rows) {
        const sent = s.sent.get(row.seq);
        if (!sent || sent.optionId !== row.optionId) mismatched++;
      }
    }
    const perSession = async (q: string) => (await sql.query<{ n: string }>(q, [ids])).rows.map((r) => Number(r.n));
    const overOne = (xs: number[]) => xs.filter((x) => x > 1).length;
    const duplicates = {
      scoreRows: overOne(await perSession(`select count(*) as n from session_scores where session_id = any($1::uuid[]) group by session_id`)),
      scoreHistoryRows: overOne(await perSession(`select count(*) as n from score_history where session_id = any($1::uuid[]) group by session_id`)),
      scoredAudit: overOne(await perSession(`select count(*) as n from audit_log where subject_id = any($1::text[]) and action = 'session.scored' group by subject_id`)),
      endAudit: overOne(await perSession(`select count(*) as n from audit_log where subject_id = any($1::text[]) and action in ('session.submitted', 'session.expired', 'session.terminated') group by subject_id`)),
      credentials: overOne(await perSession(`select count(*) as n from credentials where session_id = any($1::uuid[]) group by session_id`)),
    };
    const states = Object.fromEntries((await sql.query<{ state: string; n: string }>(`select state, count(*) as n from exam_sessions where id = any($1::uuid[]) group by state`, [ids])).rows.map((r) => [r.state, Number(r.n)]));
    const takeovers = Number((await sql.query<{ n: string }>(`select count(*) as n from session_incidents where session_id = any($1::uuid[]) and kind = 'second-connection'`, [ids])).rows[0]!.n);
    await sql.end();

    const reconnects = summarize(sims.flatMap((s) => s.reconnectMs));
    const errors: Record<string, number> = {};
    for (const s of sims) for (const [k, v] of Object.entries(s.errors)) errors[k] = (errors[k] ?? 0) + v;
    for (const slot of slots) serverOutput.push(slot.server?.output() ?? '');
    const result = {
      at: new Date().toISOString(),
      machine: { node: process.version, cores: os.availableParallelism(), cpu: os.cpus()[0]?.model ?? null, loadAvgAtStart: load.map((x) => Math.round(x * 100) / 100) },
      config: { candidates: N, durationS: DURATION_MS / 1000, killEveryS: KILL_EVERY_MS / 1000, downS: DOWN_MS / 1000, intervalS: [IMIN / 1000, IMAX / 1000], instances: 2 },
      events,
      kills: slots.reduce((n, s) => n + s.kills, 0),
      answers: { sent: sims.reduce((n, s) => n + s.sent.size, 0), acknowledged: ackedTotal, perSecond: Math.round((ackedTotal / (loadMs / 1000)) * 10) / 10, unacknowledgedAfterDrain: undrained },
      acknowledgedAnswersLost: lost,
      storedRowsNotAsSent: mismatched,
      duplicateScoring: duplicates,
      falseTakeoverIncidents: takeovers,
      sessionStates: states,
      submits: { acknowledged: sims.filter((s) => s.submitted === 'ack').length, alreadyEnded: sims.filter((s) => s.submitted === 'ended').length, noAnswer: sims.filter((s) => !s.submitted).length },
      reconnectMs: reconnects,
      reconnects: sims.reduce((n, s) => n + s.reconnectMs.length, 0),
      clientErrors: errors,
      serverErrorLines: errorLines(serverOutput.join('\n')).byMessage,
    };
    const ok = lost === 0 && mismatched === 0 && Object.values(duplicates).every((x) => x === 0) && takeovers === 0 && states.scored === N;
    console.log('\n  chaos bench');
    console.table({
      candidates: { value: N },
      'kill -9 (restarts)': { value: result.kills },
      'answers acknowledged': { value: ackedTotal },
      'answers/s (acknowledged)': { value: result.answers.perSecond },
      'acknowledged answers lost': { value: lost },
      'stored rows not as sent': { value: mismatched },
      'sessions scored more than once': { value: duplicates.scoreRows + duplicates.scoreHistoryRows + duplicates.scoredAudit },
      'sessions ended more than once': { value: duplicates.endAudit },
      'false takeover incidents': { value: takeovers },
      'sessions scored': { value: `${states.scored ?? 0}/${N}` },
      'reconnects': { value: result.reconnects },
      'reconnect p50 / p95 / max (ms)': { value: `${reconnects.p50} / ${reconnects.p95} / ${reconnects.max}` },
    });
    console.log(ok ? '  PASS: nothing acknowledged was lost, every session ended and was scored once' : '  FAIL: see the table');
    mkdirSync(path.dirname(args.out!), { recursive: true });
    writeFileSync(args.out!, JSON.stringify({ ...result, pass: ok }, null, 2) + '\n');
    log(`results written to ${path.relative(ROOT, args.out!)}`);
    process.exitCode = ok ? 0 : 1;
  } finally {
    for (const s of sims) s.stop();
    for (const slot of slots) await slot.server?.stop();
    await db?.drop();
  }
}

await main();
