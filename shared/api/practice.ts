/**
 * Practice tests (docs/practice.md): a signed-in candidate takes a timed or untimed practice test per module from the
 * practice pool, then reviews every question with its key and rationale. While a test is open its questions carry no
 * key; the review exists only once it has ended.
 */
import { z } from 'zod';
import { candidateItemSchema } from '../protocol/session-protocol.ts';
import { moduleCodeSchema } from '../vocabulary.ts';
import { timestamp } from './common.ts';
import { kwaResultSchema } from './score-report.ts';

export const startPracticeSchema = z.strictObject({
  module: moduleCodeSchema,
  /** Timed tests get the exam's time per question; untimed ones never run out. */
  timed: z.boolean(),
});

export const practiceResponseSchema = z
  .strictObject({
    itemId: z.string().min(1).max(64),
    /** The chosen option, or null to clear the answer. */
    optionId: z.string().min(1).max(8).nullable().optional(),
    flagged: z.boolean().optional(),
  })
  .refine((r) => r.optionId !== undefined || r.flagged !== undefined, { message: 'send optionId (an answer, or null to clear it) or flagged', path: ['optionId'] });

export const practiceTimeSchema = z.object({
  deadline: timestamp.nullable(),
  remainingMs: z.number().int().nullable(),
  serverTime: timestamp,
});

export const practiceResultSchema = z.object({
  /** Always true: a practice result never counts toward eligibility, certificates or item statistics. */
  practice: z.literal(true),
  note: z.string(),
  scoredItems: z.number().int(),
  rawScore: z.number().int(),
  percent: z.number(),
  cutPercent: z.number(),
  rawCut: z.number().int(),
  /** Whether the score would have met the exam's cut score. */
  metCut: z.boolean(),
  kwas: z.array(kwaResultSchema),
  diagnosticNote: z.string(),
});

export const practiceAttemptSchema = z.object({
  id: z.string(),
  module: moduleCodeSchema,
  moduleTitle: z.string(),
  timed: z.boolean(),
  state: z.enum(['open', 'ended']),
  startedAt: timestamp,
  endedAt: timestamp.nullable(),
  endReason: z.enum(['submitted', 'expired']).nullable(),
  time: practiceTimeSchema,
  /** The questions as the exam screen shows them (no key, no rationale). */
  items: z.array(candidateItemSchema),
  answers: z.record(z.string(), z.string()),
  flags: z.array(z.string()),
  result: practiceResultSchema.nullable(),
});

export const practiceSummarySchema = z.object({
  id: z.string(),
  module: moduleCodeSchema,
  moduleTitle: z.string(),
  timed: z.boolean(),
  state: z.enum(['open', 'ended']),
  startedAt: timestamp,
  endedAt: timestamp.nullable(),
  questions: z.number().int(),
  rawScore: z.number().int().nullable(),
  percent: z.number().nullable(),
});

export const practiceOverviewSchema = z.object({
  /** Modules with a practice pool, and how many questions a test of each has. */
  modules: z.array(z.object({ module: moduleCodeSchema, title: z.string(), questions: z.number().int(), timeLimitMinutes: z.number().int() })),
  attempts: z.array(practiceSummarySchema),
});

/** A question as it was shown (candidateItemSchema: stem, options in the shown order, pictures) with its key and why. */
export const reviewedItemSchema = z.object({
  ...candidateItemSchema.shape,
  kwa: z.string(),
  kwaTitle: z.string(),
  chosen: z.string().nullable(),
  key: z.string(),
  correct: z.boolean(),
  rationale: z.string(),
});

export const practiceReviewSchema = z.object({
  id: z.string(),
  module: moduleCodeSchema,
  moduleTitle: z.string(),
  result: practiceResultSchema,
  items: z.array(reviewedItemSchema),
});

export const savedPracticeResponseSchema = z.object({ itemId: z.string(), optionId: z.string().nullable(), flagged: z.boolean() });
