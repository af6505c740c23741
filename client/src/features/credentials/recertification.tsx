/**
 * Recertification activities: the candidate reports one (with an optional PDF, PNG or JPEG as evidence) and sees each
 * one's status; reported points count only after an admin approves them. The admin's review queue approves or rejects
 * (with a reason the candidate reads). Rules: docs/scoring-and-certification.md §7.
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { Wire } from '../../../../shared/api/common.ts';
import type { candidateHistorySchema, recertReviewListSchema } from '../../../../shared/api/score-report.ts';
import { api } from '../../lib/api-client.ts';
import { TableHead } from '../../components/ui/table-head.tsx';

type History = Wire<typeof candidateHistorySchema>;
type Activity = History['recertActivities'][number];
type Queued = Wire<typeof recertReviewListSchema>[number];

/** The policy's categories (item-bank/policies); the server refuses any other id. */
export const RECERT_CATEGORIES: Record<string, string> = {
  'continuing-education': 'Continuing Education',
  'industry-certification': 'Industry Certification',
  employment: 'Employment',
  extra: 'Extra',
};

/** RECERT_EVIDENCE_MAX_BYTES of shared/api/score-report.ts (a type-only import keeps zod out of this page). */
const EVIDENCE_MAX_BYTES = 5 * 1024 * 1024;

const STATUS_TEXT = { pending: 'Waiting for approval', approved: 'Approved', rejected: 'Rejected' } as const;

const evidenceHref = (candidateId: string, activityId: string) => `/api/candidates/${candidateId}/recertification-activities/${activityId}/evidence`;

async function base64Of(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

function StatusCell({ a }: { a: Activity }) {
  return (
    <td className={`status-${a.status}`}>
      {STATUS_TEXT[a.status]}
      {a.status === 'rejected' && a.decisionReason ? `: ${a.decisionReason}` : ''}
    </td>
  );
}

/** The candidate's card: progress, every activity with its status, and the report form. */
export function MyRecertification({ history, onChanged }: { history: History; onChanged: () => void }) {
  const [me, setMe] = useState<string | null>(null);
  const [category, setCategory] = useState('continuing-education');
  const [points, setPoints] = useState('');
  const [completedAt, setCompletedAt] = useState('');
  const [description, setDescription] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    void api<{ userId: string }>('GET', '/api/auth/me').then((r) => r.ok && setMe(r.data.userId));
  }, []);
  const r = history.recertification;
  const activities = history.recertActivities;

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (!me) return;
    if (file && file.size > EVIDENCE_MAX_BYTES) return setMessage({ error: true, text: `"${file.name}" is larger than 5 MB. Attach a smaller PDF, PNG or JPEG.` });
    setBusy(true);
    const form = e.currentTarget;
    const res = await api('POST', `/api/candidates/${me}/recertification-activities`, {
      category,
      points: Number(points),
      completedAt,
      description,
      ...(file ? { evidence: { fileName: file.name, base64: await base64Of(file) } } : {}),
    });
    setBusy(false);
    if (!res.ok) return setMessage({ error: true, text: res.error.message });
    setMessage({ error: false, text: 'Reported. The points count once an administrator approves them.' });
    setPoints('');
    setDescription('');
    setFile(null);
    form.reset();
    onChanged();
  }

  if (!r && activities.length === 0) return null;
  return (
    <div className="card stack">
      <h2 id="recert-title">Recertification activities</h2>
      {r && (
        <p>
          {r.pointsEarned} of {r.pointsRequired} points approved{r.pointsPending > 0 ? `; ${r.pointsPending} more waiting for approval` : ''}. Points you report count only after an administrator approves them.
        </p>
      )}
      {activities.length > 0 && (
        <table>
          <caption className="sr-only">Your recertification activities</caption>
          <TableHead columns={['Completed', 'Category', 'Points', 'Description', 'Evidence', 'Status']} />
          <tbody>
            {activities.map((a) => (
              <tr key={a.id}>
                <td>{a.completedAt.slice(0, 10)}</td>
                <td>{RECERT_CATEGORIES[a.category] ?? a.category}</td>
                <td>{a.points}</td>
                <td>{a.description}</td>
                <td>{a.evidence ? <a href={evidenceHref(a.candidateId, a.id)}>{a.evidence.fileName}</a> : 'none'}</td>
                <StatusCell a={a} />
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {r && (
        <form className="stack" onSubmit={(e) => void submit(e)} aria-labelledby="recert-report-title">
          <h3 id="recert-report-title">Report an activity</h3>
          <div className="row-form">
            <label>
              Category
              <select value={category} onChange={(e) => setCategory(e.target.value)}>
                {Object.entries(RECERT_CATEGORIES).map(([id, title]) => (
                  <option key={id} value={id}>
                    {title}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Points
              <input type="number" min={0.5} max={100} step={0.5} value={points} onChange={(e) => setPoints(e.target.value)} required />
            </label>
            <label>
              Completed on
              <input type="date" value={completedAt} onChange={(e) => setCompletedAt(e.target.value)} required />
            </label>
          </div>
          <label>
            Description
            <input value={description} onChange={(e) => setDescription(e.target.value)} required minLength={3} maxLength={500} />
          </label>
          <label>
            Evidence (optional: PDF, PNG or JPEG, up to 5 MB)
            <input type="file" accept="application/pdf,image/png,image/jpeg,.pdf,.png,.jpg,.jpeg" onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} />
          </label>
          <div className="row-form">
            <button type="submit" disabled={busy || !me}>
              Report activity
            </button>
          </div>
        </form>
      )}
      {message && (
        <p role={message.error ? 'alert' : 'status'} className={message.error ? 'error' : undefined}>
          {message.text}
        </p>
      )}
    </div>
  );
}

/** The admin's queue of reported activities: evidence, approve, or reject with a reason. */
export function RecertReview() {
  const [queue, setQueue] = useState<Queued[] | null>(null);
  const [rejecting, setRejecting] = useState<Queued | null>(null);
  const [reason, setReason] = useState('');
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const refresh = useCallback(async () => {
    const r = await api<Queued[]>('GET', '/api/admin/recertification-activities?status=pending');
    if (r.ok) setQueue(r.data);
    else setMessage({ error: true, text: r.error.message });
  }, []);
  useEffect(() => {
    void refresh();
  }, [refresh]);

  const label = (a: Queued) => `${a.candidateName}: ${a.points} points, ${a.description}`;
  async function approve(a: Queued) {
    const r = await api('POST', `/api/admin/recertification-activities/${a.id}/approve`);
    setMessage(r.ok ? { error: false, text: `Approved ${label(a)}.` } : { error: true, text: r.error.message });
    await refresh();
  }
  async function reject(e: FormEvent) {
    e.preventDefault();
    if (!rejecting) return;
    const r = await api('POST', `/api/admin/recertification-activities/${rejecting.id}/reject`, { reason });
    if (!r.ok) return setMessage({ error: true, text: r.error.message });
    setMessage({ error: false, text: `Rejected ${label(rejecting)}.` });
    setRejecting(null);
    setReason('');
    await refresh();
  }

  return (
    <section className="card" aria-labelledby="recert-review-title">
      <h2 id="recert-review-title">Recertification activities to review</h2>
      <p>Points a candidate reports count toward recertification only once you approve them.</p>
      {message && (
        <p role={message.error ? 'alert' : 'status'} className={message.error ? 'error' : undefined}>
          {message.text}
        </p>
      )}
      {queue && queue.length === 0 && <p>Nothing is waiting for review.</p>}
      {queue && queue.length > 0 && (
        <table>
          <caption className="sr-only">Reported activities waiting for review</caption>
          <TableHead columns={['Candidate', 'Completed', 'Category', 'Points', 'Description', 'Evidence', 'Decision']} />
          <tbody>
            {queue.map((a) => (
              <tr key={a.id}>
                <td>
                  {a.candidateName} ({a.candidateUsername})
                </td>
                <td>{a.completedAt.slice(0, 10)}</td>
                <td>{RECERT_CATEGORIES[a.category] ?? a.category}</td>
                <td>{a.points}</td>
                <td>{a.description}</td>
                <td>{a.evidence ? <a href={evidenceHref(a.candidateId, a.id)}>{`${a.evidence.fileName} (${Math.ceil(a.evidence.size / 1024)} KB)`}</a> : 'none attached'}</td>
                <td>
                  <button type="button" className="secondary" onClick={() => void approve(a)} aria-label={`Approve ${label(a)}`}>
                    Approve
                  </button>{' '}
                  <button type="button" className="secondary" onClick={() => setRejecting(a)} aria-label={`Reject ${label(a)}`}>
                    Reject
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {rejecting && (
        <form className="stack" onSubmit={(e) => void reject(e)} aria-labelledby="recert-reject-title">
          <h3 id="recert-reject-title">Reject {label(rejecting)}</h3>
          <label>
            Reason (the candidate reads it; recorded in the audit log)
            <textarea value={reason} onChange={(e) => setReason(e.target.value)} required minLength={5} rows={3} />
          </label>
          <div className="row-form">
            <button type="submit">Reject activity</button>
            <button type="button" className="secondary" onClick={() => setRejecting(null)}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
