import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { fileResponse, idParamsSchema, noBody } from '../../../../shared/api/common.ts';
import {
  candidateHistorySchema,
  RECERT_EVIDENCE_TYPES,
  recertActivityParamsSchema,
  recertActivityRequestSchema,
  recertEvidenceParamsSchema,
  recertRejectRequestSchema,
  recertReviewListSchema,
  recertReviewQuerySchema,
  recordedRecertActivitySchema,
  rescoreRequestSchema,
  rescoreResultSchema,
  scoreReportSchema,
} from '../../../../shared/api/score-report.ts';
import { actorOf, requireRole } from '../../platform/http/auth-guard.ts';
import type { RecertificationService } from './recertification.service.ts';
import type { ScoringService } from './scoring.service.ts';

export const scoringRoutes: FastifyPluginAsyncZod<{ scoring: ScoringService; recertification: RecertificationService }> = async (app, { scoring, recertification }) => {
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

  // ---- recertification activities: a candidate's report waits for an admin's approval ----
  app.post(
    '/api/candidates/:id/recertification-activities',
    {
      onRequest: requireRole('candidate', 'admin'),
      // Room for the base64 of a 5 MB evidence file; only signed-in candidates and admins get this far.
      bodyLimit: 8 * 1024 * 1024,
      schema: {
        tags: ['scoring'],
        summary: "Record a recertification activity (a candidate's own report is pending until an admin approves it; evidence optional: PDF, PNG or JPEG up to 5 MB)",
        params,
        body: recertActivityRequestSchema,
        response: { 201: recordedRecertActivitySchema },
      },
    },
    async (req, reply) => reply.status(201).send(await recertification.add(actorOf(req), req.params.id, { ...req.body, completedAt: new Date(`${req.body.completedAt}T12:00:00Z`) })),
  );

  app.get(
    '/api/candidates/:id/recertification-activities/:activityId/evidence',
    { onRequest: requireRole('candidate', 'admin'), schema: { tags: ['scoring'], summary: "An activity's evidence file (its candidate or an admin)", params: recertEvidenceParamsSchema, response: { 200: fileResponse('the evidence file', ...RECERT_EVIDENCE_TYPES) } } },
    async (req, reply) => {
      const e = await recertification.evidence(actorOf(req), req.params.id, req.params.activityId);
      // The stored type was read from the bytes; served as an attachment so a browser never renders it in the app's origin.
      const ext = { 'application/pdf': 'pdf', 'image/png': 'png', 'image/jpeg': 'jpg' }[e.contentType] ?? 'bin';
      return reply.type(e.contentType).header('content-disposition', `attachment; filename="evidence-${req.params.activityId}.${ext}"`).send(e.bytes);
    },
  );

  app.get(
    '/api/admin/recertification-activities',
    { onRequest: requireRole('admin'), schema: { tags: ['scoring'], summary: 'Recertification activities to review (pending by default)', querystring: recertReviewQuerySchema, response: { 200: recertReviewListSchema } } },
    async (req) => recertification.review(actorOf(req), req.query.status),
  );

  app.post(
    '/api/admin/recertification-activities/:id/approve',
    { onRequest: requireRole('admin'), schema: { tags: ['scoring'], summary: "Approve a candidate's reported activity: its points count from now on", params: recertActivityParamsSchema, body: noBody, response: { 200: recordedRecertActivitySchema } } },
    async (req) => recertification.approve(actorOf(req), req.params.id),
  );

  app.post(
    '/api/admin/recertification-activities/:id/reject',
    { onRequest: requireRole('admin'), schema: { tags: ['scoring'], summary: "Reject a candidate's reported activity with a reason the candidate reads", params: recertActivityParamsSchema, body: recertRejectRequestSchema, response: { 200: recordedRecertActivitySchema } } },
    async (req) => recertification.reject(actorOf(req), req.params.id, req.body.reason),
  );
};
