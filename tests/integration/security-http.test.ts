/**
 * HTTP-level protections attacked from outside: security headers and the CSP, no caching of API answers, cross-origin
 * state changes and socket upgrades refused (CSRF), small bodies before sign-in, roles checked before the body is
 * parsed, TRUST_PROXY, and the production posture (/docs behind a staff sign-in, no source maps, HSTS, demo accounts
 * disabled). docs/security.md lists each control.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/src/app.ts';
import { disableDemoAccounts, ensureDemoAccounts } from '../../server/src/bootstrap.ts';
import { parseConfig } from '../../server/src/config/env.ts';
import { systemClock } from '../../server/src/platform/clock.ts';
import { buildTestApp, loginAs, type TestApp } from '../helpers/build-app.ts';
import { createTestDatabase, DB_KINDS } from '../helpers/test-db.ts';

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

describe('TRUST_PROXY', () => {
  it('believes X-Forwarded-For only from a proxy it names', async () => {
    const addresses: string[] = [];
    for (const env of [{}, { TRUST_PROXY: '127.0.0.1' }] as Array<Record<string, string>>) {
      const t = await buildTestApp('pglite', { demoAccounts: false, env });
      try {
        await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'nobody', password: 'nothing at all' }, headers: { 'x-forwarded-for': '203.0.113.77' }, remoteAddress: '127.0.0.1' });
        const [failed] = await t.services.audit.byAction('auth.login-failed');
        addresses.push(String(failed!.details.address));
      } finally {
        await t.close();
      }
    }
    expect(addresses).toEqual(['127.0.0.1', '203.0.113.77']);
  }, 120_000);
});

describe.each(DB_KINDS)('production posture on %s', (kind) => {
  it('hides /docs from anonymous callers and non-staff, serves no source maps, pins HTTPS, and disables demo accounts', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cpt-sec-'));
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>x</title>');
    writeFileSync(path.join(dir, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(path.join(dir, 'assets', 'app.js.map'), '{"version":3}');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const database = await createTestDatabase(kind);
    // A database first started in development, with the demo accounts in it.
    const dev = await buildApp({ config: parseConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: ':memory:' }), database, clock: systemClock, clientDist: '/nonexistent', sweeps: false });
    await ensureDemoAccounts(dev.services);
    await dev.app.close();
    const config = parseConfig({
      NODE_ENV: 'production',
      LOG_LEVEL: 'silent',
      DATA_DIR: ':memory:',
      TOKEN_SECRET: 'a-production-secret-of-at-least-32-chars!',
      PUBLIC_URL: 'https://exams.example.org',
      OB_SIGNING_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    });
    const { app, services } = await buildApp({ config, database, clock: systemClock, clientDist: dir, sweeps: false });
    try {
      expect(await disableDemoAccounts(services)).toEqual(['admin', 'author', 'proctor', 'candidate']);
      expect((await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password: 'demo-password-1' } })).statusCode).toBe(401);
      expect((await app.inject({ url: '/docs/json' })).statusCode).toBe(401);
      expect((await app.inject({ url: '/docs' })).statusCode).toBe(401);
      await services.accounts.createUser(null, { username: 'prod-admin', displayName: 'A', role: 'admin', password: 'a long production passphrase' });
      await services.accounts.createUser(null, { username: 'prod-cand', displayName: 'C', role: 'candidate', password: 'candidate passphrase' });
      const login = async (username: string, password: string) => {
        const r = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
        return { cookie: `cpt_session=${r.cookies.find((c) => c.name === 'cpt_session')!.value}`, next: r.json().next as string | null };
      };
      const cand = await login('prod-cand', 'candidate passphrase');
      expect((await app.inject({ url: '/docs/json', headers: { cookie: cand.cookie } })).statusCode).toBe(403);
      // Staff must enrol a second factor in production before anything else, /docs included.
      const adm = await login('prod-admin', 'a long production passphrase');
      expect(adm.next).toBe('enrol-mfa');
      expect((await app.inject({ url: '/api/admin/users', headers: { cookie: adm.cookie } })).statusCode).toBe(403);
      expect((await app.inject({ url: '/assets/app.js' })).statusCode).toBe(200);
      expect((await app.inject({ url: '/assets/app.js.map' })).statusCode).toBe(404);
      const res = await app.inject({ url: '/' });
      expect(res.headers['strict-transport-security']).toMatch(/max-age=31536000/);
      expect(String(res.headers['content-security-policy'])).toContain('upgrade-insecure-requests');
      expect(res.cookies).toEqual([]);
    } finally {
      await app.close();
      await database.close();
    }
  }, 180_000);

  it('refuses the development token secret and demo accounts in production', () => {
    const base = { NODE_ENV: 'production', PUBLIC_URL: 'https://exams.example.org', OB_SIGNING_KEY_FILE: '/k.pem' };
    expect(() => parseConfig({ ...base, TOKEN_SECRET: 'cpt-exam-development-only-token-secret-0000' })).toThrow(/TOKEN_SECRET: is the development secret published in the source/);
    expect(() => parseConfig({ ...base, TOKEN_SECRET: 'x'.repeat(40), DEMO_ACCOUNTS: 'true' })).toThrow(/DEMO_ACCOUNTS: demo accounts have a published password/);
    expect(() => parseConfig({ ...base, TOKEN_SECRET: 'x'.repeat(40), TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY: must be false, a hop count/);
  });
});
