import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { fileResponse, idParamsSchema, okSchema } from '../../../../shared/api/common.ts';
import { answerHandSchema, bulkReasonSchema, messagedCountSchema, noteSchema, proctorMessageSchema, pausedCountSchema, resumedCountSchema, rosterQuerySchema, rosterSchema, timelineSchema } from '../../../../shared/api/proctoring.ts';
import { actorOf, requireRole } from '../../platform/http/auth-guard.ts';
import type { ProctoringService } from './proctoring.service.ts';

export const proctoringRoutes: FastifyPluginAsyncZod<{ proctoring: ProctoringService }> = async (app, { proctoring }) => {
  const staff = { onRequest: requireRole('proctor', 'admin') };
  const center = idParamsSchema;

  app.get('/api/proctor/centers/:id/roster', { ...staff, schema: { tags: ['proctoring'], summary: "The center's seats for a day (default today), with progress, time and connection health", params: center, querystring: rosterQuerySchema, response: { 200: rosterSchema } } }, async (req) =>
    proctoring.roster(actorOf(req), req.params.id, req.query.date),
  );
  app.post('/api/proctor/centers/:id/pause-all', { ...staff, schema: { tags: ['proctoring'], summary: 'Pause every running seat (fire drill); time is credited', params: center, body: bulkReasonSchema, response: { 200: pausedCountSchema } } }, async (req) =>
    proctoring.pauseAll(actorOf(req), req.params.id, req.body.reason),
  );
  app.post('/api/proctor/centers/:id/message', { ...staff, schema: { tags: ['proctoring'], summary: 'Send a message to every seat whose exam is running or paused', params: center, body: proctorMessageSchema, response: { 200: messagedCountSchema } } }, async (req) =>
    proctoring.messageRoom(actorOf(req), req.params.id, req.body.text),
  );
  app.post('/api/sessions/:id/message', { ...staff, schema: { tags: ['proctoring'], summary: 'Send a message to one candidate (shown as an alert, logged on the timeline)', params: center, body: proctorMessageSchema, response: { 200: okSchema } } }, async (req) => {
    await proctoring.messageSeat(actorOf(req), req.params.id, req.body.text);
    return { ok: true as const };
  });
  app.post('/api/sessions/:id/hand/answer', { ...staff, schema: { tags: ['proctoring'], summary: "Answer a candidate's raised hand (with a message to them)", params: center, body: answerHandSchema, response: { 200: okSchema } } }, async (req) => {
    await proctoring.answerHand(actorOf(req), req.params.id, req.body.text);
    return { ok: true as const };
  });
  app.post('/api/proctor/centers/:id/resume-all', { ...staff, schema: { tags: ['proctoring'], summary: 'Resume every seat the proctors paused', params: center, body: bulkReasonSchema, response: { 200: resumedCountSchema } } }, async (req) =>
    proctoring.resumeAll(actorOf(req), req.params.id, req.body.reason),
  );
  app.get(
    '/api/proctor/centers/:id/incidents.csv',
    { ...staff, schema: { tags: ['proctoring'], summary: "The day's incidents as CSV", params: center, querystring: rosterQuerySchema, response: { 200: fileResponse('CSV: at, session_id, candidate, module, kind, category, severity, source, recorded_by, note', 'text/csv') } } },
    async (req, reply) =>
      reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="incidents.csv"').send(await proctoring.incidentsCsv(actorOf(req), req.params.id, req.query.date)),
  );
  app.post('/api/sessions/:id/incidents', { ...staff, schema: { tags: ['proctoring'], summary: 'Record an incident note', params: center, body: noteSchema, response: { 201: okSchema } } }, async (req, reply) => {
    await proctoring.addNote(actorOf(req), req.params.id, req.body.note, { category: req.body.category, severity: req.body.severity });
    return reply.status(201).send({ ok: true });
  });
  app.get(
    '/api/sessions/:id/irregularity-report.pdf',
    { ...staff, schema: { tags: ['proctoring'], summary: "The session's irregularity report for the certification body (PDF): incidents with category and severity, proctor actions", params: center, response: { 200: fileResponse('PDF document', 'application/pdf') } } },
    async (req, reply) => {
      const { pdf, filename } = await proctoring.irregularityReport(actorOf(req), req.params.id);
      return reply.type('application/pdf').header('content-disposition', `attachment; filename="${filename}"`).send(pdf);
    },
  );
  app.get('/api/sessions/:id/timeline', { ...staff, schema: { tags: ['proctoring'], summary: 'Every event of a session in order (incident review, appeals)', params: center, response: { 200: timelineSchema } } }, async (req) =>
    proctoring.timeline(actorOf(req), req.params.id),
  );
};
