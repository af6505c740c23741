/**
 * The score report as the API returns it (GET /api/sessions/:id/report) and the PDF prints it: totals against the
 * cut and the diagnostic by Key Work Activity. No item content, ever. Also the candidate's history and credentials.
 */
import { z } from 'zod';
import { KWA_LABELS, type KwaLabel } from '../kwa-labels.ts';
import { moduleCodeSchema } from '../vocabulary.ts';
import { civilDate, timestamp } from './common.ts';

export type { KwaLabel };

export const kwaResultSchema = z.object({
  kwa: z.string(),
  title: z.string(),
  items: z.number().int(),
  correct: z.number().int(),
  /** Percent correct, rounded half up to one decimal. */
  percent: z.number(),
  /** Wilson 95% score interval of the percent correct, in percent, rounded half up to one decimal. */
  band: z.object({ low: z.number(), high: z.number() }),
  label: z.enum(KWA_LABELS),
});
export type KwaResult = z.infer<typeof kwaResultSchema>;

export const scoreReportSchema = z.object({
  sessionId: z.string(),
  candidateName: z.string(),
  module: z.string(),
  moduleTitle: z.string(),
  testCenter: z.string(),
  /** When the session ended (ISO 8601), or null while it has not. */
  date: z.string().nullable(),
  endReason: z.string().nullable(),
  status: z.enum(['scored', 'pending']),
  result: z
    .object({
      scoredItems: z.number().int(),
      rawScore: z.number().int(),
      percent: z.number(),
      cutPercent: z.number(),
      rawCut: z.number().int(),
      passed: z.boolean(),
      kwas: z.array(kwaResultSchema),
      diagnosticNote: z.string(),
      /** Which scoring rules produced it (a rescore under new rules changes it). */
      scoringVersion: z.string(),
    })
    .nullable(),
  certificate: z.object({ verificationCode: z.string(), issuedOn: civilDate, expiresOn: civilDate }).nullable(),
});
export type ScoreReport = z.infer<typeof scoreReportSchema>;

/** Public verification of a credential (GET /api/verify/:code): no sign-in, so only what the certificate shows. */
export const verifiedCredentialSchema = z.object({
  verificationCode: z.string(),
  holder: z.string(),
  credential: z.string(),
  issuedOn: civilDate,
  validThrough: civilDate,
  status: z.enum(['valid', 'expired', 'revoked']),
});
export const verificationParamsSchema = z.object({ code: z.string().max(40) });

const eligibilitySchema = z.discriminatedUnion('eligible', [
  z.object({ eligible: z.literal(true), attemptNumber: z.number().int() }),
  z.object({
    eligible: z.literal(false),
    code: z.enum(['RETAKE_WAIT', 'ALREADY_CERTIFIED']),
    reason: z.string(),
    nextEligibleDate: civilDate.nullable(),
    credentialExpiresAt: timestamp.optional(),
  }),
]);

const recertActivitySchema = z.object({ category: z.string(), points: z.number(), completedAt: timestamp, description: z.string() });

/** A candidate's attempts, results, credentials, full-CPT progress, eligibility per module and recertification. */
export const candidateHistorySchema = z.object({
  attempts: z.array(
    z.object({
      sessionId: z.string(),
      module: moduleCodeSchema,
      moduleTitle: z.string(),
      endedAt: timestamp.nullable(),
      endReason: z.string().nullable(),
      rawScore: z.number().int(),
      scoredItems: z.number().int(),
      percent: z.number(),
      passed: z.boolean(),
      testCenter: z.string(),
    }),
  ),
  credentials: z.array(
    z.object({
      id: z.string(),
      kind: z.enum(['full-cpt', 'module']),
      module: moduleCodeSchema.nullable(),
      verificationCode: z.string(),
      issuedOn: civilDate,
      validThrough: civilDate,
      status: z.enum(['valid', 'expired', 'revoked']),
    }),
  ),
  fullCpt: z.discriminatedUnion('complete', [
    z.object({ complete: z.literal(false), missing: z.array(moduleCodeSchema), windowNote: z.string().optional() }),
    z.object({
      complete: z.literal(true),
      modules: z.partialRecord(moduleCodeSchema, timestamp),
      issuedAt: timestamp,
      expiresAt: timestamp,
      issuedOn: civilDate,
      expiresOn: civilDate,
      validThrough: civilDate,
    }),
  ]),
  eligibility: z.record(z.string(), eligibilitySchema),
  recertification: z
    .object({
      pointsEarned: z.number(),
      pointsRequired: z.number(),
      pointsMissing: z.number(),
      requirementMet: z.boolean(),
      byCategory: z.record(z.string(), z.number()),
      windowStart: timestamp,
      windowEnd: timestamp,
      applicationOpensAt: timestamp,
      applicationOpen: z.boolean(),
      expired: z.boolean(),
      canApply: z.boolean(),
      countedActivities: z.array(recertActivitySchema.extend({ pointsCounted: z.number() })),
      notCounted: z.array(z.object({ activity: recertActivitySchema, reason: z.string() })),
    })
    .nullable(),
});

export const rescoreRequestSchema = z.strictObject({ itemId: z.string().min(1), dryRun: z.boolean().default(true), reason: z.string().trim().min(3).max(500) });
const scoreLine = z.object({ rawScore: z.number().int(), passed: z.boolean() });
export const rescoreResultSchema = z.object({
  itemId: z.string(),
  keyVersion: z.number().int(),
  sessionsChecked: z.number().int(),
  changes: z.array(z.object({ sessionId: z.string(), candidate: z.string(), module: z.string(), before: scoreLine, after: scoreLine })),
  dryRun: z.boolean(),
});

export const recertActivityRequestSchema = z.strictObject({
  category: z.string().min(1),
  points: z.number().positive().max(100),
  completedAt: z.iso.date(),
  description: z.string().trim().min(3).max(500),
});
export const recordedRecertActivitySchema = z.object({
  id: z.string(),
  candidateId: z.string(),
  category: z.string(),
  points: z.number(),
  completedAt: timestamp,
  description: z.string(),
  createdAt: timestamp,
  recordedBy: z.string().nullable(),
});
