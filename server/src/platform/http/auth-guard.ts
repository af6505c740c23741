/**
 * Resolves the caller on every request (HttpOnly cookie, or a Bearer token for API clients) and offers guards that
 * routes declare. Platform code: it knows nothing of modules; app.ts hands it the function that resolves a token.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Role } from '../../../../shared/vocabulary.ts';
import type { Actor } from '../actor.ts';
import { AppError } from '../errors.ts';

export const SESSION_COOKIE = 'cpt_session';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    sessionToken: string | null;
  }
  interface FastifyContextConfig {
    /**
     * The route checks the token itself, later and in its own transaction (the exam socket does it at hello, in the
     * transaction that records the connection): the hook only hands it `sessionToken`, and `actor` stays null.
     */
    authenticatesLater?: boolean;
  }
}

export function tokenFrom(req: FastifyRequest): string | null {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7).trim() || null;
  return req.cookies?.[SESSION_COOKIE] ?? null;
}

/**
 * Routes an account with something pending (its own password to choose, a second factor to enrol) may still call:
 * everything else answers 403 until that is done.
 */
export const OPEN_WHILE_PENDING = new Set(['/api/auth/me', '/api/auth/logout', '/api/auth/logout-everywhere', '/api/auth/password', '/api/auth/mfa', '/api/auth/mfa/enrol', '/api/auth/mfa/confirm']);

export function registerAuthentication(app: FastifyInstance, authenticate: (token: string) => Promise<Actor | undefined>): void {
  app.decorateRequest('actor', null);
  app.decorateRequest('sessionToken', null);
  app.addHook('onRequest', async (req) => {
    const token = tokenFrom(req);
    if (!token) return;
    req.sessionToken = token;
    if (req.routeOptions.config?.authenticatesLater) return;
    req.actor = (await authenticate(token)) ?? null;
    const pending = req.actor?.pending;
    if (pending && !OPEN_WHILE_PENDING.has(req.routeOptions.url ?? '')) {
      const what = pending === 'change-password' ? 'Choose your own password first (POST /api/auth/password)' : 'Set up two-factor sign-in first (POST /api/auth/mfa/enrol)';
      throw new AppError('FORBIDDEN', what, { details: { pending } });
    }
  });
}

/** The signed-in actor, or a 401. */
export function actorOf(req: FastifyRequest): Actor {
  if (!req.actor) throw new AppError('UNAUTHENTICATED', 'Sign in first');
  return req.actor;
}

export type RoleGuard = ((req: FastifyRequest, reply: FastifyReply) => Promise<void>) & { readonly roles: readonly Role[] };

/**
 * The route's access decision: the caller must be signed in with one of these roles. Declare it as the route's
 * `onRequest` hook, so an unauthorized caller is refused before the body is read or parsed (a preHandler would run
 * after parsing). The roles are attached to the function so the authorization matrix can read every route's decision.
 */
export function requireRole(...roles: Role[]): RoleGuard {
  const guard = async (req: FastifyRequest, _reply: FastifyReply) => {
    const actor = actorOf(req);
    if (!roles.includes(actor.role)) throw new AppError('FORBIDDEN', `This needs the ${roles.join(' or ')} role; you are signed in as ${actor.role}`, { details: { requiredRoles: roles } });
  };
  return Object.assign(guard, { roles: Object.freeze([...roles]) });
}
