/**
 * The authorization matrix (#14 "done when"): every operation of the app's OpenAPI document is called as anonymous and
 * as each role with a minimal request, and must be refused (401/403) exactly for the roles the table below does not
 * allow. A route added without a line here fails the test, so every new route gets a written decision.
 *
 * "Allowed" means the role guard lets the caller through (anything but 401/403: a 400 for the empty body or a 404 for
 * the made-up id is fine). Finer checks behind the guard (own session, own test center) are tested per feature.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, loginAs, type TestApp } from '../helpers/build-app.ts';

const ROLES = ['anonymous', 'candidate', 'proctor', 'author', 'admin'] as const;
type Role = (typeof ROLES)[number];

/** Who may pass each operation's guard. Shorthands for the common sets: */
const SIGNED_IN: Role[] = ['candidate', 'proctor', 'author', 'admin'];
const STAFF: Role[] = ['proctor', 'author', 'admin'];
const PROCTORS: Role[] = ['proctor', 'admin'];
const AUTHORS: Role[] = ['author', 'admin'];
const ADMIN: Role[] = ['admin'];
const CANDIDATE: Role[] = ['candidate'];
const CANDIDATE_STAFF: Role[] = ['candidate', 'proctor', 'admin'];
const HOLDER: Role[] = ['candidate', 'admin'];
/** Routes that need no sign-in: sign-in itself, public credential verification and Open Badges documents. */
const PUBLIC: Role[] = ['anonymous', 'candidate', 'proctor', 'author', 'admin'];
/** The employer API authenticates with its own API key: no signed-in role passes (employer-api.test.ts). */
const API_KEY: Role[] = [];

const MATRIX: Record<string, Role[]> = {
  'POST /api/auth/login': PUBLIC, // sign-in
  'POST /api/auth/token': PUBLIC,
  'POST /api/auth/mfa': SIGNED_IN, // needs a session token (password-only or full); anonymous is refused before the body
  'GET /api/auth/mfa': STAFF,
  'POST /api/auth/launch-code': PUBLIC,
  'POST /api/auth/logout': PUBLIC, // signing out without a session is harmless
  'POST /api/auth/logout-everywhere': SIGNED_IN,
  'GET /api/auth/me': SIGNED_IN,
  'POST /api/auth/password': SIGNED_IN,
  'POST /api/auth/mfa/enrol': STAFF,
  'POST /api/auth/mfa/confirm': STAFF,
  'PUT /api/admin/users/{id}/status': ADMIN,
  'POST /api/admin/users/{id}/password': ADMIN,
  'POST /api/admin/users/{id}/sessions/revoke': ADMIN,
  'POST /api/admin/users/{id}/mfa/reset': ADMIN,
  'POST /api/admin/users': ADMIN,
  'GET /api/admin/users': ADMIN,
  'POST /api/admin/test-centers': ADMIN,
  'POST /api/admin/test-centers/{id}/members': ADMIN,
  'POST /api/test-centers/{id}/candidates/import': PROCTORS,
  'GET /api/test-centers/{id}/candidates': PROCTORS,
  'GET /api/test-centers': SIGNED_IN,
  // Seat camera (#17.11): the setting is the admin's; stills go up from the candidate and are seen by the center's staff.
  'GET /api/test-centers/{id}/camera': PROCTORS,
  'PUT /api/admin/test-centers/{id}/camera': ADMIN,
  'GET /api/sessions/{id}/camera': CANDIDATE_STAFF,
  'POST /api/sessions/{id}/camera/consent': CANDIDATE,
  'POST /api/sessions/{id}/camera/stills': CANDIDATE,
  'POST /api/sessions/{id}/camera/failure': CANDIDATE,
  'GET /api/sessions/{id}/camera/stills': PROCTORS,
  'GET /api/sessions/{id}/camera/stills/{stillId}': PROCTORS,
  // A proctor of the center (or an admin) reopens a seat's camera decision and reads the earlier ones.
  'POST /api/sessions/{id}/camera/reopen': PROCTORS,
  'GET /api/sessions/{id}/camera/history': PROCTORS,
  'GET /api/bank/items': AUTHORS,
  'POST /api/bank/validate': AUTHORS,
  'POST /api/bank/import': AUTHORS,
  'PUT /api/bank/items/{id}': AUTHORS,
  'POST /api/bank/items/{id}/retire': AUTHORS,
  'POST /api/bank/items/{id}/review': AUTHORS,
  'GET /api/bank/items/{id}/history': AUTHORS,
  'GET /api/bank/items/{id}/preview': AUTHORS,
  'GET /api/bank/coverage': AUTHORS,
  'GET /api/bank/media/{sha256}': AUTHORS, // any image of the bank, for authoring
  'POST /api/bank/media': AUTHORS, // the item editor's picture upload, role checked before the body (item-media-editor.test.ts)
  'POST /api/bank/upload': AUTHORS,
  'GET /api/bank/export.{format}': AUTHORS,
  'GET /api/bank/export': AUTHORS,
  'POST /api/forms/preview': AUTHORS,
  'POST /api/forms/build': AUTHORS,
  'POST /api/forms/{id}/publish': AUTHORS,
  'GET /api/forms': AUTHORS,
  'GET /api/forms/{id}': AUTHORS,
  'GET /api/forms/{id}/certificate': AUTHORS,
  'GET /api/authoring/proposals': AUTHORS,
  'GET /api/bank/releases': AUTHORS,
  'GET /api/bank/releases/{id}': AUTHORS,
  'POST /api/bank/releases': AUTHORS,
  'POST /api/authoring/proposals/{kind}/{id}/approve': ADMIN,
  'POST /api/authoring/proposals/{kind}/{id}/reject': ADMIN,
  'POST /api/sessions': PROCTORS,
  'GET /api/me/sessions': CANDIDATE,
  'GET /api/sessions/{id}/tools': CANDIDATE_STAFF,
  'GET /api/sessions/{id}/media/{sha256}': CANDIDATE, // own session, in progress, an item of its form (media.test.ts)
  'GET /api/sessions/{id}': CANDIDATE_STAFF,
  'GET /api/handbook': CANDIDATE_STAFF,
  'POST /api/sessions/{id}/check-in': CANDIDATE_STAFF,
  'POST /api/sessions/{id}/handbook': CANDIDATE,
  'POST /api/sessions/{id}/start': CANDIDATE_STAFF,
  'POST /api/sessions/{id}/admit': PROCTORS,
  'POST /api/sessions/{id}/pause': PROCTORS,
  'POST /api/sessions/{id}/resume': PROCTORS,
  'POST /api/sessions/{id}/extend': PROCTORS,
  'POST /api/sessions/{id}/terminate': PROCTORS,
  'PUT /api/sessions/{id}/seat': PROCTORS,
  'POST /api/sessions/{id}/break': PROCTORS,
  'GET /api/extension-requests': PROCTORS, // a proctor sees their centers' requests, an admin every center's
  'POST /api/admin/extension-requests/{id}/approve': ADMIN,
  'POST /api/admin/extension-requests/{id}/decline': ADMIN,
  'POST /api/admin/sessions/{id}/reopen': ADMIN,
  'GET /api/sessions/{id}/irregularity-report.pdf': PROCTORS,
  'POST /api/sessions/{id}/launch-code': PROCTORS,
  'GET /api/sessions/{id}/responses': PROCTORS,
  'GET /api/sessions/{id}/time-ledger': PROCTORS,
  'GET /api/sessions/{id}/report': CANDIDATE_STAFF,
  'GET /api/me/history': CANDIDATE,
  'GET /api/candidates/{id}/history': ADMIN,
  'GET /api/admin/results.csv': ADMIN,
  'POST /api/admin/rescore': ADMIN,
  'POST /api/candidates/{id}/recertification-activities': HOLDER,
  'GET /api/candidates/{id}/recertification-activities/{activityId}/evidence': HOLDER, // someone else's evidence is 404 behind the guard
  'GET /api/admin/recertification-activities': ADMIN,
  'POST /api/admin/recertification-activities/{id}/approve': ADMIN,
  'POST /api/admin/recertification-activities/{id}/reject': ADMIN,
  'GET /api/bank/analysis': AUTHORS,
  'POST /api/measurement/calibrations': AUTHORS,
  'GET /api/measurement/calibrations': AUTHORS,
  'GET /api/measurement/calibrations/{id}': AUTHORS,
  'POST /api/measurement/calibrations/{id}/adopt': ADMIN,
  'GET /api/measurement/parameters': AUTHORS,
  'POST /api/measurement/scales': AUTHORS,
  'GET /api/measurement/scales': AUTHORS,
  'POST /api/measurement/scales/{module}/{version}/approve': ADMIN,
  'GET /api/measurement/forms/compare': AUTHORS,
  'GET /api/measurement/forms/{id}': AUTHORS,
  'GET /api/measurement/decision-quality': ADMIN,
  'GET /api/measurement/decision-quality.csv': ADMIN,
  'GET /.well-known/jwks.json': PUBLIC, // public verification keys
  'GET /api/ob/keys/{kid}': PUBLIC,
  'GET /api/ob/issuer': PUBLIC,
  'GET /api/ob/achievements/{code}': PUBLIC,
  'GET /api/ob/achievements/{code}/image.svg': PUBLIC,
  'GET /api/ob/achievements/{code}/key-work-activities.pdf': PUBLIC,
  'GET /api/ob/status/{list}': PUBLIC,
  'GET /api/verify/{code}': PUBLIC, // public verification (throttled per address)
  'GET /api/verify/report/{sessionId}': PUBLIC,
  'GET /api/sessions/{id}/report.pdf': CANDIDATE_STAFF,
  'GET /api/credentials/{code}/certificate.pdf': HOLDER,
  'GET /api/credentials/{code}/wallet-card.pdf': HOLDER,
  'GET /api/credentials/{code}/key-work-activities.pdf': HOLDER,
  'GET /api/credentials/{code}/open-badge.{format}': HOLDER,
  'POST /api/admin/sessions/{id}/hold': ADMIN,
  'POST /api/admin/sessions/{id}/release': ADMIN,
  'POST /api/admin/sessions/{id}/void': ADMIN,
  'POST /api/admin/credentials/{code}/revoke': ADMIN,
  'GET /api/employer/v1/credentials/{code}': API_KEY, // employer API key only (employer-api.test.ts)
  'POST /api/employer/v1/verify': API_KEY, // employer API key only
  'GET /api/admin/employers': ADMIN,
  'POST /api/admin/employers': ADMIN,
  'POST /api/admin/employers/{id}/keys': ADMIN,
  'DELETE /api/admin/employers/{id}/keys/{keyId}': ADMIN,
  'PUT /api/admin/employers/{id}/webhook': ADMIN,
  'GET /api/admin/employers/{id}/deliveries': ADMIN,
  'GET /api/practice': CANDIDATE,
  'POST /api/practice': CANDIDATE,
  'GET /api/practice/{id}': CANDIDATE,
  'POST /api/practice/{id}/responses': CANDIDATE,
  'POST /api/practice/{id}/submit': CANDIDATE,
  'GET /api/practice/{id}/review': CANDIDATE,
  'GET /api/practice/{id}/media/{sha256}': CANDIDATE, // own practice test, an image one of its questions shows (item-media-editor.test.ts)
  'POST /api/sessions/{id}/paper': PROCTORS,
  'GET /api/sessions/{id}/paper': PROCTORS,
  'GET /api/sessions/{id}/paper/booklet.pdf': PROCTORS,
  'GET /api/sessions/{id}/paper/answer-sheet.pdf': PROCTORS,
  'PUT /api/sessions/{id}/paper/entries/{entry}': PROCTORS,
  'POST /api/sessions/{id}/paper/record': PROCTORS,
  'POST /api/paper/scans': PROCTORS,
  'GET /api/proctor/centers/{id}/roster': PROCTORS,
  'POST /api/proctor/centers/{id}/pause-all': PROCTORS,
  'POST /api/proctor/centers/{id}/message': PROCTORS,
  'POST /api/sessions/{id}/message': PROCTORS,
  'POST /api/sessions/{id}/hand/answer': PROCTORS,
  'POST /api/proctor/centers/{id}/resume-all': PROCTORS,
  'GET /api/proctor/centers/{id}/incidents.csv': PROCTORS,
  'POST /api/sessions/{id}/incidents': PROCTORS,
  'GET /api/sessions/{id}/timeline': PROCTORS,
};

describe('authorization matrix', () => {
  let t: TestApp;
  const auth: Partial<Record<Role, { cookie: string }>> = {};
  let centerId = '';
  beforeAll(async () => {
    t = await buildTestApp('pglite');
    for (const role of ['candidate', 'proctor', 'author', 'admin'] as const) auth[role] = await loginAs(t.app, role);
    centerId = ((await t.app.inject({ url: '/api/test-centers', headers: auth.proctor })).json() as { id: string }[])[0]!.id;
  }, 120_000);
  afterAll(() => t?.close());

  it('every demo role signs in with a working session', async () => {
    for (const role of ['candidate', 'proctor', 'author', 'admin'] as const) {
      const me = await t.app.inject({ url: '/api/auth/me', headers: auth[role] });
      expect(me.statusCode, role).toBe(200);
      expect(me.json()).toMatchObject({ role });
      expect(me.json().pending ?? null, `${role} has nothing pending`).toBeNull();
    }
  });

  it('each operation of the OpenAPI document lets exactly the listed roles through its guard', async () => {
    const doc = t.app.swagger() as { paths: Record<string, Record<string, unknown>> };
    const ops = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`));
    expect(ops.length).toBeGreaterThan(50);

    const wrong: string[] = [];
    const observed: Record<string, Role[]> = {};
    for (const op of ops) {
      const [method, path] = op.split(' ') as [string, string];
      // Test-center routes get the demo center (the demo proctor is a member), so the role guard is what is tested,
      // not membership; everything else gets a made-up id (404 behind the guard is "allowed").
      const url = path.replace(/^(\/api\/(?:proctor\/centers|test-centers))\/\{id\}/, `$1/${centerId}`).replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
      observed[op] = [];
      for (const role of ROLES) {
        // Sign-out routes end the session they are called with: sign in again afterwards.
        const headers = role === 'anonymous' ? {} : auth[role]!;
        const body = ['POST', 'PUT', 'PATCH'].includes(method) ? { payload: {} } : {};
        const res = await t.app.inject({ method: method as 'GET', url, headers, ...body });
        const passed = res.statusCode !== 401 && res.statusCode !== 403;
        if (passed) observed[op].push(role);
        if (passed !== (MATRIX[op] ?? []).includes(role)) wrong.push(`${op} as ${role}: ${res.statusCode} ${res.body.slice(0, 120)}`);
        if (role !== 'anonymous' && path.startsWith('/api/auth/logout')) auth[role] = await loginAs(t.app, role);
      }
    }
    const missing = ops.filter((op) => !(op in MATRIX));
    const stale = Object.keys(MATRIX).filter((op) => !ops.includes(op));
    if (process.env.PRINT_MATRIX) console.log(JSON.stringify(observed));
    expect(missing, 'operations without a decision in MATRIX').toEqual([]);
    expect(stale, 'MATRIX lines for operations that no longer exist').toEqual([]);
    expect(wrong).toEqual([]);
  }, 180_000);
});
