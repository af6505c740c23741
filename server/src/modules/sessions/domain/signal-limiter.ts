/**
 * Candidate signals (focus lost, page hidden, raise hand, ...) coalesced per kind (#14.9): a browser that fires
 * focus-lost fifty times a second, or a script that sends signals in a loop, must not write fifty audit rows and
 * incidents and push fifty feed updates. At most one signal of each kind is recorded per window; the ones in between are
 * counted and reported with the next one that is recorded ("and 49 more"). Pure: the time is passed in.
 */
export const SIGNAL_WINDOW_MS = 10_000;
/** A raised hand may be raised again soon after the proctor answered it: a shorter window. */
export const SIGNAL_WINDOWS: Readonly<Record<string, number>> = { 'raise-hand': 3000 };

export interface SignalLimiter {
  /** When each kind was last recorded (ms). */
  readonly lastRecorded: Map<string, number>;
  /** Signals of each kind dropped since it was last recorded. */
  readonly suppressed: Map<string, number>;
}

export const newSignalLimiter = (): SignalLimiter => ({ lastRecorded: new Map(), suppressed: new Map() });

export type SignalDecision = { record: true; coalesced: number } | { record: false };

export function admitSignal(l: SignalLimiter, kind: string, nowMs: number, windowMs = SIGNAL_WINDOWS[kind] ?? SIGNAL_WINDOW_MS): SignalDecision {
  const last = l.lastRecorded.get(kind);
  if (last !== undefined && nowMs - last < windowMs) {
    l.suppressed.set(kind, (l.suppressed.get(kind) ?? 0) + 1);
    return { record: false };
  }
  const coalesced = l.suppressed.get(kind) ?? 0;
  l.lastRecorded.set(kind, nowMs);
  l.suppressed.delete(kind);
  return { record: true, coalesced };
}
