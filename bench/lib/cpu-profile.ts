/**
 * Summarizes the samples of a V8 .cpuprofile (node --cpu-prof) that fall in a time window: self time by package or
 * source area and by function, inclusive time of product functions, and how busy the main thread was. Sample times
 * are V8 TimeTicks, which on Linux are CLOCK_MONOTONIC in µs: the same clock as process.hrtime in a bench process, so
 * a bench can cut out its load phase. Used by bench/proctoring/run.ts and bench/sessions/profile-summary.ts (the CLI).
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

function area(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native/builtin)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1]!;
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const src = /\/(server\/src\/[^/]+(?:\/[^/]+)?|shared\/[^/]+)/.exec(url);
  return src ? src[1]! : url.split('/').slice(-2).join('/');
}

/**
 * `fromUs`/`toUs` are monotonic µs (as process.hrtime); with `relative`, µs since the profile started.
 */
export function summarizeProfileWindow(file: string, fromUs: number, toUs: number, top = 25, relative = false) {
  const prof = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  if (relative) {
    fromUs += prof.startTime;
    toUs += prof.startTime;
  }
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  let t = prof.startTime;
  let idleUs = 0;
  prof.samples.forEach((id, i) => {
    const d = prof.timeDeltas[i] ?? 0;
    t += d;
    if (t < fromUs || t > toUs) return;
    if (byId.get(id)?.callFrame.functionName === '(idle)') idleUs += d;
    self.set(id, (self.get(id) ?? 0) + d);
  });
  const totalUs = [...self.values()].reduce((a, b) => a + b, 0);
  const pct = (us: number) => Math.round((1000 * us) / Math.max(1, totalUs)) / 10;
  const areas = new Map<string, number>();
  const fns = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    const a = area(n.callFrame.url, n.callFrame.functionName);
    areas.set(a, (areas.get(a) ?? 0) + us);
    const f = `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url ? `${n.callFrame.url.replace(/^.*?(node_modules\/|server\/src\/|shared\/)/, '$1')}:${n.callFrame.lineNumber + 1}` : ''}`;
    fns.set(f, (fns.get(f) ?? 0) + us);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const c = byId.get(cur)!;
      if (!/server\/src\/|shared\//.test(c.callFrame.url) || !c.callFrame.functionName) continue;
      const key = `${c.callFrame.functionName} (${c.callFrame.url.replace(/^.*?(server\/src\/|shared\/)/, '$1')})`;
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + us);
    }
  }
  const sorted = (m: Map<string, number>) => [...m].sort((x, y) => y[1] - x[1]).slice(0, top).map(([k, us]) => [k, pct(us)] as [string, number]);
  return {
    file,
    profileWallS: Math.round((prof.endTime - prof.startTime) / 1e5) / 10,
    windowS: Math.round((Math.min(toUs, prof.endTime) - Math.max(fromUs, prof.startTime)) / 1e5) / 10,
    sampledS: Math.round(totalUs / 1e5) / 10,
    /** Share of the window the server's main thread was busy (not idle): its event-loop utilisation. */
    busyPercent: Math.round((1000 * (totalUs - idleUs)) / Math.max(1, totalUs)) / 10,
    selfByArea: sorted(areas),
    selfByFunction: sorted(fns),
    inclusive: sorted(inclusive),
  };
}
