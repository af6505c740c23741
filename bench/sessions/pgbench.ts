/**
 * The database's own ceiling for comparison: pgbench with a one-row INSERT per transaction on its own table in the
 * bench database (same PostgreSQL, same run). pgbench -n -f script -c 16 -j 2 -T 15 -l: with per-transaction logging
 * (log files in a temporary directory, removed afterwards), so a run also yields the one-row commit latency
 * percentiles that the answer-ack target is stated against (issue 18: ack p99 <= 5 x pgbench commit p99 + 10 ms).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { Samples, summarize } from '../lib/stats.ts';

export interface PgbenchResult {
  command: string;
  tps: number | null;
  latencyAvgMs: number | null;
  /** One-row commit latency percentiles over every logged transaction (pgbench -l), ms. */
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  latencyP99Ms: number | null;
  latencyMaxMs: number | null;
  /** Transactions found in the per-transaction logs (equals `transactions` when every line parsed). */
  loggedTransactions: number | null;
  transactions: number | null;
  failed: number | null;
  error?: string;
}

const binary = () => ['/usr/lib/postgresql/15/bin/pgbench', '/usr/bin/pgbench'].find((p) => existsSync(p)) ?? 'pgbench';

/**
 * Latencies (ms) from pgbench's per-transaction log files `<prefix>.<pid>[.<thread>]`. A line is
 * "client_id transaction_no time script_no time_epoch time_us [schedule_lag] [retries]" with `time` the transaction's
 * latency in µs; a failed transaction has a word there ("failed", "serialization", "deadlock") and is skipped.
 */
export function pgbenchLogLatencies(dir: string, prefix: string): Float64Array {
  const out = new Samples();
  for (const f of readdirSync(dir)) {
    if (!f.startsWith(`${prefix}.`)) continue;
    for (const line of readFileSync(path.join(dir, f), 'utf8').split('\n')) {
      const us = Number(line.split(' ', 3)[2]);
      if (line && Number.isFinite(us)) out.push(us / 1000);
    }
  }
  return out.toArray();
}

export async function runPgbench(databaseUrl: string, opts = { clients: 16, threads: 2, seconds: 15 }): Promise<PgbenchResult> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  await c.query(`create table if not exists bench_pgbench_answers (session_id uuid not null, item_id text not null, option_id text, answer_seq integer not null, answered_at timestamptz not null, primary key (session_id, item_id))`);
  await c.end();
  const dir = mkdtempSync(path.join(tmpdir(), 'cpt-pgbench-'));
  const script = path.join(dir, 'insert.sql');
  // One row per transaction, shaped like a responses row.
  writeFileSync(script, `insert into bench_pgbench_answers values (gen_random_uuid(), 'SAF-001', 'B', 1, now());\n`);
  const prefix = 'pgbench_log';
  const args = ['-n', '-f', script, '-c', String(opts.clients), '-j', String(opts.threads), '-T', String(opts.seconds), '-l', `--log-prefix=${path.join(dir, prefix)}`, databaseUrl];
  const command = `pgbench -n -f insert.sql -c ${opts.clients} -j ${opts.threads} -T ${opts.seconds} -l --log-prefix=<temp dir>/${prefix} <bench database>`;
  const none = { latencyP50Ms: null, latencyP95Ms: null, latencyP99Ms: null, latencyMaxMs: null, loggedTransactions: null };
  try {
    const out = await new Promise<string>((resolve, reject) =>
      execFile(binary(), args, { timeout: (opts.seconds + 60) * 1000 }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout + stderr))),
    );
    const num = (re: RegExp) => {
      const m = re.exec(out);
      return m ? Number(m[1]) : null;
    };
    const latencies = summarize(pgbenchLogLatencies(dir, prefix));
    return {
      command,
      tps: num(/tps = ([\d.]+) \(without initial connection time\)/),
      latencyAvgMs: num(/latency average = ([\d.]+) ms/),
      latencyP50Ms: latencies.p50,
      latencyP95Ms: latencies.p95,
      latencyP99Ms: latencies.p99,
      latencyMaxMs: latencies.max,
      loggedTransactions: latencies.count,
      transactions: num(/number of transactions actually processed: (\d+)/),
      failed: num(/number of failed transactions: (\d+)/) ?? 0,
    };
  } catch (e) {
    return { command, tps: null, latencyAvgMs: null, ...none, transactions: null, failed: null, error: String((e as Error).message).slice(0, 500) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
