/**
 * The layer rules of docs/architecture.md, checked on every import. `npm run lint` runs it after the type check.
 * (ESLint's TypeScript parser needs TypeScript's compiler API, which TypeScript 7 no longer has; see
 * docs/decisions/0001-stack-and-lint.md. The rules are simple enough to check directly.)
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';

const ROOT = path.resolve(process.argv[2] ?? path.join(import.meta.dirname, '..'));
const SCAN = ['server/src', 'shared', 'client/src'];
const violations: string[] = [];
/** Libraries with no I/O, clock or randomness of their own, allowed in domain code (zip and XML parsing for QTI). */
const PURE_LIBRARIES = ['zod', 'seedrandom', 'fflate', 'saxes'];
const NODE_BUILTINS = new Set(builtinModules);

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) walk(full, out);
    else if (/\.(ts|tsx)$/.test(name)) out.push(full);
  }
  return out;
}

const files = SCAN.filter((d) => { try { return statSync(path.join(ROOT, d)).isDirectory(); } catch { return false; } }).flatMap((d) => walk(path.join(ROOT, d)));
const rel = (f: string) => path.relative(ROOT, f).split(path.sep).join('/');
const importRe = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g;

const graph = new Map<string, string[]>();

for (const file of files) {
  const r = rel(file);
  const source = readFileSync(file, 'utf8');
  const base = path.basename(file).replace(/\.(ts|tsx)$/, '');
  if (!/^[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+(-[a-z0-9]+)*)*$/.test(base)) violations.push(`${r}: file names are kebab-case`);

  const specs: string[] = [];
  for (const m of source.matchAll(importRe)) specs.push((m[1] ?? m[2] ?? m[3])!);
  const edges: string[] = [];
  for (const spec of specs) {
    const target = spec.startsWith('.') ? rel(path.resolve(path.dirname(file), spec)) : null;
    if (target) edges.push(target);
    const fail = (why: string) => violations.push(`${r}: imports ${spec} — ${why}`);

    if (r.startsWith('shared/')) {
      if (!(spec === 'zod' || (target && target.startsWith('shared/')))) fail('shared/ imports only zod and shared/');
    }
    if (r.startsWith('client/')) {
      if (target?.startsWith('server/')) fail('the client never imports server code');
      if (spec.startsWith('node:') || NODE_BUILTINS.has(spec)) fail('the client runs in a browser: no Node built-ins');
      const feature = (p: string) => /^client\/src\/features\/([^/]+)\//.exec(p)?.[1];
      const from = feature(r);
      const to = target ? feature(target) : undefined;
      if (from && to && from !== to) fail('a client feature never imports another feature (share through lib/, components/ or shared/)');
    }
    if (!r.startsWith('server/src/')) continue;

    const isDomain = /\/domain\//.test(r);
    const isTransport = /\.(routes|socket)\.ts$/.test(r);
    const isRepository = /\.repository\.ts$/.test(r) || r.startsWith('server/src/db/');
    const moduleOf = (p: string) => /^server\/src\/modules\/([^/]+)\//.exec(p)?.[1];

    if (isDomain) {
      const ok = target && (target.startsWith('shared/') || /^server\/src\/modules\/[^/]+\/domain\//.test(target));
      if (!ok && !PURE_LIBRARIES.includes(spec)) fail(`domain code is pure: it imports only shared/, domain code and ${PURE_LIBRARIES.join(', ')}`);
    }
    if (isTransport && target && (/\.repository\.ts$/.test(target) || target.startsWith('server/src/db/'))) fail('routes and sockets call services, never repositories or the database');
    if (!isRepository && (spec.startsWith('drizzle-orm') || spec === 'pg' || spec.startsWith('@electric-sql/pglite') || target?.startsWith('server/src/db/schema'))) {
      fail('only repositories and server/src/db touch the database');
    }
    if (r.startsWith('server/src/platform/') && target && moduleOf(target)) fail('platform/ depends on no module');
    if (/\.service\.ts$/.test(r) && target?.startsWith('server/src/platform/http/')) fail('services know no transport: authorization helpers are in platform/authz.ts');
    const from = moduleOf(r);
    const to = target ? moduleOf(target) : undefined;
    if (from && to && from !== to && target && !/\.service\.ts$/.test(target) && !/\/domain\//.test(target)) {
      fail(`a module uses another module only through its service (or its pure domain types)`);
    }
  }
  if (/\/domain\//.test(r)) {
    const code = source.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    for (const [re, what] of [
      [/Date\.now\(/, 'Date.now()'],
      [/new Date\(\)/, 'new Date() without arguments'],
      [/Math\.random\(/, 'Math.random()'],
      [/\bprocess\./, 'process'],
    ] as const) {
      if (re.test(code)) violations.push(`${r}: uses ${what} — domain code takes time and randomness as arguments`);
    }
  }
  graph.set(r, edges);
}

// Tables: the module whose repository writes a table owns it; any other module's repository that uses the table
// declares it in its read model (`export const readModel = { reads: [...] }`), so cross-module reads are never silent.
// A write into another module's table is a debt, allowed only when declared too (`writes: [...]`, with its reason).
const TABLE_USE_RE = /import\s*\{([^}]*)\}\s*from\s*['"][^'"]*db\/schema\/index\.ts['"]/;
const WRITE_RE = /\.(?:insert|update|delete)\(\s*([A-Za-z_$][\w$]*)\s*\)/g;
// Hand-written SQL writes too (fixed statements on the hot path, db/fixed-statement.ts): `insert into t` / `update t` /
// `delete from t`, the snake_case table name read as its schema export; words that are no imported table drop out.
const SQL_WRITE_RE = /\b(?:insert\s+into|update|delete\s+from)\s+([a-z][a-z0-9_]*)\b/g;
const camel = (snake: string) => snake.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const READ_MODEL_RE = /export const readModel = \{\s*reads:\s*\[([^\]]*)\]\s*,?\s*(?:writes:\s*\[([^\]]*)\]\s*,?\s*)?\}/;
const names = (list: string) => list.split(',').map((n) => n.replace(/['"\s]/g, '').replace(/^type/, '')).filter(Boolean);
const repositories = files
  .map((f) => ({ file: rel(f), source: readFileSync(f, 'utf8') }))
  .filter((f) => /^server\/src\/modules\/[^/]+\/[^/]+\.repository\.ts$/.test(f.file))
  .map((f) => {
    const declared = READ_MODEL_RE.exec(f.source);
    const uses = names(TABLE_USE_RE.exec(f.source)?.[1] ?? '');
    return {
      ...f,
      module: /^server\/src\/modules\/([^/]+)\//.exec(f.file)![1]!,
      uses,
      writes: [...new Set([...[...f.source.matchAll(WRITE_RE)].map((m) => m[1]!), ...[...f.source.matchAll(SQL_WRITE_RE)].map((m) => camel(m[1]!))].filter((w) => uses.includes(w)))],
      reads: declared ? names(declared[1]!) : [],
      foreignWrites: declared?.[2] ? names(declared[2]) : [],
    };
  });
const owner = new Map<string, string>();
for (const repo of repositories) {
  for (const table of repo.writes.filter((w) => !repo.foreignWrites.includes(w))) {
    const other = owner.get(table);
    if (other && other !== repo.module) violations.push(`${repo.file}: writes ${table}, which the ${other} module writes too — a table has one owner; ask it through its service (or declare the write in readModel.writes)`);
    else owner.set(table, repo.module);
  }
}
for (const repo of repositories) {
  const foreign = repo.uses.filter((t) => owner.has(t) && owner.get(t) !== repo.module);
  for (const t of foreign) if (!repo.reads.includes(t) && !repo.foreignWrites.includes(t)) violations.push(`${repo.file}: reads ${t} (owned by ${owner.get(t)}) without declaring it — add it to \`export const readModel = { reads: [...] }\``);
  for (const t of repo.reads) if (!foreign.includes(t)) violations.push(`${repo.file}: its read model names ${t}, which it does not use or owns — keep the declaration true`);
  for (const t of repo.foreignWrites) if (!repo.writes.includes(t) || owner.get(t) === repo.module || !owner.has(t)) violations.push(`${repo.file}: its read model declares a write to ${t}, which is not another module's table it writes — keep the declaration true`);
}

// Import cycles among our own files.
const state = new Map<string, 'active' | 'done'>();
const stack: string[] = [];
function visit(node: string) {
  state.set(node, 'active');
  stack.push(node);
  for (const next of graph.get(node) ?? []) {
    if (!graph.has(next)) continue;
    if (state.get(next) === 'active') violations.push(`import cycle: ${[...stack.slice(stack.indexOf(next)), next].join(' -> ')}`);
    else if (!state.has(next)) visit(next);
  }
  stack.pop();
  state.set(node, 'done');
}
for (const node of graph.keys()) if (!state.has(node)) visit(node);

if (violations.length) {
  console.error(violations.join('\n'));
  console.error(`\n${violations.length} architecture violation${violations.length === 1 ? '' : 's'}`);
  process.exit(1);
}
console.log(`architecture: ${files.length} files, layer rules and no cycles: ok`);
