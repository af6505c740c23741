/** "My exams": the signed-in candidate's sessions, each opening the exam flow or the score report. */
import { formatZoned } from '../../lib/zoned-time.ts';
import { useEffect, useState } from 'react';
import { linkClick } from '../../lib/router.ts';
import { listMySessions, type MySession } from './api.ts';
import { ScreenHeading } from './before-exam.tsx';

const STATE_TEXT: Record<MySession['state'], string> = {
  scheduled: 'Scheduled',
  checked_in: 'Checked in',
  in_progress: 'In progress',
  paused: 'Paused',
  submitted: 'Submitted',
  expired: 'Ended: time ran out',
  terminated: 'Ended by the proctor',
  scored: 'Scored',
};

const ENDED = new Set(['submitted', 'expired', 'terminated', 'scored']);

export function MyExams({ examHref, reportHref }: { examHref: (id: string) => string; reportHref: (id: string) => string }) {
  const [sessions, setSessions] = useState<MySession[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void listMySessions().then((r) => (r.ok ? setSessions(r.data) : setError(r.error.message)));
  }, []);

  const upcoming = sessions?.filter((s) => !ENDED.has(s.state)) ?? [];
  const past = sessions?.filter((s) => ENDED.has(s.state)) ?? [];

  return (
    <section className="card wide" aria-labelledby="my-exams-title">
      <ScreenHeading id="my-exams-title">My exams</ScreenHeading>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {!sessions && !error && <p role="status">Loading your exams…</p>}
      {sessions && sessions.length === 0 && <p>You have no exams scheduled. Your test center schedules them for you.</p>}
      {upcoming.length > 0 && (
        <>
          <h2>Today and upcoming</h2>
          <ul className="session-list">
            {upcoming.map((s) => (
              <li key={s.id} className="session-row">
                <div>
                  <strong>{s.moduleTitle}</strong>
                  <div className="muted">
                    {formatZoned(s.scheduledAt, s.timeZone)} · {STATE_TEXT[s.state]}
                  </div>
                </div>
                <a className="button" href={examHref(s.id)} onClick={linkClick(examHref(s.id))} aria-label={`${s.state === 'scheduled' ? 'Open and check in' : 'Continue'}: ${s.moduleTitle}, ${formatZoned(s.scheduledAt, s.timeZone)}`}>
                  {s.state === 'scheduled' ? 'Open and check in' : 'Continue'}
                </a>
              </li>
            ))}
          </ul>
        </>
      )}
      {past.length > 0 && (
        <>
          <h2>Past exams</h2>
          <ul className="session-list">
            {past.map((s) => (
              <li key={s.id} className="session-row">
                <div>
                  <strong>{s.moduleTitle}</strong>
                  <div className="muted">
                    {formatZoned(s.scheduledAt, s.timeZone, 'date')} · {STATE_TEXT[s.state]}
                  </div>
                </div>
                <a className="button secondary" href={reportHref(s.id)} onClick={linkClick(reportHref(s.id))} aria-label={`Score report: ${s.moduleTitle}, ${formatZoned(s.scheduledAt, s.timeZone, 'date')}`}>
                  Score report
                </a>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
