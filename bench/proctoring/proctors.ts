/**
 * Proctor load generator for bench/proctoring/run.ts (a child process, driven over IPC, see ipc.ts): one /ws/proctor
 * socket per proctor, subscribed to the proctor's one test center, pinging as the console does. For every seat it
 * keeps the highest `answered` and `incidents` seen so far; when a message raises them it records, for each count
 * passed, the wall-clock receive time (taken first thing in the message handler, before parsing) and the server's
 * `sentAt`. The parent joins these with the candidates' send times by (candidate index, count).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import WebSocket from 'ws';
import type { ProctorServerMessage, RosterRow } from '../../shared/api/proctoring.ts';
import { pool } from '../sessions/setup.ts';
import { Samples } from '../lib/stats.ts';
import { serveParent } from '../lib/child-process.ts';
import { closeSeats, errorCounter, openSeat, sleep } from '../lib/load-socket.ts';
import { MAX_ANSWERS, MAX_INCIDENTS, wallNow, type FromProctors, type ProctorOpenReport, type ProctorReport, type ProctorSpec, type ToProctors } from './ipc.ts';

interface Proctor {
  spec: ProctorSpec;
  ws: WebSocket | null;
  open: boolean;
  closing: boolean;
  onRoster: ((rows: RosterRow[]) => void) | null;
}

let base = '';
let proctors: Proctor[] = [];
const seatIndex = new Map<string, number>();
const { errors, count: countError } = errorCounter();
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
const loopDelayP99 = () => (loopDelay.count ? Math.round(loopDelay.percentile(99) / 1e4) / 100 : null);

// Per seat: high-water marks (rows only / rows or roster) and first-seen times per count.
let answeredRows = new Int32Array(0);
let answeredAny = new Int32Array(0);
let incidentsRows = new Int32Array(0);
let incidentsAny = new Int32Array(0);
let answerSeenRows = new Float64Array(0);
let answerSentAtRows = new Float64Array(0);
let answerSeenAny = new Float64Array(0);
let incidentSeenRows = new Float64Array(0);
let incidentSentAtRows = new Float64Array(0);
let incidentSeenAny = new Float64Array(0);

let measureStart = 0;
let rowsMessages = 0;
let rowsRows = 0;
let rowsBytes = 0;
let rosterMessages = 0;
let rosterBytes = 0;
let pongs = 0;
const rowsPerSecond: number[] = [];
const rowsBytesPerSecond: number[] = [];
const rowsPerMessage = new Samples();
const deliveryMs = new Samples();
let cpu0 = process.cpuUsage();

/** Records counts (hw, value] as first seen at `at`; returns the new high-water mark. */
function raise(hw: Int32Array, seen: Float64Array, sentAt: Float64Array | null, idx: number, value: number, max: number, at: number, serverSentAt: number) {
  const from = hw[idx]!;
  if (value <= from) return;
  const to = Math.min(value, max - 1);
  if (value >= max) countError('count-over-tracking-limit');
  for (let k = from + 1; k <= to; k++) {
    seen[idx * max + k] = at;
    if (sentAt) sentAt[idx * max + k] = serverSentAt;
  }
  hw[idx] = value;
}

function onMessage(p: Proctor, data: WebSocket.RawData) {
  const at = wallNow();
  const raw = String(data);
  let m: ProctorServerMessage;
  try {
    m = JSON.parse(raw) as ProctorServerMessage;
  } catch {
    return void countError('bad-json-from-server');
  }
  switch (m.type) {
    case 'rows': {
      rowsMessages++;
      rowsRows += m.rows.length;
      rowsBytes += raw.length;
      rowsPerMessage.push(m.rows.length);
      deliveryMs.push(at - m.sentAt);
      if (measureStart) {
        const sec = Math.floor((at - measureStart) / 1000);
        if (sec >= 0) {
          rowsPerSecond[sec] = (rowsPerSecond[sec] ?? 0) + 1;
          rowsBytesPerSecond[sec] = (rowsBytesPerSecond[sec] ?? 0) + raw.length;
        }
      }
      for (const r of m.rows) {
        const idx = seatIndex.get(r.sessionId);
        if (idx === undefined) {
          countError('row-of-unknown-seat');
          continue;
        }
        raise(answeredRows, answerSeenRows, answerSentAtRows, idx, r.answered, MAX_ANSWERS, at, m.sentAt);
        raise(answeredAny, answerSeenAny, null, idx, r.answered, MAX_ANSWERS, at, 0);
        raise(incidentsRows, incidentSeenRows, incidentSentAtRows, idx, r.incidents, MAX_INCIDENTS, at, m.sentAt);
        raise(incidentsAny, incidentSeenAny, null, idx, r.incidents, MAX_INCIDENTS, at, 0);
      }
      return;
    }
    case 'roster': {
      rosterMessages++;
      rosterBytes += raw.length;
      if (m.testCenterId !== p.spec.testCenterId) countError('roster-of-another-center');
      if (p.onRoster) return p.onRoster(m.rows);
      for (const r of m.rows) {
        const idx = seatIndex.get(r.sessionId);
        if (idx === undefined) continue;
        raise(answeredAny, answerSeenAny, null, idx, r.answered, MAX_ANSWERS, at, 0);
        raise(incidentsAny, incidentSeenAny, null, idx, r.incidents, MAX_INCIDENTS, at, 0);
      }
      return;
    }
    case 'pong':
      pongs++;
      return;
    case 'error':
      return void countError(`feed-error:${m.code}`);
  }
}

/** Opens every proctor's socket (10 at a time), subscribes to its center and waits for the roster. */
async function openAll(limitMs: number): Promise<ProctorOpenReport> {
  const t0 = performance.now();
  const deadline = Date.now() + limitMs;
  let ok = 0;
  let rosterRows = 0;
  let nonZeroBaseline = 0;
  await pool(proctors, 10, async (p) => {
    if (!(await openSeat(p, `${base.replace(/^http/, 'ws')}/ws/proctor`, p.spec.token, Math.max(1, deadline - Date.now()), (d) => onMessage(p, d), countError))) return void countError('ws-connect-failed');
    const roster = new Promise<RosterRow[] | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), Math.max(1, deadline - Date.now()));
      p.onRoster = (rows) => {
        clearTimeout(timer);
        p.onRoster = null;
        resolve(rows);
      };
    });
    p.ws!.send(JSON.stringify({ type: 'subscribe', testCenterId: p.spec.testCenterId }));
    p.ws!.send(JSON.stringify({ type: 'ping', clientSentAt: Date.now() }));
    const rows = await roster;
    if (!rows) return void countError('roster-timeout');
    const mine = new Set(p.spec.seats.map((s) => s.sessionId));
    const seen = rows.filter((r) => mine.has(r.sessionId));
    if (seen.length !== mine.size) countError('roster-missing-seats');
    for (const r of seen) if (r.answered !== 0 || r.incidents !== 0) nonZeroBaseline++;
    rosterRows += rows.length;
    ok++;
  });
  return { type: 'opened', ok, failed: proctors.length - ok, rosterRows, nonZeroBaseline, ms: Math.round(performance.now() - t0), errors: { ...errors } };
}

const timers: NodeJS.Timeout[] = [];

function startMeasuring(startWall: number, pingEveryMs: number) {
  measureStart = startWall;
  rowsPerSecond.length = 0;
  rowsBytesPerSecond.length = 0;
  rowsMessages = rowsRows = rowsBytes = rosterMessages = rosterBytes = pongs = 0;
  rowsPerMessage.length = 0;
  deliveryMs.length = 0;
  loopDelay.reset();
  cpu0 = process.cpuUsage();
  for (const k of Object.keys(errors)) delete errors[k];
  // As the console: a clock probe every 20 s per proctor (staggered); bounded by the process lifetime (cleared on report).
  proctors.forEach((p, i) => {
    const first = setTimeout(() => {
      const t = setInterval(() => p.open && p.ws!.send(JSON.stringify({ type: 'ping', clientSentAt: Date.now() })), pingEveryMs);
      timers.push(t);
    }, (pingEveryMs * i) / Math.max(1, proctors.length));
    timers.push(first);
  });
}

function report(): ProctorReport {
  for (const t of timers) clearTimeout(t);
  timers.length = 0;
  const cpu = process.cpuUsage(cpu0);
  const last = rowsPerSecond.length;
  return {
    type: 'report',
    answerSeenRows,
    answerSentAtRows,
    answerSeenAny,
    incidentSeenRows,
    incidentSentAtRows,
    incidentSeenAny,
    rowsMessages,
    rowsRows,
    rowsBytes,
    rosterMessages,
    rosterBytes,
    pongs,
    rowsPerSecond: Array.from({ length: last }, (_, i) => rowsPerSecond[i] ?? 0),
    rowsBytesPerSecond: Array.from({ length: last }, (_, i) => rowsBytesPerSecond[i] ?? 0),
    rowsPerMessage: rowsPerMessage.toArray(),
    deliveryMs: deliveryMs.toArray(),
    errors: { ...errors },
    loopDelayP99Ms: loopDelayP99(),
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    clockSkewMs: Date.now() - wallNow(),
    openSockets: proctors.filter((p) => p.open).length,
  };
}

serveParent<ToProctors, FromProctors>(
  async (m) => {
    switch (m.type) {
      case 'init': {
        base = m.url;
        proctors = m.proctors.map((spec) => ({ spec, ws: null, open: false, closing: false, onRoster: null }));
        for (const p of m.proctors) for (const s of p.seats) seatIndex.set(s.sessionId, s.index);
        const n = m.totalCandidates;
        answeredRows = new Int32Array(n);
        answeredAny = new Int32Array(n);
        incidentsRows = new Int32Array(n);
        incidentsAny = new Int32Array(n);
        answerSeenRows = new Float64Array(n * MAX_ANSWERS);
        answerSentAtRows = new Float64Array(n * MAX_ANSWERS);
        answerSeenAny = new Float64Array(n * MAX_ANSWERS);
        incidentSeenRows = new Float64Array(n * MAX_INCIDENTS);
        incidentSentAtRows = new Float64Array(n * MAX_INCIDENTS);
        incidentSeenAny = new Float64Array(n * MAX_INCIDENTS);
        loopDelay.enable();
        return { type: 'ready' };
      }
      case 'open':
        return openAll(m.limitMs);
      case 'measure':
        startMeasuring(m.startWall, m.pingEveryMs);
        return { type: 'measuring' };
      case 'report':
        return report();
    }
  },
  () => closeSeats(proctors, 10_000),
);
