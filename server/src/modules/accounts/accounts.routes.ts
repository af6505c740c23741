import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  addMemberRequestSchema,
  candidateImportRequestSchema,
  candidateImportResultSchema,
  createdUserSchema,
  createTestCenterRequestSchema,
  createUserRequestSchema,
  testCenterSchema,
  userListQuerySchema,
  userSummarySchema,
} from '../../../../shared/api/accounts.ts';
import { idParamsSchema, okSchema } from '../../../../shared/api/common.ts';
import { actorOf, requireRole } from '../../platform/http/auth-guard.ts';
import type { AccountsService } from './accounts.service.ts';

export const accountsRoutes: FastifyPluginAsyncZod<{ accounts: AccountsService }> = async (app, { accounts }) => {
  const adminOnly = { onRequest: requireRole('admin') };

  app.post(
    '/api/admin/users',
    { ...adminOnly, schema: { tags: ['admin'], summary: 'Create a user', body: createUserRequestSchema, response: { 201: createdUserSchema } } },
    async (req, reply) => reply.status(201).send(await accounts.createUser(actorOf(req), req.body)),
  );

  app.get(
    '/api/admin/users',
    { ...adminOnly, schema: { tags: ['admin'], summary: 'List users', querystring: userListQuerySchema, response: { 200: z.array(userSummarySchema) } } },
    async (req) => accounts.listUsers(req.query),
  );

  app.post(
    '/api/admin/test-centers',
    { ...adminOnly, schema: { tags: ['admin'], summary: 'Create a test center', body: createTestCenterRequestSchema, response: { 201: testCenterSchema } } },
    async (req, reply) => reply.status(201).send(await accounts.createTestCenter(actorOf(req), req.body)),
  );

  app.post(
    '/api/admin/test-centers/:id/members',
    { ...adminOnly, schema: { tags: ['admin'], summary: 'Add a user to a test center', params: idParamsSchema, body: addMemberRequestSchema, response: { 200: okSchema } } },
    async (req) => {
      await accounts.addMember(actorOf(req), req.body.userId, req.params.id);
      return { ok: true as const };
    },
  );

  app.post(
    '/api/test-centers/:id/candidates/import',
    {
      onRequest: requireRole('admin', 'proctor'),
      schema: { tags: ['accounts'], summary: 'Register candidates from CSV (dry run reports every bad row)', params: idParamsSchema, body: candidateImportRequestSchema, response: { 200: candidateImportResultSchema } },
    },
    async (req) => accounts.importCandidates(actorOf(req), { ...req.body, testCenterId: req.params.id }),
  );

  app.get('/api/test-centers/:id/candidates', { onRequest: requireRole('admin', 'proctor'), schema: { tags: ['accounts'], summary: 'Candidates registered at a test center', params: idParamsSchema, response: { 200: z.array(userSummarySchema) } } }, async (req) =>
    accounts.candidatesOf(actorOf(req), req.params.id),
  );

  app.get(
    '/api/test-centers',
    { onRequest: requireRole('admin', 'author', 'proctor', 'candidate'), schema: { tags: ['accounts'], summary: 'Test centers the caller belongs to (all, for admins)', response: { 200: z.array(testCenterSchema) } } },
    async (req) => accounts.listTestCenters(actorOf(req)),
  );
};
