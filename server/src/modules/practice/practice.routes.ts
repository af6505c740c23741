import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { fileResponse, idParamsSchema, noBody } from '../../../../shared/api/common.ts';
import { mediaParamsSchema } from '../../../../shared/api/item-bank.ts';
import { sendImage } from '../../platform/http/image-reply.ts';
import { practiceAttemptSchema, practiceOverviewSchema, practiceResponseSchema, practiceReviewSchema, savedPracticeResponseSchema, startPracticeSchema } from '../../../../shared/api/practice.ts';
import { actorOf, requireRole } from '../../platform/http/auth-guard.ts';
import type { PracticeService } from './practice.service.ts';

export const practiceRoutes: FastifyPluginAsyncZod<{ practice: PracticeService }> = async (app, { practice }) => {
  const guard = requireRole('candidate');
  const params = idParamsSchema;
  const tags = ['practice'];

  app.get('/api/practice', { onRequest: guard, schema: { tags, summary: 'Modules with a practice pool and my practice tests', response: { 200: practiceOverviewSchema } } }, async (req) => practice.overview(actorOf(req)));

  app.post('/api/practice', { onRequest: guard, schema: { tags, summary: 'Start a practice test (or return my open one of that module)', body: startPracticeSchema, response: { 201: practiceAttemptSchema } } }, async (req, reply) =>
    reply.status(201).send(await practice.start(actorOf(req), req.body)),
  );

  app.get('/api/practice/:id', { onRequest: guard, schema: { tags, summary: 'A practice test: questions (no keys), answers, time, and the result once ended', params, response: { 200: practiceAttemptSchema } } }, async (req) =>
    practice.get(actorOf(req), req.params.id),
  );

  app.post('/api/practice/:id/responses', { onRequest: guard, schema: { tags, summary: 'Save an answer or a flag', params, body: practiceResponseSchema, response: { 200: savedPracticeResponseSchema } } }, async (req) =>
    practice.respond(actorOf(req), req.params.id, req.body),
  );

  app.post('/api/practice/:id/submit', { onRequest: guard, schema: { tags, summary: 'Submit: score the practice test', params, body: noBody, response: { 200: practiceAttemptSchema } } }, async (req) =>
    practice.submit(actorOf(req), req.params.id),
  );

  app.get(
    '/api/practice/:id/media/:sha256',
    { onRequest: guard, schema: { tags, summary: 'A picture of a question on my practice test (private, no-store)', params: params.extend(mediaParamsSchema.shape), response: { 200: fileResponse('The image', 'image/png', 'image/jpeg', 'image/svg+xml') } } },
    async (req, reply) => sendImage(reply, await practice.media(actorOf(req), req.params.id, req.params.sha256)),
  );

  app.get('/api/practice/:id/review', { onRequest: guard, schema: { tags, summary: 'Every question with my answer, the key and the rationale (after the end)', params, response: { 200: practiceReviewSchema } } }, async (req) =>
    practice.review(actorOf(req), req.params.id),
  );
};
