/**
 * Open Badges endpoints a verifier fetches (issuer, achievements, keys, status lists: public, cacheable), public
 * verification of credentials and score reports (rate-limited per peer address), the holder's badges and PDFs, and the
 * admin's hold, void and revoke actions. Roles are checked in onRequest, before any body is read.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../platform/errors.ts';
import { actorOf, requireRole } from '../../platform/http/auth-guard.ts';
import { dispositionResponseSchema, fileResponseSchema, holdRequestSchema, jsonObjectSchema, jwksSchema, revokeRequestSchema, revokeResponseSchema, verifiedCredentialSchema, verifiedReportSchema, voidRequestSchema } from '../../../../shared/api/credentials.ts';
import type { ResultActionsService } from '../scoring/result-actions.service.ts';
import type { BadgeFormat, CredentialsService } from './credentials.service.ts';

/** The client's address: the TCP peer, or what a proxy named in TRUST_PROXY says (never a header anyone can write). */
export const peerAddress = (req: FastifyRequest) => req.ip ?? 'unknown';

/**
 * The public lookups' per-address limit, counted in PostgreSQL so it holds across instances (credentials service
 * `takePublicLookup`). Runs in onRequest, before anything else is done for the request.
 */
export function publicRateLimit(credentials: Pick<CredentialsService, 'takePublicLookup'>) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const wait = await credentials.takePublicLookup(peerAddress(req));
    if (wait > 0) {
      reply.header('retry-after', String(wait));
      throw new AppError('RATE_LIMITED', `Too many lookups from your address; try again in ${wait} s`, { details: { retryAfterSeconds: wait } });
    }
  };
}

const codeParams = z.object({ code: z.string().min(1).max(40) });
const formats = z.object({ format: z.enum(['json', 'jwt', 'png', 'svg']) });
const attachment = (reply: FastifyReply, type: string, filename: string) => reply.type(type).header('content-disposition', `attachment; filename="${filename}"`);

export const credentialsRoutes: FastifyPluginAsyncZod<{ credentials: CredentialsService; resultActions: ResultActionsService }> = async (app, { credentials, resultActions }) => {
  const limited = publicRateLimit(credentials);
  const admin = requireRole('admin');
  const holder = requireRole('candidate', 'admin');
  const publicCache = (reply: FastifyReply, seconds: number) => reply.header('cache-control', `public, max-age=${seconds}`).header('access-control-allow-origin', '*');

  // ---- what an Open Badges verifier fetches ----
  app.get('/.well-known/jwks.json', { schema: { tags: ['open-badges'], summary: 'Public keys that sign the credentials (JWKS; retired keys stay listed)', response: { 200: jwksSchema } } }, async (_req, reply) => {
    publicCache(reply, 300);
    return credentials.jwks();
  });
  app.get('/api/ob/keys/:kid', { schema: { tags: ['open-badges'], summary: 'One public key (JWK) by key id', params: z.object({ kid: z.string().max(100) }), response: { 200: z.record(z.string(), z.string()) } } }, async (req, reply) => {
    publicCache(reply, 3600);
    return credentials.key(req.params.kid);
  });
  app.get('/api/ob/issuer', { schema: { tags: ['open-badges'], summary: 'The issuer profile (Open Badges 3.0 Profile)', response: { 200: jsonObjectSchema } } }, async (_req, reply) => {
    publicCache(reply, 3600);
    return credentials.issuer();
  });
  app.get('/api/ob/achievements/:code', { schema: { tags: ['open-badges'], summary: 'An achievement (module code or CPT)', params: z.object({ code: z.string().max(10) }), response: { 200: jsonObjectSchema } } }, async (req, reply) => {
    publicCache(reply, 3600);
    return credentials.achievement(req.params.code);
  });
  app.get('/api/ob/achievements/:code/image.svg', { schema: { tags: ['open-badges'], summary: 'The badge image of an achievement', params: z.object({ code: z.string().max(10) }), response: { 200: fileResponseSchema('SVG image') } } }, async (req, reply) => {
    publicCache(reply, 86_400);
    return reply.type('image/svg+xml').send(credentials.badgeImage(req.params.code));
  });
  app.get(
    '/api/ob/achievements/:code/key-work-activities.pdf',
    { schema: { tags: ['open-badges'], summary: 'The Key Work Activities an achievement covers (PDF)', params: z.object({ code: z.string().max(10) }), response: { 200: fileResponseSchema('PDF document') } } },
    async (req, reply) => {
      const { pdf, filename } = await credentials.kwaDocumentPdf(null, { achievement: req.params.code });
      publicCache(reply, 3600);
      return attachment(reply, 'application/pdf', filename).send(pdf);
    },
  );
  app.get('/api/ob/status/:list', { schema: { tags: ['open-badges'], summary: 'A revocation status list (BitstringStatusListCredential as VC-JWT)', params: z.object({ list: z.coerce.number().int().min(1).max(100_000) }), response: { 200: fileResponseSchema('compact JWS') } } }, async (req, reply) => {
    const jwt = await credentials.statusList(req.params.list);
    return reply.type('application/vc+jwt').header('cache-control', 'public, max-age=60').header('access-control-allow-origin', '*').send(jwt);
  });

  // ---- public verification ----
  app.get('/api/verify/:code', { onRequest: limited, schema: { tags: ['credentials'], summary: 'Public credential verification (no sign-in)', params: codeParams, response: { 200: verifiedCredentialSchema } } }, async (req) =>
    credentials.verify(req.params.code),
  );
  app.get('/api/verify/report/:sessionId', { onRequest: limited, schema: { tags: ['credentials'], summary: 'Confirm the outcome a score report states (no sign-in)', params: z.object({ sessionId: z.uuid() }), response: { 200: verifiedReportSchema } } }, async (req) =>
    credentials.reportSummary(req.params.sessionId),
  );

  // ---- the holder's documents ----
  app.get('/api/sessions/:id/report.pdf', { onRequest: requireRole('candidate', 'proctor', 'admin'), schema: { tags: ['scoring'], summary: 'Score report as a tagged PDF', params: z.object({ id: z.uuid() }), response: { 200: fileResponseSchema('PDF document') } } }, async (req, reply) => {
    const { pdf, filename } = await credentials.scoreReportPdf(actorOf(req), req.params.id);
    return attachment(reply, 'application/pdf', filename).send(pdf);
  });
  app.get('/api/credentials/:code/certificate.pdf', { onRequest: holder, schema: { tags: ['credentials'], summary: 'Certificate PDF (holder or admin)', params: codeParams, response: { 200: fileResponseSchema('PDF document') } } }, async (req, reply) => {
    const { pdf, filename } = await credentials.certificatePdf(actorOf(req), req.params.code);
    return attachment(reply, 'application/pdf', filename).send(pdf);
  });
  app.get('/api/credentials/:code/wallet-card.pdf', { onRequest: holder, schema: { tags: ['credentials'], summary: 'Wallet card PDF, credit-card size (holder or admin)', params: codeParams, response: { 200: fileResponseSchema('PDF document') } } }, async (req, reply) => {
    const { pdf, filename } = await credentials.walletCardPdf(actorOf(req), req.params.code);
    return attachment(reply, 'application/pdf', filename).send(pdf);
  });
  app.get('/api/credentials/:code/key-work-activities.pdf', { onRequest: holder, schema: { tags: ['credentials'], summary: "The credential's Key Work Activities, to share with employers (PDF)", params: codeParams, response: { 200: fileResponseSchema('PDF document') } } }, async (req, reply) => {
    const { pdf, filename } = await credentials.kwaDocumentPdf(actorOf(req), { code: req.params.code });
    return attachment(reply, 'application/pdf', filename).send(pdf);
  });
  app.get(
    '/api/credentials/:code/open-badge.:format',
    { onRequest: holder, schema: { tags: ['open-badges'], summary: 'The signed Open Badges 3.0 credential: json, jwt, or a baked png or svg badge', params: codeParams.extend(formats.shape), response: { 200: fileResponseSchema('credential or baked badge image') } } },
    async (req, reply) => {
      const b = await credentials.badge(actorOf(req), req.params.code, req.params.format as BadgeFormat);
      return attachment(reply, b.type, b.filename).send(b.body);
    },
  );

  // ---- oversight (admins; audited in the services) ----
  const sessionParams = z.object({ id: z.uuid() });
  app.post('/api/admin/sessions/:id/hold', { onRequest: admin, schema: { tags: ['oversight'], summary: 'Place a scored result on hold (its certificate is suspended)', params: sessionParams, body: holdRequestSchema, response: { 200: dispositionResponseSchema } } }, async (req) =>
    resultActions.hold(actorOf(req), req.params.id, req.body.reason),
  );
  app.post('/api/admin/sessions/:id/release', { onRequest: admin, schema: { tags: ['oversight'], summary: 'Release a held result (its certificate is reinstated)', params: sessionParams, body: holdRequestSchema, response: { 200: dispositionResponseSchema } } }, async (req) =>
    resultActions.release(actorOf(req), req.params.id, req.body.reason),
  );
  app.post('/api/admin/sessions/:id/void', { onRequest: admin, schema: { tags: ['oversight'], summary: 'Void a result (its certificate is revoked)', params: sessionParams, body: voidRequestSchema, response: { 200: dispositionResponseSchema } } }, async (req) =>
    resultActions.void(actorOf(req), req.params.id, req.body),
  );
  app.post('/api/admin/credentials/:code/revoke', { onRequest: admin, schema: { tags: ['oversight'], summary: 'Revoke a credential with a reason the public verification page shows', params: codeParams, body: revokeRequestSchema, response: { 200: revokeResponseSchema } } }, async (req) =>
    resultActions.revokeCredential(actorOf(req), req.params.code, req.body.reason),
  );
};
