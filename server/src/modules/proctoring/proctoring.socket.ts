import type { FastifyPluginAsync } from 'fastify';
import type { ProctorFeed } from './proctoring.feed.ts';

/** The proctor console's live feed. Authentication is the session cookie (or Bearer token) on the upgrade request. */
export const proctoringSocket: FastifyPluginAsync<{ feed: ProctorFeed }> = async (app, { feed }) => {
  app.get('/ws/proctor', { websocket: true, schema: { hide: true } }, (socket, req) => feed.attach(socket, req.actor));
};
