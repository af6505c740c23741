/**
 * Fixed statements for the hot paths (docs/decisions/0013-answer-hot-path.md): the SQL text is written once and only
 * the parameters change, so nothing builds SQL per call. Bulk rows travel as a few array parameters (`unnest`), not as
 * one placeholder per column per row: a 1,000-answer batch is 5 parameters instead of 5,000, which is what made
 * drizzle's query builder (its `is()` checks and SQL chunk merging, per parameter) the largest self time of a stress
 * run. On PostgreSQL the statement is a named prepared statement (node-postgres parses it once per pooled connection
 * and then only binds); PGlite has no named statements and runs the same text with the same parameters.
 *
 * Rows come back as the driver returns them: column names as written in the SQL, and timestamps as PostgreSQL text (both
 * drivers' drizzle sessions turn timestamp parsing off), so callers convert what they read.
 */
import type { Db } from './client.ts';

export type FixedStatement<Row> = (db: Db, params: readonly unknown[]) => Promise<Row[]>;

const names = new Set<string>();

/** `name` must be unique in the process: node-postgres refuses one name with two texts on a connection. */
export function fixedStatement<Row = Record<string, never>>(name: string, text: string): FixedStatement<Row> {
  if (names.has(name)) throw new Error(`fixed statement ${name} is declared twice`);
  names.add(name);
  const sqlText = text.replace(/\s+/g, ' ').trim();
  return async (db, params) => {
    // The session is the transaction's own connection inside db.transaction, the pool outside it.
    const query = db._.session.prepareQuery({ sql: sqlText, params: params as unknown[] }, undefined, name, false);
    const result = (await query.execute()) as { rows?: Row[] };
    return result.rows ?? [];
  };
}
