/**
 * Sign-in (password, launch code, second factor), sign-out (this device, everywhere), the caller's own password and
 * second factor, and the admin's account lifecycle actions. Roles are checked in onRequest, before any body is read.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import {
  accountStatusRequestSchema,
  accountStatusResponseSchema,
  changePasswordRequestSchema,
  changePasswordResponseSchema,
  launchCodeRequestSchema,
  launchCodeResponseSchema,
  loginRequestSchema,
  loginResponseSchema,
  meSchema,
  mfaCodeRequestSchema,
  mfaEnabledSchema,
  mfaEnrolmentSchema,
  mfaStatusSchema,
  mfaVerifyResponseSchema,
  resetPasswordRequestSchema,
  sessionsEndedSchema,
  tokenResponseSchema,
} from '../../../../shared/api/auth.ts';
import { noBody, okSchema } from '../../../../shared/api/common.ts';
import type { Actor } from '../../platform/actor.ts';
import { AppError } from '../../platform/errors.ts';
import { actorOf, requireRole, SESSION_COOKIE } from '../../platform/http/auth-guard.ts';
import type { AuthService } from './auth.service.ts';

/** The wire form of the actor: no token id or expiry (the cookie is HttpOnly; the client never needs them). */
const me = (a: Actor) => ({ userId: a.userId, username: a.username, displayName: a.displayName, role: a.role, testCenterIds: a.testCenterIds, ...(a.pending ? { pending: a.pending } : {}) });

export const authRoutes: FastifyPluginAsyncZod<{ auth: AuthService; cookieSecure: boolean }> = async (app, { auth, cookieSecure }) => {
  const setSession = (reply: FastifyReply, token: string, expiresAt: Date) =>
    reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure: cookieSecure, path: '/', expires: expiresAt });
  const signedIn = requireRole('admin', 'author', 'proctor', 'candidate');
  const admin = requireRole('admin');
  const userParams = z.object({ id: z.uuid() });

  app.post(
    '/api/auth/login',
    { schema: { tags: ['auth'], summary: 'Sign in; sets an HttpOnly session cookie (next = "mfa": send the authenticator code to /api/auth/mfa)', body: loginRequestSchema, response: { 200: loginResponseSchema } } },
    async (req, reply) => {
      const { token, expiresAt, actor, next } = await auth.login({ ...req.body, address: req.ip });
      setSession(reply, token, expiresAt);
      return { user: me(actor), expiresAt: expiresAt.toISOString(), next };
    },
  );

  app.post(
    '/api/auth/token',
    { schema: { tags: ['auth'], summary: 'Sign in and receive a Bearer token (API clients; next = "mfa": exchange it at /api/auth/mfa)', body: loginRequestSchema, response: { 200: tokenResponseSchema } } },
    async (req) => {
      const { token, expiresAt, actor, next } = await auth.login({ ...req.body, address: req.ip });
      return { token, user: me(actor), expiresAt: expiresAt.toISOString(), next };
    },
  );

  app.post(
    '/api/auth/mfa',
    {
      // Only a caller holding a (password-only) session token gets as far as the body.
      onRequest: async (req) => {
        if (!req.sessionToken) throw new AppError('UNAUTHENTICATED', 'Sign in with your password first');
      },
      schema: { tags: ['auth'], summary: 'Second sign-in step: the authenticator code or a recovery code; replaces the password-only session with a new one', body: mfaCodeRequestSchema, response: { 200: mfaVerifyResponseSchema } } },
    async (req, reply) => {
      const bearer = req.headers.authorization?.startsWith('Bearer ') ?? false;
      // Non-null: the onRequest guard above refused every request without a session token.
      const { token, expiresAt, actor, next } = await auth.verifySecondFactor({ token: req.sessionToken!, code: req.body.code, address: req.ip });
      if (!bearer) setSession(reply, token, expiresAt);
      return { user: me(actor), expiresAt: expiresAt.toISOString(), next, ...(bearer ? { token } : {}) };
    },
  );

  app.post(
    '/api/auth/launch-code',
    { schema: { tags: ['auth'], summary: 'Candidate sign-in with the one-time code from the admission ticket', body: launchCodeRequestSchema, response: { 200: launchCodeResponseSchema } } },
    async (req, reply) => {
      const { token, expiresAt, actor, sessionId } = await auth.loginWithLaunchCode({ code: req.body.code, address: req.ip });
      setSession(reply, token, expiresAt);
      return { user: me(actor), expiresAt: expiresAt.toISOString(), sessionId };
    },
  );

  app.post('/api/auth/logout', { schema: { tags: ['auth'], summary: 'Sign out (this session; its sockets close)', body: noBody, response: { 200: okSchema } } }, async (req, reply) => {
    if (req.sessionToken) await auth.logout(req.sessionToken);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true as const };
  });

  app.post(
    '/api/auth/logout-everywhere',
    { onRequest: signedIn, schema: { tags: ['auth'], summary: 'Sign out on every device (all sessions and sockets of the account end)', body: noBody, response: { 200: sessionsEndedSchema } } },
    async (req, reply) => {
      const ended = await auth.logoutEverywhere(actorOf(req));
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { sessionsEnded: ended };
    },
  );

  app.get('/api/auth/me', { onRequest: signedIn, schema: { tags: ['auth'], summary: 'The signed-in user (pending: a step the account must take first)', response: { 200: meSchema } } }, async (req) => me(actorOf(req)));

  app.post(
    '/api/auth/password',
    { onRequest: signedIn, schema: { tags: ['auth'], summary: "Change the caller's password (the other sessions of the account end)", body: changePasswordRequestSchema, response: { 200: changePasswordResponseSchema } } },
    async (req) => auth.changePassword(actorOf(req), { ...req.body, address: req.ip }),
  );

  const staff = requireRole('admin', 'author', 'proctor');
  app.get('/api/auth/mfa', { onRequest: staff, schema: { tags: ['auth'], summary: 'Whether two-factor sign-in is on (and required) for the caller', response: { 200: mfaStatusSchema } } }, async (req) => auth.mfaStatus(actorOf(req)));
  app.post(
    '/api/auth/mfa/enrol',
    { onRequest: staff, schema: { tags: ['auth'], summary: 'Start two-factor enrolment: a new TOTP secret for the authenticator app', body: noBody, response: { 200: mfaEnrolmentSchema } } },
    async (req) => auth.beginMfaEnrolment(actorOf(req)),
  );
  app.post(
    '/api/auth/mfa/confirm',
    { onRequest: staff, schema: { tags: ['auth'], summary: 'Finish enrolment with a code from the app; returns the recovery codes once', body: mfaCodeRequestSchema, response: { 200: mfaEnabledSchema } } },
    async (req) => auth.confirmMfaEnrolment(actorOf(req), req.body.code),
  );

  // ---- account lifecycle (admins) ----
  app.put(
    '/api/admin/users/:id/status',
    { onRequest: admin, schema: { tags: ['admin'], summary: 'Disable (ends all its sessions and sockets) or re-enable an account', params: userParams, body: accountStatusRequestSchema, response: { 200: accountStatusResponseSchema } } },
    async (req) => auth.setAccountDisabled(actorOf(req), req.params.id, req.body.disabled),
  );
  app.post(
    '/api/admin/users/:id/password',
    { onRequest: admin, schema: { tags: ['admin'], summary: 'Set a temporary password (the user must change it at sign-in; their sessions end)', params: userParams, body: resetPasswordRequestSchema, response: { 200: okSchema } } },
    async (req) => {
      await auth.resetPassword(actorOf(req), req.params.id, req.body.newPassword);
      return { ok: true as const };
    },
  );
  app.post(
    '/api/admin/users/:id/sessions/revoke',
    { onRequest: admin, schema: { tags: ['admin'], summary: "End every session of a user (sign them out everywhere)", params: userParams, body: noBody, response: { 200: sessionsEndedSchema } } },
    async (req) => ({ sessionsEnded: await auth.revokeUserSessions(actorOf(req), req.params.id) }),
  );
  app.post(
    '/api/admin/users/:id/mfa/reset',
    { onRequest: admin, schema: { tags: ['admin'], summary: "Remove a user's second factor (lost device); they enrol again", params: userParams, body: noBody, response: { 200: okSchema } } },
    async (req) => {
      await auth.resetMfa(actorOf(req), req.params.id);
      return { ok: true as const };
    },
  );
};
