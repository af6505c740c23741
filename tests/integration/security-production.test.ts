/**
 * The production posture attacked from outside (/docs behind a staff sign-in, no source maps, HSTS, demo accounts
 * disabled, development secret refused) and TRUST_PROXY. Every app of this file is built before any request is made.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/src/app.ts';
import { disableDemoAccounts, ensureDemoAccounts } from '../../server/src/bootstrap.ts';
import { parseConfig } from '../../server/src/config/env.ts';
import { systemClock } from '../../server/src/platform/clock.ts';
import { buildTestApp, type TestApp } from '../helpers/build-app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.ts';

// A fixture key, not a generated one: a second generateKeyPairSync in one process can deadlock Node 20.
const TEST_KEY_PEM = readFileSync(new URL('../fixtures/keys/test-ob-signing-key.pem', import.meta.url), 'utf8');
const PRODUCTION = {
  NODE_ENV: 'production',
  LOG_LEVEL: 'silent',
  DATA_DIR: ':memory:',
  TOKEN_SECRET: 'a-production-secret-of-at-least-32-chars!',
  PUBLIC_URL: 'https://exams.example.org',
  OB_SIGNING_KEY: TEST_KEY_PEM,
};

describe('production posture and TRUST_PROXY', () => {
  let prod: Awaited<ReturnType<typeof buildApp>>;
  let database: TestDatabase;
  let direct: TestApp;
  let proxied: TestApp;
  const dir = mkdtempSync(path.join(tmpdir(), 'cpt-sec-'));

  beforeAll(async () => {
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>x</title>');
    writeFileSync(path.join(dir, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(path.join(dir, 'assets', 'app.js.map'), '{"version":3}');
    database = await createTestDatabase('pglite');
    prod = await buildApp({ config: parseConfig(PRODUCTION), database, clock: systemClock, clientDist: dir, sweeps: false });
    direct = await buildTestApp('pglite', { demoAccounts: false });
    proxied = await buildTestApp('pglite', { demoAccounts: false, env: { TRUST_PROXY: '127.0.0.1' } });
  }, 240_000);
  afterAll(async () => {
    await proxied?.close();
    await direct?.close();
    await prod?.app.close();
    await database?.close();
  });

  it('believes X-Forwarded-For only from a proxy TRUST_PROXY names', async () => {
    const addresses: string[] = [];
    for (const t of [direct, proxied]) {
      await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'nobody', password: 'nothing at all' }, headers: { 'x-forwarded-for': '203.0.113.77' }, remoteAddress: '127.0.0.1' });
      const [failed] = await t.services.audit.byAction('auth.login-failed');
      addresses.push(String(failed!.details.address));
    }
    expect(addresses).toEqual(['127.0.0.1', '203.0.113.77']);
  });

  it('hides /docs from anonymous callers and non-staff, serves no source maps, pins HTTPS, and disables demo accounts', async () => {
    const { app, services } = prod;
    // A database first started in development carries the demo accounts: start-up disables them.
    await ensureDemoAccounts(services);
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
  }, 120_000);

  it('refuses the development token secret, demo accounts and an unbounded TRUST_PROXY in production', () => {
    const base = { NODE_ENV: 'production', PUBLIC_URL: 'https://exams.example.org', OB_SIGNING_KEY_FILE: '/k.pem' };
    expect(() => parseConfig({ ...base, TOKEN_SECRET: 'cpt-exam-development-only-token-secret-0000' })).toThrow(/TOKEN_SECRET: is the development secret published in the source/);
    expect(() => parseConfig({ ...base, TOKEN_SECRET: 'x'.repeat(40), DEMO_ACCOUNTS: 'true' })).toThrow(/DEMO_ACCOUNTS: demo accounts have a published password/);
    expect(() => parseConfig({ ...base, TOKEN_SECRET: 'x'.repeat(40), TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY: must be false, a hop count/);
  });
});
