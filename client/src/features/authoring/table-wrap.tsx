/**
 * A horizontally scrollable table container that keyboard users can scroll: focusable, and named so that a screen
 * reader says what it is when it takes focus (WCAG 2.1.1; axe's scrollable-region-focusable).
 */
import type { ReactNode } from 'react';

export function TableWrap({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-wrap author-table-wrap" tabIndex={0} role="region" aria-label={label}>
      {children}
    </div>
  );
}
