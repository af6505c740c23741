// Content hashes of the build's inputs, and the manifest that records what dist/ was built from. Shared by
// scripts/build.mjs, scripts/start.mjs and bin/cpt-exam.js; it imports nothing outside Node, so it runs without
// dev dependencies.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..');
export const DIST = path.join(ROOT, 'dist');
export const MANIFEST = path.join(DIST, 'build-manifest.json');

const COMMON = ['shared', 'package.json', 'package-lock.json', 'scripts/build.mjs', 'scripts/build-manifest.mjs'];
/** What each part of dist/ is built from, and the file that proves the part exists. */
export const PARTS = {
  server: { inputs: ['server/src', ...COMMON], output: 'dist/server/main.js' },
  client: { inputs: ['client', 'vite.config.ts', ...COMMON], output: 'dist/client/index.html' },
};

function files(rel) {
  const abs = path.join(ROOT, rel);
  if (!existsSync(abs)) return [];
  if (!statSync(abs).isDirectory()) return [rel];
  return readdirSync(abs, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((d) => files(path.join(rel, d.name)));
}

/** sha256 over every input file's path and bytes; null when the sources are absent (an image holds only dist/). */
export function hashPart(part) {
  const list = PARTS[part].inputs.flatMap(files);
  if (!list.some((f) => f.startsWith('server/') || f.startsWith('client/'))) return null;
  const h = createHash('sha256');
  for (const f of list) h.update(f).update('\0').update(readFileSync(path.join(ROOT, f))).update('\0');
  return h.digest('hex');
}

export function readManifest() {
  try {
    return JSON.parse(readFileSync(MANIFEST, 'utf8'));
  } catch {
    return {};
  }
}

export function writeManifest(manifest) {
  writeFileSync(MANIFEST, `${JSON.stringify(manifest, null, 2)}\n`);
}

/** True when dist/ holds this part built from the current sources (or when there are no sources to compare). */
export function isFresh(part, manifest = readManifest()) {
  if (!existsSync(path.join(ROOT, PARTS[part].output))) return false;
  const hash = hashPart(part);
  return hash === null || manifest[part] === hash;
}
