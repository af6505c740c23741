import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../server/src/bootstrap.ts';
import { buildTestApp, loginAs, type TestApp } from '../helpers/build-app.ts';
import { DB_KINDS } from '../helpers/test-db.ts';

describe.each(DB_KINDS)('accounts and auth on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(kind);
  });
  afterAll(() => t?.close());

  it('signs in every demo role and reports who is signed in', async () => {
    for (const u of DEMO_USERS) {
      const { cookie } = await loginAs(t.app, u.username);
      const me = await t.app.inject({ url: '/api/auth/me', headers: { cookie } });
      expect(me.statusCode).toBe(200);
      expect(me.json()).toMatchObject({ username: u.username, role: u.role });
    }
  });

  it('sets an HttpOnly SameSite=Strict cookie and stores only a hash of the token', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'author', password: 'demo-password-1' } });
    const cookie = res.cookies.find((c) => c.name === 'cpt_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Strict');
    expect(res.body).not.toContain(cookie.value);
  });

  it('refuses a wrong password with a clear message and no cookie', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'proctor', password: 'wrong-password' } });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'UNAUTHENTICATED', message: 'The username or password is not correct' });
    expect(res.cookies).toHaveLength(0);
  });

  it('throttles repeated failed logins per account, even with the right password afterwards', async () => {
    await t.services.accounts.createUser(null, { username: 'throttled', displayName: 'T', role: 'candidate', password: 'right-password-1' });
    for (let i = 0; i < 5; i++) {
      const r = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'throttled', password: 'nope-nope-nope' } });
      expect(r.statusCode).toBe(401);
    }
    const locked = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'throttled', password: 'right-password-1' } });
    expect(locked.statusCode).toBe(429);
    expect(locked.json().message).toMatch(/Too many failed sign-in attempts/);
  });

  it('accepts a Bearer token for API clients and forgets it on logout', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/token', payload: { username: 'admin', password: 'demo-password-1' } });
    const { token } = res.json();
    const headers = { authorization: `Bearer ${token}` };
    expect((await t.app.inject({ url: '/api/admin/users', headers })).statusCode).toBe(200);
    await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers });
    expect((await t.app.inject({ url: '/api/admin/users', headers })).statusCode).toBe(401);
  });

  it('guards an admin route: other roles get 403, anonymous callers 401', async () => {
    expect((await t.app.inject({ url: '/api/admin/users' })).statusCode).toBe(401);
    for (const username of ['author', 'proctor', 'candidate']) {
      const { cookie } = await loginAs(t.app, username);
      const res = await t.app.inject({ url: '/api/admin/users', headers: { cookie } });
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('FORBIDDEN');
    }
    const { cookie } = await loginAs(t.app, 'admin');
    expect((await t.app.inject({ url: '/api/admin/users', headers: { cookie } })).statusCode).toBe(200);
  });

  it('guards author routes: candidates and proctors cannot read the bank (it holds answer keys)', async () => {
    for (const username of ['proctor', 'candidate']) {
      const { cookie } = await loginAs(t.app, username);
      expect((await t.app.inject({ url: '/api/bank/items', headers: { cookie } })).statusCode).toBe(403);
      expect((await t.app.inject({ url: '/api/bank/export', headers: { cookie } })).statusCode).toBe(403);
    }
  });

  it('scopes test centers: a proctor sees only their own, an admin all', async () => {
    const { cookie: admin } = await loginAs(t.app, 'admin');
    const created = await t.app.inject({ method: 'POST', url: '/api/admin/test-centers', headers: { cookie: admin }, payload: { code: 'OTHER-01', name: 'Other', timeZone: 'America/Denver' } });
    expect(created.statusCode).toBe(201);
    const { cookie: proctor } = await loginAs(t.app, 'proctor');
    const mine = (await t.app.inject({ url: '/api/test-centers', headers: { cookie: proctor } })).json();
    expect(mine.map((c: { code: string }) => c.code)).toEqual(['DEMO-01']);
    const all = (await t.app.inject({ url: '/api/test-centers', headers: { cookie: admin } })).json();
    expect(all.map((c: { code: string }) => c.code).sort()).toEqual(['DEMO-01', 'OTHER-01']);
  });

  it('rejects bad input naming the field, and records admin actions in the audit log', async () => {
    const { cookie } = await loginAs(t.app, 'admin');
    const bad = await t.app.inject({ method: 'POST', url: '/api/admin/users', headers: { cookie }, payload: { username: 'X Y', displayName: '', role: 'wizard', password: 'short' } });
    expect(bad.statusCode).toBe(400);
    const pointers = bad.json().problems.map((p: { pointer: string }) => p.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/body/username', '/body/displayName', '/body/role', '/body/password']));
    const ok = await t.app.inject({ method: 'POST', url: '/api/admin/users', headers: { cookie }, payload: { username: 'newproctor', displayName: 'New Proctor', role: 'proctor', password: 'long-enough-pw', testCenterCodes: ['DEMO-01'] } });
    expect(ok.statusCode).toBe(201);
    const audit = await t.services.audit.forSubject('user', ok.json().id);
    expect(audit.map((a) => a.action)).toEqual(['user.created']);
    const dup = await t.app.inject({ method: 'POST', url: '/api/admin/users', headers: { cookie }, payload: { username: 'newproctor', displayName: 'Again', role: 'proctor', password: 'long-enough-pw' } });
    expect(dup.statusCode).toBe(409);
  });

  it('answers /healthz and publishes OpenAPI for the REST routes', async () => {
    expect((await t.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const doc = (await t.app.inject({ url: '/docs/json' })).json();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/auth/login', '/api/admin/users', '/api/bank/import']));
  });
});
