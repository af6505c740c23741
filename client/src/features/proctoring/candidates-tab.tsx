/**
 * Candidates of the test center: the list, registering one (admins through the admin route; proctors through the
 * center's import with a one-row file, since the admin route is for admins), and the CSV import with a dry run that
 * lists every problem by line before anything is written.
 */
import { useId, useRef, useState, type FormEvent } from 'react';
import * as proctorApi from './api.ts';
import type { CandidateSummary, ErrorBody, ImportResult, TestCenter } from './api.ts';
import { oneCandidateCsv } from './roster.ts';
import { ApiErrorMessage } from './seat-dialogs.tsx';

export interface CandidatesState {
  list: CandidateSummary[] | null;
  error: ErrorBody | null;
  reload: () => Promise<void>;
}

export function CandidatesTab({ center, role, candidates, onSchedule, announce }: { center: TestCenter; role: 'admin' | 'proctor'; candidates: CandidatesState; onSchedule: (candidateId: string) => void; announce: (t: string) => void }) {
  const [search, setSearch] = useState('');
  const list = candidates.list ?? [];
  const words = search.trim().toLowerCase();
  const shown = [...list].filter((c) => !words || `${c.displayName} ${c.username}`.toLowerCase().includes(words)).sort((a, b) => a.displayName.localeCompare(b.displayName));

  return (
    <div className="pc-tab-body">
      <section aria-labelledby="cand-list-title" className="stack">
        <h2 id="cand-list-title">Registered candidates</h2>
        <ApiErrorMessage error={candidates.error} />
        {!candidates.list && !candidates.error && <p role="status">Loading candidates…</p>}
        {candidates.list && (
          <>
            <label className="pc-inline">
              Search candidates
              <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
            </label>
            <div className="table-wrap pc-table-wrap pc-short" role="region" aria-labelledby="cand-caption" tabIndex={0}>
              <table className="pc-table">
                <caption id="cand-caption">
                  Candidates registered at {center.name}: {shown.length === list.length ? list.length : `${shown.length} of ${list.length} shown`}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Username</th>
                    <th scope="col">Actions</th>
                  </tr>
                </thead>
                <tbody>
                  {shown.length === 0 && (
                    <tr>
                      <td colSpan={3} className="muted">
                        {list.length === 0 ? 'No candidates yet. Register them below.' : 'No candidate matches the search.'}
                      </td>
                    </tr>
                  )}
                  {shown.map((c) => (
                    <tr key={c.id}>
                      <th scope="row">{c.displayName}</th>
                      <td>
                        <code>{c.username}</code>
                      </td>
                      <td>
                        <button type="button" className="link" onClick={() => onSchedule(c.id)}>
                          Schedule an exam<span className="visually-hidden"> for {c.displayName}</span>
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </section>

      <RegisterOne center={center} role={role} onRegistered={async (name) => {
        announce(`Registered ${name}.`);
        await candidates.reload();
      }} />

      <CsvImport center={center} onImported={async (n) => {
        announce(`Registered ${n} candidate${n === 1 ? '' : 's'}.`);
        await candidates.reload();
      }} />
    </div>
  );
}

function RegisterOne({ center, role, onRegistered }: { center: TestCenter; role: 'admin' | 'proctor'; onRegistered: (name: string) => Promise<void> }) {
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorBody | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const hintId = useId();

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setDone(null);
    let failure: ErrorBody | null = null;
    if (role === 'admin' && password) {
      const r = await proctorApi.createCandidate({ username: username.trim().toLowerCase(), displayName: displayName.trim(), password, testCenterCode: center.code });
      if (!r.ok) failure = r.error;
    } else {
      // Proctors (and admins registering a launch-code-only candidate) use the center's import with a one-row file.
      const r = await proctorApi.importCandidates(center.id, { text: oneCandidateCsv({ username, displayName, password }), fileName: 'single-registration.csv', dryRun: false });
      if (!r.ok) failure = r.error;
      else if (r.data.problems.length || r.data.created !== 1) failure = { code: 'VALIDATION_FAILED', message: 'The candidate was not registered:', problems: r.data.problems.map((p) => ({ ...p, line: undefined, message: p.message.replace(/^line \d+, /, '') })) };
    }
    setBusy(false);
    if (failure) return setError(failure);
    const name = displayName.trim();
    setDone(`Registered ${name} (${username.trim().toLowerCase()}) at ${center.name}.`);
    setUsername('');
    setDisplayName('');
    setPassword('');
    await onRegistered(name);
  }

  return (
    <section aria-labelledby="register-one-title" className="stack">
      <h2 id="register-one-title">Register one candidate</h2>
      <p className="muted" id={hintId}>
        {role === 'admin'
          ? 'With a password, the account is created through the admin route. Leave the password empty for a candidate who signs in with the one-time code on the admission ticket.'
          : 'Proctors register candidates through the test center’s import: this form sends a one-row file, checked like any import. Leave the password empty for a candidate who signs in with the one-time code on the admission ticket.'}
      </p>
      <form onSubmit={submit} className="pc-form-grid" aria-describedby={hintId} noValidate>
        <label>
          Username
          <input value={username} onChange={(e) => setUsername(e.target.value)} required autoComplete="off" aria-describedby="username-hint" />
          <span id="username-hint" className="pc-small muted">
            3–100 characters: letters, digits, . _ @ -
          </span>
        </label>
        <label>
          Display name (as on the photo ID)
          <input value={displayName} onChange={(e) => setDisplayName(e.target.value)} required autoComplete="off" maxLength={200} />
        </label>
        <label>
          Password {role === 'admin' ? '(10 characters or more; optional)' : '(optional, 10 characters or more)'}
          <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" minLength={10} />
        </label>
        <div className="pc-form-actions">
          <button type="submit" disabled={busy}>
            {busy ? 'Registering…' : 'Register candidate'}
          </button>
        </div>
      </form>
      <ApiErrorMessage error={error} />
      {done && (
        <p role="status" className="banner info">
          {done}
        </p>
      )}
    </section>
  );
}

function CsvImport({ center, onImported }: { center: TestCenter; onImported: (n: number) => Promise<void> }) {
  const [text, setText] = useState('');
  const [fileName, setFileName] = useState('candidates.csv');
  const [checked, setChecked] = useState<{ text: string; result: ImportResult } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorBody | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const resultRef = useRef<HTMLElement>(null);

  async function onFile(e: React.ChangeEvent<HTMLInputElement>) {
    const f = e.target.files?.[0];
    if (!f) return;
    setText(await f.text());
    setFileName(f.name);
    setChecked(null);
    setDone(null);
  }

  async function dryRun(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setDone(null);
    const r = await proctorApi.importCandidates(center.id, { text, fileName, dryRun: true });
    setBusy(false);
    if (!r.ok) return setError(r.error);
    setChecked({ text, result: r.data });
    requestAnimationFrame(() => resultRef.current?.focus());
  }

  async function register() {
    if (!checked) return;
    setBusy(true);
    setError(null);
    const r = await proctorApi.importCandidates(center.id, { text: checked.text, fileName, dryRun: false });
    setBusy(false);
    if (!r.ok) return setError(r.error);
    if (r.data.problems.length) {
      setChecked({ text: checked.text, result: r.data });
      return;
    }
    setDone(`Registered ${r.data.created} candidate${r.data.created === 1 ? '' : 's'} from ${fileName}.`);
    setChecked(null);
    setText('');
    await onImported(r.data.created);
  }

  const result = checked && checked.text === text ? checked.result : null;
  const canRegister = !!result && result.problems.length === 0 && result.valid > 0;

  return (
    <section aria-labelledby="csv-title" className="stack">
      <h2 id="csv-title">Import candidates from a CSV file</h2>
      <div className="pc-columns-doc">
        <p>The first row names the columns, in any order. One candidate per row after it:</p>
        <dl>
          <div>
            <dt>
              <code>username</code>
            </dt>
            <dd>Required. 3–100 characters: letters, digits, . _ @ - (stored in lowercase).</dd>
          </div>
          <div>
            <dt>
              <code>display_name</code>
            </dt>
            <dd>Required. The name as on the photo ID; it appears on the roster and the admission ticket.</dd>
          </div>
          <div>
            <dt>
              <code>password</code>
            </dt>
            <dd>Optional. 10 characters or more; leave empty for candidates who sign in with the one-time code on their admission ticket.</dd>
          </div>
        </dl>
        <p className="muted">
          Example: <code>username,display_name,password</code> then <code>jdoe,Jane Doe,</code>. Accommodations (extra time, a separate room) are set on each exam in the Schedule tab. Quote a cell that holds a comma:{' '}
          <code>"Wong, Ben"</code>.
        </p>
      </div>
      <form onSubmit={dryRun} className="stack">
        <label>
          Choose a CSV file
          <input type="file" accept=".csv,text/csv,text/plain" onChange={(e) => void onFile(e)} />
        </label>
        <label>
          Or paste the CSV text
          <textarea
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              setDone(null);
            }}
            rows={6}
            spellCheck={false}
            className="pc-mono"
          />
        </label>
        <div className="row">
          <button type="submit" disabled={busy || text.trim() === ''}>
            {busy && !checked ? 'Checking…' : 'Check the file (dry run)'}
          </button>
        </div>
      </form>
      <ApiErrorMessage error={error} />
      {checked && checked.text !== text && <p className="muted">The text changed since the check: check it again before registering.</p>}
      {result && (
        <section ref={resultRef} tabIndex={-1} className="stack pc-dry-run" data-testid="dry-run-result" aria-labelledby="dry-run-title">
          <h3 id="dry-run-title">
            {result.problems.length
              ? `Dry run: ${result.problems.length} problem${result.problems.length === 1 ? '' : 's'} found, nothing registered`
              : `Dry run: ${result.valid} candidate${result.valid === 1 ? '' : 's'} ready, no problems`}
          </h3>
          {result.problems.length > 0 && (
            <div className="table-wrap">
              <table className="pc-table pc-problems">
                <caption>Problems in {fileName}, by line. Fix them and check the file again.</caption>
                <thead>
                  <tr>
                    <th scope="col">Line</th>
                    <th scope="col">Problem</th>
                  </tr>
                </thead>
                <tbody>
                  {result.problems.map((p, i) => (
                    <tr key={i}>
                      <th scope="row">{p.line ?? '—'}</th>
                      <td>{p.message}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {result.rows.length > 0 && result.problems.length === 0 && (
            <ul className="pc-ready-list" aria-label="Candidates ready to register">
              {result.rows.map((r) => (
                <li key={r.line}>
                  Line {r.line}: {r.displayName} (<code>{r.username}</code>)
                </li>
              ))}
            </ul>
          )}
          {canRegister && (
            <div>
              <button type="button" onClick={() => void register()} disabled={busy}>
                {busy ? 'Registering…' : `Register ${result.valid} candidate${result.valid === 1 ? '' : 's'}`}
              </button>
            </div>
          )}
        </section>
      )}
      {done && (
        <p role="status" className="banner info" data-testid="import-done">
          {done}
        </p>
      )}
    </section>
  );
}
