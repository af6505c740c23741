/**
 * The candidate's exam route ships at most 150 KB of gzipped JavaScript, and none of the proctor or author code
 * (those are lazy chunks). Builds the client with the project's vite config into a temporary folder, then follows the
 * entry's static imports in the build manifest: exactly what the browser loads before the exam can run.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

export const EXAM_ROUTE_BUDGET_GZIP = 150 * 1024;

interface ManifestChunk {
  file: string;
  src?: string;
  isEntry?: boolean;
  isDynamicEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
}

describe('the candidate bundle', () => {
  const out = mkdtempSync(path.join(tmpdir(), 'cpt-bundle-'));
  let manifest: Record<string, ManifestChunk>;
  beforeAll(async () => {
    // vitest sets NODE_ENV=test, which would make vite bundle React's development build; measure what ships.
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await build({
        configFile: path.resolve('vite.config.ts'),
        mode: 'production',
        logLevel: 'silent',
        build: { outDir: out, emptyOutDir: true, manifest: 'manifest.json', sourcemap: false },
      });
    } finally {
      process.env.NODE_ENV = nodeEnv;
    }
    manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
  }, 120_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  /** The entry and everything it imports statically (not the lazy routes). */
  function examRouteChunks(): ManifestChunk[] {
    const entry = Object.entries(manifest).find(([, c]) => c.isEntry)!;
    const seen = new Map<string, ManifestChunk>();
    const visit = (key: string) => {
      if (seen.has(key)) return;
      const c = manifest[key]!;
      seen.set(key, c);
      for (const i of c.imports ?? []) visit(i);
    };
    visit(entry[0]);
    return [...seen.values()];
  }

  it(`keeps the exam route's JavaScript within ${EXAM_ROUTE_BUDGET_GZIP / 1024} KB gzipped`, () => {
    const chunks = examRouteChunks();
    const sizes = chunks.map((c) => ({ file: c.file, gzip: gzipSync(readFileSync(path.join(out, c.file)), { level: 9 }).length }));
    const total = sizes.reduce((s, c) => s + c.gzip, 0);
    console.log(`exam route JavaScript: ${(total / 1024).toFixed(1)} KB gzipped in ${sizes.length} file(s): ${sizes.map((s) => `${s.file} ${(s.gzip / 1024).toFixed(1)} KB`).join(', ')}`);
    expect(total).toBeLessThanOrEqual(EXAM_ROUTE_BUDGET_GZIP);
  });

  it('loads the proctor and author areas lazily, outside the exam route', () => {
    const exam = new Set(examRouteChunks().map((c) => c.src));
    const lazy = Object.values(manifest).filter((c) => c.isDynamicEntry).map((c) => c.src);
    // The seat camera's capture (#17.11) too: only candidates at a center with the camera on download it.
    expect(lazy).toEqual(expect.arrayContaining([expect.stringMatching(/features\/proctoring\//), expect.stringMatching(/features\/authoring\//), expect.stringMatching(/exam-session\/seat-camera\.ts$/)]));
    for (const src of lazy) expect(exam.has(src)).toBe(false);
    // The exam route parses socket frames with the shared protocol schema (so it carries zod), but none of the HTTP
    // API's schemas: the client takes those as types only (docs/decisions/0003-one-contract.md).
    const code = examRouteChunks().map((c) => readFileSync(path.join(out, c.file), 'utf8')).join('\n');
    expect(code).toMatch(/\$ZodType/);
    for (const apiSchemaText of ['username must be 3-100 characters', 'the time multiplier is at least 1', 'option id must be a letter A to E', 'send at least one file']) {
      expect(code.includes(apiSchemaText), apiSchemaText).toBe(false);
    }
  });
});
