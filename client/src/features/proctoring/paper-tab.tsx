/**
 * Paper delivery in the console (docs/paper.md): pick a seat of the day, produce its paper form, download the booklet
 * and the answer sheet, key the sheet twice (two people; differences shown), record; or import the scanner's CSV.
 */
import { useEffect, useState, type FormEvent } from 'react';
import type { RosterRow } from '../../../../shared/api/proctoring.ts';
import type { ErrorBody } from './api.ts';
import { answerSheetHref, bookletHref, importScans, keyEntry, paperStatus, producePaper, recordPaper, type PaperStatus } from './paper-api.ts';
import { ApiErrorMessage } from './seat-dialogs.tsx';

const STATE_TEXT: Record<PaperStatus['state'], string> = {
  'awaiting-entries': 'Waiting for two keyed entries',
  differences: 'The entries differ: check the sheet and correct an entry',
  ready: 'The entries agree: ready to record',
  recorded: 'Recorded and scored',
};

export function PaperTab({ rows, announce }: { rows: RosterRow[]; announce: (text: string) => void }) {
  const seats = rows.filter((r) => r.state === 'scheduled' || r.state === 'checked_in' || r.state === 'submitted' || r.state === 'scored');
  const [sessionId, setSessionId] = useState('');
  const [status, setStatus] = useState<PaperStatus | null>(null);
  const [none, setNone] = useState(false);
  const [error, setError] = useState<ErrorBody | null>(null);
  const [entries, setEntries] = useState<Record<1 | 2, string>>({ 1: '', 2: '' });
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    setStatus(null);
    setNone(false);
    setError(null);
    setEntries({ 1: '', 2: '' });
    if (!sessionId) return;
    void paperStatus(sessionId).then((r) => {
      if (r.ok) setStatus(r.data);
      else if (r.status === 404 || r.status === 409) setNone(true);
      else setError(r.error);
    });
  }, [sessionId]);

  async function run(fn: () => Promise<{ ok: true; data: PaperStatus } | { ok: false; error: ErrorBody }>, done: string) {
    setBusy(true);
    setError(null);
    const r = await fn();
    setBusy(false);
    if (r.ok) {
      setStatus(r.data);
      setNone(false);
      announce(done);
    } else setError(r.error);
  }

  const seat = seats.find((s) => s.sessionId === sessionId);
  return (
    <div className="pc-paper">
      <h2>Paper exams</h2>
      <label htmlFor="paper-seat">Seat</label>
      <select id="paper-seat" value={sessionId} onChange={(e) => setSessionId(e.currentTarget.value)}>
        <option value="">Choose a seat…</option>
        {seats.map((s) => (
          <option key={s.sessionId} value={s.sessionId}>
            {s.candidateName} · {s.module} · {new Date(s.scheduledAt).toLocaleTimeString(undefined, { timeStyle: 'short' })}
          </option>
        ))}
      </select>
      <ApiErrorMessage error={error} />
      {seat && none && (
        <p>
          <button type="button" disabled={busy} onClick={() => void run(() => producePaper(seat.sessionId), `Paper form produced for ${seat.candidateName}.`)}>
            Produce paper form
          </button>{' '}
          <span className="muted">The exam is then delivered on paper only: it cannot be started online.</span>
        </p>
      )}
      {status && (
        <section aria-labelledby="paper-booklet-title">
          <h3 id="paper-booklet-title">
            Booklet {status.bookletCode} · {status.candidateName} · {status.moduleTitle}
          </h3>
          <p data-testid="paper-state">
            {STATE_TEXT[status.state]} · {status.questions} questions · candidate code {status.candidateCode}
          </p>
          <p>
            <a className="button secondary" href={bookletHref(status.sessionId)} download>
              Download test booklet (PDF)
            </a>{' '}
            <a className="button secondary" href={answerSheetHref(status.sessionId)} download>
              Download answer sheet (PDF)
            </a>
          </p>
          {status.state !== 'recorded' && (
            <>
              <p className="muted">Key one character a question in booklet order: the letter marked, - for none, * for several marks. Two different people key the two entries.</p>
              {([1, 2] as const).map((n) => {
                const saved = status.entries.find((e) => e.entry === n);
                return (
                  <form
                    key={n}
                    onSubmit={(e: FormEvent) => {
                      e.preventDefault();
                      void run(() => keyEntry(status.sessionId, n, entries[n]), `Entry ${n} saved.`);
                    }}
                  >
                    <label htmlFor={`paper-entry-${n}`}>
                      Entry {n}
                      {saved ? ` (saved by ${saved.keyedByName})` : ''}
                    </label>
                    <input id={`paper-entry-${n}`} className="mono" size={Math.min(status.questions + 4, 110)} value={entries[n]} placeholder={saved?.marks ?? ''} onChange={(e) => setEntries({ ...entries, [n]: e.currentTarget.value })} spellCheck={false} autoComplete="off" />
                    <button type="submit" disabled={busy || !entries[n]}>
                      Save entry {n}
                    </button>
                  </form>
                );
              })}
              {status.differences.length > 0 && (
                <table className="pc-table">
                  <caption>Questions where the entries differ</caption>
                  <thead>
                    <tr>
                      <th scope="col">Question</th>
                      <th scope="col">Entry 1</th>
                      <th scope="col">Entry 2</th>
                    </tr>
                  </thead>
                  <tbody>
                    {status.differences.map((d) => (
                      <tr key={d.question}>
                        <th scope="row">{d.question}</th>
                        <td>{d.first || 'none'}</td>
                        <td>{d.second || 'none'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
              <button type="button" disabled={busy || status.state !== 'ready'} onClick={() => void run(() => recordPaper(status.sessionId), 'Responses recorded; the exam is scored.')}>
                Record responses and score
              </button>
            </>
          )}
        </section>
      )}
      <ScanImport announce={announce} />
    </div>
  );
}

function ScanImport({ announce }: { announce: (text: string) => void }) {
  const [csv, setCsv] = useState('');
  const [error, setError] = useState<ErrorBody | null>(null);
  const [done, setDone] = useState<string | null>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setDone(null);
    const r = await importScans({ csv });
    if (!r.ok) return setError(r.error);
    const text = `${r.data.recorded.length} answer sheet${r.data.recorded.length === 1 ? '' : 's'} recorded and scored: ${r.data.recorded.map((x) => x.bookletCode).join(', ')}.`;
    setDone(text);
    announce(text);
  }
  return (
    <form onSubmit={(e) => void submit(e)} aria-labelledby="paper-scan-title">
      <h3 id="paper-scan-title">Scanned answer sheets</h3>
      <label htmlFor="paper-scan-file">The scanner's CSV file (booklet_code,candidate_code,q1,q2,…)</label>
      <input id="paper-scan-file" type="file" accept=".csv,text/csv" onChange={(e) => void e.currentTarget.files?.[0]?.text().then(setCsv)} />
      <button type="submit" disabled={!csv}>
        Record scanned sheets
      </button>
      <ApiErrorMessage error={error} />
      {done && (
        <p role="status" className="banner info">
          {done}
        </p>
      )}
    </form>
  );
}
