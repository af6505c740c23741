import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { proposalApproveSchema, proposalDecisionSchema, proposalParamsSchema, proposalRejectSchema, proposalSchema } from '../../../../shared/api/authoring.ts';
import { actorOf, requireRole } from '../../platform/http/auth-guard.ts';
import type { AuthoringService } from './authoring.service.ts';

export const authoringRoutes: FastifyPluginAsyncZod<{ authoring: AuthoringService }> = async (app, { authoring }) => {
  const tags = ['authoring'];
  app.get('/api/authoring/proposals', { onRequest: requireRole('author', 'admin'), schema: { tags, summary: 'Proposals waiting for an admin (blueprints, fixed forms), each with its diff against what is live', response: { 200: z.array(proposalSchema) } } }, async () =>
    authoring.listProposals(),
  );
  app.post(
    '/api/authoring/proposals/:kind/:id/approve',
    { onRequest: requireRole('admin'), schema: { tags, summary: 'Approve a proposal: the blueprint goes live, the form is published (audited with proposer and approver)', params: proposalParamsSchema, body: proposalApproveSchema, response: { 200: proposalDecisionSchema } } },
    async (req) => authoring.approve(actorOf(req), req.params.kind, req.params.id, req.body.note ?? null),
  );
  app.post(
    '/api/authoring/proposals/:kind/:id/reject',
    { onRequest: requireRole('admin'), schema: { tags, summary: 'Reject a proposal with a reason (audited with both people)', params: proposalParamsSchema, body: proposalRejectSchema, response: { 200: proposalDecisionSchema } } },
    async (req) => authoring.reject(actorOf(req), req.params.kind, req.params.id, req.body.note),
  );
};
