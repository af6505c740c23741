/**
 * The exam itself: one question at a time, the palette, flag, previous/next, review and submit, the clock, the save
 * and connection status, and the overlays (pause, another window, sign-in lost). Everything the candidate does is
 * applied on screen at once from memory; the controller saves it in the background.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { Dialog } from '../../components/ui/dialog.tsx';
import { CredentialFields } from '../../components/credential-fields.tsx';
import { LiveRegion } from '../../components/ui/live-region.tsx';
import { api } from '../../lib/api-client.ts';
import { Countdown } from './countdown.tsx';
import type { ExamController } from './exam-controller.ts';
import { reviewOf, type ExamState } from './exam-state.ts';
import { QuestionPalette } from './question-palette.tsx';
import { ShortcutList } from './shortcut-list.tsx';
import { shortcutFor } from './shortcuts.ts';
import { SaveStatus } from './status-bar.tsx';

const LETTERS = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'];

export function ExamScreen({ state, controller }: { state: ExamState; controller: ExamController }) {
  const [view, setView] = useState<'question' | 'review'>('question');
  const [confirming, setConfirming] = useState(false);
  const [showHelp, setShowHelp] = useState(false);
  const questionRef = useRef<HTMLDivElement>(null);
  const reviewHeadingRef = useRef<HTMLHeadingElement>(null);
  const item = state.items[state.current];
  const total = state.items.length;

  const go = useCallback(
    (i: number) => {
      setView('question');
      controller.go(i);
    },
    [controller],
  );
  const openReview = useCallback(() => setView('review'), []);

  // Keep focus somewhere sensible when the focused option disappears with its question.
  useEffect(() => {
    if (view !== 'question') return;
    const a = document.activeElement;
    if (!a || a === document.body) questionRef.current?.focus();
  }, [state.current, view]);
  useEffect(() => {
    if (view === 'review') reviewHeadingRef.current?.focus();
  }, [view]);

  // Keyboard shortcuts (never while typing in a field or while a dialog is open).
  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (e.defaultPrevented || document.querySelector('[aria-modal="true"]')) return;
      const action = shortcutFor(e);
      if (!action) return;
      const s = controller.getState();
      const it = s.items[s.current];
      switch (action.type) {
        case 'option': {
          if (view !== 'question' || !it) return;
          const opt = it.options[action.index];
          if (!opt) return;
          controller.answer(it.itemId, opt.id);
          break;
        }
        case 'next':
          if (s.current + 1 < s.items.length) go(s.current + 1);
          else openReview();
          break;
        case 'prev':
          if (view === 'review') go(s.current);
          else if (s.current > 0) go(s.current - 1);
          break;
        case 'flag':
          if (view !== 'question' || !it) return;
          controller.flag(it.itemId, !s.flags[it.itemId]);
          break;
        case 'review':
          openReview();
          break;
      }
      e.preventDefault();
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [controller, view, go, openReview]);

  // Testing-center signals for the proctor.
  useEffect(() => {
    const blur = () => controller.signal('focus-lost');
    const focus = () => controller.signal('focus-regained');
    const visibility = () => controller.signal(document.visibilityState === 'hidden' ? 'page-hidden' : 'page-visible');
    const fullscreen = () => controller.signal(document.fullscreenElement ? 'fullscreen-enter' : 'fullscreen-exit');
    window.addEventListener('blur', blur);
    window.addEventListener('focus', focus);
    document.addEventListener('visibilitychange', visibility);
    document.addEventListener('fullscreenchange', fullscreen);
    return () => {
      window.removeEventListener('blur', blur);
      window.removeEventListener('focus', focus);
      document.removeEventListener('visibilitychange', visibility);
      document.removeEventListener('fullscreenchange', fullscreen);
    };
  }, [controller]);

  const block = (e: React.SyntheticEvent) => e.preventDefault();
  const review = reviewOf(state);
  const flagged = item ? !!state.flags[item.itemId] : false;

  return (
    <div className="exam">
      <div className="exam-bar">
        <div className="exam-title">
          <strong>{state.session?.moduleTitle ?? 'Exam'}</strong>
          <span className="muted"> · {review.answered} of {total} answered</span>
        </div>
        <Countdown time={state.time} offsetMs={controller.offsetMs} paused={!!state.paused} />
        <SaveStatus pendingAnswers={state.pendingAnswers} connection={state.connection} persistent={controller.outboxPersistent} />
        <div className="exam-tools">
          <FullscreenButton />
          <button type="button" className="secondary" aria-expanded={showHelp} aria-controls="shortcut-help" onClick={() => setShowHelp((v) => !v)}>
            Keyboard shortcuts
          </button>
        </div>
      </div>
      {showHelp && <ShortcutHelp />}
      <LiveRegion message={state.announcement} />
      {state.warning !== null && !state.ended && (
        <p className="banner warn" data-testid="time-warning">
          <strong>Time warning:</strong> {state.warning === 1 ? '1 minute' : `${state.warning} minutes`} left.
        </p>
      )}
      {state.notices.length > 0 && (
        <ul className="notices" aria-label="Notices">
          {state.notices.map((n) => (
            <li key={n.id} className={`banner ${n.tone}`}>
              <span>{n.text}</span>
              <button type="button" className="link" onClick={() => controller.dismiss(n.id)} aria-label={`Dismiss: ${n.text}`}>
                Dismiss
              </button>
            </li>
          ))}
        </ul>
      )}

      <div className="exam-body" onCopy={block} onCut={block} onPaste={block} onContextMenu={block}>
        {view === 'question' && item ? (
          <section className="question-panel" aria-labelledby="question-number">
            <div ref={questionRef} tabIndex={-1} className="question-focus">
              <h1 id="question-number" className="question-number">
                Question {state.current + 1} of {total}
                {flagged && <span className="tag flag-tag"> Flagged for review</span>}
              </h1>
              <fieldset key={item.itemId} className="question">
                <legend className="stem" data-testid="stem">
                  {item.stem}
                </legend>
                <div className="options">
                  {item.options.map((o, i) => {
                    const checked = state.answers[item.itemId] === o.id;
                    return (
                      <label key={o.id} className={`option${checked ? ' checked' : ''}`}>
                        <input type="radio" name={`q-${item.itemId}`} value={o.id} checked={checked} onChange={() => controller.answer(item.itemId, o.id)} />
                        <span className="option-letter">{LETTERS[i]}</span>
                        <span className="option-text">{o.text}</span>
                      </label>
                    );
                  })}
                </div>
              </fieldset>
            </div>
            <div className="question-actions">
              <button type="button" className="secondary" onClick={() => go(state.current - 1)} disabled={state.current === 0} aria-keyshortcuts="P">
                Previous
              </button>
              <button type="button" className={`secondary${flagged ? ' pressed' : ''}`} aria-pressed={flagged} onClick={() => controller.flag(item.itemId, !flagged)} aria-keyshortcuts="F">
                Flag for review
              </button>
              <button type="button" className="secondary" onClick={() => controller.answer(item.itemId, null)} disabled={!state.answers[item.itemId]}>
                Clear answer
              </button>
              {state.current + 1 < total ? (
                <button type="button" onClick={() => go(state.current + 1)} aria-keyshortcuts="N">
                  Next
                </button>
              ) : (
                <button type="button" onClick={openReview} aria-keyshortcuts="N">
                  Review answers
                </button>
              )}
            </div>
          </section>
        ) : (
          <ReviewPanel headingRef={reviewHeadingRef} review={review} onGo={go} onSubmit={() => setConfirming(true)} onBack={() => go(state.current)} />
        )}
        <aside className="side">
          <QuestionPalette items={state.items} answers={state.answers} flags={state.flags} current={view === 'question' ? state.current : -1} onGo={go} />
          <button type="button" className="secondary review-btn" onClick={openReview} aria-keyshortcuts="R">
            Review and submit
          </button>
        </aside>
      </div>

      {confirming && !state.paused && <SubmitDialog state={state} controller={controller} unanswered={review.unanswered.length} onCancel={() => setConfirming(false)} />}
      {state.paused && <PauseOverlay reason={state.paused.reason} />}
      {state.replaced && !state.paused && <ReplacedDialog onContinue={() => controller.reconnect()} />}
      {state.authLost && <SignInAgainDialog onSignedIn={() => controller.reconnect()} />}
    </div>
  );
}

function ShortcutHelp() {
  return (
    <section id="shortcut-help" className="card shortcut-help" aria-labelledby="shortcut-title">
      <h2 id="shortcut-title">Keyboard shortcuts</h2>
      <p className="muted">They work anywhere on the exam screen except while you type in a text field.</p>
      <ShortcutList />
    </section>
  );
}

function FullscreenButton() {
  const [on, setOn] = useState(() => typeof document !== 'undefined' && !!document.fullscreenElement);
  useEffect(() => {
    const f = () => setOn(!!document.fullscreenElement);
    document.addEventListener('fullscreenchange', f);
    return () => document.removeEventListener('fullscreenchange', f);
  }, []);
  if (typeof document === 'undefined' || !document.fullscreenEnabled) return null;
  return (
    <button type="button" className="secondary" onClick={() => void (on ? document.exitFullscreen() : document.documentElement.requestFullscreen()).catch(() => {})}>
      {on ? 'Exit full screen' : 'Enter full screen'}
    </button>
  );
}

function ReviewPanel(props: {
  review: ReturnType<typeof reviewOf>;
  onGo: (i: number) => void;
  onSubmit: () => void;
  onBack: () => void;
  headingRef: React.RefObject<HTMLHeadingElement | null>;
}) {
  const { review } = props;
  return (
    <section className="review-panel" aria-labelledby="review-title">
      <h1 id="review-title" ref={props.headingRef} tabIndex={-1}>
        Review your answers
      </h1>
      <p>
        You answered <strong>{review.answered}</strong> of {review.total} questions. <strong>{review.unanswered.length}</strong> unanswered, <strong>{review.flagged.length}</strong> flagged for review.
      </p>
      <div className="review-lists">
        <section aria-labelledby="unanswered-title">
          <h2 id="unanswered-title">Unanswered ({review.unanswered.length})</h2>
          {review.unanswered.length === 0 ? (
            <p className="muted">Every question has an answer.</p>
          ) : (
            <ul className="jump-list">
              {review.unanswered.map((i) => (
                <li key={i}>
                  <button type="button" className="link" onClick={() => props.onGo(i)}>
                    Go to question {i + 1}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section aria-labelledby="flagged-title">
          <h2 id="flagged-title">Flagged for review ({review.flagged.length})</h2>
          {review.flagged.length === 0 ? (
            <p className="muted">No question is flagged.</p>
          ) : (
            <ul className="jump-list">
              {review.flagged.map((i) => (
                <li key={i}>
                  <button type="button" className="link" onClick={() => props.onGo(i)}>
                    Go to question {i + 1}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
      <div className="question-actions">
        <button type="button" className="secondary" onClick={props.onBack}>
          Back to the questions
        </button>
        <button type="button" onClick={props.onSubmit}>
          Submit exam…
        </button>
      </div>
    </section>
  );
}

function SubmitDialog({ state, controller, unanswered, onCancel }: { state: ExamState; controller: ExamController; unanswered: number; onCancel: () => void }) {
  const [waiting, setWaiting] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const offline = state.connection !== 'connected';

  const trySubmit = useCallback(() => {
    const why = controller.submit();
    if (why === null) {
      setWaiting(false);
      setProblem(null);
      return;
    }
    setWaiting(true);
    setProblem(why);
  }, [controller]);

  // Submits by itself once the last answer is saved (the candidate has already confirmed).
  useEffect(() => {
    if (waiting && !state.submitting && state.pendingTotal === 0 && state.connection === 'connected') trySubmit();
  }, [waiting, state.pendingTotal, state.connection, state.submitting, trySubmit]);

  return (
    <Dialog title="Submit your exam?" onClose={state.submitting ? undefined : onCancel} initialFocus={confirmRef}>
      <p>{unanswered === 0 ? 'Every question has an answer.' : `You have ${unanswered} unanswered question${unanswered === 1 ? '' : 's'}. Unanswered questions are scored as incorrect.`}</p>
      <p>After you submit, you cannot change your answers.</p>
      {state.pendingAnswers > 0 && (
        <p className="banner warning" role="status">
          {state.pendingAnswers} answer{state.pendingAnswers === 1 ? ' is' : 's are'} not saved yet.{' '}
          {offline ? 'You are offline: you cannot submit until the connection is back. Your answers are kept on this computer.' : 'Saving them now…'}
        </p>
      )}
      {waiting && problem && state.pendingAnswers === 0 && <p className="banner warning" role="status">{problem}</p>}
      {state.submitError && <p className="banner error" role="alert">{state.submitError}</p>}
      <div className="dialog-actions">
        <button type="button" className="secondary" onClick={onCancel} disabled={state.submitting}>
          Return to review
        </button>
        <button type="button" ref={confirmRef} onClick={trySubmit} disabled={state.submitting || waiting}>
          {state.submitting ? 'Submitting…' : waiting ? 'Waiting to submit…' : 'Submit exam now'}
        </button>
      </div>
    </Dialog>
  );
}

function PauseOverlay({ reason }: { reason: string }) {
  return (
    <Dialog title="Exam paused" role="alertdialog" className="pause">
      <p>
        The proctor paused your exam{reason.startsWith('disconnected') ? ' because the connection was lost' : ''}. The clock is stopped and your answers are kept.
      </p>
      {!reason.startsWith('disconnected') && (
        <p>
          Reason: <strong>{reason}</strong>
        </p>
      )}
      <p>Please stay at your seat. The exam continues when the proctor resumes it.</p>
    </Dialog>
  );
}

function ReplacedDialog({ onContinue }: { onContinue: () => void }) {
  return (
    <Dialog title="This exam is open in another window" role="alertdialog">
      <p>Your exam was opened in another window or on another computer, so this window stopped. Only one window can run the exam.</p>
      <div className="dialog-actions">
        <button type="button" onClick={onContinue}>
          Continue in this window
        </button>
      </div>
    </Dialog>
  );
}

function SignInAgainDialog({ onSignedIn }: { onSignedIn: () => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  async function submit(e: React.FormEvent) {
    e.preventDefault();
    const r = await api('POST', '/api/auth/login', { username, password });
    if (r.ok) onSignedIn();
    else setError(r.error.message);
  }
  return (
    <Dialog title="Sign in again to continue" role="alertdialog">
      <p>Your sign-in has expired. Your answers are kept on this computer and are saved as soon as you sign in again.</p>
      <form onSubmit={submit} className="stack">
        <CredentialFields username={username} password={password} onUsername={setUsername} onPassword={setPassword} />
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit">Sign in</button>
      </form>
    </Dialog>
  );
}
