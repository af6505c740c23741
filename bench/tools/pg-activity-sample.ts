/**
 * A sampling profile of PostgreSQL: every 50 ms, which statements the backends of one database are executing and what
 * they wait on (`pg_stat_activity`). Run it beside a benchmark during its load, e.g. bench/proctoring/run.ts:
 *   node --import tsx bench/tools/pg-activity-sample.ts --db-like 'cpt_bench_proctoring_%' --seconds 110
 * (the newest database whose name matches). Prints the share of samples each statement was active in (0.35 = on
 * average 0.35 backends were running it), highest first. docs/performance.md, "Proctor feed", quotes one such run.
 */
import { parseArgs } from 'node:util';
import pg from 'pg';

const { values } = parseArgs({
  options: {
    'db-like': { type: 'string', default: 'cpt_bench_%' },
    seconds: { type: 'string', default: '60' },
    'every-ms': { type: 'string', default: '50' },
    'admin-url': { type: 'string', default: process.env.BENCH_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test' },
    top: { type: 'string', default: '25' },
  },
});

const client = new pg.Client({ connectionString: values['admin-url'] });
await client.connect();
const until = Date.now() + Number(values.seconds) * 1000;
const counts = new Map<string, number>();
let samples = 0;
let db: string | null = null;
while (Date.now() < until) {
  db ??= (await client.query<{ datname: string }>('select datname from pg_database where datname like $1 order by oid desc limit 1', [values['db-like']])).rows[0]?.datname ?? null;
  if (db) {
    // pg_stat_activity is a snapshot per transaction; clear it so every sample is fresh.
    await client.query('select pg_stat_clear_snapshot()');
    const { rows } = await client.query<{ q: string; w: string | null }>(
      `select left(regexp_replace(query, '\\s+', ' ', 'g'), 90) as q, wait_event_type as w from pg_stat_activity where datname = $1 and state = 'active' and pid <> pg_backend_pid()`,
      [db],
    );
    samples++;
    for (const r of rows) counts.set(`${r.w ?? 'cpu'} | ${r.q}`, (counts.get(`${r.w ?? 'cpu'} | ${r.q}`) ?? 0) + 1);
  }
  await new Promise((r) => setTimeout(r, Number(values['every-ms'])));
}
await client.end();
console.log(`${samples} samples of ${db ?? '(no database matched)'} every ${values['every-ms']} ms; active share, wait type | statement`);
for (const [k, v] of [...counts].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) console.log(`${(v / Math.max(1, samples)).toFixed(2)}  ${k}`);
