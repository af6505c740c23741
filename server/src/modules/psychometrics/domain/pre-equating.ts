/**
 * Pre-equated scoring on the Rasch scale (docs/measurement.md §4): the test characteristic curve of a form, the raw
 * cut that corresponds to an ability cut, the raw-to-ability table and the reporting scale. Pure.
 *
 * Under the Rasch model the maximum-likelihood ability for raw score x on a form solves TCC(θ) = x, and TCC is
 * increasing, so θ̂(x) ≥ θ_cut exactly when x ≥ TCC(θ_cut). The raw cut of a form is therefore ⌈TCC(θ_cut)⌉: every form
 * passes the same abilities, whatever its difficulty.
 */
import { abilityFor } from './rasch.ts';

/** A reporting scale pinned to the cut: scale = cut + perLogit·(θ − θ_cut), rounded, within [min, max]. */
export interface ReportingScale {
  min: number;
  max: number;
  cut: number;
  perLogit: number;
}

const logistic = (x: number) => 1 / (1 + Math.exp(-x));

/** Expected raw score at θ: Σ P_i(θ). */
export function testCharacteristic(difficulties: readonly number[], theta: number): number {
  return difficulties.reduce((s, b) => s + logistic(theta - b), 0);
}

/** Test information at θ: Σ P_i(1 − P_i). */
export function testInformation(difficulties: readonly number[], theta: number): number {
  return difficulties.reduce((s, b) => {
    const p = logistic(theta - b);
    return s + p * (1 - p);
  }, 0);
}

/** TCC values this close under an integer count as that integer (rounding noise of the sum, never a real gap). */
const INTEGER_SLACK = 1e-9;

/** The smallest raw score whose ability estimate reaches θ_cut: ⌈TCC(θ_cut)⌉. */
export function preEquatedRawCut(difficulties: readonly number[], thetaCut: number): number {
  return Math.ceil(testCharacteristic(difficulties, thetaCut) - INTEGER_SLACK);
}

export interface RawToTheta {
  raw: number;
  theta: number;
  se: number;
  /** MLE for 1..L−1; Warm's WLE for 0 and L, where the MLE is infinite. */
  method: 'MLE' | 'WLE';
}

export function abilityForRaw(difficulties: readonly number[], raw: number): RawToTheta {
  const L = difficulties.length;
  if (!Number.isInteger(raw) || raw < 0 || raw > L) throw new RangeError(`raw score must be a whole number from 0 to ${L}, got ${raw}`);
  const extreme = raw === 0 || raw === L;
  const est = abilityFor(raw, difficulties, extreme)!;
  return { raw, theta: est.theta, se: est.se, method: extreme ? 'WLE' : 'MLE' };
}

/** The raw-to-ability table of a form: one row per raw score 0..L. */
export function rawToThetaTable(difficulties: readonly number[]): RawToTheta[] {
  return Array.from({ length: difficulties.length + 1 }, (_, raw) => abilityForRaw(difficulties, raw));
}

/**
 * The reported scale score. A pass never shows below the scale cut and a fail never at or above it, whatever the
 * rounding does near the cut.
 */
export function scaleScore(theta: number, thetaCut: number, scale: ReportingScale, passed: boolean): number {
  const raw = Math.round(scale.cut + scale.perLogit * (theta - thetaCut));
  const pinned = passed ? Math.max(raw, scale.cut) : Math.min(raw, scale.cut - 1);
  return Math.min(scale.max, Math.max(scale.min, pinned));
}

export interface PreEquatedScore {
  rawCut: number;
  theta: number;
  thetaSe: number;
  thetaMethod: 'MLE' | 'WLE';
  passed: boolean;
  scaleScore: number;
  /** Expected raw score at the cut, TCC(θ_cut), before rounding up. */
  expectedRawAtCut: number;
  /** Information and conditional SEM (1/√I) at the cut. */
  informationAtCut: number;
  csemAtCut: number;
}

/** Scores raw score `raw` on a form of scored items with `difficulties`, against θ_cut. */
export function preEquatedScore(difficulties: readonly number[], raw: number, thetaCut: number, scale: ReportingScale): PreEquatedScore {
  if (difficulties.length === 0) throw new RangeError('a form needs scored items with difficulties');
  const rawCut = preEquatedRawCut(difficulties, thetaCut);
  const est = abilityForRaw(difficulties, raw);
  const passed = raw >= rawCut;
  const info = testInformation(difficulties, thetaCut);
  return {
    rawCut,
    theta: est.theta,
    thetaSe: est.se,
    thetaMethod: est.method,
    passed,
    scaleScore: scaleScore(est.theta, thetaCut, scale, passed),
    expectedRawAtCut: testCharacteristic(difficulties, thetaCut),
    informationAtCut: info,
    csemAtCut: 1 / Math.sqrt(info),
  };
}

/** P(X = x | θ) for x = 0..L on a form (the Lord–Wingersky recursion). */
export function rawScoreDistribution(difficulties: readonly number[], theta: number): number[] {
  let f = [1];
  for (const b of difficulties) {
    const p = logistic(theta - b);
    const g = new Array<number>(f.length + 1).fill(0);
    f.forEach((v, k) => {
      g[k]! += v * (1 - p);
      g[k + 1]! += v * p;
    });
    f = g;
  }
  return f;
}

/** P(X ≥ rawCut | θ): the probability that a candidate of ability θ passes the form. */
export function passProbability(difficulties: readonly number[], theta: number, rawCut: number): number {
  return rawScoreDistribution(difficulties, theta)
    .slice(Math.max(0, rawCut))
    .reduce((s, v) => s + v, 0);
}

/** θ from −3 to 3 by 0.25: where parallel forms' characteristic curves are compared. */
export const TCC_GRID: readonly number[] = Array.from({ length: 25 }, (_, k) => -3 + k * 0.25);

/**
 * The largest difference between two forms' test characteristic curves over a θ grid, in raw-score points, and where
 * it is. Parallel forms should differ by little anywhere near the cut (CPT.md §2.2).
 */
export function tccDifference(a: readonly number[], b: readonly number[], grid: readonly number[] = TCC_GRID): { maxDifference: number; at: number } {
  let maxDifference = 0;
  let at = grid[0] ?? 0;
  for (const t of grid) {
    const d = Math.abs(testCharacteristic(a, t) - testCharacteristic(b, t));
    if (d > maxDifference) {
      maxDifference = d;
      at = t;
    }
  }
  return { maxDifference, at };
}
