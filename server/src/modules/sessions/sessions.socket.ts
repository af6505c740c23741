import type { FastifyPluginAsync } from 'fastify';
import type { SessionGateway } from './sessions.gateway.ts';

/**
 * The candidate's exam socket. Authentication is the session cookie (or Bearer token) on the upgrade request, checked
 * once per socket at hello, inside the transaction that records the connection (one database transaction instead of
 * a separate one for the upgrade); the token watch then closes the socket on sign-out or revocation.
 */
export const sessionsSocket: FastifyPluginAsync<{ gateway: SessionGateway }> = async (app, { gateway }) => {
  app.get('/ws/session', { websocket: true, schema: { hide: true }, config: { authenticatesLater: true } }, (socket, req) => {
    gateway.attach(socket, { token: req.sessionToken });
  });
};
