import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { fileResponse, idParamsSchema } from '../../../../shared/api/common.ts';
import {
  candidateHistorySchema,
  recertActivityRequestSchema,
  recordedRecertActivitySchema,
  rescoreRequestSchema,
  rescoreResultSchema,
  scoreReportSchema,
  verificationParamsSchema,
  verifiedCredentialSchema,
} from '../../../../shared/api/score-report.ts';
import { actorOf, requireRole } from '../../platform/http/auth-guard.ts';
import { notFound } from '../../platform/errors.ts';
import { certificatePdf, scoreReportPdf } from './pdf-documents.ts';
import type { ScoringService } from './scoring.service.ts';

export const scoringRoutes: FastifyPluginAsyncZod<{ scoring: ScoringService }> = async (app, { scoring }) => {
  const params = idParamsSchema;

  app.get('/api/sessions/:id/report', { preHandler: requireRole('candidate', 'proctor', 'admin'), schema: { tags: ['scoring'], summary: 'Score report (no item content)', params, response: { 200: scoreReportSchema } } }, async (req) =>
    scoring.report(actorOf(req), req.params.id),
  );

  app.get('/api/sessions/:id/report.pdf', { preHandler: requireRole('candidate', 'proctor', 'admin'), schema: { tags: ['scoring'], summary: 'Score report as PDF', params, response: { 200: fileResponse('The score report as PDF', 'application/pdf') } } }, async (req, reply) => {
    const r = await scoring.report(actorOf(req), req.params.id);
    if (!r.result) throw notFound('a score for this session (not scored yet)');
    const pdf = await scoreReportPdf({ ...r, result: r.result });
    return reply.type('application/pdf').header('content-disposition', `attachment; filename="score-report-${r.module}-${r.sessionId.slice(0, 8)}.pdf"`).send(pdf);
  });

  app.get('/api/verify/:code', { schema: { tags: ['credentials'], summary: 'Public credential verification (no sign-in)', params: verificationParamsSchema, response: { 200: verifiedCredentialSchema } } }, async (req) => scoring.verify(req.params.code));

  app.get('/api/credentials/:code/certificate.pdf', { preHandler: requireRole('candidate', 'admin'), schema: { tags: ['credentials'], summary: 'Certificate PDF (holder or admin)', params: verificationParamsSchema, response: { 200: fileResponse('The certificate as PDF', 'application/pdf') } } }, async (req, reply) => {
    const v = await scoring.verify(req.params.code);
    const history = actorOf(req).role === 'admin' ? null : await scoring.history(actorOf(req), actorOf(req).userId);
    if (history && !history.credentials.some((c) => c.verificationCode === v.verificationCode)) throw notFound('credential');
    const pdf = await certificatePdf({ ...v, verifyUrl: `${req.protocol}://${req.host}/verify/${v.verificationCode}` });
    return reply.type('application/pdf').header('content-disposition', `attachment; filename="${v.verificationCode}.pdf"`).send(pdf);
  });

  app.get('/api/me/history', { preHandler: requireRole('candidate'), schema: { tags: ['scoring'], summary: "The candidate's attempts, results, credentials and eligibility", response: { 200: candidateHistorySchema } } }, async (req) =>
    scoring.history(actorOf(req), actorOf(req).userId),
  );

  app.get('/api/candidates/:id/history', { preHandler: requireRole('admin'), schema: { tags: ['scoring'], summary: "A candidate's attempts, results, credentials and eligibility", params, response: { 200: candidateHistorySchema } } }, async (req) =>
    scoring.history(actorOf(req), req.params.id),
  );

  app.get('/api/admin/results.csv', { preHandler: requireRole('admin'), schema: { tags: ['scoring'], summary: 'Every attempt and result as CSV', response: { 200: fileResponse('CSV: one row per attempt', 'text/csv') } } }, async (_req, reply) =>
    reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="results.csv"').send(await scoring.exportCsv()),
  );

  app.post(
    '/api/admin/rescore',
    { preHandler: requireRole('admin'), schema: { tags: ['scoring'], summary: 'Rescore every session that delivered an item after a key correction (dry run first)', body: rescoreRequestSchema, response: { 200: rescoreResultSchema } } },
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
        body: recertActivityRequestSchema,
        response: { 201: recordedRecertActivitySchema },
      },
    },
    async (req, reply) => reply.status(201).send(await scoring.addRecertActivity(actorOf(req), req.params.id, { ...req.body, completedAt: new Date(`${req.body.completedAt}T12:00:00Z`) })),
  );
};
