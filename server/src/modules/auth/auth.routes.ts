import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { launchCodeRequestSchema, launchCodeResponseSchema, loginRequestSchema, loginResponseSchema, meSchema, tokenResponseSchema } from '../../../../shared/api/auth.ts';
import { noBody, okSchema } from '../../../../shared/api/common.ts';
import { actorOf, SESSION_COOKIE } from '../../platform/http/auth-guard.ts';
import type { AuthService } from './auth.service.ts';

export const authRoutes: FastifyPluginAsyncZod<{ auth: AuthService; cookieSecure: boolean }> = async (app, { auth, cookieSecure }) => {
  app.post(
    '/api/auth/login',
    { schema: { tags: ['auth'], summary: 'Sign in; sets an HttpOnly session cookie', body: loginRequestSchema, response: { 200: loginResponseSchema } } },
    async (req, reply) => {
      const { token, expiresAt, actor } = await auth.login({ ...req.body, address: req.ip });
      reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure: cookieSecure, path: '/', expires: expiresAt });
      return { user: actor, expiresAt: expiresAt.toISOString() };
    },
  );

  app.post(
    '/api/auth/token',
    { schema: { tags: ['auth'], summary: 'Sign in and receive a Bearer token (API clients)', body: loginRequestSchema, response: { 200: tokenResponseSchema } } },
    async (req) => {
      const { token, expiresAt, actor } = await auth.login({ ...req.body, address: req.ip });
      return { token, user: actor, expiresAt: expiresAt.toISOString() };
    },
  );

  app.post(
    '/api/auth/launch-code',
    { schema: { tags: ['auth'], summary: 'Candidate sign-in with the one-time code from the admission ticket', body: launchCodeRequestSchema, response: { 200: launchCodeResponseSchema } } },
    async (req, reply) => {
      const { token, expiresAt, actor, sessionId } = await auth.loginWithLaunchCode({ code: req.body.code, address: req.ip });
      reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure: cookieSecure, path: '/', expires: expiresAt });
      return { user: actor, expiresAt: expiresAt.toISOString(), sessionId };
    },
  );

  app.post('/api/auth/logout', { schema: { tags: ['auth'], summary: 'Sign out', body: noBody, response: { 200: okSchema } } }, async (req, reply) => {
    if (req.sessionToken) await auth.logout(req.sessionToken);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true as const };
  });

  app.get('/api/auth/me', { schema: { tags: ['auth'], summary: 'The signed-in user', response: { 200: meSchema } } }, async (req) => actorOf(req));
};
