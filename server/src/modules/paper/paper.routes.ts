import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { fileResponse, idParamsSchema, noBody } from '../../../../shared/api/common.ts';
import { paperEntryParamsSchema, paperEntryRequestSchema, paperRecordRequestSchema, paperScanImportSchema, paperScanResultSchema, paperStatusSchema } from '../../../../shared/api/paper.ts';
import { actorOf, requireRole } from '../../platform/http/auth-guard.ts';
import type { PaperService } from './paper.service.ts';

export const paperRoutes: FastifyPluginAsyncZod<{ paper: PaperService }> = async (app, { paper }) => {
  const guard = requireRole('proctor', 'admin');
  const params = idParamsSchema;
  const tags = ['paper'];
  const pdf = (reply: import('fastify').FastifyReply, r: { pdf: Buffer; filename: string }) => reply.type('application/pdf').header('content-disposition', `attachment; filename="${r.filename}"`).send(r.pdf);

  app.post('/api/sessions/:id/paper', { onRequest: guard, schema: { tags, summary: "Produce a scheduled exam's paper form (again: the same booklet)", params, body: noBody, response: { 200: paperStatusSchema } } }, async (req) =>
    paper.produce(actorOf(req), req.params.id),
  );
  app.get('/api/sessions/:id/paper', { onRequest: guard, schema: { tags, summary: 'The paper booklet, its keyed entries and their differences', params, response: { 200: paperStatusSchema } } }, async (req) =>
    paper.status(actorOf(req), req.params.id),
  );
  app.get('/api/sessions/:id/paper/booklet.pdf', { onRequest: guard, schema: { tags, summary: 'The test booklet PDF (audited)', params, response: { 200: fileResponse('PDF document', 'application/pdf') } } }, async (req, reply) =>
    pdf(reply, await paper.bookletPdf(actorOf(req), req.params.id)),
  );
  app.get('/api/sessions/:id/paper/answer-sheet.pdf', { onRequest: guard, schema: { tags, summary: 'The answer sheet PDF (audited)', params, response: { 200: fileResponse('PDF document', 'application/pdf') } } }, async (req, reply) =>
    pdf(reply, await paper.answerSheetPdf(actorOf(req), req.params.id)),
  );
  app.put(
    '/api/sessions/:id/paper/entries/:entry',
    { onRequest: guard, schema: { tags, summary: 'Key the answer sheet (entry 1 or 2, by two people)', params: paperEntryParamsSchema, body: paperEntryRequestSchema, response: { 200: paperStatusSchema } } },
    async (req) => paper.keyEntry(actorOf(req), req.params.id, req.params.entry, req.body.marks),
  );
  app.post('/api/sessions/:id/paper/record', { onRequest: guard, schema: { tags, summary: 'Record the agreed entries as the responses and score them', params, body: paperRecordRequestSchema, response: { 200: paperStatusSchema } } }, async (req) =>
    paper.record(actorOf(req), req.params.id, req.body),
  );
  app.post('/api/paper/scans', { onRequest: guard, bodyLimit: 6 * 1024 * 1024, schema: { tags, summary: "Record answer sheets from the scanner's CSV (all or nothing)", body: paperScanImportSchema, response: { 200: paperScanResultSchema } } }, async (req) =>
    paper.importScans(actorOf(req), req.body),
  );
};
