/**
 * Classical (CTT) item and test analysis: difficulty, point-biserial (plain and corrected), biserial, the 27% upper-lower
 * discrimination index, distractor analysis, KR-20, alpha-if-item-deleted, SEM and the score distribution, with the
 * review flags of docs/item-analysis.md. Formulas and notation: ../shared/design/CPT.md §2.5. Pure.
 *
 * Every standard deviation is the population SD (divide by N), in the correlations and in KR-20 alike, so that the
 * point-biserial is exactly Pearson's r with the total score and KR-20 equals Cronbach's alpha for 0/1 items.
 * A statistic that is undefined (fewer than two candidates, or a variable that does not vary) is `null`, never NaN.
 */
import { z } from 'zod';
import type { Problem } from '../../../../../shared/errors.ts';

export interface AnalysisItem {
  itemId: string;
  /** The keyed option id; one of optionIds. */
  key: string;
  optionIds: string[];
}

export interface ResponseRow {
  candidateId: string;
  /** Chosen option id per item id; null or absent = omitted (scored 0). */
  responses: Record<string, string | null>;
  /**
   * The item ids this candidate was presented (LOFT: each candidate sees a subset). Absent = every analysed item.
   * An item outside this list must not appear in `responses`; it is excluded from the candidate's score X and from
   * that item's statistics (it is "not presented", unlike an omitted item, which is presented and scored 0).
   */
  presented?: string[];
}

export type { FlagThresholds, FormStatistics, ItemFlag, ItemFlagCode, ItemStatistics, OptionStats } from '../../../../../shared/api/item-analysis.ts';
import type { FlagThresholds, FormStatistics, ItemFlag, ItemFlagCode, ItemStatistics, OptionStats } from '../../../../../shared/api/item-analysis.ts';

export const DEFAULT_THRESHOLDS: FlagThresholds = { pMin: 0.2, pMax: 0.95, minCorrectedPointBiserial: 0.15, minDistractorShare: 0.05 };

export interface AnalysisResult {
  items: ItemStatistics[];
  form: FormStatistics;
  thresholds: FlagThresholds;
}

/** Input that cannot be analysed; `problems` locate each fault with a JSON pointer into (items, rows). */
export class AnalysisInputError extends Error {
  constructor(readonly problems: Problem[]) {
    super(`cannot analyse the responses: ${problems.length === 1 ? problems[0]!.message : `${problems.length} problems`}`);
    this.name = 'AnalysisInputError';
  }
}

/** The fraction of candidates in each of the upper and lower groups of the discrimination index. */
export const EXTREME_GROUP_FRACTION = 0.27;

const thresholdsSchema = z
  .object({
    pMin: z.number().min(0).max(1),
    pMax: z.number().min(0).max(1),
    minCorrectedPointBiserial: z.number().min(-1).max(1),
    minDistractorShare: z.number().min(0).max(1).optional(),
  })
  .refine((t) => t.pMin <= t.pMax, { message: 'must not be greater than pMax', path: ['pMin'] });

/** Merges `overrides` over DEFAULT_THRESHOLDS and checks the ranges; throws AnalysisInputError when out of range. */
export function resolveThresholds(overrides: Partial<FlagThresholds> = {}): FlagThresholds {
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  const parsed = thresholdsSchema.safeParse({ ...DEFAULT_THRESHOLDS, ...defined });
  if (!parsed.success) {
    throw new AnalysisInputError(
      parsed.error.issues.map((i) => ({ pointer: `/thresholds/${i.path.join('/')}`, message: `threshold ${i.path.join('.')}: ${i.message}` })),
    );
  }
  return parsed.data;
}

// ---------------------------------------------------------------------------------------------------------------------
// Small statistics helpers. All use population moments; all return null rather than NaN.

/** Correlations within this distance of 0 are rounding noise (they come from exact zeros in exact arithmetic). */
const NOISE = 1e-12;

function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Population variance (two-pass). */
function variance(xs: readonly number[]): number {
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) * (x - m);
  return s / xs.length;
}

/** Pearson r with population moments; null when n < 2 or either variable is constant. */
export function pearson(a: readonly number[], b: readonly number[]): number | null {
  const n = a.length;
  if (n < 2 || b.length !== n) return null;
  const ma = mean(a);
  const mb = mean(b);
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let k = 0; k < n; k++) {
    const da = a[k]! - ma;
    const db = b[k]! - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  if (saa <= NOISE * n || sbb <= NOISE * n) return null;
  const r = sab / Math.sqrt(saa * sbb);
  if (Math.abs(r) < NOISE) return 0;
  return Math.max(-1, Math.min(1, r));
}

/** Standard normal density. */
function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}

/**
 * Inverse of the standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9, ample for four
 * decimals). Defined for 0 < q < 1.
 */
export function normalQuantile(q: number): number {
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (q < low) {
    const t = Math.sqrt(-2 * Math.log(q));
    return (((((c[0]! * t + c[1]!) * t + c[2]!) * t + c[3]!) * t + c[4]!) * t + c[5]!) / ((((d[0]! * t + d[1]!) * t + d[2]!) * t + d[3]!) * t + 1);
  }
  if (q > 1 - low) return -normalQuantile(1 - q);
  const t = q - 0.5;
  const r = t * t;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * t) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

/**
 * D = p(upper) − p(lower). Each group holds g = round(0.27·n) candidates (half rounds up) ranked by X. Candidates tied
 * at a group's cut score share the remaining places: each counts with weight (places left)/(candidates tied), which is
 * the average of D over every way of breaking the ties, so D does not depend on the order of the rows.
 */
export function discriminationIndex(u: readonly number[], x: readonly number[]): number | null {
  const n = u.length;
  const g = Math.round(EXTREME_GROUP_FRACTION * n);
  if (n < 2 || g < 1) return null;
  const byScore = new Map<number, { count: number; correct: number }>();
  for (let k = 0; k < n; k++) {
    const cell = byScore.get(x[k]!) ?? { count: 0, correct: 0 };
    cell.count += 1;
    cell.correct += u[k]!;
    byScore.set(x[k]!, cell);
  }
  const scores = [...byScore.keys()].sort((s, t) => t - s);
  const groupCorrect = (ordered: number[]) => {
    let left = g;
    let correct = 0;
    for (const s of ordered) {
      if (left <= 0) break;
      const cell = byScore.get(s)!;
      const take = Math.min(left, cell.count);
      correct += (cell.correct * take) / cell.count;
      left -= take;
    }
    return correct / g;
  };
  return groupCorrect(scores) - groupCorrect([...scores].reverse());
}

/** KR-20 = L/(L−1)·(1 − Σpq/σ²_X) from the item count, Σpq and the totals; null when L < 2, N < 2 or σ²_X = 0. */
function kr20(L: number, sumPq: number, totals: readonly number[]): number | null {
  if (L < 2 || totals.length < 2) return null;
  const v = variance(totals);
  if (v <= NOISE) return null;
  return (L / (L - 1)) * (1 - sumPq / v);
}

// ---------------------------------------------------------------------------------------------------------------------

function validate(items: AnalysisItem[], rows: ResponseRow[]): Problem[] {
  const problems: Problem[] = [];
  const byId = new Map<string, AnalysisItem>();
  items.forEach((item, i) => {
    if (byId.has(item.itemId)) problems.push({ pointer: `/items/${i}/itemId`, message: `item ${item.itemId} is listed twice` });
    byId.set(item.itemId, item);
    if (new Set(item.optionIds).size !== item.optionIds.length) problems.push({ pointer: `/items/${i}/optionIds`, message: `item ${item.itemId} lists an option twice` });
    if (!item.optionIds.includes(item.key)) {
      problems.push({ pointer: `/items/${i}/key`, message: `item ${item.itemId}: the key '${item.key}' is not one of its options (${item.optionIds.join(', ')})` });
    }
  });
  rows.forEach((row, r) => {
    const presented = row.presented ? new Set(row.presented) : null;
    for (const id of row.presented ?? []) {
      if (!byId.has(id)) problems.push({ pointer: `/rows/${r}/presented`, message: `candidate ${row.candidateId} was presented ${id}, which is not an analysed item` });
    }
    if (presented && presented.size === 0) problems.push({ pointer: `/rows/${r}/presented`, message: `candidate ${row.candidateId} was presented no items` });
    for (const [id, chosen] of Object.entries(row.responses)) {
      const item = byId.get(id);
      const pointer = `/rows/${r}/responses/${id.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (!item) problems.push({ pointer, message: `candidate ${row.candidateId} answered ${id}, which is not an analysed item` });
      else if (presented && !presented.has(id)) problems.push({ pointer, message: `candidate ${row.candidateId} answered ${id}, which they were not presented` });
      else if (chosen !== null && !item.optionIds.includes(chosen)) {
        problems.push({ pointer, message: `candidate ${row.candidateId} chose '${chosen}' on ${id}, which is not one of its options (${item.optionIds.join(', ')})` });
      }
    }
  });
  return problems;
}

const f2 = (x: number) => x.toFixed(2);
const f3 = (x: number) => x.toFixed(3);
/** A share as a percentage: 0.046 → "4.6%", 0.05 → "5%". */
const pct = (x: number) => `${Number((x * 100).toFixed(1))}%`;

function flagItem(s: Omit<ItemStatistics, 'flags'>, t: FlagThresholds): ItemFlag[] {
  const flags: ItemFlag[] = [];
  if (s.p !== null) {
    if (s.p < t.pMin) {
      flags.push({
        code: 'TOO_HARD',
        severity: 'warning',
        message: `Only ${Math.round(s.p * s.n)} of ${s.n} candidates answered correctly (p = ${f3(s.p)}, below ${f2(t.pMin)}): check that the item is clear, fair and correctly keyed.`,
      });
    }
    if (s.p > t.pMax) {
      flags.push({
        code: 'TOO_EASY',
        severity: 'warning',
        message: `${Math.round(s.p * s.n)} of ${s.n} candidates answered correctly (p = ${f3(s.p)}, above ${f2(t.pMax)}): the item tells candidates apart very little; keep it only if the content is critical.`,
      });
    }
  }
  const rc = s.correctedPointBiserial;
  if (rc !== null && rc < t.minCorrectedPointBiserial) {
    flags.push({
      code: 'LOW_DISCRIMINATION',
      severity: 'warning',
      message: `Candidates who did well on the rest of the test were ${rc < 0 ? 'less' : 'hardly more'} likely to answer correctly (corrected r_pb = ${f3(rc)}, below ${f2(t.minCorrectedPointBiserial)}).`,
    });
  }
  const distractors = s.options.filter((o) => !o.isKey);
  for (const o of distractors) {
    if (o.pointBiserial !== null && o.pointBiserial > 0) {
      flags.push({
        code: 'DISTRACTOR_POSITIVE',
        severity: 'warning',
        optionId: o.optionId,
        message: `Distractor ${o.optionId} correlates positively with the total score (r_pb = ${f3(o.pointBiserial)}; ${o.count} of ${s.n} chose it): stronger candidates tended to choose it, so it may be a second correct answer or the real key.`,
      });
    }
  }
  const positive = distractors.filter((o) => o.pointBiserial !== null && o.pointBiserial > 0).sort((a, b) => b.pointBiserial! - a.pointBiserial!);
  if (rc !== null && rc < 0 && positive.length > 0) {
    const best = positive[0]!;
    flags.push({
      code: 'PROBABLE_MISKEY',
      severity: 'warning',
      optionId: best.optionId,
      message: `Probable miskey: the key ${s.key} correlates negatively with the rest of the test (corrected r_pb = ${f3(rc)}) while option ${best.optionId} correlates positively (r_pb = ${f3(best.pointBiserial!)}). Check the key; if it is wrong, an admin can correct it and rescore the item.`,
    });
  }
  const minShare = t.minDistractorShare;
  if (minShare !== undefined && s.n > 0) {
    for (const o of distractors) {
      if (o.share !== null && o.share < minShare) {
        flags.push({
          code: 'NONFUNCTIONAL_DISTRACTOR',
          severity: 'info',
          optionId: o.optionId,
          message: `Distractor ${o.optionId} was chosen by ${o.count} of ${s.n} candidates (${pct(o.share)}, below ${pct(minShare)}): ${o.count === 0 ? 'nobody finds it plausible' : 'hardly anyone finds it plausible'}; consider rewriting it.`,
        });
      }
    }
  }
  return flags;
}

/**
 * Analyses the responses of `rows` to `items`. Each item's statistics use only the candidates who were presented it;
 * a candidate's total X is their number correct on the items they were presented. Throws AnalysisInputError when a
 * response, key or presented list does not fit the items, or a threshold is out of range.
 */
export function analyzeResponses(items: AnalysisItem[], rows: ResponseRow[], thresholds: Partial<FlagThresholds> = {}): AnalysisResult {
  const t = resolveThresholds(thresholds);
  const problems = validate(items, rows);
  if (problems.length > 0) throw new AnalysisInputError(problems);

  const allIds = items.map((i) => i.itemId);
  const presentedSets = rows.map((row) => new Set(row.presented ?? allIds));
  const keyOf = new Map(items.map((i) => [i.itemId, i.key]));
  const totals = rows.map((row, r) => {
    let x = 0;
    for (const id of presentedSets[r]!) if (row.responses[id] === keyOf.get(id)) x += 1;
    return x;
  });

  const itemStats: ItemStatistics[] = items.map((item) => {
    const u: number[] = [];
    const x: number[] = [];
    const chosen: (string | null)[] = [];
    rows.forEach((row, r) => {
      if (!presentedSets[r]!.has(item.itemId)) return;
      const c = row.responses[item.itemId] ?? null;
      chosen.push(c);
      u.push(c === item.key ? 1 : 0);
      x.push(totals[r]!);
    });
    const n = u.length;
    const p = n > 0 ? mean(u) : null;
    const pointBiserial = pearson(u, x);
    const correctedPointBiserial = pearson(
      u,
      x.map((xi, k) => xi - u[k]!),
    );
    const biserial = pointBiserial !== null && p !== null ? (pointBiserial * Math.sqrt(p * (1 - p))) / normalPdf(normalQuantile(p)) : null;
    const options: OptionStats[] = item.optionIds.map((optionId) => {
      const indicator: number[] = chosen.map((c) => (c === optionId ? 1 : 0));
      const count = indicator.reduce((s, v) => s + v, 0);
      return { optionId, isKey: optionId === item.key, count, share: n > 0 ? count / n : null, pointBiserial: pearson(indicator, x) };
    });
    const base = {
      itemId: item.itemId,
      key: item.key,
      n,
      p,
      pointBiserial,
      correctedPointBiserial,
      biserial,
      discriminationIndex: discriminationIndex(u, x),
      omitShare: n > 0 ? chosen.filter((c) => c === null).length / n : null,
      options,
    };
    return { ...base, flags: flagItem(base, t) };
  });

  const N = rows.length;
  const L = items.length;
  const complete = presentedSets.every((s) => s.size === L);
  const notes: string[] = [];
  let reliability: number | null = null;
  let alphaIfDeleted: Record<string, number | null> | undefined;
  if (N === 0) notes.push('There are no candidates.');
  else if (!complete) notes.push('KR-20, SEM and alpha-if-deleted need every candidate to have been presented every item (a fixed form); analyse each form separately.');
  else {
    const columns = items.map((item) => rows.map((row) => (row.responses[item.itemId] === item.key ? 1 : 0)));
    const pq = columns.map((col) => {
      const p = mean(col);
      return p * (1 - p);
    });
    const sumPq = pq.reduce((a, b) => a + b, 0);
    reliability = kr20(L, sumPq, totals);
    if (reliability === null) notes.push(L < 2 ? 'KR-20 needs at least two items.' : N < 2 ? 'KR-20 needs at least two candidates.' : 'KR-20 is undefined: every candidate has the same total score.');
    alphaIfDeleted = Object.fromEntries(
      items.map((item, i) => [
        item.itemId,
        kr20(
          L - 1,
          sumPq - pq[i]!,
          totals.map((xt, k) => xt - columns[i]![k]!),
        ),
      ]),
    );
  }
  const sd = N > 0 ? Math.sqrt(variance(totals)) : null;
  const maxScore = presentedSets.reduce((m, s) => Math.max(m, s.size), 0);
  const counts = new Array<number>(maxScore + 1).fill(0);
  for (const xt of totals) counts[xt] = counts[xt]! + 1;

  const form: FormStatistics = {
    candidates: N,
    items: L,
    complete,
    mean: N > 0 ? mean(totals) : null,
    sd,
    kr20: reliability,
    sem: reliability !== null && sd !== null ? sd * Math.sqrt(Math.max(0, 1 - reliability)) : null,
    distribution: N > 0 ? counts.map((count, score) => ({ score, count })) : [],
    ...(alphaIfDeleted ? { alphaIfDeleted } : {}),
    notes,
  };
  return { items: itemStats, form, thresholds: t };
}
