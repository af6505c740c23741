/**
 * Browser and transport protections on every response and request (docs/security.md, "Browser protections"):
 * security headers with a strict Content-Security-Policy (helmet), no caching of API answers, refusal of cross-origin
 * state changes and websocket upgrades (CSRF), /docs behind a staff sign-in in production, and no client source maps
 * served in production. Platform code: it knows the public origin and the environment, nothing of modules.
 */
import fastifyHelmet from '@fastify/helmet';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, forbidden } from '../errors.ts';
import { isStaff } from '../authz.ts';

export interface HttpSecurityOptions {
  env: 'development' | 'production' | 'test';
  /** The app's own origin (PUBLIC_URL); state-changing requests from any other origin are refused. */
  publicUrl: string;
}

/** The SPA's policy: only its own scripts, styles and connections; no plugins, no framing, no <base> rewriting. */
export function contentSecurityPolicy(production: boolean): Record<string, string[] | null> {
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'style-src': ["'self'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'font-src': ["'self'"],
    'connect-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'frame-ancestors': ["'none'"],
    'form-action': ["'self'"],
    'script-src-attr': ["'none'"],
    'upgrade-insecure-requests': production ? [] : null,
  };
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Whether a request's Origin may change state here: the public origin always; outside production also any loopback
 * origin (the Vite dev server, a browser test on another port). A request without Origin (curl, API clients with a
 * Bearer token) carries no ambient browser credential a third-party page could have triggered, so it is not refused
 * here; browsers send Origin on every POST and websocket upgrade.
 */
export function originAllowed(origin: string, publicUrl: string, production: boolean): boolean {
  if (origin === 'null') return false;
  let o: URL;
  try {
    o = new URL(origin);
  } catch {
    return false;
  }
  if (o.origin === new URL(publicUrl).origin) return true;
  return !production && LOOPBACK.has(o.hostname);
}

function isUpgrade(req: FastifyRequest): boolean {
  return req.headers.upgrade?.toLowerCase() === 'websocket';
}

export async function registerHttpSecurity(app: FastifyInstance, opts: HttpSecurityOptions): Promise<void> {
  const production = opts.env === 'production';
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicy(production) },
    // HSTS only where the deployment is HTTPS by contract (production); a dev server on http:// must not pin it.
    strictTransportSecurity: production ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginEmbedderPolicy: false,
    // The public verification pages and badge images are linked from elsewhere; keep resources loadable cross-site.
    crossOriginResourcePolicy: { policy: 'same-site' },
  });

  app.addHook('onRequest', async (req, reply) => {
    const url = req.url;
    // CSRF: a cross-origin page may not change state or open a socket with the visitor's cookie.
    if (UNSAFE_METHODS.has(req.method) || isUpgrade(req)) {
      const origin = req.headers.origin;
      if (origin !== undefined && !originAllowed(origin, opts.publicUrl, production)) {
        throw new AppError('FORBIDDEN', `Requests from ${origin} may not change anything here; use the app at ${new URL(opts.publicUrl).origin}`, { details: { origin } });
      }
      const site = req.headers['sec-fetch-site'];
      if (origin === undefined && (site === 'cross-site' || site === 'same-site')) throw forbidden('Cross-site requests may not change anything here');
    }
    if (url.startsWith('/api/')) {
      // Personal data and items must not stay in a shared test-center PC's cache or a proxy.
      reply.header('cache-control', 'no-store');
      reply.header('pragma', 'no-cache');
    }
    if (production && url.startsWith('/docs')) {
      if (!req.actor) throw new AppError('UNAUTHENTICATED', 'Sign in as staff to read the API documentation');
      if (!isStaff(req.actor.role)) throw forbidden('The API documentation is for staff');
    }
    if (production && /\.map(\?|$)/.test(url)) {
      return reply.status(404).send({ code: 'NOT_FOUND', message: `No route ${req.method} ${url}`, requestId: req.id });
    }
  });

  // Anonymous callers get a small body: runs after every onRequest hook (sign-in, API keys), before the body is read.
  app.addHook('preParsing', async (req) => {
    if (req.actor || (req as { employer?: unknown }).employer) return;
    const length = req.headers['content-length'];
    if (length === undefined) {
      if (req.headers['transfer-encoding']) throw new AppError('VALIDATION_FAILED', 'Send a Content-Length with the request body (anonymous requests cannot stream one)');
      return;
    }
    if (Number(length) > ANONYMOUS_BODY_LIMIT) {
      throw new AppError('VALIDATION_FAILED', `The request body is ${length} bytes; requests before sign-in may carry at most ${ANONYMOUS_BODY_LIMIT} bytes`, { details: { limit: ANONYMOUS_BODY_LIMIT } });
    }
  });
}

/** Largest body accepted before sign-in (a login, a launch code, a second-factor code all fit many times over). */
export const ANONYMOUS_BODY_LIMIT = 16 * 1024;
