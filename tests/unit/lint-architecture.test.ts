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
});
