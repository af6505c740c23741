/**
 * The exam-session lifecycle as a pure function of (state, event). Exhaustive over both unions: adding a state or an
 * event fails to compile until every case handles it.
 *
 *   scheduled → checked_in → in_progress ⇄ paused → submitted | expired | terminated → scored
 */
import type { SessionState } from '../../../../../shared/protocol/session-protocol.ts';

export type SessionEvent =
  | { type: 'check-in' }
  | { type: 'admit' }
  | { type: 'start' }
  | { type: 'pause'; reason: string }
  | { type: 'resume' }
  | { type: 'extend'; minutes: number }
  | { type: 'submit' }
  /** A paper sitting's responses were recorded (docs/paper.md): the session ends without having run online. */
  | { type: 'paper-submit' }
  | { type: 'expire' }
  | { type: 'terminate'; reason: string }
  | { type: 'score' };

export interface LifecycleView {
  state: SessionState;
  /** Set when a proctor admitted the candidate (checked ID) and the form was assigned. */
  admitted: boolean;
  /** Set when the candidate acknowledged the handbook. */
  handbookAcknowledged: boolean;
}

export type TransitionResult = { ok: true; state: SessionState } | { ok: false; reason: string };

const ENDED: readonly SessionState[] = ['submitted', 'expired', 'terminated', 'scored'];
export const isEnded = (s: SessionState) => ENDED.includes(s);
export const isLive = (s: SessionState) => s === 'in_progress' || s === 'paused';

function exhaustive(x: never): never {
  throw new Error(`unhandled: ${JSON.stringify(x)}`);
}

export function transition(view: LifecycleView, event: SessionEvent): TransitionResult {
  const { state } = view;
  const refuse = (reason: string): TransitionResult => ({ ok: false, reason });
  const to = (next: SessionState): TransitionResult => ({ ok: true, state: next });
  switch (event.type) {
    case 'check-in':
      return state === 'scheduled' ? to('checked_in') : refuse(`cannot check in: the session is ${label(state)}`);
    case 'admit':
      if (state !== 'checked_in') return refuse(`cannot admit: the candidate has ${state === 'scheduled' ? 'not checked in yet' : `a session that is ${label(state)}`}`);
      return view.admitted ? refuse('the candidate is already admitted') : to('checked_in');
    case 'start':
      if (state !== 'checked_in') return refuse(`cannot start: the session is ${label(state)}`);
      if (!view.admitted) return refuse('cannot start: a proctor has not admitted the candidate yet');
      if (!view.handbookAcknowledged) return refuse('cannot start: the candidate handbook has not been acknowledged');
      return to('in_progress');
    case 'pause':
      return state === 'in_progress' ? to('paused') : refuse(`cannot pause: the session is ${label(state)}`);
    case 'resume':
      return state === 'paused' ? to('in_progress') : refuse(`cannot resume: the session is ${label(state)}`);
    case 'extend':
      if (!(event.minutes > 0)) return refuse('an extension must be a positive number of minutes');
      return isLive(state) || state === 'checked_in' || state === 'scheduled' ? to(state) : refuse(`cannot extend: the session is ${label(state)}`);
    case 'submit':
      return isLive(state) ? to('submitted') : refuse(`cannot submit: the session is ${label(state)}`);
    case 'paper-submit':
      // Whether the session was delivered on paper at all is the service's check (it knows the delivery and the form).
      return state === 'scheduled' || state === 'checked_in' ? to('submitted') : refuse(`cannot record paper responses: the session is ${label(state)}`);
    case 'expire':
      return state === 'in_progress' ? to('expired') : refuse(`cannot expire: the session is ${label(state)}`);
    case 'terminate':
      return isEnded(state) ? refuse(`cannot terminate: the session is already ${label(state)}`) : to('terminated');
    case 'score':
      return state === 'submitted' || state === 'expired' || state === 'terminated' ? to('scored') : refuse(`cannot score: the session is ${label(state)}`);
    default:
      return exhaustive(event);
  }
}

export function label(state: SessionState): string {
  switch (state) {
    case 'scheduled':
      return 'scheduled';
    case 'checked_in':
      return 'checked in';
    case 'in_progress':
      return 'in progress';
    case 'paused':
      return 'paused';
    case 'submitted':
      return 'submitted';
    case 'expired':
      return 'ended (time ran out)';
    case 'terminated':
      return 'terminated';
    case 'scored':
      return 'scored';
    default:
      return exhaustive(state);
  }
}
