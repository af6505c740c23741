import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.ts';

function cli(args: string[], env: Record<string, string> = {}, input?: string) {
  const base = { ...process.env, LOG_LEVEL: 'silent' } as Record<string, string | undefined>;
  delete base.DATABASE_URL;
  return spawnSync(process.execPath, ['bin/cpt-exam.js', ...args], { encoding: 'utf8', env: { ...base, ...env }, input, timeout: 60_000 });
}

describe('cpt-exam bank validate (offline)', () => {
  it('prints one located line per mistake and exits 1', () => {
    const r = cli(['bank', 'validate', 'tests/fixtures/banks/bad-bank.json']);
    expect(r.status).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines.at(-1)).toBe('10 problems found');
    for (const line of lines.slice(0, -1)) expect(line).toMatch(/^tests\/fixtures\/banks\/bad-bank\.json:\d+:\d+ \/\S+: .+/);
  });

  it('reports malformed JSON with its line and column', () => {
    const r = cli(['bank', 'validate', 'tests/fixtures/banks/malformed.json']);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("malformed.json:4:22 /: malformed JSON: Expected a property name in double quotes but found '}'");
  });

  it('accepts a good file and says what it holds', () => {
    const r = cli(['bank', 'validate', 'tests/fixtures/banks/small-bank.json']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^ok: .*110 new/);
  });

  it('names a missing file', () => {
    const r = cli(['bank', 'validate', 'nope.json']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('cannot read nope.json: no such file');
  });
});

const targets: { name: string; env: () => Record<string, string> }[] = [];
let pgDb: TestDatabase | undefined;
const dataDir = mkdtempSync(path.join(tmpdir(), 'cpt-cli-'));
targets.push({ name: 'pglite', env: () => ({ DATA_DIR: dataDir }) });
if (process.env.DATABASE_URL) targets.push({ name: 'postgres', env: () => ({ DATABASE_URL: pgDb!.url! }) });

describe.each(targets)('cpt-exam against $name', ({ name, env }) => {
  beforeAll(async () => {
    if (name === 'postgres') pgDb = await createTestDatabase('postgres');
  });
  afterAll(async () => {
    if (name === 'postgres') await pgDb?.close();
  });

  it('migrates, imports all-or-nothing, re-imports without change, exports, and creates an admin', () => {
    expect(cli(['db', 'migrate'], env()).stdout).toMatch(/migrations applied/);
    const bad = cli(['bank', 'import', 'tests/fixtures/banks/bad-bank.json'], env());
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/10 problems; nothing was imported/);
    const first = cli(['bank', 'import', 'tests/fixtures/banks/small-bank.json'], env());
    expect(first.stdout).toMatch(/imported as bank revision 1: 110 new/);
    const again = cli(['bank', 'import', 'tests/fixtures/banks/small-bank.json'], env());
    expect(again.stdout).toMatch(/no change: 0 new, 0 changed .*110 unchanged/);
    const first1 = cli(['form', 'assemble', '--module', 'SAF', '--seed', 'cli-seed', '--json'], env());
    const first2 = cli(['form', 'assemble', '--module', 'SAF', '--seed', 'cli-seed', '--json'], env());
    expect(first1.status).toBe(0);
    expect(first1.stdout).toBe(first2.stdout);
    expect(JSON.parse(first1.stdout).certificate.allConstraintsMet).toBe(true);
    const table = cli(['form', 'assemble', '--module', 'SAF', '--seed', 'cli-seed'], env());
    expect(table.stdout).toMatch(/^SAF form, seed cli-seed, blueprint t1/);
    expect(table.stdout).not.toMatch(/FAIL/);
    const built = cli(['form', 'build', '--module', 'SAF', '--count', '2', '--max-overlap', '100'], env());
    expect(built.stdout).toMatch(/published 2 SAF forms/);
    expect(cli(['form', 'assemble', '--module', 'XYZ', '--seed', 'a'], env()).stderr).toMatch(/--module must be one of SAF, QPM, MPP, MA, GRN/);
    const exported = JSON.parse(cli(['bank', 'export', '--module', 'SAF'], env()).stdout);
    expect(exported.items).toHaveLength(110);
    const user = cli(['admin', 'create-user', '--username', 'root-admin', '--role', 'admin'], env(), 'a-strong-password\n');
    expect(user.stdout).toMatch(/created admin root-admin/);
    const weak = cli(['admin', 'create-user', '--username', 'weak', '--role', 'admin'], env(), 'short\n');
    expect(weak.status).toBe(1);
    expect(weak.stderr).toMatch(/password: password must be at least 10 characters/);
  }, 360_000); // a dozen CLI processes in sequence, each starting Node and a database: slow on a busy 2-core machine

  it("makes the operator's bank release (approved at once), shows its diff on a dry run, and never reuses a name", () => {
    const dry = cli(['bank', 'release', 'cli spring', '--module', 'SAF', '--dry-run'], env());
    expect(dry.status, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/release "cli spring" would be approved: \d+ items added, 0 removed, 0 changed/);
    const made = cli(['bank', 'release', 'cli spring', '--module', 'SAF', '--notes', 'first release'], env());
    expect(made.stdout).toMatch(/release "cli spring" \([0-9a-f-]{36}\) approved and current for SAF: \d+ items/);
    const again = cli(['bank', 'release', 'cli spring'], env());
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/a release named "cli spring" exists; release names are never reused/);
  }, 120_000);
});
