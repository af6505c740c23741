/**
 * The candidate's score report: pass or fail against the cut, raw and percent, the diagnostic by Key Work Activity
 * with its bands and labels, and the note. Printable (see the print rules in app/styles.css). While the result is
 * being prepared (404 or status "pending") it says so and retries; the exam socket's result-ready makes it fetch at once.
 */
import { formatZoned } from '../../lib/zoned-time.ts';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Wire } from '../../../../shared/api/common.ts';
import type { ScoreReport } from '../../../../shared/api/score-report.ts';
import type { sessionStatusSchema } from '../../../../shared/api/sessions.ts';
import { APPLICATION_CLOSE_MIN } from '../../../../shared/protocol/close-codes.ts';
import { PROTOCOL_VERSION, serverMessageSchema, type ClientMessage, type ServerMessage } from '../../../../shared/protocol/session-protocol.ts';
import { KwaTable, type KwaColumn } from '../../components/kwa-table.tsx';
import { api } from '../../lib/api-client.ts';
import { ProtocolSocket } from '../../lib/protocol-socket.ts';
import { sameOriginSocketUrl } from '../../lib/ws-client.ts';
export const REPORT_RETRY_MS = 5000;

type SessionEnd = Pick<Wire<typeof sessionStatusSchema>, 'state' | 'endReason'>;


const pct = (n: number) => `${Math.round(n * 10) / 10}%`;

type ReportKwa = NonNullable<ScoreReport['result']>['kwas'][number];
const SCORE_REPORT_KWA_COLUMNS: readonly KwaColumn<ReportKwa>[] = [
  { header: 'Percent', cell: (k) => pct(k.percent) },
  { header: 'Likely range', cell: (k) => `${pct(k.band.low)}–${pct(k.band.high)}` },
];

function endText(reason: string | null | undefined): string | null {
  if (reason === 'expired') return 'Time is up. Your exam was submitted automatically.';
  if (reason === 'terminated') return 'The proctor ended this exam.';
  return null;
}

export function ScoreReportPage({ sessionId, onBack }: { sessionId: string; onBack: () => void }) {
  const [report, setReport] = useState<ScoreReport | null>(null);
  const [session, setSession] = useState<SessionEnd | null>(null);
  const [error, setError] = useState<string | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);

  const load = useCallback(async () => {
    const r = await api<ScoreReport>('GET', `/api/sessions/${sessionId}/report`);
    if (r.ok) {
      setReport(r.data);
      setError(null);
    } else if (r.status !== 404 && r.status !== 0) setError(r.error.message);
  }, [sessionId]);

  const ready = report?.status === 'scored' && !!report.result;

  useEffect(() => {
    void load();
    void api<SessionEnd>('GET', `/api/sessions/${sessionId}`).then((r) => r.ok && setSession(r.data));
  }, [load, sessionId]);

  // Pending: retry on a timer, and listen for result-ready on the exam socket.
  useEffect(() => {
    if (ready || error) return;
    const t = setInterval(() => void load(), REPORT_RETRY_MS);
    const socket = new ProtocolSocket<ClientMessage, ServerMessage>(serverMessageSchema, {
      url: sameOriginSocketUrl('/ws/session'),
      onOpen: (send) => send({ type: 'hello', protocol: PROTOCOL_VERSION, sessionId }),
      onMessage: (m) => {
        if (m.type === 'result-ready') void load();
      },
      onClose: (code) => code < APPLICATION_CLOSE_MIN,
    });
    socket.start();
    return () => {
      clearInterval(t);
      socket.stop();
    };
  }, [ready, error, load, sessionId]);

  useEffect(() => {
    headingRef.current?.focus();
  }, [ready]);

  const ended = endText(report?.endReason ?? session?.endReason);

  if (!ready || !report?.result) {
    return (
      <section className="card" aria-labelledby="report-title">
        <h1 id="report-title" ref={headingRef} tabIndex={-1}>
          Score report
        </h1>
        {ended && (
          <p className="banner info" data-testid="end-notice">
            {ended}
          </p>
        )}
        {error ? (
          <p role="alert" className="error">
            {error}
          </p>
        ) : (
          <p role="status" className="pending" data-testid="report-pending">
            <span className="spinner" aria-hidden="true" /> Your result is being prepared. This page updates by itself.
          </p>
        )}
        <div className="no-print">
          <button type="button" className="secondary" onClick={onBack}>
            Back to my exams
          </button>
        </div>
      </section>
    );
  }

  const { result } = report;
  return (
    <article className="card wide report" aria-labelledby="report-title">
      <header className="report-head">
        <h1 id="report-title" ref={headingRef} tabIndex={-1}>
          Score report: {report.moduleTitle}
        </h1>
        <dl className="report-meta">
          <div>
            <dt>Candidate</dt>
            <dd>{report.candidateName}</dd>
          </div>
          <div>
            <dt>Module</dt>
            <dd>
              {report.moduleTitle} ({report.module})
            </dd>
          </div>
          <div>
            <dt>Test center</dt>
            <dd>{report.testCenter}</dd>
          </div>
          <div>
            <dt>Date</dt>
            <dd>{report.date ? formatZoned(report.date, report.timeZone) : '—'}</dd>
          </div>
          {report.release && (
            // Which bank release the exam was drawn from (docs/authoring.md, "Bank releases"); absent: the live bank.
            <div>
              <dt>Bank release</dt>
              <dd>{report.release.name}</dd>
            </div>
          )}
        </dl>
      </header>
      {ended && <p className="banner info">{ended}</p>}
      {report.disposition && (
        <p className="banner info" role="status">
          {report.disposition.state === 'void' ? `This result was voided: ${report.disposition.reason}` : 'This result is on hold while it is reviewed; it is not final.'}
        </p>
      )}

      <section className={`outcome ${result.passed ? 'pass' : 'fail'}`} aria-labelledby="outcome-title">
        <h2 id="outcome-title">{result.passed ? 'Result: Pass' : 'Result: Not passed'}</h2>
        {result.scale ? (
          // Scored on the module's ability scale (docs/measurement.md §4): the raw cut is this form's own.
          <p>
            Your scale score: <strong>{result.scale.score}</strong> on a scale of {result.scale.min} to {result.scale.max}; the passing score is {result.scale.cut}. You answered{' '}
            <strong>{result.rawScore}</strong> of {result.scoredItems} scored questions correctly; on this form the passing score corresponds to {result.rawCut} correct.
          </p>
        ) : (
          <p>
            Your score: <strong>{result.rawScore}</strong> of {result.scoredItems} scored questions (<strong>{pct(result.percent)}</strong>). The cut score is{' '}
            {pct(result.cutPercent)} ({result.rawCut} of {result.scoredItems}).
          </p>
        )}
      </section>

      {report.certificate && (
        <section aria-labelledby="cert-title">
          <h2 id="cert-title">Certificate</h2>
          <p>
            Verification code <strong>{report.certificate.verificationCode}</strong>, issued {report.certificate.issuedOn}, valid through {report.certificate.validThrough}.
          </p>
        </section>
      )}

      <section aria-labelledby="kwa-title">
        <h2 id="kwa-title">Diagnostic by Key Work Activity</h2>
        <KwaTable rows={result.kwas} caption="Percent correct per Key Work Activity, with the likely range of your true score" extraColumns={SCORE_REPORT_KWA_COLUMNS} />
        <p className="note">{result.diagnosticNote}</p>
      </section>

      <div className="row no-print">
        <button type="button" onClick={() => window.print()}>
          Print report
        </button>
        <button type="button" className="secondary" onClick={onBack}>
          Back to my exams
        </button>
      </div>
    </article>
  );
}
