/** Items a proposal adds, removes or changes, each list folded away (a release can name hundreds). */
import type { Proposal } from './api.ts';

type ItemDiff = NonNullable<Proposal['itemDiff']>;

export function ItemDiffView({ diff, label }: { diff: ItemDiff; label: string }) {
  const lists: [string, string[]][] = [
    ['Items added', diff.added],
    ['Items removed', diff.removed],
    ['Items changed', diff.changed.map((c) => `${c.id}: ${c.from} → ${c.to}`)],
  ];
  return (
    <div className="stack" aria-label={`Item changes in ${label}`} role="group">
      {lists.map(([title, entries]) => (
        <details key={title}>
          <summary>
            {title} ({entries.length})
          </summary>
          {entries.length ? (
            <ul className="item-diff-list">
              {entries.map((e) => (
                <li key={e}>{e}</li>
              ))}
            </ul>
          ) : (
            <p className="muted">None.</p>
          )}
        </details>
      ))}
    </div>
  );
}
