/**
 * Load-generator child process for bench/sessions/run.ts: simulated candidates over real websockets (the `ws`
 * package) against the server on a loopback address. Driven over the IPC channel (ipc.ts). Every loop here is
 * bounded by a count and a deadline and ends by itself.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import WebSocket from 'ws';
import { PROTOCOL_VERSION } from '../../shared/protocol/session-protocol.ts';
import type { AckedAnswer, FromWorker, LoadConfig, LoadReport, PrepareReport, QueueSeen, StartFlow, StartReport, ToWorker, WorkerCandidate } from './ipc.ts';
import { Samples } from '../lib/stats.ts';
import { serveParent } from '../lib/child-process.ts';
import { closeSeats, errorCounter, itemsArrive, openSeat, postBearer, rand, sleep } from '../lib/load-socket.ts';

interface Item {
  itemId: string;
  options: string[];
}

interface Pending {
  t: number;
  kind: 'answer' | 'visit';
  itemId: string;
  optionId: string | null;
}

interface Cand {
  sessionId: string;
  token: string;
  ws: WebSocket | null;
  items: Item[] | null;
  onItems: (() => void) | null;
  onSnapshot: (() => void) | null;
  seq: number;
  nextItem: number;
  pending: Map<number, Pending>;
  acked: Map<string, { seq: number; optionId: string | null }>;
  closing: boolean;
  open: boolean;
  sent: number;
  queued: boolean;
}

let base = '';
let cands: Cand[] = [];
const { errors, count: countError } = errorCounter();

/** What the current phase does with acks; replaced per phase. */
let onAnswerSettled: (c: Cand) => void = () => {};
const answerAck = new Samples();
/** Second of the phase each answer ack arrived in (parallel to answerAck). */
const answerAckSecond = new Samples();
const visitAck = new Samples();
const timeSyncRtt = new Samples();
const snapshotBytes = new Samples();
let answersAcked = 0;
let visitsAcked = 0;
let ackedPerSecond: number[] = [];
/** Slowest answer ack per wall-clock second of the phase (ms): shows whether the tail is periodic. */
let ackMaxPerSecond: number[] = [];
let phaseStartWall = 0;
let recordTimeSync = false;
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
const queueSeen: QueueSeen = { messages: 0, candidates: 0, maxPosition: null, maxExpectedWaitMs: null };

const loopDelayP99 = () => (loopDelay.count ? Math.round(loopDelay.percentile(99) / 1e4) / 100 : null);
/** As the exam page (client/src/features/exam-session/exam-controller.ts): 3 clock probes after every hello. */
const PROBES_ON_CONNECT = 3;

/**
 * A message as bytes, whatever frame it came in: the server may send text frames, or pre-serialized bytes (binary
 * frames); only the JSON inside counts.
 */
function messageBytes(data: WebSocket.RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

function onMessage(c: Cand, data: WebSocket.RawData) {
  const now = performance.now();
  const bytes = messageBytes(data);
  let m: { type: string; seq?: number; items?: { itemId: string; options: { id: string }[] }[]; code?: string; clientSentAt?: number; position?: number; expectedWaitMs?: number };
  try {
    m = JSON.parse(bytes.toString('utf8'));
  } catch {
    countError('bad-json-from-server');
    return;
  }
  switch (m.type) {
    case 'queue':
      // The start is queued by the server's admission control: the candidate waits; start-to-first-item keeps running.
      queueSeen.messages++;
      if (!c.queued) queueSeen.candidates++;
      c.queued = true;
      if (typeof m.position === 'number') queueSeen.maxPosition = Math.max(queueSeen.maxPosition ?? 0, m.position);
      if (typeof m.expectedWaitMs === 'number') queueSeen.maxExpectedWaitMs = Math.max(queueSeen.maxExpectedWaitMs ?? 0, m.expectedWaitMs);
      return;
    case 'snapshot':
      c.onSnapshot?.();
      if (!c.items && m.items && m.items.length > 0) {
        snapshotBytes.push(bytes.length);
        c.items = m.items.map((i) => ({ itemId: i.itemId, options: i.options.map((o) => o.id) }));
        c.onItems?.();
      }
      return;
    case 'ack':
    case 'error': {
      const p = m.seq !== undefined ? c.pending.get(m.seq) : undefined;
      if (!p) {
        if (m.type === 'error') countError(`protocol:${m.code}`);
        return;
      }
      c.pending.delete(m.seq!);
      if (m.type === 'error') {
        countError(`protocol:${m.code}`);
        if (p.kind === 'answer') onAnswerSettled(c);
        return;
      }
      if (p.kind === 'answer') {
        answerAck.push(now - p.t);
        answerAckSecond.push(Math.floor((Date.now() - phaseStartWall) / 1000));
        answersAcked++;
        const lsec = Math.floor((Date.now() - phaseStartWall) / 1000);
        if (lsec >= 0 && now - p.t > (ackMaxPerSecond[lsec] ?? 0)) ackMaxPerSecond[lsec] = now - p.t;
        const prev = c.acked.get(p.itemId);
        if (!prev || prev.seq < m.seq!) c.acked.set(p.itemId, { seq: m.seq!, optionId: p.optionId });
        const sec = Math.floor((Date.now() - phaseStartWall) / 1000);
        if (sec >= 0) ackedPerSecond[sec] = (ackedPerSecond[sec] ?? 0) + 1;
        onAnswerSettled(c);
      } else {
        visitAck.push(now - p.t);
        visitsAcked++;
      }
      return;
    }
    case 'time-sync':
      if (recordTimeSync && typeof m.clientSentAt === 'number') timeSyncRtt.push(now - m.clientSentAt);
      return;
    case 'replaced':
    case 'ended':
    case 'terminated':
    case 'paused':
      countError(`server:${m.type}`);
      return;
    default:
      return; // time-warning, resumed, extended and messages this generator does not know: nothing to do
  }
}

/** Hello plus the client's clock probes (the exam page sends 3 time-syncs right after hello). */
function hello(c: Cand) {
  c.ws!.send(JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION, sessionId: c.sessionId }));
  for (let i = 0; i < PROBES_ON_CONNECT; i++) c.ws!.send(JSON.stringify({ type: 'time-sync', clientSentAt: performance.now() }));
}

/**
 * Waiting-room flow only: every candidate connects and says hello before the start (the exam page opens its socket
 * once the candidate is checked in), with at most `concurrency` connects in flight. The snapshot then has no items.
 */
async function preparePhase(limitMs: number, concurrency: number): Promise<PrepareReport> {
  const helloMs = new Samples();
  const deadline = Date.now() + limitMs;
  let next = 0;
  let ok = 0;
  const lane = async () => {
    while (next < cands.length && Date.now() < deadline) {
      const c = cands[next++]!;
      const a = performance.now();
      if (!(await openSeat(c, `${base.replace(/^http/, 'ws')}/ws/session`, c.token, Math.max(1, deadline - Date.now()), (d) => onMessage(c, d), countError))) {
        countError('ws-connect-failed');
        continue;
      }
      const got = new Promise<boolean>((resolve) => {
        c.onSnapshot = () => {
          c.onSnapshot = null;
          resolve(true);
        };
        setTimeout(() => resolve(false), Math.max(1, deadline - Date.now()));
      });
      hello(c);
      if (!(await got)) {
        countError('waiting-room-snapshot-timeout');
        continue;
      }
      helloMs.push(performance.now() - a);
      ok++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return { type: 'prepared', ok, connectAndHelloMs: helloMs.toArray(), errors: { ...errors } };
}

/** A start the server took: 200, or any 2xx (a start queued by admission control may answer 202 and push the items later). */
const accepted = (status: number | string) => typeof status === 'number' && status >= 200 && status < 300;

async function startPhase(t0: number, windowMs: number, limitMs: number, flow: StartFlow): Promise<StartReport> {
  const total = new Samples();
  const rest = new Samples();
  const wsOpen = new Samples();
  const helloToSnapshot = new Samples();
  let ok = 0;
  let lastDoneWall = 0;
  const deadline = t0 + limitMs;
  loopDelay.reset();
  const one = async (c: Cand): Promise<void> => {
    const a = performance.now();
    if (flow === 'waiting-room') {
      // The socket is open and said hello already; the server pushes the snapshot with items on the start.
      if (!c.open) return void countError('not-connected');
      const items = itemsArrive(c, deadline);
      const status = await postBearer(`${base}/api/sessions/${c.sessionId}/start`, c.token, Math.max(1, deadline - Date.now()));
      const b = performance.now();
      if (!accepted(status)) return void countError(`rest-start:${status}`);
      if (!(await items)) return void countError('pushed-snapshot-timeout');
      const e = performance.now();
      rest.push(b - a);
      helloToSnapshot.push(e - b);
      total.push(e - a);
    } else {
      const status = await postBearer(`${base}/api/sessions/${c.sessionId}/start`, c.token, Math.max(1, deadline - Date.now()));
      const b = performance.now();
      if (!accepted(status)) return void countError(`rest-start:${status}`);
      if (!(await openSeat(c, `${base.replace(/^http/, 'ws')}/ws/session`, c.token, Math.max(1, deadline - Date.now()), (d) => onMessage(c, d), countError))) return void countError('ws-connect-failed');
      const d = performance.now();
      const items = itemsArrive(c, deadline);
      hello(c);
      if (!(await items)) return void countError('snapshot-timeout');
      const e = performance.now();
      rest.push(b - a);
      wsOpen.push(d - b);
      helloToSnapshot.push(e - d);
      total.push(e - a);
    }
    ok++;
    lastDoneWall = Math.max(lastDoneWall, Date.now());
  };
  await sleep(Math.max(0, t0 - Date.now()));
  const runs: Promise<void>[] = [];
  for (const c of cands) {
    const delay = windowMs > 0 ? rand(0, windowMs) : 0;
    runs.push(delay > 0 ? sleep(delay).then(() => one(c)) : one(c));
  }
  await Promise.all(runs);
  return { type: 'started', total: total.toArray(), rest: rest.toArray(), wsOpen: wsOpen.toArray(), helloToSnapshot: helloToSnapshot.toArray(), lastDoneWall, ok, failed: cands.length - ok, errors: { ...errors }, loopDelayP99Ms: loopDelayP99(), snapshotBytes: snapshotBytes.toArray(), queue: { ...queueSeen } };
}

function sendWrite(c: Cand, kind: 'answer' | 'visit', item: Item) {
  const seq = ++c.seq;
  const optionId = kind === 'answer' ? item.options[Math.floor(Math.random() * item.options.length)]! : null;
  c.pending.set(seq, { t: performance.now(), kind, itemId: item.itemId, optionId });
  c.ws!.send(kind === 'answer' ? JSON.stringify({ type: 'answer', seq, itemId: item.itemId, optionId }) : JSON.stringify({ type: 'visit', seq, itemId: item.itemId }));
  c.sent++;
}

async function loadPhase(cfg: LoadConfig, startWall: number): Promise<LoadReport> {
  phaseStartWall = startWall;
  ackedPerSecond = [];
  ackMaxPerSecond = [];
  for (const k of Object.keys(errors)) delete errors[k];
  loopDelay.reset();
  recordTimeSync = true;
  const cpu0 = process.cpuUsage();
  await sleep(Math.max(0, startWall - Date.now()));
  const end = performance.now() + cfg.durationMs;
  const live = cands.filter((c) => c.open && c.items);
  let answersSent = 0;
  let visitsSent = 0;
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };
  const nextItem = (c: Cand) => c.items![c.nextItem++ % c.items!.length]!;

  if (cfg.mode === 'pace') {
    // Each candidate: (visit +) answer every U(min, max) ms; a time-sync heartbeat every timeSyncMs.
    const maxActions = Math.ceil(cfg.durationMs / cfg.intervalMinMs) + 2;
    const act = (c: Cand, n: number) => {
      if (performance.now() >= end || n >= maxActions || !c.open) return;
      const item = nextItem(c);
      if (cfg.visits) {
        sendWrite(c, 'visit', item);
        visitsSent++;
      }
      sendWrite(c, 'answer', item);
      answersSent++;
      later(rand(cfg.intervalMinMs, cfg.intervalMaxMs), () => act(c, n + 1));
    };
    const maxSyncs = Math.ceil(cfg.durationMs / cfg.timeSyncMs) + 2;
    const sync = (c: Cand, n: number) => {
      if (performance.now() >= end || n >= maxSyncs || !c.open) return;
      c.ws!.send(JSON.stringify({ type: 'time-sync', clientSentAt: performance.now() }));
      later(cfg.timeSyncMs, () => sync(c, n + 1));
    };
    for (const c of live) {
      later(rand(0, cfg.intervalMaxMs), () => act(c, 0));
      later(rand(0, cfg.timeSyncMs), () => sync(c, 0));
    }
  } else {
    // Closed loop: every settled answer is replaced by the next one until the deadline (or a per-candidate cap).
    const maxPerCandidate = 1_000_000;
    onAnswerSettled = (c) => {
      if (performance.now() < end && c.open && c.sent < maxPerCandidate) {
        sendWrite(c, 'answer', nextItem(c));
        answersSent++;
      }
    };
    for (const c of live) for (let k = 0; k < cfg.inflight; k++) {
      sendWrite(c, 'answer', nextItem(c));
      answersSent++;
    }
  }

  await sleep(Math.max(0, end - performance.now()));
  onAnswerSettled = () => {};
  recordTimeSync = false;
  for (const t of timers) clearTimeout(t);
  timers.clear();
  // Drain: wait (bounded) for the acks still owed.
  const drainUntil = performance.now() + cfg.drainMs;
  while (performance.now() < drainUntil && live.some((c) => c.pending.size > 0 && c.open)) await sleep(50);
  let unacked = 0;
  for (const c of live) {
    unacked += c.pending.size;
    c.pending.clear();
  }
  if (unacked) errors.unacked = (errors.unacked ?? 0) + unacked;
  const acked: AckedAnswer[] = [];
  for (const c of cands) for (const [itemId, a] of c.acked) acked.push({ sessionId: c.sessionId, itemId, seq: a.seq, optionId: a.optionId });
  const cpu = process.cpuUsage(cpu0);
  return {
    type: 'loaded',
    answerAck: answerAck.toArray(),
    answerAckSecond: answerAckSecond.toArray(),
    visitAck: visitAck.toArray(),
    timeSyncRtt: timeSyncRtt.toArray(),
    answersSent,
    answersAcked,
    visitsSent,
    visitsAcked,
    ackedPerSecond: Array.from(ackedPerSecond, (v) => v ?? 0),
    ackMaxPerSecond: Array.from(ackMaxPerSecond, (v) => Math.round((v ?? 0) * 10) / 10),
    unacked,
    errors: { ...errors },
    loopDelayP99Ms: loopDelayP99(),
    held: cands.filter((c) => c.open && c.items).length,
    acked,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}

serveParent<ToWorker, FromWorker>(
  async (m) => {
    switch (m.type) {
      case 'init':
        base = m.url;
        cands = m.candidates.map((w: WorkerCandidate) => ({ sessionId: w.sessionId, token: w.token, ws: null, items: null, onItems: null, onSnapshot: null, seq: 0, nextItem: 0, pending: new Map(), acked: new Map(), closing: false, open: false, sent: 0, queued: false }));
        loopDelay.enable();
        return { type: 'ready' };
      case 'prepare':
        return preparePhase(m.limitMs, m.concurrency);
      case 'start':
        return startPhase(m.t0, m.windowMs, m.limitMs, m.flow);
      case 'load':
        return loadPhase(m.config, m.startWall);
    }
  },
  () => closeSeats(cands, 10_000),
);
