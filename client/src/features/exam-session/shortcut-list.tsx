import { SHORTCUTS } from './shortcuts.ts';

/** The keyboard shortcuts as a definition list: in the rules before the exam and in the exam's help. */
export function ShortcutList() {
  return (
    <dl className="shortcut-list">
      {SHORTCUTS.map((s) => (
        <div key={s.keys}>
          <dt>
            <kbd>{s.keys}</kbd>
          </dt>
          <dd>{s.action}</dd>
        </div>
      ))}
    </dl>
  );
}
