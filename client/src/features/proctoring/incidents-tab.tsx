/** The day's incidents of the test center as a CSV download, with the same rows shown on screen. */
import { useRef, useState, type FormEvent } from 'react';
import * as proctorApi from './api.ts';
import type { ErrorBody, TestCenter } from './api.ts';
import { incidentText, parseCsv, zonedDate } from './roster.ts';
import { ApiErrorMessage } from './seat-dialogs.tsx';
import { formatZonedCompact } from '../../lib/zoned-time.ts';
import { INCIDENT_CATEGORY_TEXT, type IncidentCategory } from '../../../../shared/incidents.ts';

export function IncidentsTab({ center }: { center: TestCenter }) {
  const [date, setDate] = useState(() => zonedDate(Date.now(), center.timeZone));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorBody | null>(null);
  const [result, setResult] = useState<{ date: string; fileName: string; header: string[]; rows: string[][] } | null>(null);
  const outcomeRef = useRef<HTMLDivElement>(null);

  async function download(e: FormEvent) {
    e.preventDefault();
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) {
      setError({ code: 'VALIDATION_FAILED', message: 'Choose a date.' });
      return;
    }
    setBusy(true);
    setError(null);
    const r = await proctorApi.incidentsCsv(center.id, date);
    setBusy(false);
    if (!r.ok) {
      setResult(null);
      setError(r.error);
      requestAnimationFrame(() => outcomeRef.current?.focus());
      return;
    }
    const fileName = `incidents-${center.code}-${date}.csv`;
    const url = URL.createObjectURL(new Blob([r.data], { type: 'text/csv;charset=utf-8' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = fileName;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    const [header = [], ...rows] = parseCsv(r.data);
    setResult({ date, fileName, header, rows });
  }

  const col = (name: string) => result?.header.indexOf(name) ?? -1;
  const cell = (row: string[], name: string) => {
    const i = col(name);
    return i >= 0 ? (row[i] ?? '') : '';
  };

  return (
    <div className="pc-tab-body">
      <section aria-labelledby="incidents-title" className="stack">
        <h2 id="incidents-title">Incident report</h2>
        <p className="muted">
          Every incident of the day at {center.name}, each with its category and severity: focus and visibility signals, disconnects, second connections, raised hands,
          the proctors' pauses, extensions, terminations and notes. The irregularity report of one session (PDF) is under its Timeline.
        </p>
        <form onSubmit={download} className="row pc-align-end">
          <label>
            Date ({center.timeZone})
            <input type="date" value={date} onChange={(e) => setDate(e.target.value)} required />
          </label>
          <button type="submit" disabled={busy}>
            {busy ? 'Preparing…' : 'Download incidents (CSV)'}
          </button>
        </form>
        <div ref={outcomeRef} tabIndex={-1}>
          <ApiErrorMessage error={error} />
        </div>
        {result && (
          <>
            <p role="status" className="banner info" data-testid="incidents-done">
              Downloaded {result.fileName}: {result.rows.length} incident{result.rows.length === 1 ? '' : 's'} on {result.date}.
            </p>
            {result.rows.length > 0 && (
              <div className="table-wrap pc-table-wrap pc-short" role="region" aria-labelledby="inc-caption" tabIndex={0}>
                <table className="pc-table">
                  <caption id="inc-caption">Incidents on {result.date}, oldest first</caption>
                  <thead>
                    <tr>
                      <th scope="col">Time</th>
                      <th scope="col">Candidate</th>
                      <th scope="col">Module</th>
                      <th scope="col">Incident</th>
                      <th scope="col">Category</th>
                      <th scope="col">Severity</th>
                      <th scope="col">Recorded by</th>
                      <th scope="col">Note</th>
                    </tr>
                  </thead>
                  <tbody>
                    {result.rows.map((row, i) => (
                      <tr key={i}>
                        <th scope="row">{formatZonedCompact(cell(row, 'at'), center.timeZone, 'time-seconds')}</th>
                        <td>{cell(row, 'candidate')}</td>
                        <td>{cell(row, 'module')}</td>
                        <td>{incidentText(cell(row, 'kind'))}</td>
                        <td data-testid="incident-category">{INCIDENT_CATEGORY_TEXT[cell(row, 'category') as IncidentCategory] ?? cell(row, 'category')}</td>
                        <td className={cell(row, 'severity') === 'high' ? 'pc-sev-high' : undefined}>{cell(row, 'severity')}</td>
                        <td>{cell(row, 'recorded_by') || cell(row, 'source')}</td>
                        <td>{cell(row, 'note')}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </>
        )}
      </section>
    </div>
  );
}
