import type { FastifyInstance } from 'fastify';

/** 200 {"status":"ok"} once the database answers; 503 otherwise, so load balancers stop sending traffic. */
export function registerHealth(app: FastifyInstance, ping: () => Promise<void>): void {
  app.get('/healthz', { schema: { hide: true } }, async (_req, reply) => {
    try {
      await ping();
      return { status: 'ok' };
    } catch {
      return reply.status(503).send({ status: 'unavailable' });
    }
  });
}
