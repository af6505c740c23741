/**
 * Summarizes a V8 .cpuprofile (node --cpu-prof, written by `run.ts --server-cpu-prof`): self time by package or
 * source area and by function, plus inclusive time of chosen product functions.
 *   node --import tsx bench/sessions/profile-summary.ts <file.cpuprofile> [--top 30]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  // --from-s/--to-s: only samples in this window, seconds since the profile started (run.ts records each phase's
  // offset from the server's spawn in parameters.phaseOffsetsS; the profile starts within a second of the spawn).
  options: { top: { type: 'string', default: '30' }, 'from-s': { type: 'string', default: '0' }, 'to-s': { type: 'string', default: '1e9' } },
});
const file = positionals[0];
if (!file) throw new Error('usage: profile-summary.ts <file.cpuprofile>');
const prof = JSON.parse(readFileSync(file, 'utf8')) as Profile;

const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const self = new Map<number, number>();
const from = Number(values['from-s']) * 1e6;
const to = Number(values['to-s']) * 1e6;
let at = 0;
prof.samples.forEach((id, i) => {
  at += prof.timeDeltas[i] ?? 0;
  if (at >= from && at <= to) self.set(id, (self.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0));
});
const totalUs = [...self.values()].reduce((a, b) => a + b, 0);

function area(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native/builtin)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1]!;
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const src = /\/(server\/src\/[^/]+(?:\/[^/]+)?|shared\/[^/]+)/.exec(url);
  return src ? src[1]! : url.split('/').slice(-2).join('/');
}

const areas = new Map<string, number>();
const fns = new Map<string, number>();
for (const [id, us] of self) {
  const n = byId.get(id)!;
  const a = area(n.callFrame.url, n.callFrame.functionName);
  areas.set(a, (areas.get(a) ?? 0) + us);
  const f = `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url ? `${n.callFrame.url.replace(/^.*?(node_modules\/|server\/src\/|shared\/)/, '$1')}:${n.callFrame.lineNumber + 1}` : ''}`;
  fns.set(f, (fns.get(f) ?? 0) + us);
}

/** Inclusive time of product functions: samples whose stack contains a frame with this name in server/src. */
const inclusive = new Map<string, number>();
for (const [id, us] of self) {
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const n = byId.get(cur)!;
    if (!/server\/src\/|shared\//.test(n.callFrame.url) || !n.callFrame.functionName) continue;
    const key = `${n.callFrame.functionName} (${n.callFrame.url.replace(/^.*?(server\/src\/|shared\/)/, '$1')})`;
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + us);
  }
}

const pct = (us: number) => `${((100 * us) / totalUs).toFixed(1).padStart(5)}%`;
const top = Number(values.top);
const wall = (prof.endTime - prof.startTime) / 1e6;
const idleUs = [...self].filter(([id]) => byId.get(id)!.callFrame.functionName === '(idle)').reduce((a, [, us]) => a + us, 0);
console.log(`${file}\nprofile ${wall.toFixed(1)} s wall; window ${values['from-s']}..${values['to-s']} s: ${(totalUs / 1e6).toFixed(1)} s sampled, ${((totalUs - idleUs) / 1e6).toFixed(1)} s not idle\n`);
console.log('self time by area');
for (const [a, us] of [...areas].sort((x, y) => y[1] - x[1]).slice(0, top)) console.log(`  ${pct(us)}  ${(us / 1e6).toFixed(2).padStart(7)} s  ${a}`);
console.log('\nself time by function');
for (const [f, us] of [...fns].sort((x, y) => y[1] - x[1]).slice(0, top)) console.log(`  ${pct(us)}  ${f}`);
console.log('\ninclusive time of product functions');
for (const [f, us] of [...inclusive].sort((x, y) => y[1] - x[1]).slice(0, top)) console.log(`  ${pct(us)}  ${f}`);
