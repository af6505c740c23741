/**
 * Turns a request into the search problem: a canonical bank (sorted by id, so the caller's order never matters), the
 * slots to fill ("buckets": one per KWA with scored items, one for the pretest slots), the enemy groups and the budget
 * sets (previously seen items, items of other parallel forms) as index lists, and a seeded priority per item.
 */
import seedrandom from 'seedrandom';
import type { AssemblyBlueprint, AssemblyItem, AssemblyRequest, Infeasibility } from './assembly-types.ts';

export type Rng = () => number;

/** Independent random streams per purpose, so changing how one stage draws never shifts another stage's numbers. */
export function stream(seed: string, purpose: string): Rng {
  return seedrandom(`${seed}\u001f${purpose}`);
}

export interface ExcludedItem {
  id: string;
  kwa: string;
  reason: 'retired' | 'draft';
}

export interface NormalizedBank {
  blueprint: AssemblyBlueprint;
  /** KWAs with at least one scored slot, sorted. */
  scoredKwas: string[];
  /** Operational and pretest items, sorted by id, one version each, enemy group ids sorted. */
  items: AssemblyItem[];
  excluded: ExcludedItem[];
  notes: string[];
}

const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function blueprintProblems(bp: AssemblyBlueprint): string[] {
  const out: string[] = [];
  const isCount = (n: number) => Number.isInteger(n) && n >= 0;
  if (!isCount(bp.formLength) || bp.formLength < 1) out.push(`The blueprint's form length must be a positive whole number, not ${bp.formLength}.`);
  if (!isCount(bp.pretestCount)) out.push(`The blueprint's pretest count must be a whole number, not ${bp.pretestCount}.`);
  for (const [kwa, n] of Object.entries(bp.kwaCounts).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!isCount(n)) out.push(`The blueprint asks for ${n} items in KWA ${kwa}; counts must be whole numbers.`);
  }
  if (out.length) return out;
  const scored = Object.values(bp.kwaCounts).reduce((s, n) => s + n, 0);
  if (scored !== bp.formLength - bp.pretestCount) {
    out.push(
      `The blueprint's KWA counts add up to ${scored} scored items, but form length ${bp.formLength} - pretest count ${bp.pretestCount} = ${bp.formLength - bp.pretestCount}.`,
    );
  }
  if (bp.pretestCount > 0 && bp.formLength - 2 < bp.pretestCount) {
    out.push(`A form of ${bp.formLength} items cannot hide ${bp.pretestCount} pretest items away from the first and last positions.`);
  }
  return out;
}

export function invalidRequest(problems: string[]): { ok: false; infeasibility: Infeasibility } {
  return { ok: false, infeasibility: { message: `The assembly request is not valid: ${problems[0]}`, shortages: [], details: problems } };
}

export function normalizeRequest(req: AssemblyRequest): { ok: true; bank: NormalizedBank } | { ok: false; infeasibility: Infeasibility } {
  const bp = req.blueprint;
  const problems = blueprintProblems(bp);
  if (req.maxOverlapWithSeen !== undefined && !(req.maxOverlapWithSeen >= 0)) {
    problems.push(`maxOverlapWithSeen must be 0 or more, not ${req.maxOverlapWithSeen}.`);
  }
  const maxRate = req.exposure?.maxRate;
  if (maxRate !== undefined && !(maxRate > 0 && maxRate <= 1)) problems.push(`The exposure cap must be a share between 0 and 1, not ${maxRate}.`);
  if (req.difficultyTarget && !(req.difficultyTarget.min <= req.difficultyTarget.max)) {
    problems.push(`The difficulty band ${req.difficultyTarget.min}..${req.difficultyTarget.max} is empty.`);
  }
  const m = req.measurement;
  if (m && !Number.isFinite(m.thetaCut)) problems.push(`The ability cut must be a number of logits, not ${m.thetaCut}.`);
  if (m?.targetInformation !== undefined && !(m.targetInformation >= 0 && Number.isFinite(m.targetInformation))) {
    problems.push(`The target information must be 0 or more, not ${m.targetInformation}.`);
  }
  if (m?.informationShare !== undefined && !(m.informationShare >= 0 && m.informationShare <= 1)) problems.push(`The information share must be between 0 and 1, not ${m.informationShare}.`);
  if (m?.randomesqueK !== undefined && !(m.randomesqueK >= 1)) problems.push(`The randomesque width must be at least 1, not ${m.randomesqueK}.`);
  if (problems.length) return invalidRequest(problems);

  const notes: string[] = [];
  const excluded: ExcludedItem[] = (req.excluded ?? []).map((e) => ({ id: e.id, kwa: e.kwa, reason: e.reason }));
  let eligible: AssemblyItem[] = [];
  for (const item of req.items) {
    // The type says operational | pretest; a caller that widens it must not get a draft or retired item onto a form.
    const status = item.status as string;
    if (status === 'operational' || status === 'pretest') eligible.push(item);
    else excluded.push({ id: item.id, kwa: item.kwa, reason: status === 'retired' ? 'retired' : 'draft' });
  }
  // Callers usually pass the bank sorted (ORDER BY id); checking is cheaper than sorting again.
  if (!eligible.every((it, i) => i === 0 || eligible[i - 1]!.id <= it.id)) eligible = eligible.sort((a, b) => byId(a, b) || a.version - b.version);
  // Input objects are reused (nothing here mutates them); only unsorted or repeated enemy group ids get a copy.
  const canonicalGroups = (g: string[]) => g.every((x, i) => i === 0 || g[i - 1]! < x);
  const items: AssemblyItem[] = [];
  for (const it of eligible) {
    const prev = items[items.length - 1];
    const item = canonicalGroups(it.enemyGroupIds) ? it : { ...it, enemyGroupIds: [...new Set(it.enemyGroupIds)].sort() };
    if (prev?.id !== it.id) {
      items.push(item);
      continue;
    }
    if (prev.version !== it.version) notes.push(`Item ${it.id} was passed in two versions; version ${Math.max(prev.version, it.version)} was used.`);
    if (it.version > prev.version) items[items.length - 1] = item;
  }
  excluded.sort((a, b) => byId(a, b) || (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0));
  const scoredKwas = Object.keys(bp.kwaCounts)
    .filter((k) => (bp.kwaCounts[k] ?? 0) > 0)
    .sort();
  return { ok: true, bank: { blueprint: bp, scoredKwas, items, excluded, notes: notes.sort() } };
}

export interface ExposurePolicy {
  rate: (id: string) => number;
  /** Ids over the cap (empty without a cap). */
  capped: Set<string>;
  maxRate: number | null;
  relax: boolean;
}

export function exposurePolicy(req: Pick<AssemblyRequest, 'exposure'>, bank: NormalizedBank): ExposurePolicy {
  const ex = req.exposure;
  const forms = ex && ex.forms > 0 ? ex.forms : 0;
  const rate = (id: string) => (forms > 0 ? Math.min(1, Math.max(0, (ex?.counts[id] ?? 0) / forms)) : 0);
  const capped = new Set<string>();
  const maxRate = ex?.maxRate ?? null;
  if (maxRate !== null && forms > 0) for (const it of bank.items) if (rate(it.id) >= maxRate) capped.add(it.id);
  return { rate, capped, maxRate, relax: ex?.relaxCap !== false };
}

/** Half the spread of the seeded numbers: grouped items usually, not always, come first. */
const GROUPED_BONUS = 0.5;

/** Packed sort keys: priority (below 256) x 2^24 x 2^20 + index stays below 2^53, exact in a double. */
const MAX_PRIORITY = 255.999;
const PRIORITY_SCALE = 2 ** 24;
const INDEX_SPAN = 2 ** 20;

/** Shared empty list: most items are in no enemy group and no budget set, so they get no array of their own. */
const NONE = Object.freeze([]) as unknown as number[];

export interface PoolItem {
  item: AssemblyItem;
  bucket: number;
  /** Enemy groups (indices) with at least two members in the pool. */
  groups: number[];
  /** Budget sets (indices) the item belongs to. */
  sets: number[];
  p: number | undefined;
  /** Rasch difficulty (logits), when calibrated. */
  b: number | undefined;
  /** How undesirable: seen before, over the relaxed exposure cap, already on other forms. 0 = fresh. */
  penalty: number;
  /** Lower is picked first: 10 x penalty + exposure rate + a seeded uniform number. */
  priority: number;
  seen: boolean;
  capped: boolean;
  /** Other forms (parallel assembly) the item is already on. */
  usage: number;
}

export interface Bucket {
  kwa: string;
  role: 'scored' | 'pretest';
  need: number;
  /** Pool indices, by priority. */
  members: number[];
  /** Items of this bucket taken out before the search, by reason. */
  removed: { seenBefore: number; exposureCap: number };
}

export interface GroupRef {
  id: string;
  members: number[];
}

export const SEEN_SET_LABEL = 'items this candidate has seen before';

export interface BudgetSet {
  label: string;
  max: number;
  members: number[];
}

export interface Problem {
  pool: PoolItem[];
  buckets: Bucket[];
  groups: GroupRef[];
  sets: BudgetSet[];
  scoredCount: number;
  /** Every scored candidate has p, so difficulty goals apply. */
  difficultyApplies: boolean;
}

export interface ProblemSpec {
  /** Seed of this attempt's priorities. */
  prioritySeed: string;
  seen: Set<string>;
  seenMax: number;
  exposure: ExposurePolicy;
  /** hard: capped items are left out; relaxed: they stay, with a penalty; none: no cap. */
  capMode: 'hard' | 'relaxed' | 'none';
  /** Parallel assembly: the other forms, each a budget set of at most otherMax common items. */
  others: { label: string; ids: Set<string> }[];
  otherMax: number;
  /**
   * Parallel assembly on a bank too small for disjoint forms: per bucket, at most this many items not on any other
   * form, so every form (not only the last) takes its share of the repeats.
   */
  freshQuota?: number[];
  /**
   * Parallel assembly on a tight bank: prefer items in enemy groups, so each form takes one member of a group and
   * leaves the others to the next form (leftovers that are enemies of each other would waste slots there).
   */
  preferGrouped?: boolean;
}

export function buildProblem(bank: NormalizedBank, spec: ProblemSpec): Problem {
  const bp = bank.blueprint;
  const buckets: Bucket[] = bank.scoredKwas.map((kwa) => ({
    kwa,
    role: 'scored' as const,
    need: bp.kwaCounts[kwa] ?? 0,
    members: [],
    removed: { seenBefore: 0, exposureCap: 0 },
  }));
  const kwaBucket = new Map(bank.scoredKwas.map((k, i) => [k, i]));
  const pretestBucket = bp.pretestCount > 0 ? buckets.push({ kwa: '*', role: 'pretest', need: bp.pretestCount, members: [], removed: { seenBefore: 0, exposureCap: 0 } }) - 1 : -1;

  const rng = seedrandom(spec.prioritySeed);
  const pool: PoolItem[] = [];
  const withGroups: number[] = [];
  for (const item of bank.items) {
    // One draw per bank item, eligible or not, so an item's number does not depend on which others were filtered.
    const u = rng();
    const bucket = item.status === 'operational' ? (kwaBucket.get(item.kwa) ?? -1) : pretestBucket;
    if (bucket < 0) continue;
    const seen = spec.seen.has(item.id);
    const capped = spec.capMode !== 'none' && spec.exposure.capped.has(item.id);
    const b = buckets[bucket]!;
    if (seen && spec.seenMax <= 0) {
      b.removed.seenBefore++;
      continue;
    }
    if (capped && spec.capMode === 'hard') {
      b.removed.exposureCap++;
      continue;
    }
    let usage = 0;
    for (const o of spec.others) if (o.ids.has(item.id)) usage++;
    const penalty = (seen ? 4 : 0) + (capped ? 2 : 0) + usage;
    if (item.enemyGroupIds.length > 0) withGroups.push(pool.length);
    pool.push({
      item,
      bucket,
      groups: NONE,
      sets: NONE,
      p: typeof item.p === 'number' && Number.isFinite(item.p) ? item.p : undefined,
      b: typeof item.difficulty === 'number' && Number.isFinite(item.difficulty) ? item.difficulty : undefined,
      penalty,
      priority: penalty * 10 + spec.exposure.rate(item.id) + u,
      seen,
      capped,
      usage,
    });
  }

  const groupMembers = new Map<string, number[]>();
  for (const idx of withGroups) {
    for (const g of pool[idx]!.item.enemyGroupIds) {
      const list = groupMembers.get(g);
      if (list) list.push(idx);
      else groupMembers.set(g, [idx]);
    }
  }
  const groups: GroupRef[] = [];
  for (const id of [...groupMembers.keys()].sort()) {
    const members = groupMembers.get(id)!;
    if (members.length < 2) continue;
    for (const m of members) {
      const pi = pool[m]!;
      if (pi.groups === NONE) pi.groups = [];
      pi.groups.push(groups.length);
    }
    groups.push({ id, members });
  }

  // Pushing the others back (rather than grouped items forward) keeps every priority >= 0 for the packed sort below.
  if (spec.preferGrouped) for (const pi of pool) if (pi.groups.length === 0) pi.priority += GROUPED_BONUS;

  const sets: BudgetSet[] = [];
  const poolIndex = spec.seenMax > 0 || spec.others.length > 0 || spec.freshQuota ? new Map(pool.map((pi, idx) => [pi.item.id, idx])) : new Map<string, number>();
  const addSet = (label: string, max: number, ids: Set<string>) => {
    const members: number[] = [];
    for (const id of ids) {
      const idx = poolIndex.get(id);
      if (idx !== undefined) members.push(idx);
    }
    members.sort((a, b) => a - b);
    if (members.length <= max) return;
    for (const m of members) {
      const pi = pool[m]!;
      if (pi.sets === NONE) pi.sets = [];
      pi.sets.push(sets.length);
    }
    sets.push({ label, max, members });
  };
  if (spec.seenMax > 0) addSet(SEEN_SET_LABEL, spec.seenMax, spec.seen);
  for (const o of spec.others) addSet(o.label, spec.otherMax, o.ids);
  spec.freshQuota?.forEach((max, bi) => {
    const b = buckets[bi];
    if (!b) return;
    const fresh = new Set<string>();
    for (const pi of pool) if (pi.bucket === bi && pi.usage === 0) fresh.add(pi.item.id);
    addSet(`items new to this set of forms in ${b.role === 'scored' ? `KWA ${b.kwa}` : 'the pretest pool'}`, max, fresh);
  });

  // Order each bucket by priority with a native numeric sort of packed keys (priority quantized to 2^-24, then the
  // index, which also breaks ties): several times faster than a comparator sort on a 5,000-item bank.
  const size = new Int32Array(buckets.length);
  for (const pi of pool) size[pi.bucket]!++;
  const keys = buckets.map((_, bi) => new Float64Array(size[bi]!));
  const fill = new Int32Array(buckets.length);
  pool.forEach((pi, idx) => {
    const q = Math.floor(Math.min(Math.max(pi.priority, 0), MAX_PRIORITY) * PRIORITY_SCALE);
    keys[pi.bucket]![fill[pi.bucket]!++] = pool.length < INDEX_SPAN ? q * INDEX_SPAN + idx : idx;
  });
  buckets.forEach((b, bi) => {
    const sorted = keys[bi]!.sort();
    const members = new Array<number>(sorted.length);
    for (let q = 0; q < sorted.length; q++) members[q] = pool.length < INDEX_SPAN ? sorted[q]! % INDEX_SPAN : sorted[q]!;
    if (pool.length >= INDEX_SPAN) members.sort((x, y) => pool[x]!.priority - pool[y]!.priority || x - y);
    b.members = members;
  });

  // Judged on every operational item of the blueprint's KWAs (not only those left after filters), as verifyForm does.
  let scoredCandidates = 0;
  let withP = 0;
  for (const it of bank.items) {
    if (it.status !== 'operational' || !kwaBucket.has(it.kwa)) continue;
    scoredCandidates++;
    if (typeof it.p === 'number' && Number.isFinite(it.p)) withP++;
  }
  const difficultyApplies = scoredCandidates > 0 && withP === scoredCandidates;
  return { pool, buckets, groups, sets, scoredCount: bp.formLength - bp.pretestCount, difficultyApplies };
}

/** Mean p over the pool's scored candidates, weighted by the blueprint's counts: the mean of a random form. */
export function expectedMeanDifficulty(pr: Problem): number | null {
  if (!pr.difficultyApplies || pr.scoredCount === 0) return null;
  let sum = 0;
  for (const b of pr.buckets) {
    if (b.role !== 'scored' || b.members.length === 0) continue;
    const mean = b.members.reduce((s, m) => s + pr.pool[m]!.p!, 0) / b.members.length;
    sum += mean * b.need;
  }
  return sum / pr.scoredCount;
}
