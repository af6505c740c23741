/**
 * Public credential verification: anyone with a verification code sees the holder's name, the credential, its dates
 * and status — and nothing else. No sign-in.
 */
import { useEffect, useState, type FormEvent } from 'react';
import type { VerifiedCredential as Verified, VerifiedReport } from '../../../../shared/api/credentials.ts';
import { api } from '../../lib/api-client.ts';

const STATUS_TEXT: Record<Verified['status'], string> = { valid: 'Valid', expired: 'Expired', suspended: 'On hold', revoked: 'Revoked' };

export function VerifyCredential({ initialCode, onLookup }: { initialCode: string | null; onLookup: (code: string) => void }) {
  const [code, setCode] = useState(initialCode ?? '');
  const [result, setResult] = useState<Verified | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!initialCode) return;
    setResult(null);
    setError(null);
    void api<Verified>('GET', `/api/verify/${encodeURIComponent(initialCode)}`).then((r) => {
      if (r.ok) setResult(r.data);
      else setError(r.status === 404 ? 'No credential has this verification code.' : r.error.message);
    });
  }, [initialCode]);

  function submit(e: FormEvent) {
    e.preventDefault();
    if (code.trim()) onLookup(code.trim());
  }

  return (
    <section className="card" aria-labelledby="verify-title">
      <h1 id="verify-title">Verify a CPT credential</h1>
      <form onSubmit={submit} className="row-form">
        <label>
          Verification code
          <input value={code} onChange={(e) => setCode(e.target.value)} placeholder="CPT-XXXX-XXXX-XXXX" required />
        </label>
        <button type="submit">Verify</button>
      </form>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {result && (
        <dl className="verified" aria-live="polite">
          <dt>Holder</dt>
          <dd>{result.holder}</dd>
          <dt>Credential</dt>
          <dd>{result.credential}</dd>
          <dt>Issued</dt>
          <dd>{result.issuedOn}</dd>
          <dt>Valid through</dt>
          <dd>{result.validThrough}</dd>
          <dt>Status</dt>
          <dd className={`status-${result.status}`}>{STATUS_TEXT[result.status]}</dd>
          {result.statusReason && (
            <>
              <dt>{result.status === 'revoked' ? 'Reason for revocation' : 'Reason for the hold'}</dt>
              <dd>
                {result.statusReason}
                {result.statusChangedAt ? ` (since ${result.statusChangedAt.slice(0, 10)})` : ''}
              </dd>
            </>
          )}
          <dt>Code</dt>
          <dd>{result.verificationCode}</dd>
          <dt>Signed status</dt>
          <dd>
            Open Badges 3.0; revocation list <a href={result.badge.statusList}>{result.badge.statusList}</a>, entry {result.badge.statusListIndex}
          </dd>
        </dl>
      )}
    </section>
  );
}

const OUTCOME_TEXT: Record<VerifiedReport['outcome'], string> = { passed: 'Passed', 'not-passed': 'Not passed', 'on-hold': 'On hold (under review)', void: 'Void' };

/** What a score report's verification link shows: the outcome it states, confirmed by the program. */
export function VerifyReport({ sessionId }: { sessionId: string }) {
  const [r, setR] = useState<VerifiedReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void api<VerifiedReport>('GET', `/api/verify/report/${encodeURIComponent(sessionId)}`).then((res) => {
      if (res.ok) setR(res.data);
      else setError(res.status === 404 ? 'No scored exam has this reference.' : res.error.message);
    });
  }, [sessionId]);
  return (
    <section className="card" aria-labelledby="verify-report-title">
      <h1 id="verify-report-title">Verify a score report</h1>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {!r && !error && <p role="status">Checking…</p>}
      {r && (
        <dl className="verified" aria-live="polite">
          <dt>Candidate</dt>
          <dd>{r.candidateName}</dd>
          <dt>Module</dt>
          <dd>{r.moduleTitle}</dd>
          <dt>Test center</dt>
          <dd>{r.testCenter}</dd>
          <dt>Exam date</dt>
          <dd>{r.date ? `${new Date(r.date).toLocaleString('en-US', { timeZone: r.timeZone, dateStyle: 'long', timeStyle: 'short' })} (${r.timeZone})` : '-'}</dd>
          <dt>Outcome</dt>
          <dd className={`status-${r.outcome === 'passed' ? 'valid' : r.outcome === 'on-hold' ? 'suspended' : 'revoked'}`}>{OUTCOME_TEXT[r.outcome]}</dd>
          {r.certificateCode && (
            <>
              <dt>Certificate</dt>
              <dd>
                <a href={`/verify/${r.certificateCode}`}>{r.certificateCode}</a>
              </dd>
            </>
          )}
          <dt>Reference</dt>
          <dd>{r.sessionId}</dd>
        </dl>
      )}
    </section>
  );
}
