/**
 * Exposure and retirement signals: from an item's classical statistics and its exposure, whether to suggest retiring
 * or rewriting it, and the numbers that justify the suggestion. Pure: no clock, no randomness, no database.
 *
 * Rules (docs/item-analysis.md, "Exposure and retirement signals"):
 * - OVER_EXPOSED: exposure rate > maxExposureRate. Its content may be circulating; suggests retire.
 * - NEGATIVE_DISCRIMINATION: corrected r_pb < 0. Suggests retire, unless a distractor beats the key (then the key is
 *   probably wrong and a rewrite, or a key correction, can save it).
 * - LOW_DISCRIMINATION: 0 ≤ corrected r_pb < minCorrectedPointBiserial; suggests rewrite.
 * - DISTRACTOR_BEATS_KEY: a distractor's r_pb is positive and above the key's r_pb (high scorers prefer it to the key);
 *   suggests rewrite.
 * - TOO_HARD / TOO_EASY: p outside [pMin, pMax]; suggests rewrite.
 * Retire wins over rewrite when both apply. A reason is raised only when its statistic is defined.
 */
import type { ExposurePolicy, FlagThresholds, ItemStatistics, ItemSuggestion, SuggestionReason } from '../../../../../shared/api/item-analysis.ts';

export type { ExposurePolicy, ItemSuggestion, SuggestionReason } from '../../../../../shared/api/item-analysis.ts';

/** Over-exposure review threshold used when the configuration sets none (ANALYSIS_MAX_EXPOSURE_RATE). */
export const DEFAULT_MAX_EXPOSURE_RATE = 0.25;
/** Below this n the suggestion carries a caution: classical statistics are unstable (CPT.md §2.5). */
export const STABLE_MIN_N = 100;

export interface ExposureFacts {
  /** Candidates whose form held the item. */
  exposure: number;
  /** Candidates analysed for the item's module (the denominator of the exposure rate). */
  candidates: number;
}

/** exposure / candidates; null when there are no candidates. */
export function exposureRate(e: ExposureFacts): number | null {
  return e.candidates > 0 ? e.exposure / e.candidates : null;
}

const f3 = (x: number) => x.toFixed(3);

/** The suggestion for one item, or null when its statistics give no reason to retire or rewrite it. */
export function suggestItemAction(
  stats: Pick<ItemStatistics, 'n' | 'p' | 'pointBiserial' | 'correctedPointBiserial' | 'options'>,
  exposure: ExposureFacts,
  thresholds: FlagThresholds,
  policy: ExposurePolicy,
): ItemSuggestion | null {
  const reasons: SuggestionReason[] = [];
  const rate = exposureRate(exposure);
  if (rate !== null && rate > policy.maxExposureRate) {
    reasons.push({
      code: 'OVER_EXPOSED',
      statistic: 'exposureRate',
      value: rate,
      threshold: policy.maxExposureRate,
      message: `Seen by ${exposure.exposure} of ${exposure.candidates} candidates (exposure rate ${f3(rate)}, above ${f3(policy.maxExposureRate)}): its content may be known; retire it or replace it with a fresh item.`,
    });
  }
  const key = stats.options.find((o) => o.isKey);
  const keyR = key?.pointBiserial ?? stats.pointBiserial;
  let beaten = false;
  for (const o of stats.options) {
    if (o.isKey || o.pointBiserial === null || o.pointBiserial <= 0) continue;
    if (keyR === null || o.pointBiserial > keyR) {
      beaten = true;
      reasons.push({
        code: 'DISTRACTOR_BEATS_KEY',
        statistic: 'options[].pointBiserial',
        value: o.pointBiserial,
        threshold: keyR ?? 0,
        optionId: o.optionId,
        message: `High scorers prefer option ${o.optionId} to the key${key ? ` ${key.optionId}` : ''} (r_pb ${f3(o.pointBiserial)} against the key's ${keyR === null ? 'undefined r_pb' : f3(keyR)}): check the key and rewrite the option.`,
      });
    }
  }
  const rc = stats.correctedPointBiserial;
  if (rc !== null && rc < 0) {
    reasons.push({
      code: 'NEGATIVE_DISCRIMINATION',
      statistic: 'correctedPointBiserial',
      value: rc,
      threshold: 0,
      message: `Candidates who did well on the rest of the test got it wrong more often (corrected r_pb ${f3(rc)}, below 0).`,
    });
  } else if (rc !== null && rc < thresholds.minCorrectedPointBiserial) {
    reasons.push({
      code: 'LOW_DISCRIMINATION',
      statistic: 'correctedPointBiserial',
      value: rc,
      threshold: thresholds.minCorrectedPointBiserial,
      message: `It barely tells strong from weak candidates apart (corrected r_pb ${f3(rc)}, below ${f3(thresholds.minCorrectedPointBiserial)}).`,
    });
  }
  if (stats.p !== null && stats.p < thresholds.pMin) {
    reasons.push({ code: 'TOO_HARD', statistic: 'p', value: stats.p, threshold: thresholds.pMin, message: `Too hard: p ${f3(stats.p)}, below ${f3(thresholds.pMin)}.` });
  }
  if (stats.p !== null && stats.p > thresholds.pMax) {
    reasons.push({ code: 'TOO_EASY', statistic: 'p', value: stats.p, threshold: thresholds.pMax, message: `Too easy: p ${f3(stats.p)}, above ${f3(thresholds.pMax)}; keep it only if the content is critical.` });
  }
  if (!reasons.length) return null;
  const retire = reasons.some((r) => r.code === 'OVER_EXPOSED' || (r.code === 'NEGATIVE_DISCRIMINATION' && !beaten));
  const statistical = reasons.some((r) => r.code !== 'OVER_EXPOSED');
  return {
    action: retire ? 'retire' : 'rewrite',
    reasons,
    caution:
      statistical && stats.n < STABLE_MIN_N
        ? `Based on ${stats.n} candidate${stats.n === 1 ? '' : 's'}; statistics from fewer than ${STABLE_MIN_N} are unstable, so confirm with more data before acting.`
        : null,
  };
}
