import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { fileResponse, idParamsSchema, okSchema } from '../../../../shared/api/common.ts';
import {
  cameraConsentRequestSchema,
  cameraFailureRequestSchema,
  cameraHistorySchema,
  cameraReopenRequestSchema,
  cameraSettingsRequestSchema,
  cameraSettingsSchema,
  sessionCameraSchema,
  stillListSchema,
  stillParamsSchema,
  stillSchema,
  stillUploadRequestSchema,
} from '../../../../shared/api/camera.ts';
import { actorOf, requireRole } from '../../platform/http/auth-guard.ts';
import type { CameraService } from './camera.service.ts';

/** Routes of the seat camera (#17.11). Stills are personal data: every answer under /api/ is `Cache-Control: no-store`. */
export const cameraRoutes: FastifyPluginAsyncZod<{ camera: CameraService }> = async (app, { camera }) => {
  const staff = { onRequest: requireRole('proctor', 'admin') };
  const candidate = { onRequest: requireRole('candidate') };
  const tags = ['camera'];

  app.get('/api/test-centers/:id/camera', { ...staff, schema: { tags, summary: "The test center's seat-camera setting", params: idParamsSchema, response: { 200: cameraSettingsSchema } } }, async (req) =>
    camera.settings(actorOf(req), req.params.id),
  );
  app.put('/api/admin/test-centers/:id/camera', { onRequest: requireRole('admin'), schema: { tags, summary: 'Turn the seat camera on or off for a test center, with its interval and retention (audited)', params: idParamsSchema, body: cameraSettingsRequestSchema, response: { 200: cameraSettingsSchema } } }, async (req) =>
    camera.updateSettings(actorOf(req), req.params.id, req.body),
  );
  app.get('/api/sessions/:id/camera', { onRequest: requireRole('candidate', 'proctor', 'admin'), schema: { tags, summary: "The session's camera: on or off, interval, the candidate's decision", params: idParamsSchema, response: { 200: sessionCameraSchema } } }, async (req) =>
    camera.forSession(actorOf(req), req.params.id),
  );
  app.post('/api/sessions/:id/camera/consent', { ...candidate, schema: { tags, summary: "Record the candidate's consent to (or refusal of) the seat camera, once", params: idParamsSchema, body: cameraConsentRequestSchema, response: { 200: sessionCameraSchema } } }, async (req) =>
    camera.consent(actorOf(req), req.params.id, req.body.consent),
  );
  // Staff only, checked before the body is read (onRequest); the center is checked in the service.
  app.post('/api/sessions/:id/camera/reopen', { ...staff, schema: { tags, summary: "Reopen the candidate's camera decision, with a reason: the exam page asks again (audited)", params: idParamsSchema, body: cameraReopenRequestSchema, response: { 200: sessionCameraSchema } } }, async (req) =>
    camera.reopen(actorOf(req), req.params.id, req.body.reason),
  );
  app.get('/api/sessions/:id/camera/history', { ...staff, schema: { tags, summary: 'The camera decisions a proctor reopened, oldest first', params: idParamsSchema, response: { 200: cameraHistorySchema } } }, async (req) =>
    camera.history(actorOf(req), req.params.id),
  );
  app.post(
    '/api/sessions/:id/camera/stills',
    { ...candidate, bodyLimit: 128 * 1024, schema: { tags, summary: 'Upload a webcam still (base64 JPEG) of the running exam, at most one per interval', params: idParamsSchema, body: stillUploadRequestSchema, response: { 201: stillSchema } } },
    async (req, reply) => reply.status(201).send(await camera.uploadStill(actorOf(req), req.params.id, req.body.jpeg)),
  );
  app.post('/api/sessions/:id/camera/failure', { ...candidate, schema: { tags, summary: 'Report that the camera cannot be used (an attention item for the proctor)', params: idParamsSchema, body: cameraFailureRequestSchema, response: { 200: okSchema } } }, async (req) =>
    camera.reportFailure(actorOf(req), req.params.id, req.body.reason, req.body.detail),
  );
  app.get('/api/sessions/:id/camera/stills', { ...staff, schema: { tags, summary: "The session's stills, newest first", params: idParamsSchema, response: { 200: stillListSchema } } }, async (req) =>
    camera.stills(actorOf(req), req.params.id),
  );
  app.get('/api/sessions/:id/camera/stills/:stillId', { ...staff, schema: { tags, summary: 'One still (JPEG)', params: stillParamsSchema, response: { 200: fileResponse('The still', 'image/jpeg') } } }, async (req, reply) =>
    reply.type('image/jpeg').header('x-content-type-options', 'nosniff').send(Buffer.from(await camera.stillImage(actorOf(req), req.params.id, req.params.stillId))),
  );
};
