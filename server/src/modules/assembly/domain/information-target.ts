/**
 * Assembly to a target (docs/measurement.md §7): on a calibrated bank with an ability cut, raise a form's Rasch test
 * information at the cut to a target by swaps inside each KWA (randomesque: each swap draws among the k most
 * informative feasible items, so exposure stays spread), and, for parallel fixed forms, swap until the forms' test
 * characteristic curves agree within a tolerance. Pure; randomness comes in as an Rng.
 */
import type { NormalizedBank, Problem, Rng } from './assembly-problem.ts';
import {
  DEFAULT_INFORMATION_SHARE,
  DEFAULT_RANDOMESQUE_K,
  type AssembledForm,
  type AssemblyRequest,
  type FormMeasurement,
} from './assembly-types.ts';
import type { SelectionState } from './selection-search.ts';

const EPS = 1e-9;

const logistic = (x: number) => 1 / (1 + Math.exp(-x));
/** Rasch item information at θ: p(1 − p). */
export const itemInformation = (b: number, theta: number) => {
  const p = logistic(theta - b);
  return p * (1 - p);
};

/** The target a form is assembled to, resolved once per request from the bank. */
export interface ResolvedTarget {
  thetaCut: number;
  target: number;
  /** Σ over KWAs of the `need` largest item informations among the bank's operational items. */
  bankMax: number;
  k: number;
}

/**
 * The measurement target of a request, or why it does not apply. It applies when the request names a cut and every
 * operational item of the blueprint's KWAs has a Rasch difficulty (a form's information is only known then).
 */
export function resolveTarget(bank: NormalizedBank, req: Pick<AssemblyRequest, 'measurement'>): { target: ResolvedTarget | null; notes: string[] } {
  const m = req.measurement;
  if (!m) return { target: null, notes: [] };
  const counts = bank.blueprint.kwaCounts;
  const perKwa = new Map<string, number[]>();
  let uncalibrated = 0;
  for (const it of bank.items) {
    if (it.status !== 'operational' || !((counts[it.kwa] ?? 0) > 0)) continue;
    if (typeof it.difficulty !== 'number' || !Number.isFinite(it.difficulty)) {
      uncalibrated++;
      continue;
    }
    const l = perKwa.get(it.kwa);
    const info = itemInformation(it.difficulty, m.thetaCut);
    if (l) l.push(info);
    else perKwa.set(it.kwa, [info]);
  }
  if (uncalibrated > 0) {
    return {
      target: null,
      notes: [`Assembly to the information target was not applied: ${uncalibrated} operational item${uncalibrated === 1 ? ' has' : 's have'} no Rasch difficulty on the bank's scale.`],
    };
  }
  let bankMax = 0;
  for (const kwa of bank.scoredKwas) {
    const infos = (perKwa.get(kwa) ?? []).sort((a, b) => b - a);
    for (let i = 0; i < Math.min(counts[kwa] ?? 0, infos.length); i++) bankMax += infos[i]!;
  }
  const target = m.targetInformation ?? (m.informationShare ?? DEFAULT_INFORMATION_SHARE) * bankMax;
  const k = Math.max(1, Math.floor(m.randomesqueK ?? DEFAULT_RANDOMESQUE_K));
  const notes: string[] = [];
  if (target > bankMax + EPS) {
    notes.push(
      `The target information ${fmt(target)} at θ_cut ${fmt(m.thetaCut)} cannot be reached from this bank: the most informative items the blueprint allows give at most ${fmt(bankMax)}. The form has as much information as the search could reach; lower the target or add items with difficulties near the cut.`,
    );
  }
  return { target: { thetaCut: m.thetaCut, target, bankMax, k }, notes };
}

export const fmt = (x: number) => x.toFixed(3);

/** Information at the cut of the scored items chosen. */
export function selectionInformation(pr: Problem, st: SelectionState, thetaCut: number): number {
  let sum = 0;
  for (const i of st.list) {
    const pi = pr.pool[i]!;
    if (pr.buckets[pi.bucket]!.role === 'scored' && pi.b !== undefined) sum += itemInformation(pi.b, thetaCut);
  }
  return sum;
}

/**
 * Swaps scored items for more informative ones of the same KWA until the information at the cut reaches the target:
 * each step takes the least informative chosen item that has a better feasible replacement (never a more penalized
 * one: seen before, over the exposure cap, on another parallel form) and draws the replacement uniformly among the k
 * most informative candidates. Stops at the target, so forms keep most of their seeded (exposure-aware) choice.
 * Returns the information reached.
 */
export function improveInformation(pr: Problem, st: SelectionState, t: ResolvedTarget, rng: Rng): number {
  const info = new Float64Array(pr.pool.length);
  pr.pool.forEach((pi, i) => {
    if (pi.b !== undefined) info[i] = itemInformation(pi.b, t.thetaCut);
  });
  let total = selectionInformation(pr, st, t.thetaCut);
  if (total >= t.target - EPS) return total;
  const byInfo = pr.buckets.map((b) => (b.role === 'scored' ? [...b.members].sort((x, y) => info[y]! - info[x]! || x - y) : []));
  const scoredCount = pr.scoredCount;
  const candidates: number[] = [];
  for (let iter = 0; iter < 2 * scoredCount && total < t.target - EPS; iter++) {
    const outs = st.list.filter((i) => pr.buckets[pr.pool[i]!.bucket]!.role === 'scored').sort((a, b) => info[a]! - info[b]! || a - b);
    let swapped = false;
    for (const out of outs) {
      const po = pr.pool[out]!;
      candidates.length = 0;
      for (const j of byInfo[po.bucket]!) {
        if (info[j]! <= info[out]! + EPS || candidates.length >= t.k) break;
        if (pr.pool[j]!.penalty > po.penalty || !st.canSwap(out, j)) continue;
        candidates.push(j);
      }
      if (candidates.length === 0) continue;
      const inn = candidates[Math.floor(rng() * candidates.length)]!;
      total += info[inn]! - info[out]!;
      st.swap(out, inn);
      swapped = true;
      break;
    }
    if (!swapped) break;
  }
  return total;
}

/** The grid the TCCs are compared on, with the cut added. */
export function tccGrid(grid: readonly number[], thetaCut: number): number[] {
  return [...new Set([...grid, thetaCut])].sort((a, b) => a - b);
}

/** Expected raw score of the scored items with these difficulties at each θ of the grid. */
export function tccOf(difficulties: readonly number[], grid: readonly number[]): number[] {
  return grid.map((theta) => difficulties.reduce((s, b) => s + logistic(theta - b), 0));
}

export const maxGap = (a: readonly number[], b: readonly number[]) => a.reduce((m, v, g) => Math.max(m, Math.abs(v - b[g]!)), 0);

/**
 * Swaps scored items inside their KWA until the selection's TCC is within `tol` raw-score points of `ref` at every grid
 * point: each step the single swap that lowers the sum of squared gaps most (smoother than the largest gap, which
 * stalls on plateaus); first never one that takes the information at the cut below min(target, current), then, if the
 * curves still differ, any; never one that brings in an item seen before or over the exposure cap (an item of another form may
 * come in while the overlap budget allows). Returns the largest gap left.
 */
export function matchTcc(pr: Problem, st: SelectionState, ref: readonly number[], grid: readonly number[], tol: number, t: ResolvedTarget): number {
  const G = grid.length;
  const curve = (i: number) => {
    const b = pr.pool[i]!.b!;
    return Float64Array.from(grid, (theta) => logistic(theta - b));
  };
  const P = new Map<number, Float64Array>();
  const pOf = (i: number) => {
    let v = P.get(i);
    if (!v) P.set(i, (v = curve(i)));
    return v;
  };
  const scored = () => st.list.filter((i) => pr.buckets[pr.pool[i]!.bucket]!.role === 'scored').sort((a, b) => a - b);
  const cur = new Float64Array(G);
  for (const i of scored()) {
    const v = pOf(i);
    for (let g = 0; g < G; g++) cur[g]! += v[g]!;
  }
  const gapOf = () => {
    let m = 0;
    for (let g = 0; g < G; g++) m = Math.max(m, Math.abs(cur[g]! - ref[g]!));
    return m;
  };
  const ssq = () => {
    let q = 0;
    for (let g = 0; g < G; g++) q += (cur[g]! - ref[g]!) ** 2;
    return q;
  };
  let gap = gapOf();
  let sq = ssq();
  let info = selectionInformation(pr, st, t.thetaCut);
  const floor = Math.min(t.target, info) - EPS;
  // First without giving up information; if the curves still differ, the tolerance (a hard check of the set) wins
  // over the information target (a soft goal, which then reports the shortfall on the form's certificate).
  let keepInfo = true;
  for (let iter = 0; iter < 6 * pr.scoredCount && gap > tol + EPS; iter++) {
    let bestOut = -1;
    let bestIn = -1;
    let best = sq - EPS;
    for (const out of scored()) {
      const po = pr.pool[out]!;
      const vo = pOf(out);
      const infoOut = itemInformation(po.b!, t.thetaCut);
      for (const j of pr.buckets[po.bucket]!.members) {
        const pj = pr.pool[j]!;
        // Items of other forms may come in within the overlap budget (canSwap); seen or over-cap ones never.
        if (st.chosen[j] || (pj.seen && !po.seen) || (pj.capped && !po.capped)) continue;
        if (keepInfo && info - infoOut + itemInformation(pj.b!, t.thetaCut) < floor) continue;
        const vj = pOf(j);
        let q = 0;
        for (let g = 0; g < G && q < best; g++) q += (cur[g]! - vo[g]! + vj[g]! - ref[g]!) ** 2;
        if (q < best && st.canSwap(out, j)) {
          best = q;
          bestOut = out;
          bestIn = j;
        }
      }
    }
    if (bestOut < 0) {
      if (!keepInfo) break;
      keepInfo = false;
      continue;
    }
    const vo = pOf(bestOut);
    const vj = pOf(bestIn);
    for (let g = 0; g < G; g++) cur[g]! += vj[g]! - vo[g]!;
    info += itemInformation(pr.pool[bestIn]!.b!, t.thetaCut) - itemInformation(pr.pool[bestOut]!.b!, t.thetaCut);
    st.swap(bestOut, bestIn);
    gap = gapOf();
    sq = best;
  }
  return gap;
}

/**
 * What the certificate states, computed from the finished form and the request alone (independently of the search):
 * information and CSEM at the cut, expected raw score at the cut and the raw cut ⌈TCC(θ_cut)⌉.
 */
export function formMeasurement(form: Pick<AssembledForm, 'items'>, req: AssemblyRequest, t: ResolvedTarget): FormMeasurement | null {
  const wanted = new Map(form.items.filter((f) => f.role === 'scored').map((f) => [f.itemId, f.version]));
  const bs: number[] = [];
  for (const it of req.items) if (it.status === 'operational' && wanted.get(it.id) === it.version && typeof it.difficulty === 'number') bs.push(it.difficulty);
  if (bs.length === 0 || bs.length !== wanted.size) return null;
  // Summed in a canonical order, so the figures do not depend on the order of req.items.
  bs.sort((a, b) => a - b);
  let info = 0;
  let tcc = 0;
  for (const b of bs) {
    const p = logistic(t.thetaCut - b);
    info += p * (1 - p);
    tcc += p;
  }
  return {
    thetaCut: t.thetaCut,
    informationAtCut: info,
    csemAtCut: 1 / Math.sqrt(info),
    targetInformation: t.target,
    bankMaxInformation: t.bankMax,
    expectedRawAtCut: tcc,
    // Rounding noise of the sum never makes a whole number round up (as preEquatedRawCut in psychometrics).
    rawCut: Math.ceil(tcc - 1e-9),
  };
}
