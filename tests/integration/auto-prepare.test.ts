/**
 * Parameterised statements on PostgreSQL are prepared once per connection, named after their text
 * (server/src/db/auto-prepare.ts, docs/decisions/0015-auto-prepared-statements.md). Read back from PostgreSQL's own
 * pg_prepared_statements on the connection that ran them.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preparingClient } from '../../server/src/db/auto-prepare.ts';

describe.skipIf(!process.env.DATABASE_URL)('automatic prepared statements on PostgreSQL', () => {
  let pool: pg.Pool;
  beforeAll(() => {
    // One connection, so every query below runs on the backend whose prepared statements are read.
    pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 1, Client: preparingClient(3) });
  });
  afterAll(() => pool.end());

  const prepared = async () => (await pool.query<{ name: string; statement: string }>('select name, statement from pg_prepared_statements order by name')).rows;

  it('prepares a parameterised statement once and reuses it, with the right results', async () => {
    for (let i = 0; i < 3; i++) expect((await pool.query({ text: 'select $1::int + 1 as n' }, [i])).rows).toEqual([{ n: i + 1 }]);
    const rows = await prepared();
    expect(rows.filter((r) => r.statement === 'select $1::int + 1 as n')).toHaveLength(1);
    expect(rows[0]!.name).toMatch(/^auto_[0-9a-f]{20}$/);
  });

  it('leaves statements without parameters, and ones named by their caller, as they were', async () => {
    await pool.query('select 42 as plain');
    await pool.query({ name: 'caller_named', text: 'select $1::text as t', values: ['x'] });
    const rows = await prepared();
    expect(rows.some((r) => r.statement === 'select 42 as plain')).toBe(false);
    expect(rows.find((r) => r.statement === 'select $1::text as t')?.name).toBe('caller_named');
  });

  it('names at most the configured number of distinct texts; later ones run unnamed and still work', async () => {
    for (const k of [2, 3, 4, 5]) expect((await pool.query({ text: `select $1::int * ${k} as n` }, [2])).rows).toEqual([{ n: 2 * k }]);
    const autos = (await prepared()).filter((r) => r.name.startsWith('auto_'));
    // The limit is 3: the first test's text and the first two of these.
    expect(autos.map((r) => r.statement).sort()).toEqual(['select $1::int * 2 as n', 'select $1::int * 3 as n', 'select $1::int + 1 as n']);
  });

  it('keeps working when a prepared statement fails at execution and when the connection is replaced', async () => {
    await expect(pool.query({ text: 'select 1 / $1::int as n' }, [0])).rejects.toThrow(/division by zero/);
    expect((await pool.query({ text: 'select 1 / $1::int as n' }, [1])).rows).toEqual([{ n: 1 }]);
    // A new backend has none of the statements: node-postgres parses again on the new connection.
    await pool.query('select pg_terminate_backend(pg_backend_pid())').catch(() => {});
    await new Promise((r) => setTimeout(r, 100));
    expect((await pool.query({ text: 'select $1::int + 1 as n' }, [41])).rows).toEqual([{ n: 42 }]);
  });
});
