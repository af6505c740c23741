/**
 * Candidate load generator for bench/proctoring/run.ts (a child process, driven over IPC, see ipc.ts): each simulated
 * candidate starts its session (POST /start), opens its exam socket, says hello and, in the load phase, answers at a
 * human pace the way the exam page does (visit + answer, a time-sync every 10 s); some send one testing-center signal.
 * It records the wall-clock send time (and ack time) of every answer and incident signal, numbered per candidate, so
 * the parent can join them with what the proctor process saw. Socket plumbing: bench/lib/load-socket.ts. Every loop
 * is bounded by a count and a deadline.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import WebSocket from 'ws';
import { PROTOCOL_VERSION } from '../../shared/protocol/session-protocol.ts';
import { pool } from '../sessions/setup.ts';
import { closeSeats, errorCounter, itemsArrive, openSeat, postBearer, rand, sleep } from '../lib/load-socket.ts';
import { serveParent } from '../lib/child-process.ts';
import { wallNow, type CandidateLoadConfig, type CandidateLoadReport, type CandidateSpec, type EventColumns, type FromCandidates, type StartReport, type ToCandidates } from './ipc.ts';

interface Item {
  itemId: string;
  options: string[];
}

/** A recorded event (answer or incident signal) by row number in its column set. */
interface Pending {
  kind: 'answer' | 'visit' | 'signal' | 'back-signal';
  row: number;
}

interface Cand {
  spec: CandidateSpec;
  ws: WebSocket | null;
  open: boolean;
  closing: boolean;
  items: Item[] | null;
  onItems: (() => void) | null;
  seq: number;
  nextItem: number;
  answers: number;
  incidents: number;
  pending: Map<number, Pending>;
}

/** Growable event columns. */
class Events {
  index: number[] = [];
  k: number[] = [];
  sentAt: number[] = [];
  ackAt: number[] = [];
  refused: number[] = [];
  add(index: number, k: number, sentAt: number): number {
    this.index.push(index);
    this.k.push(k);
    this.sentAt.push(sentAt);
    this.ackAt.push(NaN);
    this.refused.push(0);
    return this.index.length - 1;
  }
  /** A refused event shifts that candidate's count: its later events cannot be joined either. */
  columns(): EventColumns {
    const firstRefused = new Map<number, number>();
    this.refused.forEach((r, i) => {
      if (r) firstRefused.set(this.index[i]!, Math.min(firstRefused.get(this.index[i]!) ?? Infinity, this.k[i]!));
    });
    const refused = Uint8Array.from(this.refused.map((r, i) => (r || this.k[i]! >= (firstRefused.get(this.index[i]!) ?? Infinity) ? 1 : 0)));
    return { index: Int32Array.from(this.index), k: Int32Array.from(this.k), sentAt: Float64Array.from(this.sentAt), ackAt: Float64Array.from(this.ackAt), refused };
  }
}

const SIGNALS = [
  ['focus-lost', 'focus-regained'],
  ['page-hidden', 'page-visible'],
  ['fullscreen-exit', 'fullscreen-enter'],
] as const;

let base = '';
let cands: Cand[] = [];
const { errors, count: countError } = errorCounter();
let answers = new Events();
let signals = new Events();
let answersAcked = 0;
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
const loopDelayP99 = () => (loopDelay.count ? Math.round(loopDelay.percentile(99) / 1e4) / 100 : null);

function onMessage(c: Cand, data: WebSocket.RawData) {
  const at = wallNow();
  let m: { type: string; seq?: number; items?: { itemId: string; options: { id: string }[] }[]; code?: string };
  try {
    m = JSON.parse(String(data));
  } catch {
    return void countError('bad-json-from-server');
  }
  switch (m.type) {
    case 'snapshot':
      if (!c.items && m.items && m.items.length > 0) {
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
      const cols = p.kind === 'answer' ? answers : p.kind === 'signal' ? signals : null;
      if (m.type === 'error') {
        countError(`protocol:${m.code}:${p.kind}`);
        if (cols) cols.refused[p.row] = 1;
        return;
      }
      if (cols) cols.ackAt[p.row] = at;
      if (p.kind === 'answer') answersAcked++;
      return;
    }
    case 'replaced':
    case 'ended':
    case 'terminated':
    case 'paused':
      return void countError(`server:${m.type}`);
    default:
      return; // time-sync replies, warnings: nothing to do
  }
}

/** Starts every session with at most `concurrency` starts in flight: POST /start, socket, hello (+3 clock probes), items. */
async function startPhase(concurrency: number, limitMs: number): Promise<StartReport> {
  const t0 = performance.now();
  const deadline = Date.now() + limitMs;
  let ok = 0;
  await pool(cands, concurrency, async (c) => {
    if (Date.now() > deadline) return void countError('start-deadline');
    const status = await postBearer(`${base}/api/sessions/${c.spec.sessionId}/start`, c.spec.token, Math.max(1, deadline - Date.now()));
    if (status !== 200) return void countError(`rest-start:${status}`);
    if (!(await openSeat(c, `${base.replace(/^http/, 'ws')}/ws/session`, c.spec.token, Math.max(1, deadline - Date.now()), (d) => onMessage(c, d), countError))) return void countError('ws-connect-failed');
    const items = itemsArrive(c, deadline);
    c.ws!.send(JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION, sessionId: c.spec.sessionId }));
    for (let i = 0; i < 3; i++) c.ws!.send(JSON.stringify({ type: 'time-sync', clientSentAt: performance.now() }));
    if (!(await items)) return void countError('snapshot-timeout');
    ok++;
  });
  return { type: 'started', ok, failed: cands.length - ok, ms: Math.round(performance.now() - t0), errors: { ...errors } };
}

function write(c: Cand, m: Record<string, unknown>, p: Omit<Pending, 'row'> & { row?: number }): number {
  const seq = ++c.seq;
  c.pending.set(seq, { kind: p.kind, row: p.row ?? -1 });
  c.ws!.send(JSON.stringify({ ...m, seq }));
  return seq;
}

async function loadPhase(cfg: CandidateLoadConfig, startWall: number): Promise<CandidateLoadReport> {
  for (const k of Object.keys(errors)) delete errors[k];
  answers = new Events();
  signals = new Events();
  answersAcked = 0;
  loopDelay.reset();
  const cpu0 = process.cpuUsage();
  await sleep(Math.max(0, startWall - Date.now()));
  const t0 = performance.now();
  const end = t0 + cfg.durationMs;
  const live = cands.filter((c) => c.open && c.items);
  const perSecond: number[] = [];
  let visitsSent = 0;
  let timeSyncsSent = 0;
  let backSignalsSent = 0;
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  const maxActions = Math.ceil(cfg.durationMs / cfg.intervalMinMs) + 2;
  const act = (c: Cand, n: number) => {
    if (performance.now() >= end || n >= maxActions || !c.open) return;
    const item = c.items![c.nextItem++ % c.items!.length]!;
    if (cfg.visits) {
      write(c, { type: 'visit', itemId: item.itemId }, { kind: 'visit' });
      visitsSent++;
    }
    // Each answer goes to a new question (86+ per form, far more than a run sends), so answer k makes answered = k.
    const k = ++c.answers;
    const at = wallNow();
    const row = answers.add(c.spec.index, k, at);
    write(c, { type: 'answer', itemId: item.itemId, optionId: item.options[Math.floor(Math.random() * item.options.length)]! }, { kind: 'answer', row });
    const sec = Math.floor((performance.now() - t0) / 1000);
    perSecond[sec] = (perSecond[sec] ?? 0) + 1;
    later(rand(cfg.intervalMinMs, cfg.intervalMaxMs), () => act(c, n + 1));
  };
  const maxSyncs = Math.ceil(cfg.durationMs / cfg.timeSyncMs) + 2;
  const sync = (c: Cand, n: number) => {
    if (performance.now() >= end || n >= maxSyncs || !c.open) return;
    c.ws!.send(JSON.stringify({ type: 'time-sync', clientSentAt: performance.now() }));
    timeSyncsSent++;
    later(cfg.timeSyncMs, () => sync(c, n + 1));
  };
  const signal = (c: Cand, pair: (typeof SIGNALS)[number]) => {
    if (performance.now() >= end || !c.open) return;
    const k = ++c.incidents;
    const row = signals.add(c.spec.index, k, wallNow());
    write(c, { type: 'signal', kind: pair[0] }, { kind: 'signal', row });
    later(rand(2000, 8000), () => {
      if (!c.open) return;
      write(c, { type: 'signal', kind: pair[1] }, { kind: 'back-signal' });
      backSignalsSent++;
    });
  };
  // The signal window leaves 15 s at the end so that the back signal and the feed's delivery fall inside the run.
  const signalFrom = Math.min(5000, cfg.durationMs / 4);
  const signalTo = Math.max(signalFrom, cfg.durationMs - 15_000);
  live.forEach((c, i) => {
    later(rand(0, cfg.intervalMaxMs), () => act(c, 0));
    later(rand(0, cfg.timeSyncMs), () => sync(c, 0));
    if (Math.random() < cfg.signalShare) later(rand(signalFrom, signalTo), () => signal(c, SIGNALS[i % SIGNALS.length]!));
  });

  await sleep(Math.max(0, end - performance.now()));
  for (const t of timers) clearTimeout(t);
  timers.clear();
  const drainUntil = performance.now() + cfg.drainMs;
  while (performance.now() < drainUntil && live.some((c) => c.pending.size > 0 && c.open)) await sleep(50);
  let unacked = 0;
  for (const c of live) {
    unacked += c.pending.size;
    c.pending.clear();
  }
  if (unacked) errors.unacked = (errors.unacked ?? 0) + unacked;
  const cpu = process.cpuUsage(cpu0);
  const durationS = Math.ceil(cfg.durationMs / 1000);
  return {
    type: 'loaded',
    answers: answers.columns(),
    signals: signals.columns(),
    answersSent: answers.index.length,
    answersAcked,
    visitsSent,
    timeSyncsSent,
    backSignalsSent,
    answersPerSecond: Array.from({ length: durationS }, (_, i) => perSecond[i] ?? 0),
    errors: { ...errors },
    loopDelayP99Ms: loopDelayP99(),
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    clockSkewMs: Date.now() - wallNow(),
    held: live.filter((c) => c.open).length,
  };
}

serveParent<ToCandidates, FromCandidates>(
  async (m) => {
    switch (m.type) {
      case 'init':
        base = m.url;
        cands = m.candidates.map((spec) => ({ spec, ws: null, open: false, closing: false, items: null, onItems: null, seq: 0, nextItem: 0, answers: 0, incidents: 0, pending: new Map() }));
        loopDelay.enable();
        return { type: 'ready' };
      case 'start':
        return startPhase(m.concurrency, m.limitMs);
      case 'load':
        return loadPhase(m.config, m.startWall);
    }
  },
  () => closeSeats(cands, 10_000),
);
