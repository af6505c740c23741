import type { FastifyPluginAsync } from 'fastify';
import type { SessionGateway } from './sessions.gateway.ts';

/** The candidate's exam socket. Authentication is the session cookie (or Bearer token) on the upgrade request. */
export const sessionsSocket: FastifyPluginAsync<{ gateway: SessionGateway }> = async (app, { gateway }) => {
  app.get('/ws/session', { websocket: true, schema: { hide: true } }, (socket, req) => {
    gateway.attach(socket, req.actor);
  });
};
