import { z } from 'zod';
import { timestamp } from './common.ts';
import { moduleCodeSchema } from '../vocabulary.ts';
import { blueprintFieldChangeSchema } from './item-bank.ts';
import { itemDiffSchema } from './releases.ts';

/**
 * What a proposal asks to make live: a blueprint version (cut score, length, KWA counts, time), a fixed form, or a bank
 * release (what exams are assembled from).
 */
export const PROPOSAL_KINDS = ['blueprint', 'form', 'release'] as const;
export const proposalKindSchema = z.enum(PROPOSAL_KINDS);

/**
 * A change an author proposed and an admin decides (GET /api/authoring/proposals). `id` is `MODULE@version` for a
 * blueprint, the form's id for a form and the release's id for a release; `diff` is what goes live on approval, against
 * what is live now; `itemDiff` (forms and releases) the items it adds, removes or changes; `notes` the proposer's.
 */
export const proposalSchema = z.object({
  kind: proposalKindSchema,
  id: z.string(),
  module: moduleCodeSchema,
  title: z.string(),
  /** A short name for buttons: MODULE@version, the form's label, the release's name. */
  label: z.string(),
  proposedBy: z.object({ id: z.string(), name: z.string() }).nullable(),
  proposedAt: timestamp.nullable(),
  diff: z.array(blueprintFieldChangeSchema),
  itemDiff: itemDiffSchema.nullable(),
  notes: z.string().nullable(),
});

export const proposalParamsSchema = z.strictObject({ kind: proposalKindSchema, id: z.string().min(1).max(80) });
export const proposalApproveSchema = z.strictObject({ note: z.string().trim().max(1000).optional() });
export const proposalRejectSchema = z.strictObject({ note: z.string({ error: 'say why the proposal is rejected (note)' }).trim().min(1, 'say why the proposal is rejected (note)').max(1000) });
export const proposalDecisionSchema = z.object({ kind: proposalKindSchema, id: z.string(), status: z.enum(['approved', 'rejected']) });
