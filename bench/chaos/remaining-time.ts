/**
 * The chaos bench's expected remaining time per session (#13.8: "remaining = allowed − time connected − time before
 * the disconnect limit"), under this product's disconnect policy (docs/reliability.md, sessions/domain/session-clock.ts):
 *  - the clock runs from the start to the end except while the session is paused;
 *  - a disconnect no longer than the limit (DISCONNECT_PAUSE_AFTER_SECONDS, 30 s) does not pause: all of it is charged
 *    (the time "before the disconnect limit");
 *  - after a longer one the sweep pauses and credits the running time since the candidate was last heard from, and the
 *    reconnect resumes: none of it is charged (within the per-exam cap, which these runs never reach).
 * So charged = (end − start) − Σ (return − last heard) over the disconnects that paused, and
 * remaining = allowed − charged, where allowed is the allowance before any credit.
 *
 * Computed twice: from what the simulated client observed (its own clock: when it last sent anything before losing the
 * socket, when a snapshot came back, start and submit round-trips) and from what the server recorded (the time ledger
 * and the `session.auto-paused` audit entries). Pure; times in epoch ms.
 */

export interface ClientGap {
  /** Last time the client sent anything (a message or an automatic pong) before the socket was lost. */
  from: number;
  /** When a snapshot arrived on the next connection. */
  to: number;
  /** When that connection's hello was sent (the server resumed between this and `to`). */
  helloAt: number;
  /**
   * Hellos sent during the gap on sockets that then failed: the server may have heard one (and recorded it as the
   * last time it heard from the candidate) without the client ever seeing a snapshot.
   */
  earlierHellos: number[];
  cause: 'cut' | 'freeze' | 'lost' | 'initial';
}

export interface ServerPause {
  /** When the sweep paused (ledger `pause`). */
  at: number;
  /** When the candidate was last heard from, as the server recorded it (pause − goneMs of the audit entry). */
  lastHeard: number;
  /** The ledger `resume` that ended the pause (the reconnect), or null if none before the stop. */
  resumedAt: number | null;
  creditMs: number;
}

export interface GapVerdict {
  gap: ClientGap;
  lengthMs: number;
  /** Whether the client's own timestamps say the server had to pause (longer than the limit plus the sweep's resolution). */
  expected: 'pause' | 'no-pause' | 'ambiguous';
  /** The server pause that falls inside this gap, if any. */
  pause: ServerPause | null;
  /** Whether this gap is treated as credited (ambiguous gaps follow the server's record). */
  credited: boolean;
  /** The client's best "last heard": `from`, or the earlier hello closest to the server's record of it. */
  heardAt: number;
}

/** Gaps within this much of the limit may or may not have paused (the sweep runs every second, heard-from times are the server's). */
export const AMBIGUOUS_BELOW_MS = 500;
export const AMBIGUOUS_ABOVE_MS = 2500;

export function judgeGaps(gaps: ClientGap[], pauses: ServerPause[], pauseAfterMs: number): GapVerdict[] {
  return gaps.map((gap) => {
    const latest = Math.max(gap.from, ...gap.earlierHellos);
    const pause = pauses.find((p) => p.at >= gap.from && p.at <= gap.to + 1000) ?? null;
    // Heard at `from` or at one of the earlier hellos: the server's record says which, when it paused.
    const heardAt = pause ? [gap.from, ...gap.earlierHellos].reduce((best, t) => (Math.abs(t - pause.lastHeard) < Math.abs(best - pause.lastHeard) ? t : best), gap.from) : gap.from;
    const lengthMs = gap.to - heardAt;
    const expected = gap.to - latest > pauseAfterMs + AMBIGUOUS_ABOVE_MS ? 'pause' : gap.to - gap.from < pauseAfterMs - AMBIGUOUS_BELOW_MS ? 'no-pause' : 'ambiguous';
    const credited = expected === 'ambiguous' ? pause !== null : expected === 'pause';
    return { gap, lengthMs, expected, pause, credited, heardAt };
  });
}

/** Remaining time the client's observations call for: allowed − ((end − start) − Σ credited gaps). */
export function expectedFromClient(allowedMs: number, startAt: number, endAt: number, verdicts: GapVerdict[]): number {
  const credited = verdicts.filter((v) => v.credited).reduce((n, v) => n + v.lengthMs, 0);
  return Math.max(0, allowedMs - (endAt - startAt - credited));
}

/**
 * The range of remaining times the client's observations allow: the server started the clock somewhere within the
 * start request's round-trip, stopped it within the submit's, and resumed after a credited gap between the hello and
 * the snapshot. A stored remaining time outside this range by more than a second is wrong, whatever the load.
 */
export function expectedRangeFromClient(allowedMs: number, start: [number, number], end: [number, number], verdicts: GapVerdict[]): [number, number] {
  const creditedMax = verdicts.filter((v) => v.credited).reduce((n, v) => n + (v.gap.to - v.gap.from), 0);
  const creditedMin = verdicts.filter((v) => v.credited).reduce((n, v) => n + Math.max(0, v.gap.helloAt - Math.max(v.gap.from, ...v.gap.earlierHellos)), 0);
  const chargedMin = end[0] - start[1] - creditedMax;
  const chargedMax = end[1] - start[0] - creditedMin;
  return [Math.max(0, allowedMs - chargedMax), Math.max(0, allowedMs - chargedMin)];
}

/** How far `value` lies outside [lo, hi] (0 inside; negative below). */
export const outside = (value: number, [lo, hi]: [number, number]) => (value < lo ? value - lo : value > hi ? value - hi : 0);

/** Remaining time the server's own records call for: allowed − ((stop − start) − Σ (resume − last heard)). */
export function expectedFromServer(allowedMs: number, startAt: number, stopAt: number, pauses: ServerPause[]): number {
  const credited = pauses.reduce((n, p) => n + ((p.resumedAt ?? stopAt) - p.lastHeard), 0);
  return Math.max(0, allowedMs - (stopAt - startAt - credited));
}
