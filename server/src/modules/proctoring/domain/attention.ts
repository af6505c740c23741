/**
 * Which seats need the proctor's attention now. Pure: the row and the time come in, reasons go out, most urgent first.
 */
import type { AttentionReason } from '../../../../../shared/api/proctoring.ts';

export const ATTENTION_RULES = {
  /** No heartbeat for this long while the exam runs: treat as disconnected (heartbeats come every 10 s). */
  heartbeatStaleMs: 25_000,
  /** No answer for this long while running. */
  idleMs: 10 * 60_000,
  /** A focus/visibility/full-screen incident this recent. */
  focusWindowMs: 5 * 60_000,
  secondConnectionWindowMs: 10 * 60_000,
  nearlyOutOfTimeMs: 5 * 60_000,
  /** A raised hand stays on the list until answered, for up to this long. */
  raisedHandWindowMs: 60 * 60_000,
};

/** How far back the roster must read incidents for these rules. */
export const ATTENTION_LOOKBACK_MS = Math.max(ATTENTION_RULES.secondConnectionWindowMs, ATTENTION_RULES.raisedHandWindowMs, ATTENTION_RULES.focusWindowMs);

export interface AttentionInput {
  state: string;
  connected: boolean;
  lastSeenAt: Date | null;
  startedAt: Date | null;
  lastAnswerAt: Date | null;
  remainingMs: number;
  recentIncidents: { kind: string; at: Date }[];
  /** The seat camera's latest still (#17.11); a still after a camera failure means the camera works again. */
  lastStillAt?: Date | null;
}

export function attentionReasons(row: AttentionInput, now: Date, rules = ATTENTION_RULES): AttentionReason[] {
  const out: AttentionReason[] = [];
  const ago = (d: Date | null) => (d ? now.getTime() - d.getTime() : Infinity);
  const live = row.state === 'in_progress' || row.state === 'paused';
  // A raised hand not yet answered comes first: the candidate is waiting for a person.
  const latest = (kind: string) => Math.max(-Infinity, ...row.recentIncidents.filter((i) => i.kind === kind).map((i) => i.at.getTime()));
  const raised = latest('raise-hand');
  if (live && raised > latest('hand-answered') && ago(new Date(raised)) <= rules.raisedHandWindowMs) out.push('raised-hand');
  if (live && (!row.connected || ago(row.lastSeenAt) > rules.heartbeatStaleMs)) out.push('disconnected');
  if (row.recentIncidents.some((i) => i.kind === 'second-connection' && ago(i.at) <= rules.secondConnectionWindowMs)) out.push('second-connection');
  if (live && row.recentIncidents.some((i) => ['focus-lost', 'page-hidden', 'fullscreen-exit'].includes(i.kind) && ago(i.at) <= rules.focusWindowMs)) out.push('focus-lost');
  // Seat camera (#17.11): a failure until a still arrives after it; a refusal until a proctor has noted or messaged
  // the seat since, or reopened the decision (the proctor decides what declining means for this candidate; declining
  // again after a reopening raises it again). Both within the lookback.
  const failed = latest('camera-failed');
  if (live && failed > (row.lastStillAt?.getTime() ?? -Infinity) && ago(new Date(failed)) <= rules.raisedHandWindowMs) out.push('camera-failed');
  const declined = latest('camera-declined');
  if (live && declined > Math.max(latest('proctor-note'), latest('proctor-message'), latest('hand-answered'), latest('camera-reopened')) && ago(new Date(declined)) <= rules.raisedHandWindowMs) out.push('camera-declined');
  if (row.state === 'in_progress' && row.remainingMs > 0 && row.remainingMs <= rules.nearlyOutOfTimeMs) out.push('nearly-out-of-time');
  if (row.state === 'in_progress' && Math.min(ago(row.lastAnswerAt), ago(row.startedAt)) > rules.idleMs) out.push('idle');
  return out;
}
