/**
 * Bank generators and an independent checker for the assembler's tests. The checker shares no code with
 * verify-form.ts: a test that only trusted verifyForm would let one bug certify another.
 */
import seedrandom from 'seedrandom';
import type { AssembledForm, AssemblyItem, AssemblyRequest, FormItem } from '../../../server/src/modules/assembly/domain/assembly-types.ts';

export type Rng = () => number;

export const OPTIONS = ['A', 'B', 'C', 'D'];

export function item(id: string, kwa: string, extra: Partial<AssemblyItem> = {}): AssemblyItem {
  return { id, version: 1, kwa, status: 'operational', optionIds: OPTIONS, enemyGroupIds: [], ...extra };
}

const pad = (n: number) => String(n).padStart(3, '0');

export interface PlantedSpec {
  seed: number;
  kwas: number;
  /** Scored items per KWA (length kwas). */
  counts: number[];
  /** Extra eligible items per KWA beyond the count. */
  slack: number[];
  pretestCount: number;
  pretestSlack: number;
  groups: number;
  withP: boolean;
}

/**
 * A bank that is feasible by construction: a hidden form is drawn first and every enemy group holds at most one of its
 * items, the rest of the group drawn from any KWA (so groups span KWAs and interlock).
 */
export function plantedBank(spec: PlantedSpec): { req: AssemblyRequest; planted: Set<string> } {
  const rng = seedrandom(`planted-${spec.seed}`);
  const items: AssemblyItem[] = [];
  const planted = new Set<string>();
  const kwaCounts: Record<string, number> = {};
  for (let k = 0; k < spec.kwas; k++) {
    const kwa = `T-${String(k + 1).padStart(2, '0')}`;
    kwaCounts[kwa] = spec.counts[k]!;
    const n = spec.counts[k]! + spec.slack[k]!;
    const ids = Array.from({ length: n }, (_, j) => `T-K${k + 1}-${pad(j)}`);
    for (const id of ids) items.push(item(id, kwa, spec.withP ? { p: Math.round((0.35 + rng() * 0.6) * 1000) / 1000 } : {}));
    for (const id of pick(ids, spec.counts[k]!, rng)) planted.add(id);
  }
  const pretestIds = Array.from({ length: spec.pretestCount + spec.pretestSlack }, (_, j) => `T-P-${pad(j)}`);
  for (const id of pretestIds) items.push(item(id, `T-0${1 + Math.floor(rng() * Math.min(spec.kwas, 9))}`, { status: 'pretest' }));
  for (const id of pick(pretestIds, spec.pretestCount, rng)) planted.add(id);

  const byId = new Map(items.map((it) => [it.id, it]));
  const inPlan = items.filter((it) => planted.has(it.id));
  const outPlan = items.filter((it) => !planted.has(it.id));
  for (let g = 0; g < spec.groups && outPlan.length > 0; g++) {
    const gid = `T-EG-${pad(g)}`;
    const members = new Set<string>();
    if (rng() < 0.75 && inPlan.length) members.add(inPlan[Math.floor(rng() * inPlan.length)]!.id);
    const others = 1 + Math.floor(rng() * 2);
    for (let o = 0; o < others; o++) members.add(outPlan[Math.floor(rng() * outPlan.length)]!.id);
    if (members.size < 2) continue;
    for (const id of members) byId.get(id)!.enemyGroupIds.push(gid);
  }
  const scored = spec.counts.reduce((s, n) => s + n, 0);
  return {
    req: {
      items: items.map((it) => ({ ...it, enemyGroupIds: [...it.enemyGroupIds] })),
      blueprint: { module: 'TST', version: 't1', formLength: scored + spec.pretestCount, pretestCount: spec.pretestCount, kwaCounts },
      seed: `s-${spec.seed}`,
    },
    planted,
  };
}

export function pick<T>(xs: T[], n: number, rng: Rng): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a.slice(0, n);
}

export function shuffled<T>(xs: T[], seed: string): T[] {
  return pick(xs, xs.length, seedrandom(seed));
}

/** The Safety blueprint's shape: 86 items (78 scored + 8 pretest), 10 KWAs, each with `factor` times its count. */
export const SAFETY_COUNTS: Record<string, number> = {
  'SAF-01': 4,
  'SAF-02': 9,
  'SAF-03': 5,
  'SAF-04': 12,
  'SAF-05': 6,
  'SAF-06': 7,
  'SAF-07': 6,
  'SAF-08': 12,
  'SAF-09': 8,
  'SAF-10': 9,
};

export function safetyShapeBank(seed: string, factor = 1.8, pretestItems = 14, groups = 12): AssemblyRequest {
  const rng = seedrandom(seed);
  const items: AssemblyItem[] = [];
  let n = 0;
  for (const [kwa, count] of Object.entries(SAFETY_COUNTS)) {
    const have = Math.ceil(count * factor);
    for (let j = 0; j < have; j++) items.push(item(`SAF-${pad(++n)}`, kwa, { p: Math.round((0.55 + rng() * 0.4) * 1000) / 1000 }));
  }
  for (let j = 0; j < pretestItems; j++) items.push(item(`SAF-${pad(++n)}`, `SAF-${String(1 + (j % 10)).padStart(2, '0')}`, { status: 'pretest' }));
  // Pairs and triples, about a third of them across KWAs, as in the sample banks.
  const ops = items.filter((it) => it.status === 'operational');
  for (let g = 0; g < groups; g++) {
    const a = ops[Math.floor(rng() * ops.length)]!;
    const sameKwa = ops.filter((it) => it.kwa === a.kwa && it.id !== a.id);
    const b = rng() < 0.66 ? sameKwa[Math.floor(rng() * sameKwa.length)]! : ops[Math.floor(rng() * ops.length)]!;
    if (a.id === b.id) continue;
    const gid = `SAF-EG-${String(g + 1).padStart(2, '0')}`;
    a.enemyGroupIds.push(gid);
    b.enemyGroupIds.push(gid);
  }
  return {
    items,
    blueprint: { module: 'SAF', version: '2026.1', formLength: 86, pretestCount: 8, kwaCounts: { ...SAFETY_COUNTS } },
    seed: 'safety',
  };
}

/** Every hard constraint, checked from scratch. Returns the violations (empty = fine). */
export function hardViolations(form: Pick<AssembledForm, 'items'>, req: AssemblyRequest): string[] {
  const v: string[] = [];
  const bp = req.blueprint;
  const items: FormItem[] = form.items;
  const pool = new Map(req.items.map((it) => [it.id, it]));
  if (items.length !== bp.formLength) v.push(`length ${items.length} != ${bp.formLength}`);
  const scored = items.filter((f) => f.role === 'scored');
  const pretest = items.filter((f) => f.role === 'pretest');
  if (pretest.length !== bp.pretestCount) v.push(`pretest ${pretest.length} != ${bp.pretestCount}`);
  for (const [kwa, n] of Object.entries(bp.kwaCounts)) {
    const got = scored.filter((f) => f.kwa === kwa).length;
    if (got !== n) v.push(`${kwa}: ${got} != ${n}`);
  }
  for (const f of scored) if (!(f.kwa in bp.kwaCounts)) v.push(`${f.itemId} scored in unknown KWA ${f.kwa}`);
  const ids = items.map((f) => f.itemId);
  if (new Set(ids).size !== ids.length) v.push('duplicate item');
  for (const f of items) {
    const it = pool.get(f.itemId);
    if (!it) {
      v.push(`${f.itemId} not in pool`);
      continue;
    }
    if (it.kwa !== f.kwa || it.version !== f.version) v.push(`${f.itemId} kwa/version mismatch`);
    if (f.role === 'scored' && it.status !== 'operational') v.push(`${f.itemId} scored but ${it.status}`);
    if (f.role === 'pretest' && it.status !== 'pretest') v.push(`${f.itemId} pretest slot but ${it.status}`);
    if ([...f.optionOrder].sort().join() !== [...it.optionIds].sort().join() || f.optionOrder.length !== it.optionIds.length) v.push(`${f.itemId} option order`);
  }
  const groupUse = new Map<string, number>();
  for (const f of items) for (const g of new Set(pool.get(f.itemId)?.enemyGroupIds ?? [])) groupUse.set(g, (groupUse.get(g) ?? 0) + 1);
  for (const [g, n] of groupUse) if (n > 1) v.push(`enemy group ${g} used ${n} times`);
  if (req.previouslySeen) {
    const seen = new Set(req.previouslySeen);
    const again = ids.filter((id) => seen.has(id)).length;
    if (again > (req.maxOverlapWithSeen ?? 0)) v.push(`retaker overlap ${again}`);
  }
  if (bp.pretestCount > 0) {
    if (items[0]?.role === 'pretest' || items[items.length - 1]?.role === 'pretest') v.push('pretest at an end');
    // Spread: no half of the form holds more than ceil(P/2) + 1 pretest items.
    const half = Math.floor(items.length / 2);
    const firstHalf = items.slice(0, half).filter((f) => f.role === 'pretest').length;
    const limit = Math.ceil(bp.pretestCount / 2) + 1;
    if (firstHalf > limit || bp.pretestCount - firstHalf > limit) v.push(`pretest bunched: ${firstHalf} of ${bp.pretestCount} in the first half`);
  }
  return v;
}
