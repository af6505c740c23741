/**
 * The candidate's record: attempts and results, credentials (with PDF certificates and their verification codes),
 * progress toward the full CPT, eligibility per module (retake waits) and recertification progress.
 */
import { useCallback, useEffect, useState } from 'react';
import type { Wire } from '../../../../shared/api/common.ts';
import type { candidateHistorySchema } from '../../../../shared/api/score-report.ts';
import { api } from '../../lib/api-client.ts';
import { TableHead } from '../../components/ui/table-head.tsx';
import { MyRecertification } from './recertification.tsx';

type History = Wire<typeof candidateHistorySchema>;

const STATUS_TEXT = { valid: 'Valid', expired: 'Expired', suspended: 'On hold', revoked: 'Revoked' } as const;

const MODULES: Record<string, string> = { SAF: 'Safety', QPM: 'Quality Practices & Measurement', MPP: 'Manufacturing Processes & Production', MA: 'Maintenance Awareness', GRN: 'Green Production' };

export function MyResults({ reportHref, verifyHref }: { reportHref: (sessionId: string) => string; verifyHref: (code: string) => string }) {
  const [h, setH] = useState<History | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    void api<History>('GET', '/api/me/history').then((r) => (r.ok ? setH(r.data) : setError(r.error.message)));
  }, []);
  useEffect(load, [load]);
  if (error) return <p role="alert" className="error">{error}</p>;
  if (!h) return <p role="status">Loading your results…</p>;
  return (
    <section aria-labelledby="results-title" className="stack">
      <h1 id="results-title">My results and credentials</h1>
      <div className="card">
        <h2>Full CPT credential</h2>
        {h.fullCpt.complete ? (
          <p>You hold the full Certified Production Technician credential.</p>
        ) : (
          <p>
            Still needed: {(h.fullCpt.missing ?? []).map((m) => MODULES[m] ?? m).join(', ') || 'nothing'}. All four required modules must be passed within two years of each other.
            {h.fullCpt.windowNote ? ` ${h.fullCpt.windowNote}` : ''}
          </p>
        )}
        {h.recertification && (
          <p>
            Recertification: {h.recertification.pointsEarned} of {h.recertification.pointsRequired} points approved. The application {h.recertification.applicationOpen ? 'is open now' : `opens on ${h.recertification.applicationOpensAt.slice(0, 10)}`}.
          </p>
        )}
      </div>
      <MyRecertification history={h} onChanged={load} />
      <div className="card">
        <h2>Credentials</h2>
        {h.credentials.length === 0 ? (
          <p>No credentials yet.</p>
        ) : (
          <table>
            <caption className="sr-only">Your credentials</caption>
            <TableHead columns={['Credential', 'Issued', 'Valid through', 'Status', 'Verification code', 'Documents and badge']} />
            <tbody>
              {h.credentials.map((c) => (
                <tr key={c.id}>
                  <td>{c.kind === 'full-cpt' ? 'Certified Production Technician (CPT)' : `Module: ${MODULES[c.module ?? ''] ?? c.module}`}</td>
                  <td>{c.issuedOn}</td>
                  <td>{c.validThrough}</td>
                  <td className={`status-${c.status}`}>
                    {STATUS_TEXT[c.status]}
                    {c.statusReason ? `: ${c.statusReason}` : ''}
                  </td>
                  <td>
                    <a href={verifyHref(c.verificationCode)}>{c.verificationCode}</a>
                  </td>
                  <td>
                    <span className="downloads">
                      <a href={`/api/credentials/${c.verificationCode}/certificate.pdf`} aria-label={`Certificate PDF for ${c.verificationCode}`}>
                        Certificate
                      </a>
                      <a href={`/api/credentials/${c.verificationCode}/wallet-card.pdf`} aria-label={`Wallet card PDF for ${c.verificationCode}`}>
                        Wallet card
                      </a>
                      <a href={`/api/credentials/${c.verificationCode}/key-work-activities.pdf`} aria-label={`Key Work Activities PDF for ${c.verificationCode}`}>
                        Key Work Activities
                      </a>
                      {c.status !== 'revoked' && c.status !== 'suspended' && (
                        <>
                          <a href={`/api/credentials/${c.verificationCode}/open-badge.png`} aria-label={`Open Badge (PNG) for ${c.verificationCode}`}>
                            Open Badge (PNG)
                          </a>
                          <a href={`/api/credentials/${c.verificationCode}/open-badge.svg`} aria-label={`Open Badge (SVG) for ${c.verificationCode}`}>
                            SVG
                          </a>
                          <a href={`/api/credentials/${c.verificationCode}/open-badge.json`} aria-label={`Open Badge credential (JSON) for ${c.verificationCode}`}>
                            JSON
                          </a>
                        </>
                      )}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      <div className="card">
        <h2>Attempts</h2>
        {h.attempts.length === 0 ? (
          <p>No finished exams yet.</p>
        ) : (
          <table>
            <caption className="sr-only">Your exam attempts</caption>
            <TableHead columns={['Module', 'Date', 'Score', 'Result', 'Report']} />
            <tbody>
              {h.attempts.map((a) => (
                <tr key={a.sessionId}>
                  <td>{a.moduleTitle}</td>
                  <td>{a.endedAt?.slice(0, 10)}</td>
                  <td>
                    {a.rawScore} of {a.scoredItems} ({a.percent}%)
                  </td>
                  <td>{a.disposition?.state === 'void' ? `Void: ${a.disposition.reason}` : a.disposition?.state === 'on-hold' ? 'On hold (under review)' : a.endReason === 'terminated' ? 'Terminated' : a.passed ? 'Passed' : 'Not passed'}</td>
                  <td>
                    <a href={reportHref(a.sessionId)}>Score report</a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      <div className="card">
        <h2>When can I take each module?</h2>
        <ul>
          {Object.entries(h.eligibility).map(([m, e]) => (
            <li key={m}>
              <strong>{MODULES[m] ?? m}:</strong> {e.eligible ? 'You can schedule this module.' : e.reason}
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}
