/**
 * Credentials as the API shows them: public verification of a credential or a score report, the admin's hold, void
 * and revoke actions, and the employer verification API. Zod schemas double as the routes' response schemas.
 */
import { z } from 'zod';

export const CREDENTIAL_STATUSES = ['valid', 'expired', 'suspended', 'revoked'] as const;
export const credentialStatusSchema = z.enum(CREDENTIAL_STATUSES);

/** GET /api/verify/:code — what anyone may see of a credential. */
export const verifiedCredentialSchema = z.object({
  verificationCode: z.string(),
  holder: z.string(),
  credential: z.string(),
  kind: z.enum(['module', 'full-cpt']),
  module: z.string().nullable(),
  issuedOn: z.string(),
  validThrough: z.string(),
  status: credentialStatusSchema,
  /** Why it was revoked or put on hold, as the admin recorded it; null otherwise. */
  statusReason: z.string().nullable(),
  statusChangedAt: z.string().nullable(),
  /** The signed Open Badges 3.0 credential's public links (issuer, status list). */
  badge: z.object({ issuer: z.string(), statusList: z.string(), statusListIndex: z.number().int() }),
});
export type VerifiedCredential = z.infer<typeof verifiedCredentialSchema>;

/** GET /api/verify/report/:sessionId — the outcome a score report states, for anyone holding its link. */
export const verifiedReportSchema = z.object({
  sessionId: z.string(),
  candidateName: z.string(),
  moduleTitle: z.string(),
  testCenter: z.string(),
  date: z.string().nullable(),
  timeZone: z.string(),
  outcome: z.enum(['passed', 'not-passed', 'on-hold', 'void']),
  scoreRevisedAt: z.string(),
  certificateCode: z.string().nullable(),
});
export type VerifiedReport = z.infer<typeof verifiedReportSchema>;

export const reasonSchema = z.string().trim().min(5, 'give a reason of at least 5 characters').max(1000);
export const holdRequestSchema = z.strictObject({ reason: reasonSchema });
export const voidRequestSchema = z.strictObject({
  reason: reasonSchema,
  /** true: voided for misconduct, the attempt counts as a failure for retake waits; false: a technical or administrative void. */
  countsAsAttempt: z.boolean(),
});
export const revokeRequestSchema = z.strictObject({ reason: reasonSchema });
export const dispositionResponseSchema = z.object({ sessionId: z.string(), disposition: z.enum(['on-hold', 'void']).nullable() });
export const revokeResponseSchema = z.object({ id: z.string(), verificationCode: z.string(), status: z.literal('revoked'), reason: z.string() });

/** The employer API's answer for one code. */
export const employerVerificationSchema = z.object({
  /** The code as sent. */
  input: z.string(),
  /** found: a credential with this code; not-found; invalid: not a verification code at all. */
  result: z.enum(['found', 'not-found', 'invalid']),
  verificationCode: z.string().nullable(),
  holder: z.string().nullable(),
  credential: z.string().nullable(),
  kind: z.enum(['module', 'full-cpt']).nullable(),
  module: z.string().nullable(),
  issuedOn: z.string().nullable(),
  validThrough: z.string().nullable(),
  status: credentialStatusSchema.nullable(),
  statusReason: z.string().nullable(),
  /** Line of the CSV the code came from (batch requests). */
  line: z.number().int().optional(),
  problem: z.string().optional(),
});
export type EmployerVerification = z.infer<typeof employerVerificationSchema>;

export const MAX_BATCH_CODES = 1000;
export const employerBatchRequestSchema = z.strictObject({ codes: z.array(z.string().max(60)).min(1).max(MAX_BATCH_CODES) });
export const employerBatchResponseSchema = z.object({ count: z.number().int(), found: z.number().int(), results: z.array(employerVerificationSchema) });

export const employerOrgSchema = z.object({
  id: z.string(),
  name: z.string(),
  contactEmail: z.string().nullable(),
  webhookUrl: z.string().nullable(),
  disabled: z.boolean(),
  createdAt: z.string(),
  keys: z.array(z.object({ id: z.string(), label: z.string(), prefix: z.string(), createdAt: z.string(), lastUsedAt: z.string().nullable(), revokedAt: z.string().nullable() })),
  deliveries: z.object({ pending: z.number().int(), delivered: z.number().int(), failed: z.number().int() }),
});
export type EmployerOrg = z.infer<typeof employerOrgSchema>;
export const createOrgRequestSchema = z.strictObject({ name: z.string().trim().min(2).max(200), contactEmail: z.email().max(320).optional() });
export const webhookRequestSchema = z.strictObject({ url: z.url({ protocol: /^https?$/ }).max(2000).nullable() });
export const webhookResponseSchema = z.object({ webhookUrl: z.string().nullable(), secret: z.string().nullable() });
export const createKeyRequestSchema = z.strictObject({ label: z.string().trim().min(2).max(100) });
/** The key itself is shown once, here; only its hash is stored. */
export const createKeyResponseSchema = z.object({ id: z.string(), label: z.string(), prefix: z.string(), key: z.string() });
export const webhookDeliverySchema = z.object({
  id: z.string(),
  event: z.enum(['revoked', 'suspended', 'reinstated', 'expired']),
  verificationCode: z.string(),
  state: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number().int(),
  nextAttemptAt: z.string(),
  lastStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
  deliveredAt: z.string().nullable(),
});

/** Documentation schema of a binary response (PDF, PNG, SVG, JWT): Fastify sends buffers and strings as they are. */
export const fileResponseSchema = (what: string) => z.string().describe(what);
export const jwksSchema = z.object({ keys: z.array(z.record(z.string(), z.string())) });
export const jsonObjectSchema = z.record(z.string(), z.unknown());
