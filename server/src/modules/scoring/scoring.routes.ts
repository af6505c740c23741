import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, requireRole } from '../../platform/http/auth-guard.ts';
import { notFound } from '../../platform/errors.ts';
import { certificatePdf, scoreReportPdf } from './pdf-documents.ts';
import type { ScoringService } from './scoring.service.ts';

export const scoringRoutes: FastifyPluginAsyncZod<{ scoring: ScoringService }> = async (app, { scoring }) => {
  const params = z.object({ id: z.uuid() });

  app.get('/api/sessions/:id/report', { preHandler: requireRole('candidate', 'proctor', 'admin'), schema: { tags: ['scoring'], summary: 'Score report (no item content)', params } }, async (req) =>
    scoring.report(actorOf(req), req.params.id),
  );

  app.get('/api/sessions/:id/report.pdf', { preHandler: requireRole('candidate', 'proctor', 'admin'), schema: { tags: ['scoring'], summary: 'Score report as PDF', params } }, async (req, reply) => {
    const r = await scoring.report(actorOf(req), req.params.id);
    if (!r.result) throw notFound('a score for this session (not scored yet)');
    const pdf = await scoreReportPdf({ ...r, result: r.result });
    return reply.type('application/pdf').header('content-disposition', `attachment; filename="score-report-${r.module}-${r.sessionId.slice(0, 8)}.pdf"`).send(pdf);
  });

  app.get('/api/verify/:code', { schema: { tags: ['credentials'], summary: 'Public credential verification (no sign-in)', params: z.object({ code: z.string().max(40) }) } }, async (req) => scoring.verify(req.params.code));

  app.get('/api/credentials/:code/certificate.pdf', { preHandler: requireRole('candidate', 'admin'), schema: { tags: ['credentials'], summary: 'Certificate PDF (holder or admin)', params: z.object({ code: z.string().max(40) }) } }, async (req, reply) => {
    const v = await scoring.verify(req.params.code);
    const history = actorOf(req).role === 'admin' ? null : await scoring.history(actorOf(req), actorOf(req).userId);
    if (history && !history.credentials.some((c) => c.verificationCode === v.verificationCode)) throw notFound('credential');
    const pdf = await certificatePdf({ ...v, verifyUrl: `${req.protocol}://${req.host}/verify/${v.verificationCode}` });
    return reply.type('application/pdf').header('content-disposition', `attachment; filename="${v.verificationCode}.pdf"`).send(pdf);
  });

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
