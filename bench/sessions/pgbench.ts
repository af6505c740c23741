/**
 * The database's own ceiling for comparison: pgbench with a one-row INSERT per transaction on its own table in the
 * bench database (same PostgreSQL, same run). pgbench -n -f script -c 16 -j 2 -T 15.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';

export interface PgbenchResult {
  command: string;
  tps: number | null;
  latencyAvgMs: number | null;
  transactions: number | null;
  failed: number | null;
  error?: string;
}

const binary = () => ['/usr/lib/postgresql/15/bin/pgbench', '/usr/bin/pgbench'].find((p) => existsSync(p)) ?? 'pgbench';

export async function runPgbench(databaseUrl: string, opts = { clients: 16, threads: 2, seconds: 15 }): Promise<PgbenchResult> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  await c.query(`create table if not exists bench_pgbench_answers (session_id uuid not null, item_id text not null, option_id text, answer_seq integer not null, answered_at timestamptz not null, primary key (session_id, item_id))`);
  await c.end();
  const dir = mkdtempSync(path.join(tmpdir(), 'cpt-pgbench-'));
  const script = path.join(dir, 'insert.sql');
  // One row per transaction, shaped like a responses row.
  writeFileSync(script, `insert into bench_pgbench_answers values (gen_random_uuid(), 'SAF-001', 'B', 1, now());\n`);
  const args = ['-n', '-f', script, '-c', String(opts.clients), '-j', String(opts.threads), '-T', String(opts.seconds), databaseUrl];
  const command = `pgbench ${args.slice(0, -1).join(' ')} <bench database>`;
  try {
    const out = await new Promise<string>((resolve, reject) =>
      execFile(binary(), args, { timeout: (opts.seconds + 60) * 1000 }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout + stderr))),
    );
    const num = (re: RegExp) => {
      const m = re.exec(out);
      return m ? Number(m[1]) : null;
    };
    return {
      command,
      tps: num(/tps = ([\d.]+) \(without initial connection time\)/),
      latencyAvgMs: num(/latency average = ([\d.]+) ms/),
      transactions: num(/number of transactions actually processed: (\d+)/),
      failed: num(/number of failed transactions: (\d+)/) ?? 0,
    };
  } catch (e) {
    return { command, tps: null, latencyAvgMs: null, transactions: null, failed: null, error: String((e as Error).message).slice(0, 500) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
