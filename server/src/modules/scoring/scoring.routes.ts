import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, requireRole } from '../../platform/http/auth-guard.ts';
import type { ScoringService } from './scoring.service.ts';

export const scoringRoutes: FastifyPluginAsyncZod<{ scoring: ScoringService }> = async (app, { scoring }) => {
  const params = z.object({ id: z.uuid() });

  app.get('/api/sessions/:id/report', { preHandler: requireRole('candidate', 'proctor', 'admin'), schema: { tags: ['scoring'], summary: 'Score report (no item content)', params } }, async (req) =>
    scoring.report(actorOf(req), req.params.id),
  );

  app.get('/api/me/history', { preHandler: requireRole('candidate'), schema: { tags: ['scoring'], summary: "The candidate's attempts, results, credentials and eligibility" } }, async (req) =>
    scoring.history(actorOf(req), actorOf(req).userId),
  );

  app.get('/api/candidates/:id/history', { preHandler: requireRole('admin'), schema: { tags: ['scoring'], summary: "A candidate's attempts, results, credentials and eligibility", params } }, async (req) =>
    scoring.history(actorOf(req), req.params.id),
  );

  app.get('/api/admin/results.csv', { preHandler: requireRole('admin'), schema: { tags: ['scoring'], summary: 'Every attempt and result as CSV' } }, async (_req, reply) =>
    reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="results.csv"').send(await scoring.exportCsv()),
  );

  app.post(
    '/api/admin/rescore',
    { preHandler: requireRole('admin'), schema: { tags: ['scoring'], summary: 'Rescore every session that delivered an item after a key correction (dry run first)', body: z.strictObject({ itemId: z.string().min(1), dryRun: z.boolean().default(true), reason: z.string().trim().min(3).max(500) }) } },
    async (req) => scoring.rescore(actorOf(req), req.body),
  );

  app.post(
    '/api/candidates/:id/recertification-activities',
    {
      preHandler: requireRole('candidate', 'admin'),
      schema: {
        tags: ['scoring'],
        summary: 'Record a recertification activity with points',
        params,
        body: z.strictObject({ category: z.string().min(1), points: z.number().positive().max(100), completedAt: z.iso.date(), description: z.string().trim().min(3).max(500) }),
      },
    },
    async (req, reply) => reply.status(201).send(await scoring.addRecertActivity(actorOf(req), req.params.id, { ...req.body, completedAt: new Date(`${req.body.completedAt}T12:00:00Z`) })),
  );
};
