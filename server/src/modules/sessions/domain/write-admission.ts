/**
 * Which candidate writes (answers, flags, visits) a session accepts. Pure: the session's state and deadline, the
 * form's options and `now` are arguments. The group commit asks it for every message of a batch, under the batch's
 * share locks, so the verdict and the write see the same session.
 */
import type { ProtocolErrorCode, SessionState } from '../../../../../shared/protocol/session-protocol.ts';
import { exhaustive } from './session-lifecycle.ts';

export type WriteMessage =
  | { kind: 'answer'; sessionId: string; seq: number; itemId: string; optionId: string | null }
  | { kind: 'flag'; sessionId: string; seq: number; itemId: string; flagged: boolean }
  | { kind: 'visit'; sessionId: string; seq: number; itemId: string };
export type WriteOutcome = { ok: true } | { ok: false; code: ProtocolErrorCode; message: string };

export interface AdmissionSession {
  state: SessionState;
  formId: string | null;
  deadlineAt: Date | null;
}

const refuse = (code: ProtocolErrorCode, message: string): WriteOutcome => ({ ok: false, code, message });
const OK: WriteOutcome = { ok: true };

/**
 * Whether the session takes writes at `now`: only while in progress, and up to `graceMs` past the deadline (answers
 * sent in time may arrive a little late). A paused session refuses (the screen is blanked; the client resends after
 * the resume).
 */
export function admitSession(s: AdmissionSession | undefined, now: Date, graceMs: number): WriteOutcome {
  if (!s || !s.formId) return refuse('SESSION_NOT_STARTED', 'The exam has not started');
  switch (s.state) {
    case 'scheduled':
    case 'checked_in':
      return refuse('SESSION_NOT_STARTED', 'The exam has not started');
    case 'paused':
      return refuse('SESSION_PAUSED', 'The exam is paused; answers are not accepted until it resumes');
    case 'in_progress': {
      const lateBy = s.deadlineAt ? now.getTime() - s.deadlineAt.getTime() : 0;
      return lateBy > graceMs ? refuse('SESSION_ENDED', 'The exam has ended; this change was not saved') : OK;
    }
    case 'submitted':
    case 'expired':
    case 'terminated':
    case 'scored':
      return refuse('SESSION_ENDED', 'The exam has ended; this change was not saved');
    default:
      return exhaustive(s.state);
  }
}

/** Whether the message fits the form: its question is on it and an answer's option is one of that question's. */
export function admitWrite(m: WriteMessage, optionsOf: (itemId: string) => ReadonlySet<string> | undefined): WriteOutcome {
  const options = optionsOf(m.itemId);
  if (!options) return refuse('ITEM_NOT_ON_FORM', `Question ${m.itemId} is not on this exam`);
  if (m.kind === 'answer' && m.optionId !== null && !options.has(m.optionId)) return refuse('OPTION_NOT_ON_ITEM', `Option ${m.optionId} is not an option of this question`);
  return OK;
}
