/**
 * Several instances started at once on a fresh PostgreSQL database: migrations and first-start loading run once,
 * under the start-up advisory lock, while the others wait (two real processes of the compiled server).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStale } from '../../scripts/build.mjs';
import { freePort } from '../helpers/server-process.ts';

const adminUrl = process.env.DATABASE_URL;
const root = path.resolve(import.meta.dirname, '../..');

describe.skipIf(!adminUrl)('two instances starting together on a fresh PostgreSQL database', () => {
  const name = `cpt_startup_${process.pid}_${randomBytes(4).toString('hex')}`;
  let url = '';
  const children: { child: ChildProcess; out: () => string; port: number }[] = [];

  async function admin(sql: string) {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  }

  beforeAll(async () => {
    await buildStale({ parts: ['server'], log: () => {} });
    await admin(`CREATE DATABASE ${name}`);
    const u = new URL(adminUrl!);
    u.pathname = `/${name}`;
    url = u.toString();
  });

  afterAll(async () => {
    await Promise.all(children.map(({ child }) => new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    })));
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });

  it('migrates and loads once; both become ready', async () => {
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      const child = spawn(process.execPath, ['dist/server/main.js'], {
        cwd: root,
        env: { ...process.env, DATABASE_URL: url, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', NODE_ENV: 'development', LOAD_SAMPLE_BANK: 'true', DEMO_ACCOUNTS: 'true' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout!.on('data', (d) => (out += d));
      child.stderr!.on('data', (d) => (out += d));
      children.push({ child, out: () => out, port });
    }
    const deadline = Date.now() + 240_000;
    const ready = async (port: number) => {
      for (;;) {
        const c = children.find((x) => x.port === port)!;
        if (c.child.exitCode !== null) throw new Error(`instance on ${port} exited (${c.child.exitCode}):\n${c.out()}`);
        const r = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null);
        if (r?.status === 200) return (await r.json()) as unknown;
        if (Date.now() > deadline) throw new Error(`instance on ${port} not ready:\n${c.out()}`);
        await new Promise((res) => setTimeout(res, 250));
      }
    };
    expect(await Promise.all(children.map((c) => ready(c.port)))).toEqual([{ status: 'ready' }, { status: 'ready' }]);

    // First-start work happened exactly once: one instance created (and announced) the demo accounts.
    const banners = children.filter((c) => c.out().includes('DEMO ACCOUNTS'));
    expect(banners).toHaveLength(1);
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      const journal = JSON.parse(readFileSync(path.join(root, 'migrations/meta/_journal.json'), 'utf8')) as { entries: unknown[] };
      const applied = await db.query<{ n: string }>('select count(*) as n from drizzle.__drizzle_migrations');
      expect(Number(applied.rows[0]!.n)).toBe(journal.entries.length);
      const admins = await db.query<{ n: string }>("select count(*) as n from users where username = 'admin'");
      expect(Number(admins.rows[0]!.n)).toBe(1);
      const revisions = await db.query<{ n: string }>('select count(*) as n from bank_revisions');
      expect(Number(revisions.rows[0]!.n)).toBe(1);
    } finally {
      await db.end();
    }
    // The one that did not do the work either waited for the lock or found it done; neither failed.
    for (const c of children) expect(c.out()).not.toMatch(/error|already exists/i);
  }, 300_000);
});
