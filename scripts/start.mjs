#!/usr/bin/env node
// `npm start`: build what is missing or stale (by content hash, see scripts/build.mjs), then run the compiled server
// in this same process (no second Node start-up). Production images run `node dist/server/main.js` directly.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIST, isFresh } from './build-manifest.mjs';

if (!isFresh('server') || !isFresh('client')) {
  // esbuild and Vite are dev dependencies: only loaded when something has to be built.
  const { buildStale } = await import('./build.mjs');
  await buildStale();
}
await import(pathToFileURL(path.join(DIST, 'server', 'main.js')).href);
