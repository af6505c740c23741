import type { FastifyInstance } from 'fastify';

export type Health = { status: 'ok' } | { status: 'degraded'; reason: string };

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

async function check(health: () => Promise<Health>): Promise<Health> {
  try {
    return await health();
  } catch (e) {
    return { status: 'degraded', reason: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * /healthz: 200 {"status":"ok"} when the database answers and cross-instance events flow; 503
 * {"status":"degraded","reason"} otherwise (the database is restarting, the LISTEN connection is reconnecting). The
 * process itself stays up through a database restart (docs/reliability.md). /readyz: 200 {"status":"ready"} only while
 * the process should get new traffic: 503 with {"status":"starting"|"draining"} during start-up or after a shutdown
 * signal, and {"status":"unavailable","reason"} while degraded. Load balancers route by /readyz; container health
 * checks use /healthz.
 */
export function registerHealth(app: FastifyInstance, health: () => Promise<Health>, readiness: Readiness = createReadiness('ready')): void {
  app.get('/healthz', { schema: { hide: true } }, async (_req, reply) => {
    const h = await check(health);
    return h.status === 'ok' ? h : reply.status(503).send(h);
  });
  app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    const state = readiness.state();
    if (state !== 'ready') return reply.status(503).send({ status: state });
    const h = await check(health);
    return h.status === 'ok' ? { status: 'ready' } : reply.status(503).send({ status: 'unavailable', reason: h.reason });
  });
}
