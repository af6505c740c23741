/**
 * The employer API (an organization's API key, Bearer) and its administration (admins). The key is checked and the
 * request counted against the organization's limit in onRequest, before any body is read.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../platform/errors.ts';
import { actorOf, requireRole } from '../../platform/http/auth-guard.ts';
import { createKeyRequestSchema, createKeyResponseSchema, createOrgRequestSchema, employerBatchRequestSchema, employerBatchResponseSchema, employerOrgSchema, employerVerificationSchema, fileResponseSchema, webhookDeliverySchema, webhookRequestSchema, webhookResponseSchema } from '../../../../shared/api/credentials.ts';
import type { EmployerCaller, EmployerService } from './employer.service.ts';

declare module 'fastify' {
  interface FastifyRequest {
    employer: EmployerCaller | null;
  }
}

export const employerRoutes: FastifyPluginAsyncZod<{ employer: EmployerService }> = async (app, { employer }) => {
  app.decorateRequest('employer', null);
  // CSV bodies for the batch endpoint (this plugin only).
  app.addContentTypeParser(['text/csv', 'text/plain'], { parseAs: 'string', bodyLimit: 256 * 1024 }, (_req, body, done) => done(null, body));

  const retryAfterOf = (e: AppError) => Number(e.extra.details?.retryAfterSeconds ?? 60);
  const apiKey = async (req: FastifyRequest, reply: FastifyReply) => {
    const header = req.headers.authorization;
    const key = header?.startsWith('Bearer ') ? header.slice(7).trim() : null;
    try {
      req.employer = await employer.authenticate(key);
    } catch (e) {
      if (e instanceof AppError && e.code === 'RATE_LIMITED') reply.header('retry-after', String(retryAfterOf(e)));
      throw e;
    }
    if (!req.employer) throw new AppError('UNAUTHENTICATED', 'Send an organization API key as "Authorization: Bearer cptk_…"; ask the program administrator for one');
  };
  const caller = (req: FastifyRequest) => req.employer!;
  const wantsCsv = (req: FastifyRequest, format?: string) => format === 'csv' || (!format && /\btext\/csv\b/.test(req.headers.accept ?? ''));
  const rateLimited = (reply: FastifyReply, e: unknown) => {
    if (e instanceof AppError && e.code === 'RATE_LIMITED') reply.header('retry-after', String(retryAfterOf(e)));
    throw e;
  };

  app.get(
    '/api/employer/v1/credentials/:code',
    { onRequest: apiKey, schema: { tags: ['employer'], summary: 'Verify one credential code (Authorization: Bearer <organization API key>)', params: z.object({ code: z.string().min(1).max(60) }), response: { 200: employerVerificationSchema } } },
    async (req, reply) => employer.verifyOne(caller(req), req.params.code).catch((e) => rateLimited(reply, e)),
  );

  app.post(
    '/api/employer/v1/verify',
    {
      onRequest: apiKey,
      schema: {
        tags: ['employer'],
        summary: 'Verify up to 1000 codes in one request: JSON {"codes": [...]} or a CSV body (text/csv, one code per row); answers JSON, or CSV with ?format=csv or Accept: text/csv',
        querystring: z.object({ format: z.enum(['json', 'csv']).optional() }),
        body: z.union([employerBatchRequestSchema, z.string().max(256 * 1024)]),
        response: { 200: z.union([employerBatchResponseSchema, fileResponseSchema('CSV')]) },
      },
    },
    async (req, reply) => {
      const result = await (typeof req.body === 'string' ? employer.verifyCsv(caller(req), req.body) : employer.verifyBatch(caller(req), req.body.codes)).catch((e) => rateLimited(reply, e));
      if (wantsCsv(req, req.query.format)) return reply.type('text/csv; charset=utf-8').send(employer.toCsv(result.results));
      return result;
    },
  );

  // ---- administration ----
  const admin = requireRole('admin');
  const orgParams = z.object({ id: z.uuid() });
  app.get('/api/admin/employers', { onRequest: admin, schema: { tags: ['employer-admin'], summary: 'Employer organizations with their API keys and webhook delivery counts', response: { 200: z.array(employerOrgSchema) } } }, async (req) =>
    employer.listOrgs(actorOf(req)),
  );
  app.post('/api/admin/employers', { onRequest: admin, schema: { tags: ['employer-admin'], summary: 'Register an employer organization', body: createOrgRequestSchema, response: { 201: employerOrgSchema } } }, async (req, reply) =>
    reply.status(201).send(await employer.createOrg(actorOf(req), req.body)),
  );
  app.post('/api/admin/employers/:id/keys', { onRequest: admin, schema: { tags: ['employer-admin'], summary: 'Create an API key (shown once)', params: orgParams, body: createKeyRequestSchema, response: { 201: createKeyResponseSchema } } }, async (req, reply) =>
    reply.status(201).send(await employer.createKey(actorOf(req), req.params.id, req.body.label)),
  );
  app.delete('/api/admin/employers/:id/keys/:keyId', { onRequest: admin, schema: { tags: ['employer-admin'], summary: 'Revoke an API key', params: orgParams.extend({ keyId: z.uuid() }), response: { 200: z.object({ ok: z.literal(true) }) } } }, async (req) =>
    employer.revokeKey(actorOf(req), req.params.id, req.params.keyId),
  );
  app.put('/api/admin/employers/:id/webhook', { onRequest: admin, schema: { tags: ['employer-admin'], summary: 'Set or clear the webhook URL (a new signing secret is shown once)', params: orgParams, body: webhookRequestSchema, response: { 200: webhookResponseSchema } } }, async (req) =>
    employer.setWebhook(actorOf(req), req.params.id, req.body.url),
  );
  app.get('/api/admin/employers/:id/deliveries', { onRequest: admin, schema: { tags: ['employer-admin'], summary: 'Recent webhook deliveries of an organization', params: orgParams, response: { 200: z.array(webhookDeliverySchema) } } }, async (req) =>
    employer.deliveries(actorOf(req), req.params.id),
  );
};
