import { z } from 'zod';
import { moduleCodeSchema } from '../vocabulary.ts';
import { timestamp } from './common.ts';

export const formPreviewRequestSchema = z.strictObject({
  module: moduleCodeSchema,
  seed: z.string().min(1, 'seed is required').max(200),
  blueprintVersion: z.string().optional(),
});

export const formBuildRequestSchema = z.strictObject({
  module: moduleCodeSchema,
  count: z.number().int().min(1, 'count must be 1 to 10').max(10, 'count must be 1 to 10'),
  maxOverlapPct: z.number().min(0).max(100).default(25),
  publish: z.boolean().default(false),
  seed: z.string().min(1).max(200).optional(),
});

export const formListQuerySchema = z.strictObject({
  module: moduleCodeSchema.optional(),
  kind: z.enum(['linear-on-the-fly', 'fixed']).optional(),
  status: z.enum(['draft', 'proposed', 'published']).optional(),
});

const formKind = z.enum(['linear-on-the-fly', 'fixed']);


/** One hard constraint or soft goal, as verified on a finished form. */
export const constraintCheckSchema = z.object({ id: z.string(), description: z.string(), required: z.string(), achieved: z.string(), met: z.boolean() });
export const formItemSchema = z.object({ itemId: z.string(), version: z.number().int(), kwa: z.string(), role: z.enum(['scored', 'pretest']), optionOrder: z.array(z.string()) });

/** A form assembled to a target on the ability scale (docs/measurement.md §7): what it reached at the cut. */
export const formMeasurementSchema = z.object({
  thetaCut: z.number(),
  informationAtCut: z.number(),
  csemAtCut: z.number(),
  expectedRawAtCut: z.number(),
  rawCut: z.number().int(),
  targetInformation: z.number().optional(),
  bankMaxInformation: z.number().optional(),
  scaleVersion: z.number().int().optional(),
});

export const assembledFormSchema = z.object({
  items: z.array(formItemSchema),
  checks: z.array(constraintCheckSchema),
  softGoals: z.array(constraintCheckSchema),
  seed: z.string(),
  algorithmVersion: z.string(),
  meanDifficulty: z.number().nullable(),
  measurement: formMeasurementSchema.nullable().optional(),
  notes: z.array(z.string()),
});

export const formCertificateSchema = z.object({
  module: z.string(),
  blueprintVersion: z.string(),
  bankRevision: z.number().int(),
  seed: z.string(),
  algorithmVersion: z.string(),
  kind: formKind,
  formLength: z.number().int(),
  scoredItems: z.number().int(),
  pretestItems: z.number().int(),
  meanDifficulty: z.number().nullable(),
  measurement: formMeasurementSchema.optional(),
  constraints: z.array(constraintCheckSchema),
  softGoals: z.array(constraintCheckSchema),
  notes: z.array(z.string()),
  allConstraintsMet: z.boolean(),
  siblings: z.array(z.object({ label: z.string(), sharedItems: z.number().int() })).optional(),
});

/** `proposed`: an author asked for publication; an admin's approval publishes it (docs/authoring.md). */
const formStatus = z.enum(['draft', 'proposed', 'published']);
export const formPreviewResponseSchema = z.object({ form: assembledFormSchema, certificate: formCertificateSchema });
export const formBuildResponseSchema = z.object({ formIds: z.array(z.string()), status: formStatus, seed: z.string(), releaseId: z.string().nullable(), pairwiseOverlap: z.array(z.array(z.number())), checks: z.array(constraintCheckSchema) });

export const formSummarySchema = z.object({
  id: z.string(),
  module: moduleCodeSchema,
  blueprintVersion: z.string(),
  bankRevision: z.number().int(),
  seed: z.string(),
  kind: formKind,
  status: formStatus,
  label: z.string().nullable(),
  createdAt: timestamp,
  publishedAt: timestamp.nullable(),
});
export type FormSummary = z.infer<typeof formSummarySchema>;

/**
 * A stored form's certificate is the document written when the form was made; forms outlive code versions, so it is
 * passed on as stored (a record) rather than re-shaped by today's certificate schema.
 */
const storedCertificate = z.record(z.string(), z.unknown());

export const formDetailSchema = formSummarySchema.extend({
  /** The bank release the form was drawn from; null: the live bank (its module had no release then). */
  releaseId: z.string().nullable(),
  algorithmVersion: z.string(),
  certificate: storedCertificate,
  items: z.array(formItemSchema.extend({ position: z.number().int() })),
});

/** The certificate download: the stored certificate with the form's identity and dates on top. */
export const formCertificateDownloadSchema = z.looseObject({ formId: z.string(), label: z.string().nullable(), status: formStatus, createdAt: timestamp, publishedAt: timestamp.nullable() });

/** POST /api/forms/:id/publish: an author's publish is a proposal (`proposed`); an admin's publishes (`published`). */
export const formPublishResponseSchema = z.object({ status: z.enum(['proposed', 'published']) });
