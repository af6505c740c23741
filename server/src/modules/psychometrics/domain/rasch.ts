/**
 * Rasch (1PL) calibration by conditional maximum likelihood (CML), with the bank's difficulties optionally held fixed
 * (anchored calibration of pretest items). Models and formulas: docs/measurement.md §2–§3. Pure.
 *
 * Model: P(x_ni = 1) = exp(θ_n − b_i) / (1 + exp(θ_n − b_i)). Conditioning on each person's raw score removes θ, so the
 * item difficulties are estimated without any assumption about the ability distribution (Andersen 1970). With
 * incomplete designs (linear-on-the-fly forms) each person conditions on the items they were presented; persons who
 * saw the same set share one set of elementary symmetric functions.
 *
 * Extremes, as CML requires: a person with a zero or perfect score carries no information about the items and is left
 * out of the item estimation (but gets a Warm WLE ability); an item answered correctly (or wrongly) by every remaining
 * person has no finite estimate and is reported without one. The two rules are applied until nothing changes.
 */

/** 1 correct, 0 incorrect (an omitted but presented item is 0), null = not presented. */
export type Score = 0 | 1 | null;

export interface RaschData {
  itemIds: string[];
  persons: { personId: string; scores: Score[] }[];
}

export interface RaschOptions {
  /** Item id → fixed difficulty (logits). With anchors the scale is theirs; without, the mean difficulty is 0. */
  anchors?: Record<string, number>;
  maxIterations?: number;
  /** Convergence: largest change of a difficulty in one Newton step. */
  tolerance?: number;
}

export type ItemStatus = 'estimated' | 'anchored' | 'all-correct' | 'all-wrong' | 'not-presented';
export type PersonStatus = 'estimated' | 'zero-score' | 'perfect-score' | 'no-items';

export interface RaschItem {
  itemId: string;
  status: ItemStatus;
  /** Persons presented the item (extreme persons included). */
  n: number;
  /** Of them, correct. */
  correct: number;
  /** Logits; null for an extreme item. */
  difficulty: number | null;
  /** Standard error from the conditional information; 0 for an anchored item, null for an extreme one. */
  se: number | null;
  /** Information-weighted mean-square (Σ(x−P)²/ΣW) over non-extreme persons; expected 1. */
  infit: number | null;
  /** Unweighted mean-square (mean of the squared standardized residuals); expected 1, sensitive to outliers. */
  outfit: number | null;
}

export interface RaschPerson {
  personId: string;
  status: PersonStatus;
  raw: number;
  presented: number;
  /** Maximum-likelihood ability; null for a zero or perfect score (it is ±∞). */
  theta: number | null;
  /** Warm's weighted-likelihood ability: finite for every score, the value to report for extremes. */
  wle: number | null;
  /** 1/√I at theta (or at wle for extreme scores). */
  se: number | null;
}

export interface RaschCalibration {
  method: 'CML';
  /** 'mean-zero': Σb = 0 over the estimated items; 'anchored': the anchors fix the scale. */
  scale: 'mean-zero' | 'anchored';
  items: RaschItem[];
  persons: RaschPerson[];
  /** Conditional log-likelihood at the estimates. */
  logLikelihood: number;
  iterations: number;
  /**
   * (var(θ̂) − mean(SE²)) / var(θ̂) over persons with non-extreme scores (0 when the error variance is the larger, as on
   * very short tests); null with fewer than two of them.
   */
  personSeparationReliability: number | null;
  /** Persons and items left out of the item estimation, in words. */
  notes: string[];
}

/** Input that cannot be calibrated; the message names what and where. */
export class CalibrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CalibrationError';
  }
}

const DEFAULT_MAX_ITERATIONS = 100;
const DEFAULT_TOLERANCE = 1e-9;
/** Largest Newton step (logits): keeps early iterations from overshooting when the start is far off. */
const MAX_STEP = 2;

// ---------------------------------------------------------------------------------------------------------------------
// Elementary symmetric functions

/** γ_r(ε) for r = 0..ε.length: γ_0 = 1, γ_r = Σ over r-subsets of the product of their ε. */
export function elementarySymmetric(eps: readonly number[]): number[] {
  const g = new Array<number>(eps.length + 1).fill(0);
  g[0] = 1;
  for (let k = 0; k < eps.length; k++) {
    for (let r = k + 1; r >= 1; r--) g[r]! += eps[k]! * g[r - 1]!;
  }
  return g;
}

/**
 * The ESF of the set without one element e, from the set's ESF γ (γ_r = γ'_r + e·γ'_{r−1}): forward when e ≤ 1,
 * backward from the top when e > 1, the direction in which the subtraction does not amplify rounding error.
 */
function withoutElement(g: readonly number[], e: number): number[] {
  const m = g.length - 1; // items in the full set
  const out = new Array<number>(m).fill(0);
  if (m === 0) return out;
  if (e <= 1) {
    out[0] = g[0]!;
    for (let r = 1; r < m; r++) out[r] = Math.max(0, g[r]! - e * out[r - 1]!);
  } else {
    out[m - 1] = g[m]! / e;
    for (let r = m - 1; r >= 1; r--) out[r - 1] = Math.max(0, (g[r]! - out[r]!) / e);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------------
// Linear algebra (small dense symmetric systems)

/** Inverse of a symmetric positive-definite matrix by Gauss–Jordan with partial pivoting; null when singular. */
function invert(a: number[][]): number[][] | null {
  const n = a.length;
  const m = a.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  const scale = Math.max(1e-300, ...a.map((r, i) => Math.abs(r[i]!)));
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    if (Math.abs(m[p]![c]!) < 1e-12 * scale) return null;
    [m[c], m[p]] = [m[p]!, m[c]!];
    const piv = m[c]![c]!;
    for (let k = 0; k < 2 * n; k++) m[c]![k]! /= piv;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r]![c]!;
      if (f === 0) continue;
      for (let k = 0; k < 2 * n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  return m.map((row) => row.slice(n));
}

// ---------------------------------------------------------------------------------------------------------------------
// Person abilities given item difficulties

const logistic = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * Ability for raw score `raw` on items of difficulties `bs`: the maximum-likelihood estimate (Σ P_i(θ) = raw), or
 * with `warm` Warm's weighted-likelihood estimate (Σ P_i(θ) − J/(2I) = raw, J = Σ P(1−P)(1−2P)), finite for 0 and
 * a perfect score. Newton's method on the score equation, bisection as a fallback. Returns θ and 1/√I(θ).
 */
export function abilityFor(raw: number, bs: readonly number[], warm = false): { theta: number; se: number } | null {
  const L = bs.length;
  if (L === 0 || raw < 0 || raw > L) return null;
  if (!warm && (raw === 0 || raw === L)) return null;
  const f = (t: number) => {
    let sp = 0;
    let info = 0;
    let j = 0;
    for (const b of bs) {
      const p = logistic(t - b);
      sp += p;
      info += p * (1 - p);
      j += p * (1 - p) * (1 - 2 * p);
    }
    return { value: sp - (warm ? j / (2 * info) : 0) - raw, info };
  };
  let lo = -20;
  let hi = 20;
  const mean = bs.reduce((s, b) => s + b, 0) / L;
  let t = mean + Math.log((raw + 0.5) / (L - raw + 0.5));
  for (let k = 0; k < 200; k++) {
    const { value, info } = f(t);
    if (Math.abs(value) < 1e-12) break;
    if (value > 0) hi = Math.min(hi, t);
    else lo = Math.max(lo, t);
    let next = t - value / info;
    if (!(next > lo && next < hi) || !Number.isFinite(next)) next = (lo + hi) / 2;
    if (Math.abs(next - t) < 1e-13) {
      t = next;
      break;
    }
    t = next;
  }
  return { theta: t, se: 1 / Math.sqrt(f(t).info) };
}

// ---------------------------------------------------------------------------------------------------------------------
// Calibration

interface Group {
  /** Indices of the items (among the calibrated ones) these persons were presented. */
  items: number[];
  /** Persons per raw score on those items. */
  counts: number[];
}

function validate(data: RaschData, options: RaschOptions): void {
  const L = data.itemIds.length;
  if (L < 2) throw new CalibrationError(`need at least 2 items, got ${L}`);
  const seen = new Set<string>();
  for (const id of data.itemIds) {
    if (seen.has(id)) throw new CalibrationError(`item ${id} appears twice`);
    seen.add(id);
  }
  data.persons.forEach((p, n) => {
    if (p.scores.length !== L) throw new CalibrationError(`person ${p.personId} (row ${n + 1}) has ${p.scores.length} scores for ${L} items`);
    p.scores.forEach((s, i) => {
      if (s !== 0 && s !== 1 && s !== null) throw new CalibrationError(`person ${p.personId}, item ${data.itemIds[i]}: score must be 0, 1 or null, got ${String(s)}`);
    });
  });
  for (const [id, b] of Object.entries(options.anchors ?? {})) {
    if (!seen.has(id)) throw new CalibrationError(`anchor ${id} is not among the items`);
    if (!Number.isFinite(b)) throw new CalibrationError(`anchor ${id}: difficulty must be a finite number, got ${b}`);
  }
}

/** CML calibration of the Rasch model; see the file comment. Throws CalibrationError on input it cannot use. */
export function calibrateRasch(data: RaschData, options: RaschOptions = {}): RaschCalibration {
  validate(data, options);
  const anchors = options.anchors ?? {};
  const anchored = Object.keys(anchors).length > 0;
  const L = data.itemIds.length;
  const notes: string[] = [];

  // Extreme persons and items, until stable.
  const itemIn = data.itemIds.map(() => true);
  const personIn = data.persons.map(() => true);
  const itemStatus: ItemStatus[] = data.itemIds.map((id) => (Object.hasOwn(anchors, id) ? 'anchored' : 'estimated'));
  for (let changed = true; changed; ) {
    changed = false;
    data.persons.forEach((p, n) => {
      if (!personIn[n]) return;
      let k = 0;
      let r = 0;
      p.scores.forEach((s, i) => {
        if (s === null || !itemIn[i]) return;
        k++;
        r += s;
      });
      if (k === 0 || r === 0 || r === k) {
        personIn[n] = false;
        changed = true;
      }
    });
    for (let i = 0; i < L; i++) {
      if (!itemIn[i] || itemStatus[i] === 'anchored') continue;
      let k = 0;
      let r = 0;
      data.persons.forEach((p, n) => {
        const s = p.scores[i];
        if (!personIn[n] || s === null) return;
        k++;
        r += s!;
      });
      if (k === 0 || r === 0 || r === k) {
        itemIn[i] = false;
        itemStatus[i] = k === 0 ? 'not-presented' : r === 0 ? 'all-wrong' : 'all-correct';
        changed = true;
      }
    }
  }
  const calibrated = data.itemIds.map((_, i) => i).filter((i) => itemIn[i]);
  const free = calibrated.filter((i) => itemStatus[i] === 'estimated');
  if (free.length === 0 && !anchored) throw new CalibrationError('no item can be estimated: every item was answered the same way by everyone');
  if (!anchored && free.length < 2) throw new CalibrationError('need at least 2 items that some but not all persons answered correctly');

  // Groups of persons by presented (calibrated) item set, with raw-score counts; item score totals s_i.
  const pos = new Map<number, number>(calibrated.map((i, k) => [i, k]));
  const groups = new Map<string, Group>();
  const totals = new Array<number>(calibrated.length).fill(0);
  data.persons.forEach((p, n) => {
    if (!personIn[n]) return;
    const items: number[] = [];
    let r = 0;
    for (const i of calibrated) {
      const s = p.scores[i];
      if (s === null) continue;
      items.push(pos.get(i)!);
      r += s!;
      totals[pos.get(i)!]! += s!;
    }
    const key = items.join(',');
    const g = groups.get(key) ?? { items, counts: new Array<number>(items.length + 1).fill(0) };
    g.counts[r]!++;
    groups.set(key, g);
  });
  if (groups.size === 0) throw new CalibrationError('no person has a score between zero and perfect, so nothing can be estimated');

  // Parameters: b over the calibrated items. Free parameters: without anchors all but the first free item (b of the
  // first is pinned during estimation, the result is centred afterwards); with anchors every free item.
  const b = calibrated.map((i) => (itemStatus[i] === 'anchored' ? anchors[data.itemIds[i]!]! : 0));
  const freeK = free.map((i) => pos.get(i)!);
  const est = anchored ? freeK : freeK.slice(1);
  // A start from the logits of the proportions correct speeds Newton up.
  for (const k of freeK) {
    const i = calibrated[k]!;
    let nk = 0;
    let ck = 0;
    data.persons.forEach((p, n) => {
      if (personIn[n] && p.scores[i] !== null) {
        nk++;
        ck += p.scores[i]!;
      }
    });
    b[k] = Math.log((nk - ck) / ck);
  }
  if (!anchored) {
    const shift = b[freeK[0]!]!;
    for (const k of freeK) b[k]! -= shift;
  }

  const evaluate = (withHessian: boolean) => {
    const m = calibrated.length;
    const expected = new Array<number>(m).fill(0);
    const info: number[][] = withHessian ? Array.from({ length: m }, () => new Array<number>(m).fill(0)) : [];
    let ll = 0;
    for (const g of groups.values()) {
      // Centre the group's parameters: the conditional probabilities do not change, overflow is avoided.
      const c = g.items.reduce((s, k) => s + b[k]!, 0) / g.items.length;
      const eps = g.items.map((k) => Math.exp(-(b[k]! - c)));
      const gamma = elementarySymmetric(eps);
      const without = eps.map((e) => withoutElement(gamma, e));
      const len = g.items.length;
      for (let r = 1; r < len; r++) {
        const nr = g.counts[r]!;
        if (nr === 0) continue;
        // −log γ_r with the centring undone: γ_r(ε) = γ_r(ε_centred)·exp(−r·c).
        ll -= nr * (Math.log(gamma[r]!) - r * c);
        const pi = eps.map((e, a) => (e * without[a]![r - 1]!) / gamma[r]!);
        for (let a = 0; a < len; a++) expected[g.items[a]!]! += nr * pi[a]!;
        if (!withHessian) continue;
        for (let a = 0; a < len; a++) {
          const ka = g.items[a]!;
          info[ka]![ka]! += nr * pi[a]! * (1 - pi[a]!);
          if (r < 2) {
            for (let d = a + 1; d < len; d++) {
              const kd = g.items[d]!;
              info[ka]![kd]! -= nr * pi[a]! * pi[d]!;
              info[kd]![ka]! -= nr * pi[a]! * pi[d]!;
            }
            continue;
          }
          const wa = without[a]!;
          for (let d = a + 1; d < len; d++) {
            const kd = g.items[d]!;
            const wad = withoutElement(wa, eps[d]!);
            const pad = (eps[a]! * eps[d]! * wad[r - 2]!) / gamma[r]!;
            const cov = pad - pi[a]! * pi[d]!;
            info[ka]![kd]! += nr * cov;
            info[kd]![ka]! += nr * cov;
          }
        }
      }
    }
    for (let k = 0; k < calibrated.length; k++) ll -= totals[k]! * b[k]!;
    return { ll, expected, info };
  };

  const maxIterations = options.maxIterations ?? DEFAULT_MAX_ITERATIONS;
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    iterations++;
    const { expected, info } = evaluate(true);
    // Score of the log-likelihood for b_k: E[s_k | r] − s_k; information: the conditional covariance.
    const grad = est.map((k) => expected[k]! - totals[k]!);
    const inv = invert(est.map((k) => est.map((j) => info[k]![j]!)));
    if (!inv) throw new CalibrationError('the items are not linked: the persons\' item sets do not connect every item to the others, so their difficulties are not on one scale');
    let largest = 0;
    const step = est.map((_, a) => {
      const s = inv[a]!.reduce((acc, v, j) => acc + v * grad[j]!, 0);
      largest = Math.max(largest, Math.abs(s));
      return s;
    });
    const damp = largest > MAX_STEP ? MAX_STEP / largest : 1;
    est.forEach((k, a) => (b[k]! += damp * step[a]!));
    if (largest * damp < tolerance) {
      converged = true;
      break;
    }
  }
  if (!converged) throw new CalibrationError(`the estimates did not converge in ${maxIterations} iterations`);

  const { ll, info } = evaluate(true);
  const cov = invert(est.map((k) => est.map((j) => info[k]![j]!)))!;
  const se = new Array<number | null>(calibrated.length).fill(0);
  if (anchored) {
    est.forEach((k, a) => (se[k] = Math.sqrt(cov[a]![a]!)));
  } else {
    // Centre on the free items: b' = C·b with C = I − 11ᵀ/m over them; Cov(b') = C·V·Cᵀ, V with the pinned item 0.
    const m = freeK.length;
    const V = Array.from({ length: m }, (_, a) => Array.from({ length: m }, (_, d) => (a === 0 || d === 0 ? 0 : cov[a - 1]![d - 1]!)));
    const rowMean = V.map((row) => row.reduce((s, v) => s + v, 0) / m);
    const all = rowMean.reduce((s, v) => s + v, 0) / m;
    freeK.forEach((k, a) => (se[k] = Math.sqrt(Math.max(0, V[a]![a]! - 2 * rowMean[a]! + all))));
    const mean = freeK.reduce((s, k) => s + b[k]!, 0) / m;
    for (const k of freeK) b[k]! -= mean;
  }

  // Persons: abilities on the calibrated items they were presented.
  const persons: RaschPerson[] = data.persons.map((p) => {
    const bs: number[] = [];
    let raw = 0;
    for (const i of calibrated) {
      const s = p.scores[i];
      if (s === null) continue;
      bs.push(b[pos.get(i)!]!);
      raw += s!;
    }
    const presented = p.scores.filter((s) => s !== null).length;
    if (bs.length === 0) return { personId: p.personId, status: 'no-items', raw, presented, theta: null, wle: null, se: null };
    const wle = abilityFor(raw, bs, true)!;
    const mle = abilityFor(raw, bs);
    const status: PersonStatus = raw === 0 ? 'zero-score' : raw === bs.length ? 'perfect-score' : 'estimated';
    return { personId: p.personId, status, raw, presented, theta: mle?.theta ?? null, wle: wle.theta, se: mle?.se ?? wle.se };
  });

  // Fit: residuals of non-extreme persons on the calibrated items.
  const items: RaschItem[] = data.itemIds.map((itemId, i) => {
    let n = 0;
    let correct = 0;
    for (const p of data.persons) {
      if (p.scores[i] === null) continue;
      n++;
      correct += p.scores[i]!;
    }
    if (!itemIn[i]) return { itemId, status: itemStatus[i]!, n, correct, difficulty: null, se: null, infit: null, outfit: null };
    const k = pos.get(i)!;
    let sumSq = 0;
    let sumW = 0;
    let sumZ2 = 0;
    let m = 0;
    data.persons.forEach((p, pn) => {
      const s = p.scores[i];
      const t = persons[pn]!.theta;
      if (s === null || t === null || persons[pn]!.status !== 'estimated') return;
      const pr = logistic(t - b[k]!);
      const w = pr * (1 - pr);
      sumSq += (s! - pr) ** 2;
      sumW += w;
      sumZ2 += (s! - pr) ** 2 / w;
      m++;
    });
    return {
      itemId,
      status: itemStatus[i]!,
      n,
      correct,
      difficulty: b[k]!,
      se: se[k]!,
      infit: m > 0 ? sumSq / sumW : null,
      outfit: m > 0 ? sumZ2 / m : null,
    };
  });

  const measured = persons.filter((p) => p.status === 'estimated');
  let personSeparationReliability: number | null = null;
  if (measured.length >= 2) {
    const mean = measured.reduce((s, p) => s + p.theta!, 0) / measured.length;
    const variance = measured.reduce((s, p) => s + (p.theta! - mean) ** 2, 0) / (measured.length - 1);
    const errorVariance = measured.reduce((s, p) => s + p.se! ** 2, 0) / measured.length;
    personSeparationReliability = variance > 0 ? Math.max(0, (variance - errorVariance) / variance) : null;
  }

  const extremePersons = personIn.filter((x) => !x).length;
  if (extremePersons) notes.push(`${extremePersons} person(s) with a zero or perfect score left out of the item estimation (their abilities are Warm WLEs)`);
  const extremeItems = items.filter((it) => it.status === 'all-correct' || it.status === 'all-wrong' || it.status === 'not-presented');
  if (extremeItems.length) notes.push(`${extremeItems.length} item(s) without a finite difficulty: ${extremeItems.map((it) => `${it.itemId} (${it.status})`).join(', ')}`);

  return {
    method: 'CML',
    scale: anchored ? 'anchored' : 'mean-zero',
    items,
    persons,
    logLikelihood: ll,
    iterations,
    personSeparationReliability,
    notes,
  };
}
