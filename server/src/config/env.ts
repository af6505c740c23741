/**
 * Configuration, parsed once with zod. This is the only module that reads process.env (callers pass the
 * environment in, so tests build configs without touching the process). A bad value stops start-up with a message
 * naming the variable.
 */
import path from 'node:path';
import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test'], { error: 'must be development, production or test' }).default('development'),
  PORT: z.coerce.number({ error: 'must be a port number' }).int('must be a whole number').min(0, 'must be 0-65535').max(65535, 'must be 0-65535').default(3000),
  HOST: z.string().min(1, 'must not be empty').default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, { error: 'must be a postgres:// URL (leave it unset to use the embedded database)' })
    .optional(),
  DATA_DIR: z.string().min(1, 'must not be empty').default('./data'),
  ITEM_BANK_DIR: z.string().min(1, 'must not be empty').default('./item-bank'),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  /** Mixed into the hash of every session token, so a stolen database dump cannot be replayed as cookies. */
  TOKEN_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SESSION_TTL_HOURS: z.coerce.number({ error: 'must be a number of hours' }).positive('must be positive').max(24 * 30, 'must be at most 720').default(12),
  COOKIE_SECURE: bool.optional(),
  DEMO_ACCOUNTS: bool.optional(),
  /** Staff (admin, author, proctor) sessions end after this many minutes without a request. */
  STAFF_IDLE_MINUTES: z.coerce.number({ error: 'must be a number of minutes' }).int('must be whole minutes').min(1, 'must be at least 1').max(24 * 60, 'must be at most 1440').default(30),
  /** Staff sessions end this many hours after sign-in whatever the activity (absolute timeout). */
  STAFF_SESSION_HOURS: z.coerce.number({ error: 'must be a number of hours' }).positive('must be positive').max(24, 'must be at most 24').default(10),
  /**
   * Which proxy to believe about the client's address (X-Forwarded-For): unset or false believes none (the TCP peer is
   * the client), a number is a hop count, otherwise a comma-separated list of proxy addresses or CIDR ranges.
   */
  TRUST_PROXY: z
    .string()
    .regex(/^(false|\d{1,2}|[0-9a-fA-F:.]+(\/\d{1,3})?(\s*,\s*[0-9a-fA-F:.]+(\/\d{1,3})?)*)$/, { error: 'must be false, a hop count (e.g. 1), or a comma-separated list of proxy addresses or CIDR ranges (e.g. 10.0.0.0/8,127.0.0.1)' })
    .optional(),
  /** Staff roles that must sign in with a second factor (TOTP), comma-separated; "none" for none. */
  MFA_REQUIRED_ROLES: z
    .string()
    .regex(/^(none|(admin|author|proctor)(,(admin|author|proctor))*)$/, { error: 'must be "none" or a comma-separated list of admin, author, proctor' })
    .optional(),
  LOAD_SAMPLE_BANK: bool.default(true),
  /** A retaker's new form shares at most this percent of its items with the forms they saw before. */
  RETAKE_MAX_SHARED_PERCENT: z.coerce.number({ error: 'must be a percent' }).min(0, 'must be 0-100').max(100, 'must be 0-100').default(50),
  /** Soft cap on the share of delivered forms any one item appears on. */
  /** A disconnect longer than this pauses the exam and credits the lost time; shorter drops keep the clock running. */
  DISCONNECT_PAUSE_AFTER_SECONDS: z.coerce.number({ error: 'must be a number of seconds' }).int('must be whole seconds').min(5, 'must be at least 5').max(600, 'must be at most 600').default(30),
  /** Total disconnect time credited back per exam; past it the disconnect pause waits for the proctor. */
  DISCONNECT_CREDIT_CAP_MINUTES: z.coerce.number({ error: 'must be a number of minutes' }).min(0, 'must be at least 0').max(600, 'must be at most 600').default(10),
  /** `auto`: a reconnect (within the cap) resumes by itself; `proctor`: every disconnect pause waits for the proctor. */
  DISCONNECT_RESUME: z.enum(['auto', 'proctor'], { error: 'must be auto or proctor' }).default('auto'),
  /** #17.9: the most a proctor may extend one exam in total; an extension past it waits for an admin's approval. */
  EXTENSION_CAP_MINUTES: z.coerce.number({ error: 'must be a number of minutes' }).int('must be whole minutes').min(0, 'must be at least 0').max(600, 'must be at most 600').default(30),
  /** The server pings every candidate and proctor socket this often. */
  LIVENESS_PING_SECONDS: z.coerce.number({ error: 'must be a number of seconds' }).min(1, 'must be at least 1').max(60, 'must be at most 60').default(5),
  /** A socket not heard from (any message, heartbeat or pong) for this long is closed as dead. */
  LIVENESS_TIMEOUT_SECONDS: z.coerce.number({ error: 'must be a number of seconds' }).min(2, 'must be at least 2').max(300, 'must be at most 300').default(12),
  /** SIGTERM: the process drains and exits within this; past it, it exits anyway (code 1). */
  /** How often open sockets re-check their sign-in (signed out elsewhere, expired, idle): the delay before an expired token's socket closes. */
  TOKEN_CHECK_SECONDS: z.coerce.number({ error: 'must be a number of seconds' }).min(0.5, 'must be at least 0.5').max(60, 'must be at most 60').default(5),
  SHUTDOWN_DEADLINE_SECONDS: z.coerce.number({ error: 'must be a number of seconds' }).min(1, 'must be at least 1').max(300, 'must be at most 300').default(10),
  /** Minutes-left thresholds for time warnings, comma-separated. */
  TIME_WARNING_MINUTES: z
    .string()
    .regex(/^\d+(,\d+)*$/, { error: 'must be whole minutes separated by commas, e.g. 15,5,1' })
    .default('15,5,1'),
  /** The address people reach this server at (links in PDFs, QR codes, badges); never taken from a request's Host. */
  PUBLIC_URL: z
    .string()
    .regex(/^https?:\/\/[^/\s?#]+(\/[^\s?#]*[^/\s?#])?$/, { error: 'must be an absolute http(s) URL without a trailing slash, query or fragment, e.g. https://exams.example.org' })
    .optional(),
  /** The program's credential signing key (RSA, PKCS#8 PEM), inline or as a file; production needs one of them. */
  OB_SIGNING_KEY: z.string().includes('PRIVATE KEY', { error: 'must be a PEM private key (-----BEGIN PRIVATE KEY-----)' }).optional(),
  OB_SIGNING_KEY_FILE: z.string().min(1, 'must not be empty').optional(),
  /** Bearer token for GET /metrics; unset: only direct loopback requests may read it. */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  EXPOSURE_MAX_RATE: z.coerce.number({ error: 'must be a number between 0 and 1' }).gt(0, 'must be above 0').max(1, 'must be at most 1').default(0.7),
  /** Assembly to a target on a calibrated bank: the share of the bank's most information at the cut a form aims at. */
  ASSEMBLY_INFORMATION_SHARE: z.coerce.number({ error: 'must be a number between 0 and 1' }).min(0, 'must be at least 0').max(1, 'must be at most 1').default(0.9),
  /** Parallel fixed forms on a calibrated bank: largest allowed gap between their test characteristic curves, in raw-score points. */
  ASSEMBLY_TCC_TOLERANCE: z.coerce.number({ error: 'must be a number of raw-score points' }).min(0, 'must be at least 0').default(0.5),
  /** Item analysis flags an item over-exposed (and suggests retiring it) above this share of the module's candidates. */
  /**
   * Listen queue length for connections the server has not accepted yet. The kernel caps it at net.core.somaxconn
   * (docs/operations.md): at a synchronized start every candidate connects within a second.
   */
  LISTEN_BACKLOG: z.coerce.number({ error: 'must be a number of connections' }).int('must be a whole number').min(511, 'must be at least 511').max(1_048_576, 'must be at most 1048576').default(16_384),
  /**
   * Descriptors the listening socket is watched through (#18): libuv accepts one connection per event-loop turn and
   * descriptor, so under load the accept rate is this many times the loop's turns per second. 1 turns it off.
   */
  ACCEPT_LISTENERS: z.coerce.number({ error: 'must be a number of listeners' }).int('must be a whole number').min(1, 'must be at least 1').max(64, 'must be at most 64').default(16),
  /** Start gate (#18): at most this many exam starts run at once; more wait in line and are told their place. */
  START_GATE_CONCURRENCY: z.coerce.number({ error: 'must be a number of starts' }).int('must be a whole number').min(1, 'must be at least 1').max(1000, 'must be at most 1000').default(16),
  /** Start gate: the event-loop delay it steers towards; above it fewer starts run at once. */
  START_GATE_LOOP_DELAY_MS: z.coerce.number({ error: 'must be a number of milliseconds' }).min(5, 'must be at least 5').max(10_000, 'must be at most 10000').default(50),
  ANALYSIS_MAX_EXPOSURE_RATE: z.coerce.number({ error: 'must be a number between 0 and 1' }).gt(0, 'must be above 0').max(1, 'must be at most 1').default(0.25),
});

export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  database: { kind: 'postgres'; url: string } | { kind: 'pglite'; dataDir: string | null };
  itemBankDir: string;
  logLevel: (typeof LOG_LEVELS)[number];
  tokenSecret: string;
  sessionTtlMs: number;
  /** Staff sessions: idle timeout and absolute lifetime (candidates keep sessionTtlMs for the length of an exam day). */
  staffSession: { idleMs: number; absoluteMs: number };
  /** Fastify's trustProxy: false (the TCP peer), a hop count, or the proxies' addresses/CIDRs. */
  trustProxy: false | number | string[];
  /** Roles whose sign-in needs a TOTP code once they have enrolled, and who are made to enrol. */
  mfaRequiredRoles: Array<'admin' | 'author' | 'proctor'>;
  cookieSecure: boolean;
  demoAccounts: boolean;
  loadSampleBank: boolean;
  assembly: { retakeMaxSharedPercent: number; exposureMaxRate: number; informationShare: number; tccTolerance: number };
  /** Item analysis: the over-exposure review threshold. */
  analysis: { maxExposureRate: number };
  /** SIGTERM drain deadline. */
  shutdownDeadlineMs: number;
  /** How often open sockets re-check their sign-in (TOKEN_CHECK_SECONDS). */
  tokenCheckMs: number;
  /** listen() backlog; the kernel uses min(this, net.core.somaxconn). */
  listenBacklog: number;
  /** Descriptors watching the listening socket, each accepting one connection per event-loop turn. */
  acceptListeners: number;
  /** Start storms (#18): the gate's bound on concurrent starts and the event-loop delay it steers towards. */
  startGate: { maxConcurrency: number; targetLoopDelayMs: number };
  sessions: {
    disconnectPauseAfterMs: number;
    disconnectCreditCapMs: number;
    disconnectResume: 'auto' | 'proctor';
    extensionCapMs: number;
    warningMinutes: number[];
    /** Socket liveness: ping interval and the silence after which a socket is closed as dead. */
    liveness: { pingMs: number; timeoutMs: number };
  };
  /** Absolute URL without a trailing slash; in development, http://HOST:PORT when PUBLIC_URL is unset. */
  publicUrl: string;
  /**
   * Where the Open Badges signing key comes from: inline PEM, a file, or (development and tests only) a key generated
   * on first start and kept in the data directory, or in memory when there is no data directory.
   */
  /** Bearer token for /metrics, or null (loopback only). */
  metricsToken: string | null;
  signingKey: { kind: 'pem'; pem: string } | { kind: 'file'; path: string } | { kind: 'generated'; dir: string | null };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function parseTrustProxy(v: string | undefined): Config['trustProxy'] {
  if (v === undefined || v === 'false') return false;
  if (/^\d+$/.test(v)) return Number(v);
  return v.split(',').map((s) => s.trim());
}

/** A fixed development secret; production refuses to start without its own, and refuses this one. */
export const DEV_TOKEN_SECRET = 'cpt-exam-development-only-token-secret-0000';

export function parseConfig(env: Record<string, string | undefined>): Config {
  const raw = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message} (got ${JSON.stringify(raw[String(i.path[0])] ?? null)})`));
  }
  const e = parsed.data;
  if (e.NODE_ENV === 'production' && !e.TOKEN_SECRET) {
    throw new ConfigError(['TOKEN_SECRET: must be set in production (32 or more random characters)']);
  }
  if (e.NODE_ENV === 'production' && e.TOKEN_SECRET === DEV_TOKEN_SECRET) {
    throw new ConfigError(['TOKEN_SECRET: is the development secret published in the source; set your own in production (32 or more random characters)']);
  }
  if (e.NODE_ENV === 'production' && e.DEMO_ACCOUNTS) {
    throw new ConfigError(['DEMO_ACCOUNTS: demo accounts have a published password and are refused in production']);
  }
  if (e.NODE_ENV === 'production' && !e.PUBLIC_URL) {
    throw new ConfigError(['PUBLIC_URL: must be set in production (the https:// address candidates and employers reach this server at)']);
  }
  if (e.OB_SIGNING_KEY && e.OB_SIGNING_KEY_FILE) throw new ConfigError(['OB_SIGNING_KEY_FILE: set either OB_SIGNING_KEY or OB_SIGNING_KEY_FILE, not both']);
  if (e.NODE_ENV === 'production' && !e.OB_SIGNING_KEY && !e.OB_SIGNING_KEY_FILE) {
    throw new ConfigError(['OB_SIGNING_KEY_FILE: must be set in production (the RSA private key that signs Open Badges credentials; see docs/credentials.md)']);
  }
  if (e.LIVENESS_TIMEOUT_SECONDS <= e.LIVENESS_PING_SECONDS) {
    throw new ConfigError([`LIVENESS_TIMEOUT_SECONDS: must be longer than LIVENESS_PING_SECONDS (${e.LIVENESS_PING_SECONDS}), or every socket is closed between two pings (got ${e.LIVENESS_TIMEOUT_SECONDS})`]);
  }
  const dataDir = e.DATA_DIR === ':memory:' ? null : path.resolve(e.DATA_DIR);
  const listenHost = e.HOST === '0.0.0.0' || e.HOST === '::' ? '127.0.0.1' : e.HOST;
  return Object.freeze({
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    database: e.DATABASE_URL ? { kind: 'postgres', url: e.DATABASE_URL } : { kind: 'pglite', dataDir },
    itemBankDir: path.resolve(e.ITEM_BANK_DIR),
    logLevel: e.LOG_LEVEL,
    tokenSecret: e.TOKEN_SECRET ?? DEV_TOKEN_SECRET,
    sessionTtlMs: e.SESSION_TTL_HOURS * 3600_000,
    staffSession: { idleMs: e.STAFF_IDLE_MINUTES * 60_000, absoluteMs: e.STAFF_SESSION_HOURS * 3600_000 },
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    mfaRequiredRoles: e.MFA_REQUIRED_ROLES === undefined ? (e.NODE_ENV === 'production' ? ['admin', 'author', 'proctor'] : []) : e.MFA_REQUIRED_ROLES === 'none' ? [] : ([...new Set(e.MFA_REQUIRED_ROLES.split(','))] as Config['mfaRequiredRoles']),
    cookieSecure: e.COOKIE_SECURE ?? e.NODE_ENV === 'production',
    demoAccounts: e.DEMO_ACCOUNTS ?? e.NODE_ENV !== 'production',
    loadSampleBank: e.LOAD_SAMPLE_BANK,
    assembly: { retakeMaxSharedPercent: e.RETAKE_MAX_SHARED_PERCENT, exposureMaxRate: e.EXPOSURE_MAX_RATE, informationShare: e.ASSEMBLY_INFORMATION_SHARE, tccTolerance: e.ASSEMBLY_TCC_TOLERANCE },
    analysis: { maxExposureRate: e.ANALYSIS_MAX_EXPOSURE_RATE },
    publicUrl: e.PUBLIC_URL ?? `http://${listenHost.includes(':') ? `[${listenHost}]` : listenHost}:${e.PORT}`,
    metricsToken: e.METRICS_TOKEN ?? null,
    signingKey: e.OB_SIGNING_KEY ? { kind: 'pem', pem: e.OB_SIGNING_KEY } : e.OB_SIGNING_KEY_FILE ? { kind: 'file', path: path.resolve(e.OB_SIGNING_KEY_FILE) } : { kind: 'generated', dir: dataDir },
    shutdownDeadlineMs: Math.round(e.SHUTDOWN_DEADLINE_SECONDS * 1000),
    tokenCheckMs: Math.round(e.TOKEN_CHECK_SECONDS * 1000),
    listenBacklog: e.LISTEN_BACKLOG,
    acceptListeners: e.ACCEPT_LISTENERS,
    startGate: { maxConcurrency: e.START_GATE_CONCURRENCY, targetLoopDelayMs: e.START_GATE_LOOP_DELAY_MS },
    sessions: {
      disconnectPauseAfterMs: e.DISCONNECT_PAUSE_AFTER_SECONDS * 1000,
      disconnectCreditCapMs: Math.round(e.DISCONNECT_CREDIT_CAP_MINUTES * 60_000),
      disconnectResume: e.DISCONNECT_RESUME,
      extensionCapMs: e.EXTENSION_CAP_MINUTES * 60_000,
      liveness: { pingMs: Math.round(e.LIVENESS_PING_SECONDS * 1000), timeoutMs: Math.round(e.LIVENESS_TIMEOUT_SECONDS * 1000) },
      warningMinutes: [...new Set(e.TIME_WARNING_MINUTES.split(',').map(Number))].sort((a, b) => b - a),
    },
  } satisfies Config);
}

export function loadConfig(): Config {
  return parseConfig(process.env);
}
