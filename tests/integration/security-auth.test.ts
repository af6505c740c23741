/**
 * Accounts and sessions attacked from outside, through HTTP only: parallel password guessing, spoofed addresses,
 * launch-code guessing, idle and absolute session ends, sign-out everywhere, password change and policy, forced
 * change, account disable, and TOTP two-factor sign-in with recovery codes (docs/security.md).
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENTS_CHANNEL } from '../../server/src/db/notify.ts';
import { totpCode } from '../../server/src/modules/auth/totp.ts';
import { buildTestApp, loginAs, type TestApp } from '../helpers/build-app.ts';
import { fakeClock } from '../helpers/fake-clock.ts';
import { DB_KINDS } from '../helpers/test-db.ts';

const cookieOf = (res: LightMyRequestResponse) => {
  const c = res.cookies.find((x) => x.name === 'cpt_session');
  return c ? `cpt_session=${c.value}` : '';
};

describe.each(DB_KINDS)('sign-in and sessions under attack on %s', (kind) => {
  let t: TestApp;
  let strict: TestApp;
  const clock = fakeClock();
  const revoked: Array<{ userId: string; tokenId: string | null }> = [];
  let admin: { cookie: string };
  let n = 0;

  const login = (username: string, password: string, remoteAddress = '198.51.100.7', headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress, headers });
  const newUser = async (role: 'admin' | 'author' | 'proctor' | 'candidate', extra: Record<string, unknown> = {}) => {
    const username = `sec-${role}-${++n}`;
    const password = `Correct horse ${n} battery`;
    const res = await t.app.inject({ method: 'POST', url: '/api/admin/users', headers: admin, payload: { username, displayName: `Security ${n}`, role, password, testCenterCodes: role === 'proctor' || role === 'candidate' ? ['DEMO-01'] : [], ...extra } });
    expect(res.statusCode, res.body).toBe(201);
    return { id: res.json().id as string, username, password };
  };
  const auditActions = async (action: string) => (await t.services.audit.byAction(action)) as Array<{ subjectId: string; details: Record<string, unknown> }>;

  beforeAll(async () => {
    t = await buildTestApp(kind, { clock, env: { STAFF_IDLE_MINUTES: '30', STAFF_SESSION_HOURS: '10', SESSION_TTL_HOURS: '12' } });
    await t.database.listen(EVENTS_CHANNEL, (payload) => {
      const e = JSON.parse(payload) as { t: string; kind?: string; userId: string; tokenId: string | null };
      if (e.t === 'auth' && e.kind === 'revoked') revoked.push({ userId: e.userId, tokenId: e.tokenId });
    });
    admin = await loginAs(t.app, 'admin');
    strict = await buildTestApp(kind, { clock, env: { MFA_REQUIRED_ROLES: 'admin,proctor' } });
  }, 240_000);
  afterAll(async () => {
    await strict?.close();
    await t?.close();
  });

  it('counts each guess before checking it: 20 parallel wrong passwords get 5 checks, the rest 429', async () => {
    const u = await newUser('candidate');
    const results = await Promise.all(Array.from({ length: 20 }, () => login(u.username, 'wrong wrong wrong wrong', '198.51.100.20')));
    const codes = results.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 401)).toHaveLength(5);
    expect(codes.filter((c) => c === 429)).toHaveLength(15);
    expect((await auditActions('auth.login-failed')).filter((a) => a.subjectId === u.id)).toHaveLength(5);
    const limited = results.find((r) => r.statusCode === 429)!.json();
    expect(limited.message).toMatch(/Too many failed sign-in attempts. Try again in \d+ seconds/);
    // A short progressive delay, not a long lock-out: the right password works once it has passed.
    expect((await login(u.username, u.password, '198.51.100.21')).statusCode).toBe(429);
    clock.advance(16_000);
    expect((await login(u.username, u.password, '198.51.100.21')).statusCode).toBe(200);
  });

  it('limits one address across accounts, and a forged X-Forwarded-For does not reset it (TRUST_PROXY off)', async () => {
    let last = 0;
    for (let i = 0; i < 31; i++) {
      const r = await login(`nobody-${i}`, 'whatever whatever', '203.0.113.50', { 'x-forwarded-for': `10.9.8.${i}` });
      last = r.statusCode;
    }
    expect(last).toBe(429);
    // Another real peer is unaffected.
    expect((await login('candidate', 'demo-password-1', '203.0.113.51')).statusCode).toBe(200);
    // Good sign-ins from one address (a test center behind NAT) are not charged.
    for (let i = 0; i < 31; i++) expect((await login('candidate', 'demo-password-1', '203.0.113.52')).statusCode).toBe(200);
    clock.advance(16 * 60_000);
  }, 400_000);

  it('throttles launch-code guessing per address', async () => {
    const codes = [];
    for (let i = 0; i < 32; i++) codes.push((await t.app.inject({ method: 'POST', url: '/api/auth/launch-code', payload: { code: `ZZZZZ-ZZZ${String(i).padStart(2, '2')}` }, remoteAddress: '203.0.113.60' })).statusCode);
    expect(codes.slice(0, 30).every((c) => c === 401)).toBe(true);
    expect(codes.slice(30)).toEqual([429, 429]);
    expect((await auditActions('auth.launch-code-failed')).filter((a) => a.subjectId === '203.0.113.60')).toHaveLength(30);
  }, 120_000);

  it('ends an idle staff session after the idle timeout, but not a candidate sitting a long exam', async () => {
    const staff = { cookie: cookieOf(await login('author', 'demo-password-1')) };
    const cand = { cookie: cookieOf(await login('candidate', 'demo-password-1')) };
    clock.advance(20 * 60_000);
    expect((await t.app.inject({ url: '/api/auth/me', headers: staff })).statusCode).toBe(200);
    clock.advance(20 * 60_000); // 20 minutes after the last request: still inside 30
    expect((await t.app.inject({ url: '/api/auth/me', headers: staff })).statusCode).toBe(200);
    revoked.length = 0;
    clock.advance(31 * 60_000);
    expect((await t.app.inject({ url: '/api/auth/me', headers: staff })).statusCode).toBe(401);
    expect((await t.app.inject({ url: '/api/auth/me', headers: cand })).statusCode).toBe(200);
    expect((await auditActions('auth.session-idle-timeout')).length).toBeGreaterThanOrEqual(1);
    await expect.poll(() => revoked.length).toBe(1);
    expect(revoked[0]!.tokenId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('ends a staff session at the absolute timeout however active it is', async () => {
    const staff = { cookie: cookieOf(await login('proctor', 'demo-password-1')) };
    for (let i = 0; i < 29; i++) {
      clock.advance(20 * 60_000); // active every 20 minutes, 9 h 40 min in all
      expect((await t.app.inject({ url: '/api/auth/me', headers: staff })).statusCode).toBe(200);
    }
    clock.advance(21 * 60_000);
    expect((await t.app.inject({ url: '/api/auth/me', headers: staff })).statusCode).toBe(401);
    admin = await loginAs(t.app, 'admin');
  });

  it('signs out everywhere: every session of the account ends and one revocation for all its tokens is published', async () => {
    const u = await newUser('author');
    const a = { cookie: cookieOf(await login(u.username, u.password)) };
    const b = { cookie: cookieOf(await login(u.username, u.password)) };
    revoked.length = 0;
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/logout-everywhere', headers: a });
    expect(res.json()).toEqual({ sessionsEnded: 2 });
    expect((await t.app.inject({ url: '/api/auth/me', headers: a })).statusCode).toBe(401);
    expect((await t.app.inject({ url: '/api/auth/me', headers: b })).statusCode).toBe(401);
    await expect.poll(() => revoked).toEqual([{ userId: u.id, tokenId: null }]);
  });

  it('signing out one device publishes that token only', async () => {
    const u = await newUser('proctor');
    const a = { cookie: cookieOf(await login(u.username, u.password)) };
    const b = { cookie: cookieOf(await login(u.username, u.password)) };
    revoked.length = 0;
    await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: a });
    expect((await t.app.inject({ url: '/api/auth/me', headers: a })).statusCode).toBe(401);
    expect((await t.app.inject({ url: '/api/auth/me', headers: b })).statusCode).toBe(200);
    await expect.poll(() => revoked.length).toBe(1);
    expect(revoked[0]).toMatchObject({ userId: u.id, tokenId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
  });

  it('changes a password: policy checked, other sessions end, this one stays', async () => {
    const u = await newUser('proctor');
    const here = { cookie: cookieOf(await login(u.username, u.password)) };
    const there = { cookie: cookieOf(await login(u.username, u.password)) };
    const change = (currentPassword: string, newPassword: string) => t.app.inject({ method: 'POST', url: '/api/auth/password', headers: here, payload: { currentPassword, newPassword } });
    const wrong = await change('not my password at all', 'a fresh long passphrase 7');
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().problems).toEqual([{ pointer: '/currentPassword', message: 'is not correct' }]);
    const common = await change(u.password, 'qwerty123456');
    expect(common.statusCode).toBe(400);
    expect(common.json().message).toMatch(/common or breached passwords/);
    const short = await change(u.password, 'short pw 1');
    expect(short.json().message).toMatch(/at least 12 characters for the proctor role/);
    const withName = await change(u.password, `${u.username} is my name`);
    expect(withName.json().message).toMatch(/must not contain the username/);
    revoked.length = 0;
    const ok = await change(u.password, 'purple elephants dance at noon');
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toEqual({ otherSessionsEnded: 1 });
    expect((await t.app.inject({ url: '/api/auth/me', headers: here })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/api/auth/me', headers: there })).statusCode).toBe(401);
    expect((await login(u.username, u.password)).statusCode).toBe(401);
    expect((await login(u.username, 'purple elephants dance at noon')).statusCode).toBe(200);
    await expect.poll(() => revoked.length).toBe(1);
    expect((await auditActions('auth.password-changed')).some((a) => a.subjectId === u.id)).toBe(true);
  });

  it('refuses a staff account with a weak password when it is created', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/admin/users', headers: admin, payload: { username: 'weak-admin', displayName: 'W', role: 'admin', password: 'password1234' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().problems[0]).toMatchObject({ pointer: '/password' });
  });

  it('makes an account someone else set up choose its own password before anything else', async () => {
    const u = await newUser('candidate', { mustChangePassword: true });
    const res = await login(u.username, u.password);
    expect(res.json()).toMatchObject({ next: 'change-password', user: { pending: 'change-password' } });
    const session = { cookie: cookieOf(res) };
    const blocked = await t.app.inject({ url: '/api/me/history', headers: session });
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().details).toEqual({ pending: 'change-password' });
    const changed = await t.app.inject({ method: 'POST', url: '/api/auth/password', headers: session, payload: { currentPassword: u.password, newPassword: 'my own secret phrase 42' } });
    expect(changed.statusCode).toBe(200);
    expect((await t.app.inject({ url: '/api/me/history', headers: session })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/api/auth/me', headers: session })).json().pending).toBeUndefined();
  });

  it('disabling an account ends its sessions at once; enabling lets it sign in again', async () => {
    const u = await newUser('proctor');
    const session = { cookie: cookieOf(await login(u.username, u.password)) };
    revoked.length = 0;
    const off = await t.app.inject({ method: 'PUT', url: `/api/admin/users/${u.id}/status`, headers: admin, payload: { disabled: true } });
    expect(off.json()).toMatchObject({ disabled: true, sessionsEnded: 1 });
    expect((await t.app.inject({ url: '/api/auth/me', headers: session })).statusCode).toBe(401);
    expect((await login(u.username, u.password)).statusCode).toBe(401);
    await expect.poll(() => revoked).toEqual([{ userId: u.id, tokenId: null }]);
    // A proctor cannot do this.
    const proctor = await loginAs(t.app, 'proctor');
    expect((await t.app.inject({ method: 'PUT', url: `/api/admin/users/${u.id}/status`, headers: proctor, payload: { disabled: false } })).statusCode).toBe(403);
    await t.app.inject({ method: 'PUT', url: `/api/admin/users/${u.id}/status`, headers: admin, payload: { disabled: false } });
    expect((await login(u.username, u.password)).statusCode).toBe(200);
    expect((await auditActions('user.disabled')).some((a) => a.subjectId === u.id)).toBe(true);
    expect((await auditActions('user.enabled')).some((a) => a.subjectId === u.id)).toBe(true);
  });

  it('TOTP two-factor sign-in: enrol, code required, no replay, recovery codes once each', async () => {
    const u = await newUser('proctor');
    const first = { cookie: cookieOf(await login(u.username, u.password)) };
    const enrol = await t.app.inject({ method: 'POST', url: '/api/auth/mfa/enrol', headers: first });
    const { secret, otpauthUrl } = enrol.json();
    expect(otpauthUrl).toMatch(/^otpauth:\/\/totp\/cpt-exam:/);
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/mfa/confirm', headers: first, payload: { code: '000000' } })).statusCode).toBe(400);
    const confirmed = await t.app.inject({ method: 'POST', url: '/api/auth/mfa/confirm', headers: first, payload: { code: totpCode(secret, clock.now()) } });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    const { recoveryCodes } = confirmed.json() as { recoveryCodes: string[] };
    expect(recoveryCodes).toHaveLength(10);

    clock.advance(31_000);
    const pw = await login(u.username, u.password);
    expect(pw.json().next).toBe('mfa');
    const half = { cookie: cookieOf(pw) };
    // The password alone opens nothing.
    expect((await t.app.inject({ url: '/api/auth/me', headers: half })).statusCode).toBe(401);
    expect((await t.app.inject({ url: '/api/test-centers', headers: half })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/mfa', headers: half, payload: { code: '123456' } })).statusCode).toBe(401);
    const code = totpCode(secret, clock.now());
    const second = await t.app.inject({ method: 'POST', url: '/api/auth/mfa', headers: half, payload: { code } });
    expect(second.statusCode, second.body).toBe(200);
    const full = { cookie: cookieOf(second) };
    expect(full.cookie).not.toBe(half.cookie);
    expect((await t.app.inject({ url: '/api/auth/me', headers: full })).json().username).toBe(u.username);
    // The half session is gone; the same code cannot sign in a second time.
    const again = { cookie: cookieOf(await login(u.username, u.password)) };
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/mfa', headers: again, payload: { code } })).statusCode).toBe(401);
    const rec = await t.app.inject({ method: 'POST', url: '/api/auth/mfa', headers: again, payload: { code: recoveryCodes[0]!.toUpperCase() } });
    expect(rec.statusCode).toBe(200);
    const third = { cookie: cookieOf(await login(u.username, u.password)) };
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/mfa', headers: third, payload: { code: recoveryCodes[0]! } })).statusCode).toBe(401);
    expect((await auditActions('auth.mfa-recovery-code-used')).some((a) => a.subjectId === u.id)).toBe(true);
    // API clients: the Bearer token of the password step is exchanged for a full one.
    clock.advance(31_000);
    const tok = await t.app.inject({ method: 'POST', url: '/api/auth/token', payload: { username: u.username, password: u.password }, remoteAddress: '198.51.100.7' });
    const bearer = await t.app.inject({ method: 'POST', url: '/api/auth/mfa', headers: { authorization: `Bearer ${tok.json().token}` }, payload: { code: totpCode(secret, clock.now()) } });
    expect(bearer.json().token).toMatch(/^[\w-]{40,}$/);
    expect((await t.app.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${bearer.json().token}` } })).statusCode).toBe(200);
    // An admin resets a lost authenticator.
    await t.app.inject({ method: 'POST', url: `/api/admin/users/${u.id}/mfa/reset`, headers: admin });
    expect((await login(u.username, u.password)).json().next).toBe(null);
  }, 120_000);

  it('a role that must use two factors is made to enrol before anything else', async () => {
    {
      const res = await strict.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'proctor', password: 'demo-password-1' } });
      expect(res.json()).toMatchObject({ next: 'enrol-mfa', user: { pending: 'enrol-mfa' } });
      const s = { cookie: cookieOf(res) };
      const blocked = await strict.app.inject({ url: '/api/test-centers', headers: s });
      expect(blocked.statusCode).toBe(403);
      expect(blocked.json().details).toEqual({ pending: 'enrol-mfa' });
      const { secret } = (await strict.app.inject({ method: 'POST', url: '/api/auth/mfa/enrol', headers: s })).json();
      expect((await strict.app.inject({ method: 'POST', url: '/api/auth/mfa/confirm', headers: s, payload: { code: totpCode(secret, clock.now()) } })).statusCode).toBe(200);
      expect((await strict.app.inject({ url: '/api/test-centers', headers: s })).statusCode).toBe(200);
      // Authors are not in the list: they sign in with a password alone.
      expect((await strict.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'author', password: 'demo-password-1' } })).json().next).toBe(null);
    }
  }, 120_000);
});
