/**
 * Exam time on the candidate's screen. The server owns the deadline; the browser only measures how far its own clock
 * is from the server's (time-sync round trips) and shows `deadline - (now + offset)`. Nothing here counts ticks, so a
 * throttled tab, a sleeping laptop or a slow render can never make the countdown drift.
 */
import type { TimeState } from '../../../shared/protocol/session-protocol.ts';

export interface TimeSample {
  /** serverClock - clientClock, in ms. */
  offsetMs: number;
  /** Round trip of the probe, in ms (Infinity when unknown). */
  rttMs: number;
}

/** offset = serverTime - (clientSentAt + rtt/2): the server read its clock, on average, half a round trip after we sent. */
export function sampleFromProbe(clientSentAt: number, serverTime: number, receivedAt: number): TimeSample {
  const rttMs = Math.max(0, receivedAt - clientSentAt);
  return { rttMs, offsetMs: serverTime - (clientSentAt + rttMs / 2) };
}

/**
 * Keeps the last few samples and trusts the one with the shortest round trip (the least room for asymmetric delay),
 * the usual NTP-style choice.
 */
export class ClockOffset {
  private samples: TimeSample[] = [];
  constructor(private readonly keep = 8) {}

  add(sample: TimeSample): void {
    if (!Number.isFinite(sample.offsetMs)) return;
    this.samples.push(sample);
    if (this.samples.length > this.keep) this.samples.shift();
  }

  /** A rough first estimate (a timestamp in a message with no round trip), replaced by the first real probe. */
  addUnpaired(serverTime: number, receivedAt: number): void {
    this.add({ offsetMs: serverTime - receivedAt, rttMs: Number.POSITIVE_INFINITY });
  }

  get best(): TimeSample | null {
    let best: TimeSample | null = null;
    for (const s of this.samples) if (!best || s.rttMs < best.rttMs) best = s;
    return best;
  }

  get offsetMs(): number {
    return this.best?.offsetMs ?? 0;
  }

  get count(): number {
    return this.samples.length;
  }
}

/** The server's time state as the client keeps it: the deadline as an instant on the server's clock. */
export interface ServerTime {
  deadlineMs: number | null;
  /** Remaining when the server sent it; what is shown while the clock is stopped (paused, not started). */
  remainingMs: number;
  running: boolean;
}

export function serverTimeOf(t: TimeState): ServerTime {
  const deadlineMs = t.deadline ? Date.parse(t.deadline) : null;
  return { deadlineMs: Number.isFinite(deadlineMs) ? deadlineMs : null, remainingMs: t.remainingMs, running: t.running };
}

/** remaining = deadline - (clientNow + offset), never below zero; a stopped clock shows what the server last said. */
export function remainingMs(time: ServerTime, offsetMs: number, clientNow: number): number {
  if (!time.running || time.deadlineMs === null) return Math.max(0, time.remainingMs);
  return Math.max(0, time.deadlineMs - (clientNow + offsetMs));
}

/** 1:29:59 or 04:59. Rounds up, so 0:00 appears only when time is really up. */
export function formatClock(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${two(m)}:${two(s)}`;
}

/** "1 hour 5 minutes", "4 minutes", "less than a minute": for screen readers, to the minute. */
export function spokenDuration(ms: number): string {
  const minutes = Math.ceil(Math.max(0, ms) / 60_000);
  if (ms <= 0) return 'no time';
  if (ms < 60_000) return 'less than a minute';
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  const part = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  return [h ? part(h, 'hour') : '', m ? part(m, 'minute') : ''].filter(Boolean).join(' ');
}
