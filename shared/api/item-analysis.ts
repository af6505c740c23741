/**
 * Item-analysis results as the API returns them (GET /api/bank/analysis, `cpt-exam stats --json`). Types only; the
 * statistics are computed in server/src/modules/psychometrics/domain/item-analysis.ts.
 */

export interface FlagThresholds {
  /** Below this p the item is flagged TOO_HARD. */
  pMin: number;
  /** Above this p the item is flagged TOO_EASY. */
  pMax: number;
  /** Below this corrected point-biserial the item is flagged LOW_DISCRIMINATION. */
  minCorrectedPointBiserial: number;
  /** A distractor chosen by fewer than this share of the candidates is NONFUNCTIONAL_DISTRACTOR (info). */
  minDistractorShare?: number;
}


export interface OptionStats {
  optionId: string;
  isKey: boolean;
  count: number;
  /** count / n (n = candidates presented the item); null when n = 0. */
  share: number | null;
  /** Pearson r of "chose this option" (1/0) with the total score X; null when undefined. */
  pointBiserial: number | null;
}

export type ItemFlagCode = 'TOO_HARD' | 'TOO_EASY' | 'LOW_DISCRIMINATION' | 'DISTRACTOR_POSITIVE' | 'PROBABLE_MISKEY' | 'NONFUNCTIONAL_DISTRACTOR';

export interface ItemFlag {
  code: ItemFlagCode;
  severity: 'warning' | 'info';
  message: string;
  /** The distractor concerned (DISTRACTOR_POSITIVE, NONFUNCTIONAL_DISTRACTOR, and the strongest one for PROBABLE_MISKEY). */
  optionId?: string;
}

export interface ItemStatistics {
  itemId: string;
  key: string;
  /** Candidates who were presented the item; every other statistic of the item uses only them. */
  n: number;
  /** Proportion correct; null when n = 0. */
  p: number | null;
  /** Pearson r of the item score u with the total X. */
  pointBiserial: number | null;
  /** Pearson r of u with X − u (the rest score). */
  correctedPointBiserial: number | null;
  /** r_pb·√(pq)/φ(Φ⁻¹(p)); null when r_pb is null. */
  biserial: number | null;
  /** p in the upper 27% by X minus p in the lower 27%; group size round(0.27·n), ties at the cut shared fractionally. */
  discriminationIndex: number | null;
  /** Share of the n candidates who were presented the item and left it unanswered; null when n = 0. */
  omitShare: number | null;
  options: OptionStats[];
  flags: ItemFlag[];
}

export interface FormStatistics {
  candidates: number;
  items: number;
  /** True when every candidate was presented every item (a fixed form); KR-20 and SEM need it. */
  complete: boolean;
  /** Mean of X; null when there are no candidates. */
  mean: number | null;
  /** Population SD of X; null when there are no candidates. */
  sd: number | null;
  kr20: number | null;
  sem: number | null;
  /** Number of candidates per total score, for every score from 0 to the longest presented set. */
  distribution: { score: number; count: number }[];
  /** KR-20 of the remaining items when each item is left out; null entries where undefined. */
  alphaIfDeleted?: Record<string, number | null>;
  /** Why a form statistic is null, in plain words. */
  notes: string[];
}

/** An item's statistics with its delivery facts, as GET /api/bank/analysis reports them. */
export interface DeliveredItemStatistics extends ItemStatistics {
  /** Candidates whose form held the item. */
  exposure: number;
  role: 'scored' | 'pretest';
}

export interface ModuleAnalysis {
  module: string;
  sessions: number;
  items: DeliveredItemStatistics[];
  form: FormStatistics | null;
  thresholds: FlagThresholds;
}
