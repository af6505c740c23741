/**
 * Proposals: blueprint versions, fixed-form publications and bank releases that were proposed, each with its diff
 * against what is live (and, for forms and releases, the items it adds, removes or changes). An admin approves (it goes
 * live at once) or rejects with a reason; authors see what waits and for whom. Bank releases are listed and proposed
 * above the proposals.
 */
import { useEffect, useState } from 'react';
import { decideProposal, getProposals, type Proposal } from './api.ts';
import { ItemDiffView } from './item-diff.tsx';
import { ReleasesPanel } from './releases-panel.tsx';
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
      {p.notes && <p>Notes: {p.notes}</p>}
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
      {p.itemDiff && <ItemDiffView diff={p.itemDiff} label={p.title} />}
      {isAdmin ? (
        <div className="row-form">
          <label htmlFor={noteId}>Decision note (required to reject)</label>
          <input id={noteId} value={note} maxLength={1000} onChange={(e) => setNote(e.target.value)} />
          <button type="button" disabled={busy} onClick={() => void decide('approve')}>
            Approve {p.label}
          </button>
          <button type="button" className="secondary" disabled={busy} onClick={() => void decide('reject')}>
            Reject {p.label}
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
        Cut scores, form lengths, KWA counts, time limits, fixed forms and bank releases are an admin's decision: an author's new blueprint version, publish request or release waits here until an admin approves it (a release
        needs someone other than the person who proposed it).
      </p>
      <ReleasesPanel
        reload={reload}
        onProposed={(text) => {
          announce(text);
          setReload((n) => n + 1);
        }}
      />
      <h2>Waiting for a decision</h2>
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
