import { z } from 'zod';
import { itemBaseSchema, topicSchema } from '../item-bank-format.ts';
import { itemStatusSchema, moduleCodeSchema } from '../vocabulary.ts';

export const bankSourceSchema = z.strictObject({
  name: z.string().min(1).max(300),
  text: z.string().max(50 * 1024 * 1024),
});

export const bankImportRequestSchema = z.strictObject({
  files: z.array(bankSourceSchema).min(1, 'send at least one file'),
  dryRun: z.boolean().default(false),
});

export const itemQuerySchema = z.strictObject({
  module: moduleCodeSchema.optional(),
  kwa: z.string().optional(),
  status: itemStatusSchema.optional(),
  topic: z.string().optional(),
});

/** Fields an author may change on an item; the rest of the item is taken from its current version. */
export const itemEditSchema = itemBaseSchema
  .pick({ kwa: true, status: true, stem: true, options: true, key: true, rationale: true })
  .partial()
  // Not the item schema's topics: its default ([]) would erase an item's topics whenever an edit leaves them out.
  .extend({ topics: z.array(topicSchema).max(12).optional() });

export const analysisQuerySchema = z.strictObject({
  module: moduleCodeSchema,
  pMin: z.coerce.number().min(0).max(1).optional(),
  pMax: z.coerce.number().min(0).max(1).optional(),
  minCorrectedPointBiserial: z.coerce.number().min(-1).max(1).optional(),
});

/** The bank against one blueprint (GET /api/bank/coverage). */
export interface KwaCoverage {
  kwa: string;
  title: string;
  needed: number;
  operational: number;
  pretest: number;
  retired: number;
  disjointForms: number;
}

export interface BlueprintCoverage {
  module: string;
  blueprintVersion: string;
  formLength: number;
  kwas: KwaCoverage[];
  pretestNeeded: number;
  pretestAvailable: number;
  /** Forms with no item in common the bank supports: the tightest KWA (or the pretest pool) decides. */
  disjointForms: number;
}

/** How an import changes an item (dry run and real run alike). */
export type ItemChange = 'new' | 'changed' | 'unchanged' | 'status-changed' | 'retired';

/** The counts of an import's diff against the bank. */
export interface ImportSummary {
  itemsNew: number;
  itemsChanged: number;
  itemsUnchanged: number;
  itemsStatusChanged: number;
  itemsRetired: number;
  catalogsNew: number;
  blueprintsNew: number;
  enemyGroupsChanged: number;
}
