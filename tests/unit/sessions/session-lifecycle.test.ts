import { describe, expect, it } from 'vitest';
import { SESSION_STATES, type SessionState } from '../../../shared/protocol/session-protocol.ts';
import { transition, type SessionEvent } from '../../../server/src/modules/sessions/domain/session-lifecycle.ts';

const view = (state: SessionState, admitted = true, handbookAcknowledged = true) => ({ state, admitted, handbookAcknowledged });
const EVENTS: SessionEvent[] = [
  { type: 'check-in' },
  { type: 'admit' },
  { type: 'start' },
  { type: 'pause', reason: 'x' },
  { type: 'resume' },
  { type: 'extend', minutes: 5 },
  { type: 'submit' },
  { type: 'paper-submit' },
  { type: 'expire' },
  { type: 'terminate', reason: 'x' },
  { type: 'score' },
];

describe('session lifecycle', () => {
  it('follows scheduled → checked_in → in_progress ⇄ paused → submitted | expired | terminated → scored', () => {
    expect(transition(view('scheduled'), { type: 'check-in' })).toEqual({ ok: true, state: 'checked_in' });
    expect(transition(view('checked_in', false), { type: 'admit' })).toEqual({ ok: true, state: 'checked_in' });
    expect(transition(view('checked_in'), { type: 'start' })).toEqual({ ok: true, state: 'in_progress' });
    expect(transition(view('in_progress'), { type: 'pause', reason: 'drill' })).toEqual({ ok: true, state: 'paused' });
    expect(transition(view('paused'), { type: 'resume' })).toEqual({ ok: true, state: 'in_progress' });
    expect(transition(view('in_progress'), { type: 'submit' })).toEqual({ ok: true, state: 'submitted' });
    expect(transition(view('in_progress'), { type: 'expire' })).toEqual({ ok: true, state: 'expired' });
    expect(transition(view('paused'), { type: 'terminate', reason: 'x' })).toEqual({ ok: true, state: 'terminated' });
    for (const s of ['submitted', 'expired', 'terminated'] as const) expect(transition(view(s), { type: 'score' })).toEqual({ ok: true, state: 'scored' });
  });

  it('refuses to start before admission or before the handbook is acknowledged, with the reason', () => {
    expect(transition(view('checked_in', false), { type: 'start' })).toEqual({ ok: false, reason: 'cannot start: a proctor has not admitted the candidate yet' });
    expect(transition(view('checked_in', true, false), { type: 'start' })).toEqual({ ok: false, reason: 'cannot start: the candidate handbook has not been acknowledged' });
  });

  it('ends exactly once: nothing but scoring leaves an ended state', () => {
    for (const ended of ['submitted', 'expired', 'terminated', 'scored'] as const) {
      for (const e of EVENTS) {
        const r = transition(view(ended), e);
        if (r.ok) expect([e.type, ended]).toEqual(['score', ended === 'scored' ? 'never' : ended]);
      }
    }
  });

  it('is total: every state answers every event', () => {
    for (const s of SESSION_STATES) for (const e of EVENTS) expect(() => transition(view(s), e)).not.toThrow();
  });

  it('ends a paper sitting from scheduled or checked in (docs/paper.md)', () => {
    expect(transition(view('scheduled', false), { type: 'paper-submit' })).toEqual({ ok: true, state: 'submitted' });
    expect(transition(view('checked_in', true, false), { type: 'paper-submit' })).toEqual({ ok: true, state: 'submitted' });
    expect(transition(view('in_progress'), { type: 'paper-submit' })).toEqual({ ok: false, reason: 'cannot record paper responses: the session is in progress' });
  });

  it('cannot expire a paused session (paused time does not run out)', () => {
    expect(transition(view('paused'), { type: 'expire' }).ok).toBe(false);
  });
});
