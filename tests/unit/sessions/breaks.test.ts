/**
 * #17.10 breaks as pure rules: the clock during a break that stops it and one that runs (ledger entries replayed),
 * when a scheduled break ends by itself, the lifecycle's break transitions (time-up during a running break, a proctor's
 * resume ending a break), which scheduled break is due, and the blueprint's `breaks` validation.
 */
import { describe, expect, it } from 'vitest';
import { breakLabel, breakOf, breakReason, dueScheduledBreak } from '../../../shared/breaks.ts';
import { blueprintSchema } from '../../../shared/item-bank-format.ts';
import { applyEntry, breakEndEntries, breakEndsAt, breakStartEntries, initialClock, remainingAt, replayLedger, type ClockState } from '../../../server/src/modules/sessions/domain/session-clock.ts';
import { transition, type LifecycleView } from '../../../server/src/modules/sessions/domain/session-lifecycle.ts';

const MIN = 60_000;
const t0 = new Date('2026-12-08T15:00:00Z');
const at = (min: number) => new Date(t0.getTime() + min * MIN);

/** A 90-minute exam started at t0, a break from minute 10 to minute 20, looked at in minute 30. */
function withBreak(clock: 'stops' | 'runs'): ClockState {
  const started = applyEntry(initialClock(90 * MIN), { kind: 'start', at: t0 });
  return replayLedger(started, [...breakStartEntries(clock, at(10)), ...breakEndEntries(clock, at(20))]);
}

describe('the exam clock during a break', () => {
  it('a break that stops the clock charges none of its time', () => {
    expect(remainingAt(withBreak('stops'), at(30))).toBe(70 * MIN);
  });
  it('a break with the clock running charges all of it, as if no break were taken', () => {
    expect(remainingAt(withBreak('runs'), at(30))).toBe(60 * MIN);
    expect(breakStartEntries('runs', at(10))).toEqual([]);
    expect(breakEndEntries('runs', at(20))).toEqual([]);
  });
  it('while a stopping break lasts, remaining time stands still; while a running one lasts, it falls', () => {
    const started = applyEntry(initialClock(90 * MIN), { kind: 'start', at: t0 });
    const stopped = replayLedger(started, breakStartEntries('stops', at(10)));
    expect(remainingAt(stopped, at(15))).toBe(80 * MIN);
    expect(remainingAt(stopped, at(19))).toBe(80 * MIN);
    const running = replayLedger(started, breakStartEntries('runs', at(10)));
    expect(remainingAt(running, at(19))).toBe(71 * MIN);
  });
  it('a scheduled break ends after its minutes; with the clock running, at the deadline at the latest', () => {
    expect(breakEndsAt(at(10), 5, 'stops', null)).toEqual(at(15));
    expect(breakEndsAt(at(10), 15, 'runs', at(20))).toEqual(at(20));
    expect(breakEndsAt(at(10), 5, 'runs', at(20))).toEqual(at(15));
    // A stopped clock has no deadline during the break: the break's own length holds.
    expect(breakEndsAt(at(10), 15, 'stops', at(20))).toEqual(at(25));
  });
});

describe('breaks in the session lifecycle', () => {
  const running: LifecycleView = { state: 'in_progress', admitted: true, handbookAcknowledged: true };
  const onBreak = (kind: 'scheduled' | 'unscheduled', clock: 'stops' | 'runs'): LifecycleView => ({ ...running, state: 'paused', pauseReason: breakReason({ kind, clock }) });

  it('a break pauses the exam (nothing to read) and names itself in the pause reason', () => {
    const r = transition(running, { type: 'break', break: { kind: 'scheduled', clock: 'stops' } }, at(10));
    expect(r).toEqual({ ok: true, state: 'paused', pauseReason: 'break:scheduled:stops', clock: [{ kind: 'pause', at: at(10) }] });
    const u = transition(running, { type: 'break', break: { kind: 'unscheduled', clock: 'runs' } }, at(10));
    expect(u).toEqual({ ok: true, state: 'paused', pauseReason: 'break:unscheduled:runs', clock: [] });
  });
  it('an unscheduled break never stops the clock', () => {
    expect(transition(running, { type: 'break', break: { kind: 'unscheduled', clock: 'stops' } }, at(10))).toMatchObject({ ok: false, reason: 'an unscheduled break runs on the exam clock' });
  });
  it('no break on a break, on a paused exam, or before the start', () => {
    expect(transition(onBreak('unscheduled', 'runs'), { type: 'break', break: { kind: 'unscheduled', clock: 'runs' } }, at(10))).toMatchObject({ ok: false, reason: 'a break is already under way' });
    expect(transition({ ...running, state: 'paused', pauseReason: 'fire drill' }, { type: 'break', break: { kind: 'unscheduled', clock: 'runs' } }, at(10))).toMatchObject({ ok: false });
    expect(transition({ ...running, state: 'checked_in' }, { type: 'break', break: { kind: 'unscheduled', clock: 'runs' } }, at(10))).toMatchObject({ ok: false });
  });
  it('break-end resumes; only a stopped clock is restarted', () => {
    expect(transition(onBreak('scheduled', 'stops'), { type: 'break-end' }, at(20))).toEqual({ ok: true, state: 'in_progress', pauseReason: null, clock: [{ kind: 'resume', at: at(20) }] });
    expect(transition(onBreak('scheduled', 'runs'), { type: 'break-end' }, at(20))).toEqual({ ok: true, state: 'in_progress', pauseReason: null, clock: [] });
    expect(transition({ ...running, state: 'paused', pauseReason: 'fire drill' }, { type: 'break-end' }, at(20))).toMatchObject({ ok: false, reason: 'cannot end a break: the session is paused, not on a break' });
  });
  it("the proctor's resume ends a break the same way", () => {
    expect(transition(onBreak('unscheduled', 'runs'), { type: 'resume' }, at(20))).toEqual({ ok: true, state: 'in_progress', pauseReason: null, clock: [] });
    expect(transition(onBreak('scheduled', 'stops'), { type: 'resume' }, at(20))).toMatchObject({ ok: true, clock: [{ kind: 'resume', at: at(20) }] });
  });
  it('time runs out during a break whose clock runs, never during one that stops it or another pause', () => {
    expect(transition(onBreak('unscheduled', 'runs'), { type: 'expire' }, at(90))).toMatchObject({ ok: true, state: 'expired' });
    expect(transition(onBreak('scheduled', 'stops'), { type: 'expire' }, at(90))).toMatchObject({ ok: false });
    expect(transition({ ...running, state: 'paused', pauseReason: 'fire drill' }, { type: 'expire' }, at(90))).toMatchObject({ ok: false });
  });
  it('a disconnect does not pause a candidate who is on a break, and a reconnect does not end the break', () => {
    expect(transition(onBreak('unscheduled', 'runs'), { type: 'auto-pause', creditMs: 1000, hold: false }, at(20))).toMatchObject({ ok: false });
    expect(transition(onBreak('unscheduled', 'runs'), { type: 'reconnect' }, at(20))).toMatchObject({ ok: true, state: 'paused', pauseReason: 'break:unscheduled:runs', clock: [] });
  });
});

describe('which scheduled break is due', () => {
  const policy = [
    { afterQuestion: 40, minutes: 10, clock: 'stops' as const },
    { atMinute: 60, minutes: 5, clock: 'runs' as const },
  ];
  it('after question n means once the candidate is on a later question', () => {
    expect(dueScheduledBreak(policy, 0, { question: 40, usedMs: 0 })).toBeNull();
    expect(dueScheduledBreak(policy, 0, { question: 41, usedMs: 0 })).toEqual({ index: 0, break: policy[0] });
  });
  it('they come in order, one not taken stays on offer, and none is left after the last', () => {
    expect(dueScheduledBreak(policy, 0, { question: 1, usedMs: 70 * MIN })).toBeNull();
    expect(dueScheduledBreak(policy, 0, { question: 80, usedMs: 70 * MIN })).toMatchObject({ index: 0 });
    expect(dueScheduledBreak(policy, 1, { question: 80, usedMs: 59 * MIN })).toBeNull();
    expect(dueScheduledBreak(policy, 1, { question: 80, usedMs: 60 * MIN })).toEqual({ index: 1, break: policy[1] });
    expect(dueScheduledBreak(policy, 2, { question: 80, usedMs: 80 * MIN })).toBeNull();
    expect(dueScheduledBreak(undefined, 0, { question: 80, usedMs: 80 * MIN })).toBeNull();
  });
  it('pause reasons name the break, other pauses are none', () => {
    expect(breakOf('break:scheduled:stops')).toEqual({ kind: 'scheduled', clock: 'stops' });
    expect(breakOf('fire drill')).toBeNull();
    expect(breakOf(null)).toBeNull();
    expect(breakLabel({ kind: 'unscheduled', clock: 'runs' })).toBe('unscheduled break (clock running)');
  });
});

describe("a blueprint's breaks", () => {
  const base = { module: 'SAF', version: '2026.9', kwaCatalogVersion: '2026.1', formLength: 86, pretestCount: 8, timeLimitMinutes: 90, cutScore: { percent: 76, rounding: 'ceil' }, kwaCounts: { 'SAF-01': 78 } };
  const problems = (breaks: unknown) => {
    const r = blueprintSchema.safeParse({ ...base, breaks });
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('/')}: ${i.message}`);
  };
  it('a blueprint without breaks stays valid, and a good policy passes', () => {
    expect(blueprintSchema.safeParse(base).success).toBe(true);
    expect(problems([{ afterQuestion: 43, minutes: 10, clock: 'stops' }, { atMinute: 80, minutes: 5, clock: 'runs' }])).toEqual([]);
  });
  it('refuses bad breaks, naming the field', () => {
    expect(problems([{ minutes: 10, clock: 'stops' }])).toEqual(['breaks/0: a break needs exactly one of afterQuestion or atMinute']);
    expect(problems([{ afterQuestion: 3, atMinute: 5, minutes: 10, clock: 'stops' }])).toEqual(['breaks/0: a break needs exactly one of afterQuestion or atMinute']);
    expect(problems([{ afterQuestion: 3, minutes: 10, clock: 'paused' }])).toEqual(['breaks/0/clock: clock must be one of stops, runs']);
    expect(problems([{ afterQuestion: 3, minutes: 61, clock: 'runs' }])).toEqual(['breaks/0/minutes: minutes must be between 1 and 60']);
    expect(problems([{ afterQuestion: 86, minutes: 5, clock: 'runs' }])).toEqual(['breaks/0/afterQuestion: afterQuestion 86 must be before the last question (formLength 86)']);
    expect(problems([{ atMinute: 90, minutes: 5, clock: 'runs' }])).toEqual(['breaks/0/atMinute: atMinute 90 must be within the time limit (90 minutes)']);
    expect(problems([{ afterQuestion: 50, minutes: 5, clock: 'runs' }, { afterQuestion: 20, minutes: 5, clock: 'runs' }])).toEqual(['breaks/1: scheduled breaks must be listed in the order they come']);
  });
});

describe('seat labels (#17.7)', () => {
  it('order as on the floor plan, unlabelled last', async () => {
    const { compareSeatLabels } = await import('../../../shared/seats.ts');
    expect(['10', '2', null, 'A-3', 'A-10', '1'].sort(compareSeatLabels)).toEqual(['1', '2', '10', 'A-3', 'A-10', null]);
  });
  it('a sitting belongs to its day in the center’s zone', async () => {
    const { dayInZone } = await import('../../../shared/seats.ts');
    // 03:30 UTC on the 9th is still the evening of the 8th in Chicago.
    expect(dayInZone(new Date('2026-12-09T03:30:00Z'), 'America/Chicago')).toBe('2026-12-08');
    expect(dayInZone(new Date('2026-12-09T03:30:00Z'), 'Europe/Paris')).toBe('2026-12-09');
  });
  it('labels are validated with a message saying what a seat may be', async () => {
    const { seatLabelSchema } = await import('../../../shared/seats.ts');
    expect(seatLabelSchema.parse(' B-03 ')).toBe('B-03');
    expect(seatLabelSchema.safeParse('#1').success).toBe(false);
    expect(seatLabelSchema.safeParse('1234567890123').success).toBe(false);
    expect(seatLabelSchema.safeParse('').error?.issues[0]?.message).toMatch(/a seat is 1-12 letters/);
  });
});
