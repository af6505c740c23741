/**
 * The HTTP contract, checked: every route under /api/ declares a zod schema for its path parameters (when the path has
 * any), its body (POST, PUT and PATCH; `noBody` when it reads none) and at least one 2xx response, so a
 * response cannot carry a field the schema does not name and the OpenAPI document is complete. The routes are recorded
 * as they are registered; tests/contract/route-contract.test.ts fails on any route that breaks the rule, so a route
 * added without schemas is caught at once. docs/architecture.md, "The HTTP contract", shows the pattern.
 */
import type { FastifyInstance, RouteOptions } from 'fastify';
import type { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorBodySchema, type fileResponse } from '../../../shared/api/common.ts';

export interface RecordedRoute {
  method: string;
  url: string;
  schema: RouteOptions['schema'];
  websocket: boolean;
}

const recorded = new WeakMap<FastifyInstance, RecordedRoute[]>();

/** Starts recording the routes of `app`; call before any route is registered. */
export function recordRoutes(app: FastifyInstance): RecordedRoute[] {
  const list: RecordedRoute[] = [];
  recorded.set(app, list);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue; // Fastify adds HEAD for every GET
      list.push({ method, url: route.url, schema: route.schema, websocket: !!(route as { websocket?: boolean }).websocket });
    }
  });
  return list;
}

export function routesOf(app: FastifyInstance): RecordedRoute[] {
  const list = recorded.get(app);
  if (!list) throw new Error('recordRoutes(app) was not called before the routes were registered');
  return list;
}

const isZod = (s: unknown): boolean => s instanceof z.ZodType;
const isFileResponse = (s: unknown): boolean =>
  typeof s === 'object' && s !== null && 'content' in s && Object.values((s as ReturnType<typeof fileResponse>).content).every((c) => isZod(c.schema));

/** What a route lacks of the contract (empty when it keeps it). Routes outside /api/ (health, sockets, docs) are exempt. */
export function contractProblems(route: RecordedRoute): string[] {
  if (!route.url.startsWith('/api/')) return [];
  const where = `${route.method} ${route.url}`;
  const schema = (route.schema ?? {}) as Record<string, unknown>;
  const problems: string[] = [];
  if (schema.hide) problems.push(`${where}: an API route is never hidden from the OpenAPI document`);
  const hasParams = /[:*]/.test(route.url);
  if (hasParams && !isZod(schema.params)) problems.push(`${where}: declare its path parameters (schema.params, a zod schema from shared/api)`);
  if (!hasParams && schema.params) problems.push(`${where}: declares params but its path has none`);
  if (['POST', 'PUT', 'PATCH'].includes(route.method) && !isZod(schema.body)) problems.push(`${where}: declare its body (schema.body; noBody from shared/api/common.ts when it reads none)`);
  if (schema.querystring !== undefined && !isZod(schema.querystring)) problems.push(`${where}: its querystring schema is not a zod schema`);
  const response = (schema.response ?? {}) as Record<string, unknown>;
  const ok = Object.entries(response).filter(([code]) => /^2\d\d$/.test(code));
  if (ok.length === 0) problems.push(`${where}: declare its response (schema.response with a 2xx zod schema from shared/api)`);
  for (const [code, s] of ok) if (!isZod(s) && !isFileResponse(s)) problems.push(`${where}: response ${code} is not a zod schema or fileResponse()`);
  return problems;
}

/**
 * The OpenAPI transform: fastify-type-provider-zod's, plus the one error body (platform/http/error-handler.ts) as the
 * 4XX and 5XX response of every API route. Documentation only: errors are rendered by the error handler, not encoded
 * through these.
 */
export function withErrorResponses(transform: typeof jsonSchemaTransform): typeof jsonSchemaTransform {
  const errorJson = z.toJSONSchema(errorBodySchema, { target: 'openapi-3.0', io: 'output' });
  delete (errorJson as Record<string, unknown>).$schema;
  const error = { description: 'An error: code (shared/errors.ts), message, and where known the located problems', content: { 'application/json': { schema: errorJson } } };
  return (doc) => {
    const out = transform(doc);
    const schema = out.schema as Record<string, unknown> | undefined;
    if (!out.url.startsWith('/api/') || !schema || schema.hide) return out;
    const response = { ...((schema.response as Record<string, unknown>) ?? {}) };
    response['4XX'] ??= error;
    response['5XX'] ??= error;
    return { ...out, schema: { ...schema, response } };
  };
}
