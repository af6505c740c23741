/**
 * An item's review: the lifecycle steps open to it now (submit, comment, approve, request changes, activate) with a
 * comment, and its history — every version with its author, every review step with who, when and the comment. The
 * server decides (a second person approves; docs/authoring.md); a refusal is shown as it comes.
 */
import { useEffect, useState } from 'react';
import { getItemHistory, reviewItem, type BankItem, type ItemHistory, type ReviewRequest } from './api.ts';

type Step = { label: string; body: Omit<ReviewRequest, 'comment'> };

function stepsFor(status: BankItem['status']): Step[] {
  switch (status) {
    case 'draft':
      return [{ label: 'Submit for review', body: { action: 'submit' } }];
    case 'in-review':
      return [
        { label: 'Approve', body: { action: 'approve' } },
        { label: 'Request changes', body: { action: 'request-changes' } },
      ];
    case 'approved':
      return [
        { label: 'Activate as pretest', body: { action: 'activate', to: 'pretest' } },
        { label: 'Activate as operational', body: { action: 'activate', to: 'operational' } },
      ];
    case 'pretest':
      return [{ label: 'Make operational', body: { action: 'activate', to: 'operational' } }];
    default:
      return [];
  }
}

const when = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

export function ItemReview({ item, onChanged, announce }: { item: BankItem; onChanged: () => void; announce: (text: string) => void }) {
  const [history, setHistory] = useState<ItemHistory | null>(null);
  const [comment, setComment] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    void getItemHistory(item.id).then((r) => (r.ok ? setHistory(r.data) : setError(r.error.message)));
  }, [item.id, item.version, item.status, reload]);

  async function run(body: ReviewRequest) {
    setBusy(true);
    setError(null);
    const r = await reviewItem(item.id, { ...body, ...(comment.trim() ? { comment: comment.trim() } : {}) });
    setBusy(false);
    if (!r.ok) return setError(r.error.message);
    setComment('');
    announce(`${item.id} is now ${r.data.status}.`);
    setReload((n) => n + 1);
    onChanged();
  }

  const commentId = `review-comment-${item.id}`;
  return (
    <section className="stack" aria-labelledby={`review-title-${item.id}`}>
      <h4 id={`review-title-${item.id}`}>Review</h4>
      <label htmlFor={commentId}>Reviewer comment on version {item.version}</label>
      <textarea id={commentId} value={comment} maxLength={4000} rows={2} onChange={(e) => setComment(e.target.value)} />
      <div className="row">
        {stepsFor(item.status).map((s) => (
          <button key={s.label} type="button" disabled={busy} onClick={() => void run(s.body)}>
            {s.label}
          </button>
        ))}
        {item.status !== 'retired' && (
          <button type="button" className="secondary" disabled={busy || !comment.trim()} onClick={() => void run({ action: 'comment' })}>
            Add comment
          </button>
        )}
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <h4>History</h4>
      {!history ? (
        <p role="status">Loading…</p>
      ) : (
        <ol className="author-history" aria-label={`History of ${item.id}`}>
          {[
            ...history.versions.map((v) => ({ at: v.createdAt, text: `Version ${v.version} written by ${v.author?.name ?? 'the command line'} (bank revision ${v.revision})` })),
            ...history.reviews.map((r) => ({ at: r.at, text: `${r.by?.name ?? 'unknown'}: ${r.action} (version ${r.version}, ${r.from} → ${r.to})${r.comment ? ` — “${r.comment}”` : ''}` })),
          ]
            .sort((a, b) => a.at.localeCompare(b.at))
            .map((e, i) => (
              <li key={i}>
                <span className="muted">{when(e.at)}</span> {e.text}
              </li>
            ))}
        </ol>
      )}
    </section>
  );
}
