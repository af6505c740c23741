/**
 * The figures of issue 18's table that the sessions benchmark measures, each with its target and met/MISSED, from
 * one run's measurements. run.ts prints them first and saves them with the run (`figures`); suite.ts combines the
 * figures of several runs into one table. Pure: no I/O.
 */
import type { Summary } from '../lib/stats.ts';

export const TARGETS = {
  /** Live sessions held at exam pace by one server. */
  sessions: 10_000,
  /** Answer ack p99 <= factor x (same run's pgbench one-row commit p99) + addMs. */
  ackP99PgbenchFactor: 5,
  ackP99AddMs: 10,
  memoryPerSessionKiB: 48,
  /** 10,000 starts spread over 60 s: start -> first item p99. */
  windowStarts: 10_000,
  windowS: 60,
  windowStartP99Ms: 1000,
  /** 5,000 starts in the same second (cold and waiting-room flows): p99, with 0 errors and 0 listen-queue overflows. */
  burstStarts: 5000,
  burstStartP99Ms: 5000,
  xactPerStart: 3,
  admissionsPerS: 150,
  /** "Flat": the last block of admissions at least this share of the first block's rate. */
  admissionsFlatRatio: 0.8,
  stressVsPgbench: 1.0,
} as const;

export interface Figure {
  /** Stable id, for the suite to pick figures by. */
  id: string;
  figure: string;
  measured: string;
  target: string;
  verdict: 'met' | 'MISSED' | '';
}

export interface RunMeasurements {
  mode: 'pace' | 'stress';
  sessions: number;
  startWindowS: number;
  flow: 'cold' | 'waiting-room';
  /** Sessions with an open socket and items at the end of the load. */
  held: number;
  /** The pgbench run the ratios and the ack target use (best tps of the run's pgbench runs), or null. */
  pgbench: { tps: number | null; latencyP50Ms: number | null; latencyP95Ms: number | null; latencyP99Ms: number | null } | null;
  start: { ok: number; startToFirstItemMs: Summary; errors: number; listenOverflows: number | null; xactPerStart: number | null; queue: { candidates: number; maxPosition: number | null } };
  load: { answerAckMs: Summary; steadyMedianAnswersPerS: number | null };
  memory: { perSessionKiB: number | null; perSessionKiBAfterGc: number | null; heapPerSessionKiBAfterGc: number | null };
  admissions: { perS: number; perSByBlock: number[]; blockSize: number };
  durability: { missing: number; checked: number };
}

export const fmt = (v: number | null | undefined, d = 1) => (v === null || v === undefined ? '-' : v.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }));
const verdict = (b: boolean): 'met' | 'MISSED' => (b ? 'met' : 'MISSED');

/** The ack p99 target of a run: 5 x its pgbench one-row commit p99 + 10 ms; null without a pgbench latency. */
export function ackTargetMs(pgbenchP99Ms: number | null | undefined): number | null {
  return pgbenchP99Ms === null || pgbenchP99Ms === undefined ? null : Math.round((TARGETS.ackP99PgbenchFactor * pgbenchP99Ms + TARGETS.ackP99AddMs) * 100) / 100;
}

/**
 * PostgreSQL transactions (commits + rollbacks of the bench database) per completed start: the start phase's count
 * minus the server's background rate (sweeps, heartbeats) measured over a quiet interval just before, scaled to the
 * phase's length.
 */
export function xactPerStart(phase: { xacts: number; seconds: number }, quiet: { xacts: number; seconds: number }, starts: number): number | null {
  if (starts <= 0 || quiet.seconds <= 0) return null;
  const background = (quiet.xacts / quiet.seconds) * phase.seconds;
  return Math.round((Math.max(0, phase.xacts - background) / starts) * 100) / 100;
}

/** Admission rate is flat when the last block runs at least TARGETS.admissionsFlatRatio of the first block's rate. */
export function admissionsFlat(perSByBlock: number[]): { ratio: number | null; flat: boolean | null } {
  // The last block may be a short remainder; judge on full blocks when there are at least two.
  const blocks = perSByBlock.length > 2 ? perSByBlock.slice(0, -1) : perSByBlock;
  if (blocks.length < 2) return { ratio: null, flat: null };
  const ratio = Math.round((blocks[blocks.length - 1]! / Math.max(blocks[0]!, 0.001)) * 100) / 100;
  return { ratio, flat: ratio >= TARGETS.admissionsFlatRatio };
}

export function runFigures(m: RunMeasurements): Figure[] {
  const out: Figure[] = [];
  const add = (id: string, figure: string, measured: string, target: string, v: boolean | null) => out.push({ id, figure, measured, target, verdict: v === null ? '' : verdict(v) });
  const pg = m.pgbench;
  add(
    'pgbench-commit',
    'PostgreSQL one-row commit p50 / p95 / p99 (pgbench -l, same run) and tps',
    `${fmt(pg?.latencyP50Ms, 2)} / ${fmt(pg?.latencyP95Ms, 2)} / ${fmt(pg?.latencyP99Ms, 2)} ms, ${fmt(pg?.tps, 0)} tps`,
    '',
    null,
  );
  if (m.mode === 'pace') {
    add('sessions-held', 'live sessions held at exam pace', fmt(m.held, 0), `>= ${fmt(TARGETS.sessions, 0)}`, m.held >= TARGETS.sessions);
    const target = ackTargetMs(pg?.latencyP99Ms);
    const a = m.load.answerAckMs;
    add(
      'ack',
      'answer ack p50 / p95 / p99 at exam pace',
      `${fmt(a.p50, 2)} / ${fmt(a.p95, 2)} / ${fmt(a.p99, 2)} ms`,
      target === null ? `p99 <= 5 x pgbench p99 + 10 ms (no pgbench latency in this run)` : `p99 <= 5 x ${fmt(pg?.latencyP99Ms, 2)} + 10 = ${fmt(target, 1)} ms`,
      target === null ? null : (a.p99 ?? Infinity) <= target,
    );
  }
  // A delta at or below zero means the sessions' memory drowned in the process's own variation (small runs): no verdict.
  const memoryVerdict = (kib: number | null) => (kib === null || kib <= 0 ? null : kib <= TARGETS.memoryPerSessionKiB);
  add('memory-rss', 'server memory per live session: VmRSS delta / sessions', `${fmt(m.memory.perSessionKiB)} KiB`, `<= ${TARGETS.memoryPerSessionKiB} KiB`, memoryVerdict(m.memory.perSessionKiB));
  add(
    'memory-gc',
    '  same after a forced full GC (VmRSS delta; V8 heap used delta) / sessions',
    `${fmt(m.memory.perSessionKiBAfterGc)} KiB; heap ${fmt(m.memory.heapPerSessionKiBAfterGc)} KiB`,
    `<= ${TARGETS.memoryPerSessionKiB} KiB`,
    memoryVerdict(m.memory.perSessionKiBAfterGc),
  );
  const s = m.start;
  const startRun = m.startWindowS > 0 ? `${fmt(m.sessions, 0)} starts spread over ${m.startWindowS} s` : `${fmt(m.sessions, 0)} starts in the same second (${m.flow})`;
  const size = m.startWindowS > 0 ? `${fmt(TARGETS.windowStarts, 0)} over ${TARGETS.windowS} s` : `${fmt(TARGETS.burstStarts, 0)} at once`;
  const sizeMet = m.startWindowS > 0 ? m.sessions >= TARGETS.windowStarts && m.startWindowS <= TARGETS.windowS : m.sessions >= TARGETS.burstStarts;
  const p99Target = m.startWindowS > 0 ? TARGETS.windowStartP99Ms : TARGETS.burstStartP99Ms;
  add(
    'start-to-first-item',
    `${startRun}: started; start -> first item p50 / p99`,
    `${fmt(s.ok, 0)} of ${fmt(m.sessions, 0)}; ${fmt(s.startToFirstItemMs.p50, 0)} / ${fmt(s.startToFirstItemMs.p99, 0)} ms`,
    `${size}, p99 <= ${fmt(p99Target, 0)} ms`,
    sizeMet && s.ok === m.sessions && (s.startToFirstItemMs.p99 ?? Infinity) <= p99Target,
  );
  if (s.queue.candidates > 0) add('start-queue', '  starts the server queued (queue messages): candidates; max position', `${fmt(s.queue.candidates, 0)}; ${fmt(s.queue.maxPosition, 0)}`, '', null);
  if (m.startWindowS === 0) {
    add('start-errors', '  start errors', fmt(s.errors, 0), '0', s.errors === 0);
    add('listen-overflows', '  listen-queue overflows during the start', fmt(s.listenOverflows, 0), '0', s.listenOverflows === null ? null : s.listenOverflows === 0);
  }
  add('xact-per-start', 'PostgreSQL transactions per start (commits + rollbacks, background subtracted)', fmt(s.xactPerStart, 2), `<= ${TARGETS.xactPerStart}`, s.xactPerStart === null ? null : s.xactPerStart <= TARGETS.xactPerStart);
  const flat = admissionsFlat(m.admissions.perSByBlock);
  add('admissions', `admissions (LOFT assembly + write), ${fmt(m.sessions, 0)} in a row: overall`, `${fmt(m.admissions.perS)}/s`, `>= ${TARGETS.admissionsPerS}/s`, m.admissions.perS >= TARGETS.admissionsPerS);
  add(
    'admissions-flat',
    `  per block of ${m.admissions.blockSize} (last / first)`,
    `${m.admissions.perSByBlock.map((r) => fmt(r, r >= 100 ? 0 : 1)).join(', ')}/s (${fmt(flat.ratio, 2)})`,
    `flat: last >= ${TARGETS.admissionsFlatRatio} x first`,
    flat.flat,
  );
  if (m.mode === 'stress') {
    const ratio = pg?.tps ? Math.round(((m.load.steadyMedianAnswersPerS ?? 0) / pg.tps) * 100) / 100 : null;
    add('stress-vs-pgbench', 'durable answers/s under stress (median second) / pgbench one-row tps', `${fmt(m.load.steadyMedianAnswersPerS, 0)} / ${fmt(pg?.tps, 0)} = ${fmt(ratio, 2)}`, `>= ${fmt(TARGETS.stressVsPgbench, 1)}`, ratio === null ? null : ratio >= TARGETS.stressVsPgbench);
  }
  add('durability', 'acknowledged answers missing from the database', `${fmt(m.durability.missing, 0)} of ${fmt(m.durability.checked, 0)}`, '0', m.durability.missing === 0);
  return out;
}

/** Prints rows as an aligned text table with a header. */
export function printTable(header: string[], rows: string[][]) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  console.log(line(header));
  for (const r of rows) console.log(line(r));
}
