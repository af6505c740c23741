/**
 * The authorization matrix: every route of the OpenAPI document is called as an anonymous visitor and as each role,
 * with placeholder parameters and an empty body, and who gets in must match the decision written down here. A new
 * route with no entry fails the test; so does a route whose guard lets in a role it should not (or keeps one out).
 * "Gets in" means anything but 401 and the role guard's 403: an allowed caller may still get 400 (placeholder body)
 * or 404 (placeholder id). Roles are checked in onRequest, so a refused caller gets 401/403 even with a bad body.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, loginAs, type TestApp } from '../helpers/build-app.ts';
import { DB_KINDS } from '../helpers/test-db.ts';

type Who = 'anonymous' | 'candidate' | 'proctor' | 'author' | 'admin';
const ROLES = ['candidate', 'proctor', 'author', 'admin'] as const;
const PUBLIC = 'public' as const;
const ANY = ['candidate', 'proctor', 'author', 'admin'] as const;
const STAFF = ['proctor', 'admin'] as const;
const AUTHORS = ['author', 'admin'] as const;
const ADMIN = ['admin'] as const;

/** The decision for every route: public, or the roles that may call it. */
export const ACCESS: Record<string, typeof PUBLIC | readonly (typeof ROLES)[number][]> = {
  'POST /api/auth/login': PUBLIC,
  'POST /api/auth/token': PUBLIC,
  'POST /api/auth/mfa': PUBLIC,
  'POST /api/auth/launch-code': PUBLIC,
  'POST /api/auth/logout': PUBLIC,
  'POST /api/auth/logout-everywhere': ANY,
  'GET /api/auth/me': ANY,
  'POST /api/auth/password': ANY,
  'GET /api/auth/mfa': ['proctor', 'author', 'admin'],
  'POST /api/auth/mfa/enrol': ['proctor', 'author', 'admin'],
  'POST /api/auth/mfa/confirm': ['proctor', 'author', 'admin'],
  'PUT /api/admin/users/{id}/status': ADMIN,
  'POST /api/admin/users/{id}/password': ADMIN,
  'POST /api/admin/users/{id}/sessions/revoke': ADMIN,
  'POST /api/admin/users/{id}/mfa/reset': ADMIN,
};

const ZERO = '00000000-0000-0000-0000-000000000000';
const DESTRUCTIVE = new Set(['POST /api/auth/logout', 'POST /api/auth/logout-everywhere']);

describe.each(DB_KINDS)('authorization matrix on %s', (kind) => {
  let t: TestApp;
  const cookies: Partial<Record<Who, string>> = {};
  beforeAll(async () => {
    t = await buildTestApp(kind);
    for (const r of ROLES) cookies[r] = (await loginAs(t.app, r)).cookie;
  }, 120_000);
  afterAll(() => t?.close());

  it('every route in the OpenAPI document has a decision, and the running server enforces exactly it', async () => {
    const doc = (await t.app.inject({ url: '/docs/json' })).json() as { paths: Record<string, Record<string, unknown>> };
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    const observed: Record<string, string> = {};
    for (const route of routes) {
      const [method, path] = route.split(' ') as [string, string];
      const url = path.replace(/\{[^}]+\}/g, (p) => (/format/.test(p) ? 'json' : /list/.test(p) ? '1' : ZERO));
      const allowed: string[] = [];
      let anonymous = false;
      for (const who of ['anonymous', ...ROLES] as Who[]) {
        let cookie = cookies[who];
        if (DESTRUCTIVE.has(route) && who !== 'anonymous') cookie = (await loginAs(t.app, who)).cookie;
        const res = await t.app.inject({
          method: method as 'GET',
          url,
          headers: cookie ? { cookie } : {},
          ...(['POST', 'PUT', 'PATCH'].includes(method) ? { payload: {} } : {}),
          remoteAddress: `192.0.2.${ROLES.indexOf(who as (typeof ROLES)[number]) + 10}`,
        });
        const body = res.headers['content-type']?.toString().includes('json') ? (res.json() as { details?: { requiredRoles?: unknown; pending?: unknown } }) : {};
        const refused = res.statusCode === 401 || (res.statusCode === 403 && !!body.details?.requiredRoles);
        if (who === 'anonymous') anonymous = !refused;
        else if (!refused) allowed.push(who);
      }
      observed[route] = anonymous ? 'public' : allowed.join(',');
    }
    const expected = Object.fromEntries(routes.map((r) => [r, ACCESS[r] === undefined ? 'NO DECISION' : ACCESS[r] === PUBLIC ? 'public' : [...(ACCESS[r] as readonly string[])].sort((a, b) => ROLES.indexOf(a as never) - ROLES.indexOf(b as never)).join(',')]));
    expect(observed).toEqual(expected);
    // And the table names no route that no longer exists.
    expect(Object.keys(ACCESS).filter((r) => !routes.includes(r))).toEqual([]);
  }, 600_000);
});
