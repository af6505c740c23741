/** The built client as production serves it: precompressed brotli/gzip, immutable hashed assets, no-cache shell. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { precompress } from '../../scripts/build.mjs';
import { buildApp } from '../../server/src/app.ts';
import { systemClock } from '../../server/src/platform/clock.ts';
import { testConfig } from '../helpers/build-app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.ts';

describe('static delivery of the built client', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cpt-client-'));
  const js = `export const answer = ${JSON.stringify('x'.repeat(50))};\n`.repeat(200);
  const html = `<!doctype html><html><head><script type="module" src="/assets/index-Ab12Cd34.js"></script></head><body>${'<!-- shell -->'.repeat(100)}</body></html>`;
  let app: FastifyInstance;
  let database: TestDatabase;

  beforeAll(async () => {
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'assets', 'index-Ab12Cd34.js'), js);
    writeFileSync(path.join(dir, 'assets', 'tiny-Zz99Yy88.css'), 'a{}');
    writeFileSync(path.join(dir, 'index.html'), html);
    expect(precompress(dir)).toBe(2); // the 3-byte stylesheet is not worth compressing
    database = await createTestDatabase('pglite');
    ({ app } = await buildApp({ config: testConfig(), database, clock: systemClock, clientDist: dir, sweeps: false }));
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  it('sends brotli to a client that accepts it, cached for a year as immutable', async () => {
    const r = await app.inject({ url: '/assets/index-Ab12Cd34.js', headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-encoding']).toBe('br');
    expect(r.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(r.headers['content-type']).toMatch(/javascript/);
    expect(r.rawPayload.length).toBeLessThan(js.length / 10);
    expect(brotliDecompressSync(r.rawPayload).toString()).toBe(js);
  });

  it('sends gzip when brotli is not accepted, and the plain file when nothing is', async () => {
    const gz = await app.inject({ url: '/assets/index-Ab12Cd34.js', headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).toString()).toBe(js);
    const plain = await app.inject({ url: '/assets/index-Ab12Cd34.js', headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(js);
    const small = await app.inject({ url: '/assets/tiny-Zz99Yy88.css', headers: { 'accept-encoding': 'br' } });
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(small.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('revalidates index.html and the app shell of client routes on every load', async () => {
    for (const url of ['/', '/index.html', '/exam/some-session']) {
      const r = await app.inject({ url, headers: { 'accept-encoding': 'br' } });
      expect(r.statusCode, url).toBe(200);
      expect(r.headers['cache-control'], url).toBe('no-cache');
      const body = r.headers['content-encoding'] === 'br' ? brotliDecompressSync(r.rawPayload).toString() : r.body;
      expect(body, url).toBe(html);
    }
  });

  it('keeps JSON 404s for unknown API paths', async () => {
    const r = await app.inject({ url: '/api/nope' });
    expect(r.statusCode).toBe(404);
    expect(r.json()).toMatchObject({ code: 'NOT_FOUND' });
  });
});
