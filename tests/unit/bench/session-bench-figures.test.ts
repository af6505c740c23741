// The sessions benchmark's arithmetic (bench/sessions): pgbench's per-transaction log, admission rates per block,
// transactions per start net of background work, and the verdicts of issue 18's figures.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pgbenchLogLatencies } from '../../../bench/sessions/pgbench.ts';
import { ackTargetMs, admissionsFlat, runFigures, xactPerStart, type RunMeasurements } from '../../../bench/sessions/figures.ts';
import { ratesPerBlock, summarize } from '../../../bench/lib/stats.ts';

describe('pgbench per-transaction log', () => {
  it('reads latencies (µs -> ms) from every thread file of the prefix and skips failed transactions', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pgbench-log-test-'));
    try {
      writeFileSync(path.join(dir, 'pgbench_log.123'), '0 0 1500 0 1700000000 1\n1 0 2500 0 1700000000 2\n');
      writeFileSync(path.join(dir, 'pgbench_log.123.1'), '2 0 failed 0 1700000000 3\n3 0 900 0 1700000000 4 12\n');
      writeFileSync(path.join(dir, 'other.123'), '0 0 99999999 0 1700000000 1\n');
      expect([...pgbenchLogLatencies(dir, 'pgbench_log')].sort((a, b) => a - b)).toEqual([0.9, 1.5, 2.5]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('admission rate per block', () => {
  it('divides each block by the time since the previous block ended, the last block possibly short', () => {
    // 4 completions at 100, 200 ms (block 1: 2 in 0.2 s = 10/s), 600, 1000 ms (block 2: 2 in 0.8 s = 2.5/s), 1100 ms (block 3: 1 in 0.1 s).
    expect(ratesPerBlock([100, 200, 600, 1000, 1100], 2)).toEqual([10, 2.5, 10]);
    expect(ratesPerBlock([], 500)).toEqual([]);
  });

  it('calls admissions flat only when the last full block keeps 80% of the first one', () => {
    expect(admissionsFlat([100, 95, 90, 40])).toEqual({ ratio: 0.9, flat: true });
    expect(admissionsFlat([100, 60, 35, 200])).toEqual({ ratio: 0.35, flat: false });
    expect(admissionsFlat([100])).toEqual({ ratio: null, flat: null });
  });
});

describe('transactions per start', () => {
  it('subtracts the quiet interval rate scaled to the phase length', () => {
    // 3,100 transactions over 20 s, background 50 in 10 s (5/s -> 100 over 20 s): 3,000 for 1,000 starts.
    expect(xactPerStart({ xacts: 3100, seconds: 20 }, { xacts: 50, seconds: 10 }, 1000)).toBe(3);
    expect(xactPerStart({ xacts: 10, seconds: 20 }, { xacts: 50, seconds: 10 }, 5)).toBe(0);
    expect(xactPerStart({ xacts: 10, seconds: 20 }, { xacts: 0, seconds: 10 }, 0)).toBeNull();
  });
});

describe("issue 18's figures", () => {
  const base: RunMeasurements = {
    mode: 'pace',
    sessions: 10_000,
    startWindowS: 60,
    flow: 'cold',
    held: 10_000,
    pgbench: { tps: 20_000, latencyP50Ms: 0.8, latencyP95Ms: 1.9, latencyP99Ms: 3 },
    start: { ok: 10_000, startToFirstItemMs: summarize([100, 200, 900]), errors: 0, listenOverflows: 0, xactPerStart: 2.5, queue: { candidates: 0, maxPosition: null } },
    load: { answerAckMs: summarize([2, 3, 24]), steadyMedianAnswersPerS: null },
    memory: { perSessionKiB: 60, perSessionKiBAfterGc: 40, heapPerSessionKiBAfterGc: 30 },
    admissions: { perS: 160, perSByBlock: [170, 160, 150, 155], blockSize: 500 },
    durability: { missing: 0, checked: 1000 },
  };
  const verdicts = (m: RunMeasurements) => Object.fromEntries(runFigures(m).map((f) => [f.id, f.verdict]));

  it('states the ack target against the same run’s pgbench p99', () => {
    expect(ackTargetMs(3)).toBe(25);
    expect(ackTargetMs(null)).toBeNull();
    expect(verdicts(base).ack).toBe('met');
    expect(verdicts({ ...base, load: { ...base.load, answerAckMs: summarize([2, 3, 26]) } }).ack).toBe('MISSED');
    expect(verdicts({ ...base, pgbench: null }).ack).toBe('');
  });

  it('judges each figure against its target', () => {
    expect(verdicts(base)).toMatchObject({ 'sessions-held': 'met', 'memory-rss': 'MISSED', 'memory-gc': 'met', 'start-to-first-item': 'met', 'xact-per-start': 'met', admissions: 'met', 'admissions-flat': 'met', durability: 'met' });
    expect(verdicts({ ...base, held: 9_999 })['sessions-held']).toBe('MISSED');
    // A window start is judged at 1 s, a burst at 5 s with errors and listen-queue overflows.
    expect(verdicts({ ...base, start: { ...base.start, startToFirstItemMs: summarize([100, 1200]) } })['start-to-first-item']).toBe('MISSED');
    const burst = { ...base, sessions: 5000, startWindowS: 0, start: { ...base.start, ok: 5000, startToFirstItemMs: summarize([1000, 4900]), listenOverflows: 3 } };
    expect(verdicts(burst)).toMatchObject({ 'start-to-first-item': 'met', 'start-errors': 'met', 'listen-overflows': 'MISSED' });
    // Fewer starts than the table's run cannot meet it.
    expect(verdicts({ ...burst, sessions: 200, start: { ...burst.start, ok: 200 } })['start-to-first-item']).toBe('MISSED');
    expect(verdicts({ ...base, memory: { perSessionKiB: -3, perSessionKiBAfterGc: null, heapPerSessionKiBAfterGc: null } })).toMatchObject({ 'memory-rss': '', 'memory-gc': '' });
  });

  it('compares stress throughput with pgbench tps', () => {
    const stress = { ...base, mode: 'stress' as const, load: { ...base.load, steadyMedianAnswersPerS: 21_000 } };
    expect(runFigures(stress).find((f) => f.id === 'stress-vs-pgbench')).toMatchObject({ measured: '21,000 / 20,000 = 1.05', verdict: 'met' });
    expect(verdicts({ ...stress, load: { ...stress.load, steadyMedianAnswersPerS: 19_000 } })['stress-vs-pgbench']).toBe('MISSED');
    expect(verdicts(stress).ack).toBeUndefined();
  });
});
