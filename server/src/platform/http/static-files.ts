/**
 * How the built web client is served: the precompressed .br/.gz files that `npm run build` writes beside each asset
 * (chosen by Accept-Encoding), content-hashed files under /assets/ cached for a year as immutable, and everything
 * else (index.html, the app shell for client routes) revalidated on every load so a deploy is picked up at once.
 */
import type { FastifyStaticOptions } from '@fastify/static';

export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const REVALIDATE = 'no-cache';

export function cacheControlFor(filePath: string): string {
  return /[\\/]assets[\\/][^\\/]+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+(\.br|\.gz)?$/.test(filePath) ? IMMUTABLE : REVALIDATE;
}

export function staticOptions(root: string): FastifyStaticOptions {
  return {
    root,
    wildcard: false,
    preCompressed: true,
    cacheControl: false,
    setHeaders(reply, filePath) {
      reply.header('cache-control', cacheControlFor(filePath));
    },
  };
}
