import type { FastifyInstance } from 'fastify';

/**
 * The process's place in its life: `starting` until start-up work (migrations, first-start loading) is done, `ready`
 * while serving, `draining` from the shutdown signal on. Readiness (/readyz) follows it; liveness (/healthz) does not.
 */
export type Lifecycle = 'starting' | 'ready' | 'draining';

export interface Readiness {
  state(): Lifecycle;
  set(state: Lifecycle): void;
}

export function createReadiness(initial: Lifecycle = 'starting'): Readiness {
  let current = initial;
  return { state: () => current, set: (s) => (current = s) };
}

/**
 * /healthz: 200 {"status":"ok"} once the database answers; 503 otherwise (the process is alive and can reach its
 * database). /readyz: 200 {"status":"ready"} only while the process should get new traffic: 503 with
 * {"status":"starting"|"draining"|"unavailable"} during start-up, after a shutdown signal, or when the database does
 * not answer. Load balancers route by /readyz; container health checks use /healthz.
 */
export function registerHealth(app: FastifyInstance, ping: () => Promise<void>, readiness: Readiness = createReadiness('ready')): void {
  app.get('/healthz', { schema: { hide: true } }, async (_req, reply) => {
    try {
      await ping();
      return { status: 'ok' };
    } catch {
      return reply.status(503).send({ status: 'unavailable' });
    }
  });
  app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    const state = readiness.state();
    if (state !== 'ready') return reply.status(503).send({ status: state });
    try {
      await ping();
      return { status: 'ready' };
    } catch {
      return reply.status(503).send({ status: 'unavailable' });
    }
  });
}
