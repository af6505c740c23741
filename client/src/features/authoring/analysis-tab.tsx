/**
 * Item analysis of a module from its delivered, scored sessions (GET /api/bank/analysis): the form summary, a sortable
 * item table with the review flags, the thresholds behind the flags, a scatter plot of p against the corrected
 * point-biserial, and for one item its distractors. A probable miskey leads to rescoring: admins dry-run and apply
 * POST /api/admin/rescore here; authors are told that an admin must rescore once the key is corrected. Pretest items
 * get the same statistics (column "Role").
 */
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { Dialog } from '../../components/ui/dialog.tsx';
import { OptionShareChart, ScatterPlot, ScoreHistogram } from './analysis-charts.tsx';
import { DEFAULT_THRESHOLDS, getAnalysis, MODULES, rescore, type FlagCode, type ItemAnalysis, type ModuleAnalysis, type Problem, type RescoreResult, type Thresholds } from './api.ts';
import { fmt, pct, sortBy, type SortDir } from './author-helpers.ts';
import { useFocusOn } from './use-focus.ts';
import { TableWrap } from './table-wrap.tsx';

type SortKey = 'itemId' | 'role' | 'n' | 'p' | 'correctedPointBiserial' | 'pointBiserial' | 'discriminationIndex' | 'omitShare' | 'exposure' | 'forms' | 'flags';

const COLUMNS: { key: SortKey; label: string; numeric: boolean; value: (i: ItemAnalysis) => number | string | null }[] = [
  { key: 'itemId', label: 'Item', numeric: false, value: (i) => i.itemId },
  { key: 'role', label: 'Role', numeric: false, value: (i) => i.role },
  { key: 'n', label: 'n', numeric: true, value: (i) => i.n },
  { key: 'p', label: 'p', numeric: true, value: (i) => i.p },
  { key: 'correctedPointBiserial', label: 'Corrected r_pb', numeric: true, value: (i) => i.correctedPointBiserial },
  { key: 'pointBiserial', label: 'r_pb', numeric: true, value: (i) => i.pointBiserial },
  { key: 'discriminationIndex', label: 'D (27%)', numeric: true, value: (i) => i.discriminationIndex },
  { key: 'omitShare', label: 'Omitted', numeric: true, value: (i) => i.omitShare },
  { key: 'exposure', label: 'Seen by', numeric: true, value: (i) => i.exposure },
  { key: 'forms', label: 'Forms', numeric: true, value: (i) => i.forms },
  { key: 'flags', label: 'Flags', numeric: true, value: (i) => i.flags.filter((f) => f.severity === 'warning').length * 100 + i.flags.length },
];

const FLAG_TEXT: Record<FlagCode, string> = {
  TOO_HARD: 'Too hard',
  TOO_EASY: 'Too easy',
  LOW_DISCRIMINATION: 'Low discrimination',
  DISTRACTOR_POSITIVE: 'Distractor positive',
  PROBABLE_MISKEY: 'Probable miskey',
  NONFUNCTIONAL_DISTRACTOR: 'Weak distractor',
};

interface ThresholdText {
  pMin: string;
  pMax: string;
  minCorrectedPointBiserial: string;
}

const asText = (t: Thresholds): ThresholdText => ({ pMin: String(t.pMin), pMax: String(t.pMax), minCorrectedPointBiserial: String(t.minCorrectedPointBiserial) });

function parseThresholds(t: ThresholdText): { ok: true; value: Thresholds } | { ok: false; message: string } {
  const pMin = Number(t.pMin);
  const pMax = Number(t.pMax);
  const r = Number(t.minCorrectedPointBiserial);
  if (t.pMin.trim() === '' || !Number.isFinite(pMin) || pMin < 0 || pMin > 1) return { ok: false, message: 'p minimum must be a number from 0 to 1.' };
  if (t.pMax.trim() === '' || !Number.isFinite(pMax) || pMax < 0 || pMax > 1) return { ok: false, message: 'p maximum must be a number from 0 to 1.' };
  if (pMin > pMax) return { ok: false, message: 'p minimum must not be greater than p maximum.' };
  if (t.minCorrectedPointBiserial.trim() === '' || !Number.isFinite(r) || r < -1 || r > 1) return { ok: false, message: 'The minimum corrected point-biserial must be a number from −1 to 1.' };
  return { ok: true, value: { pMin, pMax, minCorrectedPointBiserial: r } };
}

export function AnalysisTab({ isAdmin, onOpenItem, announce }: { isAdmin: boolean; onOpenItem: (id: string) => void; announce: (text: string) => void }) {
  const [module, setModule] = useState<string>('SAF');
  // '' = every session; 'live' = sessions drawn from the live bank; else a bank release id.
  const [release, setRelease] = useState('');
  // The releases the module's sessions came from (the server lists them whatever the filter).
  const [releaseChoices, setReleaseChoices] = useState<ModuleAnalysis['releases']>([]);
  const [thresholds, setThresholds] = useState<Thresholds>({ pMin: DEFAULT_THRESHOLDS.pMin, pMax: DEFAULT_THRESHOLDS.pMax, minCorrectedPointBiserial: DEFAULT_THRESHOLDS.minCorrectedPointBiserial });
  const [thresholdText, setThresholdText] = useState<ThresholdText>(() => asText(DEFAULT_THRESHOLDS));
  const [thresholdError, setThresholdError] = useState<string | null>(null);
  const [data, setData] = useState<ModuleAnalysis | null>(null);
  const [error, setError] = useState<{ message: string; problems: Problem[] } | null>(null);
  const [loading, setLoading] = useState(false);
  const [sort, setSort] = useState<{ key: SortKey; dir: SortDir }>({ key: 'flags', dir: 'descending' });
  const [flaggedOnly, setFlaggedOnly] = useState(false);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const detailRef = useRef<HTMLHeadingElement>(null);
  const [picked, setPicked] = useState(0);
  useFocusOn(detailRef, picked);
  const rowButtons = useRef(new Map<string, HTMLButtonElement>());
  const ids = { module: useId(), release: useId(), pMin: useId(), pMax: useId(), rMin: useId(), thrErr: useId() };

  useEffect(() => {
    let live = true;
    setLoading(true);
    void getAnalysis(module, thresholds, release || undefined).then((r) => {
      if (!live) return;
      setLoading(false);
      if (r.ok) {
        setData(r.data);
        setReleaseChoices(r.data.releases);
        setError(null);
        const from = r.data.scope.release ? ` (${scopeText(r.data.scope)})` : '';
        announce(r.data.sessions === 0 ? `${module}${from}: no scored sessions yet.` : `${module}${from}: ${r.data.items.length} items from ${r.data.sessions} sessions, ${r.data.items.filter((i) => i.flags.some((f) => f.severity === 'warning')).length} flagged.`);
      } else {
        setData(null);
        setError({ message: r.error.message, problems: r.error.problems ?? [] });
      }
    });
    return () => {
      live = false;
    };
  }, [module, thresholds, release, announce]);

  // The server resolves thresholds only when there is something to analyse; fall back to what was asked.
  const applied: Thresholds = { ...thresholds, ...(data?.thresholds ?? {}) } as Thresholds;
  const rows = useMemo(() => {
    const list = (data?.items ?? []).filter((i) => !flaggedOnly || i.flags.length > 0);
    const col = COLUMNS.find((c) => c.key === sort.key)!;
    return sortBy(list, col.value, sort.dir, (i) => i.itemId);
  }, [data, flaggedOnly, sort]);
  const selected = data?.items.find((i) => i.itemId === selectedId) ?? null;

  function select(id: string) {
    setSelectedId(id);
    setPicked((n) => n + 1);
  }

  function applyThresholds(e: React.FormEvent) {
    e.preventDefault();
    const parsed = parseThresholds(thresholdText);
    if (!parsed.ok) {
      setThresholdError(parsed.message);
      return;
    }
    setThresholdError(null);
    setThresholds(parsed.value);
  }

  function toggleSort(key: SortKey) {
    setSort((s) => (s.key === key ? { key, dir: s.dir === 'ascending' ? 'descending' : 'ascending' } : { key, dir: key === 'itemId' || key === 'role' ? 'ascending' : 'descending' }));
  }

  return (
    <div className="stack">
      <h2>Item analysis</h2>
      <p className="muted">Classical statistics from every scored session of the module: p (proportion correct), the corrected point-biserial (the item against the rest of the test), the upper–lower 27% index D, and each option's share.</p>

      <div className="author-analysis-controls">
        <div className="author-field">
          <label htmlFor={ids.module}>Module</label>
          <select
            id={ids.module}
            value={module}
            onChange={(e) => {
              setModule(e.currentTarget.value);
              setRelease('');
              setReleaseChoices([]);
              setSelectedId(null);
            }}
          >
            {MODULES.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </div>
        <div className="author-field">
          <label htmlFor={ids.release}>Bank release</label>
          <select
            id={ids.release}
            value={release}
            onChange={(e) => {
              setRelease(e.currentTarget.value);
              setSelectedId(null);
            }}
          >
            <option value="">All releases</option>
            {releaseChoices.map((r) => (
              <option key={r.id ?? 'live'} value={r.id ?? 'live'}>
                {r.name ?? 'Live bank (no release)'} ({r.sessions} session{r.sessions === 1 ? '' : 's'})
              </option>
            ))}
          </select>
        </div>
        <form className="author-thresholds" onSubmit={applyThresholds} aria-label="Flag thresholds" noValidate>
          <div className="author-field">
            <label htmlFor={ids.pMin}>p minimum</label>
            <input id={ids.pMin} type="number" inputMode="decimal" step="0.01" min="0" max="1" value={thresholdText.pMin} onChange={(e) => setThresholdText({ ...thresholdText, pMin: e.currentTarget.value })} aria-describedby={thresholdError ? ids.thrErr : undefined} />
          </div>
          <div className="author-field">
            <label htmlFor={ids.pMax}>p maximum</label>
            <input id={ids.pMax} type="number" inputMode="decimal" step="0.01" min="0" max="1" value={thresholdText.pMax} onChange={(e) => setThresholdText({ ...thresholdText, pMax: e.currentTarget.value })} aria-describedby={thresholdError ? ids.thrErr : undefined} />
          </div>
          <div className="author-field">
            <label htmlFor={ids.rMin}>Minimum corrected r_pb</label>
            <input
              id={ids.rMin}
              type="number"
              inputMode="decimal"
              step="0.01"
              min="-1"
              max="1"
              value={thresholdText.minCorrectedPointBiserial}
              onChange={(e) => setThresholdText({ ...thresholdText, minCorrectedPointBiserial: e.currentTarget.value })}
              aria-describedby={thresholdError ? ids.thrErr : undefined}
            />
          </div>
          <div className="row author-threshold-buttons">
            <button type="submit" className="secondary">
              Apply thresholds
            </button>
            <button
              type="button"
              className="link"
              onClick={() => {
                setThresholdText(asText(DEFAULT_THRESHOLDS));
                setThresholdError(null);
                setThresholds({ pMin: DEFAULT_THRESHOLDS.pMin, pMax: DEFAULT_THRESHOLDS.pMax, minCorrectedPointBiserial: DEFAULT_THRESHOLDS.minCorrectedPointBiserial });
              }}
            >
              Reset to defaults
            </button>
          </div>
          {thresholdError && (
            <p id={ids.thrErr} className="error" role="alert">
              {thresholdError}
            </p>
          )}
        </form>
      </div>

      {loading && !data && (
        <p className="loading" role="status">
          <span className="spinner" aria-hidden="true" /> Analysing…
        </p>
      )}
      {error && (
        <div className="banner error" role="alert">
          <p>{error.message}</p>
          {error.problems.length > 0 && (
            <ul>
              {error.problems.map((p, i) => (
                <li key={i}>{p.message}</li>
              ))}
            </ul>
          )}
        </div>
      )}

      {data && data.sessions === 0 && (
        <div className="author-empty" data-testid="analysis-empty">
          <h3>No delivered sessions for {data.module}{data.scope.release ? ` from ${scopeText(data.scope)}` : ''} yet</h3>
          <p>Statistics appear here once candidates have finished and been scored on {data.module} forms. Statistics imported with an item's bank file (its optional "stats") are shown with the item in the Items tab.</p>
        </div>
      )}

      {data && data.sessions > 0 && (
        <>
          <FormSummary data={data} />
          <ScatterPlot items={data.items} thresholds={applied} selectedId={selectedId} onSelect={select} />

          {selected && <ItemPanel key={selected.itemId} item={selected} isAdmin={isAdmin} headingRef={detailRef} onOpenItem={onOpenItem} onClose={() => {
            const id = selected.itemId;
            setSelectedId(null);
            requestAnimationFrame(() => rowButtons.current.get(id)?.focus());
          }} />}

          <div className="row">
            <label className="check">
              <input type="checkbox" checked={flaggedOnly} onChange={(e) => setFlaggedOnly(e.currentTarget.checked)} />
              <span>Only items with flags</span>
            </label>
            <span className="muted">
              {rows.length} of {data.items.length} items
            </span>
          </div>
          <TableWrap label={`Item statistics for ${data.module}`}>
            <table className="kwa-table author-table author-analysis-table">
              <caption className="visually-hidden">
                Item statistics for {data.module}, sorted by {COLUMNS.find((c) => c.key === sort.key)!.label} {sort.dir}
              </caption>
              <thead>
                <tr>
                  {COLUMNS.map((c) => (
                    <th key={c.key} scope="col" aria-sort={sort.key === c.key ? sort.dir : undefined} className={c.numeric ? 'num' : undefined}>
                      <button type="button" className="author-sort" onClick={() => toggleSort(c.key)}>
                        {c.label}
                        <span aria-hidden="true" className="author-sort-icon">
                          {sort.key === c.key ? (sort.dir === 'ascending' ? '▲' : '▼') : '↕'}
                        </span>
                      </button>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map((i) => (
                  <tr key={i.itemId} className={i.itemId === selectedId ? 'selected' : undefined}>
                    <th scope="row">
                      <button
                        type="button"
                        className="link author-mono"
                        aria-current={i.itemId === selectedId ? 'true' : undefined}
                        ref={(el) => {
                          if (el) rowButtons.current.set(i.itemId, el);
                          else rowButtons.current.delete(i.itemId);
                        }}
                        onClick={() => select(i.itemId)}
                      >
                        {i.itemId}
                      </button>
                    </th>
                    <td>{i.role}</td>
                    <td className="num">{i.n}</td>
                    <td className="num">{fmt(i.p)}</td>
                    <td className="num">{fmt(i.correctedPointBiserial)}</td>
                    <td className="num">{fmt(i.pointBiserial)}</td>
                    <td className="num">{fmt(i.discriminationIndex)}</td>
                    <td className="num">{pct(i.omitShare)}</td>
                    <td className="num">
                      {i.exposure} <span className="muted">({pct(i.exposureRate)})</span>
                    </td>
                    <td className="num">{i.forms}</td>
                    <td>
                      {i.overExposed && <span className="author-flag flag-warning">Over-exposed</span>} {(!i.overExposed || i.flags.length > 0) && <FlagTags item={i} />}
                      {i.suggestion && <span className="author-flag flag-info">Suggest {i.suggestion.action}</span>}
                    </td>
                  </tr>
                ))}
                {rows.length === 0 && (
                  <tr>
                    <td colSpan={COLUMNS.length} className="muted">
                      No item has a flag.
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          </TableWrap>
        </>
      )}
    </div>
  );
}

/** "release GRN 2026-A" or "the live bank (no release)" for a filtered analysis. */
function scopeText(scope: ModuleAnalysis['scope']): string {
  return scope.release === 'live' ? 'the live bank (no release)' : `release ${scope.name ?? scope.release}`;
}

function FlagTags({ item }: { item: ItemAnalysis }) {
  if (item.flags.length === 0) return <span className="muted">none</span>;
  const codes = [...new Set(item.flags.map((f) => f.code))];
  return (
    <span className="author-flags">
      {codes.map((c) => {
        const sev = item.flags.find((f) => f.code === c)!.severity;
        return (
          <span key={c} className={`author-flag flag-${sev}${c === 'PROBABLE_MISKEY' ? ' miskey' : ''}`}>
            {FLAG_TEXT[c] ?? c}
          </span>
        );
      })}
    </span>
  );
}

function FormSummary({ data }: { data: ModuleAnalysis }) {
  const f = data.form;
  const flagged = data.items.filter((i) => i.flags.some((fl) => fl.severity === 'warning')).length;
  return (
    <section className="stack" aria-labelledby="analysis-form-title">
      <h3 id="analysis-form-title">
        {data.module}: {data.sessions} scored session{data.sessions === 1 ? '' : 's'}
      </h3>
      <p data-testid="analysis-scope">Statistics from {data.scope.release ? scopeText(data.scope) : 'every bank release and the live bank'}.</p>
      <dl className="author-counts">
        <div>
          <dt>Candidates</dt>
          <dd>{f?.candidates ?? data.sessions}</dd>
        </div>
        <div>
          <dt>Items analysed</dt>
          <dd>{f?.items ?? data.items.length}</dd>
        </div>
        <div className={flagged ? 'thin' : ''}>
          <dt>Flagged items</dt>
          <dd>{flagged}</dd>
        </div>
        <div>
          <dt>Mean score</dt>
          <dd>{fmt(f?.mean, 1)}</dd>
        </div>
        <div>
          <dt>SD</dt>
          <dd>{fmt(f?.sd, 2)}</dd>
        </div>
        <div>
          <dt>KR-20</dt>
          <dd>{fmt(f?.kr20, 2)}</dd>
        </div>
        <div>
          <dt>SEM</dt>
          <dd>{fmt(f?.sem, 2)}</dd>
        </div>
      </dl>
      {!data.scope.release && data.releases.some((r) => r.id !== null) && (
        // Sessions per bank release (docs/authoring.md, "Bank releases"): shown once any session drew from a release.
        <p>
          Bank releases: {data.releases.map((r) => `${r.name ?? 'live bank (no release)'}: ${r.sessions} session${r.sessions === 1 ? '' : 's'}`).join('; ')}.
        </p>
      )}
      {f && f.notes.length > 0 && (
        <ul className="author-notes">
          {f.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
      {f && <ScoreHistogram form={f} />}
    </section>
  );
}

function ItemPanel({ item, isAdmin, headingRef, onOpenItem, onClose }: { item: ItemAnalysis; isAdmin: boolean; headingRef: React.RefObject<HTMLHeadingElement | null>; onOpenItem: (id: string) => void; onClose: () => void }) {
  const miskey = item.flags.find((f) => f.code === 'PROBABLE_MISKEY');
  return (
    <section className="card author-item-panel" aria-labelledby="analysis-item-title">
      <div className="author-detail-head">
        <h3 id="analysis-item-title" ref={headingRef} tabIndex={-1}>
          <span className="author-mono">{item.itemId}</span> <span className="muted">· {item.role}, key {item.key}, n {item.n}, seen by {item.exposure} candidate{item.exposure === 1 ? '' : 's'} ({pct(item.exposureRate)}) on {item.forms} delivered form{item.forms === 1 ? '' : 's'}</span>
        </h3>
        <div className="row">
          <button type="button" className="secondary" onClick={() => onOpenItem(item.itemId)}>
            Open in Items
          </button>
          <button type="button" className="secondary" onClick={onClose}>
            Close<span className="visually-hidden"> {item.itemId}</span>
          </button>
        </div>
      </div>
      <p data-testid="analysis-item-sources">From {item.releases.map((r) => `${r.name ?? 'the live bank'} (${r.candidates} candidate${r.candidates === 1 ? '' : 's'})`).join(', ')}.</p>
      {item.suggestion ? (
        <section aria-labelledby="analysis-suggestion-title">
          <h4 id="analysis-suggestion-title">Suggestion: {item.suggestion.action === 'retire' ? 'retire the item' : 'rewrite the item'}</h4>
          <ul className="author-flag-list">
            {item.suggestion.reasons.map((r, k) => (
              <li key={k} className="flag-warning">
                <strong>{r.code.replaceAll('_', ' ').toLowerCase()}</strong> ({r.statistic} {fmt(r.value)}, threshold {fmt(r.threshold)}). {r.message}
              </li>
            ))}
          </ul>
          {item.suggestion.caution && <p className="muted">{item.suggestion.caution}</p>}
        </section>
      ) : (
        <p className="muted">No retirement or rewrite suggested.</p>
      )}
      {item.flags.length > 0 ? (
        <ul className="author-flag-list">
          {item.flags.map((f, i) => (
            <li key={i} className={`flag-${f.severity}`}>
              <strong>{FLAG_TEXT[f.code] ?? f.code}.</strong> {f.message}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No flags at these thresholds.</p>
      )}

      <div className="author-two">
        <div className="stack">
          <h4>Distractors</h4>
          <TableWrap label="Option statistics">
            <table className="kwa-table author-table">
              <caption className="visually-hidden">Options of {item.itemId}: how many chose each, and its point-biserial with the total score</caption>
              <thead>
                <tr>
                  <th scope="col">Option</th>
                  <th scope="col" className="num">
                    Chosen
                  </th>
                  <th scope="col" className="num">
                    Share
                  </th>
                  <th scope="col" className="num">
                    r_pb
                  </th>
                </tr>
              </thead>
              <tbody>
                {item.options.map((o) => (
                  <tr key={o.optionId} className={o.isKey ? 'is-key' : undefined}>
                    <th scope="row">
                      {o.optionId}
                      {o.isKey && <span className="tag author-key-tag">Key</span>}
                    </th>
                    <td className="num">{o.count}</td>
                    <td className="num">{pct(o.share, 1)}</td>
                    <td className={`num${!o.isKey && (o.pointBiserial ?? 0) > 0 ? ' author-warn-text' : ''}`}>{fmt(o.pointBiserial)}</td>
                  </tr>
                ))}
                <tr>
                  <th scope="row">Omitted</th>
                  <td className="num">{item.omitShare === null ? '—' : Math.round(item.omitShare * item.n)}</td>
                  <td className="num">{pct(item.omitShare, 1)}</td>
                  <td className="num">—</td>
                </tr>
              </tbody>
            </table>
          </TableWrap>
          <p className="muted">r_pb of an option: positive when stronger candidates (by total score) tend to choose it. A distractor should be negative.</p>
        </div>
        <div className="stack">
          <h4>Option choice, all candidates</h4>
          <OptionShareChart item={item} />
          <p className="muted">
            How often each option was chosen, by every candidate together. Choice by score group (lower, middle and upper thirds) is not available from this analysis; the r_pb column shows which way stronger candidates lean.
          </p>
        </div>
      </div>

      {miskey && <MiskeyPanel item={item} isAdmin={isAdmin} onOpenItem={onOpenItem} />}
    </section>
  );
}

function MiskeyPanel({ item, isAdmin, onOpenItem }: { item: ItemAnalysis; isAdmin: boolean; onOpenItem: (id: string) => void }) {
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [dry, setDry] = useState<RescoreResult | null>(null);
  const [applied, setApplied] = useState<RescoreResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirm, setConfirm] = useState(false);
  const reasonId = useId();
  const resultRef = useRef<HTMLDivElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const [answered, setAnswered] = useState(0);
  useFocusOn(resultRef, answered);

  async function run(dryRun: boolean) {
    if (reason.trim().length < 3) {
      setError('Give a reason of at least 3 characters; it is kept in the audit log with every change.');
      return;
    }
    setBusy(true);
    setError(null);
    const r = await rescore({ itemId: item.itemId, dryRun, reason: reason.trim() });
    setBusy(false);
    setConfirm(false);
    if (!r.ok) {
      setError(r.error.problems?.length ? r.error.problems.map((p) => p.message).join('; ') : r.error.message);
      return;
    }
    if (dryRun) {
      setDry(r.data);
      setApplied(null);
    } else setApplied(r.data);
    setAnswered((n) => n + 1);
  }

  return (
    <section className="author-miskey stack" aria-labelledby="miskey-title">
      <h4 id="miskey-title">Probable miskey: correct the key, then rescore</h4>
      <ol>
        <li>
          Check the key of {item.itemId} and correct it in the Items tab:{' '}
          <button type="button" className="link" onClick={() => onOpenItem(item.itemId)}>
            edit {item.itemId}
          </button>
          . The correction is a new version with the same stem and options.
        </li>
        <li>Rescore: every scored session that delivered {item.itemId} is scored again with the item's current key. Certificates are issued or revoked where the outcome changes, and each change is audited.</li>
      </ol>
      {!isAdmin ? (
        <p className="banner info">Only an admin can rescore. Once the key is corrected, ask an admin to rescore {item.itemId} from this page.</p>
      ) : (
        <div className="stack">
          <div className="author-field">
            <label htmlFor={reasonId}>Reason for rescoring</label>
            <input id={reasonId} value={reason} onChange={(e) => setReason(e.currentTarget.value)} maxLength={500} aria-invalid={!!error && reason.trim().length < 3} aria-describedby={error ? `${reasonId}-err` : undefined} />
          </div>
          {error && (
            <p id={`${reasonId}-err`} className="error" role="alert">
              {error}
            </p>
          )}
          <div className="row">
            <button type="button" className="secondary" onClick={() => !busy && void run(true)} aria-disabled={busy || undefined}>
              Rescore (dry run)
            </button>
          </div>
          {(dry || applied) && (
            <div ref={resultRef} tabIndex={-1} className="stack" data-testid="rescore-result">
              <RescoreTable result={applied ?? dry!} />
              {!applied && dry && dry.changes.length > 0 && (
                <div className="row">
                  <button type="button" onClick={() => setConfirm(true)} disabled={busy}>
                    Apply rescore
                  </button>
                </div>
              )}
            </div>
          )}
          {confirm && dry && (
            <Dialog title={`Apply the rescore of ${item.itemId}?`} role="alertdialog" onClose={() => setConfirm(false)} initialFocus={cancelRef}>
              <p>
                {dry.changes.length} score{dry.changes.length === 1 ? '' : 's'} will change with the key of version {dry.keyVersion}. Certificates are issued or revoked where the outcome changes. This is recorded in the audit log with
                your reason.
              </p>
              <div className="dialog-actions">
                <button type="button" ref={cancelRef} className="secondary" onClick={() => setConfirm(false)}>
                  Cancel
                </button>
                <button type="button" onClick={() => void run(false)} disabled={busy}>
                  Apply rescore
                </button>
              </div>
            </Dialog>
          )}
        </div>
      )}
    </section>
  );
}

function RescoreTable({ result }: { result: RescoreResult }) {
  const n = result.changes.length;
  return (
    <>
      <p className={`banner ${result.dryRun ? 'info' : 'warn'}`}>
        {result.dryRun ? 'Dry run: ' : 'Applied: '}
        {result.sessionsChecked} session{result.sessionsChecked === 1 ? '' : 's'} checked with the key of version {result.keyVersion}; {n} score{n === 1 ? '' : 's'} {result.dryRun ? 'would change' : 'changed'}.
        {n === 0 && result.dryRun ? ' If the key has not been corrected yet, correct it first.' : ''}
      </p>
      {n > 0 && (
        <TableWrap label="Score changes">
          <table className="kwa-table author-table">
            <caption className="visually-hidden">Score changes of the rescore</caption>
            <thead>
              <tr>
                <th scope="col">Candidate</th>
                <th scope="col" className="num">
                  Raw score before
                </th>
                <th scope="col" className="num">
                  After
                </th>
                <th scope="col">Outcome</th>
              </tr>
            </thead>
            <tbody>
              {result.changes.map((c) => (
                <tr key={c.sessionId}>
                  <th scope="row">{c.candidate}</th>
                  <td className="num">{c.before.rawScore}</td>
                  <td className="num">{c.after.rawScore}</td>
                  <td>
                    {c.before.passed === c.after.passed ? (c.after.passed ? 'Pass (unchanged)' : 'Fail (unchanged)') : c.after.passed ? <strong>Fail → Pass</strong> : <strong>Pass → Fail</strong>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </>
  );
}
