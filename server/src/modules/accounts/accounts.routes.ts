import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createTestCenterRequestSchema, createUserRequestSchema, testCenterSchema, userSummarySchema } from '../../../../shared/api/accounts.ts';
import { roleSchema } from '../../../../shared/vocabulary.ts';
import { actorOf, requireRole } from '../../platform/http/auth-guard.ts';
import type { AccountsService } from './accounts.service.ts';

export const accountsRoutes: FastifyPluginAsyncZod<{ accounts: AccountsService }> = async (app, { accounts }) => {
  const adminOnly = { preHandler: requireRole('admin') };

  app.post(
    '/api/admin/users',
    { ...adminOnly, schema: { tags: ['admin'], summary: 'Create a user', body: createUserRequestSchema, response: { 201: userSummarySchema.extend({ testCenterIds: z.array(z.string()) }) } } },
    async (req, reply) => reply.status(201).send(await accounts.createUser(actorOf(req), req.body)),
  );

  app.get(
    '/api/admin/users',
    { ...adminOnly, schema: { tags: ['admin'], summary: 'List users', querystring: z.strictObject({ role: roleSchema.optional(), testCenterId: z.uuid().optional() }), response: { 200: z.array(userSummarySchema) } } },
    async (req) => accounts.listUsers(req.query),
  );

  app.post(
    '/api/admin/test-centers',
    { ...adminOnly, schema: { tags: ['admin'], summary: 'Create a test center', body: createTestCenterRequestSchema, response: { 201: testCenterSchema } } },
    async (req, reply) => reply.status(201).send(await accounts.createTestCenter(actorOf(req), req.body)),
  );

  app.post(
    '/api/admin/test-centers/:id/members',
    { ...adminOnly, schema: { tags: ['admin'], summary: 'Add a user to a test center', params: z.object({ id: z.uuid() }), body: z.strictObject({ userId: z.uuid() }), response: { 200: z.object({ ok: z.literal(true) }) } } },
    async (req) => {
      await accounts.addMember(actorOf(req), req.body.userId, req.params.id);
      return { ok: true as const };
    },
  );

  app.post(
    '/api/test-centers/:id/candidates/import',
    {
      preHandler: requireRole('admin', 'proctor'),
      schema: { tags: ['accounts'], summary: 'Register candidates from CSV (dry run reports every bad row)', params: z.object({ id: z.uuid() }), body: z.strictObject({ text: z.string().max(5_000_000), fileName: z.string().max(200).default('candidates.csv'), dryRun: z.boolean().default(true) }) },
    },
    async (req) => accounts.importCandidates(actorOf(req), { ...req.body, testCenterId: req.params.id }),
  );

  app.get('/api/test-centers/:id/candidates', { preHandler: requireRole('admin', 'proctor'), schema: { tags: ['accounts'], summary: 'Candidates registered at a test center', params: z.object({ id: z.uuid() }), response: { 200: z.array(userSummarySchema) } } }, async (req) =>
    accounts.candidatesOf(actorOf(req), req.params.id),
  );

  app.get(
    '/api/test-centers',
    { preHandler: requireRole('admin', 'author', 'proctor', 'candidate'), schema: { tags: ['accounts'], summary: 'Test centers the caller belongs to (all, for admins)', response: { 200: z.array(testCenterSchema) } } },
    async (req) => accounts.listTestCenters(actorOf(req)),
  );
};
