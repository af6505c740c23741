import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

function lint(files: Record<string, string>) {
  const root = mkdtempSync(path.join(tmpdir(), 'cpt-lint-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), text);
  }
  return spawnSync(process.execPath, ['--import', 'tsx', 'scripts/lint-architecture.ts', root], { encoding: 'utf8' });
}

describe('architecture lint', () => {
  it('passes on this repository', () => {
    expect(() => execFileSync(process.execPath, ['--import', 'tsx', 'scripts/lint-architecture.ts'], { encoding: 'utf8' })).not.toThrow();
  });

  it('fails a route that imports a repository, and domain code that imports Fastify or drizzle', () => {
    const r = lint({
      'server/src/modules/x/x.routes.ts': "import { q } from './x.repository.ts';\n",
      'server/src/modules/x/x.repository.ts': "import { eq } from 'drizzle-orm';\nexport const q = eq;\n",
      'server/src/modules/x/domain/rule.ts': "import Fastify from 'fastify';\nimport { sql } from 'drizzle-orm';\nexport const now = () => Date.now();\n",
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/x\.routes\.ts: imports \.\/x\.repository\.ts — routes and sockets call services/);
    expect(r.stderr).toMatch(/domain\/rule\.ts: imports fastify — domain code is pure/);
    expect(r.stderr).toMatch(/domain\/rule\.ts: imports drizzle-orm/);
    expect(r.stderr).toMatch(/domain\/rule\.ts: uses Date\.now\(\)/);
  });

  it('fails import cycles, cross-module repository use and non-kebab file names', () => {
    const r = lint({
      'shared/a.ts': "import { b } from './b.ts';\nexport const a = 1;\n",
      'shared/b.ts': "import { a } from './a.ts';\nexport const b = 2;\n",
      'server/src/modules/one/one.service.ts': "import { q } from '../two/two.repository.ts';\n",
      'server/src/modules/two/two.repository.ts': 'export const q = 1;\n',
      'shared/BadName.ts': 'export {};\n',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/import cycle: shared\/a\.ts -> shared\/b\.ts -> shared\/a\.ts/);
    expect(r.stderr).toMatch(/one\.service\.ts: imports \.\.\/two\/two\.repository\.ts — a module uses another module only through its service/);
    expect(r.stderr).toMatch(/BadName\.ts: file names are kebab-case/);
  });

  it('keeps shared/ and the client in their lanes', () => {
    const r = lint({
      'shared/x.ts': "import Fastify from 'fastify';\nimport { z } from 'zod';\n",
      'client/src/lib/y.ts': "import { readFileSync } from 'node:fs';\nimport path from 'path';\nimport { q } from '../../../server/src/x.ts';\n",
      'client/src/features/exam/screen.tsx': "import { Tab } from '../authoring/tab.tsx';\nimport { api } from '../../lib/y.ts';\n",
      'client/src/features/authoring/tab.tsx': 'export const Tab = 1;\n',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/shared\/x\.ts: imports fastify — shared\/ imports only zod and shared\//);
    expect(r.stderr).not.toMatch(/shared\/x\.ts: imports zod/);
    expect(r.stderr).toMatch(/lib\/y\.ts: imports node:fs — the client runs in a browser/);
    expect(r.stderr).toMatch(/lib\/y\.ts: imports path — the client runs in a browser/);
    expect(r.stderr).toMatch(/lib\/y\.ts: imports \.\.\/\.\.\/\.\.\/server\/src\/x\.ts — the client never imports server code/);
    expect(r.stderr).toMatch(/features\/exam\/screen\.tsx: imports \.\.\/authoring\/tab\.tsx — a client feature never imports another feature/);
    expect(r.stderr).not.toMatch(/screen\.tsx: imports \.\.\/\.\.\/lib/);
  });

  it('keeps domain code pure, the database in repositories, platform/ and services free of modules and transport', () => {
    const r = lint({
      'server/src/modules/x/domain/clock.ts': 'export const a = () => new Date();\nexport const b = () => Math.random();\nexport const c = () => process.env.X;\n',
      'server/src/modules/x/x.socket.ts': "import { db } from '../../db/client.ts';\n",
      'server/src/db/client.ts': 'export const db = 1;\n',
      'server/src/modules/x/x.service.ts': "import { eq } from 'drizzle-orm';\nimport { requireRole } from '../../platform/http/auth-guard.ts';\nimport { can } from '../../platform/authz.ts';\n",
      'server/src/platform/http/auth-guard.ts': 'export const requireRole = 1;\n',
      'server/src/platform/authz.ts': "import { thing } from '../modules/x/x.service.ts';\nexport const can = 1;\n",
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/domain\/clock\.ts: uses new Date\(\) without arguments/);
    expect(r.stderr).toMatch(/domain\/clock\.ts: uses Math\.random\(\)/);
    expect(r.stderr).toMatch(/domain\/clock\.ts: uses process/);
    expect(r.stderr).toMatch(/x\.socket\.ts: imports \.\.\/\.\.\/db\/client\.ts — routes and sockets call services/);
    expect(r.stderr).toMatch(/x\.service\.ts: imports drizzle-orm — only repositories and server\/src\/db touch the database/);
    expect(r.stderr).toMatch(/x\.service\.ts: imports \.\.\/\.\.\/platform\/http\/auth-guard\.ts — services know no transport/);
    expect(r.stderr).not.toMatch(/x\.service\.ts: imports \.\.\/\.\.\/platform\/authz\.ts/);
    expect(r.stderr).toMatch(/platform\/authz\.ts: imports \.\.\/modules\/x\/x\.service\.ts — platform\/ depends on no module/);
  });

  it('gives every table one owner and makes every cross-module read a declared, true read model', () => {
    const schema = "export const a = 1; export const b = 2; export const c = 3;\n";
    const r = lint({
      'server/src/db/schema/index.ts': schema,
      'server/src/modules/one/one.repository.ts': "import { a, b, c } from '../../db/schema/index.ts';\nexport const readModel = { reads: ['c'] } as const;\nexport const w = (db: any) => db.insert(a);\n",
      'server/src/modules/two/two.repository.ts': "import { a, b } from '../../db/schema/index.ts';\nexport const w = (db: any) => [db.insert(a), db.update(b)];\n",
      'server/src/modules/three/three.repository.ts': "import { c } from '../../db/schema/index.ts';\nexport const w = (db: any) => db.delete(c);\n",
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/two\.repository\.ts: writes a, which the one module writes too — a table has one owner/);
    expect(r.stderr).toMatch(/one\.repository\.ts: reads b \(owned by two\) without declaring it/);
    expect(r.stderr).not.toMatch(/one\.repository\.ts: reads c/);
    const ok = lint({
      'server/src/db/schema/index.ts': schema,
      'server/src/modules/one/one.repository.ts': "import { a, b } from '../../db/schema/index.ts';\nexport const readModel = { reads: ['b', 'c'] } as const;\nexport const w = (db: any) => db.insert(a);\n",
      'server/src/modules/two/two.repository.ts': "import { b } from '../../db/schema/index.ts';\nexport const w = (db: any) => db.update(b);\n",
    });
    expect(ok.stderr).toMatch(/one\.repository\.ts: its read model names c, which it does not use or owns/);
    expect(ok.stderr.trim().split('\n').filter((l) => l.includes(': ')).length).toBe(1);
    // A write into another module's table is allowed only when declared (a debt in plain sight), and only truly.
    const debt = lint({
      'server/src/db/schema/index.ts': schema,
      'server/src/modules/one/one.repository.ts': "import { a, b } from '../../db/schema/index.ts';\nexport const readModel = { reads: [], writes: ['b'] } as const;\nexport const w = (db: any) => [db.insert(a), db.insert(b)];\n",
      'server/src/modules/two/two.repository.ts': "import { a, b } from '../../db/schema/index.ts';\nexport const readModel = { reads: ['a'], writes: ['c'] } as const;\nexport const w = (db: any) => db.update(b);\n",
    });
    expect(debt.stderr).not.toMatch(/writes b, which/);
    expect(debt.stderr).toMatch(/two\.repository\.ts: its read model declares a write to c, which is not another module's table it writes/);
    expect(debt.stderr.trim().split('\n').filter((l) => l.includes(': ')).length).toBe(1);
  });

  it('passes a tree that keeps every rule', () => {
    const r = lint({
      'shared/api/x.ts': "import { z } from 'zod';\nexport const s = z.string();\n",
      'server/src/db/schema/index.ts': 'export const t = 1; export const u = 2;\n',
      'server/src/modules/one/one.repository.ts': "import { t, u } from '../../db/schema/index.ts';\nexport const readModel = { reads: ['u'] } as const;\nexport const w = (db: any) => db.insert(t);\n",
      'server/src/modules/two/two.repository.ts': "import { u } from '../../db/schema/index.ts';\nexport const w = (db: any) => db.insert(u);\n",
      'server/src/modules/one/one.service.ts': "import { w } from './one.repository.ts';\nimport { can } from '../../platform/authz.ts';\nexport const svc = { w, can };\n",
      'server/src/platform/authz.ts': 'export const can = 1;\n',
      'server/src/modules/one/domain/rule.ts': "import { s } from '../../../../../shared/api/x.ts';\nexport const at = (now: Date) => new Date(now.getTime() + 1);\n",
      'client/src/features/a/view.tsx': "import { s } from '../../../../shared/api/x.ts';\nimport { f } from '../../lib/f.ts';\n",
      'client/src/lib/f.ts': 'export const f = 1;\n',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
