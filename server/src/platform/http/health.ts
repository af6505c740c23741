import type { FastifyInstance } from 'fastify';

export type Health = { status: 'ok' } | { status: 'degraded'; reason: string };

/**
 * 200 {"status":"ok"} when the database answers and cross-instance events flow; 503 {"status":"degraded","reason"}
 * otherwise (the database is restarting, the LISTEN connection is reconnecting), so load balancers stop sending
 * traffic until it is `ok` again. The process itself stays up through a database restart (docs/reliability.md).
 */
export function registerHealth(app: FastifyInstance, health: () => Promise<Health>): void {
  app.get('/healthz', { schema: { hide: true } }, async (_req, reply) => {
    let h: Health;
    try {
      h = await health();
    } catch (e) {
      h = { status: 'degraded', reason: e instanceof Error ? e.message : String(e) };
    }
    return h.status === 'ok' ? h : reply.status(503).send(h);
  });
}
