import { z } from 'zod';
import { enemyGroupSchema } from '../item-bank-format.ts';
import { moduleCodeSchema } from '../vocabulary.ts';
import { timestamp } from './common.ts';
import { blueprintFieldChangeSchema } from './item-bank.ts';

/**
 * Items a proposal adds, removes or changes against what is current (a release against the current release of its
 * modules; a fixed form against the module's most recently published fixed form). Each entry reads
 * `ID vVERSION (status)` for a release, `ID vVERSION` for a form.
 */
export const itemDiffSchema = z.object({
  added: z.array(z.string()),
  removed: z.array(z.string()),
  changed: z.array(z.object({ id: z.string(), from: z.string(), to: z.string() })),
});

/** POST /api/bank/releases: a named snapshot of the live exam items, blueprints and policy of some modules (or all). */
export const releaseProposeRequestSchema = z.strictObject({
  name: z
    .string({ error: 'name the release (name)' })
    .trim()
    .min(1, 'name the release (name)')
    .max(80, 'a release name has at most 80 characters')
    .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._:/()-]*$/u, 'a release name uses letters, digits, spaces and . _ : / ( ) -'),
  /** The modules it covers; omitted: every module in the bank. */
  modules: z.array(moduleCodeSchema).min(1, 'name at least one module, or leave modules out for the whole bank').optional(),
  notes: z.string().trim().max(2000).optional(),
  /** Only work out the diff; store nothing. */
  dryRun: z.boolean().default(false),
});

export const releaseStatusSchema = z.enum(['proposed', 'approved', 'rejected']);
const person = z.object({ id: z.string(), name: z.string() }).nullable();

export const releaseSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  modules: z.array(moduleCodeSchema),
  notes: z.string().nullable(),
  status: releaseStatusSchema,
  bankRevision: z.number().int(),
  itemCount: z.number().int(),
  proposedBy: person,
  proposedAt: timestamp,
  decidedBy: person,
  decidedAt: timestamp.nullable(),
  decisionNote: z.string().nullable(),
  currentSince: timestamp.nullable(),
  /** The modules for which this is the current release (what new admissions draw from). */
  currentFor: z.array(moduleCodeSchema),
});

export const releaseDetailSchema = releaseSummarySchema.extend({
  items: z.array(z.object({ id: z.string(), module: moduleCodeSchema, version: z.number().int(), status: z.enum(['operational', 'pretest']) })),
  blueprints: z.array(z.object({ module: moduleCodeSchema, version: z.string() })),
  enemyGroups: z.array(enemyGroupSchema),
  policyVersion: z.string().nullable(),
});

export const releaseProposeResponseSchema = z.object({
  dryRun: z.boolean(),
  release: releaseSummarySchema.nullable(),
  diff: z.array(blueprintFieldChangeSchema),
  itemDiff: itemDiffSchema,
});

/** A session's release as reports show it; null: drawn from the live bank (its module had no release). */
export const sessionReleaseSchema = z.object({ id: z.string(), name: z.string() }).nullable();
