/**
 * The HTTP contract (shared/api, server/src/platform/route-contract.ts): every API route of the real app declares its
 * request and response schemas, responses are encoded by them, and the OpenAPI document describes every route.
 */
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { noBody, okSchema, timestamp } from '../../shared/api/common.ts';
import { contractProblems, recordRoutes, routesOf } from '../../server/src/platform/route-contract.ts';
import { readFileSync } from 'node:fs';
import { buildTestApp, loginAs, type TestApp } from '../helpers/build-app.ts';
import { importSampleModule, startedSession } from '../helpers/session-fixture.ts';

describe('the HTTP contract', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp('pglite');
  });
  afterAll(() => t?.close());

  it('every API route declares params, body and a 2xx response with zod schemas', () => {
    const api = routesOf(t.app).filter((r) => r.url.startsWith('/api/'));
    expect(api.length).toBeGreaterThan(50);
    expect(api.flatMap(contractProblems)).toEqual([]);
  });

  it('the OpenAPI document has a response schema and the error body for every API operation', async () => {
    const doc = t.app.swagger() as { paths: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>; requestBody?: unknown; parameters?: { in: string }[] }>> };
    const ops = Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));
    const api = routesOf(t.app).filter((r) => r.url.startsWith('/api/'));
    expect(ops.filter((o) => o.path.startsWith('/api/')).length).toBe(api.length);
    for (const { path, method, op } of ops.filter((o) => o.path.startsWith('/api/'))) {
      const ok = Object.entries(op.responses ?? {}).filter(([code]) => /^2\d\d$/.test(code));
      expect(ok.length, `${method} ${path} documents a 2xx response`).toBeGreaterThan(0);
      for (const [code, r] of ok) expect(Object.values(r.content ?? {})[0]?.schema, `${method} ${path} ${code} has a schema`).toBeTruthy();
      expect(op.responses?.['4XX'], `${method} ${path} documents its errors`).toBeTruthy();
      if (path.includes('{')) expect(op.parameters?.some((p) => p.in === 'path'), `${method} ${path} documents its path parameters`).toBe(true);
    }
    // Dates are documented as text, the way they travel.
    const sessions = doc.paths['/api/me/sessions']!.get!.responses!['200']!.content!['application/json']!.schema as { items: { properties: Record<string, { type?: string; format?: string }> } };
    expect(sessions.items.properties.scheduledAt).toMatchObject({ type: 'string', format: 'date-time' });
  });

  it('answers through its schema on the routes no other suite calls (real rows: dates, nulls, stored documents)', async () => {
    await importSampleModule(t.services);
    const s = await startedSession(t.app);
    const admin = s.admin;
    const get = async (url: string, headers: { cookie: string }) => {
      const r = await t.app.inject({ url, headers });
      expect(r.statusCode, `${url}: ${r.body.slice(0, 300)}`).toBe(200);
      return r.json();
    };
    const responses = await get(`/api/sessions/${s.sessionId}/responses`, s.admin);
    expect(Array.isArray(responses)).toBe(true);
    const ledger = (await get(`/api/sessions/${s.sessionId}/time-ledger`, s.proctor)) as { at: string; kind: string }[];
    expect(ledger[0]).toMatchObject({ kind: 'start', at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T.*Z$/) });
    const history = await get(`/api/candidates/${s.candidateId}/history`, admin);
    expect(history).toMatchObject({ attempts: [], credentials: [], fullCpt: { complete: false } });

    const built = await t.app.inject({ method: 'POST', url: '/api/forms/build', headers: admin, payload: { module: 'SAF', count: 2, maxOverlapPct: 60 } });
    expect(built.statusCode, built.body.slice(0, 300)).toBe(201);
    const formId = (built.json() as { formIds: string[] }).formIds[0]!;
    const certificate = await get(`/api/forms/${formId}/certificate`, admin);
    // The stored certificate passes whole (siblings and parallel checks included), with the form's dates as ISO text.
    expect(certificate).toMatchObject({ formId, status: 'draft', createdAt: expect.stringMatching(/Z$/), publishedAt: null, allConstraintsMet: true, siblings: expect.any(Array), parallelChecks: expect.any(Array) });
    const publish = await t.app.inject({ method: 'POST', url: `/api/forms/${formId}/publish`, headers: admin });
    expect(publish.json()).toEqual({ status: 'published' });

    const validate = await t.app.inject({ method: 'POST', url: '/api/bank/validate', headers: admin, payload: { files: [{ name: 'safety.json', text: readFileSync('item-bank/safety.json', 'utf8') }] } });
    expect(validate.statusCode).toBe(200);
    expect(validate.json()).toMatchObject({ ok: true, summary: { itemsUnchanged: expect.any(Number) } });
    const preview = (await get('/api/bank/items/SAF-001/preview', admin)) as Record<string, unknown>;
    expect(Object.keys(preview).sort()).toEqual(['itemId', 'options', 'stem']);

    const centers = (await get('/api/test-centers', admin)) as { id: string }[];
    const imported = await t.app.inject({ method: 'POST', url: `/api/test-centers/${centers[0]!.id}/candidates/import`, headers: admin, payload: { text: 'username,display_name\ncontract-a,Contract A\ncontract-b,Contract B\n', dryRun: false } });
    expect(imported.statusCode, imported.body).toBe(200);
    const result = imported.json() as { created: number; createdIds: string[] };
    expect(result.created).toBe(2);
    const listed = (await get(`/api/test-centers/${centers[0]!.id}/candidates`, admin)) as { id: string; username: string }[];
    expect(result.createdIds.map((id) => listed.find((u) => u.id === id)?.username)).toEqual(['contract-a', 'contract-b']);
  }, 180_000);

  it('a response carries only the fields its schema names, with Dates as ISO text', async () => {
    const admin = await loginAs(t.app, 'admin');
    // The service returns the whole user record (with `disabled`) and the actor (with token details); the schemas do not name them.
    const users = await t.app.inject({ method: 'GET', url: '/api/admin/users', headers: admin });
    expect(users.statusCode).toBe(200);
    for (const u of users.json() as Record<string, unknown>[]) expect(Object.keys(u).sort()).toEqual(['displayName', 'id', 'role', 'username']);
    const me = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: admin });
    expect(Object.keys(me.json()).sort()).toEqual(['displayName', 'role', 'testCenterIds', 'userId', 'username']);
  });
});

describe('the contract check fires', () => {
  it('names each missing schema of a route', async () => {
    const app = Fastify().withTypeProvider<ZodTypeProvider>();
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    recordRoutes(app);
    app.post('/api/things/:id', async () => ({ ok: true }));
    app.get('/api/things', { schema: { response: { 400: okSchema } } }, async () => ({ ok: true as const }));
    app.get('/api/more', { schema: { querystring: z.object({ q: z.string() }) } }, async () => ({}));
    app.get('/api/hidden', { schema: { hide: true, response: { 200: okSchema } } }, async () => ({ ok: true as const }));
    app.post('/api/fine/:id', { schema: { params: z.object({ id: z.string() }), body: noBody, response: { 200: okSchema } } }, async () => ({ ok: true as const }));
    app.get('/healthz', async () => ({ status: 'ok' }));
    await app.ready();
    const problems = routesOf(app).flatMap(contractProblems);
    expect(problems).toEqual([
      expect.stringMatching(/^POST \/api\/things\/:id: declare its path parameters/),
      expect.stringMatching(/^POST \/api\/things\/:id: declare its body/),
      expect.stringMatching(/^POST \/api\/things\/:id: declare its response/),
      expect.stringMatching(/^GET \/api\/things: declare its response/),
      expect.stringMatching(/^GET \/api\/more: declare its response/),
      expect.stringMatching(/^GET \/api\/hidden: an API route is never hidden/),
    ]);
    await app.close();
  });

  it('strips a field the response schema does not name, and refuses a Date where text is promised', async () => {
    const app = Fastify().withTypeProvider<ZodTypeProvider>();
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    const item = z.object({ id: z.string(), at: timestamp });
    app.get('/a', { schema: { response: { 200: item } } }, async () => ({ id: 'x', at: new Date(Date.UTC(2026, 0, 2)), key: 'B', rationale: 'secret' }) as z.output<typeof item>);
    app.get('/b', { schema: { response: { 200: z.object({ at: z.string() }) } } }, async () => ({ at: new Date() }) as unknown as { at: string });
    const a = await app.inject({ method: 'GET', url: '/a' });
    expect(a.json()).toEqual({ id: 'x', at: '2026-01-02T00:00:00.000Z' });
    const b = await app.inject({ method: 'GET', url: '/b' });
    expect(b.statusCode).toBe(500);
    await app.close();
  });
});
