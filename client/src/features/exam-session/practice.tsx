/**
 * Practice tests (docs/practice.md): choose a module, timed or untimed; take it on the exam screen; then the result
 * (labelled practice: it never counts) and a review of every question with the correct answer and why.
 */
import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { KwaTable } from '../../components/kwa-table.tsx';
import { linkClick } from '../../lib/router.ts';
import { ScreenHeading } from './before-exam.tsx';
import { ExamScreen } from './exam-screen.tsx';
import { createPracticeController } from './practice-controller.ts';
import { ItemImage } from './item-image.tsx';
import { getPractice, getPracticeReview, practiceImageUrl, practiceOverview, startPractice, type PracticeAttempt, type PracticeOverview, type PracticeReview } from './practice-api.ts';

const pct = (n: number) => `${n.toFixed(1)}%`;

export function PracticeHome({ practiceHref, onStarted }: { practiceHref: (id: string) => string; onStarted: (id: string) => void }) {
  const [overview, setOverview] = useState<PracticeOverview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    void practiceOverview().then((r) => (r.ok ? setOverview(r.data) : setError(r.error.message)));
  }, []);

  async function start(module: PracticeOverview['modules'][number]['module'], timed: boolean) {
    setBusy(true);
    setError(null);
    const r = await startPractice({ module, timed });
    setBusy(false);
    if (r.ok) onStarted(r.data.id);
    else setError(r.error.message);
  }

  return (
    <section className="card wide" aria-labelledby="practice-title">
      <ScreenHeading id="practice-title">Practice tests</ScreenHeading>
      <p>
        Practise on the same screen as the exam, with questions written for practice only. Afterwards you see every question with the correct answer and why.{' '}
        <strong>Practice results never count</strong> toward eligibility or certificates.
      </p>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {!overview && !error && <p role="status">Loading…</p>}
      {overview && overview.modules.length === 0 && <p>No practice tests are available yet.</p>}
      {overview && overview.modules.length > 0 && (
        <ul className="session-list" aria-label="Modules">
          {overview.modules.map((m) => (
            <li key={m.module} className="session-row">
              <div>
                <strong>{m.title}</strong>
                <div className="muted">
                  {m.questions} questions · timed: {m.timeLimitMinutes} minutes
                </div>
              </div>
              <div className="row">
                <button type="button" disabled={busy} onClick={() => void start(m.module, true)} aria-label={`Start a timed practice test: ${m.title}`}>
                  Timed
                </button>
                <button type="button" className="secondary" disabled={busy} onClick={() => void start(m.module, false)} aria-label={`Start an untimed practice test: ${m.title}`}>
                  Untimed
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      {overview && overview.attempts.length > 0 && (
        <>
          <h2>My practice tests</h2>
          <ul className="session-list" aria-label="My practice tests">
            {overview.attempts.map((a) => (
              <li key={a.id} className="session-row">
                <div>
                  <strong>{a.moduleTitle}</strong>
                  <div className="muted">
                    {new Date(a.startedAt).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })} · {a.timed ? 'timed' : 'untimed'} ·{' '}
                    {a.state === 'open' ? 'in progress' : `${a.rawScore} of ${a.questions} correct`}
                  </div>
                </div>
                <a className="button secondary" href={practiceHref(a.id)} onClick={linkClick(practiceHref(a.id))}>
                  {a.state === 'open' ? 'Continue' : 'Review'}
                </a>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

/** One practice test: the exam screen while it is open, the result and the review once it has ended. */
export function PracticeTest({ id, onBack }: { id: string; onBack: () => void }) {
  const [attempt, setAttempt] = useState<PracticeAttempt | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void getPractice(id).then((r) => (r.ok ? setAttempt(r.data) : setError(r.error.message)));
  }, [id]);
  const ended = useCallback((a: PracticeAttempt) => setAttempt(a), []);

  if (error)
    return (
      <section className="card" aria-labelledby="practice-error">
        <ScreenHeading id="practice-error">This practice test cannot be opened</ScreenHeading>
        <p role="alert" className="error">
          {error}
        </p>
        <button type="button" onClick={onBack}>
          Back to practice tests
        </button>
      </section>
    );
  if (!attempt)
    return (
      <p className="loading" role="status">
        Loading your practice test…
      </p>
    );
  if (attempt.state === 'open') return <OpenPractice attempt={attempt} onEnded={ended} />;
  return <PracticeReviewView id={attempt.id} endReason={attempt.endReason} onBack={onBack} />;
}

function OpenPractice({ attempt, onEnded }: { attempt: PracticeAttempt; onEnded: (a: PracticeAttempt) => void }) {
  const [controller] = useState(() => createPracticeController(attempt, onEnded));
  useEffect(() => () => controller.stop(), [controller]);
  const state = useSyncExternalStore(controller.subscribe, controller.getState);
  return <ExamScreen state={state} controller={controller} />;
}

function PracticeReviewView({ id, endReason, onBack }: { id: string; endReason: PracticeAttempt['endReason']; onBack: () => void }) {
  const [review, setReview] = useState<PracticeReview | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void getPracticeReview(id).then((r) => (r.ok ? setReview(r.data) : setError(r.error.message)));
  }, [id]);
  if (error)
    return (
      <p role="alert" className="error">
        {error}
      </p>
    );
  if (!review)
    return (
      <p className="loading" role="status">
        Loading your review…
      </p>
    );
  const r = review.result;
  return (
    <article className="card wide report" aria-labelledby="practice-result-title">
      <ScreenHeading id="practice-result-title">Practice result: {review.moduleTitle}</ScreenHeading>
      <p className="banner info" data-testid="practice-note">
        {r.note}
      </p>
      {endReason === 'expired' && <p className="banner warning">Time ran out: the test ended at its deadline.</p>}
      <p className="score-line">
        <strong>
          {r.rawScore} of {r.scoredItems} correct ({pct(r.percent)})
        </strong>{' '}
        — the exam's cut score would be {r.rawCut} of {r.scoredItems} ({pct(r.cutPercent)}): {r.metCut ? 'you would have met it.' : 'you would not have met it yet.'}
      </p>
      <section aria-labelledby="practice-kwa-title">
        <h2 id="practice-kwa-title">Practice diagnostic by Key Work Activity</h2>
        <KwaTable rows={r.kwas} />
        <p className="note">{r.diagnosticNote}</p>
      </section>
      <section aria-labelledby="practice-review-title">
        <h2 id="practice-review-title">Every question, with the correct answer</h2>
        <ol className="practice-review">
          {review.items.map((it) => (
            <li key={it.itemId} className={it.correct ? 'right' : 'wrong'} data-testid="reviewed-item">
              <p>
                <strong>{it.stem}</strong>
              </p>
              {it.image && <ItemImage src={practiceImageUrl(id, it.image)} image={it.image} label={`picture for question ${it.position}`} />}
              <ul aria-label={`Options of question ${it.position}`}>
                {it.options.map((o, i) => (
                  <li key={o.id}>
                    {String.fromCharCode(65 + i)}. {o.text}
                    {o.image && <img className="option-image" src={practiceImageUrl(id, o.image)} alt={o.image.alt} />}
                    {o.id === it.key && <strong> — correct answer</strong>}
                    {o.id === it.chosen && o.id !== it.key && <em> — your answer</em>}
                    {o.id === it.chosen && o.id === it.key && <em> (your answer)</em>}
                  </li>
                ))}
              </ul>
              <p>{it.chosen === null ? 'Not answered. ' : it.correct ? 'Correct. ' : 'Incorrect. '}{it.rationale}</p>
              <p className="muted">
                {it.kwa} {it.kwaTitle}
              </p>
            </li>
          ))}
        </ol>
      </section>
      <div className="row no-print">
        <button type="button" onClick={onBack}>
          Back to practice tests
        </button>
      </div>
    </article>
  );
}
