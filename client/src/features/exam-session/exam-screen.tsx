/**
 * The exam itself: one question at a time, the palette, flag, previous/next, review and submit, the clock, the save
 * and connection status, and the overlays (pause, another window, sign-in lost). Everything the candidate does is
 * applied on screen at once from memory; the controller saves it in the background.
 */
import { lazy, Suspense, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { Dialog } from '../../components/ui/dialog.tsx';
import { CredentialFields } from '../../components/credential-fields.tsx';
import { LiveRegion } from '../../components/ui/live-region.tsx';
import { api } from '../../lib/api-client.ts';
import { TEXT_SIZES, useReading, useTheme } from '../../lib/preferences.ts';
import { getTools } from './api.ts';
import type { CalculatorMode } from './calculator-engine.ts';
import { addHighlight, clearHighlights, loadMarks, saveMarks, segments, toggleStrike, type CandidateMarks } from './candidate-tools.ts';
import { Countdown } from './countdown.tsx';
import { BreakOverlay, ScheduledBreakSlot, UnscheduledBreakDialog } from './break-screen.tsx';
import type { ExamController } from './exam-controller.ts';
import { reviewOf, type ExamState } from './exam-state.ts';
import { imageUrl, ItemImage } from './item-image.tsx';
import type { CandidateImage } from '../../../../shared/protocol/session-protocol.ts';
import { QuestionPalette } from './question-palette.tsx';
import { ShortcutList } from './shortcut-list.tsx';
import { shortcutFor } from './shortcuts.ts';
import { SaveStatus } from './status-bar.tsx';

const LETTERS = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'];

/** The calculator's code loads only when a candidate opens it (the exam route stays small). */
const Calculator = lazy(() => import('./calculator.tsx'));

function browserStorage() {
  try {
    return localStorage;
  } catch {
    return null;
  }
}

/** Struck-out options and stem highlights, per session, kept in the browser across reloads. */
function useMarks(sessionId: string): [CandidateMarks, (f: (m: CandidateMarks) => CandidateMarks) => void] {
  const [marks, setMarks] = useState(() => {
    const store = browserStorage();
    return store ? loadMarks(store, sessionId) : { struck: {}, highlights: {} };
  });
  const update = useCallback(
    (f: (m: CandidateMarks) => CandidateMarks) =>
      setMarks((m) => {
        const next = f(m);
        const store = browserStorage();
        if (store && next !== m) saveMarks(store, sessionId, next);
        return next;
      }),
    [sessionId],
  );
  return [marks, update];
}

/** The [start, end) offsets of the current text selection inside `root`, or null when nothing there is selected. */
function selectionOffsets(root: HTMLElement | null): [number, number] | null {
  const sel = window.getSelection();
  if (!root || !sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
  const r = sel.getRangeAt(0);
  if (!root.contains(r.startContainer) || !root.contains(r.endContainer)) return null;
  const before = document.createRange();
  before.selectNodeContents(root);
  before.setEnd(r.startContainer, r.startOffset);
  const start = before.toString().length;
  return [start, start + r.toString().length];
}

/** What the screen needs of its controller: the exam's (over the socket) or a practice test's (over HTTP). */
export type ExamScreenController = Pick<ExamController, 'getState' | 'subscribe' | 'offsetMs' | 'outboxPersistent' | 'reconnect' | 'dismiss' | 'answer' | 'flag' | 'go' | 'signal' | 'submit'> &
  /** Only a live exam has a proctor to raise a hand to or hear from. */
  Partial<Pick<ExamController, 'raiseHand' | 'dismissMessage' | 'takeBreak' | 'endBreak'>> & {
    /** Where an item's picture is fetched; the exam's session media route when left out. */
    mediaUrl?: (image: CandidateImage) => string;
  };

/** `panel`: a non-blocking panel among the exam's messages (the seat camera asked again, #17.11); the exam goes on under it. */
export function ExamScreen({ state, controller, panel }: { state: ExamState; controller: ExamScreenController; panel?: React.ReactNode }) {
  const [view, setView] = useState<'question' | 'review'>('question');
  const [confirming, setConfirming] = useState(false);
  const [showHelp, setShowHelp] = useState(false);
  const [showTools, setShowTools] = useState(false);
  const [askBreak, setAskBreak] = useState(false);
  const [breakError, setBreakError] = useState<string | null>(null);
  const takeBreak = (kind: 'scheduled' | 'unscheduled') => {
    setAskBreak(false);
    const why = controller.takeBreak?.(kind) ?? null;
    if (why) setBreakError(why);
  };
  const onBreak = !!state.paused?.break;
  useEffect(() => setBreakError(null), [onBreak]);
  const [reading, setReading] = useReading();
  const [marks, updateMarks] = useMarks(state.sessionId);
  const mediaUrl = controller.mediaUrl ?? ((image: CandidateImage) => imageUrl(state.sessionId, image));
  const [calculatorMode, setCalculatorMode] = useState<CalculatorMode>('none');
  const [calculatorOpen, setCalculatorOpen] = useState(false);
  const calculatorButton = useRef<HTMLButtonElement>(null);
  const stemRef = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    void getTools(state.sessionId).then((r) => r.ok && setCalculatorMode(r.data.calculator));
  }, [state.sessionId]);
  const closeCalculator = useCallback(() => {
    setCalculatorOpen(false);
    calculatorButton.current?.focus();
  }, []);
  const highlightSelection = useCallback(() => {
    const it = controller.getState().items[controller.getState().current];
    const at = selectionOffsets(stemRef.current);
    if (!it || !at) return false;
    updateMarks((m) => addHighlight(m, it.itemId, at, it.stem.length));
    window.getSelection()?.removeAllRanges();
    return true;
  }, [controller, updateMarks]);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  const bodyRef = useRef<HTMLDivElement>(null);
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

  // The exam frame: the page itself never scrolls (the app header is hidden), only the question area does.
  useEffect(() => {
    document.documentElement.classList.add('exam-mode');
    return () => document.documentElement.classList.remove('exam-mode');
  }, []);

  // Each new question starts at its top with focus on its heading (WCAG 2.2 SC 2.4.11: never under a sticky bar,
  // since the bars are outside the scrolling area). Not on the first render: the screen's own heading logic runs then.
  const shown = useRef<number | null>(null);
  const paused = !!state.paused;
  useLayoutEffect(() => {
    if (paused) shown.current = null; // on resume the question comes back with focus on its heading
    if (view !== 'question' || paused) return;
    scrollRef.current?.scrollTo({ top: 0 });
    bodyRef.current?.scrollTo({ top: 0 });
    if (shown.current !== state.current && !document.querySelector('[aria-modal="true"]')) headingRef.current?.focus({ preventScroll: true });
    shown.current = state.current;
  }, [state.current, view, paused]);
  useEffect(() => {
    if (view === 'review') {
      scrollRef.current?.scrollTo({ top: 0 });
      reviewHeadingRef.current?.focus({ preventScroll: true });
      shown.current = null;
    }
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
        case 'strike': {
          if (view !== 'question' || !it) return;
          const opt = it.options[action.index];
          if (!opt) return;
          updateMarks((m) => toggleStrike(m, it.itemId, opt.id));
          break;
        }
        case 'highlight':
          if (view !== 'question' || !highlightSelection()) return;
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
  }, [controller, view, go, openReview, updateMarks, highlightSelection]);

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
          <strong>{state.session?.moduleTitle ?? 'Exam'}</strong>{' '}
          <span className="exam-position" data-testid="exam-position">
            {paused ? (state.paused?.break ? 'On a break' : 'Paused') : view === 'question' ? `Question ${state.current + 1} of ${total}` : 'Review'}
          </span>
          <span className="muted exam-answered"> · {review.answered} of {total} answered</span>
        </div>
        {/* A break with the clock running (#17.10) is a pause whose clock still runs: the countdown says so. */}
        <Countdown time={state.time} offsetMs={controller.offsetMs} paused={!!state.paused && !state.time?.running} />
        <SaveStatus pendingAnswers={state.pendingAnswers} connection={state.connection} persistent={controller.outboxPersistent} />
        <div className="exam-tools">
          {calculatorMode !== 'none' && (
            <button type="button" ref={calculatorButton} className="secondary" aria-expanded={calculatorOpen} aria-controls="calculator-slot" onClick={() => setCalculatorOpen((v) => !v)}>
              Calculator
            </button>
          )}
          {controller.raiseHand && (
            <button type="button" className={`secondary${state.handRaised ? ' pressed' : ''}`} aria-pressed={state.handRaised} onClick={() => controller.raiseHand?.()}>
              {state.handRaised ? 'Hand raised' : 'Raise hand'}
            </button>
          )}
          {controller.takeBreak && (
            <button type="button" className="secondary" onClick={() => setAskBreak(true)} disabled={paused || !!state.ended}>
              Break
            </button>
          )}
          <button type="button" className="secondary" aria-expanded={showTools} aria-controls="exam-tools-panel" onClick={() => setShowTools((v) => !v)}>
            Tools
          </button>
        </div>
      </div>
      <LiveRegion message={state.announcement} />
      <div className="exam-messages">
        {showTools && (
          <section id="exam-tools-panel" className="tools-panel" aria-label="Tools">
            <ContrastButton />
            <span className="tool-group" role="group" aria-label="Text size">
              <button type="button" className="secondary" onClick={() => setReading({ ...reading, size: reading.size - 1 })} disabled={reading.size === 0}>
                Smaller text
              </button>
              <span data-testid="text-size">Text {TEXT_SIZES[reading.size]} %</span>
              <button type="button" className="secondary" onClick={() => setReading({ ...reading, size: reading.size + 1 })} disabled={reading.size === TEXT_SIZES.length - 1}>
                Larger text
              </button>
            </span>
            <button type="button" className="secondary" aria-pressed={reading.wideSpacing} onClick={() => setReading({ ...reading, wideSpacing: !reading.wideSpacing })}>
              Wide line spacing
            </button>
            <FullscreenButton />
            <button type="button" className="secondary" aria-expanded={showHelp} aria-controls="shortcut-help" onClick={() => setShowHelp((v) => !v)}>
              Keyboard shortcuts
            </button>
          </section>
        )}
        {state.messages.map((m) => (
          <div key={m.id} className="banner info proctor-message" role="alert" data-testid="proctor-message">
            <span>
              <strong>Message from the proctor{m.scope === 'room' ? ' to the room' : ''}:</strong> {m.text}
            </span>
            <button type="button" className="link" onClick={() => controller.dismissMessage?.(m.id)} aria-label={`Dismiss the message: ${m.text}`}>
              Dismiss
            </button>
          </div>
        ))}
        {panel}
        {controller.takeBreak && <ScheduledBreakSlot state={state} offsetMs={controller.offsetMs} onTake={() => takeBreak('scheduled')} />}
        {breakError && !paused && (
          <p className="banner error" role="alert">
            {breakError}
          </p>
        )}
        {state.handRaised && (
          <p className="banner warn" role="status" data-testid="hand-status">
            Your hand is raised: the proctor has been told and will come to you.
          </p>
        )}
        {showHelp && <ShortcutHelp />}
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
      </div>

      <div className="exam-body" ref={bodyRef} onCopy={block} onCut={block} onPaste={block} onContextMenu={block}>
        <div
          className={`exam-scroll${reading.wideSpacing ? ' wide-spacing' : ''}`}
          ref={scrollRef}
          data-testid="question-scroll"
          style={{ '--reading-scale': (TEXT_SIZES[reading.size] ?? 100) / 100 } as React.CSSProperties}
        >
          {paused ? (
            // Nothing to read while paused (#17.2): the question, its options and the review are not in the page.
            <section className="question-panel paused-panel" aria-labelledby="paused-title" data-testid="paused-panel">
              <h1 id="paused-title" className="question-number">
                {state.paused?.break ? 'On a break' : 'Exam paused'}
              </h1>
              <p>
                {state.paused?.break ? 'The question is hidden during your break.' : 'The question is hidden while the exam is paused.'} It comes back, with your answers, when the exam
                resumes.
              </p>
            </section>
          ) : view === 'question' && item ? (
            <section className="question-panel" aria-labelledby="question-number">
              <h1 id="question-number" ref={headingRef} tabIndex={-1} className="question-number">
                Question {state.current + 1} of {total}
                {flagged && <span className="tag flag-tag"> Flagged for review</span>}
              </h1>
              <fieldset key={item.itemId} className="question">
                <legend className="stem" data-testid="stem">
                  <span ref={stemRef}>
                    {segments(item.stem, marks.highlights[item.itemId]).map((seg) =>
                      seg.marked ? (
                        <mark key={seg.start} className="highlight">
                          {seg.text}
                        </mark>
                      ) : (
                        <span key={seg.start}>{seg.text}</span>
                      ),
                    )}
                  </span>
                </legend>
                {item.image && <ItemImage src={mediaUrl(item.image)} image={item.image} label="picture for this question" />}
                <div className="options">
                  {item.options.map((o, i) => {
                    const checked = state.answers[item.itemId] === o.id;
                    const struck = marks.struck[item.itemId]?.includes(o.id) ?? false;
                    return (
                      <div key={o.id} className={`option-row${struck ? ' struck' : ''}`}>
                        <label className={`option${checked ? ' checked' : ''}`}>
                          <input type="radio" name={`q-${item.itemId}`} value={o.id} checked={checked} onChange={() => controller.answer(item.itemId, o.id)} />
                          <span className="option-letter">{LETTERS[i]}</span>
                          <span className="option-text">
                            {o.text}
                            {o.image && <img className="option-image" src={mediaUrl(o.image)} alt={o.image.alt} />}
                          </span>
                          {struck && <span className="visually-hidden"> (struck out)</span>}
                        </label>
                        {o.image && <ItemImage src={mediaUrl(o.image)} image={o.image} label={`picture of option ${LETTERS[i]}`} inline={false} />}
                        <button
                          type="button"
                          className="strike-btn"
                          aria-pressed={struck}
                          aria-label={`Strike out option ${LETTERS[i]}`}
                          aria-keyshortcuts={`Shift+${LETTERS[i]}`}
                          title={struck ? `Bring back option ${LETTERS[i]}` : `Strike out option ${LETTERS[i]}`}
                          onClick={() => updateMarks((m) => toggleStrike(m, item.itemId, o.id))}
                        >
                          <span aria-hidden="true">{struck ? '↺' : '✕'}</span>
                        </button>
                      </div>
                    );
                  })}
                </div>
              </fieldset>
              <div className="question-tools">
                <button type="button" className="secondary" onClick={() => controller.answer(item.itemId, null)} disabled={!state.answers[item.itemId]}>
                  Clear answer
                </button>
                <button type="button" className="secondary" aria-keyshortcuts="H" onMouseDown={(e) => e.preventDefault()} onClick={() => highlightSelection()}>
                  Highlight selection
                </button>
                {(marks.highlights[item.itemId]?.length ?? 0) > 0 && (
                  <button type="button" className="secondary" onClick={() => updateMarks((m) => clearHighlights(m, item.itemId))}>
                    Clear highlights
                  </button>
                )}
              </div>
            </section>
          ) : (
            <ReviewPanel headingRef={reviewHeadingRef} state={state} review={review} onGo={go} onSubmit={() => setConfirming(true)} onBack={() => go(state.current)} />
          )}
        </div>
        <aside className="side" aria-label="Question navigation and calculator" hidden={paused}>
          <div id="calculator-slot">
            {calculatorOpen && calculatorMode !== 'none' && (
              <Suspense fallback={<p role="status">Opening the calculator…</p>}>
                <Calculator mode={calculatorMode} onClose={closeCalculator} />
              </Suspense>
            )}
          </div>
          <QuestionPalette items={state.items} answers={state.answers} flags={state.flags} current={view === 'question' ? state.current : -1} onGo={go} />
        </aside>
      </div>

      <nav className="exam-actions" aria-label="Exam navigation" hidden={paused}>
        <button type="button" className="secondary" onClick={() => (view === 'review' ? go(state.current) : go(state.current - 1))} disabled={view === 'question' && state.current === 0} aria-keyshortcuts="P">
          Previous
        </button>
        {item && view === 'question' && (
          <button type="button" className={`secondary${flagged ? ' pressed' : ''}`} aria-pressed={flagged} onClick={() => controller.flag(item.itemId, !flagged)} aria-keyshortcuts="F">
            Flag for review
          </button>
        )}
        {view === 'question' && state.current + 1 < total ? (
          <button type="button" onClick={() => go(state.current + 1)} aria-keyshortcuts="N">
            Next
          </button>
        ) : view === 'question' ? (
          <button type="button" onClick={openReview} aria-keyshortcuts="N">
            Review answers
          </button>
        ) : null}
        <button type="button" className="secondary review-btn" onClick={openReview} aria-keyshortcuts="R" aria-pressed={view === 'review'}>
          Review and submit
        </button>
      </nav>

      {confirming && !state.paused && <SubmitDialog state={state} controller={controller} unanswered={review.unanswered.length} onCancel={() => setConfirming(false)} />}
      {state.paused && !state.paused.break && <PauseOverlay reason={state.paused.reason} messages={state.messages} />}
      {state.paused?.break && (
        <BreakOverlay
          current={state.paused.break}
          time={state.time}
          offsetMs={controller.offsetMs}
          error={breakError}
          messages={state.messages}
          onResume={() => setBreakError(controller.endBreak?.() ?? null)}
        />
      )}
      {askBreak && !paused && <UnscheduledBreakDialog onConfirm={() => takeBreak('unscheduled')} onCancel={() => setAskBreak(false)} />}
      {state.replaced && !state.paused && <ReplacedDialog onContinue={() => controller.reconnect()} />}
      {state.authLost && <SignInAgainDialog onSignedIn={() => controller.reconnect()} />}
    </div>
  );
}

/** The high-contrast theme, also reachable during the exam (the app header is hidden there to keep the frame). */
function ContrastButton() {
  const [theme, setTheme] = useTheme();
  return (
    <button type="button" className="secondary" aria-pressed={theme === 'high-contrast'} onClick={() => setTheme(theme === 'high-contrast' ? 'standard' : 'high-contrast')}>
      High contrast
    </button>
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

type ReviewFilter = 'all' | 'unanswered' | 'flagged';

/** The first words of a stem, for the review table (enough to recognise the question). */
export function openingWords(stem: string, words = 10): string {
  const w = stem.trim().split(/\s+/);
  return w.length <= words ? w.join(' ') : `${w.slice(0, words).join(' ')}…`;
}

/**
 * The review screen (#17.4): every question in a table with its status (answered or not, flagged), the opening words
 * of its stem and "go to"; filters for unanswered and flagged; the question the candidate came from is marked.
 */
function ReviewPanel(props: {
  state: ExamState;
  review: ReturnType<typeof reviewOf>;
  onGo: (i: number) => void;
  onSubmit: () => void;
  onBack: () => void;
  headingRef: React.RefObject<HTMLHeadingElement | null>;
}) {
  const { review, state } = props;
  const [filter, setFilter] = useState<ReviewFilter>('all');
  const rows = state.items
    .map((it, i) => ({ it, i, answered: !!state.answers[it.itemId], flagged: !!state.flags[it.itemId] }))
    .filter((r) => filter === 'all' || (filter === 'unanswered' ? !r.answered : r.flagged));
  const filters: [ReviewFilter, string, number][] = [
    ['all', 'All', review.total],
    ['unanswered', 'Unanswered', review.unanswered.length],
    ['flagged', 'Flagged', review.flagged.length],
  ];
  return (
    <section className="review-panel" aria-labelledby="review-title">
      <h1 id="review-title" ref={props.headingRef} tabIndex={-1}>
        Review your answers
      </h1>
      <p>
        You answered <strong>{review.answered}</strong> of {review.total} questions. <strong>{review.unanswered.length}</strong> unanswered, <strong>{review.flagged.length}</strong> flagged for review.
      </p>
      {review.unanswered.length === 0 && <p className="muted">Every question has an answer.</p>}
      <div className="review-filters" role="group" aria-label="Show">
        {filters.map(([f, label, n]) => (
          <button key={f} type="button" className={`secondary${filter === f ? ' pressed' : ''}`} aria-pressed={filter === f} onClick={() => setFilter(f)}>
            {label} ({n})
          </button>
        ))}
      </div>
      <div className="table-wrap">
        <table className="review-table" data-testid="review-table">
          <caption className="visually-hidden">
            {filter === 'all' ? 'All questions' : filter === 'unanswered' ? 'Unanswered questions' : 'Flagged questions'}: {rows.length}
          </caption>
          <thead>
            <tr>
              <th scope="col">Question</th>
              <th scope="col">Status</th>
              <th scope="col">Flag</th>
              <th scope="col">Begins with</th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 ? (
              <tr>
                <td colSpan={4} className="muted">
                  {filter === 'unanswered' ? 'Every question has an answer.' : 'No question is flagged.'}
                </td>
              </tr>
            ) : (
              rows.map((r) => (
                <tr key={r.it.itemId} className={r.i === state.current ? 'current-row' : undefined} aria-current={r.i === state.current ? 'step' : undefined}>
                  <td>
                    <button type="button" className="link" aria-label={`Go to question ${r.i + 1}`} onClick={() => props.onGo(r.i)}>
                      Question {r.i + 1}
                    </button>
                    {r.i === state.current && <span className="tag current-tag">last viewed</span>}
                  </td>
                  <td className={r.answered ? 'status-answered' : 'status-unanswered'}>{r.answered ? 'Answered' : 'Unanswered'}</td>
                  <td>{r.flagged ? <span className="flag-cell"><span aria-hidden="true">⚑ </span>Flagged</span> : <span className="muted">—</span>}</td>
                  <td className="review-stem">{openingWords(r.it.stem)}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
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

function SubmitDialog({ state, controller, unanswered, onCancel }: { state: ExamState; controller: ExamScreenController; unanswered: number; onCancel: () => void }) {
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

function PauseOverlay({ reason, messages }: { reason: string; messages: ExamState['messages'] }) {
  return (
    <Dialog title="Exam paused" role="alertdialog" className="pause">
      {messages.map((m) => (
        <p key={m.id} className="banner info" role="alert">
          <strong>Message from the proctor:</strong> {m.text}
        </p>
      ))}
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
