/**
 * Bank releases (docs/authoring.md, "Bank releases"): the releases so far, which one each module's exams draw from,
 * and a form to propose a new one (preview its diff first). Approval happens in the proposals list below.
 */
import { useEffect, useState } from 'react';
import type { ModuleCode } from '../../../../shared/vocabulary.ts';
import { listReleases, proposeRelease, type ReleaseProposal, type ReleaseSummary } from './api.ts';
import { ItemDiffView } from './item-diff.tsx';
import { TableWrap } from './table-wrap.tsx';

const MODULES: ModuleCode[] = ['SAF', 'QPM', 'MPP', 'MA', 'GRN'];

export function ReleasesPanel({ reload, onProposed }: { reload: number; onProposed: (text: string) => void }) {
  const [list, setList] = useState<ReleaseSummary[] | null>(null);
  const [name, setName] = useState('');
  const [modules, setModules] = useState<ModuleCode[]>([]);
  const [notes, setNotes] = useState('');
  const [preview, setPreview] = useState<ReleaseProposal | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void listReleases().then((r) => (r.ok ? setList(r.data) : setError(r.error.message)));
  }, [reload]);

  async function submit(dryRun: boolean) {
    setBusy(true);
    setError(null);
    const r = await proposeRelease({ name: name.trim(), ...(modules.length ? { modules } : {}), ...(notes.trim() ? { notes: notes.trim() } : {}), dryRun });
    setBusy(false);
    if (!r.ok) return setError(r.error.message);
    if (dryRun) return setPreview(r.data);
    setPreview(null);
    setName('');
    setNotes('');
    onProposed(`Release "${r.data.release?.name}" proposed; it waits for an admin's approval.`);
  }

  return (
    <section className="card stack" aria-labelledby="releases-title">
      <h2 id="releases-title">Bank releases</h2>
      <p className="muted">
        A release pins the exam items (each at its current version), blueprints and policy of its modules. Once an admin approves it, new exams of those modules draw only from it, whatever is edited later; a module without a release draws
        from the live bank.
      </p>
      {!list ? (
        <p role="status">Loading releases…</p>
      ) : list.length === 0 ? (
        <p>No releases yet: every module draws from the live bank.</p>
      ) : (
        <TableWrap label="Bank releases">
          <table>
            <caption className="sr-only">Bank releases, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Modules</th>
                <th scope="col">Items</th>
                <th scope="col">Status</th>
                <th scope="col">Current for</th>
                <th scope="col">Proposed by</th>
                <th scope="col">Decided by</th>
              </tr>
            </thead>
            <tbody>
              {list.map((r) => (
                <tr key={r.id}>
                  <td>{r.name}</td>
                  <td>{r.modules.join(', ')}</td>
                  <td>{r.itemCount}</td>
                  <td>{r.status}</td>
                  <td>{r.currentFor.length ? r.currentFor.join(', ') : '—'}</td>
                  <td>{r.proposedBy?.name ?? 'command line'}</td>
                  <td>{r.decidedBy?.name ?? (r.status === 'approved' ? 'command line' : '—')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}

      <form
        className="stack"
        aria-labelledby="propose-release-title"
        onSubmit={(e) => {
          e.preventDefault();
          void submit(false);
        }}
      >
        <h3 id="propose-release-title">Propose a release</h3>
        <label htmlFor="release-name">Release name</label>
        <input id="release-name" value={name} maxLength={80} required onChange={(e) => setName(e.target.value)} />
        <fieldset>
          <legend>Modules (none ticked: the whole bank)</legend>
          {MODULES.map((m) => (
            <label key={m} className="inline">
              <input type="checkbox" checked={modules.includes(m)} onChange={(e) => setModules((cur) => (e.target.checked ? [...cur, m] : cur.filter((x) => x !== m)))} /> {m}
            </label>
          ))}
        </fieldset>
        <label htmlFor="release-notes">Notes</label>
        <textarea id="release-notes" value={notes} maxLength={2000} rows={2} onChange={(e) => setNotes(e.target.value)} />
        <div className="row-form">
          <button type="button" className="secondary" disabled={busy || !name.trim()} onClick={() => void submit(true)}>
            Preview the diff
          </button>
          <button type="submit" disabled={busy || !name.trim()}>
            Propose release
          </button>
        </div>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
      </form>
      {preview && (
        <div role="status" className="stack">
          <p>
            Preview (nothing stored): {preview.itemDiff.added.length} items added, {preview.itemDiff.removed.length} removed, {preview.itemDiff.changed.length} changed against the current release.
          </p>
          <ItemDiffView diff={preview.itemDiff} label="the previewed release" />
        </div>
      )}
    </section>
  );
}
