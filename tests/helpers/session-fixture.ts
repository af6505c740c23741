/** Gets a demo candidate into a running exam through the real API, the way a testing center does it. */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { HANDBOOK_VERSION } from '../../shared/handbook.ts';
import type { Services } from '../../server/src/compose.ts';
import { buildTestApp, loginAs, type TestApp } from './build-app.ts';
import type { DbKind } from './test-db.ts';

export async function importSampleModule(services: Services, file = 'item-bank/safety.json') {
  await services.itemBank.importSources(null, [{ name: file, text: readFileSync(file, 'utf8') }]);
}

let candidates = 0;

/**
 * A new candidate at the demo test center, registered through the admin API. Each exam gets its own candidate, because
 * the retake rules (rightly) refuse a second sitting of a failed module within 15 days.
 */
export async function newCandidate(app: FastifyInstance) {
  const admin = await loginAs(app, 'admin');
  const username = `cand-${process.pid}-${++candidates}-${Math.random().toString(36).slice(2, 7)}`;
  const res = await app.inject({ method: 'POST', url: '/api/admin/users', headers: admin, payload: { username, displayName: `Candidate ${candidates}`, role: 'candidate', password: 'candidate-pass-1', testCenterCodes: ['DEMO-01'] } });
  if (res.statusCode !== 201) throw new Error(`create candidate failed: ${res.body}`);
  return { id: res.json().id as string, username, auth: await loginAs(app, username, 'candidate-pass-1') };
}

export async function scheduleSession(app: FastifyInstance, opts: { module?: string; candidate?: { id: string; username: string }; timeMultiplier?: number; scheduledAt?: Date; separateRoom?: boolean; accommodationNote?: string } = {}) {
  const admin = await loginAs(app, 'admin');
  const proctor = await loginAs(app, 'proctor');
  const who = opts.candidate ?? (await newCandidate(app));
  // Sign in afresh: tests that move a fake clock by days outlive earlier sign-ins.
  const candidate = await loginAs(app, who.username, 'candidate-pass-1');
  const candidateId = who.id;
  const centers = (await app.inject({ url: '/api/test-centers', headers: proctor })).json() as { id: string }[];
  const res = await app.inject({
    method: 'POST',
    url: '/api/sessions',
    headers: proctor,
    payload: { candidateId, module: opts.module ?? 'SAF', testCenterId: centers[0]!.id, scheduledAt: (opts.scheduledAt ?? new Date()).toISOString(), timeMultiplier: opts.timeMultiplier ?? 1, ...(opts.separateRoom !== undefined ? { separateRoom: opts.separateRoom } : {}), ...(opts.accommodationNote !== undefined ? { accommodationNote: opts.accommodationNote } : {}) },
  });
  if (res.statusCode !== 201) throw new Error(`schedule failed: ${res.body}`);
  return { sessionId: res.json().id as string, candidate, proctor, admin, candidateId, testCenterId: centers[0]!.id };
}

const step = async (app: FastifyInstance, url: string, headers: { cookie: string }, payload?: unknown) => {
  const r = await app.inject({ method: 'POST', url, headers, ...(payload ? { payload } : {}) });
  if (r.statusCode !== 200) throw new Error(`${url} failed: ${r.statusCode} ${r.body}`);
};

/** A session checked in, admitted (its form assembled) and with the handbook acknowledged: ready to start. */
export async function admittedSession(app: FastifyInstance, opts: Parameters<typeof scheduleSession>[1] = {}) {
  const s = await scheduleSession(app, opts);
  await step(app, `/api/sessions/${s.sessionId}/check-in`, s.candidate);
  await step(app, `/api/sessions/${s.sessionId}/admit`, s.proctor, { idConfirmed: true });
  await step(app, `/api/sessions/${s.sessionId}/handbook`, s.candidate, { version: HANDBOOK_VERSION });
  return s;
}

export async function startedSession(app: FastifyInstance, opts: Parameters<typeof scheduleSession>[1] = {}) {
  const s = await admittedSession(app, opts);
  await step(app, `/api/sessions/${s.sessionId}/start`, s.candidate);
  return s;
}

/**
 * A test app listening on a loopback port with the Safety bank loaded, and a signed-in proctor of another test center:
 * the outsider every proctoring test expects to be refused.
 */
export async function listeningAppWithOutsider(kind: DbKind, centerCode: string): Promise<{ t: TestApp; base: string; outsider: { cookie: string } }> {
  const t = await buildTestApp(kind);
  await importSampleModule(t.services);
  const base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  await t.services.accounts.createTestCenter(null, { code: centerCode, name: 'Another center', timeZone: 'America/Denver' });
  const username = `${centerCode.toLowerCase()}-proctor`;
  await t.services.accounts.createUser(null, { username, displayName: 'Other Proctor', role: 'proctor', password: 'Another center proctor 1', testCenterCodes: [centerCode] });
  return { t, base, outsider: await loginAs(t.app, username, 'Another center proctor 1') };
}

/**
 * The authoring suites' shared set-up, for use inside a describe block: an app with the Green Production bank and the
 * demo author and admin signed in (with their user ids, which audit and review records name). Closed after the block.
 */
export function greenAuthoringApp(kind: DbKind) {
  const ctx = {} as { t: TestApp; author: { cookie: string }; admin: { cookie: string }; ids: { author: string; admin: string } };
  beforeAll(async () => {
    ctx.t = await buildTestApp(kind);
    await importSampleModule(ctx.t.services, 'item-bank/green.json');
    ctx.author = await loginAs(ctx.t.app, 'author');
    ctx.admin = await loginAs(ctx.t.app, 'admin');
    const idOf = async (username: string) => (await ctx.t.services.accounts.findUserByUsername(username))!.id;
    ctx.ids = { author: await idOf('author'), admin: await idOf('admin') };
  });
  afterAll(() => ctx.t?.close());
  return ctx;
}
