/**
 * The search: a constrained greedy pass (tightest bucket first, enemy-aware pick), then a min-conflicts repair with a
 * tabu list and a step budget when the greedy pass painted itself into a corner, then improving swaps for the soft
 * goals. Every swap keeps each bucket's count exact, so only enemy groups and budget sets can be violated, and the
 * repair drives their violations to zero. Index-based and allocation-light: it runs once per candidate admission.
 */
import type { Problem, Rng } from './assembly-problem.ts';

/** Candidates looked at per greedy pick: enough to steer around enemies, few enough to keep the seeded order. */
const GREEDY_WIDTH = 8;
/** Min-conflicts steps per attempt. A tight, enemy-heavy 100-item form needs a few hundred at most. */
export const REPAIR_STEPS = 4000;
const EPS = 1e-9;

export class SelectionState {
  readonly chosen: Uint8Array;
  readonly groupCount: Int32Array;
  readonly setCount: Int32Array;
  /** Chosen pool indices; `pos` gives each one's place for O(1) removal. */
  readonly list: number[] = [];
  private readonly pos: Int32Array;
  /** Σ max(0, groupCount - 1) + Σ max(0, setCount - max). Zero means every hard constraint holds. */
  conflicts = 0;

  constructor(private readonly pr: Problem) {
    this.chosen = new Uint8Array(pr.pool.length);
    this.pos = new Int32Array(pr.pool.length).fill(-1);
    this.groupCount = new Int32Array(pr.groups.length);
    this.setCount = new Int32Array(pr.sets.length);
  }

  add(i: number): void {
    const pi = this.pr.pool[i]!;
    this.chosen[i] = 1;
    this.pos[i] = this.list.length;
    this.list.push(i);
    for (const g of pi.groups) if (this.groupCount[g]!++ >= 1) this.conflicts++;
    for (const s of pi.sets) if (this.setCount[s]!++ >= this.pr.sets[s]!.max) this.conflicts++;
  }

  remove(i: number): void {
    const pi = this.pr.pool[i]!;
    this.chosen[i] = 0;
    const at = this.pos[i]!;
    const last = this.list.pop()!;
    if (last !== i) {
      this.list[at] = last;
      this.pos[last] = at;
    }
    this.pos[i] = -1;
    for (const g of pi.groups) if (--this.groupCount[g]! >= 1) this.conflicts--;
    for (const s of pi.sets) if (--this.setCount[s]! >= this.pr.sets[s]!.max) this.conflicts--;
  }

  isConflicted(i: number): boolean {
    const pi = this.pr.pool[i]!;
    for (const g of pi.groups) if (this.groupCount[g]! >= 2) return true;
    for (const s of pi.sets) if (this.setCount[s]! > this.pr.sets[s]!.max) return true;
    return false;
  }

  /** Whether swapping chosen `out` for unchosen `inn` keeps every enemy group and budget set within bounds. */
  canSwap(out: number, inn: number): boolean {
    if (this.chosen[inn]) return false;
    const o = this.pr.pool[out]!;
    const j = this.pr.pool[inn]!;
    for (const g of j.groups) if (this.groupCount[g]! - (o.groups.includes(g) ? 1 : 0) >= 1) return false;
    for (const s of j.sets) if (this.setCount[s]! - (o.sets.includes(s) ? 1 : 0) + 1 > this.pr.sets[s]!.max) return false;
    return true;
  }

  swap(out: number, inn: number): void {
    this.remove(out);
    this.add(inn);
  }

  /** Chosen indices in ascending order (canonical, independent of the search path). */
  sorted(): number[] {
    return [...this.list].sort((a, b) => a - b);
  }
}

/** Greedy fill; returns the state and the slots per bucket it could not fill without breaking a constraint. */
function greedy(pr: Problem): { st: SelectionState; deficit: Int32Array } {
  const st = new SelectionState(pr);
  const B = pr.buckets.length;
  const blocked = new Int32Array(pr.pool.length);
  const avail = Int32Array.from(pr.buckets, (b) => b.members.length);
  const need = Int32Array.from(pr.buckets, (b) => b.need);
  const deficit = new Int32Array(B);
  const head = new Int32Array(B);
  const effect = new Int32Array(B);
  const stamp = new Int32Array(pr.pool.length);
  let stampNo = 0;
  const touched: number[] = [];

  const block = (m: number) => {
    if (blocked[m]!++ === 0 && !st.chosen[m]) avail[pr.pool[m]!.bucket]!--;
  };
  for (const set of pr.sets) if (set.max <= 0) for (const m of set.members) block(m);

  const bump = (m: number, self: number) => {
    if (m === self || st.chosen[m] || blocked[m] || stamp[m] === stampNo) return;
    stamp[m] = stampNo;
    const b = pr.pool[m]!.bucket;
    if (effect[b]!++ === 0) touched.push(b);
  };
  // How much picking i would hurt the buckets whose items it blocks: a lot when a bucket would run short.
  const damage = (i: number): number => {
    stampNo++;
    const pi = pr.pool[i]!;
    for (const g of pi.groups) for (const m of pr.groups[g]!.members) bump(m, i);
    for (const s of pi.sets) {
      const set = pr.sets[s]!;
      if (st.setCount[s]! + 1 >= set.max) for (const m of set.members) bump(m, i);
    }
    let d = 0;
    for (const b of touched) {
      const e = effect[b]!;
      effect[b] = 0;
      if (need[b]! <= 0) continue;
      const slack = avail[b]! - need[b]! - e;
      d += slack < 0 ? 1000 * -slack : e / (slack + 1);
    }
    touched.length = 0;
    return d;
  };
  const choose = (i: number) => {
    const pi = pr.pool[i]!;
    st.add(i);
    avail[pi.bucket]!--;
    need[pi.bucket]!--;
    for (const g of pi.groups) {
      if (st.groupCount[g] === 1) for (const m of pr.groups[g]!.members) if (m !== i) block(m);
    }
    for (const s of pi.sets) {
      const set = pr.sets[s]!;
      if (st.setCount[s] === set.max) for (const m of set.members) if (!st.chosen[m]) block(m);
    }
  };

  for (;;) {
    let b = -1;
    let tightest = Infinity;
    for (let k = 0; k < B; k++) {
      if (need[k]! <= 0) continue;
      const slack = avail[k]! - need[k]!;
      if (slack < tightest) {
        tightest = slack;
        b = k;
      }
    }
    if (b < 0) break;
    if (avail[b]! <= 0) {
      deficit[b] = need[b]!;
      need[b] = 0;
      continue;
    }
    const members = pr.buckets[b]!.members;
    while (head[b]! < members.length && (st.chosen[members[head[b]!]!] || blocked[members[head[b]!]!])) head[b]!++;
    let pick = -1;
    let best = Infinity;
    for (let q = head[b]!, looked = 0; q < members.length && looked < GREEDY_WIDTH; q++) {
      const i = members[q]!;
      if (st.chosen[i] || blocked[i]) continue;
      looked++;
      const score = pr.pool[i]!.priority + damage(i);
      if (score < best) {
        best = score;
        pick = i;
      }
    }
    choose(pick);
  }
  return { st, deficit };
}

function addCost(pr: Problem, st: SelectionState, j: number, without: number): number {
  const pj = pr.pool[j]!;
  const po = without >= 0 ? pr.pool[without]! : undefined;
  let c = 0;
  for (const g of pj.groups) if (st.groupCount[g]! - (po?.groups.includes(g) ? 1 : 0) >= 1) c++;
  for (const s of pj.sets) if (st.setCount[s]! - (po?.sets.includes(s) ? 1 : 0) >= pr.sets[s]!.max) c++;
  return c;
}

/**
 * Min-conflicts repair: fill the short buckets with the least-conflicting items, then repeatedly take an item caught in
 * a violated enemy group or budget set and swap it for the member of its bucket that adds the fewest violations
 * (tabu list against cycling, a little random walk against plateaus). Returns false when the budget runs out.
 */
function repair(pr: Problem, st: SelectionState, deficit: Int32Array, rng: Rng, maxSteps: number): boolean {
  for (let b = 0; b < pr.buckets.length; b++) {
    for (let r = 0; r < deficit[b]!; r++) {
      let pick = -1;
      let best = Infinity;
      for (const j of pr.buckets[b]!.members) {
        if (st.chosen[j]) continue;
        const key = addCost(pr, st, j, -1) * 1e6 + pr.pool[j]!.priority;
        if (key < best) {
          best = key;
          pick = j;
        }
      }
      if (pick < 0) return false;
      st.add(pick);
    }
  }
  const tabu = new Int32Array(pr.pool.length);
  const movable = pr.buckets.map((b) => b.members.length > b.need);
  const conflicted: number[] = [];
  for (let step = 1; st.conflicts > 0; step++) {
    if (step > maxSteps) return false;
    conflicted.length = 0;
    for (const i of st.list) if (movable[pr.pool[i]!.bucket] && st.isConflicted(i)) conflicted.push(i);
    if (conflicted.length === 0) return false;
    conflicted.sort((a, b) => a - b);
    const out = conflicted[Math.floor(rng() * conflicted.length)]!;
    const members = pr.buckets[pr.pool[out]!.bucket]!.members;
    let inn = -1;
    if (rng() < 0.03) {
      const free = members.filter((j) => !st.chosen[j]);
      inn = free[Math.floor(rng() * free.length)]!;
    } else {
      let best = Infinity;
      for (const j of members) {
        if (st.chosen[j]) continue;
        const cost = addCost(pr, st, j, out);
        // A tabu item may come back only if it resolves everything (aspiration).
        if (tabu[j]! > step && !(cost === 0 && st.conflicts === 1)) continue;
        const key = cost * 1e6 + pr.pool[j]!.priority;
        if (key < best) {
          best = key;
          inn = j;
        }
      }
    }
    if (inn < 0) continue;
    st.swap(out, inn);
    tabu[out] = step + 4 + Math.floor(rng() * 6);
  }
  return true;
}

/**
 * A selection meeting every hard constraint (solved), or, when the budget ran out, the last complete selection with its
 * remaining conflicts (parallel assembly can repair it together with the other forms).
 */
export function searchSelection(pr: Problem, rng: Rng, maxSteps = REPAIR_STEPS): { state: SelectionState; solved: boolean } {
  const { st, deficit } = greedy(pr);
  if (deficit.some((d) => d > 0) || st.conflicts > 0) return { state: st, solved: repair(pr, st, deficit, rng, maxSteps) };
  return { state: st, solved: true };
}

/** Swap out penalized items (seen before, over a relaxed cap, on other forms) for feasible fresher ones. */
export function reducePenalties(pr: Problem, st: SelectionState): void {
  const heavy = st.list.filter((i) => pr.pool[i]!.penalty > 0).sort((a, b) => pr.pool[b]!.penalty - pr.pool[a]!.penalty || a - b);
  for (const out of heavy) {
    const po = pr.pool[out]!;
    for (const j of pr.buckets[po.bucket]!.members) {
      if (pr.pool[j]!.penalty >= po.penalty) continue;
      if (st.canSwap(out, j)) {
        st.swap(out, j);
        break;
      }
    }
  }
}

export function meanDifficultyOf(pr: Problem, st: SelectionState): number | null {
  if (!pr.difficultyApplies || pr.scoredCount === 0) return null;
  let sum = 0;
  for (const i of st.list) if (pr.buckets[pr.pool[i]!.bucket]!.role === 'scored') sum += pr.pool[i]!.p!;
  return sum / pr.scoredCount;
}

/**
 * Swaps scored items within their KWA until the mean p is inside the band, each time the single swap that lands
 * closest to the band's middle. Fresh replacements are preferred; one already on another parallel form only when no
 * fresh one helps; a previously seen or over-cap item never comes in for the sake of difficulty. Returns whether the
 * mean ended inside the band.
 */
export function improveDifficulty(pr: Problem, st: SelectionState, band: { min: number; max: number }): boolean {
  if (!pr.difficultyApplies || pr.scoredCount === 0) return false;
  const S = pr.scoredCount;
  const byP = pr.buckets.map((b) =>
    b.role === 'scored' ? [...b.members].sort((x, y) => pr.pool[x]!.p! - pr.pool[y]!.p! || x - y) : [],
  );
  let sum = meanDifficultyOf(pr, st)! * S;
  const target = (band.min + band.max) / 2;
  const SCAN = 48;
  for (let iter = 0; iter < 4 * S; iter++) {
    const mean = sum / S;
    if (mean >= band.min - EPS && mean <= band.max + EPS) return true;
    const want = (target - mean) * S;
    let bestOut = -1;
    let bestIn = -1;
    let bestGap = Math.abs(want) - EPS;
    for (const strict of [true, false]) {
      const outs = st.list.filter((i) => pr.buckets[pr.pool[i]!.bucket]!.role === 'scored').sort((a, b) => a - b);
      for (const out of outs) {
        const po = pr.pool[out]!;
        const arr = byP[po.bucket]!;
        const ideal = po.p! + want;
        let lo = 0;
        let hi = arr.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (pr.pool[arr[mid]!]!.p! < ideal) lo = mid + 1;
          else hi = mid;
        }
        for (const dir of [-1, 1]) {
          for (let q = dir < 0 ? lo - 1 : lo, n = 0; q >= 0 && q < arr.length && n < SCAN; q += dir, n++) {
            const j = arr[q]!;
            const pj = pr.pool[j]!;
            const d = pj.p! - po.p!;
            if (d * want <= 0) break;
            if (strict ? pj.penalty > po.penalty : (pj.seen && !po.seen) || (pj.capped && !po.capped)) continue;
            if (!st.canSwap(out, j)) continue;
            const gap = Math.abs(want - d);
            if (gap < bestGap) {
              bestGap = gap;
              bestOut = out;
              bestIn = j;
            }
            break;
          }
        }
      }
      if (bestOut >= 0) break;
    }
    if (bestOut < 0) return false;
    sum += pr.pool[bestIn]!.p! - pr.pool[bestOut]!.p!;
    st.swap(bestOut, bestIn);
  }
  const mean = sum / S;
  return mean >= band.min - EPS && mean <= band.max + EPS;
}

/** A state holding exactly the given pool indices (used to re-balance a finished parallel form). */
export function stateOf(pr: Problem, indices: number[]): SelectionState {
  const st = new SelectionState(pr);
  for (const i of indices) st.add(i);
  return st;
}

/** Work budget of the exact search, in item checks (nodes × pool size): about a tenth of a second at worst. */
const EXACT_WORK = 20_000_000;

/**
 * Complete backtracking over the buckets (tightest first; inside a bucket, items in priority order, as combinations),
 * with forward checking of every bucket still to fill. The fallback when the seeded heuristic gives up: on small,
 * enemy-dense banks the min-conflicts repair can circle in one region while a valid form exists (the flaky planted-bank
 * property of tests/unit/assembly, seed 937827). Within its budget it finds a form if one exists; null otherwise.
 */
export function exactSelection(pr: Problem, work = EXACT_WORK): SelectionState | null {
  const order = pr.buckets
    .map((b, i) => ({ i, slack: b.members.length - b.need, need: b.need }))
    .filter((b) => b.need > 0)
    .sort((a, b) => a.slack - b.slack || a.i - b.i)
    .map((b) => b.i);
  const st = new SelectionState(pr);
  const budget = Math.max(1000, Math.floor(work / Math.max(1, pr.pool.length)));
  let nodes = 0;
  const addable = (i: number): boolean => {
    if (st.chosen[i]) return false;
    const pi = pr.pool[i]!;
    for (const g of pi.groups) if (st.groupCount[g]! >= 1) return false;
    for (const s of pi.sets) if (st.setCount[s]! >= pr.sets[s]!.max) return false;
    return true;
  };
  /** Whether bucket order[k] (from member position `from`) and every later bucket can still be filled. */
  const ahead = (k: number, from: number, left: number): boolean => {
    for (let q = k; q < order.length; q++) {
      const members = pr.buckets[order[q]!]!.members;
      const want = q === k ? left : pr.buckets[order[q]!]!.need;
      let n = 0;
      for (let m = q === k ? from : 0; m < members.length && n < want; m++) if (addable(members[m]!)) n++;
      if (n < want) return false;
    }
    return true;
  };
  const rec = (k: number, from: number, left: number): boolean => {
    if (left === 0) {
      if (k + 1 === order.length) return true;
      return rec(k + 1, 0, pr.buckets[order[k + 1]!]!.need);
    }
    if (++nodes > budget || !ahead(k, from, left)) return false;
    const members = pr.buckets[order[k]!]!.members;
    for (let q = from; q <= members.length - left; q++) {
      const i = members[q]!;
      if (!addable(i)) continue;
      st.add(i);
      if (rec(k, q + 1, left - 1)) return true;
      st.remove(i);
      if (nodes > budget) return false;
    }
    return false;
  };
  if (order.length === 0) return st;
  return rec(0, 0, pr.buckets[order[0]!]!.need) && st.conflicts === 0 ? st : null;
}
