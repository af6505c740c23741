/**
 * One session from check-in to the end: decides the screen from the server's session status (REST) and the live
 * snapshot (websocket), and owns the exam connection from check-in on.
 */
import { useCallback, useEffect, useState } from 'react';
import { acknowledgeHandbook, checkIn, decideCamera, listMySessions, ENDED_STATES, getCamera, getSession, startExam, type SessionCamera, type SessionStatus } from './api.ts';
import { CameraConsent, CheckIn, Instructions, Rules, ScreenHeading, WaitingRoom } from './before-exam.tsx';
import { useSeatCamera } from './use-seat-camera.ts';
import { endMessage, connectionText, queueText, TIME_UP_MESSAGE } from './exam-state.ts';
import { ExamScreen } from './exam-screen.tsx';
import { useExamController, useExamState } from './use-exam.ts';

/** How often the waiting room asks the server, besides listening on the socket. */
export const WAITING_POLL_MS = 3000;

export function TakeExam({ sessionId, moduleTitle: knownTitle, onShowReport, onBack }: { sessionId: string; moduleTitle?: string; onShowReport: () => void; onBack: () => void }) {
  const [status, setStatus] = useState<SessionStatus | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    const r = await getSession(sessionId);
    if (r.ok) {
      setStatus(r.data);
      setLoadError(null);
    } else if (r.status !== 0) setLoadError(r.error.message);
    return r;
  }, [sessionId]);

  // The status has no module title; the candidate's session list has it.
  const [listedTitle, setListedTitle] = useState<string | null>(null);
  useEffect(() => {
    void refresh();
    void listMySessions().then((r) => r.ok && setListedTitle(r.data.find((x) => x.id === sessionId)?.moduleTitle ?? null));
  }, [refresh, sessionId]);

  const state = status?.state;
  const ended = state ? ENDED_STATES.includes(state) : false;
  const connect = !!status && state !== 'scheduled' && !ended;
  // Once open, the connection stays for the life of this screen (it shows the end and hears result-ready).
  const [opened, setOpened] = useState(false);
  useEffect(() => {
    if (connect) setOpened(true);
  }, [connect]);
  const controller = useExamController(sessionId, connect || opened, status?.scheduledAt ?? null);
  const exam = useExamState(controller);

  // Waiting room: the socket's snapshot (admitted, started) says something changed; polling is the fallback.
  const snapshots = exam?.snapshots ?? 0;
  const waiting = state === 'checked_in' && !status?.admitted;
  useEffect(() => {
    if (snapshots > 0) void refresh();
  }, [snapshots, refresh]);
  useEffect(() => {
    if (!waiting) return;
    const t = setInterval(() => void refresh(), WAITING_POLL_MS);
    return () => clearInterval(t);
  }, [waiting, refresh]);

  // The live exam says it started or ended: follow it.
  const liveState = exam?.session?.state;
  useEffect(() => {
    if (liveState && liveState !== state && (liveState === 'in_progress' || liveState === 'paused')) void refresh();
  }, [liveState, state, refresh]);

  // Submitted: straight to the score report.
  const endReason = exam?.ended?.reason;
  useEffect(() => {
    if (endReason === 'submitted') onShowReport();
  }, [endReason, onShowReport]);

  // Reloaded after the end: the report page explains how it ended.
  useEffect(() => {
    if (ended && !exam?.ended) onShowReport();
  }, [ended, exam?.ended, onShowReport]);

  // The exam runs but the form has not arrived (a missed push): ask again.
  const started = (state === 'in_progress' || state === 'paused') && !!exam && exam.items.length === 0 && !exam.paused && exam.connection === 'connected';
  useEffect(() => {
    if (!started || !controller) return;
    const t = setTimeout(() => controller.reconnect(), 4000);
    return () => clearTimeout(t);
  }, [started, controller]);

  async function act(fn: () => Promise<{ ok: boolean; error?: { message: string } }>) {
    setBusy(true);
    setActionError(null);
    const r = await fn();
    if (!r.ok) setActionError(r.error?.message ?? 'Something went wrong.');
    await refresh();
    setBusy(false);
  }

  // The seat camera (#17.11): asked once the candidate is admitted; captures while the exam runs, if consented. Asked
  // again when a proctor reopens the decision (pushed on the socket); re-read on each snapshot too, so a reconnect
  // after a missed push still asks.
  const [camera, setCamera] = useState<SessionCamera | null>(null);
  const admittedAndRead = state === 'checked_in' && !!status?.admitted && !!status?.handbookAcknowledged;
  const live = state === 'in_progress' || state === 'paused';
  const reopened = exam?.cameraReopened ?? 0;
  useEffect(() => {
    if (!admittedAndRead && !live) return;
    let current = true;
    // Reopened: stop the stills at once, before the server's answer arrives.
    if (reopened) setCamera((c) => c && { ...c, consent: null, decidedAt: null });
    // Unreachable server: go on without the camera step rather than block the exam (the proctor sees no decision).
    void getCamera(sessionId).then((r) => current && setCamera(r.ok ? r.data : { enabled: false, intervalSeconds: 0, maxBytes: 0, consent: null, decidedAt: null }));
    return () => {
      current = false;
    };
  }, [admittedAndRead, live, sessionId, reopened, snapshots]);
  const capturing = !!camera?.enabled && camera.consent === 'given' && state === 'in_progress' && !!exam && !exam.paused && !exam.ended;
  useSeatCamera(sessionId, capturing ? camera : null);

  const decide = (consent: boolean) =>
    void act(async () => {
      const r = await decideCamera(sessionId, consent);
      if (r.ok) setCamera(r.data);
      return r;
    });

  const title = exam?.session?.moduleTitle ?? knownTitle ?? listedTitle ?? status?.module ?? 'Exam';

  if (exam?.ended) return <Ended reason={exam.ended.reason} message={endMessage(exam.ended)} notices={exam.notices.map((n) => n.text)} onShowReport={onShowReport} />;
  if (loadError)
    return (
      <section className="card" aria-labelledby="load-error">
        <ScreenHeading id="load-error">This exam cannot be opened</ScreenHeading>
        <p role="alert" className="error">
          {loadError}
        </p>
        <div>
          <button type="button" onClick={onBack}>
            Back to my exams
          </button>
        </div>
      </section>
    );
  if (!status) return <Loading text="Loading your exam…" />;

  switch (status.state) {
    case 'scheduled':
      return <CheckIn status={status} moduleTitle={title} busy={busy} error={actionError} onCheckIn={() => void act(() => checkIn(sessionId))} />;
    case 'checked_in':
      if (!status.admitted) return <WaitingRoom moduleTitle={title} connection={connectionText(exam?.connection ?? 'connecting')} />;
      if (!status.handbookAcknowledged) return <Rules busy={busy} error={actionError} onAcknowledge={(v) => void act(() => acknowledgeHandbook(sessionId, v))} />;
      if (!camera) return <Loading text="Loading…" />;
      if (camera.enabled && camera.consent === null) return <CameraConsent intervalSeconds={camera.intervalSeconds} busy={busy} error={actionError} onDecide={decide} />;
      return <Instructions status={status} busy={busy} error={actionError} queue={exam?.queue ? queueText(exam.queue) : null} onStart={() => void act(() => startExam(sessionId))} />;
    case 'in_progress':
    case 'paused':
      // Paused: the frame and the pause notice, but no question (none is sent while paused).
      if (!exam || !controller || (exam.items.length === 0 && !exam.paused)) return <Loading text={exam?.queue ? `Loading your questions… ${queueText(exam.queue)}.` : 'Loading your questions…'} />;
      return <ExamScreen state={exam} controller={controller} panel={camera?.enabled && camera.consent === null ? <CameraConsent inExam intervalSeconds={camera.intervalSeconds} busy={busy} error={actionError} onDecide={decide} /> : null} />;
    default:
      return <Loading text="Opening your score report…" />;
  }
}

function Loading({ text }: { text: string }) {
  return (
    <p className="loading" role="status">
      <span className="spinner" aria-hidden="true" /> {text}
    </p>
  );
}

/** The end screen: how the exam ended, any notices, and the way to the score report. */
export function Ended({ reason, message, notices, onShowReport }: { reason: string | null; message: string; notices: string[]; onShowReport: () => void }) {
  const heading = reason === 'expired' ? 'Time is up' : reason === 'terminated' ? 'Your exam was ended' : 'Your exam has ended';
  return (
    <section className="card" aria-labelledby="ended-title">
      <ScreenHeading id="ended-title">{heading}</ScreenHeading>
      <p className={`banner ${reason === 'terminated' ? 'error' : 'info'}`} data-testid="end-notice">
        {reason === 'expired' ? TIME_UP_MESSAGE : message}
      </p>
      {notices.map((n) => (
        <p key={n} className="banner warning">
          {n}
        </p>
      ))}
      <div>
        <button type="button" onClick={onShowReport}>
          See your score report
        </button>
      </div>
    </section>
  );
}
