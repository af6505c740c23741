/**
 * When the proctor feed sends changed rows: at once when it has been quiet, after a window only under load. Pure: the
 * times come in as milliseconds from the injected clock (docs/decisions/0012-adaptive-proctor-feed.md).
 *
 * The feed runs one flush (one round of queries) at a time. The window is the least time between the starts of two
 * flushes: the running flush cost times (1 + gapPerCost), so that flushing takes at most 1 / (1 + gapPerCost) of the
 * time however fast changes arrive, and never more than maxMs. A change that comes when the last flush started a
 * window ago or more goes out at once; one that comes sooner waits for the rest of the window. The measured cost grows
 * with the backlog (one query for n sessions takes longer with n) and with a busy event loop or database, so the
 * window grows under load and shrinks back as flushes get cheap again. The fixed 250-ms tick it replaces put 0–250 ms
 * of waiting on every event, loaded or not (bench/proctoring, docs/performance.md "Proctor feed").
 */

export interface FlushWindowPolicy {
  /**
   * The longest window however loaded: the fixed tick the feed used before. Every flush starts at most this long after
   * the previous one started, or as soon as it ended, so overload is never slower than the tick was.
   */
  maxMs: number;
  /** The idle gap between flushes as a multiple of their running cost: 2 keeps flushing to at most a third of the time. */
  gapPerCost: number;
  /** Weight of the newest flush in the running cost (an exponential moving average); the rest is history. */
  costWeight: number;
}

export const FLUSH_WINDOW_POLICY: FlushWindowPolicy = { maxMs: 250, gapPerCost: 2, costWeight: 0.3 };

export interface FlushWindow {
  /** Running cost of one flush (ms). */
  costMs: number;
  /** When the last flush started (ms); null before the first. */
  lastStartedAt: number | null;
}

export const QUIET_FEED: FlushWindow = { costMs: 0, lastStartedAt: null };

/** The least time from one flush's start to the next one's. */
export function windowMs(w: FlushWindow, policy: FlushWindowPolicy = FLUSH_WINDOW_POLICY): number {
  return Math.min(policy.maxMs, w.costMs * (1 + policy.gapPerCost));
}

/**
 * How long to wait, at `nowMs` (after the last flush ended), before flushing the pending changes: 0 when the last flush
 * started a window ago or more, so the first change after a quiet period goes out at once; otherwise the rest of the
 * window. Never more than one window, even if the clock went back.
 */
export function flushDelayMs(w: FlushWindow, nowMs: number, policy: FlushWindowPolicy = FLUSH_WINDOW_POLICY): number {
  if (w.lastStartedAt === null) return 0;
  const window = windowMs(w, policy);
  return Math.min(window, Math.max(0, w.lastStartedAt + window - nowMs));
}

/**
 * The window after a flush that ran from `startedAt` to `endedAt`. A cost is counted up to maxMs (any more gives the
 * same window), so one stall (a major GC, a checkpoint, a test moving its clock by hours) leaves the running cost within
 * a few flushes. A failed flush counts as costing maxMs, so a database that refuses at once is retried every maxMs, not
 * in a tight loop.
 */
export function afterFlush(w: FlushWindow, flush: { startedAt: number; endedAt: number; failed?: boolean }, policy: FlushWindowPolicy = FLUSH_WINDOW_POLICY): FlushWindow {
  const cost = flush.failed ? policy.maxMs : Math.min(policy.maxMs, Math.max(0, flush.endedAt - flush.startedAt));
  const costMs = w.lastStartedAt === null || flush.failed ? cost : w.costMs + policy.costWeight * (cost - w.costMs);
  return { costMs, lastStartedAt: flush.startedAt };
}
