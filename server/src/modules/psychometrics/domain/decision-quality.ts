/**
 * Decision quality at the cut (docs/measurement.md §5): Rudner's classification accuracy and consistency from the
 * candidates' ability estimates and standard errors, and pass rates by month. Pure.
 *
 * Rudner (2001, 2005): with θ̂ ~ N(θ, SE²), a candidate's probability of a true ability at or above the cut is
 * p = Φ((θ̂ − θ_cut)/SE). Accuracy is the mean probability that the observed decision matches the true one (p for a
 * pass, 1 − p for a fail); consistency, that two independent administrations agree, is the mean of p² + (1 − p)².
 */

export interface Classified {
  theta: number;
  se: number;
  passed: boolean;
}

export interface DecisionQuality {
  candidates: number;
  passRate: number | null;
  /** Expected share classified as their true status would classify them. */
  accuracy: number | null;
  /** Expected share classified the same way on a second, parallel administration. */
  consistency: number | null;
  /** Expected shares passed below the cut and failed above it. */
  falsePositive: number | null;
  falseNegative: number | null;
}

/** Φ(z) through erfc by the Chebyshev fit of Numerical Recipes (erfcc), fractional error below 1.2e-7. */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const erfc =
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return z >= 0 ? 1 - erfc / 2 : erfc / 2;
}

export function decisionQuality(candidates: readonly Classified[], thetaCut: number): DecisionQuality {
  const n = candidates.length;
  if (n === 0) return { candidates: 0, passRate: null, accuracy: null, consistency: null, falsePositive: null, falseNegative: null };
  let acc = 0;
  let con = 0;
  let fp = 0;
  let fn = 0;
  let passes = 0;
  for (const c of candidates) {
    if (!(c.se > 0) || !Number.isFinite(c.theta)) throw new RangeError(`every candidate needs a finite ability and a positive standard error, got θ=${c.theta}, SE=${c.se}`);
    const p = normalCdf((c.theta - thetaCut) / c.se);
    if (c.passed) {
      passes++;
      acc += p;
      fp += 1 - p;
    } else {
      acc += 1 - p;
      fn += p;
    }
    con += p * p + (1 - p) * (1 - p);
  }
  return { candidates: n, passRate: passes / n, accuracy: acc / n, consistency: con / n, falsePositive: fp / n, falseNegative: fn / n };
}

/** Pass rates per calendar month (UTC, YYYY-MM), oldest first. */
export function passRatesByMonth(results: readonly { at: Date; passed: boolean }[]): { month: string; candidates: number; passed: number; passRate: number }[] {
  const by = new Map<string, { candidates: number; passed: number }>();
  for (const r of results) {
    const month = r.at.toISOString().slice(0, 7);
    const m = by.get(month) ?? { candidates: 0, passed: 0 };
    m.candidates++;
    if (r.passed) m.passed++;
    by.set(month, m);
  }
  return [...by.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([month, m]) => ({ month, ...m, passRate: m.passed / m.candidates }));
}
