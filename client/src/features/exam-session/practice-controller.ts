/**
 * Drives the exam screen for a practice test over plain HTTP (docs/practice.md): the same ExamState and reducer as an
 * exam, so the candidate practises on the very screen they will sit. Changes show at once and are saved one after
 * another in order; a timed test's end comes from the server's deadline. No outbox: a practice answer lost to a
 * dropped connection is shown as not saved, never retried behind the candidate's back.
 */
import type { Snapshot } from './exam-state.ts';
import { examReducer, initialExamState, type ExamAction, type ExamState } from './exam-state.ts';
import type { ExamScreenController } from './exam-screen.tsx';
import { getPractice, practiceImageUrl, savePracticeResponse, submitPractice, type PracticeAttempt } from './practice-api.ts';

/** Answers sent after the deadline within this margin are still taken by the server (PRACTICE_GRACE_MS). */
const END_CHECK_DELAY_MS = 6_000;

export function snapshotOf(a: PracticeAttempt): Snapshot {
  const serverTime = a.time.serverTime;
  return {
    type: 'snapshot',
    protocol: 1,
    session: { id: a.id, module: a.module, moduleTitle: `Practice: ${a.moduleTitle}`, state: a.state === 'open' ? 'in_progress' : 'submitted', pauseReason: null, admitted: true },
    items: a.items,
    answers: a.answers,
    flags: a.flags,
    position: null,
    lastSeq: 0,
    time: { deadline: a.time.deadline, remainingMs: a.time.remainingMs ?? 0, serverTime, running: a.state === 'open' && a.time.deadline !== null },
    warningMinutes: a.time.deadline ? [5, 1] : [],
  };
}

export function createPracticeController(attempt: PracticeAttempt, onEnded: (a: PracticeAttempt) => void): ExamScreenController & { stop(): void } {
  let state: ExamState = examReducer(initialExamState(attempt.id), { type: 'snapshot', snapshot: snapshotOf(attempt), pending: [] });
  state = examReducer(state, { type: 'connection', status: 'connected' });
  // An untimed test shows no clock at all.
  if (!attempt.time.deadline) state = { ...state, time: null };
  const offsetMs = Date.parse(attempt.time.serverTime) - Date.now();
  const listeners = new Set<() => void>();
  let pending = 0;
  let chain: Promise<unknown> = Promise.resolve();
  let stopped = false;

  const dispatch = (a: ExamAction) => {
    const next = examReducer(state, a);
    if (next === state) return;
    state = next;
    for (const l of listeners) l();
  };
  const end = async () => {
    const r = await getPractice(attempt.id);
    if (r.ok && r.data.state === 'ended' && !stopped) onEnded(r.data);
  };
  const endTimer = attempt.time.deadline ? setTimeout(() => void end(), Math.max(0, Date.parse(attempt.time.deadline) - (Date.now() + offsetMs)) + END_CHECK_DELAY_MS) : null;

  function save(itemId: string, body: { optionId?: string | null; flagged?: boolean }) {
    pending++;
    dispatch({ type: 'outbox', pendingAnswers: pending, pendingTotal: pending });
    chain = chain.then(async () => {
      const r = await savePracticeResponse(attempt.id, { itemId, ...body });
      pending--;
      dispatch({ type: 'outbox', pendingAnswers: pending, pendingTotal: pending });
      if (!r.ok) {
        dispatch({ type: 'notice', tone: 'error', text: `A change to question ${state.items.findIndex((i) => i.itemId === itemId) + 1} was not saved: ${r.error.message}` });
        if (r.status === 409) await end();
      }
    });
  }

  return {
    getState: () => state,
    subscribe(l: () => void) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    offsetMs,
    outboxPersistent: false,
    mediaUrl: (image) => practiceImageUrl(attempt.id, image),
    reconnect() {},
    dismiss: (id: number) => dispatch({ type: 'dismiss', id }),
    answer(itemId: string, optionId: string | null) {
      if (state.ended || (state.answers[itemId] ?? null) === optionId) return;
      dispatch({ type: 'answer', itemId, optionId });
      save(itemId, { optionId });
    },
    flag(itemId: string, flagged: boolean) {
      if (state.ended) return;
      dispatch({ type: 'flag', itemId, flagged });
      save(itemId, { flagged });
    },
    go: (index: number) => dispatch({ type: 'go', index }),
    signal() {},
    submit(): string | null {
      if (pending > 0) return 'Some answers are still being saved. Wait a moment, then submit.';
      dispatch({ type: 'submitting', value: true });
      void submitPractice(attempt.id).then((r) => {
        if (r.ok) onEnded(r.data);
        else dispatch({ type: 'submitting', value: false, error: r.error.message });
      });
      return null;
    },
    stop() {
      stopped = true;
      if (endTimer) clearTimeout(endTimer);
    },
  };
}
