/**
 * The admin's oversight of results and credentials, and the employer organizations (loaded on demand): find a
 * candidate, hold / release / void a result or revoke a credential with a reason; review the recertification
 * activities candidates reported (approve, or reject with a reason); register employers, issue API keys
 * (shown once) and webhook secrets, and watch webhook deliveries.
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { EmployerOrg } from '../../../../shared/api/credentials.ts';
import { api } from '../../lib/api-client.ts';
import { TableHead } from '../../components/ui/table-head.tsx';
import { RecertReview } from './recertification.tsx';

interface Candidate {
  id: string;
  username: string;
  displayName: string;
}
interface History {
  attempts: { sessionId: string; moduleTitle: string; endedAt: string; rawScore: number; scoredItems: number; passed: boolean; endReason: string; disposition: { state: 'on-hold' | 'void'; reason: string } | null }[];
  credentials: { id: string; kind: string; module: string | null; verificationCode: string; issuedOn: string; validThrough: string; status: string; statusReason: string | null }[];
}
type Action = { kind: 'hold' | 'release' | 'void'; sessionId: string; label: string } | { kind: 'revoke'; code: string; label: string };

export default function CredentialsAdmin() {
  return (
    <div className="stack">
      <h1>Results, credentials and employers</h1>
      <ResultsOversight />
      <RecertReview />
      <Employers />
    </div>
  );
}

function ResultsOversight() {
  const [query, setQuery] = useState('');
  const [candidates, setCandidates] = useState<Candidate[]>([]);
  const [chosen, setChosen] = useState<Candidate | null>(null);
  const [history, setHistory] = useState<History | null>(null);
  const [action, setAction] = useState<Action | null>(null);
  const [reason, setReason] = useState('');
  const [misconduct, setMisconduct] = useState(false);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);

  useEffect(() => {
    void api<Candidate[]>('GET', '/api/admin/users?role=candidate').then((r) => r.ok && setCandidates(r.data));
  }, []);
  const load = useCallback(async (c: Candidate) => {
    setChosen(c);
    const r = await api<History>('GET', `/api/candidates/${c.id}/history`);
    setHistory(r.ok ? r.data : null);
  }, []);

  function find(e: FormEvent) {
    e.preventDefault();
    const q = query.trim().toLowerCase();
    const c = candidates.find((x) => x.username.toLowerCase() === q) ?? candidates.find((x) => x.displayName.toLowerCase().includes(q));
    if (c) void load(c);
    else setMessage({ error: true, text: `No candidate matches "${query}".` });
  }

  async function confirm(e: FormEvent) {
    e.preventDefault();
    if (!action || !chosen) return;
    const r =
      action.kind === 'revoke'
        ? await api('POST', `/api/admin/credentials/${action.code}/revoke`, { reason })
        : await api('POST', `/api/admin/sessions/${action.sessionId}/${action.kind}`, action.kind === 'void' ? { reason, countsAsAttempt: misconduct } : { reason });
    if (r.ok) {
      setMessage({ error: false, text: `${action.label}: done.` });
      setAction(null);
      setReason('');
      setMisconduct(false);
      await load(chosen);
    } else setMessage({ error: true, text: r.error.message });
  }

  return (
    <section className="card" aria-labelledby="oversight-title">
      <h2 id="oversight-title">Results and credentials</h2>
      <form className="row-form" onSubmit={find}>
        <label>
          Candidate (username or name)
          <input value={query} onChange={(e) => setQuery(e.target.value)} required list="candidate-names" />
        </label>
        <datalist id="candidate-names">
          {candidates.slice(0, 500).map((c) => (
            <option key={c.id} value={c.username}>
              {c.displayName}
            </option>
          ))}
        </datalist>
        <button type="submit">Find</button>
      </form>
      {message && (
        <p role={message.error ? 'alert' : 'status'} className={message.error ? 'error' : undefined}>
          {message.text}
        </p>
      )}
      {chosen && history && (
        <>
          <h3>
            {chosen.displayName} ({chosen.username})
          </h3>
          <table>
            <caption>Results</caption>
            <TableHead columns={['Module', 'Date', 'Score', 'Result', 'Actions']} />
            <tbody>
              {history.attempts.map((a) => (
                <tr key={a.sessionId}>
                  <td>{a.moduleTitle}</td>
                  <td>{a.endedAt?.slice(0, 10)}</td>
                  <td>
                    {a.rawScore} of {a.scoredItems}
                  </td>
                  <td>{a.disposition ? (a.disposition.state === 'void' ? `Void: ${a.disposition.reason}` : `On hold: ${a.disposition.reason}`) : a.endReason === 'terminated' ? 'Terminated' : a.passed ? 'Passed' : 'Not passed'}</td>
                  <td>
                    {!a.disposition && (
                      <button type="button" className="secondary" onClick={() => setAction({ kind: 'hold', sessionId: a.sessionId, label: `Hold the ${a.moduleTitle} result of ${a.endedAt?.slice(0, 10)}` })}>
                        Hold
                      </button>
                    )}{' '}
                    {a.disposition?.state === 'on-hold' && (
                      <button type="button" className="secondary" onClick={() => setAction({ kind: 'release', sessionId: a.sessionId, label: `Release the ${a.moduleTitle} result of ${a.endedAt?.slice(0, 10)}` })}>
                        Release
                      </button>
                    )}{' '}
                    {a.disposition?.state !== 'void' && (
                      <button type="button" className="secondary" onClick={() => setAction({ kind: 'void', sessionId: a.sessionId, label: `Void the ${a.moduleTitle} result of ${a.endedAt?.slice(0, 10)}` })}>
                        Void
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <table>
            <caption>Credentials</caption>
            <TableHead columns={['Code', 'Credential', 'Valid through', 'Status', 'Actions']} />
            <tbody>
              {history.credentials.map((c) => (
                <tr key={c.id}>
                  <td>
                    <a href={`/verify/${c.verificationCode}`}>{c.verificationCode}</a>
                  </td>
                  <td>{c.kind === 'full-cpt' ? 'Full CPT' : `Module ${c.module}`}</td>
                  <td>{c.validThrough}</td>
                  <td className={`status-${c.status}`}>
                    {c.status}
                    {c.statusReason ? `: ${c.statusReason}` : ''}
                  </td>
                  <td>
                    {c.status !== 'revoked' && (
                      <button type="button" className="secondary" onClick={() => setAction({ kind: 'revoke', code: c.verificationCode, label: `Revoke ${c.verificationCode}` })}>
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {action && (
        <form className="stack" onSubmit={confirm} aria-labelledby="action-title">
          <h3 id="action-title">{action.label}</h3>
          <label>
            Reason (recorded in the audit log{action.kind === 'revoke' || action.kind === 'hold' ? ' and shown on the public verification page' : ''})
            <textarea value={reason} onChange={(e) => setReason(e.target.value)} required minLength={5} rows={3} />
          </label>
          {action.kind === 'void' && (
            <label>
              <input type="checkbox" checked={misconduct} onChange={(e) => setMisconduct(e.target.checked)} /> Voided for misconduct: counts as a failed attempt (retake waits apply)
            </label>
          )}
          <div className="row-form">
            <button type="submit">Confirm</button>
            <button type="button" className="secondary" onClick={() => setAction(null)}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

function Employers() {
  const [orgs, setOrgs] = useState<EmployerOrg[]>([]);
  const [name, setName] = useState('');
  const [shown, setShown] = useState<{ what: string; value: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const refresh = useCallback(async () => {
    const r = await api<EmployerOrg[]>('GET', '/api/admin/employers');
    if (r.ok) setOrgs(r.data);
  }, []);
  useEffect(() => {
    void refresh();
  }, [refresh]);

  async function create(e: FormEvent) {
    e.preventDefault();
    const r = await api('POST', '/api/admin/employers', { name });
    if (!r.ok) return setError(r.error.message);
    setName('');
    setError(null);
    await refresh();
  }
  async function newKey(org: EmployerOrg) {
    const r = await api<{ key: string }>('POST', `/api/admin/employers/${org.id}/keys`, { label: 'HR system' });
    if (!r.ok) return setError(r.error.message);
    setShown({ what: `API key for ${org.name}`, value: r.data.key });
    await refresh();
  }
  async function revokeKey(org: EmployerOrg, keyId: string) {
    const r = await api('DELETE', `/api/admin/employers/${org.id}/keys/${keyId}`);
    if (!r.ok) return setError(r.error.message);
    await refresh();
  }
  async function setWebhook(org: EmployerOrg, url: string) {
    const r = await api<{ secret: string | null }>('PUT', `/api/admin/employers/${org.id}/webhook`, { url: url || null });
    if (!r.ok) return setError(r.error.message);
    if (r.data.secret) setShown({ what: `Webhook signing secret for ${org.name}`, value: r.data.secret });
    await refresh();
  }

  return (
    <section className="card" aria-labelledby="employers-title">
      <h2 id="employers-title">Employer organizations</h2>
      <form className="row-form" onSubmit={create}>
        <label>
          Organization name
          <input value={name} onChange={(e) => setName(e.target.value)} required minLength={2} />
        </label>
        <button type="submit">Register organization</button>
      </form>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {shown && (
        <div role="status" className="stack">
          <p>
            <strong>{shown.what}.</strong> Copy it now: it is shown only once.
          </p>
          <p className="key-once">{shown.value}</p>
          <button type="button" className="secondary" onClick={() => setShown(null)}>
            Done
          </button>
        </div>
      )}
      {orgs.map((o) => (
        <article key={o.id} className="stack" aria-labelledby={`org-${o.id}`}>
          <h3 id={`org-${o.id}`}>{o.name}</h3>
          <p>
            Webhooks: {o.webhookUrl ?? 'none'}; deliveries {o.deliveries.delivered} delivered, {o.deliveries.pending} pending, {o.deliveries.failed} failed.
          </p>
          <ul>
            {o.keys.map((k) => (
              <li key={k.id}>
                {k.label} ({k.prefix}…), created {k.createdAt.slice(0, 10)}
                {k.revokedAt ? `, revoked ${k.revokedAt.slice(0, 10)}` : k.lastUsedAt ? `, last used ${k.lastUsedAt.slice(0, 16).replace('T', ' ')}` : ', never used'}{' '}
                {!k.revokedAt && (
                  <button type="button" className="link" onClick={() => void revokeKey(o, k.id)} aria-label={`Revoke key ${k.prefix} of ${o.name}`}>
                    Revoke
                  </button>
                )}
              </li>
            ))}
          </ul>
          <div className="row-form">
            <button type="button" onClick={() => void newKey(o)} aria-label={`Create an API key for ${o.name}`}>
              Create API key
            </button>
            <WebhookForm org={o} onSave={(url) => void setWebhook(o, url)} />
          </div>
        </article>
      ))}
    </section>
  );
}

function WebhookForm({ org, onSave }: { org: EmployerOrg; onSave: (url: string) => void }) {
  const [url, setUrl] = useState(org.webhookUrl ?? '');
  return (
    <form
      className="row-form"
      onSubmit={(e) => {
        e.preventDefault();
        onSave(url.trim());
      }}
    >
      <label>
        Webhook URL for {org.name}
        <input type="url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://hr.example.com/hooks/cpt" />
      </label>
      <button type="submit" className="secondary">
        Save webhook
      </button>
    </form>
  );
}
