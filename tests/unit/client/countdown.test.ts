import { describe, expect, it } from 'vitest';
import { ClockOffset, formatClock, remainingMs, sampleFromProbe, serverTimeOf, spokenDuration } from '../../../client/src/lib/clock-offset.ts';
import { backoffDelay } from '../../../client/src/lib/ws-client.ts';

describe('clock offset from time-sync round trips', () => {
  it('offset = serverTime - (clientSentAt + rtt/2)', () => {
    // The client clock is 5 s behind the server; the probe took 200 ms, 100 ms each way.
    const sentAt = 1_000_000;
    const serverTime = sentAt + 5_000 + 100;
    const s = sampleFromProbe(sentAt, serverTime, sentAt + 200);
    expect(s).toEqual({ rttMs: 200, offsetMs: 5_000 });
  });

  it('trusts the sample with the shortest round trip, and a real probe over a one-way timestamp', () => {
    const c = new ClockOffset(4);
    expect(c.offsetMs).toBe(0);
    c.addUnpaired(10_500, 10_000);
    expect(c.offsetMs).toBe(500);
    c.add({ offsetMs: 320, rttMs: 400 });
    c.add({ offsetMs: 300, rttMs: 40 });
    c.add({ offsetMs: 280, rttMs: 900 });
    expect(c.offsetMs).toBe(300);
    // Old samples roll off.
    for (let i = 0; i < 4; i++) c.add({ offsetMs: 100, rttMs: 100 });
    expect(c.offsetMs).toBe(100);
  });
});

describe('the countdown arithmetic', () => {
  const deadline = Date.parse('2026-03-02T10:30:00.000Z');
  const running = serverTimeOf({ deadline: new Date(deadline).toISOString(), remainingMs: 5_400_000, serverTime: '2026-03-02T09:00:00.000Z', running: true });

  it('remaining = deadline - (Date.now() + offset), whatever the client clock says', () => {
    const serverNow = deadline - 60_000;
    // A client 2 minutes fast and one 3 minutes slow show the same remaining time once corrected.
    expect(remainingMs(running, -120_000, serverNow + 120_000)).toBe(60_000);
    expect(remainingMs(running, 180_000, serverNow - 180_000)).toBe(60_000);
  });

  it('is computed, not counted: however many ticks were missed, the next read is right', () => {
    const offset = 250;
    const reads = [0, 17, 5_000, 5_001, 61_000, 1_200_000].map((elapsed) => remainingMs(running, offset, deadline - 3_600_000 - offset + elapsed));
    expect(reads).toEqual([3_600_000, 3_599_983, 3_595_000, 3_594_999, 3_539_000, 2_400_000]);
  });

  it('never goes below zero, and a stopped clock shows the last remaining time from the server', () => {
    expect(remainingMs(running, 0, deadline + 10_000)).toBe(0);
    const paused = serverTimeOf({ deadline: null, remainingMs: 754_321, serverTime: '2026-03-02T09:00:00.000Z', running: false });
    expect(remainingMs(paused, 99_999, Date.now())).toBe(754_321);
  });

  it('formats for the eye (rounding up) and for the ear (to the minute)', () => {
    expect(formatClock(5_400_000)).toBe('1:30:00');
    expect(formatClock(3_599_001)).toBe('1:00:00');
    expect(formatClock(299_500)).toBe('05:00');
    expect(formatClock(1)).toBe('00:01');
    expect(formatClock(0)).toBe('00:00');
    expect(spokenDuration(5_400_000)).toBe('1 hour 30 minutes');
    expect(spokenDuration(60_000)).toBe('1 minute');
    expect(spokenDuration(30_000)).toBe('less than a minute');
  });
});

describe('reconnect backoff', () => {
  it('grows exponentially, is capped, and keeps a random half as jitter', () => {
    const opts = { baseMs: 500, capMs: 15_000 };
    expect([0, 1, 2, 3, 4, 5, 6, 20].map((a) => backoffDelay(a, opts, () => 1))).toEqual([500, 1000, 2000, 4000, 8000, 15_000, 15_000, 15_000]);
    expect([0, 1, 2, 5].map((a) => backoffDelay(a, opts, () => 0))).toEqual([250, 500, 1000, 7500]);
    for (let i = 0; i < 100; i++) {
      const d = backoffDelay(3, opts);
      expect(d).toBeGreaterThanOrEqual(2000);
      expect(d).toBeLessThanOrEqual(4000);
    }
  });
});
