/**
 * Resolves the caller on every request (HttpOnly cookie, or a Bearer token for API clients) and offers guards that
 * routes declare. Platform code: it knows nothing of modules; app.ts hands it the function that resolves a token.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Role } from '../../../../shared/vocabulary.ts';
import type { Actor } from '../actor.ts';
import { AppError, forbidden } from '../errors.ts';

export const SESSION_COOKIE = 'cpt_session';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    sessionToken: string | null;
  }
}

export function tokenFrom(req: FastifyRequest): string | null {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7).trim() || null;
  return req.cookies?.[SESSION_COOKIE] ?? null;
}

export function registerAuthentication(app: FastifyInstance, authenticate: (token: string) => Promise<Actor | undefined>): void {
  app.decorateRequest('actor', null);
  app.decorateRequest('sessionToken', null);
  app.addHook('onRequest', async (req) => {
    const token = tokenFrom(req);
    if (!token) return;
    req.sessionToken = token;
    req.actor = (await authenticate(token)) ?? null;
  });
}

/** The signed-in actor, or a 401. */
export function actorOf(req: FastifyRequest): Actor {
  if (!req.actor) throw new AppError('UNAUTHENTICATED', 'Sign in first');
  return req.actor;
}

/** preHandler: the caller must be signed in with one of these roles. */
export function requireRole(...roles: Role[]) {
  return async (req: FastifyRequest, _reply: FastifyReply) => {
    const actor = actorOf(req);
    if (!roles.includes(actor.role)) throw forbidden(`This needs the ${roles.join(' or ')} role; you are signed in as ${actor.role}`);
  };
}
