/**
 * WAI-ARIA tabs (https://www.w3.org/WAI/ARIA/apg/patterns/tabs/): one tab stop for the tab list, arrow keys, Home and
 * End move between tabs and select them (automatic activation). Panels stay mounted once visited, so a dry run or a
 * half-edited item survives a look at another tab.
 */
import { useRef, useState, type ReactNode } from 'react';

export interface TabDef<Id extends string> {
  id: Id;
  label: string;
  render: () => ReactNode;
}

export function Tabs<Id extends string>({ tabs, selected, onSelect, label }: { tabs: TabDef<Id>[]; selected: Id; onSelect: (id: Id) => void; label: string }) {
  const refs = useRef(new Map<Id, HTMLButtonElement>());
  const [visited, setVisited] = useState<Set<Id>>(() => new Set([selected]));
  if (!visited.has(selected)) setVisited(new Set([...visited, selected]));

  function onKeyDown(e: React.KeyboardEvent, index: number) {
    const last = tabs.length - 1;
    const to = e.key === 'ArrowRight' ? (index === last ? 0 : index + 1) : e.key === 'ArrowLeft' ? (index === 0 ? last : index - 1) : e.key === 'Home' ? 0 : e.key === 'End' ? last : null;
    if (to === null) return;
    e.preventDefault();
    const id = tabs[to]!.id;
    onSelect(id);
    refs.current.get(id)?.focus();
  }

  return (
    <>
      <div role="tablist" aria-label={label} className="author-tablist">
        {tabs.map((t, i) => (
          <button
            key={t.id}
            ref={(el) => {
              if (el) refs.current.set(t.id, el);
              else refs.current.delete(t.id);
            }}
            type="button"
            role="tab"
            id={`author-tab-${t.id}`}
            aria-controls={`author-panel-${t.id}`}
            aria-selected={t.id === selected}
            tabIndex={t.id === selected ? 0 : -1}
            className="author-tab"
            onClick={() => onSelect(t.id)}
            onKeyDown={(e) => onKeyDown(e, i)}
          >
            {t.label}
          </button>
        ))}
      </div>
      {tabs.map((t) => (
        <div key={t.id} role="tabpanel" id={`author-panel-${t.id}`} aria-labelledby={`author-tab-${t.id}`} hidden={t.id !== selected} className="author-panel">
          {visited.has(t.id) ? t.render() : null}
        </div>
      ))}
    </>
  );
}
