/**
 * Server-owned exam time. A session stores absolute instants and a ledger of adjustments; remaining time is always
 * computed from them and the current time, never counted down. Pure: `now` is an argument.
 *
 * allowed = base limit × accommodation multiplier + extensions + credits (e.g. time lost to a long disconnect)
 * used    = time spent running (start→pause, resume→pause, resume→now)
 * remaining = max(0, allowed − used); while running, deadline = runningSince + (allowed − usedBeforeRun)
 */
import type { TimeState } from '../../../../../shared/protocol/session-protocol.ts';

export interface ClockState {
  /** Everything granted so far, in ms. */
  allowedMs: number;
  /** Time used in completed running intervals, in ms. */
  usedMs: number;
  /** Start of the current running interval, or null when not running (not started, paused, ended). */
  runningSince: Date | null;
}

export type LedgerEntry =
  | { kind: 'start'; at: Date }
  | { kind: 'pause'; at: Date }
  | { kind: 'resume'; at: Date }
  | { kind: 'extend'; at: Date; ms: number }
  | { kind: 'credit'; at: Date; ms: number }
  | { kind: 'stop'; at: Date };

export const initialClock = (baseLimitMs: number, multiplier = 1): ClockState => ({
  allowedMs: Math.round(baseLimitMs * multiplier),
  usedMs: 0,
  runningSince: null,
});

/** The clock columns of a session row (or anything carrying them). */
export type ClockColumns = Pick<ClockState, 'allowedMs' | 'usedMs' | 'runningSince'>;
export const clockOf = (s: ClockColumns): ClockState => ({ allowedMs: s.allowedMs, usedMs: s.usedMs, runningSince: s.runningSince });

/** What the candidate's screen and the proctor are told about time at `now`. */
export function timeStateOf(s: ClockColumns, now: Date): TimeState {
  const clock = clockOf(s);
  const deadline = deadlineOf(clock);
  return { deadline: deadline?.toISOString() ?? null, remainingMs: remainingAt(clock, now), serverTime: now.toISOString(), running: !!clock.runningSince };
}

/** Applies one ledger entry. Starting or resuming a running clock, or pausing a stopped one, changes nothing. */
export function applyEntry(clock: ClockState, entry: LedgerEntry): ClockState {
  switch (entry.kind) {
    case 'start':
    case 'resume':
      return clock.runningSince ? clock : { ...clock, runningSince: entry.at };
    case 'pause':
    case 'stop':
      return clock.runningSince ? { ...clock, usedMs: clock.usedMs + Math.max(0, entry.at.getTime() - clock.runningSince.getTime()), runningSince: null } : clock;
    case 'extend':
    case 'credit':
      return { ...clock, allowedMs: clock.allowedMs + entry.ms };
  }
}

export const replayLedger = (initial: ClockState, entries: LedgerEntry[]): ClockState => entries.reduce(applyEntry, initial);

export function usedAt(clock: ClockState, now: Date): number {
  return clock.usedMs + (clock.runningSince ? Math.max(0, now.getTime() - clock.runningSince.getTime()) : 0);
}

export function remainingAt(clock: ClockState, now: Date): number {
  return Math.max(0, clock.allowedMs - usedAt(clock, now));
}

/** The instant time runs out if nothing changes, or null when the clock is not running. */
export function deadlineOf(clock: ClockState): Date | null {
  return clock.runningSince ? new Date(clock.runningSince.getTime() + clock.allowedMs - clock.usedMs) : null;
}

/**
 * Breaks (#17.10). A break whose clock stops is a pause of the clock (the time is not charged); one whose clock runs
 * leaves the clock alone, so the time keeps being used and the exam can run out during it. Ending the break resumes a
 * stopped clock and again leaves a running one alone.
 */
export const breakStartEntries = (clock: 'stops' | 'runs', at: Date): LedgerEntry[] => (clock === 'stops' ? [{ kind: 'pause', at }] : []);
export const breakEndEntries = (clock: 'stops' | 'runs', at: Date): LedgerEntry[] => (clock === 'stops' ? [{ kind: 'resume', at }] : []);

/**
 * When a scheduled break of `minutes` started at `at` ends by itself. With the clock running it never outlasts the
 * exam: it ends at the deadline at the latest (where time-up ends the exam anyway).
 */
export function breakEndsAt(at: Date, minutes: number, clock: 'stops' | 'runs', deadline: Date | null): Date {
  const end = new Date(at.getTime() + minutes * 60_000);
  return clock === 'runs' && deadline && deadline < end ? deadline : end;
}

/** Default warning thresholds, minutes left. */
export const DEFAULT_WARNING_MINUTES = [15, 5, 1];

/**
 * The warnings due now that have not been sent: thresholds crossed since `sentAbove` (the smallest threshold already
 * warned about, or Infinity). Returns the one to send (the smallest crossed) so a client that reconnects late gets one
 * warning, not three.
 */
export function dueWarning(remainingMs: number, thresholdsMinutes: number[], alreadySent: number[]): number | null {
  const crossed = thresholdsMinutes.filter((m) => remainingMs <= m * 60_000 && remainingMs > 0 && !alreadySent.includes(m));
  return crossed.length ? Math.min(...crossed) : null;
}

/** In-flight grace: answers that arrive at most this long after the deadline still count (they were sent in time). */
export const IN_FLIGHT_GRACE_MS = 2000;

export interface DisconnectPolicy {
  /** A drop up to this long keeps the clock running; after a longer one the session pauses and the time since the drop is credited back. */
  pauseAfterMs: number;
  /** At most this much disconnect time is credited per exam, in total; past it the pause waits for the proctor. */
  creditCapMs: number;
  /** `auto`: a reconnect within the cap resumes by itself; `proctor`: every disconnect pause waits for the proctor. */
  resume: 'auto' | 'proctor';
}
export const DEFAULT_DISCONNECT_POLICY: DisconnectPolicy = { pauseAfterMs: 30_000, creditCapMs: 10 * 60_000, resume: 'auto' };

export type DisconnectDecision =
  | { pause: false }
  | {
      pause: true;
      /** How long the candidate has been gone. */
      goneMs: number;
      /** The time credited back now (the running time lost, within what is left of the cap). */
      creditMs: number;
      /** The pause waits for the proctor (the cap is reached, or the policy says always). */
      hold: boolean;
      /** Why, in words for the proctor. */
      why: string;
    };

/**
 * Decides what a long disconnect does: nothing within `pauseAfterMs`, else pause now and credit the running time
 * lost since the candidate was last seen (they could not work during it), as far as the per-exam cap allows. A
 * candidate cannot stop the clock at will: once the credited total reaches the cap, time lost is charged and the
 * pause waits for the proctor. `runningMs` is how long the clock has run since it last started (nothing before that
 * was lost); `creditedMs` what earlier disconnects of this exam were credited.
 */
export function disconnectDecision(lastSeenAt: Date, now: Date, policy: DisconnectPolicy, creditedMs = 0, runningMs = Number.POSITIVE_INFINITY): DisconnectDecision {
  const goneMs = now.getTime() - lastSeenAt.getTime();
  if (goneMs <= policy.pauseAfterMs) return { pause: false };
  const lost = Math.max(0, Math.min(goneMs, runningMs));
  const left = Math.max(0, policy.creditCapMs - creditedMs);
  const creditMs = Math.min(lost, left);
  const capReached = lost > left;
  const hold = capReached || policy.resume === 'proctor';
  const total = Math.round((creditedMs + creditMs) / 1000);
  const why = capReached
    ? `disconnect credit cap reached (${total} s credited in total, cap ${Math.round(policy.creditCapMs / 1000)} s): the proctor resumes`
    : policy.resume === 'proctor'
      ? `disconnected; this center has the proctor resume every disconnect pause (${total} s credited in total)`
      : `disconnected; resumes when the candidate reconnects (${total} s credited in total)`;
  return { pause: true, goneMs, creditMs, hold, why };
}
