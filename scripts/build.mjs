#!/usr/bin/env node
// `npm run build`: the server bundled by esbuild into dist/server (main.js, cli.js; docs/decisions/0005), the web
// client built by Vite into dist/client and precompressed (brotli, gzip). Builds only the parts whose inputs changed
// since the last build (content hashes in dist/build-manifest.json); `--force` rebuilds both.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { DIST, hashPart, isFresh, readManifest, ROOT, writeManifest } from './build-manifest.mjs';

/** Bundles our code only; packages stay in node_modules (PGlite finds its wasm files next to itself). */
export async function buildServer() {
  const { build } = await import('esbuild');
  const outdir = path.join(DIST, 'server');
  rmSync(outdir, { recursive: true, force: true });
  // Code that finds files relative to its own source (migrations, fonts, badge art) keeps doing so from the bundle:
  // import.meta.url becomes the URL its source file would have, relative to the bundle's location (so no code
  // splitting: every bundle sits directly in dist/server).
  const sourceUrls = {
    name: 'source-relative-import-meta-url',
    setup(b) {
      b.onLoad({ filter: /[\\/](server|shared)[\\/].*\.ts$/ }, (args) => {
        const text = readFileSync(args.path, 'utf8');
        if (!text.includes('import.meta.url')) return undefined;
        const rel = path.relative(outdir, args.path).split(path.sep).join('/');
        return { contents: text.replaceAll('import.meta.url', `new URL(${JSON.stringify(rel)}, import.meta.url).href`), loader: 'ts' };
      });
    },
  };
  await build({
    absWorkingDir: ROOT,
    entryPoints: { main: 'server/src/main.ts', cli: 'server/src/cli/main.ts' },
    outdir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20.19',
    packages: 'external',
    keepNames: true,
    legalComments: 'none',
    logLevel: 'warning',
    plugins: [sourceUrls],
  });
}

const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|txt|xml|webmanifest|map)$/;

/** Writes name.br and name.gz beside every compressible file of 1 KiB or more (served by @fastify/static). */
export function precompress(dir) {
  let count = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) count += precompress(file);
    else if (COMPRESSIBLE.test(entry.name) && statSync(file).size >= 1024) {
      const bytes = readFileSync(file);
      writeFileSync(`${file}.br`, brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }));
      writeFileSync(`${file}.gz`, gzipSync(bytes, { level: 9 }));
      count++;
    }
  }
  return count;
}

export function buildClient() {
  const vite = path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  const r = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`vite build failed (exit ${r.status})`);
  precompress(path.join(DIST, 'client'));
}

/** Builds the stale parts (all with force); returns the names of the parts it built. */
export async function buildStale({ force = false, parts = ['server', 'client'], log = console.log } = {}) {
  mkdirSync(DIST, { recursive: true });
  const manifest = readManifest();
  const built = [];
  for (const [part, run] of [['server', buildServer], ['client', buildClient]]) {
    if (!parts.includes(part) || (!force && isFresh(part, manifest))) continue;
    const started = Date.now();
    log(`building ${part}…`);
    await run();
    manifest[part] = hashPart(part);
    writeManifest(manifest);
    log(`built ${part} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    built.push(part);
  }
  return built;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const built = await buildStale({ force: process.argv.includes('--force') });
  if (built.length === 0) console.log('dist/ is up to date');
}
