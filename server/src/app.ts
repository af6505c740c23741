/**
 * buildApp: plugins, modules, error handler. Never listens, so tests and main.ts build the same app.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import fastifyWebsocket from '@fastify/websocket';
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type RawRequestDefaultExpression } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from './config/env.ts';
import type { Database } from './db/client.ts';
import { EVENTS_CHANNEL } from './db/notify.ts';
import { countSessionsByState } from './db/operational-queries.ts';
import { composeServices, type Services } from './compose.ts';
import { accountsRoutes } from './modules/accounts/accounts.routes.ts';
import { assemblyRoutes } from './modules/assembly/assembly.routes.ts';
import { authRoutes } from './modules/auth/auth.routes.ts';
import { authoringRoutes } from './modules/authoring/authoring.routes.ts';
import { itemBankRoutes } from './modules/item-bank/item-bank.routes.ts';
import { createSessionGateway } from './modules/sessions/sessions.gateway.ts';
import { scheduleSessionSweeps } from './modules/sessions/sessions.sweeps.ts';
import { createProctorFeed } from './modules/proctoring/proctoring.feed.ts';
import { proctoringRoutes } from './modules/proctoring/proctoring.routes.ts';
import { cameraRoutes } from './modules/camera/camera.routes.ts';
import { scheduleCameraRetention } from './modules/camera/camera.service.ts';
import { proctoringSocket } from './modules/proctoring/proctoring.socket.ts';
import { createJobs } from './platform/jobs.ts';
import { measurementRoutes } from './modules/psychometrics/measurement.routes.ts';
import { psychometricsRoutes } from './modules/psychometrics/psychometrics.routes.ts';
import { scoringRoutes } from './modules/scoring/scoring.routes.ts';
import { credentialsRoutes } from './modules/credentials/credentials.routes.ts';
import { employerRoutes } from './modules/credentials/employer.routes.ts';
import { createWebhookDispatcher } from './modules/credentials/webhook-dispatcher.ts';
import { sessionsRoutes } from './modules/sessions/sessions.routes.ts';
import { practiceRoutes } from './modules/practice/practice.routes.ts';
import { paperRoutes } from './modules/paper/paper.routes.ts';
import { sessionsSocket } from './modules/sessions/sessions.socket.ts';
import { createEventBus } from './platform/event-bus.ts';
import { createTokenWatch } from './platform/ws/token-watch.ts';
import { MAX_CLIENT_MESSAGE_BYTES } from '../../shared/protocol/session-protocol.ts';
import { CLOSE } from '../../shared/protocol/close-codes.ts';
import type { Clock } from './platform/clock.ts';
import { registerAuthentication } from './platform/http/auth-guard.ts';
import { registerErrorHandler } from './platform/http/error-handler.ts';
import { registerHealth, type Readiness } from './platform/http/health.ts';
import { registerHttpSecurity } from './platform/http/security.ts';
import { registerMetrics } from './platform/metrics.ts';
import { createStartGate, DEFAULT_START_GATE, type StartGate } from './platform/start-gate.ts';
import { staticOptions } from './platform/http/static-files.ts';
import { recordRoutes, withErrorResponses } from './platform/route-contract.ts';


declare module 'fastify' {
  interface FastifyInstance {
    startGate: StartGate;
  }
}

export const CLIENT_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/client');

/** A hop count believes that many proxies nearest the server; a list believes only those addresses/ranges. */
function trustProxyOption(v: Config['trustProxy']): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof v === 'number' ? (_address, hop) => hop < v : v;
}

/** An incoming x-request-id is kept when it is a plain token (so ids cannot inject into logs); otherwise a new UUID. */
export function requestIdOf(req: RawRequestDefaultExpression): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(given) ? given : randomUUID();
}

export interface AppDeps {
  config: Config;
  database: Database;
  clock: Clock;
  /** Directory of the built web client; the API works without it. */
  clientDist?: string;
  /** Time-up, disconnect and scoring sweeps (on by default; tests with a fake clock drive them by hand). */
  sweeps?: boolean;
  /** Start-up/serving/draining state behind /readyz (main.ts drives it; tests default to ready). */
  readiness?: Readiness;
  /** Where log lines go (default stdout); tests read them. */
  logStream?: NodeJS.WritableStream;
}

export async function buildApp(deps: AppDeps): Promise<{ app: FastifyInstance; services: Services; gateway: ReturnType<typeof createSessionGateway>; bus: ReturnType<typeof createEventBus> }> {
  const app = Fastify({
    logger: deps.config.logLevel === 'silent' ? false : { level: deps.config.logLevel, ...(deps.logStream ? { stream: deps.logStream } : {}) },
    // Only the proxies TRUST_PROXY names may set the client address; by default the TCP peer is the client.
    trustProxy: trustProxyOption(deps.config.trustProxy),
    bodyLimit: 2 * 1024 * 1024,
    genReqId: requestIdOf,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  recordRoutes(app);
  registerErrorHandler(app);

  const services = composeServices({ ...deps, log: (msg, err) => app.log.error({ err }, msg) });

  await app.register(fastifyCookie);
  // Frames far beyond any protocol message are cut off by ws itself; the gateway answers smaller oversize ones.
  // On close, our own pre-close runs instead of the plugin's (which closed every socket with no code, 1005, before the
  // gateway could drain): the sweeps stop, the group commit drains, then every socket closes with 1001 "going away".
  let drainSockets: () => Promise<void> = async () => {};
  await app.register(fastifyWebsocket, {
    options: { maxPayload: 16 * MAX_CLIENT_MESSAGE_BYTES },
    preClose: async function (this: FastifyInstance) {
      await drainSockets();
      for (const client of this.websocketServer.clients) client.close(CLOSE.shutdown, 'server restarting');
      await new Promise<void>((resolve) => this.websocketServer.close(() => resolve()));
    },
  });
  await app.register(fastifySwagger, {
    openapi: { info: { title: 'cpt-exam API', version: '0.1.0', description: 'Exam delivery for the MSSC CPT modules' } },
    transform: withErrorResponses(jsonSchemaTransform),
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', staticCSP: true });

  registerAuthentication(app, services.auth.authenticate);
  await registerHttpSecurity(app, { env: deps.config.env, publicUrl: deps.config.publicUrl });
  registerHealth(app, () => deps.database.health(), deps.readiness);
  // Start storms (#18): REST starts, socket hellos and pushed snapshots take their turn here (platform/start-gate.ts).
  const startGate = createStartGate({ ...DEFAULT_START_GATE, ...deps.config.startGate });
  startGate.start();
  // The gate is part of the instance (not only of the routes that use it): tests hold it to see the queue messages.
  app.decorate('startGate', startGate);
  registerMetrics(app, {
    token: deps.config.metricsToken,
    sources: {
      sessionsByState: () => countSessionsByState(deps.database.db),
      pool: () => deps.database.poolStats?.() ?? null,
      startGate: () => startGate.stats(),
    },
  });
  // Every response names its request id; log lines of signed-in requests carry the user, and the session when the
  // route is about one.
  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });
  app.addHook('preHandler', async (req, reply) => {
    if (!req.actor) return;
    const sessionId = req.url.startsWith('/api/sessions/') ? (req.params as { id?: string } | undefined)?.id : undefined;
    req.log = reply.log = req.log.child({ userId: req.actor.userId, ...(sessionId ? { sessionId } : {}) });
  });

  await app.register(authRoutes, { auth: services.auth, cookieSecure: deps.config.cookieSecure });
  await app.register(accountsRoutes, { accounts: services.accounts });
  await app.register(itemBankRoutes, { itemBank: services.itemBank });
  await app.register(assemblyRoutes, { assembly: services.assembly });
  await app.register(authoringRoutes, { authoring: services.authoring });
  await app.register(sessionsRoutes, { sessions: services.sessions, startGate });
  await app.register(scoringRoutes, { scoring: services.scoring, recertification: services.recertification });
  await app.register(psychometricsRoutes, { psychometrics: services.psychometrics });
  await app.register(measurementRoutes, { measurement: services.measurement });
  await app.register(credentialsRoutes, { credentials: services.credentials, resultActions: services.resultActions });
  await app.register(employerRoutes, { employer: services.employer });
  await app.register(practiceRoutes, { practice: services.practice });
  await app.register(paperRoutes, { paper: services.paper });
  await app.register(cameraRoutes, { camera: services.camera });
  await services.credentials.publishKey();
  const webhooks = createWebhookDispatcher({ employer: services.employer, log: (msg, err) => app.log.error({ err }, msg) });
  if (deps.sweeps !== false) webhooks.start();

  const bus = createEventBus();
  await bus.start(deps.database.listen, EVENTS_CHANNEL);
  // Sockets of a sign-in that ended (revoked on any instance, expired, idle) close with 4005 (#14.5).
  const tokens = createTokenWatch({ bus, clock: deps.clock, endedTokenIds: (t) => services.auth.endedTokenIds(t), touch: (tokenId) => services.auth.touchToken(tokenId), checkEveryMs: deps.config.tokenCheckMs, log: (msg, err) => app.log.error({ err }, msg) });
  tokens.start();
  const gateway = createSessionGateway({ sessions: services.sessions, startGate, bus, clock: deps.clock, tokens, liveness: deps.config.sessions.liveness, log: (msg, err) => app.log.error({ err }, msg), warn: (msg) => app.log.warn(msg) });
  gateway.start();
  const jobs = createJobs({ log: (msg, err) => app.log.error({ err }, msg) });
  if (deps.sweeps !== false) {
    scheduleSessionSweeps(jobs, services.sessions);
    scheduleCameraRetention(jobs, services.camera);
  }
  await app.register(sessionsSocket, { gateway });
  const feed = createProctorFeed({ proctoring: services.proctoring, bus, clock: deps.clock, tokens, liveness: deps.config.sessions.liveness, log: (msg, err) => app.log.error({ err }, msg) });
  feed.start();
  await app.register(proctoringRoutes, { proctoring: services.proctoring });
  await app.register(proctoringSocket, { feed });
  drainSockets = async () => {
    await jobs.stop();
    tokens.stop();
    feed.stop();
    await gateway.stop();
    startGate.stop();
  };
  app.addHook('onClose', async () => {
    await webhooks.stop();
    await drainSockets();
    await bus.close();
  });

  const clientDist = deps.clientDist ?? CLIENT_DIST;
  const serveClient = existsSync(path.join(clientDist, 'index.html'));
  if (serveClient) await app.register(fastifyStatic, staticOptions(clientDist));
  // Client-side routes (/exam/...) get the app shell; unknown API paths keep their JSON 404.
  app.setNotFoundHandler((req, reply) => {
    if (serveClient && req.method === 'GET' && !req.url.startsWith('/api/') && !req.url.startsWith('/ws')) return reply.sendFile('index.html');
    return reply.status(404).send({ code: 'NOT_FOUND', message: `No route ${req.method} ${req.url}`, requestId: req.id });
  });
  return { app, services, gateway, bus };
}
