/**
 * The server and the client are type-checked apart (tsconfig.server.json, tsconfig.client.json): a browser global in
 * server code, or a Node global in client code, does not compile. Each case compiles a small file with the real config.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

function check(side: 'server' | 'client', code: string) {
  const dir = mkdtempSync(path.join(tmpdir(), `cpt-tsconfig-${side}-`));
  writeFileSync(path.join(dir, 'probe.ts'), code);
  writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({ extends: path.join(ROOT, `tsconfig.${side}.json`), compilerOptions: { typeRoots: [path.join(ROOT, 'node_modules/@types')] }, include: ['probe.ts'] }),
  );
  return spawnSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', dir], { encoding: 'utf8' });
}

describe('separate type checks for server and client', () => {
  it('refuses Node globals in client code and accepts the DOM', () => {
    const bad = check('client', 'export const where = process.cwd();\nexport const bytes = Buffer.from("x");\n');
    expect(bad.status).not.toBe(0);
    expect(bad.stdout).toMatch(/Cannot find name 'process'/);
    expect(bad.stdout).toMatch(/Cannot find name 'Buffer'/);
    expect(check('client', 'export const title = () => document.title;\n').status).toBe(0);
  }, 60_000);

  it('refuses browser globals in server code and accepts Node', () => {
    const bad = check('server', 'export const title = () => document.title;\nexport const w = () => window.location.href;\n');
    expect(bad.status).not.toBe(0);
    expect(bad.stdout).toMatch(/Cannot find name 'document'/);
    expect(bad.stdout).toMatch(/Cannot find name 'window'/);
    expect(check('server', 'export const where = () => process.cwd();\n').status).toBe(0);
  }, 60_000);
});
