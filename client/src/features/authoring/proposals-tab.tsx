/**
 * Proposals: blueprint versions and fixed-form publications that authors proposed, each with its diff against what is
 * live. An admin approves (it goes live at once) or rejects with a reason; authors see what waits and for whom.
 */
import { useEffect, useState } from 'react';
import { decideProposal, getProposals, type Proposal } from './api.ts';
import { TableWrap } from './table-wrap.tsx';

const show = (v: string | number | null) => (v === null ? '—' : String(v));

function ProposalCard({ p, isAdmin, onDecided }: { p: Proposal; isAdmin: boolean; onDecided: (text: string) => void }) {
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const noteId = `note-${p.kind}-${p.id}`;

  async function decide(decision: 'approve' | 'reject') {
    setBusy(true);
    setError(null);
    const r = await decideProposal(p, decision, note.trim());
    setBusy(false);
    if (!r.ok) return setError(r.error.message);
    onDecided(`${p.title}: ${r.data.status}.`);
  }

  return (
    <article className="card" aria-labelledby={`title-${p.kind}-${p.id}`}>
      <h3 id={`title-${p.kind}-${p.id}`}>{p.title}</h3>
      <p className="muted">
        Proposed by {p.proposedBy?.name ?? 'the command line'}
        {p.proposedAt ? ` on ${p.proposedAt.slice(0, 16).replace('T', ' ')} UTC` : ''}.
      </p>
      <TableWrap label={`What ${p.title} changes`}>
        <table>
          <caption className="sr-only">What {p.title} changes</caption>
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Live now</th>
              <th scope="col">Proposed</th>
            </tr>
          </thead>
          <tbody>
            {p.diff.map((d) => (
              <tr key={d.field}>
                <td>{d.field}</td>
                <td>{show(d.from)}</td>
                <td>{show(d.to)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      {isAdmin ? (
        <div className="row-form">
          <label htmlFor={noteId}>Decision note (required to reject)</label>
          <input id={noteId} value={note} maxLength={1000} onChange={(e) => setNote(e.target.value)} />
          <button type="button" disabled={busy} onClick={() => void decide('approve')}>
            Approve {p.id}
          </button>
          <button type="button" className="secondary" disabled={busy} onClick={() => void decide('reject')}>
            Reject {p.id}
          </button>
        </div>
      ) : (
        <p>Waiting for an admin's decision.</p>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </article>
  );
}

export function ProposalsTab({ isAdmin, announce }: { isAdmin: boolean; announce: (text: string) => void }) {
  const [list, setList] = useState<Proposal[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    void getProposals().then((r) => (r.ok ? setList(r.data) : setError(r.error.message)));
  }, [reload]);

  return (
    <div className="stack">
      <p className="muted">
        Cut scores, form lengths, KWA counts, time limits and fixed forms are an admin's decision: an author's new blueprint version or publish request waits here until an admin approves it.
      </p>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {!list ? (
        <p role="status">Loading…</p>
      ) : list.length === 0 ? (
        <p>No proposals are waiting.</p>
      ) : (
        list.map((p) => (
          <ProposalCard
            key={`${p.kind}:${p.id}`}
            p={p}
            isAdmin={isAdmin}
            onDecided={(text) => {
              announce(text);
              setReload((n) => n + 1);
            }}
          />
        ))
      )}
    </div>
  );
}
