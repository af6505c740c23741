import type { ReactNode } from 'react';
import { KWA_LABEL_TEXT, type KwaLabel } from '../../../shared/kwa-labels.ts';

/** One KWA line as both the practice result and the score report carry it. */
export interface KwaRow {
  kwa: string;
  title: string;
  items: number;
  correct: number;
  label: KwaLabel;
}

/** A column a screen adds between "Correct" and "Diagnostic" (the score report's percent and likely range). */
export interface KwaColumn<R> {
  header: string;
  cell: (row: R) => ReactNode;
}

/**
 * The per-KWA diagnostic table, shared by the practice result and the score report so that the
 * two read alike: the same columns in the same order, the same label wording and classes.
 */
export function KwaTable<R extends KwaRow>(props: { rows: readonly R[]; caption?: string; extraColumns?: readonly KwaColumn<R>[] }) {
  const extra = props.extraColumns ?? [];
  return (
    <div className="table-wrap">
      <table className="kwa-table">
        {props.caption && <caption className="visually-hidden">{props.caption}</caption>}
        <thead>
          <tr>
            <th scope="col">Key Work Activity</th>
            <th scope="col">Questions</th>
            <th scope="col">Correct</th>
            {extra.map((c) => (
              <th key={c.header} scope="col">
                {c.header}
              </th>
            ))}
            <th scope="col">Diagnostic</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((k) => (
            <tr key={k.kwa}>
              <th scope="row">
                {k.kwa} {k.title}
              </th>
              <td>{k.items}</td>
              <td>{k.correct}</td>
              {extra.map((c) => (
                <td key={c.header}>{c.cell(k)}</td>
              ))}
              <td className={`label-${k.label}`}>{KWA_LABEL_TEXT[k.label]}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
