/**
 * Item-analysis results as the API returns them (GET /api/bank/analysis, `cpt-exam stats --json`). The statistics are
 * computed in server/src/modules/psychometrics/domain/item-analysis.ts.
 */
import { z } from 'zod';

export const flagThresholdsSchema = z.object({
  /** Below this p the item is flagged TOO_HARD. */
  pMin: z.number(),
  /** Above this p the item is flagged TOO_EASY. */
  pMax: z.number(),
  /** Below this corrected point-biserial the item is flagged LOW_DISCRIMINATION. */
  minCorrectedPointBiserial: z.number(),
  /** A distractor chosen by fewer than this share of the candidates is NONFUNCTIONAL_DISTRACTOR (info). */
  minDistractorShare: z.number().optional(),
});
export type FlagThresholds = z.infer<typeof flagThresholdsSchema>;

export const optionStatsSchema = z.object({
  optionId: z.string(),
  isKey: z.boolean(),
  count: z.number().int(),
  /** count / n (n = candidates presented the item); null when n = 0. */
  share: z.number().nullable(),
  /** Pearson r of "chose this option" (1/0) with the total score X; null when undefined. */
  pointBiserial: z.number().nullable(),
});
export type OptionStats = z.infer<typeof optionStatsSchema>;

export const ITEM_FLAG_CODES = ['TOO_HARD', 'TOO_EASY', 'LOW_DISCRIMINATION', 'DISTRACTOR_POSITIVE', 'PROBABLE_MISKEY', 'NONFUNCTIONAL_DISTRACTOR'] as const;
export type ItemFlagCode = (typeof ITEM_FLAG_CODES)[number];

export const itemFlagSchema = z.object({
  code: z.enum(ITEM_FLAG_CODES),
  severity: z.enum(['warning', 'info']),
  message: z.string(),
  /** The distractor concerned (DISTRACTOR_POSITIVE, NONFUNCTIONAL_DISTRACTOR, and the strongest one for PROBABLE_MISKEY). */
  optionId: z.string().optional(),
});
export type ItemFlag = z.infer<typeof itemFlagSchema>;

export const itemStatisticsSchema = z.object({
  itemId: z.string(),
  key: z.string(),
  /** Candidates who were presented the item; every other statistic of the item uses only them. */
  n: z.number().int(),
  /** Proportion correct; null when n = 0. */
  p: z.number().nullable(),
  /** Pearson r of the item score u with the total X. */
  pointBiserial: z.number().nullable(),
  /** Pearson r of u with X − u (the rest score). */
  correctedPointBiserial: z.number().nullable(),
  /** r_pb·√(pq)/φ(Φ⁻¹(p)); null when r_pb is null. */
  biserial: z.number().nullable(),
  /** p in the upper 27% by X minus p in the lower 27%; group size round(0.27·n), ties at the cut shared fractionally. */
  discriminationIndex: z.number().nullable(),
  /** Share of the n candidates who were presented the item and left it unanswered; null when n = 0. */
  omitShare: z.number().nullable(),
  options: z.array(optionStatsSchema),
  flags: z.array(itemFlagSchema),
});
export type ItemStatistics = z.infer<typeof itemStatisticsSchema>;

export const formStatisticsSchema = z.object({
  candidates: z.number().int(),
  items: z.number().int(),
  /** True when every candidate was presented every item (a fixed form); KR-20 and SEM need it. */
  complete: z.boolean(),
  /** Mean of X; null when there are no candidates. */
  mean: z.number().nullable(),
  /** Population SD of X; null when there are no candidates. */
  sd: z.number().nullable(),
  kr20: z.number().nullable(),
  sem: z.number().nullable(),
  /** Number of candidates per total score, for every score from 0 to the longest presented set. */
  distribution: z.array(z.object({ score: z.number().int(), count: z.number().int() })),
  /** KR-20 of the remaining items when each item is left out; null entries where undefined. */
  alphaIfDeleted: z.record(z.string(), z.number().nullable()).optional(),
  /** Why a form statistic is null, in plain words. */
  notes: z.array(z.string()),
});
export type FormStatistics = z.infer<typeof formStatisticsSchema>;

export const SUGGESTION_REASON_CODES = ['OVER_EXPOSED', 'NEGATIVE_DISCRIMINATION', 'LOW_DISCRIMINATION', 'DISTRACTOR_BEATS_KEY', 'TOO_HARD', 'TOO_EASY'] as const;
export type SuggestionReasonCode = (typeof SUGGESTION_REASON_CODES)[number];

/** One statistic that justifies a suggestion: its name, value and the threshold it crossed. */
export const suggestionReasonSchema = z.object({
  code: z.enum(SUGGESTION_REASON_CODES),
  /** The statistic's name as the analysis reports it (exposureRate, correctedPointBiserial, p, options[].pointBiserial). */
  statistic: z.string(),
  value: z.number(),
  threshold: z.number(),
  message: z.string(),
  /** The distractor concerned (DISTRACTOR_BEATS_KEY). */
  optionId: z.string().optional(),
});
export type SuggestionReason = z.infer<typeof suggestionReasonSchema>;

/** What the statistics suggest doing with an item (server/src/modules/psychometrics/domain/retirement-signals.ts). */
export const itemSuggestionSchema = z.object({
  action: z.enum(['retire', 'rewrite']),
  reasons: z.array(suggestionReasonSchema).min(1),
  /** Set when the item's n is below the stable-statistics minimum (100, CPT.md §2.5). */
  caution: z.string().nullable(),
});
export type ItemSuggestion = z.infer<typeof itemSuggestionSchema>;

export const exposurePolicySchema = z.object({
  /** An item seen by more than this share of the module's analysed candidates is over-exposed. */
  maxExposureRate: z.number(),
});
export type ExposurePolicy = z.infer<typeof exposurePolicySchema>;

/** An item's statistics with its delivery facts, as GET /api/bank/analysis reports them. */
export const deliveredItemStatisticsSchema = itemStatisticsSchema.extend({
  /** Candidates whose form held the item. */
  exposure: z.number().int(),
  /** Distinct delivered forms (of the analysed sessions) that held the item. */
  forms: z.number().int(),
  /** exposure / the module's analysed sessions; null when there are none. */
  exposureRate: z.number().nullable(),
  overExposed: z.boolean(),
  role: z.enum(['scored', 'pretest']),
  /** Retire or rewrite, with the statistics that justify it; null when nothing is suggested. */
  suggestion: itemSuggestionSchema.nullable(),
  /** Where the item's n comes from: candidates presented the item, per bank release (id and name null: the live bank). */
  releases: z.array(z.object({ id: z.string().nullable(), name: z.string().nullable(), candidates: z.number().int() })),
});
export type DeliveredItemStatistics = z.infer<typeof deliveredItemStatisticsSchema>;

export const moduleAnalysisSchema = z.object({
  module: z.string(),
  sessions: z.number().int(),
  items: z.array(deliveredItemStatisticsSchema),
  form: formStatisticsSchema.nullable(),
  thresholds: flagThresholdsSchema,
  exposurePolicy: exposurePolicySchema,
  /**
   * The module's scored sessions per bank release their forms came from (id and name null: the live bank, no release),
   * whatever the filter: the releases one can filter by.
   */
  releases: z.array(z.object({ id: z.string().nullable(), name: z.string().nullable(), sessions: z.number().int() })),
  /** The sessions analysed: all (release null, name null), one release (its id and name) or the live bank (`live`, name null). */
  scope: z.object({ release: z.string().nullable(), name: z.string().nullable() }),
});
export type ModuleAnalysis = z.infer<typeof moduleAnalysisSchema>;
