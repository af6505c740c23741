/** A fresh PostgreSQL database per benchmark run, named for the benchmark so nobody mistakes whose it is. */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface BenchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** Creates an empty database `cpt_bench_<bench>_<pid>_<random>` next to `adminUrl` (whose own database is never written). */
export async function createBenchDatabase(adminUrl: string, bench: string): Promise<BenchDatabase> {
  const name = `cpt_bench_${bench}_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}
