/** The screens before the clock starts: check in, the waiting room, the candidate rules, instructions and practice. */
import { formatZoned } from '../../lib/zoned-time.ts';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { spokenDuration } from '../../lib/clock-offset.ts';
import { getHandbook, type Handbook, type SessionStatus } from './api.ts';
import { ShortcutList } from './shortcut-list.tsx';

/** The screen's main heading takes focus when the screen appears, so keyboard and screen-reader users start there. */
export function ScreenHeading({ children, id }: { children: React.ReactNode; id?: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <h1 ref={ref} tabIndex={-1} id={id}>
      {children}
    </h1>
  );
}

function when(iso: string, zone: string) {
  return formatZoned(iso, zone, 'long-date-time');
}

export function CheckIn({ status, moduleTitle, busy, error, onCheckIn }: { status: SessionStatus; moduleTitle: string; busy: boolean; error: string | null; onCheckIn: () => void }) {
  return (
    <section className="card" aria-labelledby="check-in-title">
      <ScreenHeading id="check-in-title">Check in: {moduleTitle}</ScreenHeading>
      <p>
        Scheduled for <strong>{when(status.scheduledAt, status.timeZone)}</strong>. Time allowed: <strong>{spokenDuration(status.time.remainingMs)}</strong>
        {status.timeMultiplier > 1 ? ` (includes your approved extra time)` : ''}.
      </p>
      <p>Check in when you are seated at your workstation. The proctor then checks your photo ID and admits you.</p>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div>
        <button type="button" onClick={onCheckIn} disabled={busy}>
          {busy ? 'Checking in…' : 'Check in'}
        </button>
      </div>
    </section>
  );
}

export function WaitingRoom({ moduleTitle, connection }: { moduleTitle: string; connection: string }) {
  return (
    <section className="card" aria-labelledby="waiting-title">
      <ScreenHeading id="waiting-title">Waiting for the proctor</ScreenHeading>
      <p>
        You are checked in for <strong>{moduleTitle}</strong>. Have your photo ID ready: the proctor checks it and admits you. This page moves on by
        itself.
      </p>
      <p className="waiting" role="status">
        <span className="spinner" aria-hidden="true" /> Waiting to be admitted… <span className="muted">({connection})</span>
      </p>
    </section>
  );
}

export function Rules({ onAcknowledge, busy, error }: { onAcknowledge: (version: string) => void; busy: boolean; error: string | null }) {
  const [handbook, setHandbook] = useState<Handbook | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [agreed, setAgreed] = useState(false);
  const [tried, setTried] = useState(false);
  useEffect(() => {
    void getHandbook().then((r) => (r.ok ? setHandbook(r.data) : setLoadError(r.error.message)));
  }, []);
  function submit(e: FormEvent) {
    e.preventDefault();
    setTried(true);
    if (handbook && agreed) onAcknowledge(handbook.version);
  }
  return (
    <section className="card" aria-labelledby="rules-title">
      <ScreenHeading id="rules-title">Candidate rules</ScreenHeading>
      <p>You are admitted. Read the rules for this exam and confirm that you will follow them.</p>
      {loadError && (
        <p role="alert" className="error">
          {loadError}
        </p>
      )}
      {handbook && (
        <form onSubmit={submit} className="stack" noValidate>
          <ol className="rules">
            {handbook.sections.map((s) => (
              <li key={s.title}>
                <h2>{s.title}</h2>
                <p>{s.text}</p>
              </li>
            ))}
          </ol>
          <p className="muted">Rules version {handbook.version}. Your confirmation is recorded with this version and the time.</p>
          <label className="check">
            <input type="checkbox" checked={agreed} onChange={(e) => setAgreed(e.target.checked)} aria-describedby={tried && !agreed ? 'agree-error' : undefined} />
            I have read these rules and I will follow them.
          </label>
          {tried && !agreed && (
            <p id="agree-error" className="error" role="alert">
              Tick the box to confirm that you have read the rules.
            </p>
          )}
          {error && (
            <p role="alert" className="error">
              {error}
            </p>
          )}
          <div>
            <button type="submit" disabled={busy}>
              {busy ? 'Saving…' : 'Confirm and continue'}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

const PRACTICE = {
  stem: 'Practice: which key flags the current question for review?',
  options: ['N', 'F', 'P', 'R'],
  correct: 1,
};

export function Instructions({ status, busy, error, queue, onStart }: { status: SessionStatus; busy: boolean; error: string | null; queue: string | null; onStart: () => void }) {
  const [choice, setChoice] = useState<number | null>(null);
  const [checked, setChecked] = useState(false);
  return (
    <section className="card" aria-labelledby="instructions-title">
      <ScreenHeading id="instructions-title">Instructions</ScreenHeading>
      <ul>
        <li>
          You have <strong>{spokenDuration(status.time.remainingMs)}</strong>. The clock starts when you select <em>Start the exam</em> and is kept by the
          server; it keeps running if you close the window.
        </li>
        <li>Each question has one correct answer. Choose one option; you can change it until you submit. Unanswered questions score as incorrect.</li>
        <li>Flag a question to come back to it. The review screen lists unanswered and flagged questions.</li>
        <li>Answers are saved as you go. The status bar shows whether every answer is saved and whether you are connected.</li>
      </ul>
      <h2>Keyboard shortcuts</h2>
      <ShortcutList />

      <section className="practice" aria-labelledby="practice-title">
        <h2 id="practice-title">
          Practice question <span className="tag">Not scored</span>
        </h2>
        <p className="muted">This question only shows how answering works. It is not part of your exam and is not sent to the server.</p>
        <fieldset className="question">
          <legend className="stem">{PRACTICE.stem}</legend>
          <div className="options">
            {PRACTICE.options.map((o, i) => (
              <label key={o} className={`option${choice === i ? ' checked' : ''}`}>
                <input
                  type="radio"
                  name="practice"
                  checked={choice === i}
                  onChange={() => {
                    setChoice(i);
                    setChecked(false);
                  }}
                />
                <span className="option-letter">{String.fromCharCode(65 + i)}</span>
                <span className="option-text">{o}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <div className="row">
          <button type="button" className="secondary" onClick={() => setChecked(true)} disabled={choice === null}>
            Check my practice answer
          </button>
        </div>
        <p role="status" className="practice-feedback">
          {checked && choice !== null ? (choice === PRACTICE.correct ? 'Correct: F flags the question.' : 'Not quite: F flags the question. N is next, P previous, R review.') : ''}
        </p>
      </section>

      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div>
        <button type="button" onClick={onStart} disabled={busy}>
          {busy ? 'Starting…' : 'Start the exam'}
        </button>
      </div>
      {/* In a start storm the start waits its turn (#18); the region is always there so each new place is announced. */}
      <p role="status" aria-live="polite" className="queue-place" data-testid="start-queue">
        {busy && queue ? `${queue}. Your exam starts by itself; keep this page open.` : ''}
      </p>
    </section>
  );
}

/**
 * The seat camera's consent step (#17.11), before the instructions when the test center has the camera on. Either
 * answer is recorded with the time; declining does not stop the exam: the proctor is told and decides.
 * `inExam`: a proctor reopened the decision during the exam; the same question is a panel above the question, not a
 * screen: the clock keeps running and the candidate may go on answering (no focus is taken from the question; the
 * live region announces it), as a proctor in the room would ask without stopping the exam.
 */
export function CameraConsent({ intervalSeconds, busy, error, onDecide, inExam = false }: { intervalSeconds: number; busy: boolean; error: string | null; onDecide: (consent: boolean) => void; inExam?: boolean }) {
  const facts = (
    <>
      <p>This test center watches its seats with the workstation's camera during exams.</p>
      <ul>
        <li>
          If you agree, the exam takes a still photo with the camera every <strong>{intervalSeconds} seconds</strong> while your exam runs (none while it is
          paused). No sound and no video are recorded.
        </li>
        <li>The photos are seen only by the proctors of this test center and by the program's administrators, and are deleted after the center's retention period.</li>
        <li>If you do not agree, no photo is taken. The proctor is told and decides how your exam goes on (for example, with a proctor watching your seat).</li>
      </ul>
      <p className="muted">Your answer is recorded with the time. Your browser may ask you to allow the camera.</p>
    </>
  );
  const answer = (
    <>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="row">
        <button type="button" onClick={() => onDecide(true)} disabled={busy}>
          I agree to the seat camera
        </button>
        <button type="button" className="secondary" onClick={() => onDecide(false)} disabled={busy}>
          I do not agree
        </button>
      </div>
    </>
  );
  // In the exam the panel sits above the question: the answer first, the same facts one click (or Enter) away.
  if (inExam)
    return (
      <section className="card camera-reask" aria-labelledby="camera-title" data-testid="camera-reask">
        <h2 id="camera-title">Seat camera: please answer again</h2>
        <p>
          The proctor asks you to decide again about the seat camera (a still photo every <strong>{intervalSeconds} seconds</strong>, no sound or video). Your exam
          clock keeps running: answer when you are ready and go on with your exam.
        </p>
        {answer}
        <details>
          <summary>What the seat camera does</summary>
          {facts}
        </details>
      </section>
    );
  return (
    <section className="card" aria-labelledby="camera-title">
      <ScreenHeading id="camera-title">Seat camera</ScreenHeading>
      {facts}
      {answer}
    </section>
  );
}
