import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { noBody, okSchema } from '../../../../shared/api/common.ts';
import {
  admitSchema,
  breakRequestSchema,
  approveExtensionSchema,
  declineExtensionSchema,
  extendResultSchema,
  extendSchema,
  extensionDecisionSchema,
  extensionRequestQuerySchema,
  extensionRequestSchema,
  reopenSchema,
  terminateSchema,
  handbookAckSchema,
  handbookSchema,
  launchCodeSchema,
  mySessionSchema,
  reasonSchema,
  resumeSchema,
  savedResponseSchema,
  seatRequestSchema,
  seatResponseSchema,
  scheduledSessionSchema,
  scheduleSessionRequestSchema,
  sessionParamsSchema,
  sessionStatusSchema,
  sessionToolsSchema,
  timeLedgerEntrySchema,
} from '../../../../shared/api/sessions.ts';
import { mediaParamsSchema } from '../../../../shared/api/item-bank.ts';
import { fileResponse } from '../../../../shared/api/common.ts';
import { sendImage } from '../../platform/http/image-reply.ts';
import { HANDBOOK_SECTIONS, HANDBOOK_VERSION } from '../../../../shared/handbook.ts';
import { actorOf, requireRole } from '../../platform/http/auth-guard.ts';
import type { SessionsService } from './sessions.service.ts';
import type { StartGate } from '../../platform/start-gate.ts';

export const sessionsRoutes: FastifyPluginAsyncZod<{ sessions: SessionsService; startGate: Pick<StartGate, 'run'> }> = async (app, { sessions, startGate }) => {
  const staff = { onRequest: requireRole('proctor', 'admin') };
  const anyone = { onRequest: requireRole('candidate', 'proctor', 'admin') };
  const candidate = { onRequest: requireRole('candidate') };
  const admin = { onRequest: requireRole('admin') };
  const params = sessionParamsSchema;
  const ok = { ok: true as const };

  app.post('/api/sessions', { ...staff, schema: { tags: ['sessions'], summary: 'Schedule a module exam for a candidate', body: scheduleSessionRequestSchema, response: { 201: scheduledSessionSchema } } }, async (req, reply) => {
    const row = await sessions.schedule(actorOf(req), { ...req.body, scheduledAt: new Date(req.body.scheduledAt) });
    return reply.status(201).send({ id: row.id, state: row.state, module: row.module, scheduledAt: row.scheduledAt });
  });

  app.get('/api/me/sessions', { ...candidate, schema: { tags: ['sessions'], summary: "The signed-in candidate's exam sessions", response: { 200: z.array(mySessionSchema) } } }, async (req) => sessions.listForCandidate(actorOf(req)));

  app.get('/api/sessions/:id/tools', { ...anyone, schema: { tags: ['sessions'], summary: "The candidate tools the session's blueprint allows (calculator)", params, response: { 200: sessionToolsSchema } } }, async (req) =>
    sessions.tools(actorOf(req), req.params.id),
  );

  app.get('/api/sessions/:id', { ...anyone, schema: { tags: ['sessions'], summary: 'Session status (own session for candidates; own test centers for proctors)', params, response: { 200: sessionStatusSchema } } }, async (req) => {
    const s = await sessions.get(actorOf(req), req.params.id);
    return {
      id: s.id,
      module: s.module,
      moduleTitle: s.moduleTitle,
      testCenter: s.testCenter,
      timeZone: s.timeZone,
      state: s.state,
      scheduledAt: s.scheduledAt,
      admitted: !!s.admittedAt,
      handbookAcknowledged: !!s.handbookAcknowledgedAt,
      pauseReason: s.pauseReason,
      endReason: s.endReason,
      timeMultiplier: s.timeMultiplier,
      time: s.time,
      seat: s.seatLabel,
      // Staff see which bank release the form came from; a candidate has no use for it.
      ...(actorOf(req).role !== 'candidate' ? { release: s.releaseId ? { id: s.releaseId, name: s.releaseName ?? s.releaseId } : null } : {}),
    };
  });

  app.get(
    '/api/sessions/:id/media/:sha256',
    {
      ...candidate,
      schema: {
        tags: ['sessions'],
        summary: "An image of an item on the candidate's own form, while the exam is in progress (private, no-store)",
        params: sessionParamsSchema.extend(mediaParamsSchema.shape),
        response: { 200: fileResponse('The image', 'image/png', 'image/jpeg', 'image/svg+xml') },
      },
    },
    async (req, reply) => sendImage(reply, await sessions.candidateMedia(actorOf(req), req.params.id, req.params.sha256)),
  );

  app.get('/api/handbook', { ...anyone, schema: { tags: ['sessions'], summary: 'The candidate rules to acknowledge before the exam', response: { 200: handbookSchema } } }, async () => ({ version: HANDBOOK_VERSION, sections: HANDBOOK_SECTIONS }));

  app.post('/api/sessions/:id/check-in', { ...anyone, schema: { tags: ['sessions'], summary: 'Candidate arrives (waiting room)', params, body: noBody, response: { 200: okSchema } } }, async (req) => {
    await sessions.checkIn(actorOf(req), req.params.id);
    return ok;
  });
  app.post('/api/sessions/:id/handbook', { ...candidate, schema: { tags: ['sessions'], summary: 'Acknowledge the candidate rules (stored with version and time)', params, body: handbookAckSchema, response: { 200: okSchema } } }, async (req) => {
    await sessions.acknowledgeHandbook(actorOf(req), req.params.id, req.body.version);
    return ok;
  });
  app.post('/api/sessions/:id/start', { ...anyone, schema: { tags: ['sessions'], summary: 'Start the exam clock (in a start storm the request waits its turn; the socket is told the place)', params, body: noBody, response: { 200: okSchema } } }, async (req) => {
    await startGate.run(req.params.id, () => sessions.start(actorOf(req), req.params.id), { admits: true });
    return ok;
  });
  app.post('/api/sessions/:id/admit', { ...staff, schema: { tags: ['proctoring'], summary: 'Admit after checking photo ID; assembles the form', params, body: admitSchema, response: { 200: okSchema } } }, async (req) => {
    await sessions.admit(actorOf(req), req.params.id, req.body);
    return ok;
  });
  app.post('/api/sessions/:id/pause', { ...staff, schema: { tags: ['proctoring'], summary: 'Pause the exam clock', params, body: reasonSchema, response: { 200: okSchema } } }, async (req) => {
    await sessions.pause(actorOf(req), req.params.id, req.body.reason);
    return ok;
  });
  app.post('/api/sessions/:id/resume', { ...staff, schema: { tags: ['proctoring'], summary: 'Resume a paused exam', params, body: resumeSchema, response: { 200: okSchema } } }, async (req) => {
    await sessions.resume(actorOf(req), req.params.id, req.body.reason);
    return ok;
  });
  app.post(
    '/api/sessions/:id/extend',
    { ...staff, schema: { tags: ['proctoring'], summary: 'Give extra minutes (200); past the per-exam cap a proctor files a request for an admin (202)', params, body: extendSchema, response: { 200: extendResultSchema, 202: extendResultSchema } } },
    async (req, reply) => {
      const r = await sessions.extend(actorOf(req), req.params.id, req.body.minutes, req.body.reason);
      return reply.status(r.outcome === 'requested' ? 202 : 200).send(r);
    },
  );
  app.post('/api/sessions/:id/terminate', { ...staff, schema: { tags: ['proctoring'], summary: 'End the exam now under an incident category, with a note (recorded as terminated, never passed)', params, body: terminateSchema, response: { 200: okSchema } } }, async (req) => {
    await sessions.terminate(actorOf(req), req.params.id, req.body);
    return ok;
  });
  app.put('/api/sessions/:id/seat', { ...staff, schema: { tags: ['proctoring'], summary: 'Assign, change or clear the seat / workstation (unique per center and day)', params, body: seatRequestSchema, response: { 200: seatResponseSchema } } }, async (req) => {
    await sessions.setSeat(actorOf(req), req.params.id, req.body.seat);
    return { seat: req.body.seat };
  });
  app.post('/api/sessions/:id/break', { ...staff, schema: { tags: ['proctoring'], summary: 'Start an unscheduled break for the candidate (the clock runs)', params, body: breakRequestSchema, response: { 200: okSchema } } }, async (req) => {
    await sessions.startBreak(actorOf(req), req.params.id, req.body.note ?? null);
    return ok;
  });
  app.get('/api/extension-requests', { ...staff, schema: { tags: ['oversight'], summary: "Extensions past the cap (pending by default): a proctor's centers, or every center for an admin", querystring: extensionRequestQuerySchema, response: { 200: z.array(extensionRequestSchema) } } }, async (req) =>
    sessions.extensionRequests(actorOf(req), req.query),
  );
  app.post('/api/admin/extension-requests/:id/approve', { ...admin, schema: { tags: ['oversight'], summary: 'Approve an extension past the cap (the minutes are added now)', params, body: approveExtensionSchema, response: { 200: extensionDecisionSchema } } }, async (req) =>
    sessions.decideExtension(actorOf(req), req.params.id, 'approved', req.body.note ?? null),
  );
  app.post('/api/admin/extension-requests/:id/decline', { ...admin, schema: { tags: ['oversight'], summary: 'Decline an extension past the cap, saying why', params, body: declineExtensionSchema, response: { 200: extensionDecisionSchema } } }, async (req) =>
    sessions.decideExtension(actorOf(req), req.params.id, 'declined', req.body.note),
  );
  app.post('/api/admin/sessions/:id/reopen', { ...admin, schema: { tags: ['oversight'], summary: 'Reopen a terminated or expired attempt: back to paused with the time it had left (plus any credit)', params, body: reopenSchema, response: { 200: okSchema } } }, async (req) => {
    await sessions.reopen(actorOf(req), req.params.id, req.body);
    return ok;
  });

  app.post('/api/sessions/:id/launch-code', { ...staff, schema: { tags: ['proctoring'], summary: 'Issue a one-time launch code for the admission ticket', params, body: noBody, response: { 201: launchCodeSchema } } }, async (req, reply) =>
    reply.status(201).send(await sessions.issueLaunchCode(actorOf(req), req.params.id)),
  );

  app.get('/api/sessions/:id/responses', { ...staff, schema: { tags: ['proctoring'], summary: "Saved answers and flags (no keys): admins at any time, the center's proctors once the exam has ended", params, response: { 200: z.array(savedResponseSchema) } } }, async (req) =>
    sessions.responses(actorOf(req), req.params.id),
  );
  app.get('/api/sessions/:id/time-ledger', { ...staff, schema: { tags: ['proctoring'], summary: 'Every timing adjustment with actor and reason', params, response: { 200: z.array(timeLedgerEntrySchema) } } }, async (req) => {
    await sessions.get(actorOf(req), req.params.id);
    return sessions.ledger(req.params.id);
  });
};
