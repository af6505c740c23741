import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyEntry, deadlineOf, disconnectDecision, dueWarning, initialClock, remainingAt, replayLedger, usedAt, type LedgerEntry } from '../../../server/src/modules/sessions/domain/session-clock.ts';

const T0 = new Date('2026-11-02T14:00:00Z');
const at = (min: number) => new Date(T0.getTime() + min * 60_000);
const MIN = 60_000;

describe('session clock', () => {
  it('counts 90 minutes from the start and fixes the deadline', () => {
    const c = applyEntry(initialClock(90 * MIN), { kind: 'start', at: T0 });
    expect(deadlineOf(c)).toEqual(at(90));
    expect(remainingAt(c, at(30))).toBe(60 * MIN);
    expect(remainingAt(c, at(120))).toBe(0);
  });

  it('freezes while paused and moves the deadline by the pause', () => {
    const c = replayLedger(initialClock(90 * MIN), [
      { kind: 'start', at: T0 },
      { kind: 'pause', at: at(10) },
      { kind: 'resume', at: at(40) },
    ]);
    expect(remainingAt(c, at(40))).toBe(80 * MIN);
    expect(deadlineOf(c)).toEqual(at(120));
    const paused = applyEntry(initialClock(90 * MIN), { kind: 'start', at: T0 });
    const p = applyEntry(paused, { kind: 'pause', at: at(10) });
    expect(remainingAt(p, at(500))).toBe(80 * MIN);
    expect(deadlineOf(p)).toBeNull();
  });

  it('adds extensions and credits, and applies an accommodation multiplier to the base limit', () => {
    const c = replayLedger(initialClock(90 * MIN, 1.5), [
      { kind: 'start', at: T0 },
      { kind: 'extend', at: at(5), ms: 10 * MIN },
      { kind: 'credit', at: at(6), ms: 30_000 },
    ]);
    expect(deadlineOf(c)).toEqual(new Date(at(145).getTime() + 30_000));
  });

  it('ignores a double start, a pause of a stopped clock, and never counts time twice', () => {
    const entries: LedgerEntry[] = [
      { kind: 'start', at: T0 },
      { kind: 'start', at: at(5) },
      { kind: 'pause', at: at(10) },
      { kind: 'pause', at: at(20) },
      { kind: 'stop', at: at(30) },
    ];
    expect(usedAt(replayLedger(initialClock(90 * MIN), entries), at(60))).toBe(10 * MIN);
  });

  it('property: remaining + used = allowed while time is left, and the deadline agrees with remaining', () => {
    const entryArb = fc.oneof(
      fc.record({ kind: fc.constantFrom('start' as const, 'pause' as const, 'resume' as const) }),
      fc.record({ kind: fc.constantFrom('extend' as const, 'credit' as const), ms: fc.integer({ min: 0, max: 20 * MIN }) }),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 30 * MIN }), entryArb), { maxLength: 12 }), fc.integer({ min: 0, max: 30 * MIN }), (steps, tail) => {
        let t = T0.getTime();
        let c = initialClock(90 * MIN);
        for (const [dt, e] of steps) {
          t += dt;
          c = applyEntry(c, { ...e, at: new Date(t) } as LedgerEntry);
        }
        const now = new Date(t + tail);
        const used = usedAt(c, now);
        const remaining = remainingAt(c, now);
        expect(remaining).toBe(Math.max(0, c.allowedMs - used));
        const deadline = deadlineOf(c);
        if (deadline) expect(Math.max(0, deadline.getTime() - now.getTime())).toBe(remaining);
      }),
    );
  });

  it('sends each warning once, and only the latest one to a late joiner', () => {
    expect(dueWarning(16 * MIN, [15, 5, 1], [])).toBeNull();
    expect(dueWarning(15 * MIN, [15, 5, 1], [])).toBe(15);
    expect(dueWarning(14 * MIN, [15, 5, 1], [15])).toBeNull();
    expect(dueWarning(4 * MIN, [15, 5, 1], [])).toBe(5);
    expect(dueWarning(0, [15, 5, 1], [])).toBeNull();
  });

  it('keeps the clock running through a short drop and pauses with credit after a long one', () => {
    const policy = { pauseAfterMs: 30_000, creditCapMs: 600_000, resume: 'auto' as const };
    expect(disconnectDecision(T0, new Date(T0.getTime() + 30_000), policy)).toEqual({ pause: false });
    expect(disconnectDecision(T0, new Date(T0.getTime() + 31_000), policy)).toMatchObject({ pause: true, goneMs: 31_000, creditMs: 31_000, hold: false });
  });

  it('caps the credited disconnect time per exam; past the cap the pause waits for the proctor', () => {
    const policy = { pauseAfterMs: 30_000, creditCapMs: 600_000, resume: 'auto' as const };
    const at = (s: number) => new Date(T0.getTime() + s * 1000);
    // 9 minutes already credited: 60 s of the next 90 s lost are credited, the rest charged, and the proctor resumes.
    expect(disconnectDecision(T0, at(90), policy, 540_000)).toMatchObject({ pause: true, goneMs: 90_000, creditMs: 60_000, hold: true });
    expect((disconnectDecision(T0, at(90), policy, 540_000) as { why: string }).why).toBe('disconnect credit cap reached (600 s credited in total, cap 600 s): the proctor resumes');
    // The cap used up: nothing more is credited, however long.
    expect(disconnectDecision(T0, at(40), policy, 600_000)).toMatchObject({ creditMs: 0, hold: true });
    // Exactly the rest of the cap: credited in full, and it still resumes by itself.
    expect(disconnectDecision(T0, at(60), policy, 540_000)).toMatchObject({ creditMs: 60_000, hold: false });
    // Only running time was lost: a clock that ran 35 s since its last start credits at most 35 s.
    expect(disconnectDecision(T0, at(50), policy, 0, 35_000)).toMatchObject({ creditMs: 35_000, hold: false });
    // A center that wants the proctor for every disconnect pause.
    expect(disconnectDecision(T0, at(31), { ...policy, resume: 'proctor' })).toMatchObject({ creditMs: 31_000, hold: true });
  });
});
