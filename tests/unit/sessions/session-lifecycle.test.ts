import { describe, expect, it } from 'vitest';
import { SESSION_STATES, type SessionState } from '../../../shared/protocol/session-protocol.ts';
import { transition, type SessionEvent } from '../../../server/src/modules/sessions/domain/session-lifecycle.ts';

const AT = new Date('2026-11-22T09:00:00Z');
const view = (state: SessionState, admitted = true, handbookAcknowledged = true) => ({ state, admitted, handbookAcknowledged });
const EVENTS: SessionEvent[] = [
  { type: 'check-in' },
  { type: 'admit' },
  { type: 'start' },
  { type: 'pause', reason: 'x' },
  { type: 'auto-pause', creditMs: 1000, hold: false },
  { type: 'resume' },
  { type: 'reconnect' },
  { type: 'extend', minutes: 5 },
  { type: 'submit' },
  { type: 'paper-submit' },
  { type: 'expire' },
  { type: 'terminate', reason: 'x' },
  { type: 'reopen', creditMs: 0 },
  { type: 'score' },
];

describe('session lifecycle', () => {
  it('follows scheduled → checked_in → in_progress ⇄ paused → submitted | expired | terminated → scored', () => {
    expect(transition(view('scheduled'), { type: 'check-in' }, AT)).toEqual({ ok: true, pauseReason: null, clock: [], state: 'checked_in' });
    expect(transition(view('checked_in', false), { type: 'admit' }, AT)).toEqual({ ok: true, pauseReason: null, clock: [], state: 'checked_in' });
    expect(transition(view('checked_in'), { type: 'start' }, AT)).toEqual({ ok: true, pauseReason: null, clock: [{ kind: 'start', at: AT }], state: 'in_progress' });
    expect(transition(view('in_progress'), { type: 'pause', reason: 'drill' }, AT)).toEqual({ ok: true, pauseReason: 'drill', clock: [{ kind: 'pause', at: AT }], state: 'paused' });
    expect(transition(view('paused'), { type: 'resume' }, AT)).toEqual({ ok: true, pauseReason: null, clock: [{ kind: 'resume', at: AT }], state: 'in_progress' });
    expect(transition(view('in_progress'), { type: 'submit' }, AT)).toEqual({ ok: true, pauseReason: null, clock: [{ kind: 'stop', at: AT }], state: 'submitted' });
    expect(transition(view('in_progress'), { type: 'expire' }, AT)).toEqual({ ok: true, pauseReason: null, clock: [{ kind: 'stop', at: AT }], state: 'expired' });
    expect(transition(view('paused'), { type: 'terminate', reason: 'x' }, AT)).toEqual({ ok: true, pauseReason: null, clock: [{ kind: 'stop', at: AT }], state: 'terminated' });
    for (const s of ['submitted', 'expired', 'terminated'] as const) expect(transition(view(s), { type: 'score' }, AT)).toEqual({ ok: true, pauseReason: null, clock: [], state: 'scored' });
  });

  it('refuses to start before admission or before the handbook is acknowledged, with the reason', () => {
    expect(transition(view('checked_in', false), { type: 'start' }, AT)).toEqual({ ok: false, reason: 'cannot start: a proctor has not admitted the candidate yet' });
    expect(transition(view('checked_in', true, false), { type: 'start' }, AT)).toEqual({ ok: false, reason: 'cannot start: the candidate handbook has not been acknowledged' });
  });

  it('ends exactly once: nothing but scoring (and an admin\'s reopen, below) leaves an ended state', () => {
    for (const ended of ['submitted', 'expired', 'terminated', 'scored'] as const) {
      for (const e of EVENTS) {
        const r = transition(view(ended), e, AT);
        if (r.ok && e.type === 'reopen') expect(['expired', 'terminated']).toContain(ended);
        else if (r.ok && e.type !== 'reconnect') expect([e.type, ended]).toEqual(['score', ended === 'scored' ? 'never' : ended]);
        if (r.ok) expect(r.clock).toEqual([]); // nothing after the end touches the clock
      }
    }
  });

  it('is total: every state answers every event', () => {
    for (const s of SESSION_STATES) for (const e of EVENTS) expect(() => transition(view(s), e, AT)).not.toThrow();
  });

  it('ends a paper sitting from scheduled or checked in (docs/paper.md)', () => {
    // A paper sitting never ran on the server's clock: no clock entries.
    expect(transition(view('scheduled', false), { type: 'paper-submit' }, AT)).toEqual({ ok: true, state: 'submitted', pauseReason: null, clock: [] });
    expect(transition(view('checked_in', true, false), { type: 'paper-submit' }, AT)).toEqual({ ok: true, state: 'submitted', pauseReason: null, clock: [] });
    expect(transition(view('in_progress'), { type: 'paper-submit' }, AT)).toEqual({ ok: false, reason: 'cannot record paper responses: the session is in progress' });
  });

  it('cannot expire a paused session (paused time does not run out)', () => {
    expect(transition(view('paused'), { type: 'expire' }, AT).ok).toBe(false);
  });

  it('says what the clock does: an auto-pause stops it and credits the lost time; a reconnect lifts only a disconnect pause', () => {
    expect(transition(view('in_progress'), { type: 'auto-pause', creditMs: 40_000, hold: false }, AT)).toEqual({ ok: true, state: 'paused', pauseReason: 'disconnected', clock: [{ kind: 'pause', at: AT }, { kind: 'credit', at: AT, ms: 40_000 }] });
    expect(transition({ ...view('paused'), pauseReason: 'disconnected' }, { type: 'reconnect' }, AT)).toEqual({ ok: true, state: 'in_progress', pauseReason: null, clock: [{ kind: 'resume', at: AT }] });
    expect(transition({ ...view('paused'), pauseReason: 'fire drill' }, { type: 'reconnect' }, AT)).toEqual({ ok: true, state: 'paused', pauseReason: 'fire drill', clock: [] });
    expect(transition(view('in_progress'), { type: 'reconnect' }, AT)).toEqual({ ok: true, state: 'in_progress', pauseReason: null, clock: [] });
    expect(transition(view('paused'), { type: 'auto-pause', creditMs: 1, hold: false }, AT).ok).toBe(false);
    // Past the credit cap (or by policy) the pause waits for the proctor: a reconnect does not lift it.
    expect(transition(view('in_progress'), { type: 'auto-pause', creditMs: 0, hold: true }, AT)).toMatchObject({ ok: true, state: 'paused', pauseReason: 'disconnected-proctor' });
    expect(transition({ ...view('paused'), pauseReason: 'disconnected-proctor' }, { type: 'reconnect' }, AT)).toEqual({ ok: true, state: 'paused', pauseReason: 'disconnected-proctor', clock: [] });
    expect(transition({ ...view('paused'), pauseReason: 'drill' }, { type: 'extend', minutes: 2 }, AT)).toEqual({ ok: true, state: 'paused', pauseReason: 'drill', clock: [{ kind: 'extend', at: AT, ms: 120_000 }] });
  });

  it('reopen (#17.9): a terminated or expired attempt, or one scored after such an end, goes back to paused awaiting the proctor', () => {
    expect(transition(view('terminated'), { type: 'reopen', creditMs: 0 }, AT)).toEqual({ ok: true, state: 'paused', pauseReason: 'reopened', clock: [] });
    expect(transition(view('expired'), { type: 'reopen', creditMs: 300_000 }, AT)).toEqual({ ok: true, state: 'paused', pauseReason: 'reopened', clock: [{ kind: 'credit', at: AT, ms: 300_000 }] });
    expect(transition({ ...view('scored'), endReason: 'terminated' }, { type: 'reopen', creditMs: 0 }, AT)).toMatchObject({ ok: true, state: 'paused' });
    expect(transition({ ...view('scored'), endReason: 'expired' }, { type: 'reopen', creditMs: 0 }, AT)).toMatchObject({ ok: true, state: 'paused' });
    // A submitted exam is never reopened, scored or not; nor is a session that has not ended.
    expect(transition(view('submitted'), { type: 'reopen', creditMs: 0 }, AT)).toMatchObject({ ok: false, reason: expect.stringContaining('submitted exam cannot') });
    expect(transition({ ...view('scored'), endReason: 'submitted' }, { type: 'reopen', creditMs: 0 }, AT)).toMatchObject({ ok: false });
    expect(transition(view('scored'), { type: 'reopen', creditMs: 0 }, AT)).toMatchObject({ ok: false });
    for (const s of ['scheduled', 'checked_in', 'in_progress', 'paused'] as const) expect(transition(view(s), { type: 'reopen', creditMs: 0 }, AT)).toMatchObject({ ok: false, reason: expect.stringContaining('not ended') });
    expect(transition(view('terminated'), { type: 'reopen', creditMs: -1 }, AT)).toMatchObject({ ok: false });
    // Once reopened, the proctor's resume runs the clock again.
    expect(transition({ ...view('paused'), pauseReason: 'reopened' }, { type: 'resume' }, AT)).toMatchObject({ ok: true, state: 'in_progress' });
    expect(transition({ ...view('paused'), pauseReason: 'reopened' }, { type: 'reconnect' }, AT)).toMatchObject({ ok: true, state: 'paused', clock: [] });
  });
});
