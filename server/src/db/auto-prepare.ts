/**
 * Every parameterised statement a PostgreSQL connection runs is a named prepared statement, named after its text
 * (#18, docs/decisions/0015-auto-prepared-statements.md). drizzle sends each query through node-postgres as an unnamed
 * statement, which PostgreSQL parses and plans on every execution; in a 5,000-candidate start storm that was a large
 * share of PostgreSQL's 4.9 ms of CPU per start (~16 short statements), on the same two cores as the server. A name
 * makes node-postgres send the Parse once per connection and then only Bind/Execute, and PostgreSQL keeps the plan
 * (for these short statements, its generic plan after five executions). Statements with explicit names
 * (db/fixed-statement.ts) keep theirs.
 *
 * The number of names is capped per process: a statement whose text varies with its input (an `in (...)` list of N
 * placeholders) would otherwise prepare one variant per N on every connection for the life of the process. Past the
 * cap, new texts run unnamed as before.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';

export const AUTO_PREPARE_LIMIT = 1000;
/** Longer texts are rare (bulk inserts with one placeholder per value) and usually one of a kind: left unnamed. */
const MAX_TEXT = 4000;

type QueryConfigLike = { text?: unknown; name?: unknown; values?: unknown[] };

/** A pg.Client class that names parameterised statements after their text, up to `limit` distinct texts per process. */
export function preparingClient(limit = AUTO_PREPARE_LIMIT): typeof pg.Client {
  const names = new Map<string, string>();
  const nameFor = (text: string): string | undefined => {
    let name = names.get(text);
    if (name === undefined && names.size < limit && text.length <= MAX_TEXT) {
      name = `auto_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
      names.set(text, name);
    }
    return name;
  };
  class PreparingClient extends pg.Client {}
  const query = pg.Client.prototype.query as (this: pg.Client, config: unknown, ...rest: unknown[]) => unknown;
  (PreparingClient.prototype as unknown as { query: typeof query }).query = function (this: pg.Client, config: unknown, ...rest: unknown[]) {
    if (config && typeof config === 'object') {
      const c = config as QueryConfigLike;
      const values = Array.isArray(rest[0]) ? rest[0] : c.values;
      if (typeof c.text === 'string' && c.name === undefined && values && values.length > 0) {
        const name = nameFor(c.text);
        if (name) config = { ...c, name };
      }
    }
    return query.call(this, config, ...rest);
  };
  return PreparingClient;
}
