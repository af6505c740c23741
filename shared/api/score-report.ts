/**
 * The score report as the API returns it (GET /api/sessions/:id/report) and the PDF prints it: totals against the
 * cut and the diagnostic by Key Work Activity. No item content, ever. Also the candidate's history and credentials.
 */
import { z } from 'zod';
import { sessionReleaseSchema } from './releases.ts';
import { KWA_LABELS, type KwaLabel } from '../kwa-labels.ts';
import { moduleCodeSchema } from '../vocabulary.ts';
import { civilDate, timestamp } from './common.ts';
import { credentialStatusSchema, verifiedCredentialSchema } from './credentials.ts';

export type { KwaLabel };
/** KWA_LABEL_TEXT lives in shared/kwa-labels.ts (zod-free, so screens can import it without the schemas). */
export { KWA_LABEL_TEXT } from '../kwa-labels.ts';
export { verifiedCredentialSchema };

export type CredentialStatus = z.infer<typeof credentialStatusSchema>;

/** An admin placed the result on hold or voided it. */
export const resultDispositionSchema = z.object({
  state: z.enum(['on-hold', 'void']),
  reason: z.string(),
  decidedAt: z.string(),
  /** Void only: the attempt still counts as a failed attempt for retake waits. */
  countsAsAttempt: z.boolean(),
});
export type ResultDisposition = z.infer<typeof resultDispositionSchema>;

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
      /**
       * The scale score when the module scores on an ability scale (docs/measurement.md §4): the score, the scale's cut,
       * range and version. rawCut is then the form's own raw cut. Null for percent-cut scoring.
       */
      scale: z.object({ score: z.number().int(), cut: z.number().int(), min: z.number().int(), max: z.number().int(), version: z.number().int() }).nullable().optional(),
    })
    .nullable(),
  /**
   * The module certificate this result earned. validThrough is its last valid local date; expiresOn the first date it
   * is no longer valid (the day after validThrough).
   */
  certificate: z.object({ verificationCode: z.string(), issuedOn: civilDate, validThrough: civilDate, expiresOn: civilDate, status: credentialStatusSchema }).nullable(),
  /** An admin placed the result on hold or voided it (null: the result stands as scored). */
  disposition: resultDispositionSchema.nullable(),
  /** The candidate's sign-in name, printed as the candidate ID. */
  candidateUsername: z.string(),
  /** The delivered form, for appeals. */
  formId: z.string().nullable(),
  /** The bank release the form was drawn from (null: the live bank, before the module had a release). */
  release: sessionReleaseSchema,
  /** The test center's IANA time zone; dates on the report are given in it. */
  timeZone: z.string(),
});
export type ScoreReport = z.infer<typeof scoreReportSchema>;

const eligibilitySchema = z.discriminatedUnion('eligible', [
  z.object({ eligible: z.literal(true), attemptNumber: z.number().int() }),
  z.object({
    eligible: z.literal(false),
    code: z.enum(['RETAKE_WAIT', 'ALREADY_CERTIFIED', 'RESULT_ON_HOLD']),
    reason: z.string(),
    nextEligibleDate: civilDate.nullable(),
    credentialExpiresAt: timestamp.optional(),
  }),
]);

export const RECERT_EVIDENCE_TYPES = ['application/pdf', 'image/png', 'image/jpeg'] as const;
export const recertActivityStatusSchema = z.enum(['pending', 'approved', 'rejected']);
const evidenceInfoSchema = z.object({ fileName: z.string(), contentType: z.enum(RECERT_EVIDENCE_TYPES), size: z.number().int() });

/** A recorded activity and where it stands: only approved ones count toward recertification. */
export const recordedRecertActivitySchema = z.object({
  id: z.string(),
  candidateId: z.string(),
  category: z.string(),
  points: z.number(),
  completedAt: timestamp,
  description: z.string(),
  createdAt: timestamp,
  recordedBy: z.string().nullable(),
  status: recertActivityStatusSchema,
  decidedBy: z.string().nullable(),
  decidedAt: timestamp.nullable(),
  /** Why an admin rejected it; null otherwise. */
  decisionReason: z.string().nullable(),
  evidence: evidenceInfoSchema.nullable(),
});

const recertActivitySchema = z.object({ id: z.string(), category: z.string(), points: z.number(), completedAt: timestamp, description: z.string(), status: recertActivityStatusSchema });

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
      disposition: z.object({ state: z.enum(['on-hold', 'void']), reason: z.string(), countsAsAttempt: z.boolean() }).nullable(),
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
      status: credentialStatusSchema,
      /** Why it was revoked or put on hold; null while active. */
      statusReason: z.string().nullable(),
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
      /** Points reported and waiting for an admin's approval (not in pointsEarned). */
      pointsPending: z.number(),
      countedActivities: z.array(recertActivitySchema.extend({ pointsCounted: z.number() })),
      notCounted: z.array(z.object({ activity: recertActivitySchema, reason: z.string() })),
    })
    .nullable(),
  /** Every activity recorded for the candidate, newest first, with its review status (also without a full CPT). */
  recertActivities: z.array(recordedRecertActivitySchema),
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

/** Evidence a candidate may attach to a reported activity: PDF, PNG or JPEG, at most RECERT_EVIDENCE_MAX_BYTES. */
export const RECERT_EVIDENCE_MAX_BYTES = 5 * 1024 * 1024;

export const recertActivityRequestSchema = z.strictObject({
  category: z.string().min(1),
  points: z.number().positive().max(100),
  completedAt: z.iso.date(),
  description: z.string().trim().min(3).max(500),
  /**
   * A certificate, transcript or letter, base64. Its type is read from its first bytes (the name is only a label);
   * the size limit is checked on the decoded bytes, so the text may be a third longer.
   */
  evidence: z
    .strictObject({
      fileName: z.string().trim().min(1).max(200),
      base64: z.base64().max(Math.ceil(RECERT_EVIDENCE_MAX_BYTES / 3) * 4 + 4096, { error: 'the evidence file is larger than 5 MB' }),
    })
    .optional(),
});

/** The admin's review queue: activities with the candidate's name. */
export const recertReviewQuerySchema = z.object({ status: recertActivityStatusSchema.default('pending') });
export const recertReviewListSchema = z.array(recordedRecertActivitySchema.extend({ candidateName: z.string(), candidateUsername: z.string() }));
export const recertActivityParamsSchema = z.object({ id: z.uuid() });
export const recertEvidenceParamsSchema = z.object({ id: z.uuid(), activityId: z.uuid() });
export const recertRejectRequestSchema = z.strictObject({ reason: z.string().trim().min(5, { error: 'say why (at least 5 characters): the candidate reads it' }).max(500) });
