/**
 * Real databases for tests: an in-memory PGlite cloned from a migrated template (fast), and, when DATABASE_URL is
 * set, a fresh PostgreSQL database per suite that is dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { openDatabase, openPglite, type Database } from '../../server/src/db/client.ts';

export type DbKind = 'pglite' | 'postgres';

/** PGlite always; real PostgreSQL too when DATABASE_URL points at one (CI sets it). */
export const DB_KINDS: DbKind[] = process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

let template: Promise<Blob> | undefined;

async function pgliteTemplate(): Promise<Blob> {
  template ??= (async () => {
    const client = new PGlite();
    const db = openPglite(client);
    await db.migrate();
    const dump = await client.dumpDataDir('none');
    await client.close();
    return dump;
  })();
  return template;
}

export interface TestDatabase extends Database {
  /** postgres:// URL of this database (postgres kind only), for child processes. */
  url?: string;
}

export async function createTestDatabase(kind: DbKind): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const client = new PGlite({ loadDataDir: await pgliteTemplate() });
    return openPglite(client);
  }
  const adminUrl = process.env.DATABASE_URL!;
  const name = `cpt_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ kind: 'postgres', url: url.toString() });
  await database.migrate();
  return {
    ...database,
    url: url.toString(),
    async close() {
      await database.close();
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}
