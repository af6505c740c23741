/**
 * A private PostgreSQL cluster for tests that stop, restart or crash the database (never the shared one): initdb into
 * a fresh /tmp directory as the `postgres` user, on a free port in 3301–3399, trust authentication on 127.0.0.1 only.
 * Needs the PostgreSQL 15 binaries (/usr/lib/postgresql/15/bin, or PG_BIN) and root (to act as `postgres`).
 */
import { execFile } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);
const BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
export const PRIVATE_PORTS = { from: 3301, to: 3399 };

/** Whether this machine can run a private cluster (binaries present, running as root with a postgres user). */
export function privatePostgresAvailable(): boolean {
  return existsSync(path.join(BIN, 'pg_ctl')) && process.getuid?.() === 0;
}

/** Whether nothing listens on this loopback port now. */
export async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

async function asPostgres(cmd: string, args: string[]) {
  return run('runuser', ['-u', 'postgres', '--', path.join(BIN, cmd), ...args], { timeout: 120_000 });
}

export interface PrivatePostgres {
  port: number;
  dataDir: string;
  /** URL of a database in this cluster (created by createDatabase). */
  url(database: string): string;
  createDatabase(name: string): Promise<string>;
  /** `fast` ends sessions cleanly; `immediate` is a crash (no checkpoint, recovery at the next start). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
  /** Runs SQL as the superuser on the `postgres` database. */
  query(text: string, params?: unknown[]): Promise<pg.QueryResult>;
  destroy(): Promise<void>;
}

/**
 * `ports`: where to look for a free port (default 3301–3399, from a random point in its first half); `maxConnections`
 * for PostgreSQL; `settings`: more server settings (`-c name=value`), e.g. autovacuum off for a test that counts commits.
 */
export async function startPrivatePostgres(opts: { ports?: { from: number; to: number }; maxConnections?: number; settings?: Record<string, string> } = {}): Promise<PrivatePostgres> {
  if (!privatePostgresAvailable()) throw new Error(`a private PostgreSQL needs ${BIN}/pg_ctl and root`);
  const ports = opts.ports ?? PRIVATE_PORTS;
  let port = 0;
  for (let p = ports.from + Math.floor(Math.random() * Math.ceil((ports.to - ports.from) / 2)); p <= ports.to; p++) {
    if (await portFree(p)) {
      port = p;
      break;
    }
  }
  if (!port) throw new Error(`no free port in ${ports.from}–${ports.to}`);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'cpt-pg-'));
  chmodSync(dataDir, 0o700);
  const { stdout: uid } = await run('id', ['-u', 'postgres']);
  const { stdout: gid } = await run('id', ['-g', 'postgres']);
  chownSync(dataDir, Number(uid.trim()), Number(gid.trim()));
  await asPostgres('initdb', ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync', '--no-instructions']);
  const url = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  const start = async () => {
    await asPostgres('pg_ctl', ['-D', dataDir, '-w', '-t', '60', '-l', path.join(dataDir, 'server.log'), '-o', `-p ${port} -k ${dataDir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=${opts.maxConnections ?? 200}${Object.entries(opts.settings ?? {}).map(([k, v]) => ` -c ${k}=${v}`).join('')}`, 'start']);
  };
  await start();
  const query = async (text: string, params?: unknown[]) => {
    const c = new pg.Client({ connectionString: url('postgres') });
    c.on('error', () => {});
    await c.connect();
    try {
      return await c.query(text, params);
    } finally {
      await c.end().catch(() => {});
    }
  };
  return {
    port,
    dataDir,
    url,
    async createDatabase(name) {
      await query(`CREATE DATABASE "${name.replaceAll('"', '')}"`);
      return url(name);
    },
    stop: async (mode = 'fast') => {
      await asPostgres('pg_ctl', ['-D', dataDir, '-w', '-t', '60', '-m', mode, 'stop']);
    },
    start,
    query,
    async destroy() {
      await asPostgres('pg_ctl', ['-D', dataDir, '-w', '-m', 'immediate', 'stop']).catch(() => {});
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
