/**
 * One database API over two drivers: node-postgres in production, PGlite (embedded PostgreSQL in WebAssembly) by
 * default, so `npm start` needs no server. Same schema, same migrations, same queries.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { preparingClient } from './auto-prepare.ts';
import * as schema from './schema/index.ts';

/** A database or a transaction: PgTransaction extends PgDatabase, so repositories accept either. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export type DatabaseTarget = { kind: 'postgres'; url: string } | { kind: 'pglite'; dataDir: string | null };

export interface Database {
  db: Db;
  kind: DatabaseTarget['kind'];
  /**
   * Subscribes to a NOTIFY channel; resolves to an unsubscribe function. `onRestored` runs after the listening
   * connection was lost and is listening again: notifications sent in between are lost, so the caller resyncs.
   */
  listen(channel: string, onPayload: (payload: string) => void, onRestored?: () => void): Promise<() => Promise<void>>;
  migrate(): Promise<void>;
  /** Throws unless the database answers. */
  ping(): Promise<void>;
  /** `ok`, or `degraded` with the reason (the database does not answer, or cross-instance events are reconnecting). */
  health(): Promise<DatabaseHealth>;
  /** Pool connections (PostgreSQL only; metrics read it). */
  poolStats?(): { total: number; idle: number; waiting: number };
  close(): Promise<void>;
}

export type DatabaseHealth = { status: 'ok' } | { status: 'degraded'; reason: string };

export interface DatabaseOptions {
  /** Where connection trouble is reported (a PostgreSQL restart is a warning, not a crash). */
  log?: (message: string, error?: unknown) => void;
  /** Reconnect delays of the LISTEN connection: from `minMs`, doubling, at most `maxMs`. */
  listenBackoff?: { minMs: number; maxMs: number };
}
export const DEFAULT_LISTEN_BACKOFF = { minMs: 250, maxMs: 5000 };
/** application_name of the LISTEN connection (pg_stat_activity shows it; tests terminate it on purpose). */
export const LISTEN_APPLICATION_NAME = 'cpt-exam listen';

const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', '57P01', '57P02', '57P03', '53300']);

/**
 * True when an error means "the database cannot be reached right now" (restart, failover, connection limit) rather
 * than "this statement is wrong": the work may be retried once it is back.
 */
export function isDatabaseUnavailable(e: unknown): boolean {
  for (let x: unknown = e, depth = 0; x && typeof x === 'object' && depth < 5; x = (x as { cause?: unknown }).cause, depth++) {
    const { code, message } = x as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true;
    if (typeof message === 'string' && /Connection terminated|connection is insecure|Client has encountered a connection error|timeout exceeded when trying to connect|terminating connection due to administrator command|the database system is (starting up|shutting down)/i.test(message)) return true;
  }
  return false;
}

/**
 * The LISTEN side of PostgreSQL: one dedicated connection (not from the pool) with an error handler, so a restart of
 * the database or a terminated backend never crashes the process. When it is lost it reconnects with backoff,
 * LISTENs again on every channel and tells the subscribers to resync.
 */
function createPgListener(url: string, log: NonNullable<DatabaseOptions['log']>, backoff: { minMs: number; maxMs: number }) {
  const channels = new Map<string, Set<{ onPayload: (p: string) => void; onRestored?: () => void }>>();
  let client: pg.Client | null = null;
  let reconnecting: Promise<void> | null = null;
  let closed = false;
  let downSince: number | null = null;
  const quote = (channel: string) => `"${channel.replaceAll('"', '')}"`;

  async function open(): Promise<pg.Client> {
    const c = new pg.Client({ connectionString: url, keepAlive: true, application_name: LISTEN_APPLICATION_NAME });
    c.on('error', (e) => lost(c, e));
    c.on('end', () => lost(c, new Error('the LISTEN connection ended')));
    c.on('notification', (msg) => {
      for (const s of channels.get(msg.channel) ?? []) s.onPayload(msg.payload ?? '');
    });
    await c.connect();
    for (const ch of channels.keys()) await c.query(`LISTEN ${quote(ch)}`);
    return c;
  }

  function lost(c: pg.Client, e: unknown) {
    if (client !== c || closed) return;
    client = null;
    downSince = Date.now();
    log('the LISTEN connection to PostgreSQL was lost; reconnecting', e);
    void c.end().catch(() => {});
    void reconnect();
  }

  function reconnect(): Promise<void> {
    reconnecting ??= (async () => {
      let delay = backoff.minMs;
      while (!closed) {
        await new Promise((r) => setTimeout(r, delay));
        if (closed) break;
        try {
          const c = await open();
          if (closed) {
            await c.end().catch(() => {});
            break;
          }
          client = c;
          downSince = null;
          log('the LISTEN connection to PostgreSQL is back; resyncing');
          for (const subs of channels.values()) for (const s of subs) s.onRestored?.();
          break;
        } catch (e) {
          delay = Math.min(backoff.maxMs, delay * 2);
          log(`PostgreSQL is not answering; next LISTEN attempt in ${delay} ms`, e);
        }
      }
    })().finally(() => (reconnecting = null));
    return reconnecting;
  }

  return {
    async listen(channel: string, onPayload: (p: string) => void, onRestored?: () => void) {
      const sub = { onPayload, onRestored };
      const fresh = !channels.has(channel);
      if (fresh) channels.set(channel, new Set());
      channels.get(channel)!.add(sub);
      if (!client && !reconnecting && downSince === null) client = await open();
      else if (fresh && client) await client.query(`LISTEN ${quote(channel)}`);
      return async () => {
        const subs = channels.get(channel);
        subs?.delete(sub);
        if (subs && !subs.size) {
          channels.delete(channel);
          await client?.query(`UNLISTEN ${quote(channel)}`).catch(() => {});
        }
      };
    },
    /** Null while listening; otherwise why not. */
    trouble: () => (downSince === null ? null : `cross-instance events are reconnecting (down for ${Math.round((Date.now() - downSince) / 1000)} s)`),
    async close() {
      closed = true;
      const c = client;
      client = null;
      await c?.end().catch(() => {});
    },
  };
}

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../migrations');

export async function openDatabase(target: DatabaseTarget, opts: DatabaseOptions = {}): Promise<Database> {
  const log = opts.log ?? ((message: string, error?: unknown) => console.warn(`${message}${error instanceof Error ? `: ${error.message}` : ''}`));
  if (target.kind === 'postgres') {
    // keepAlive: a failover that drops packets (no RST) is noticed instead of hanging on a dead socket.
    // Statements are prepared once per connection, named after their text (db/auto-prepare.ts).
    const pool = new pg.Pool({ connectionString: target.url, max: 20, keepAlive: true, Client: preparingClient() });
    // An idle client that errors (the server restarts, its backend is terminated) must not crash the process: the
    // pool drops it and opens a new one for the next query.
    pool.on('error', (e) => log('an idle PostgreSQL connection failed; the pool replaces it', e));
    // A checked-out client has no pool listener (pg-pool removes it while the client is lent out), and node-postgres
    // emits 'error' when the connection drops between two statements of a transaction: without a listener of our own
    // that is an uncaught exception and the process dies. The statement in flight fails by itself (retryable).
    pool.on('connect', (client) => client.on('error', (e) => log('a PostgreSQL connection in use failed; its work is retried', e)));
    const db = drizzlePg(pool, { schema }) as unknown as Db;
    const listener = createPgListener(target.url, log, opts.listenBackoff ?? DEFAULT_LISTEN_BACKOFF);
    const ping = async () => {
      await pool.query('select 1');
    };
    return {
      db,
      kind: 'postgres',
      listen: (channel, onPayload, onRestored) => listener.listen(channel, onPayload, onRestored),
      migrate: () => migratePg(drizzlePg(pool), { migrationsFolder: MIGRATIONS_DIR }),
      ping,
      async health() {
        try {
          await ping();
        } catch (e) {
          return { status: 'degraded', reason: `the database does not answer (${e instanceof Error ? e.message : String(e)})` };
        }
        const trouble = listener.trouble();
        return trouble ? { status: 'degraded', reason: trouble } : { status: 'ok' };
      },
      async close() {
        await listener.close();
        await pool.end();
      },
      poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    };
  }
  if (target.dataDir) mkdirSync(target.dataDir, { recursive: true });
  const client = new PGlite(target.dataDir ?? undefined);
  return openPglite(client);
}

/** Wraps an existing PGlite instance (tests start from a migrated template). */
export function openPglite(client: PGlite): Database {
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    async listen(channel, onPayload) {
      const unlisten = await client.listen(channel, onPayload);
      return unlisten;
    },
    migrate: () => migratePglite(drizzlePglite(client), { migrationsFolder: MIGRATIONS_DIR }),
    ping: async () => {
      await client.query('select 1');
    },
    async health() {
      try {
        await client.query('select 1');
        return { status: 'ok' };
      } catch (e) {
        return { status: 'degraded', reason: `the database does not answer (${e instanceof Error ? e.message : String(e)})` };
      }
    },
    close: () => client.close(),
  };
}
