/**
 * The live exam as the candidate's browser sees it: a pure reducer over the server's messages and the candidate's own
 * changes. No React, no socket, no clock of its own, so it is tested directly in node (tests/unit/client).
 */
import type { CandidateItem, CurrentBreak, ServerMessage, SessionState } from '../../../../shared/protocol/session-protocol.ts';
import type { ScheduledBreak } from '../../../../shared/breaks.ts';
import { dueScheduledBreak } from '../../../../shared/breaks.ts';
import { serverTimeOf, type ServerTime } from '../../lib/clock-offset.ts';
import { mergeWithOutbox, type OutboxEntry } from '../../lib/outbox.ts';
import type { ConnectionStatus } from '../../lib/ws-client.ts';

export type Snapshot = Extract<ServerMessage, { type: 'snapshot' }>;
export type EndReason = 'submitted' | 'expired' | 'terminated';

export interface Notice {
  id: number;
  tone: 'info' | 'warning' | 'error';
  text: string;
}

export interface ExamState {
  sessionId: string;
  /** From the latest snapshot; null until the first one arrives. */
  session: { state: SessionState; module: string; moduleTitle: string } | null;
  items: CandidateItem[];
  answers: Record<string, string>;
  flags: Record<string, true>;
  current: number;
  time: ServerTime | null;
  warningMinutes: number[];
  /** The latest time warning from the server (minutes left). */
  warning: number | null;
  /** Why the exam is paused; `break` when the pause is a break (the break screen, #17.10). */
  paused: { reason: string; break: CurrentBreak | null } | null;
  /** The blueprint's scheduled breaks and how many were taken (from the snapshot; a scheduled break taken counts at once). */
  breaks: { scheduled: ScheduledBreak[]; taken: number; allowedMs: number };
  ended: { reason: EndReason | null; note: string | null } | null;
  resultReady: boolean;
  /** Another window took over this exam; this one stopped. */
  replaced: boolean;
  /** The server no longer recognises the sign-in. */
  authLost: boolean;
  connection: ConnectionStatus;
  /** Answers and flags not yet acknowledged; all outbox entries. */
  pendingAnswers: number;
  pendingTotal: number;
  submitting: boolean;
  submitError: string | null;
  notices: Notice[];
  /** The latest message for the polite live region (time warnings, extensions, connection). */
  announcement: { id: number; text: string } | null;
  nextId: number;
  /** How many snapshots arrived (the waiting room re-reads the session status on each). */
  snapshots: number;
  /** Messages from the proctor (#17.6), newest last; shown as alerts until dismissed. */
  messages: ProctorMessage[];
  /** The candidate raised a hand and the proctor has not answered yet (#17.3). */
  handRaised: boolean;
  /** In a start storm: this candidate's place in line and the expected wait (#18); null once the snapshot is in. */
  queue: { position: number; expectedWaitMs: number } | null;
  /** How many times the proctor reopened the seat-camera decision (#17.11): each one asks the consent question again. */
  cameraReopened: number;
}

export interface ProctorMessage {
  id: number;
  text: string;
  scope: 'seat' | 'room';
  at: string;
}

export type ExamAction =
  | { type: 'snapshot'; snapshot: Snapshot; pending: readonly OutboxEntry[] }
  | { type: 'message'; message: Exclude<ServerMessage, { type: 'snapshot' }> }
  | { type: 'answer'; itemId: string; optionId: string | null }
  | { type: 'flag'; itemId: string; flagged: boolean }
  | { type: 'go'; index: number }
  | { type: 'dropped'; entry: OutboxEntry; message: string }
  | { type: 'notice'; tone: Notice['tone']; text: string }
  | { type: 'connection'; status: ConnectionStatus }
  | { type: 'outbox'; pendingAnswers: number; pendingTotal: number }
  | { type: 'submitting'; value: boolean; error?: string | null }
  | { type: 'auth-lost' }
  | { type: 'dismiss'; id: number }
  | { type: 'hand'; raised: boolean }
  | { type: 'dismiss-message'; id: number };

export const TIME_UP_MESSAGE = 'Time is up. Your exam was submitted automatically.';

export function initialExamState(sessionId: string): ExamState {
  return {
    sessionId,
    session: null,
    items: [],
    answers: {},
    flags: {},
    current: 0,
    time: null,
    warningMinutes: [],
    warning: null,
    paused: null,
    ended: null,
    resultReady: false,
    replaced: false,
    authLost: false,
    connection: 'connecting',
    pendingAnswers: 0,
    pendingTotal: 0,
    submitting: false,
    submitError: null,
    notices: [],
    announcement: null,
    nextId: 1,
    snapshots: 0,
    messages: [],
    handRaised: false,
    cameraReopened: 0,
    breaks: { scheduled: [], taken: 0, allowedMs: 0 },
    queue: null,
  };
}

/** "You are number 3 in line — about 12 s": what the candidate reads (and hears, politely) while the start waits. */
export function queueText(q: { position: number; expectedWaitMs: number }): string {
  const seconds = Math.max(1, Math.ceil(q.expectedWaitMs / 1000));
  const wait = seconds < 120 ? `${seconds} s` : `${Math.round(seconds / 60)} min`;
  return `You are number ${q.position} in line — about ${wait}`;
}

const ENDED_STATES: Partial<Record<SessionState, EndReason | null>> = { submitted: 'submitted', expired: 'expired', terminated: 'terminated', scored: null };

/** The sentence a candidate sees (and hears) when the exam ends. */
export function endMessage(ended: NonNullable<ExamState['ended']>): string {
  switch (ended.reason) {
    case 'expired':
      return TIME_UP_MESSAGE;
    case 'terminated':
      return `The proctor ended your exam.${ended.note ? ` Reason: ${ended.note}` : ''}`;
    case 'submitted':
      return 'Your exam was submitted.';
    default:
      return 'Your exam has ended.';
  }
}

function announce(s: ExamState, text: string): ExamState {
  return { ...s, announcement: { id: s.nextId, text }, nextId: s.nextId + 1 };
}

function notice(s: ExamState, tone: Notice['tone'], text: string): ExamState {
  return { ...s, notices: [...s.notices.slice(-4), { id: s.nextId, tone, text }], nextId: s.nextId + 1 };
}

export function questionLabel(s: Pick<ExamState, 'items'>, itemId: string): string {
  const i = s.items.findIndex((it) => it.itemId === itemId);
  return i >= 0 ? `question ${i + 1}` : 'a question';
}

export function examReducer(s: ExamState, a: ExamAction): ExamState {
  switch (a.type) {
    case 'snapshot': {
      const snap = a.snapshot;
      const merged = mergeWithOutbox({ answers: snap.answers, flags: Object.fromEntries(snap.flags.map((f) => [f, true as const])), position: snap.position }, a.pending);
      const firstForm = s.items.length === 0 && snap.items.length > 0;
      let current = s.current;
      if (firstForm) {
        const at = merged.position ? snap.items.findIndex((it) => it.itemId === merged.position) : -1;
        current = at >= 0 ? at : 0;
      }
      const items = snap.items.length > 0 || s.items.length === 0 ? snap.items : s.items;
      const endReason = ENDED_STATES[snap.session.state];
      // After a reload the server does not repeat warnings already given; show the one that applies.
      const passed = snap.session.state === 'in_progress' || snap.session.state === 'paused' ? snap.warningMinutes.filter((w) => snap.time.remainingMs <= w * 60_000) : [];
      const warning = passed.length > 0 ? Math.min(...passed) : s.warning;
      let next: ExamState = {
        ...s,
        session: { state: snap.session.state, module: snap.session.module, moduleTitle: snap.session.moduleTitle },
        items,
        answers: merged.answers,
        flags: merged.flags,
        current: Math.min(current, Math.max(0, items.length - 1)),
        time: serverTimeOf(snap.time),
        warningMinutes: snap.warningMinutes,
        warning,
        paused: snap.session.state === 'paused' ? { reason: snap.session.pauseReason ?? 'paused by the proctor', break: snap.breaks?.current ?? null } : null,
        breaks: snap.breaks ? { scheduled: snap.breaks.scheduled, taken: snap.breaks.taken, allowedMs: snap.breaks.allowedMs } : s.breaks,
        replaced: false,
        authLost: false,
        snapshots: s.snapshots + 1,
        queue: null,
      };
      if (endReason !== undefined && !s.ended) next = { ...next, ended: { reason: endReason, note: null }, submitting: false };
      return next;
    }
    case 'message': {
      const m = a.message;
      switch (m.type) {
        case 'time-sync':
          return s.time && !s.ended ? { ...s, time: serverTimeOf(m.time) } : s;
        case 'time-warning': {
          const text = m.minutesLeft === 1 ? '1 minute left.' : `${m.minutesLeft} minutes left.`;
          return announce({ ...s, warning: m.minutesLeft, time: serverTimeOf(m.time) }, `Time warning: ${text}`);
        }
        case 'paused': {
          const onBreak = m.break ?? null;
          const breaks = onBreak?.kind === 'scheduled' ? { ...s.breaks, taken: s.breaks.taken + 1 } : s.breaks;
          const next: ExamState = { ...s, paused: { reason: m.reason, break: onBreak }, breaks, time: serverTimeOf(m.time), session: s.session && { ...s.session, state: 'paused' } };
          return announce(next, onBreak ? `You are on a break. ${onBreak.clock === 'stops' ? 'The clock is stopped.' : 'The exam clock keeps running.'}` : 'The exam is paused.');
        }
        case 'resumed':
          return announce({ ...s, paused: null, time: serverTimeOf(m.time), session: s.session && { ...s.session, state: 'in_progress' } }, s.paused?.break ? 'The break is over. The exam continues.' : 'The exam has resumed. The clock is running again.');
        case 'extended': {
          const text = `The proctor gave you ${m.minutes} more minute${m.minutes === 1 ? '' : 's'}.`;
          const time = serverTimeOf(m.time);
          // A warning that no longer applies is taken down.
          const warning = s.warning !== null && time.remainingMs > s.warning * 60_000 ? null : s.warning;
          return announce(notice({ ...s, time, warning, breaks: { ...s.breaks, allowedMs: s.breaks.allowedMs + m.minutes * 60_000 } }, 'info', text), text);
        }
        case 'terminated':
          return { ...s, ended: { reason: 'terminated', note: m.reason }, paused: null, submitting: false };
        case 'ended': {
          const ended = { reason: m.reason, note: s.ended?.reason === 'terminated' ? s.ended.note : null };
          const next: ExamState = { ...s, ended, paused: null, submitting: false, time: s.time && { ...s.time, running: false, deadlineMs: null, remainingMs: m.reason === 'expired' ? 0 : s.time.remainingMs } };
          return announce(next, endMessage(ended));
        }
        case 'result-ready':
          return { ...s, resultReady: true };
        case 'message': {
          const msg: ProctorMessage = { id: s.nextId, text: m.text, scope: m.scope, at: m.at };
          return { ...s, messages: [...s.messages.slice(-2), msg], nextId: s.nextId + 1, handRaised: m.answersHand ? false : s.handRaised };
        }
        case 'replaced':
          return { ...s, replaced: true };
        case 'queue':
          return { ...s, queue: { position: m.position, expectedWaitMs: m.expectedWaitMs } };
        case 'camera-reopened':
          return announce({ ...s, cameraReopened: s.cameraReopened + 1 }, 'The proctor asks you to answer the seat camera question again. Your exam clock keeps running.');
        case 'ack':
        case 'error':
        case 'review':
          return s;
        default:
          return s;
      }
    }
    case 'answer': {
      if (s.ended || s.paused) return s;
      const answers = { ...s.answers };
      if (a.optionId === null) delete answers[a.itemId];
      else answers[a.itemId] = a.optionId;
      return { ...s, answers };
    }
    case 'flag': {
      if (s.ended || s.paused) return s;
      const flags = { ...s.flags };
      if (a.flagged) flags[a.itemId] = true;
      else delete flags[a.itemId];
      return { ...s, flags };
    }
    case 'go':
      if (a.index < 0 || a.index >= s.items.length || a.index === s.current) return s;
      return { ...s, current: a.index };
    case 'dropped':
      return notice(s, 'error', `A change to ${a.entry.type === 'signal' ? 'the exam' : questionLabel(s, a.entry.itemId)} could not be saved: ${a.message}`);
    case 'notice':
      return notice(s, a.tone, a.text);
    case 'connection': {
      if (a.status === s.connection) return s;
      // A dropped socket loses its place; the next hello is told its new one.
      const next = { ...s, connection: a.status, queue: a.status === 'connected' ? s.queue : null };
      if (a.status === 'offline') return announce(next, 'The connection is lost. Keep working: your answers are kept on this computer and saved when it is back.');
      if (a.status === 'connected' && (s.connection === 'reconnecting' || s.connection === 'offline')) return announce(next, 'Connected again.');
      return next;
    }
    case 'outbox':
      return a.pendingAnswers === s.pendingAnswers && a.pendingTotal === s.pendingTotal ? s : { ...s, pendingAnswers: a.pendingAnswers, pendingTotal: a.pendingTotal };
    case 'submitting':
      return { ...s, submitting: a.value, submitError: a.error ?? null };
    case 'auth-lost':
      return { ...s, authLost: true };
    case 'dismiss':
      return { ...s, notices: s.notices.filter((n) => n.id !== a.id) };
    case 'hand':
      return a.raised && (s.ended || s.paused) ? s : { ...s, handRaised: a.raised };
    case 'dismiss-message':
      return { ...s, messages: s.messages.filter((n) => n.id !== a.id) };
  }
}

export interface ReviewSummary {
  total: number;
  answered: number;
  unanswered: number[];
  flagged: number[];
}

/** Unanswered and flagged questions (0-based indexes), computed from what the candidate sees. */
export function reviewOf(s: Pick<ExamState, 'items' | 'answers' | 'flags'>): ReviewSummary {
  const unanswered: number[] = [];
  const flagged: number[] = [];
  s.items.forEach((it, i) => {
    if (!s.answers[it.itemId]) unanswered.push(i);
    if (s.flags[it.itemId]) flagged.push(i);
  });
  return { total: s.items.length, answered: s.items.length - unanswered.length, unanswered, flagged };
}

export function saveStatusText(s: Pick<ExamState, 'pendingAnswers'>): string {
  if (s.pendingAnswers === 0) return 'All answers saved';
  return s.pendingAnswers === 1 ? '1 answer waiting to save' : `${s.pendingAnswers} answers waiting to save`;
}

export function connectionText(c: ConnectionStatus): string {
  switch (c) {
    case 'connected':
      return 'Connected';
    case 'connecting':
      return 'Connecting…';
    case 'reconnecting':
      return 'Reconnecting…';
    case 'offline':
      return 'Offline';
    case 'stopped':
      return 'Disconnected';
  }
}

/**
 * The scheduled break the candidate may take now, as this browser reckons it (the question on screen, the time used
 * from the time granted and the time left); the server decides again when asked (shared/breaks.ts).
 */
export function scheduledBreakOffer(s: Pick<ExamState, 'breaks' | 'current' | 'paused' | 'ended' | 'session'>, remaining: number) {
  if (s.paused || s.ended || s.session?.state !== 'in_progress') return null;
  return dueScheduledBreak(s.breaks.scheduled, s.breaks.taken, { question: s.current + 1, usedMs: Math.max(0, s.breaks.allowedMs - remaining) });
}
