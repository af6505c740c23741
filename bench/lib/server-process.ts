/**
 * The real server as a child process for the benchmarks (bench/sessions, bench/proctoring), its error lines, and a
 * check for other benchmarks running on the machine (two at once spoil each other's figures).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const log = (m: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${m}`);

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export interface Server {
  url: string;
  child: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

export interface ServerOptions {
  databaseUrl: string;
  tokenSecret: string;
  /** Write a V8 CPU profile of the whole run into this folder (node --cpu-prof). */
  cpuProfDir?: string | null;
  /** The checkout whose server runs (another worktree, to measure a change against main); default this one. */
  root?: string;
  /** More node flags, e.g. --trace-gc. */
  nodeArgs?: string[];
  /** Sees every chunk of output first; false keeps it out of the buffer errorLines reads (e.g. --trace-gc lines). */
  onOutput?: (chunk: string) => boolean;
  /** Listen on this port (e.g. the same one again after a restart) instead of a free one. */
  port?: number;
}

/** node --import tsx server/src/main.ts on a free loopback port with LOG_LEVEL=warn; resolves once /healthz answers. */
export async function startServer(o: ServerOptions): Promise<Server> {
  const port = o.port ?? (await freePort());
  const env: Record<string, string | undefined> = { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', DATABASE_URL: o.databaseUrl, TOKEN_SECRET: o.tokenSecret, DEMO_ACCOUNTS: 'false' };
  const execArgs = [...(o.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', o.cpuProfDir] : []), ...(o.nodeArgs ?? []), '--import', 'tsx', 'server/src/main.ts'];
  const child = spawn(process.execPath, execArgs, { cwd: o.root ?? ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (d: Buffer) => {
    if (o.onOutput && !o.onOutput(String(d))) return;
    out += d;
    if (out.length > 256_000) out = out.slice(-128_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early (${child.exitCode}):\n${out}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server did not start:\n${out}`);
    await sleep(200);
  }
  return {
    url,
    child,
    output: () => out,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const kill = setTimeout(() => child.kill('SIGKILL'), 30_000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** Error-level lines of the server's pino output, counted by message. */
export function errorLines(out: string): { total: number; byMessage: Record<string, number>; sample: string | null } {
  const byMessage: Record<string, number> = {};
  let sample: string | null = null;
  let total = 0;
  for (const line of out.split('\n')) {
    if (!line.includes('"level":50') && !line.includes('"level":60')) continue;
    total++;
    sample ??= line.slice(0, 3000);
    let key = line.slice(0, 160);
    try {
      const j = JSON.parse(line) as { msg?: string; err?: { message?: string; cause?: { message?: string } } };
      key = `${j.msg ?? ''}: ${(j.err?.message ?? '').slice(0, 80)}${j.err?.cause?.message ? ` ... cause: ${j.err.cause.message.slice(0, 120)}` : ''}`;
    } catch {
      // not JSON
    }
    byMessage[key] = (byMessage[key] ?? 0) + 1;
  }
  return { total, byMessage, sample };
}

/** Command lines of other benchmark processes (bench/sessions, bench/assembly) on the machine, like `pgrep -fa`. */
/** Node processes running another benchmark's code (bench/<name>/…), other than `self`'s own (its load generators). */
export function otherBenchmarks(self: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      // A node process running a benchmark's entry (not, say, a grep whose pattern names one).
      const bench = /bench\/(\w+)\/\S+\.ts/.exec(cmd)?.[1];
      if (/\bnode\b/.test(cmd.split(' ')[0] ?? '') && bench && bench !== 'lib' && bench !== self) out.push(`${name} ${cmd}`);
    } catch {
      // gone
    }
  }
  return out;
}

/** Which server code a run measures (others commit while a benchmark waits for a quiet machine). */
export function serverCode(root: string) {
  const git = (a: string[]) => {
    try {
      return execFileSync('git', a, { cwd: root, encoding: 'utf8' }).trim();
    } catch {
      return null;
    }
  };
  return { commit: git(['rev-parse', '--short', 'HEAD']), uncommittedServerFiles: (git(['status', '--porcelain', '--', 'server', 'shared']) ?? '').split('\n').filter(Boolean), at: new Date().toISOString() };
}

/** Polls every 30 s (up to maxWaitS) until no other benchmark runs; returns how long it waited, or throws. */
export async function waitForOtherBenchmarks(self: string, maxWaitS: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i <= Math.ceil(maxWaitS / 30); i++) {
    const others = otherBenchmarks(self);
    if (!others.length) return Math.round((performance.now() - t0) / 1000);
    if ((performance.now() - t0) / 1000 >= maxWaitS) throw new Error(`another benchmark is still running after ${maxWaitS} s; not running:\n${others.join('\n')}`);
    log(`another benchmark is running, waiting (polling every 30 s, up to ${maxWaitS} s):\n  ${others.join('\n  ')}`);
    await sleep(30_000);
  }
  throw new Error('another benchmark is still running');
}
