/**
 * Upload: choose bank files, see a dry run at once (every problem with file:line:column, its JSON pointer and the
 * offending line; or the diff against the bank), then commit. JSON goes to POST /api/bank/import; CSV and QTI (XML,
 * zip) go to POST /api/bank/upload, which answers with the same shapes plus `skipped`. Files are checked together, as
 * the server validates them together (a catalog may sit in one file and its items in another).
 */
import { useId, useRef, useState } from 'react';
import { useFocusOn } from './use-focus.ts';
import { importJson, ITEM_CHANGES, uploadFiles, type ApiResult, type ImportResponse, type ItemChange, type Problem, type SkippedItem } from './api.ts';
import { decodeText } from '../../../../shared/decode-text.ts';
import { bytesToBase64, CHANGE_LABEL, formatBytes, KIND_LABEL, problemLocation, sortProblems, sourceExcerpt, UPLOAD_ACCEPT, uploadKind, type UploadKind } from './author-helpers.ts';
import { TableWrap } from './table-wrap.tsx';

interface ChosenFile {
  name: string;
  size: number;
  kind: UploadKind | null;
  bytes: Uint8Array;
  /** Decoded text for JSON, CSV and XML (to send JSON, and to show offending lines); null for zip or bad encodings. */
  text: string | null;
}

type Outcome =
  | { kind: 'diff'; result: ImportResponse }
  | { kind: 'problems'; message: string; problems: Problem[]; skipped: SkippedItem[] }
  | { kind: 'unavailable' }
  | { kind: 'error'; message: string };

type ChangeFilter = 'changes' | 'all' | ItemChange;

const UNAVAILABLE = 'CSV and QTI upload are not available on this server yet';

export function UploadTab({ onCommitted, onShowItems, announce }: { onCommitted: () => void; onShowItems: () => void; announce: (text: string) => void }) {
  const [files, setFiles] = useState<ChosenFile[]>([]);
  const [lenient, setLenient] = useState(false);
  const [busy, setBusy] = useState<'checking' | 'committing' | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [committed, setCommitted] = useState<ImportResponse | null>(null);
  const [dragging, setDragging] = useState(false);
  const request = useRef(0);
  const inputId = useId();
  const hintId = useId();

  const needsUpload = files.some((f) => f.kind !== 'json');

  async function send(chosen: ChosenFile[], dryRun: boolean, lenientMode: boolean): Promise<ApiResult<ImportResponse> | 'unreadable'> {
    if (chosen.every((f) => f.kind === 'json')) {
      if (chosen.some((f) => f.text === null)) return 'unreadable';
      return importJson(
        chosen.map((f) => ({ name: f.name, text: f.text! })),
        dryRun,
      );
    }
    return uploadFiles(
      chosen.map((f) => ({ name: f.name, base64: bytesToBase64(f.bytes) })),
      dryRun,
      lenientMode,
    );
  }

  function toOutcome(r: ApiResult<ImportResponse> | 'unreadable', chosen: ChosenFile[]): Outcome {
    if (r === 'unreadable') {
      const bad = chosen.filter((f) => f.text === null).map((f) => f.name);
      return { kind: 'problems', message: 'A file could not be read as text', problems: bad.map((file) => ({ file, pointer: '', message: 'the file is not UTF-8 (or UTF-16 with a byte-order mark) text; save it as UTF-8 and choose it again' })), skipped: [] };
    }
    if (r.ok) return { kind: 'diff', result: r.data };
    if (r.status === 404 && chosen.some((f) => f.kind !== 'json')) return { kind: 'unavailable' };
    const skipped = (r.error as { skipped?: SkippedItem[] }).skipped ?? (r.error.details?.skipped as SkippedItem[] | undefined) ?? [];
    if (r.error.problems?.length) return { kind: 'problems', message: r.error.message, problems: r.error.problems, skipped };
    return { kind: 'error', message: r.error.message };
  }

  async function check(chosen: ChosenFile[], lenientMode: boolean) {
    const n = ++request.current;
    setBusy('checking');
    setCommitted(null);
    const r = await send(chosen, true, lenientMode);
    if (n !== request.current) return;
    const o = toOutcome(r, chosen);
    setBusy(null);
    setOutcome(o);
    announce(summaryText(o));
  }

  async function commit() {
    const n = ++request.current;
    setBusy('committing');
    const r = await send(files, false, lenient);
    if (n !== request.current) return;
    setBusy(null);
    if (r !== 'unreadable' && r.ok) {
      setCommitted(r.data);
      setOutcome({ kind: 'diff', result: r.data });
      onCommitted();
      announce(r.data.changed ? `Committed as bank revision ${r.data.revision}.` : 'Nothing was committed: the bank already holds these files.');
    } else {
      const o = toOutcome(r, files);
      setOutcome(o);
      announce(`Commit failed. ${summaryText(o)}`);
    }
  }

  async function choose(list: FileList | null) {
    if (!list || list.length === 0) return;
    const chosen = await Promise.all(
      [...list].map(async (f) => {
        const bytes = new Uint8Array(await f.arrayBuffer());
        const kind = uploadKind(f.name);
        return { name: f.name, size: f.size, kind, bytes, text: kind === 'qti-zip' || kind === 'image' ? null : decodeText(bytes) };
      }),
    );
    setFiles(chosen);
    setOutcome(null);
    void check(chosen, lenient);
  }

  function clear() {
    request.current++;
    setFiles([]);
    setOutcome(null);
    setCommitted(null);
    setBusy(null);
  }

  return (
    <div className="stack">
      <h2>Upload bank files</h2>
      <p>
        Choose one or more files. They are checked together against the bank first (a <strong>dry run</strong>: nothing is written), and you see every problem or every change before you commit. An import is all or
        nothing.
      </p>
      <div
        className={`author-drop${dragging ? ' dragging' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          void choose(e.dataTransfer.files);
        }}
      >
        <label htmlFor={inputId}>Bank files</label>
        <input
          id={inputId}
          type="file"
          multiple
          accept={UPLOAD_ACCEPT}
          aria-describedby={hintId}
          onChange={(e) => {
            void choose(e.currentTarget.files);
            // Cleared so that choosing the corrected file under the same name checks it again.
            e.currentTarget.value = '';
          }}
        />
        <p id={hintId} className="muted">
          Bank files (.json, see docs/item-bank-format.md), CSV sheets (.csv), QTI items or packages (.xml, .zip), and the images (.png, .jpg, .svg) a bank file's items name. You can also drop files here. To check a corrected file, choose it again.
        </p>
      </div>

      {files.length > 0 && (
        <div className="stack">
          <ul className="author-files" aria-label="Chosen files">
            {files.map((f) => (
              <li key={f.name}>
                <span className="author-mono">{f.name}</span> <span className="muted">— {f.kind ? KIND_LABEL[f.kind] : 'unknown format'}, {formatBytes(f.size)}</span>
              </li>
            ))}
          </ul>
          {needsUpload && (
            <label className="check">
              <input
                type="checkbox"
                checked={lenient}
                onChange={(e) => {
                  setLenient(e.currentTarget.checked);
                  void check(files, e.currentTarget.checked);
                }}
              />
              <span>
                Lenient mode{' '}
                <span className="muted">
                  — items with interactions cpt-exam cannot deliver (anything but single-choice) are listed and left out. Without it, each one is a problem and nothing is imported.
                </span>
              </span>
            </label>
          )}
          <div className="row">
            <button type="button" className="secondary" onClick={() => busy === null && void check(files, lenient)} aria-disabled={busy !== null || undefined}>
              Check again
            </button>
            <button type="button" className="secondary" onClick={clear}>
              Clear files
            </button>
          </div>
        </div>
      )}

      {busy && (
        <p className="loading" role="status">
          <span className="spinner" aria-hidden="true" /> {busy === 'checking' ? 'Checking the files against the bank…' : 'Committing…'}
        </p>
      )}

      {!busy && outcome && (
        <section className="stack" aria-labelledby="upload-result-title">
          {outcome.kind === 'unavailable' && (
            <>
              <h3 id="upload-result-title">CSV and QTI upload</h3>
              <p className="banner warn">{UNAVAILABLE}. Convert the files to the bank JSON format, or choose only .json files.</p>
            </>
          )}
          {outcome.kind === 'error' && (
            <>
              <h3 id="upload-result-title">The check did not run</h3>
              <p className="banner error">{outcome.message}</p>
            </>
          )}
          {outcome.kind === 'problems' && <ProblemList outcome={outcome} files={files} />}
          {outcome.kind === 'diff' && (
            <DiffView key={request.current} result={outcome.result} committed={committed} busy={busy !== null} onCommit={() => void commit()} onShowItems={onShowItems} />
          )}
        </section>
      )}
    </div>
  );
}

function summaryText(o: Outcome): string {
  switch (o.kind) {
    case 'unavailable':
      return UNAVAILABLE;
    case 'error':
      return o.message;
    case 'problems':
      return `Dry run: ${o.problems.length} problem${o.problems.length === 1 ? '' : 's'} found. Nothing can be imported until they are fixed.`;
    case 'diff': {
      const s = o.result.summary;
      return o.result.changed ? `Dry run passed: ${s.itemsNew} new, ${s.itemsChanged} changed, ${s.itemsStatusChanged + s.itemsRetired} status changes.` : 'Dry run passed: nothing would change.';
    }
  }
}

function ProblemList({ outcome, files }: { outcome: Extract<Outcome, { kind: 'problems' }>; files: ChosenFile[] }) {
  const order = files.map((f) => f.name);
  const problems = sortProblems(outcome.problems, order);
  const byFile = new Map<string, Problem[]>();
  for (const p of problems) byFile.set(p.file ?? '', [...(byFile.get(p.file ?? '') ?? []), p]);
  const textOf = new Map(files.map((f) => [f.name, f.text]));
  const n = problems.length;
  return (
    <>
      <h3 id="upload-result-title">
        Dry run: {n} problem{n === 1 ? '' : 's'}
      </h3>
      <p className="banner error">{outcome.message}. Fix every problem below, then choose the corrected file again.</p>
      {[...byFile].map(([file, list]) => (
        <div key={file} className="stack">
          <h4 className="author-file-title">
            {file ? <span className="author-mono">{file}</span> : 'The upload as a whole'} <span className="muted">({list.length} problem{list.length === 1 ? '' : 's'})</span>
          </h4>
          <ol className="author-problems">
            {list.map((p, i) => (
              <ProblemRow key={i} problem={p} text={p.file ? (textOf.get(p.file) ?? null) : null} />
            ))}
          </ol>
        </div>
      ))}
      {outcome.skipped.length > 0 && <SkippedTable skipped={outcome.skipped} />}
    </>
  );
}

function ProblemRow({ problem: p, text }: { problem: Problem; text: string | null }) {
  const loc = problemLocation(p);
  const ex = text !== null && p.line !== undefined ? sourceExcerpt(text, p.line, p.column) : null;
  return (
    <li className="author-problem">
      <p className="author-problem-head">
        {loc && <span className="author-loc author-mono">{loc}</span>}
        {p.pointer && (
          <>
            {' '}
            <code className="author-pointer" title="JSON pointer">
              {p.pointer}
            </code>
          </>
        )}
      </p>
      <p>{p.message}</p>
      {ex && (
        <pre className="author-source" aria-label={`Line ${ex.line}${p.file ? ` of ${p.file}` : ''}`}>
          <code>
            <span className="author-gutter">{ex.line}</span>
            {ex.clippedStart ? '…' : ''}
            {ex.text}
            {ex.clippedEnd ? '…' : ''}
            {ex.caret !== null && (
              <span aria-hidden="true">
                {'\n'}
                <span className="author-gutter"> </span>
                {' '.repeat(ex.caret + (ex.clippedStart ? 1 : 0))}
                <span className="author-caret">^</span>
              </span>
            )}
          </code>
        </pre>
      )}
    </li>
  );
}

function SkippedTable({ skipped }: { skipped: SkippedItem[] }) {
  return (
    <div className="stack">
      <h4>Skipped items ({skipped.length})</h4>
      <p className="muted">These items were not converted (lenient mode leaves them out; they are not imported).</p>
      <TableWrap label="Skipped items">
        <table className="kwa-table author-table">
          <caption className="visually-hidden">Skipped items</caption>
          <thead>
            <tr>
              <th scope="col">File</th>
              <th scope="col">Item</th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {skipped.map((s, i) => (
              <tr key={i}>
                <td className="author-mono">{s.file}</td>
                <td>{s.itemId ?? '—'}</td>
                <td>{s.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </div>
  );
}

const COUNT_LABELS: [keyof ImportResponse['summary'], string][] = [
  ['itemsNew', 'New items'],
  ['itemsChanged', 'Changed items (new versions)'],
  ['itemsStatusChanged', 'Status changes'],
  ['itemsRetired', 'Retired'],
  ['itemsUnchanged', 'Unchanged'],
  ['catalogsNew', 'New KWA catalogs'],
  ['blueprintsNew', 'New blueprints'],
  ['enemyGroupsChanged', 'Enemy groups changed'],
];

function DiffView({
  result,
  committed,
  busy,
  onCommit,
  onShowItems,
}: {
  result: ImportResponse;
  committed: ImportResponse | null;
  busy: boolean;
  onCommit: () => void;
  onShowItems: () => void;
}) {
  const committedRef = useRef<HTMLDivElement>(null);
  useFocusOn(committedRef, committed);
  const anyChange = result.items.some((i) => i.change !== 'unchanged');
  const [filter, setFilter] = useState<ChangeFilter>(anyChange ? 'changes' : 'all');
  const count = (f: ChangeFilter) => result.items.filter((i) => (f === 'all' ? true : f === 'changes' ? i.change !== 'unchanged' : i.change === f)).length;
  const shown = result.items.filter((i) => (filter === 'all' ? true : filter === 'changes' ? i.change !== 'unchanged' : i.change === filter));
  const filters: ChangeFilter[] = ['changes', ...ITEM_CHANGES, 'all'];
  const filterLabel = (f: ChangeFilter) => (f === 'changes' ? 'All changes' : f === 'all' ? 'Every item' : CHANGE_LABEL[f]);
  const done = committed !== null;
  const skipped = result.skipped ?? [];

  return (
    <>
      <h3 id="upload-result-title">{done ? (committed.changed ? 'Committed' : 'Nothing to commit') : result.changed ? 'Dry run passed: the changes' : 'Dry run passed: nothing would change'}</h3>
      {done ? (
        <div ref={committedRef} tabIndex={-1} className={`banner ${committed.changed ? 'info' : 'warn'}`}>
          {committed.changed ? (
            <p>
              Committed as <strong>bank revision {committed.revision}</strong>. New forms are drawn from this revision; forms already delivered keep the versions they used.
            </p>
          ) : (
            <p>The bank already holds these files exactly; no revision was made.</p>
          )}
          <button type="button" className="link" onClick={onShowItems}>
            Open the Items tab
          </button>
        </div>
      ) : (
        <p>{result.changed ? `The bank is at revision ${result.revision}. Committing makes revision ${result.revision + 1}.` : `The bank (revision ${result.revision}) already holds these files exactly.`}</p>
      )}
      <dl className="author-counts">
        {COUNT_LABELS.map(([k, label]) => (
          <div key={k} className={result.summary[k] > 0 && k !== 'itemsUnchanged' ? 'nonzero' : ''}>
            <dt>{label}</dt>
            <dd>{result.summary[k]}</dd>
          </div>
        ))}
      </dl>
      {(result.assets?.length ?? 0) > 0 && (
        <p>
          Images the items use ({result.assets!.length}): <span className="author-mono">{result.assets!.join(', ')}</span>
        </p>
      )}
      {result.blueprints.map((b) => (
        <div key={`${b.module}@${b.version}`} className="card" aria-labelledby={`bp-${b.module}-${b.version}`}>
          <h4 id={`bp-${b.module}-${b.version}`}>
            Blueprint {b.module} {b.version}:{' '}
            {b.effect === 'live' ? `${done ? 'replaced' : 'replaces'} the live ${b.liveVersion ?? 'blueprint'} at once` : `a proposal to replace the live ${b.liveVersion ?? 'blueprint'}; it goes live only when an admin approves it`}
          </h4>
          <ul>
            {b.diff
              .filter((d) => d.field !== 'version')
              .map((d) => (
                <li key={d.field}>
                  {d.field}: {d.from ?? '—'} → {d.to ?? '—'}
                </li>
              ))}
          </ul>
        </div>
      ))}
      {skipped.length > 0 && <SkippedTable skipped={skipped} />}
      {!done && (
        <div className="row">
          <button type="button" onClick={onCommit} disabled={busy || !result.changed}>
            Commit to the bank
          </button>
          {!result.changed && <span className="muted">Nothing to commit.</span>}
        </div>
      )}
      {result.items.length > 0 && (
        <fieldset className="author-chips">
          <legend>Show items</legend>
          {filters.map((f) => (
            <label key={f} className="author-chip">
              <input type="radio" name="upload-change-filter" value={f} checked={filter === f} onChange={() => setFilter(f)} />
              <span>
                {filterLabel(f)} ({count(f)})
              </span>
            </label>
          ))}
        </fieldset>
      )}
      {result.items.length > 0 && (
        <TableWrap label="Items in the upload">
          <table className="kwa-table author-table">
            <caption className="visually-hidden">
              Items in the upload: {filterLabel(filter)}, {shown.length} of {result.items.length}
            </caption>
            <thead>
              <tr>
                <th scope="col">Item</th>
                <th scope="col">Change</th>
                <th scope="col">Version</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((i) => (
                <tr key={i.id}>
                  <td className="author-mono">{i.id}</td>
                  <td>
                    <span className={`author-change change-${i.change}`}>{CHANGE_LABEL[i.change]}</span>
                  </td>
                  <td>{versionText(i.change, i.fromVersion)}</td>
                </tr>
              ))}
              {shown.length === 0 && (
                <tr>
                  <td colSpan={3} className="muted">
                    No items of this kind.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </TableWrap>
      )}
    </>
  );
}

function versionText(change: ItemChange, from: number | null): string {
  if (change === 'new') return 'version 1';
  if (change === 'changed') return `version ${from ?? '?'} → ${(from ?? 0) + 1}`;
  if (change === 'unchanged') return `version ${from ?? '?'}`;
  return `version ${from ?? '?'} (status only)`;
}
