import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { fileResponse, idParamsSchema } from '../../../../shared/api/common.ts';
import { candidateHistorySchema, recertActivityRequestSchema, recordedRecertActivitySchema, rescoreRequestSchema, rescoreResultSchema, scoreReportSchema } from '../../../../shared/api/score-report.ts';
import { actorOf, requireRole } from '../../platform/http/auth-guard.ts';
import type { ScoringService } from './scoring.service.ts';

export const scoringRoutes: FastifyPluginAsyncZod<{ scoring: ScoringService }> = async (app, { scoring }) => {
  const params = idParamsSchema;

  app.get('/api/sessions/:id/report', { onRequest: requireRole('candidate', 'proctor', 'admin'), schema: { tags: ['scoring'], summary: 'Score report (no item content)', params, response: { 200: scoreReportSchema } } }, async (req) =>
    scoring.report(actorOf(req), req.params.id),
  );

  app.get('/api/me/history', { onRequest: requireRole('candidate'), schema: { tags: ['scoring'], summary: "The candidate's attempts, results, credentials and eligibility", response: { 200: candidateHistorySchema } } }, async (req) =>
    scoring.history(actorOf(req), actorOf(req).userId),
  );

  app.get('/api/candidates/:id/history', { onRequest: requireRole('admin'), schema: { tags: ['scoring'], summary: "A candidate's attempts, results, credentials and eligibility", params, response: { 200: candidateHistorySchema } } }, async (req) =>
    scoring.history(actorOf(req), req.params.id),
  );

  app.get('/api/admin/results.csv', { onRequest: requireRole('admin'), schema: { tags: ['scoring'], summary: 'Every attempt and result as CSV', response: { 200: fileResponse('CSV: one row per attempt', 'text/csv') } } }, async (_req, reply) =>
    reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="results.csv"').send(await scoring.exportCsv()),
  );

  app.post(
    '/api/admin/rescore',
    { onRequest: requireRole('admin'), schema: { tags: ['scoring'], summary: 'Rescore every session that delivered an item after a key correction (dry run first)', body: rescoreRequestSchema, response: { 200: rescoreResultSchema } } },
    async (req) => scoring.rescore(actorOf(req), req.body),
  );

  app.post(
    '/api/candidates/:id/recertification-activities',
    {
      onRequest: requireRole('candidate', 'admin'),
      schema: { tags: ['scoring'], summary: 'Record a recertification activity with points', params, body: recertActivityRequestSchema, response: { 201: recordedRecertActivitySchema } },
    },
    async (req, reply) => reply.status(201).send(await scoring.addRecertActivity(actorOf(req), req.params.id, { ...req.body, completedAt: new Date(`${req.body.completedAt}T12:00:00Z`) })),
  );
};
