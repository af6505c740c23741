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
import { buildTestApp, loginAs, type TestApp } from '../helpers/build-app.ts';

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
