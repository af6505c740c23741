/**
 * Measurement on the Rasch scale (docs/measurement.md): calibration runs, the bank's item difficulties, the module's
 * scale (cut on the ability scale from a standard-setting study), per-form raw-to-ability tables and decision quality.
 */
import { z } from 'zod';
import { moduleCodeSchema } from '../vocabulary.ts';
import { timestamp } from './common.ts';

export const calibrationRequestSchema = z.strictObject({
  module: moduleCodeSchema,
  /** free: every item estimated, mean 0 (establishes a scale); anchored: the bank's difficulties held fixed. */
  kind: z.enum(['free', 'anchored']),
});

export const calibratedItemSchema = z.object({
  itemId: z.string(),
  status: z.enum(['estimated', 'anchored', 'all-correct', 'all-wrong', 'not-presented']),
  role: z.enum(['scored', 'pretest']),
  n: z.number().int(),
  correct: z.number().int(),
  difficulty: z.number().nullable(),
  se: z.number().nullable(),
  infit: z.number().nullable(),
  outfit: z.number().nullable(),
});

export const driftRowSchema = z.object({
  itemId: z.string(),
  bankDifficulty: z.number(),
  freshOnBankScale: z.number(),
  displacement: z.number(),
  z: z.number(),
  flagged: z.boolean(),
});

export const calibrationRunSchema = z.object({
  id: z.string(),
  module: z.string(),
  kind: z.enum(['free', 'anchored']),
  sessions: z.number().int(),
  createdAt: timestamp,
  adoptedAt: timestamp.nullable(),
  items: z.array(calibratedItemSchema),
  personSeparationReliability: z.number().nullable(),
  iterations: z.number().int(),
  notes: z.array(z.string()),
  /** Anchored runs: operational items' drift from a free calibration of the same data, linked by the mean shift. */
  drift: z.object({ shift: z.number(), items: z.array(driftRowSchema) }).nullable(),
});
export type CalibrationRun = z.infer<typeof calibrationRunSchema>;

export const calibrationSummarySchema = calibrationRunSchema.pick({ id: true, module: true, kind: true, sessions: true, createdAt: true, adoptedAt: true });

export const moduleQuerySchema = z.strictObject({ module: moduleCodeSchema });

export const adoptRequestSchema = z.strictObject({
  /** Items whose estimates become the bank's; absent = every estimated (not anchored) item of the run. */
  itemIds: z.array(z.string().min(1)).min(1).optional(),
});
export const adoptResponseSchema = z.object({ adopted: z.array(z.string()) });

export const itemParameterSchema = z.object({ itemId: z.string(), difficulty: z.number(), se: z.number(), n: z.number().int(), runId: z.string(), adoptedAt: timestamp });

export const reportingScaleSchema = z
  .strictObject({
    min: z.number().int(),
    max: z.number().int(),
    cut: z.number().int(),
    perLogit: z.number().positive('perLogit must be greater than 0'),
  })
  .refine((s) => s.min < s.cut && s.cut <= s.max, { message: 'the scale needs min < cut <= max', path: ['cut'] });

export const scaleRequestSchema = z.strictObject({
  module: moduleCodeSchema,
  /** The cut on the ability (logit) scale of the bank's difficulties. */
  thetaCut: z.number().min(-6, 'thetaCut must be between -6 and 6').max(6, 'thetaCut must be between -6 and 6'),
  scale: reportingScaleSchema,
  study: z.strictObject({
    method: z.string().trim().min(1, 'study.method is required (e.g. modified Angoff)').max(200),
    date: z.iso.date('study.date must be YYYY-MM-DD'),
    panelSize: z.number().int().min(1),
    summary: z.string().trim().min(1, 'study.summary is required').max(4000),
  }),
});

export const measurementScaleSchema = z.object({
  module: z.string(),
  version: z.number().int(),
  thetaCut: z.number(),
  scale: z.object({ min: z.number().int(), max: z.number().int(), cut: z.number().int(), perLogit: z.number() }),
  study: z.object({ method: z.string(), date: z.string(), panelSize: z.number().int(), summary: z.string() }),
  createdAt: timestamp,
  approvedAt: timestamp.nullable(),
  /** The approved scale scoring uses now (the newest approved version). */
  active: z.boolean(),
});
export type MeasurementScale = z.infer<typeof measurementScaleSchema>;

export const scaleParamsSchema = z.object({ module: moduleCodeSchema, version: z.coerce.number().int().min(1) });

export const formMeasurementSchema = z.object({
  formId: z.string(),
  module: z.string(),
  scoredItems: z.number().int(),
  /** Scored items without a bank difficulty: while any remain, the form is scored by its raw-percent cut. */
  uncalibrated: z.array(z.string()),
  thetaCut: z.number().nullable(),
  scaleVersion: z.number().int().nullable(),
  /** ⌈TCC(θ_cut)⌉ and TCC(θ_cut) itself. */
  rawCut: z.number().int().nullable(),
  expectedRawAtCut: z.number().nullable(),
  informationAtCut: z.number().nullable(),
  csemAtCut: z.number().nullable(),
  table: z.array(z.object({ raw: z.number().int(), theta: z.number(), se: z.number(), method: z.enum(['MLE', 'WLE']), scaleScore: z.number().int().nullable() })),
});

export const decisionQualityRowSchema = z.object({
  /** null: the whole module. */
  formId: z.string().nullable(),
  candidates: z.number().int(),
  passRate: z.number().nullable(),
  accuracy: z.number().nullable(),
  consistency: z.number().nullable(),
  falsePositive: z.number().nullable(),
  falseNegative: z.number().nullable(),
  csemAtCut: z.number().nullable(),
});

export const decisionQualitySchema = z.object({
  module: z.string(),
  thetaCut: z.number().nullable(),
  scaleVersion: z.number().int().nullable(),
  /** Scored sessions left out: a scored item of their form has no bank difficulty. */
  excluded: z.number().int(),
  /** Recorded results whose pass/fail differs from the decision on the scale (θ̂ ≥ θ_cut) the figures evaluate. */
  recordedOtherwise: z.number().int(),
  overall: decisionQualityRowSchema,
  forms: z.array(decisionQualityRowSchema),
  passRates: z.array(z.object({ month: z.string(), candidates: z.number().int(), passed: z.number().int(), passRate: z.number() })),
  notes: z.array(z.string()),
});

export const formComparisonQuerySchema = z.strictObject({
  ids: z.string().regex(/^[0-9a-fA-F-]{36}(,[0-9a-fA-F-]{36}){1,19}$/, 'ids must be 2 to 20 form ids separated by commas'),
  /** Largest allowed TCC difference from the first form, in raw-score points (default 1). */
  tolerance: z.coerce.number().positive('tolerance must be greater than 0').max(10).optional(),
});

export const formComparisonSchema = z.object({
  thetaCut: z.number().nullable(),
  scaleVersion: z.number().int().nullable(),
  reference: z.string(),
  tolerance: z.number(),
  forms: z.array(
    z.object({
      formId: z.string(),
      scoredItems: z.number().int(),
      uncalibrated: z.array(z.string()),
      informationAtCut: z.number().nullable(),
      expectedRawAtCut: z.number().nullable(),
      rawCut: z.number().int().nullable(),
      /** Largest |TCC − TCC of the reference| over θ = −3..3, in raw-score points, and the θ where it is. */
      maxTccDifference: z.number().nullable(),
      at: z.number().nullable(),
      withinTolerance: z.boolean().nullable(),
    }),
  ),
});
