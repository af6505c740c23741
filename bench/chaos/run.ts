/**
 * Chaos benchmark (#13.8): 2 server instances on a PRIVATE PostgreSQL cluster (tests/helpers/private-postgres.ts; the
 * shared cluster is never touched), N simulated candidates over websockets answering at exam pace, while a schedule,
 * printed before the run, kills one instance with SIGKILL (each in turn, started again after --down-s), restarts
 * PostgreSQL (stopped `fast` or `immediate`, down --pg-down-s, started again), freezes some clients (the socket stays
 * open but the client reads and sends nothing, longer than the liveness limit, then thaws) and cuts others for 5–60 s
 * (socket terminated without a close frame, no reconnect until the cut ends). Each candidate behaves like the exam
 * page: an outbox of unacknowledged answers (replayed with the same seq after every reconnect, and again after 0.5 s
 * doubling to 2 s after a retryable refusal), a stable client instance id, the 10 s time-sync heartbeat, and on a lost
 * socket a reconnect to whichever instance answers (a load balancer's job in production). At the end every candidate
 * drains its outbox and submits (in small waves, so the submit round-trip stays short); the bench waits for scoring
 * and checks in the database:
 *  - acknowledged-answer loss and stored rows that differ from what was sent with their seq;
 *  - every session ended once (one end audit entry, one ledger stop) and scored once (score rows, history, audit,
 *    credentials); false takeover incidents (`second-connection`); sessions not scored;
 *  - remaining time per session against allowed − (time connected) − (disconnects shorter than the limit), computed
 *    from the client's own timestamps and from the server's records (bench/chaos/remaining-time.ts), max deviation;
 *    server pauses no client gap explains (false pauses), long gaps the server did not pause;
 *  - answers sent while PostgreSQL was down: acknowledged how long after it was back;
 *  - reconnect times and acknowledged answers per second.
 * Prints a table and writes bench/results/chaos.json. Not a CI test: run it on purpose.
 *
 *   node --import tsx bench/chaos/run.ts --candidates 200 --duration-s 240
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import WebSocket from 'ws';
import { portFree, startPrivatePostgres, type PrivatePostgres } from '../../tests/helpers/private-postgres.ts';
import { errorLines, log, otherBenchmarks, sleep, startServer, type Server } from '../lib/server-process.ts';
import { summarize } from '../lib/stats.ts';
import { prepareCandidates, pool, type Candidate } from '../sessions/setup.ts';
import { expectedFromClient, expectedFromServer, expectedRangeFromClient, judgeGaps, outside, type ClientGap, type GapVerdict, type ServerPause } from './remaining-time.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const { values: args } = parseArgs({
  options: {
    candidates: { type: 'string', default: '200' },
    'duration-s': { type: 'string', default: '240' },
    'kill-every-s': { type: 'string', default: '60' },
    'down-s': { type: 'string', default: '3' },
    'pg-restart-every-s': { type: 'string', default: '120' },
    'pg-down-s': { type: 'string', default: '4' },
    /** When the first PostgreSQL restart comes; default 1.5 × --kill-every-s (half-way between the first two kills). */
    'pg-first-s': { type: 'string' },
    freezes: { type: 'string', default: '6' },
    cuts: { type: 'string', default: '24' },
    'interval-s': { type: 'string', default: '2-6' },
    seed: { type: 'string', default: '13' },
    ports: { type: 'string', default: '3480-3499' },
    out: { type: 'string', default: path.join(ROOT, 'bench', 'results', 'chaos.json') },
  },
});
const N = Number(args.candidates);
const DURATION_MS = Number(args['duration-s']) * 1000;
const KILL_EVERY_MS = Number(args['kill-every-s']) * 1000;
const DOWN_MS = Number(args['down-s']) * 1000;
const PG_EVERY_MS = Number(args['pg-restart-every-s']) * 1000;
const PG_DOWN_MS = Number(args['pg-down-s']) * 1000;
const FREEZES = Number(args.freezes);
const CUTS = Number(args.cuts);
const [IMIN, IMAX] = args['interval-s']!.split('-').map((x) => Number(x) * 1000) as [number, number];
const [PORT_FROM, PORT_TO] = args.ports!.split('-').map(Number) as [number, number];
const TOKEN_SECRET = 'cpt-bench-chaos-token-secret-0123456789abcdef0123';
/** The server's defaults this bench runs with (docs/reliability.md). */
const PAUSE_AFTER_MS = 30_000;
const LIVENESS_TIMEOUT_MS = 12_000;
const LIVENESS_PING_MS = 5000;
const HEARTBEAT_MS = 10_000;
const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 2000;

/** A small seeded generator (mulberry32), so a schedule can be run again. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The two instances; each keeps its port across restarts (as behind a load balancer). */
const slots: { name: string; port: number; server: Server | null; kills: number; startMs: number[] }[] = [];
const liveUrls = () => slots.filter((s) => s.server && s.server.child.exitCode === null && s.server.child.signalCode === null).map((s) => s.server!.url);
const serverOutput: string[] = [];
const now = () => Date.now();

interface Sent {
  itemId: string;
  optionId: string;
}

/** One simulated candidate: the exam page's outbox, retry, heartbeat and reconnect behaviour, over a real websocket. */
class SimCandidate {
  seq = 0;
  readonly sent = new Map<number, Sent>();
  readonly firstSentAt = new Map<number, number>();
  readonly ackedAt = new Map<number, number>();
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
  closeCodes: Record<string, number> = {};
  submitted: 'ack' | 'ended' | null = null;
  submitSeq: number | null = null;
  submitSentAt: number | null = null;
  submitAckAt: number | null = null;
  startReqAt = 0;
  startResAt = 0;
  helloAt = 0;
  private helloDue = false;
  /** Hellos sent during the open gap before the current one. */
  private gapHellos: number[] = [];
  /** Last time anything went out on the socket (a message, or ws's automatic pong to the server's ping). */
  lastSentAt = 0;
  /** The open disconnect: since when the client was last heard, and why. */
  gapFrom: number | null = null;
  gapCause: ClientGap['cause'] = 'initial';
  readonly gaps: ClientGap[] = [];
  /** 'paused' pushed while connected, and snapshots that came back paused (neither should happen in this bench). */
  pausedWhileConnected: number[] = [];
  pausedSnapshots = 0;
  frozen = false;
  cutting = false;
  /** A freeze: the last-sent time before it, and the socket it froze (its close counts the gap from then). */
  private frozenSocket: { ws: WebSocket; lastSentAt: number } | null = null;
  freezeOutcome: 'reaped' | 'survived' | null = null;
  private attempt = 0;
  private failures = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryDelay = RETRY_MIN_MS;
  private heartbeat: NodeJS.Timeout | null = null;
  private readonly instanceId: string;

  constructor(readonly c: Candidate) {
    this.instanceId = `chaos-${c.index.toString(36).padStart(6, '0')}-tab`;
  }

  private send(m: Record<string, unknown>): boolean {
    if (this.frozen || !this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(m));
    this.lastSentAt = now();
    return true;
  }

  connect() {
    if (this.stopped || this.frozen || this.cutting) return;
    const urls = liveUrls();
    if (!urls.length) return void setTimeout(() => this.connect(), 250);
    const url = urls[(this.c.index + this.attempt++) % urls.length]!;
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws/session`, { headers: { authorization: `Bearer ${this.c.token}` } });
    this.ws = ws;
    this.joined = false;
    ws.on('open', () => {
      // A socket that opens while the client is frozen says hello when it thaws.
      if (this.frozen) {
        this.helloDue = true;
        ws.pause();
      } else this.hello();
    });
    // ws answers the server's ping with a pong before emitting this: the server heard from us now.
    ws.on('ping', () => {
      if (!this.frozen) this.lastSentAt = now();
    });
    ws.on('message', (d) => {
      if (this.ws === ws) this.onMessage(JSON.parse(String(d)) as Record<string, unknown>);
    });
    ws.on('error', () => {});
    ws.on('close', (code) => {
      this.closeCodes[code] = (this.closeCodes[code] ?? 0) + 1;
      if (this.ws !== ws) return;
      this.stopHeartbeat();
      this.cancelRetry();
      this.joined = false;
      this.ws = null;
      if (this.stopped || this.submitted) return;
      const frozenAt = this.frozenSocket?.ws === ws ? this.frozenSocket.lastSentAt : null;
      if (frozenAt !== null) this.freezeOutcome = 'reaped';
      if (this.gapFrom === null) {
        this.gapFrom = frozenAt ?? this.lastSentAt;
        this.gapCause = frozenAt !== null ? 'freeze' : 'lost';
      }
      this.lostAt ??= performance.now();
      if (this.frozen || this.cutting) return; // reconnects when it thaws or the cut ends
      // The page reconnects at once after 1001/1006, with a short backoff while nothing answers.
      setTimeout(() => this.connect(), Math.min(2000, 100 * 2 ** Math.min(4, this.failures++)));
    });
  }

  private hello() {
    this.helloDue = false;
    if (this.gapFrom !== null && this.helloAt > this.gapFrom) this.gapHellos.push(this.helloAt);
    this.helloAt = now();
    this.send({ type: 'hello', protocol: 1, sessionId: this.c.sessionId, clientInstanceId: this.instanceId });
    this.send({ type: 'time-sync', clientSentAt: now() });
  }

  private startHeartbeat() {
    this.stopHeartbeat();
    this.heartbeat = setInterval(() => this.send({ type: 'time-sync', clientSentAt: now() }), HEARTBEAT_MS);
  }
  private stopHeartbeat() {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }
  private replay() {
    for (const s of [...this.pending].sort((a, b) => a - b)) this.send({ type: 'answer', seq: s, ...this.sent.get(s)! });
    if (this.submitSeq !== null && !this.submitted) this.send({ type: 'submit', seq: this.submitSeq });
  }
  /** After a retryable refusal the outbox goes again after 0.5 s, doubling to 2 s (as client/src/features/exam-session/exam-controller.ts). */
  private scheduleRetry() {
    if (this.retryTimer) return;
    const delay = this.retryDelay;
    this.retryDelay = Math.min(RETRY_MAX_MS, this.retryDelay * 2);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.joined) this.replay();
    }, delay);
  }
  private cancelRetry() {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.retryDelay = RETRY_MIN_MS;
  }

  private onMessage(m: Record<string, unknown>) {
    switch (m.type) {
      case 'snapshot': {
        this.items = m.items as typeof this.items;
        this.joined = true;
        this.connects++;
        this.failures = 0;
        const t = now();
        if (this.gapFrom !== null) this.gaps.push({ from: this.gapFrom, to: t, helloAt: this.helloAt, earlierHellos: this.gapHellos.filter((h) => h > this.gapFrom!), cause: this.gapCause });
        this.gapHellos = [];
        // Reconnect time only for sockets the client did not give up on purpose (a kill, a restart, a refusal).
        if (this.lostAt !== null && this.gapFrom !== null && this.gapCause === 'lost') this.reconnectMs.push(performance.now() - this.lostAt);
        this.gapFrom = null;
        this.lostAt = null;
        const state = (m.session as { state?: string }).state;
        if (state === 'paused') this.pausedSnapshots++;
        this.startHeartbeat();
        // The outbox: everything not acknowledged goes again with its own seq (idempotent on the server).
        this.replay();
        if (state !== 'in_progress' && state !== 'paused' && this.submitSeq !== null) this.submitted = 'ended';
        break;
      }
      case 'ack': {
        const s = m.seq as number;
        this.retryDelay = RETRY_MIN_MS;
        if (s === this.submitSeq) {
          this.submitted ??= 'ack';
          this.submitAckAt ??= now();
        } else if (this.pending.delete(s)) {
          this.acked.add(s);
          this.ackedAt.set(s, now());
        }
        break;
      }
      case 'error': {
        const code = String(m.code);
        this.errors[code] = (this.errors[code] ?? 0) + 1;
        const s = m.seq as number | undefined;
        if (s === undefined) break;
        if (s === this.submitSeq && code === 'SESSION_ENDED') this.submitted = 'ended';
        else if (code === 'UNAVAILABLE' || code === 'INTERNAL') this.scheduleRetry();
        // Kept while paused (sent again on resume); a refusal for good drops it (it was never saved).
        else if (code !== 'SESSION_PAUSED' && code !== 'SESSION_NOT_STARTED') this.pending.delete(s);
        break;
      }
      case 'paused':
        this.pausedWhileConnected.push(now());
        break;
      case 'resumed':
        this.replay();
        break;
      case 'ended':
      case 'result-ready':
        if (this.submitSeq !== null) this.submitted ??= 'ended';
        break;
    }
  }

  answer() {
    if (this.frozen || !this.items.length || this.submitSeq !== null) return;
    const it = this.items[Math.floor(Math.random() * this.items.length)]!;
    const s = ++this.seq;
    this.sent.set(s, { itemId: it.itemId, optionId: it.options[Math.floor(Math.random() * it.options.length)]!.id });
    this.pending.add(s);
    // Only answers that went out on a socket count as "sent during an outage"; the rest wait in the outbox.
    if (this.joined && this.send({ type: 'answer', seq: s, ...this.sent.get(s)! })) this.firstSentAt.set(s, now());
  }

  /** The process stops: nothing read (so no pongs), nothing sent; the socket stays open. */
  freeze() {
    this.frozen = true;
    this.stopHeartbeat();
    this.cancelRetry();
    // ws can only pause an open socket; one still connecting is paused when it opens (and says hello on thaw).
    if (this.ws?.readyState === WebSocket.OPEN) {
      this.frozenSocket = { ws: this.ws, lastSentAt: this.lastSentAt };
      this.ws.pause();
    }
  }
  thaw() {
    this.frozen = false;
    const ws = this.ws;
    if (ws) {
      ws.resume();
      if (this.helloDue && ws.readyState === WebSocket.OPEN) this.hello();
      // Still open a moment after thawing: the server had not reaped it (the freeze was too short).
      setTimeout(() => {
        if (this.ws === ws && ws.readyState === WebSocket.OPEN && this.joined && this.frozenSocket?.ws === ws) {
          this.freezeOutcome ??= 'survived';
          this.frozenSocket = null;
          this.startHeartbeat();
        }
      }, 3000);
    } else this.connect();
  }

  /** A cut: the socket is dropped without a close frame and the client stays away. */
  cut() {
    this.cutting = true;
    const ws = this.ws;
    if (ws) {
      if (this.gapFrom === null) {
        this.gapFrom = this.lastSentAt;
        this.gapCause = 'cut';
      }
      ws.terminate();
    }
  }
  uncut() {
    this.cutting = false;
    if (!this.ws) this.connect();
  }

  submit() {
    this.submitSeq = ++this.seq;
    this.submitSentAt = now();
    this.send({ type: 'submit', seq: this.submitSeq });
  }

  stop() {
    this.stopped = true;
    this.stopHeartbeat();
    this.cancelRetry();
    this.ws?.close();
  }
}

type Planned =
  | { atS: number; kind: 'kill'; slot: number }
  | { atS: number; kind: 'pg-restart'; mode: 'fast' | 'immediate'; downS: number }
  | { atS: number; kind: 'freeze' | 'cut'; candidate: number; forS: number };

/** The schedule, fixed before the run from the seed. */
function plan(): Planned[] {
  const r = rng(Number(args.seed));
  const D = DURATION_MS / 1000;
  const events: Planned[] = [];
  for (let k = 1, t = KILL_EVERY_MS / 1000; t + DOWN_MS / 1000 + 10 < D; k++, t += KILL_EVERY_MS / 1000) events.push({ atS: t, kind: 'kill', slot: (k - 1) % 2 });
  let mode: 'fast' | 'immediate' = 'fast';
  for (let t = args['pg-first-s'] ? Number(args['pg-first-s']) : (KILL_EVERY_MS * 1.5) / 1000; t + PG_DOWN_MS / 1000 + 15 < D; t += PG_EVERY_MS / 1000) {
    events.push({ atS: t, kind: 'pg-restart', mode, downS: PG_DOWN_MS / 1000 });
    mode = mode === 'fast' ? 'immediate' : 'fast';
  }
  // Distinct candidates for each freeze and cut.
  const picks = Array.from({ length: N }, (_, i) => i);
  for (let i = picks.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [picks[i], picks[j]] = [picks[j]!, picks[i]!];
  }
  const at = (forS: number) => Math.round((10 + r() * Math.max(0, D - forS - 30)) * 10) / 10;
  for (let i = 0; i < Math.min(FREEZES, N); i++) {
    // Half shorter than the disconnect limit (charged), half longer (paused and credited); all past the liveness limit.
    const forS = Math.round((i % 2 === 0 ? 20 + r() * 3 : 38 + r() * 17) * 10) / 10;
    events.push({ atS: at(forS), kind: 'freeze', candidate: picks.pop()!, forS });
  }
  for (let i = 0; i < Math.min(CUTS, picks.length); i++) {
    const forS = Math.round((5 + r() * 55) * 10) / 10;
    events.push({ atS: at(forS), kind: 'cut', candidate: picks.pop()!, forS });
  }
  return events.sort((a, b) => a.atS - b.atS);
}

const describe = (e: Planned) =>
  e.kind === 'kill' ? `kill -9 instance ${slots[e.slot]!.name}, start it again after ${DOWN_MS / 1000} s` : e.kind === 'pg-restart' ? `stop PostgreSQL (${e.mode}), start it again after ${e.downS} s` : `${e.kind} candidate ${e.candidate} for ${e.forS} s`;

async function main() {
  const load = os.loadavg();
  const others = otherBenchmarks('chaos');
  const schedule0 = { n: N, durationS: DURATION_MS / 1000 };
  log(`chaos bench: ${N} candidates, ${schedule0.durationS} s, 2 instances on a private PostgreSQL, answers every ${IMIN / 1000}-${IMAX / 1000} s; node ${process.version}, ${os.availableParallelism()} cores, load ${load.map((x) => x.toFixed(2)).join(' ')}`);
  if (others.length) log(`note: other benchmarks are running:\n  ${others.join('\n  ')}`);
  let pgc: PrivatePostgres | undefined;
  const sims: SimCandidate[] = [];
  const loadSamples: { atS: number; load1: number }[] = [];
  try {
    pgc = await startPrivatePostgres({ ports: { from: PORT_FROM, to: PORT_TO }, maxConnections: 200 });
    const databaseUrl = await pgc.createDatabase('chaos');
    log(`private PostgreSQL on port ${pgc.port} (data in ${pgc.dataDir})`);
    for (const name of ['A', 'B']) {
      let port = 0;
      for (let p = PORT_FROM; p <= PORT_TO && !port; p++) if (p !== pgc.port && !slots.some((s) => s.port === p) && (await portFree(p))) port = p;
      if (!port) throw new Error(`no free port in ${PORT_FROM}–${PORT_TO}`);
      slots.push({ name, port, server: null, kills: 0, startMs: [] });
    }
    const boot = async (slot: (typeof slots)[number]) => {
      const t = performance.now();
      slot.server = await startServer({ databaseUrl, tokenSecret: TOKEN_SECRET, port: slot.port });
      slot.startMs.push(Math.round(performance.now() - t));
    };
    // One after the other: the first runs the migrations and loads the sample bank.
    await boot(slots[0]!);
    await boot(slots[1]!);
    log(`instances at ${liveUrls().join(', ')}`);
    const schedule = plan();
    console.log('\n  schedule (seconds after the load starts):');
    for (const e of schedule) console.log(`    ${e.atS.toFixed(1).padStart(6)}  ${describe(e)}`);
    console.log();

    const setup = await prepareCandidates({ databaseUrl, tokenSecret: TOKEN_SECRET, serverUrl: slots[0]!.server!.url, sessions: N, perCenter: 50, productLogins: 4, concurrency: 8, log });
    // Start and connect each session right away (its clock runs from the start).
    for (const c of setup.candidates) sims.push(new SimCandidate(c));
    await pool(sims, 4, async (s) => {
      s.startReqAt = now();
      const r = await fetch(`${liveUrls()[s.c.index % 2]}/api/sessions/${s.c.sessionId}/start`, { method: 'POST', headers: { authorization: `Bearer ${s.c.token}` } });
      if (!r.ok) throw new Error(`start ${s.c.sessionId}: ${r.status} ${await r.text()}`);
      s.startResAt = now();
      // Not connected yet: the server last heard from the candidate at the start.
      s.gapFrom = Math.round((s.startReqAt + s.startResAt) / 2);
      s.gapCause = 'initial';
      s.connect();
    });
    await sleep(3000);
    log(`${sims.filter((s) => s.joined).length}/${N} candidates joined; load starts`);

    // Steady answering, each candidate on its own random interval.
    const t0 = performance.now();
    const at = () => Math.round((performance.now() - t0) / 100) / 10;
    const timers = new Set<NodeJS.Timeout>();
    const scheduleAnswer = (s: SimCandidate) => {
      const t = setTimeout(() => {
        timers.delete(t);
        if (performance.now() - t0 > DURATION_MS) return;
        s.answer();
        scheduleAnswer(s);
      }, IMIN + Math.random() * (IMAX - IMIN));
      timers.add(t);
    };
    sims.forEach(scheduleAnswer);
    const progress = setInterval(() => {
      loadSamples.push({ atS: at(), load1: Math.round(os.loadavg()[0]! * 100) / 100 });
      log(`  t=${at()} s: ${sims.filter((s) => s.joined).length}/${N} joined, ${sims.reduce((n, s) => n + s.acked.size, 0)} acked, ${sims.reduce((n, s) => n + s.pending.size, 0)} pending, load ${os.loadavg()[0]!.toFixed(2)}`);
    }, 20_000);

    // The chaos, each event on its own timer so a slow restart does not delay the next.
    const events: { atS: number; event: string }[] = [];
    const note = (event: string) => {
      events.push({ atS: at(), event });
      log(event);
    };
    const pgOutages: { mode: string; stoppedAt: number; backAt: number; stopMs: number; startMs: number }[] = [];
    const tasks = schedule.map(async (e) => {
      await sleep(Math.max(0, t0 + e.atS * 1000 - performance.now()));
      if (e.kind === 'kill') {
        const slot = slots[e.slot]!;
        serverOutput.push(slot.server!.output());
        slot.server!.child.kill('SIGKILL');
        slot.kills++;
        note(`kill -9 instance ${slot.name} (pid ${slot.server!.child.pid})`);
        await sleep(DOWN_MS);
        note(`starting instance ${slot.name} again`);
        await boot(slot);
        note(`instance ${slot.name} ready again (start-up ${slot.startMs.at(-1)} ms)`);
      } else if (e.kind === 'pg-restart') {
        const a = now();
        note(`PostgreSQL: pg_ctl stop -m ${e.mode}`);
        await pgc!.stop(e.mode);
        const stoppedAt = now();
        note(`PostgreSQL stopped (${stoppedAt - a} ms); down for ${e.downS} s`);
        await sleep(e.downS * 1000);
        const b = now();
        await pgc!.start();
        const backAt = now();
        pgOutages.push({ mode: e.mode, stoppedAt: a, backAt, stopMs: stoppedAt - a, startMs: backAt - b });
        note(`PostgreSQL accepting connections again (start ${backAt - b} ms; out for ${((backAt - a) / 1000).toFixed(1)} s)`);
      } else {
        const s = sims[e.candidate]!;
        note(`${e.kind} candidate ${e.candidate} for ${e.forS} s${s.joined ? '' : ' (not connected at that moment)'}`);
        if (e.kind === 'freeze') s.freeze();
        else s.cut();
        await sleep(e.forS * 1000);
        if (e.kind === 'freeze') s.thaw();
        else s.uncut();
        note(`${e.kind === 'freeze' ? 'thaw' : 'end the cut of'} candidate ${e.candidate}`);
      }
    });
    await sleep(Math.max(0, DURATION_MS - (performance.now() - t0)));
    await Promise.all(tasks);
    for (const t of timers) clearTimeout(t);
    clearInterval(progress);
    const loadMs = performance.now() - t0;

    // Everyone back, outboxes drained, then submits in waves of 5 every 300 ms (a short round-trip each).
    const back = performance.now();
    while (sims.some((s) => !s.joined) && performance.now() - back < 60_000) await sleep(100);
    const drainStart = performance.now();
    while (sims.some((s) => s.pending.size) && performance.now() - drainStart < 30_000) await sleep(100);
    const undrained = sims.reduce((n, s) => n + s.pending.size, 0);
    log(`${sims.filter((s) => s.joined).length}/${N} connected; outboxes drained in ${Math.round(performance.now() - drainStart)} ms (${undrained} answers still unacknowledged)`);
    for (let i = 0; i < sims.length; i += 5) {
      for (const s of sims.slice(i, i + 5)) s.submit();
      await sleep(300);
    }
    const submitStart = performance.now();
    while (sims.some((s) => !s.submitted) && performance.now() - submitStart < 30_000) await sleep(100);

    // Scoring happens right after the end or in the scoring sweep of either instance.
    const sql = new pg.Client({ connectionString: databaseUrl });
    sql.on('error', () => {});
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

    // Acknowledged answers.
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
    // Answers first sent while PostgreSQL was down: acknowledged how long after it was back.
    const ackAfterPgBack: number[] = [];
    let sentDuringOutage = 0;
    for (const o of pgOutages)
      for (const s of sims) {
        // A candidate cut or frozen around the outage sends its outbox when it is back, not when the database is.
        if (s.gaps.some((g) => g.cause !== 'lost' && g.cause !== 'initial' && g.from <= o.backAt + 10_000 && g.to >= o.stoppedAt)) continue;
        for (const [seq, t] of s.firstSentAt) {
          if (t < o.stoppedAt || t > o.backAt) continue;
          sentDuringOutage++;
          const a = s.ackedAt.get(seq);
          if (a !== undefined) ackAfterPgBack.push(Math.max(0, a - o.backAt));
        }
      }

    // Exactly once.
    const perSession = async (q: string) => (await sql.query<{ n: string }>(q, [ids])).rows.map((r) => Number(r.n));
    const overOne = (xs: number[]) => xs.filter((x) => x > 1).length;
    const duplicates = {
      scoreRows: overOne(await perSession(`select count(*) as n from session_scores where session_id = any($1::uuid[]) group by session_id`)),
      scoreHistoryRows: overOne(await perSession(`select count(*) as n from score_history where session_id = any($1::uuid[]) group by session_id`)),
      scoredAudit: overOne(await perSession(`select count(*) as n from audit_log where subject_id = any($1::text[]) and action = 'session.scored' group by subject_id`)),
      endAudit: overOne(await perSession(`select count(*) as n from audit_log where subject_id = any($1::text[]) and action in ('session.submitted', 'session.expired', 'session.terminated') group by subject_id`)),
      ledgerStops: overOne(await perSession(`select count(*) as n from session_time_ledger where session_id = any($1::uuid[]) and kind = 'stop' group by session_id`)),
      credentials: overOne(await perSession(`select count(*) as n from credentials where session_id = any($1::uuid[]) group by session_id`)),
    };
    const endedOnce = (await perSession(`select count(*) as n from audit_log where subject_id = any($1::text[]) and action in ('session.submitted', 'session.expired', 'session.terminated') group by subject_id having count(*) = 1`)).length;
    const states = Object.fromEntries((await sql.query<{ state: string; n: string }>(`select state, count(*) as n from exam_sessions where id = any($1::uuid[]) group by state`, [ids])).rows.map((r) => [r.state, Number(r.n)]));
    const endReasons = Object.fromEntries((await sql.query<{ r: string; n: string }>(`select coalesce(end_reason, 'none') as r, count(*) as n from exam_sessions where id = any($1::uuid[]) group by 1`, [ids])).rows.map((r) => [r.r, Number(r.n)]));
    const takeovers = Number((await sql.query<{ n: string }>(`select count(*) as n from session_incidents where session_id = any($1::uuid[]) and kind = 'second-connection'`, [ids])).rows[0]!.n);

    // Remaining time: what the server stored against what the client observed and what the server recorded.
    const rowsById = new Map((await sql.query<{ id: string; allowed_ms: string; used_ms: string; disconnect_credited_ms: string }>(`select id, allowed_ms, used_ms, disconnect_credited_ms from exam_sessions where id = any($1::uuid[])`, [ids])).rows.map((r) => [r.id, r]));
    const ledger = await sql.query<{ session_id: string; at: Date; kind: string; amount_ms: string | null }>(`select session_id, at, kind, amount_ms from session_time_ledger where session_id = any($1::uuid[]) order by id`, [ids]);
    const autoPaused = await sql.query<{ subject_id: string; details: { goneMs: number; creditedMs: number } }>(`select subject_id, details from audit_log where subject_id = any($1::text[]) and action = 'session.auto-paused' order by id`, [ids]);
    const ledgerOf = new Map<string, typeof ledger.rows>();
    for (const r of ledger.rows) (ledgerOf.get(r.session_id) ?? ledgerOf.set(r.session_id, []).get(r.session_id)!).push(r);
    const goneOf = new Map<string, { goneMs: number; creditedMs: number }[]>();
    for (const r of autoPaused.rows) (goneOf.get(r.subject_id) ?? goneOf.set(r.subject_id, []).get(r.subject_id)!).push(r.details);
    const perSessionTime: {
      candidate: number;
      remainingMs: number;
      expectedClientMs: number;
      expectedServerMs: number;
      deviationClientMs: number;
      outsideClientRangeMs: number;
      deviationServerMs: number;
      startUncertaintyMs: number;
      endUncertaintyMs: number;
      gaps: { cause: string; lengthMs: number; expected: string; paused: boolean; lastHeardDiffMs: number | null }[];
    }[] = [];
    let creditNotGone = 0;
    let extensions = 0;
    let unexplainedPauses = 0;
    let missedPauses = 0;
    let ambiguousGaps = 0;
    const lastHeardDiff: number[] = [];
    const allVerdicts: GapVerdict[] = [];
    for (const s of sims) {
      const row = rowsById.get(s.c.sessionId)!;
      const entries = ledgerOf.get(s.c.sessionId) ?? [];
      const gone = goneOf.get(s.c.sessionId) ?? [];
      const start = entries.find((e) => e.kind === 'start')!.at.getTime();
      const stop = entries.find((e) => e.kind === 'stop')?.at.getTime() ?? now();
      const credits = entries.filter((e) => e.kind === 'credit').reduce((n, e) => n + Number(e.amount_ms), 0);
      extensions += entries.filter((e) => e.kind === 'extend').length;
      const allowed = Number(row.allowed_ms) - credits; // the allowance before any credit (no extensions here)
      const pauses: ServerPause[] = [];
      let pi = 0;
      entries.forEach((e, i) => {
        if (e.kind !== 'pause') return;
        const credit = entries[i + 1]?.kind === 'credit' ? Number(entries[i + 1]!.amount_ms) : 0;
        const g = gone[pi++];
        if (!g || g.creditedMs !== credit || g.goneMs !== credit) creditNotGone++;
        const resumed = entries.slice(i + 1).find((x) => x.kind === 'resume' || x.kind === 'stop');
        pauses.push({ at: e.at.getTime(), lastHeard: e.at.getTime() - (g?.goneMs ?? credit), resumedAt: resumed?.kind === 'resume' ? resumed.at.getTime() : null, creditMs: credit });
      });
      const verdicts = judgeGaps(s.gaps, pauses, PAUSE_AFTER_MS);
      allVerdicts.push(...verdicts);
      unexplainedPauses += pauses.filter((p) => !verdicts.some((v) => v.pause === p)).length;
      missedPauses += verdicts.filter((v) => v.expected === 'pause' && !v.pause).length;
      ambiguousGaps += verdicts.filter((v) => v.expected === 'ambiguous').length;
      for (const v of verdicts) if (v.pause) lastHeardDiff.push(Math.abs(v.pause.lastHeard - v.heardAt));
      const startAt = (s.startReqAt + s.startResAt) / 2;
      const endAt = ((s.submitSentAt ?? now()) + (s.submitAckAt ?? now())) / 2;
      const remaining = Number(row.allowed_ms) - Number(row.used_ms);
      const expectedClient = expectedFromClient(allowed, startAt, endAt, verdicts);
      const expectedServer = expectedFromServer(allowed, start, stop, pauses);
      const range = expectedRangeFromClient(allowed, [s.startReqAt, s.startResAt], [s.submitSentAt ?? now(), s.submitAckAt ?? now()], verdicts);
      perSessionTime.push({
        candidate: s.c.index,
        remainingMs: remaining,
        expectedClientMs: Math.round(expectedClient),
        expectedServerMs: Math.round(expectedServer),
        deviationClientMs: Math.round(remaining - expectedClient),
        outsideClientRangeMs: Math.round(outside(remaining, range)),
        deviationServerMs: Math.round(remaining - expectedServer),
        startUncertaintyMs: Math.round((s.startResAt - s.startReqAt) / 2),
        endUncertaintyMs: s.submitAckAt && s.submitSentAt ? Math.round((s.submitAckAt - s.submitSentAt) / 2) : -1,
        gaps: verdicts.map((v) => ({ cause: v.gap.cause, lengthMs: v.lengthMs, expected: v.expected, paused: !!v.pause, lastHeardDiffMs: v.pause ? v.pause.lastHeard - v.heardAt : null, earlierHellos: v.gap.earlierHellos.length })),
      });
    }
    await sql.end();
    const absMax = (xs: number[]) => xs.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
    const devClient = perSessionTime.map((p) => p.deviationClientMs);
    const devServer = perSessionTime.map((p) => p.deviationServerMs);
    const outsideRange = perSessionTime.map((p) => p.outsideClientRangeMs);
    // The issue's "within 1 s": beyond what the client's own round-trips leave open, and against the server's records.
    const overOneSecond = perSessionTime.filter((p) => Math.abs(p.outsideClientRangeMs) > 1000 || Math.abs(p.deviationServerMs) > 1000);
    const gapStats = (cause: string) => {
      const vs = allVerdicts.filter((v) => v.gap.cause === cause);
      return { count: vs.length, paused: vs.filter((v) => v.pause).length, lengthMs: summarize(vs.map((v) => v.lengthMs)) };
    };

    const reconnects = summarize(sims.flatMap((s) => s.reconnectMs));
    const errors: Record<string, number> = {};
    const closeCodes: Record<string, number> = {};
    for (const s of sims) {
      for (const [k, v] of Object.entries(s.errors)) errors[k] = (errors[k] ?? 0) + v;
      for (const [k, v] of Object.entries(s.closeCodes)) closeCodes[k] = (closeCodes[k] ?? 0) + v;
    }
    for (const slot of slots) serverOutput.push(slot.server?.output() ?? '');
    const freezes = schedule.filter((e): e is Extract<Planned, { kind: 'freeze' | 'cut' }> => e.kind === 'freeze').map((e) => ({ ...e, outcome: sims[e.candidate]!.freezeOutcome }));
    const pausedWhileConnected = sims.reduce((n, s) => n + s.pausedWhileConnected.length, 0);
    const result = {
      at: new Date().toISOString(),
      machine: {
        node: process.version,
        cores: os.availableParallelism(),
        cpu: os.cpus()[0]?.model ?? null,
        loadAvgAtStart: load.map((x) => Math.round(x * 100) / 100),
        loadAvgAtEnd: os.loadavg().map((x) => Math.round(x * 100) / 100),
        load1DuringRun: summarize(loadSamples.map((x) => x.load1)),
        otherBenchmarksAtStart: others.length,
      },
      config: {
        candidates: N,
        durationS: DURATION_MS / 1000,
        killEveryS: KILL_EVERY_MS / 1000,
        downS: DOWN_MS / 1000,
        pgRestartEveryS: PG_EVERY_MS / 1000,
        pgDownS: PG_DOWN_MS / 1000,
        freezes: FREEZES,
        cuts: CUTS,
        intervalS: [IMIN / 1000, IMAX / 1000],
        seed: Number(args.seed),
        instances: 2,
        server: { disconnectPauseAfterMs: PAUSE_AFTER_MS, livenessTimeoutMs: LIVENESS_TIMEOUT_MS, livenessPingMs: LIVENESS_PING_MS },
      },
      schedule,
      events,
      kills: Object.fromEntries(slots.map((s) => [s.name, s.kills])),
      instanceStartMs: Object.fromEntries(slots.map((s) => [s.name, s.startMs])),
      pgRestarts: pgOutages.map((o) => ({ mode: o.mode, outMs: o.backAt - o.stoppedAt, stopMs: o.stopMs, startMs: o.startMs })),
      freezes,
      cuts: schedule.filter((e) => e.kind === 'cut').length,
      answers: {
        sent: sims.reduce((n, s) => n + s.sent.size, 0),
        acknowledged: ackedTotal,
        perSecond: Math.round((ackedTotal / (loadMs / 1000)) * 10) / 10,
        unacknowledgedAfterDrain: undrained,
        sentWhilePostgresDown: sentDuringOutage,
        ackedAfterPostgresBackMs: summarize(ackAfterPgBack),
      },
      acknowledgedAnswersLost: lost,
      storedRowsNotAsSent: mismatched,
      duplicateEndOrScoring: duplicates,
      sessionsEndedExactlyOnce: endedOnce,
      falseTakeoverIncidents: takeovers,
      sessionStates: states,
      endReasons,
      submits: { acknowledged: sims.filter((s) => s.submitted === 'ack').length, alreadyEnded: sims.filter((s) => s.submitted === 'ended').length, noAnswer: sims.filter((s) => !s.submitted).length },
      remainingTime: {
        maxOutsideClientRangeMs: absMax(outsideRange),
        maxDeviationClientMidpointMs: absMax(devClient),
        maxDeviationServerMs: absMax(devServer),
        deviationClientMs: summarize(devClient.map(Math.abs)),
        sessionsOverOneSecond: overOneSecond.length,
        worst: [...perSessionTime].sort((a, b) => Math.abs(b.outsideClientRangeMs) - Math.abs(a.outsideClientRangeMs) || Math.abs(b.deviationClientMs) - Math.abs(a.deviationClientMs)).slice(0, 5),
        startUncertaintyMs: summarize(perSessionTime.map((p) => p.startUncertaintyMs)),
        endUncertaintyMs: summarize(perSessionTime.map((p) => p.endUncertaintyMs)),
        gaps: { cut: gapStats('cut'), freeze: gapStats('freeze'), lost: gapStats('lost'), initial: gapStats('initial') },
        ambiguousGaps,
        serverPausesNoGapExplains: unexplainedPauses,
        longGapsNotPaused: missedPauses,
        creditNotEqualToGone: creditNotGone,
        extensions,
        lastHeardServerVsClientMs: summarize(lastHeardDiff),
        pausedWhileConnected,
        pausedSnapshots: sims.reduce((n, s) => n + s.pausedSnapshots, 0),
      },
      reconnectMs: reconnects,
      reconnects: sims.reduce((n, s) => n + s.reconnectMs.length, 0),
      clientErrors: errors,
      clientCloseCodes: closeCodes,
      serverErrorLines: errorLines(serverOutput.join('\n')).byMessage,
    };
    const ok =
      lost === 0 &&
      mismatched === 0 &&
      Object.values(duplicates).every((x) => x === 0) &&
      endedOnce === N &&
      takeovers === 0 &&
      states.scored === N &&
      overOneSecond.length === 0 &&
      unexplainedPauses === 0 &&
      missedPauses === 0 &&
      creditNotGone === 0 &&
      undrained === 0 &&
      (ackAfterPgBack.length === 0 || Math.max(...ackAfterPgBack) <= 10_000);
    console.log('\n  chaos bench');
    console.table({
      candidates: { value: N },
      'load average at start / end': { value: `${result.machine.loadAvgAtStart.join(' ')} / ${result.machine.loadAvgAtEnd.join(' ')}` },
      'kill -9 (A / B)': { value: `${slots[0]!.kills} / ${slots[1]!.kills}` },
      'PostgreSQL restarts (out for, ms)': { value: `${pgOutages.length} (${pgOutages.map((o) => `${o.mode} ${o.backAt - o.stoppedAt}`).join(', ')})` },
      'freezes (reaped by the server)': { value: `${freezes.length} (${freezes.filter((f) => f.outcome === 'reaped').length})` },
      'cuts 5-60 s': { value: result.cuts },
      'answers acknowledged': { value: ackedTotal },
      'answers/s (acknowledged)': { value: result.answers.perSecond },
      'acknowledged answers lost': { value: lost },
      'stored rows not as sent': { value: mismatched },
      'sent while PG down: acked after return p50 / max (ms)': { value: `${sentDuringOutage}: ${result.answers.ackedAfterPostgresBackMs.p50} / ${result.answers.ackedAfterPostgresBackMs.max}` },
      'sessions ended exactly once': { value: `${endedOnce}/${N}` },
      'sessions ended or scored more than once': { value: Object.values(duplicates).reduce((a, b) => a + b, 0) },
      'false takeover incidents': { value: takeovers },
      'sessions scored': { value: `${states.scored ?? 0}/${N}` },
      'remaining time off: client range / client midpoint / server records, max (ms)': { value: `${absMax(outsideRange)} / ${absMax(devClient)} / ${absMax(devServer)}` },
      'submit round-trip p50 / max (ms)': { value: `${result.remainingTime.endUncertaintyMs.p50! * 2} / ${result.remainingTime.endUncertaintyMs.max! * 2}` },
      'sessions off by more than 1 s': { value: overOneSecond.length },
      'disconnects paused / total (cut, freeze, lost)': { value: ['cut', 'freeze', 'lost'].map((c) => `${gapStats(c).paused}/${gapStats(c).count}`).join(', ') },
      'pauses no disconnect explains / long gaps not paused': { value: `${unexplainedPauses} / ${missedPauses}` },
      'reconnects after a kill or restart': { value: result.reconnects },
      'reconnect p50 / p95 / max (ms)': { value: `${reconnects.p50} / ${reconnects.p95} / ${reconnects.max}` },
    });
    console.log(ok ? '  PASS: nothing acknowledged lost, every session ended and scored once, no false takeover, remaining time within 1 s' : '  FAIL: see the table and the JSON');
    mkdirSync(path.dirname(args.out!), { recursive: true });
    writeFileSync(args.out!, JSON.stringify({ ...result, pass: ok }, null, 2) + '\n');
    log(`results written to ${path.relative(ROOT, args.out!)}`);
    process.exitCode = ok ? 0 : 1;
  } finally {
    for (const s of sims) s.stop();
    for (const slot of slots) await slot.server?.stop();
    await pgc?.destroy();
  }
}

await main();
