import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParamsSchema, noBody } from '../../../../shared/api/common.ts';
import {
  formBuildRequestSchema,
  formBuildResponseSchema,
  formCertificateDownloadSchema,
  formDetailSchema,
  formListQuerySchema,
  formPreviewRequestSchema,
  formPreviewResponseSchema,
  formPublishResponseSchema,
  formSummarySchema,
} from '../../../../shared/api/forms.ts';
import { actorOf, requireRole } from '../../platform/http/auth-guard.ts';
import type { AssemblyService } from './assembly.service.ts';

export const assemblyRoutes: FastifyPluginAsyncZod<{ assembly: AssemblyService }> = async (app, { assembly }) => {
  const authors = { onRequest: requireRole('author', 'admin') };
  const params = idParamsSchema;

  app.post('/api/forms/preview', { ...authors, schema: { tags: ['forms'], summary: 'Assemble a form from a seed without storing it (reproducible)', body: formPreviewRequestSchema, response: { 200: formPreviewResponseSchema } } }, async (req) =>
    assembly.preview(req.body),
  );

  app.post('/api/forms/build', { ...authors, schema: { tags: ['forms'], summary: 'Build K parallel fixed forms (drafts, or published at once)', body: formBuildRequestSchema, response: { 201: formBuildResponseSchema } } }, async (req, reply) =>
    reply.status(201).send(await assembly.buildParallel(actorOf(req), req.body)),
  );

  app.post(
    '/api/forms/:id/publish',
    { ...authors, schema: { tags: ['forms'], summary: "Publish a draft form (an admin), or propose it for an admin's approval (an author); published forms are immutable", params, body: noBody, response: { 200: formPublishResponseSchema } } },
    async (req) => assembly.publish(actorOf(req), req.params.id),
  );

  app.get('/api/forms', { ...authors, schema: { tags: ['forms'], summary: 'List forms', querystring: formListQuerySchema, response: { 200: z.array(formSummarySchema) } } }, async (req) => assembly.listForms(req.query));

  app.get('/api/forms/:id', { ...authors, schema: { tags: ['forms'], summary: 'A form with its items and certificate', params, response: { 200: formDetailSchema } } }, async (req) => assembly.getForm(req.params.id));

  app.get('/api/forms/:id/certificate', { ...authors, schema: { tags: ['forms'], summary: "Download a form's certificate as JSON", params, response: { 200: formCertificateDownloadSchema } } }, async (req, reply) => {
    const form = await assembly.getForm(req.params.id);
    reply.header('content-disposition', `attachment; filename="form-${form.id}-certificate.json"`);
    return { formId: form.id, label: form.label, status: form.status, createdAt: form.createdAt, publishedAt: form.publishedAt, ...form.certificate };
  });
};
