#!/usr/bin/env node
// The cpt-exam command. Runs the compiled CLI (dist/server/cli.js) when it was built from the current sources (or
// when there are no sources, as in the production image); otherwise the TypeScript sources through tsx, so a
// developer's edit is never shadowed by an old build.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIST, isFresh } from '../scripts/build-manifest.mjs';

if (isFresh('server')) {
  await import(pathToFileURL(path.join(DIST, 'server', 'cli.js')).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../server/src/cli/main.ts');
}
