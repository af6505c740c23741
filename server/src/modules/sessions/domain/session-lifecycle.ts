/**
 * The exam-session lifecycle as a pure function of (state, event, time). Every state change of a session goes
 * through `transition`: it answers the next state and the clock entries the change implies (start, pause, credit,
 * resume, extend, stop), so no caller writes `in_progress` or `paused` or touches the clock on its own. Exhaustive
 * over both unions: adding a state or an event fails to compile until every case handles it.
 *
 *   scheduled → checked_in → in_progress ⇄ paused → submitted | expired | terminated → scored
 *   terminated | expired | scored (after one of those two) → paused                                    (reopen)
 *   in_progress → paused on a break (break) → in_progress (break-end, or a proctor's resume)              (#17.10)
 *
 * `reopen` (#17.9) is an admin's undo of a wrong termination or an attempt that ended in error (time ran out while
 * something failed): a terminated or expired session, or one scored after such an end, goes back to `paused` with the
 * reason REOPENED and waits for the proctor to resume it. The clock stopped at the end, so the time that was left is
 * still there; the admin may credit more (time lost to the error). A submitted attempt is never reopened.
 *
 * Two events belong to the connection rather than to a person: `auto-pause` (the candidate has been gone past the
 * disconnect limit; the clock stops and the lost time is credited) and `reconnect` (the candidate's socket said
 * hello; a session paused only because they dropped resumes by itself).
 */
import type { SessionState } from '../../../../../shared/protocol/session-protocol.ts';
import { breakOf, breakReason, type BreakInfo } from '../../../../../shared/breaks.ts';
import { breakEndEntries, breakStartEntries, type LedgerEntry } from './session-clock.ts';

/** The pause reason of an automatic pause after a disconnect that a reconnect lifts (shown to candidate and proctor). */
export const DISCONNECTED = 'disconnected';
/** The pause reason of a disconnect pause that waits for the proctor (credit cap reached, or the policy says so). */
export const DISCONNECTED_HOLD = 'disconnected-proctor';
export const isDisconnectPause = (reason: string | null | undefined) => reason === DISCONNECTED || reason === DISCONNECTED_HOLD;
/** The pause reason of a session an admin reopened; the proctor resumes it. */
export const REOPENED = 'reopened';

export type SessionEvent =
  | { type: 'check-in' }
  | { type: 'admit' }
  | { type: 'start' }
  | { type: 'pause'; reason: string }
  | { type: 'auto-pause'; creditMs: number; hold: boolean }
  | { type: 'resume' }
  /** A break starts (#17.10): the session pauses (nothing to read); the clock stops or runs as the break says. */
  | { type: 'break'; break: BreakInfo }
  /** The break ends (the candidate's Resume, or a scheduled break's time is over). */
  | { type: 'break-end' }
  | { type: 'reconnect' }
  | { type: 'extend'; minutes: number }
  | { type: 'submit' }
  /** A paper sitting's responses were recorded (docs/paper.md): the session ends without having run online. */
  | { type: 'paper-submit' }
  | { type: 'expire' }
  | { type: 'terminate'; reason: string }
  /** An admin reopens a terminated or expired attempt; `creditMs` is extra time credited (may be 0). */
  | { type: 'reopen'; creditMs: number }
  | { type: 'score' };

export interface LifecycleView {
  state: SessionState;
  /** Set when a proctor admitted the candidate (checked ID) and the form was assigned. */
  admitted: boolean;
  /** Set when the candidate acknowledged the handbook. */
  handbookAcknowledged: boolean;
  /** Why a paused session is paused (DISCONNECTED for an automatic pause); null otherwise. */
  pauseReason?: string | null;
  /** How an ended session ended (submitted, expired, terminated); decides whether a scored session may be reopened. */
  endReason?: string | null;
}

/** The next state, the pause reason it carries, and the clock entries the change implies (stamped with `at`). */
export type TransitionResult = { ok: true; state: SessionState; pauseReason: string | null; clock: LedgerEntry[] } | { ok: false; reason: string };

const ENDED: readonly SessionState[] = ['submitted', 'expired', 'terminated', 'scored'];
export const isEnded = (s: SessionState) => ENDED.includes(s);
export const isLive = (s: SessionState) => s === 'in_progress' || s === 'paused';

export function exhaustive(x: never): never {
  throw new Error(`unhandled: ${JSON.stringify(x)}`);
}

/**
 * `at` is when the event happens; for `expire` pass the deadline (time-up ends at the deadline itself, not when the
 * sweeper happened to run).
 */
export function transition(view: LifecycleView, event: SessionEvent, at: Date): TransitionResult {
  const { state } = view;
  const pauseReason = state === 'paused' ? (view.pauseReason ?? null) : null;
  const refuse = (reason: string): TransitionResult => ({ ok: false, reason });
  const to = (next: SessionState, clock: LedgerEntry[] = [], reason: string | null = next === 'paused' ? pauseReason : null): TransitionResult => ({ ok: true, state: next, pauseReason: reason, clock });
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
      return to('in_progress', [{ kind: 'start', at }]);
    case 'pause':
      return state === 'in_progress' ? to('paused', [{ kind: 'pause', at }], event.reason) : refuse(`cannot pause: the session is ${label(state)}`);
    case 'auto-pause':
      if (state !== 'in_progress') return refuse(`cannot pause: the session is ${label(state)}`);
      return to('paused', [{ kind: 'pause', at }, { kind: 'credit', at, ms: Math.max(0, Math.round(event.creditMs)) }], event.hold ? DISCONNECTED_HOLD : DISCONNECTED);
    case 'resume': {
      if (state !== 'paused') return refuse(`cannot resume: the session is ${label(state)}`);
      // The proctor may end a break too; a break with the clock running has no clock to restart.
      const onBreak = breakOf(pauseReason);
      return to('in_progress', onBreak ? breakEndEntries(onBreak.clock, at) : [{ kind: 'resume', at }]);
    }
    case 'break':
      if (state === 'paused' && breakOf(pauseReason)) return refuse('a break is already under way');
      if (state !== 'in_progress') return refuse(`cannot start a break: the session is ${label(state)}`);
      if (event.break.kind === 'unscheduled' && event.break.clock !== 'runs') return refuse('an unscheduled break runs on the exam clock');
      return to('paused', breakStartEntries(event.break.clock, at), breakReason(event.break));
    case 'break-end': {
      const onBreak = state === 'paused' ? breakOf(pauseReason) : null;
      return onBreak ? to('in_progress', breakEndEntries(onBreak.clock, at)) : refuse(`cannot end a break: the session is ${state === 'paused' ? 'paused, not on a break' : label(state)}`);
    }
    case 'reconnect':
      // A connection is welcome in every state (an ended session gets its result); only a disconnect pause that
      // does not wait for the proctor lifts.
      return state === 'paused' && pauseReason === DISCONNECTED ? to('in_progress', [{ kind: 'resume', at }]) : to(state);
    case 'extend':
      if (!(event.minutes > 0)) return refuse('an extension must be a positive number of minutes');
      return isLive(state) || state === 'checked_in' || state === 'scheduled' ? to(state, [{ kind: 'extend', at, ms: Math.round(event.minutes * 60_000) }]) : refuse(`cannot extend: the session is ${label(state)}`);
    case 'submit':
      return isLive(state) ? to('submitted', [{ kind: 'stop', at }]) : refuse(`cannot submit: the session is ${label(state)}`);
    case 'paper-submit':
      // Whether the session was delivered on paper at all is the service's check (it knows the delivery and the form).
      // A paper sitting never ran on the server's clock, so it has no clock entries.
      return state === 'scheduled' || state === 'checked_in' ? to('submitted') : refuse(`cannot record paper responses: the session is ${label(state)}`);
    case 'expire':
      // Time runs out while running, or during a break whose clock runs.
      return state === 'in_progress' || (state === 'paused' && breakOf(pauseReason)?.clock === 'runs') ? to('expired', [{ kind: 'stop', at }]) : refuse(`cannot expire: the session is ${label(state)}`);
    case 'terminate':
      return isEnded(state) ? refuse(`cannot terminate: the session is already ${label(state)}`) : to('terminated', [{ kind: 'stop', at }]);
    case 'reopen': {
      if (!(event.creditMs >= 0)) return refuse('credited time cannot be negative');
      const endedBy = state === 'scored' ? (view.endReason ?? null) : state;
      if (endedBy !== 'terminated' && endedBy !== 'expired') {
        return refuse(isEnded(state) ? 'only a terminated attempt or one whose time ran out can be reopened; a submitted exam cannot' : `cannot reopen: the session is ${label(state)}, not ended`);
      }
      return to('paused', event.creditMs > 0 ? [{ kind: 'credit', at, ms: Math.round(event.creditMs) }] : [], REOPENED);
    }
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
