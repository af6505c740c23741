/**
 * The proctor feed's window policy (proctoring/domain/flush-window.ts): at once when quiet, a window that follows the
 * measured flush cost under load, never slower than the fixed 250-ms tick it replaced, and a retry pace for failures.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { afterFlush, FLUSH_WINDOW_POLICY as P, flushDelayMs, QUIET_FEED, windowMs, type FlushWindow } from '../../../server/src/modules/proctoring/domain/flush-window.ts';

/** A feed that always has changes pending and whose flushes cost `costs[i]` ms: the start time of every flush. */
function saturated(costs: number[]): number[] {
  let w: FlushWindow = QUIET_FEED;
  let t = 1_000_000;
  const starts: number[] = [];
  for (const cost of costs) {
    t += flushDelayMs(w, t);
    starts.push(t);
    w = afterFlush(w, { startedAt: t, endedAt: t + cost });
    t += cost;
  }
  return starts;
}

describe('proctor feed flush window', () => {
  it('sends the first change at once, and a change after a quiet period at once', () => {
    expect(flushDelayMs(QUIET_FEED, 5_000)).toBe(0);
    const w = afterFlush(QUIET_FEED, { startedAt: 1_000, endedAt: 1_020 }); // 20 ms: a 60-ms window
    expect(windowMs(w)).toBe(60);
    expect(flushDelayMs(w, 1_060)).toBe(0);
    expect(flushDelayMs(w, 60_000)).toBe(0);
  });

  it('holds a change that comes within the window for the rest of it', () => {
    const w = afterFlush(QUIET_FEED, { startedAt: 1_000, endedAt: 1_030 });
    expect(windowMs(w)).toBe(90);
    expect(flushDelayMs(w, 1_030)).toBe(60);
    expect(flushDelayMs(w, 1_080)).toBe(10);
  });

  it('grows with the flush cost up to the old tick, and shrinks back as flushes get cheap again', () => {
    let w = afterFlush(QUIET_FEED, { startedAt: 0, endedAt: 5 });
    const windows: number[] = [];
    let t = 0;
    for (const cost of [5, 20, 40, 80, 160, 160, 160, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10]) {
      t += 1_000;
      w = afterFlush(w, { startedAt: t, endedAt: t + cost });
      windows.push(windowMs(w));
    }
    const peak = windows.indexOf(Math.max(...windows));
    expect(Math.max(...windows)).toBe(P.maxMs);
    expect(windows.slice(0, peak + 1)).toEqual([...windows.slice(0, peak + 1)].sort((a, b) => a - b)); // grows
    expect(windows.slice(peak)).toEqual([...windows.slice(peak)].sort((a, b) => b - a)); // shrinks back
    expect(windows.at(-1)!).toBeLessThan(40); // near 3 x 10 ms
  });

  it('under a saturating load keeps flushing to a third of the time, and to the old tick at most', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 600 }), (cost) => {
        const starts = saturated(Array.from({ length: 40 }, () => cost));
        const gaps = starts.slice(1).map((s, i) => s - starts[i]!);
        // After the first flush the running cost is exact: flush starts are max(cost, min(250, 3 x cost)) apart.
        for (const g of gaps) expect(g).toBeCloseTo(Math.max(cost, Math.min(P.maxMs, cost * (1 + P.gapPerCost))), 6);
      }),
    );
  });

  it('never waits longer than the old 250-ms tick would have, whatever the history and the time', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ gap: fc.integer({ min: 0, max: 5_000 }), cost: fc.integer({ min: 0, max: 3_000 }), failed: fc.boolean() }), { maxLength: 30 }),
        fc.integer({ min: -100_000, max: 100_000 }),
        (flushes, at) => {
          let w: FlushWindow = QUIET_FEED;
          let t = 1_000_000;
          for (const f of flushes) {
            t += f.gap;
            w = afterFlush(w, { startedAt: t, endedAt: t + f.cost, failed: f.failed });
            t += f.cost;
          }
          const now = t + at; // the clock may even have gone back
          const delay = flushDelayMs(w, now);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThanOrEqual(P.maxMs);
          if (w.lastStartedAt !== null && now >= w.lastStartedAt + P.maxMs) expect(delay).toBe(0);
        },
      ),
    );
  });

  it('forgets a single stall within a few flushes', () => {
    let w = afterFlush(QUIET_FEED, { startedAt: 0, endedAt: 10 });
    w = afterFlush(w, { startedAt: 1_000, endedAt: 3_601_000 }); // the clock jumped an hour during a flush
    expect(windowMs(w)).toBeGreaterThan(200);
    for (let i = 0; i < 8; i++) w = afterFlush(w, { startedAt: 4_000_000 + i * 1_000, endedAt: 4_000_000 + i * 1_000 + 10 });
    expect(windowMs(w)).toBeLessThan(60);
  });

  it('retries a failed flush after a whole window, then shrinks back once flushes succeed', () => {
    let w = afterFlush(QUIET_FEED, { startedAt: 0, endedAt: 2 });
    w = afterFlush(w, { startedAt: 100, endedAt: 101, failed: true }); // refused at once
    expect(flushDelayMs(w, 101)).toBe(P.maxMs - 1);
    for (let i = 0; i < 12; i++) w = afterFlush(w, { startedAt: 1_000 * (i + 1), endedAt: 1_000 * (i + 1) + 2 });
    expect(windowMs(w)).toBeLessThan(20);
  });
});
