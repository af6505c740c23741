/**
 * Public credential verification: anyone with a verification code sees the holder's name, the credential, its dates
 * and status — and nothing else. No sign-in.
 */
import { useEffect, useState, type FormEvent } from 'react';
import type { Wire } from '../../../../shared/api/common.ts';
import type { verifiedCredentialSchema } from '../../../../shared/api/score-report.ts';
import { api } from '../../lib/api-client.ts';

type Verified = Wire<typeof verifiedCredentialSchema>;

const STATUS_TEXT: Record<Verified['status'], string> = { valid: 'Valid', expired: 'Expired', revoked: 'Revoked' };

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
          <dt>Code</dt>
          <dd>{result.verificationCode}</dd>
        </dl>
      )}
    </section>
  );
}
