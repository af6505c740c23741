/**
 * Joint repair for parallel forms. Sequential assembly fixes each form before the next one exists, so form f can find
 * itself without a legal choice that a different form f-1 would have allowed. This min-conflicts search then works on
 * forms 1..f together: a move swaps an item within one form's KWA, and the conflicts are enemy groups used twice on a
 * form plus pairwise overlaps above the limit.
 */
import type { Problem, Rng } from './assembly-problem.ts';

export const JOINT_REPAIR_STEPS = 6000;

/** Returns the repaired forms (pool indices of `pr`, ascending), or null when the budget ran out. */
export function repairJointly(pr: Problem, forms: number[][], maxOverlap: number, rng: Rng, maxSteps = JOINT_REPAIR_STEPS): number[][] | null {
  const K = forms.length;
  const n = pr.pool.length;
  const chosen = forms.map(() => new Uint8Array(n));
  const groupCount = forms.map(() => new Int32Array(pr.groups.length));
  const selected = forms.map(() => new Set<number>());
  const overlap = forms.map(() => new Int32Array(K));
  let conflicts = 0;

  const add = (f: number, i: number) => {
    chosen[f]![i] = 1;
    selected[f]!.add(i);
    for (const g of pr.pool[i]!.groups) if (groupCount[f]![g]!++ >= 1) conflicts++;
    for (let h = 0; h < K; h++) {
      if (h === f || !chosen[h]![i]) continue;
      if (overlap[f]![h]! >= maxOverlap) conflicts++;
      overlap[f]![h]!++;
      overlap[h]![f]!++;
    }
  };
  const remove = (f: number, i: number) => {
    chosen[f]![i] = 0;
    selected[f]!.delete(i);
    for (const g of pr.pool[i]!.groups) if (--groupCount[f]![g]! >= 1) conflicts--;
    for (let h = 0; h < K; h++) {
      if (h === f || !chosen[h]![i]) continue;
      overlap[f]![h]!--;
      overlap[h]![f]!--;
      if (overlap[f]![h]! >= maxOverlap) conflicts--;
    }
  };
  const conflicted = (f: number, i: number) => {
    for (const g of pr.pool[i]!.groups) if (groupCount[f]![g]! >= 2) return true;
    for (let h = 0; h < K; h++) if (h !== f && chosen[h]![i] && overlap[f]![h]! > maxOverlap) return true;
    return false;
  };
  const addCost = (f: number, j: number, out: number) => {
    const po = pr.pool[out]!;
    let c = 0;
    for (const g of pr.pool[j]!.groups) if (groupCount[f]![g]! - (po.groups.includes(g) ? 1 : 0) >= 1) c++;
    for (let h = 0; h < K; h++) if (h !== f && chosen[h]![j] && overlap[f]![h]! - chosen[h]![out]! >= maxOverlap) c++;
    return c;
  };

  forms.forEach((list, f) => list.forEach((i) => add(f, i)));
  const movable = pr.buckets.map((b) => b.members.length > b.need);
  const tabu = new Int32Array(K * n);
  const candidates: number[] = [];
  for (let step = 1; conflicts > 0; step++) {
    if (step > maxSteps) return null;
    candidates.length = 0;
    for (let f = 0; f < K; f++) {
      for (const i of selected[f]!) if (movable[pr.pool[i]!.bucket] && conflicted(f, i)) candidates.push(f * n + i);
    }
    if (candidates.length === 0) return null;
    candidates.sort((a, b) => a - b);
    const pick = candidates[Math.floor(rng() * candidates.length)]!;
    const f = Math.floor(pick / n);
    const out = pick % n;
    const members = pr.buckets[pr.pool[out]!.bucket]!.members;
    let inn = -1;
    if (rng() < 0.03) {
      const free = members.filter((j) => !chosen[f]![j]);
      inn = free[Math.floor(rng() * free.length)]!;
    } else {
      let best = Infinity;
      for (const j of members) {
        if (chosen[f]![j] || tabu[f * n + j]! > step) continue;
        const key = addCost(f, j, out) * 1e6 + pr.pool[j]!.priority;
        if (key < best) {
          best = key;
          inn = j;
        }
      }
    }
    if (inn < 0) continue;
    remove(f, out);
    add(f, inn);
    tabu[f * n + out] = step + 4 + Math.floor(rng() * 6);
  }
  return selected.map((s) => [...s].sort((a, b) => a - b));
}
