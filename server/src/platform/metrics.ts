/**
 * Prometheus metrics (prom-client) for operations: one registry per process, small functions that the code being
 * measured calls, and the /metrics route (docs/operations.md §Metrics lists every series and the alerts worth setting).
 *
 * Other modules record through the functions below (never prom-client directly), e.g. the session gateway calls
 * `startAnswerAck()` when an answer arrives and the returned function when its ack is sent. A new series is added here,
 * additively, with its help text.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { SESSION_STATES } from '../../../shared/protocol/session-protocol.ts';

export const registry = new Registry();
// Heap, GC, handles, CPU and event-loop lag (nodejs_eventloop_lag_p99_seconds …), sampled by prom-client.
collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });

const answersAcked = new Counter({ name: 'cpt_answers_acked_total', help: 'Answers (and flags, visits) acknowledged to candidates after commit; rate() gives answers per second', registers: [registry] });
const ackLatency = new Histogram({
  name: 'cpt_answer_ack_seconds',
  help: 'Time from an answer frame arriving to its ack being sent (includes the group commit)',
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});
const sockets = new Gauge({ name: 'cpt_sockets', help: 'Open websockets on this instance by kind (candidate = /ws/session, proctor = /ws/proctor)', labelNames: ['kind'], registers: [registry] });
const groupCommitBatch = new Histogram({ name: 'cpt_group_commit_batch_size', help: 'Writes per group-commit transaction', buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500], registers: [registry] });
const groupCommitSeconds = new Histogram({ name: 'cpt_group_commit_seconds', help: 'Duration of one group-commit transaction', buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [registry] });
const sweeperLag = new Gauge({ name: 'cpt_sweeper_lag_seconds', help: 'How late the last time-up/disconnect sweep ran against its schedule', registers: [registry] });
const notifyFailures = new Counter({ name: 'cpt_notify_failures_total', help: 'Cross-instance NOTIFY publishes that failed', registers: [registry] });
const resyncs = new Counter({ name: 'cpt_resyncs_total', help: 'Full resynchronisations after a lost LISTEN connection or missed events', registers: [registry] });
const httpRequests = new Counter({ name: 'cpt_http_requests_total', help: 'HTTP responses by status class', labelNames: ['status'], registers: [registry] });

for (const kind of ['candidate', 'proctor']) sockets.set({ kind }, 0);
for (const status of ['2xx', '3xx', '4xx', '5xx']) httpRequests.inc({ status }, 0);

/** Call when an answer arrives; call the returned function when its ack goes out. */
export function startAnswerAck(): () => void {
  const end = ackLatency.startTimer();
  return () => {
    end();
    answersAcked.inc();
  };
}

export function observeGroupCommit(batchSize: number, seconds: number): void {
  groupCommitBatch.observe(batchSize);
  groupCommitSeconds.observe(seconds);
}

export function observeSweeperLag(seconds: number): void {
  sweeperLag.set(Math.max(0, seconds));
}

export function countNotifyFailure(): void {
  notifyFailures.inc();
}

export function countResync(): void {
  resyncs.inc();
}

/** Gauges read when Prometheus scrapes: sessions by state (one grouped query) and the database pool. */
export interface MetricSources {
  sessionsByState?: () => Promise<Record<string, number>>;
  pool?: () => { total: number; idle: number; waiting: number } | null;
  startGate?: () => { limit: number; inFlight: number; waiting: number };
}

function addSources(sources: MetricSources): () => void {
  // One app per process in production; tests that build several in one process: the latest app's sources win.
  registry.removeSingleMetric('cpt_sessions');
  registry.removeSingleMetric('cpt_db_pool_connections');
  registry.removeSingleMetric('cpt_start_gate');
  const sessions = new Gauge({
    name: 'cpt_sessions',
    help: 'Exam sessions by state (all instances: read from the database); live exams = state="in_progress"',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      if (!sources.sessionsByState) return;
      const counts = await sources.sessionsByState();
      // Every state is always present (0 when none), so rate and alert expressions never see a series vanish.
      for (const state of SESSION_STATES) this.set({ state }, counts[state] ?? 0);
    },
  });
  const pool = new Gauge({
    name: 'cpt_db_pool_connections',
    help: 'PostgreSQL pool connections on this instance: active (checked out), idle, waiting (callers queued for one)',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const p = sources.pool?.();
      if (!p) return;
      this.set({ state: 'active' }, p.total - p.idle);
      this.set({ state: 'idle' }, p.idle);
      this.set({ state: 'waiting' }, p.waiting);
    },
  });
  const gate = new Gauge({
    name: 'cpt_start_gate',
    help: 'Exam starts on this instance (#18): running, waiting in line, and the current bound on running ones',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const g = sources.startGate?.();
      if (!g) return;
      this.set({ state: 'running' }, g.inFlight);
      this.set({ state: 'waiting' }, g.waiting);
      this.set({ state: 'limit' }, g.limit);
    },
  });
  return () => {
    if (registry.getSingleMetric('cpt_start_gate') === gate) registry.removeSingleMetric('cpt_start_gate');
    if (registry.getSingleMetric('cpt_sessions') === sessions) registry.removeSingleMetric('cpt_sessions');
    if (registry.getSingleMetric('cpt_db_pool_connections') === pool) registry.removeSingleMetric('cpt_db_pool_connections');
  };
}

/** Only a loopback client that did not come through a proxy (no forwarding headers) may read without the token. */
function isDirectLoopback(req: FastifyRequest): boolean {
  const remote = req.socket.remoteAddress ?? '';
  const local = remote === '127.0.0.1' || remote === '::1' || remote === '::ffff:127.0.0.1';
  return local && !req.headers['x-forwarded-for'] && !req.headers.forwarded && !req.headers['x-real-ip'];
}

function tokenMatches(header: string | undefined, token: string): boolean {
  if (!header?.startsWith('Bearer ')) return false;
  const given = Buffer.from(header.slice(7).trim());
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

/**
 * GET /metrics in Prometheus text format. With a token configured, only `Authorization: Bearer <token>` reads it;
 * without one, only direct loopback requests do (a scraper on the same host). Everyone else gets a 404, so the route
 * does not advertise itself. Also counts websockets by kind and HTTP responses by status class.
 */
export function registerMetrics(app: FastifyInstance, opts: { token: string | null; sources?: MetricSources }): void {
  const remove = addSources(opts.sources ?? {});
  app.addHook('onClose', async () => remove());
  app.addHook('onResponse', async (_req, reply) => {
    if (reply.statusCode >= 100) httpRequests.inc({ status: `${Math.floor(reply.statusCode / 100)}xx` });
  });
  app.addHook('onReady', async () => {
    const wss = (app as unknown as { websocketServer?: import('ws').WebSocketServer }).websocketServer;
    wss?.on('connection', (socket, req) => {
      const kind = req.url?.startsWith('/ws/proctor') ? 'proctor' : req.url?.startsWith('/ws/session') ? 'candidate' : null;
      if (!kind) return;
      sockets.inc({ kind });
      socket.once('close', () => sockets.dec({ kind }));
    });
  });
  app.get('/metrics', { schema: { hide: true } }, async (req, reply) => {
    const allowed = opts.token ? tokenMatches(req.headers.authorization, opts.token) : isDirectLoopback(req);
    if (!allowed) return reply.status(404).send({ code: 'NOT_FOUND', message: `No route GET ${req.url}`, requestId: req.id });
    reply.header('content-type', registry.contentType).header('cache-control', 'no-store');
    return registry.metrics();
  });
}
