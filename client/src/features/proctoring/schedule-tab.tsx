/**
 * Schedule a module exam: candidate, module, date and time on the test center's clock, approved extra time and an
 * accommodation note. A refusal by the retake rules (422 RULE_VIOLATION) shows the reason and the next eligible date.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import * as proctorApi from './api.ts';
import type { ErrorBody, TestCenter } from './api.ts';
import type { CandidatesState } from './candidates-tab.tsx';
import { formatCivilDate, formatInZone, moduleTitle, MODULES, TIME_MULTIPLIERS, type ModuleCode, zonedLocalToIso, zonedLocalValue } from './roster.ts';
import { ApiErrorMessage } from './seat-dialogs.tsx';
import { SEAT_LABEL_PATTERN } from '../../../../shared/seats.ts';

export function ScheduleTab({ center, candidates, preselect, onScheduled }: { center: TestCenter; candidates: CandidatesState; preselect: { id: string; n: number } | null; onScheduled: (message: string) => void }) {
  const [candidateId, setCandidateId] = useState('');
  const [module, setModule] = useState<ModuleCode>('SAF');
  // Default: the next five-minute mark on the center's clock.
  const [when, setWhen] = useState(() => zonedLocalValue(Math.ceil((Date.now() + 1) / 300_000) * 300_000, center.timeZone));
  const [multiplier, setMultiplier] = useState<number>(1);
  const [note, setNote] = useState('');
  const [separateRoom, setSeparateRoom] = useState(false);
  const [seat, setSeat] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorBody | null>(null);
  const [tried, setTried] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const candidateRef = useRef<HTMLSelectElement>(null);
  const outcomeRef = useRef<HTMLDivElement>(null);

  // "Schedule an exam for …" in the Candidates tab lands here with the candidate chosen.
  useEffect(() => {
    if (!preselect) return;
    setCandidateId(preselect.id);
    setDone(null);
    setError(null);
  }, [preselect]);

  const list = [...(candidates.list ?? [])].sort((a, b) => a.displayName.localeCompare(b.displayName));
  const chosen = list.find((c) => c.id === candidateId);
  const iso = zonedLocalToIso(when, center.timeZone);
  const candidateProblem = candidateId ? null : 'Choose a candidate.';
  const whenProblem = iso ? null : 'Enter the date and time.';
  const seatProblem = seat.trim() === '' || SEAT_LABEL_PATTERN.test(seat.trim()) ? null : 'A seat is 1-12 letters, digits, spaces or dashes, starting with a letter or digit.';

  async function submit(e: FormEvent) {
    e.preventDefault();
    setTried(true);
    setDone(null);
    setError(null);
    if (candidateProblem) return candidateRef.current?.focus();
    if (!iso || seatProblem) return;
    setBusy(true);
    const r = await proctorApi.scheduleSession({ candidateId, module, testCenterId: center.id, scheduledAt: iso, timeMultiplier: multiplier, accommodationNote: note.trim() || null, separateRoom, seat: seat.trim() || null });
    setBusy(false);
    if (!r.ok) {
      setError(r.error);
    } else {
      const msg = `Scheduled ${moduleTitle(module)} for ${chosen?.displayName ?? 'the candidate'} on ${formatInZone(r.data.scheduledAt ?? iso, center.timeZone, { dateStyle: 'full', timeStyle: 'short' })} (${center.timeZone})${multiplier > 1 ? `, extra time ×${multiplier}` : ''}${separateRoom ? ', separate room' : ''}${seat.trim() ? `, seat ${seat.trim()}` : ''}.`;
      setDone(msg);
      setNote('');
      setSeat('');
      setSeparateRoom(false);
      setTried(false);
      onScheduled(msg);
    }
    requestAnimationFrame(() => outcomeRef.current?.focus());
  }

  const refused = error?.code === 'RULE_VIOLATION';
  const nextDate = refused && typeof error?.details?.nextEligibleDate === 'string' ? error.details.nextEligibleDate : null;

  return (
    <div className="pc-tab-body">
      <section aria-labelledby="schedule-title" className="stack">
        <h2 id="schedule-title">Schedule a module exam</h2>
        <p className="muted">The retake rules are checked when you schedule. Times are {center.name} time ({center.timeZone}).</p>
        <ApiErrorMessage error={candidates.error} />
        <form onSubmit={submit} className="pc-form-grid" noValidate>
          <label>
            Candidate
            <select ref={candidateRef} value={candidateId} onChange={(e) => setCandidateId(e.target.value)} required aria-invalid={tried && candidateProblem ? true : undefined} aria-describedby={tried && candidateProblem ? 'sched-cand-error' : undefined}>
              <option value="">{candidates.list ? 'Choose a candidate' : 'Loading candidates…'}</option>
              {list.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.displayName} ({c.username})
                </option>
              ))}
            </select>
          </label>
          {tried && candidateProblem && (
            <p id="sched-cand-error" className="error pc-span" role="alert">
              {candidateProblem}
            </p>
          )}
          <label>
            Module
            <select value={module} onChange={(e) => setModule(e.target.value as ModuleCode)}>
              {MODULES.map((m) => (
                <option key={m.code} value={m.code}>
                  {m.title} ({m.code})
                </option>
              ))}
            </select>
          </label>
          <label>
            Date and time ({center.timeZone})
            <input type="datetime-local" value={when} onChange={(e) => setWhen(e.target.value)} required aria-invalid={tried && whenProblem ? true : undefined} aria-describedby={tried && whenProblem ? 'sched-when-error' : undefined} />
          </label>
          {tried && whenProblem && (
            <p id="sched-when-error" className="error pc-span" role="alert">
              {whenProblem}
            </p>
          )}
          <fieldset className="pc-radios pc-span">
            <legend>Extra time (approved accommodation)</legend>
            {TIME_MULTIPLIERS.map((m) => (
              <label key={m} className="check">
                <input type="radio" name="time-multiplier" value={m} checked={multiplier === m} onChange={() => setMultiplier(m)} />
                {m === 1 ? 'Standard time (×1)' : `×${m} time`}
              </label>
            ))}
          </fieldset>
          <label className="check pc-span">
            <input type="checkbox" checked={separateRoom} onChange={(e) => setSeparateRoom(e.target.checked)} />
            Separate room (approved accommodation)
          </label>
          <label>
            Seat / workstation (optional)
            <input value={seat} onChange={(e) => setSeat(e.target.value)} maxLength={12} autoComplete="off" className="pc-narrow" aria-invalid={tried && seatProblem ? true : undefined} aria-describedby={tried && seatProblem ? 'sched-seat-error' : undefined} />
          </label>
          {tried && seatProblem && (
            <p id="sched-seat-error" className="error pc-span" role="alert">
              {seatProblem}
            </p>
          )}
          <label className="pc-span">
            Accommodation note (optional)
            <input value={note} onChange={(e) => setNote(e.target.value)} maxLength={500} placeholder="For example: reader, large print, breaks" />
          </label>
          <div className="pc-form-actions pc-span">
            <button type="submit" disabled={busy}>
              {busy ? 'Scheduling…' : 'Schedule exam'}
            </button>
          </div>
        </form>
        <div ref={outcomeRef} tabIndex={-1} className="pc-outcome">
          {refused && error ? (
            <div role="alert" className="banner error pc-refusal" data-testid="schedule-refusal">
              <h3>Not eligible to sit {moduleTitle(module)}</h3>
              <p>{error.message}</p>
              {nextDate ? (
                <p className="pc-next-date">
                  Next eligible date: <strong>{formatCivilDate(nextDate)}</strong> (<time dateTime={nextDate}>{nextDate}</time>)
                </p>
              ) : (
                <p>There is no retake date: the candidate holds a valid certificate for this module.</p>
              )}
            </div>
          ) : (
            <ApiErrorMessage error={error} />
          )}
          {done && (
            <p role="status" className="banner info" data-testid="schedule-done">
              {done}
            </p>
          )}
        </div>
      </section>
    </div>
  );
}
