/**
 * The per-KWA diagnostic of the score report (CPT.md §1.4, §2.6): items, number correct, percent correct, a Wilson 95%
 * band and a label. It is for self-improvement only and never feeds the pass/fail decision.
 */
import type { KwaLabel, KwaResult } from '../../../../../shared/api/score-report.ts';

/** Φ⁻¹(0.975): the two-sided 95% normal quantile. */
export const WILSON_Z_95 = 1.959963984540054;

/** Below this many scored items a KWA is labelled "too-few-items" (CPT.md §2.6: "insufficient data" below ~5). */
export const KWA_MIN_ITEMS = 5;

export const DIAGNOSTIC_NOTE =
  'The results by Key Work Activity are for self-improvement only and do not decide whether you passed or failed. ' +
  'Areas with few questions give imprecise results, so read the ranges, not just the percentages.';

/** A score report's line for one KWA (shared/api/score-report.ts: the API, the PDF and the client use the same). */
export type KwaDiagnostic = KwaResult;
export type { KwaLabel };

/**
 * Wilson score interval for `correct` successes in `n` trials, as proportions:
 * centre = (p̂ + z²/2n) / (1 + z²/n), half-width = z/(1 + z²/n) · √(p̂(1−p̂)/n + z²/4n²).
 * The ends are exactly 0 when correct = 0 and exactly 1 when correct = n.
 */
export function wilsonInterval(correct: number, n: number, z: number = WILSON_Z_95): { low: number; high: number } {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`the number of items must be a whole number of at least 1, got ${n}`);
  if (!Number.isInteger(correct) || correct < 0 || correct > n) throw new RangeError(`correct must be a whole number from 0 to ${n}, got ${correct}`);
  const p = correct / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return {
    low: correct === 0 ? 0 : Math.max(0, centre - half),
    high: correct === n ? 1 : Math.min(1, centre + half),
  };
}

/** 100·x/n rounded half up to one decimal, in exact integer arithmetic (x, n whole, n ≥ 1). */
export function percentOneDecimal(x: number, n: number): number {
  const tenths = Math.floor((2000 * x + n) / (2 * n));
  return tenths / 10;
}

/** A proportion in [0, 1] as a percent rounded half up to one decimal. */
function proportionToPercent(p: number): number {
  // Round at 1e-9 first so that 0.2307 * 1000 = 230.69999999999998 style artefacts do not flip the rounding.
  return Math.floor(Math.round(p * 1e9) / 1e6 + 0.5) / 10;
}

export interface KwaTally {
  kwa: string;
  items: number;
  correct: number;
}

/**
 * One diagnostic row per tally, ordered by KWA code. `meetsCut(correct, items)` decides "strength" (the KWA's exact
 * percent correct is at least the module's cut percent) versus "review"; KWAs below `minItems` items are
 * "too-few-items" whatever their score.
 */
export function kwaDiagnostics(
  tallies: KwaTally[],
  titles: Record<string, string>,
  meetsCut: (correct: number, items: number) => boolean,
  minItems: number = KWA_MIN_ITEMS,
): KwaDiagnostic[] {
  return [...tallies]
    .sort((a, b) => (a.kwa < b.kwa ? -1 : a.kwa > b.kwa ? 1 : 0))
    .map(({ kwa, items, correct }) => {
      const w = wilsonInterval(correct, items);
      const label: KwaLabel = items < minItems ? 'too-few-items' : meetsCut(correct, items) ? 'strength' : 'review';
      return {
        kwa,
        title: titles[kwa] ?? kwa,
        items,
        correct,
        percent: percentOneDecimal(correct, items),
        band: { low: proportionToPercent(w.low), high: proportionToPercent(w.high) },
        label,
      };
    });
}
