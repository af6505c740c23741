/**
 * Items: filter the bank by module, KWA, status and topic (server side, GET /api/bank/items) and by a free-text search
 * (here), list the current version of each item, and open one to read it in full, preview it as a candidate sees it,
 * edit it (a content change is a new version) or retire it.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { listItems, MODULES, STATUSES, type BankItem, type BlueprintCoverage, type ItemFilter } from './api.ts';
import { excerpt, matchesSearch } from './author-helpers.ts';
import { ItemDetail } from './item-detail.tsx';
import { TableWrap } from './table-wrap.tsx';

export interface OpenItemRequest {
  id: string;
  nonce: number;
}

const PAGE = 100;

export function ItemsTab({
  bankVersion,
  coverage,
  onBankChanged,
  openItem,
  announce,
}: {
  bankVersion: number;
  coverage: BlueprintCoverage[] | null;
  onBankChanged: () => void;
  openItem: OpenItemRequest | null;
  announce: (text: string) => void;
}) {
  const [filter, setFilter] = useState<ItemFilter>({});
  const [topicText, setTopicText] = useState('');
  const [search, setSearch] = useState('');
  const [items, setItems] = useState<BankItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [limit, setLimit] = useState(PAGE);
  const [selected, setSelected] = useState<BankItem | null>(null);
  const rowButtons = useRef(new Map<string, HTMLButtonElement>());
  const handledOpen = useRef<number | null>(null);

  // The topic is typed: wait for a pause before asking the server.
  useEffect(() => {
    const t = setTimeout(() => setFilter((f) => (f.topic === (topicText.trim() || undefined) ? f : { ...f, topic: topicText.trim() || undefined })), 300);
    return () => clearTimeout(t);
  }, [topicText]);

  useEffect(() => {
    let live = true;
    setLoading(true);
    void listItems(filter).then((r) => {
      if (!live) return;
      setLoading(false);
      if (r.ok) {
        setItems(r.data);
        setError(null);
        setLimit(PAGE);
      } else setError(r.error.message);
    });
    return () => {
      live = false;
    };
  }, [filter, bankVersion]);

  // Keep the open item in step with the bank (after an edit, a retire or an import).
  useEffect(() => {
    if (!selected) return;
    let live = true;
    void listItems({ module: selected.module }).then((r) => {
      if (live && r.ok) setSelected(r.data.find((i) => i.id === selected.id) ?? null);
    });
    return () => {
      live = false;
    };
  }, [bankVersion]); // not on `selected`: this effect is what updates it

  // Another tab asked to open an item (item analysis → "Open in Items").
  useEffect(() => {
    if (!openItem || handledOpen.current === openItem.nonce) return;
    handledOpen.current = openItem.nonce;
    const module = openItem.id.split('-')[0];
    void listItems(MODULES.includes(module as never) ? { module } : {}).then((r) => {
      if (!r.ok) return;
      const found = r.data.find((i) => i.id === openItem.id);
      if (found) setSelected(found);
      else announce(`Item ${openItem.id} is not in the bank.`);
    });
  }, [openItem, announce]);

  const kwas = useMemo(() => {
    const list = (coverage ?? []).filter((c) => !filter.module || c.module === filter.module).flatMap((c) => c.kwas.map((k) => ({ code: k.kwa, title: k.title })));
    return [...new Map(list.map((k) => [k.code, k])).values()].sort((a, b) => a.code.localeCompare(b.code));
  }, [coverage, filter.module]);

  const topics = useMemo(() => [...new Set((items ?? []).flatMap((i) => i.content.topics))].sort(), [items]);
  const matching = useMemo(() => (items ?? []).filter((i) => matchesSearch(i, search)), [items, search]);
  const shown = matching.slice(0, limit);

  function set<K extends keyof ItemFilter>(k: K, v: string) {
    setFilter((f) => {
      const next = { ...f, [k]: v || undefined };
      if (k === 'module' && next.kwa && v && !next.kwa.startsWith(`${v}-`)) next.kwa = undefined;
      return next;
    });
  }

  function closeDetail() {
    const id = selected?.id;
    setSelected(null);
    if (id) requestAnimationFrame(() => rowButtons.current.get(id)?.focus());
  }

  return (
    <div className="stack">
      <h2>Items</h2>
      <form className="author-filters" role="search" aria-label="Filter items" onSubmit={(e) => e.preventDefault()}>
        <label>
          Module
          <select value={filter.module ?? ''} onChange={(e) => set('module', e.currentTarget.value)}>
            <option value="">All modules</option>
            {MODULES.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </label>
        <label>
          KWA
          <select value={filter.kwa ?? ''} onChange={(e) => set('kwa', e.currentTarget.value)}>
            <option value="">All KWAs</option>
            {kwas.map((k) => (
              <option key={k.code} value={k.code}>
                {k.code} — {excerpt(k.title, 40)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select value={filter.status ?? ''} onChange={(e) => set('status', e.currentTarget.value)}>
            <option value="">Any status</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Topic
          <input type="text" list="author-topics" value={topicText} onChange={(e) => setTopicText(e.currentTarget.value)} placeholder="e.g. lockout-tagout" />
          <datalist id="author-topics">
            {topics.map((t) => (
              <option key={t} value={t} />
            ))}
          </datalist>
        </label>
        <label className="author-search">
          Search
          <input type="search" value={search} onChange={(e) => setSearch(e.currentTarget.value)} placeholder="Item id or words of the stem" />
        </label>
      </form>

      {error && (
        <p className="banner error" role="alert">
          {error}
        </p>
      )}

      <div className={`author-split${selected ? ' with-detail' : ''}`}>
        <div className="stack author-list">
          <p className="muted" aria-live="polite">
            {loading && !items ? 'Loading items…' : items ? `${matching.length} item${matching.length === 1 ? '' : 's'}${matching.length > shown.length ? `, showing the first ${shown.length}` : ''}` : ''}
          </p>
          {items && (
            <TableWrap label="Item list">
              <table className="kwa-table author-table author-items">
                <caption className="visually-hidden">Items: current versions</caption>
                <thead>
                  <tr>
                    <th scope="col">Item</th>
                    <th scope="col">KWA</th>
                    <th scope="col">Status</th>
                    <th scope="col">Version</th>
                    <th scope="col">Stem</th>
                  </tr>
                </thead>
                <tbody>
                  {shown.map((i) => (
                    <tr key={i.id} className={selected?.id === i.id ? 'selected' : undefined}>
                      <th scope="row">
                        <button
                          type="button"
                          className="link author-mono"
                          aria-current={selected?.id === i.id ? 'true' : undefined}
                          ref={(el) => {
                            if (el) rowButtons.current.set(i.id, el);
                            else rowButtons.current.delete(i.id);
                          }}
                          onClick={() => setSelected(i)}
                        >
                          {i.id}
                        </button>
                      </th>
                      <td>{i.content.kwa}</td>
                      <td>
                        <span className={`author-status status-${i.status}`}>{i.status}</span>
                      </td>
                      <td>{i.version}</td>
                      <td className="author-stem-cell">{excerpt(i.content.stem)}</td>
                    </tr>
                  ))}
                  {shown.length === 0 && (
                    <tr>
                      <td colSpan={5} className="muted">
                        No item matches these filters.
                      </td>
                    </tr>
                  )}
                </tbody>
              </table>
            </TableWrap>
          )}
          {matching.length > shown.length && (
            <button type="button" className="secondary" onClick={() => setLimit((l) => l + PAGE)}>
              Show {Math.min(PAGE, matching.length - shown.length)} more
            </button>
          )}
        </div>
        {selected && (
          <ItemDetail
            key={selected.id}
            item={selected}
            kwas={(coverage ?? []).find((c) => c.module === selected.module)?.kwas.map((k) => ({ code: k.kwa, title: k.title })) ?? []}
            onClose={closeDetail}
            onSaved={onBankChanged}
            announce={announce}
          />
        )}
      </div>
    </div>
  );
}
