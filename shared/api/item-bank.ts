import { z } from 'zod';
import { CUT_ROUNDING_RULES, imageRefSchema, itemBaseSchema, topicSchema } from '../item-bank-format.ts';
import { itemStatusSchema, moduleCodeSchema, OPTION_IDS } from '../vocabulary.ts';
import { problemSchema, timestamp } from './common.ts';

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
  .pick({ kwa: true, status: true, stem: true, image: true, options: true, key: true, rationale: true })
  .partial()
  // Not the item schema's topics: its default ([]) would erase an item's topics whenever an edit leaves them out.
  .extend({
    topics: z.array(topicSchema).max(12).optional(),
    /** null takes the stem's picture away; an option's picture goes with the option's entry in `options`. */
    image: imageRefSchema.nullable().optional(),
  });

export const analysisQuerySchema = z.strictObject({
  module: moduleCodeSchema,
  pMin: z.coerce.number().min(0).max(1).optional(),
  pMax: z.coerce.number().min(0).max(1).optional(),
  minCorrectedPointBiserial: z.coerce.number().min(-1).max(1).optional(),
  /** Overrides ANALYSIS_MAX_EXPOSURE_RATE for this request. */
  maxExposureRate: z.coerce.number().gt(0).max(1).optional(),
  /** Only the sessions assembled from this bank release (its id), or `live` for those drawn from the live bank; absent: all. */
  release: z.union([z.uuid(), z.literal('live')], { error: 'release must be a bank release id or "live"' }).optional(),
});

/** The bank against one blueprint (GET /api/bank/coverage). */
export const kwaCoverageSchema = z.object({
  kwa: z.string(),
  title: z.string(),
  needed: z.number().int(),
  operational: z.number().int(),
  pretest: z.number().int(),
  retired: z.number().int(),
  disjointForms: z.number().int(),
});
export type KwaCoverage = z.infer<typeof kwaCoverageSchema>;

export const blueprintCoverageSchema = z.object({
  module: z.string(),
  blueprintVersion: z.string(),
  formLength: z.number().int(),
  kwas: z.array(kwaCoverageSchema),
  pretestNeeded: z.number().int(),
  pretestAvailable: z.number().int(),
  /** Forms with no item in common the bank supports: the tightest KWA (or the pretest pool) decides. */
  disjointForms: z.number().int(),
});
export type BlueprintCoverage = z.infer<typeof blueprintCoverageSchema>;

/** How an import changes an item (dry run and real run alike). */
export const ITEM_CHANGES = ['new', 'changed', 'unchanged', 'status-changed', 'retired'] as const;
export const itemChangeSchema = z.enum(ITEM_CHANGES);
export type ItemChange = z.infer<typeof itemChangeSchema>;

/** The counts of an import's diff against the bank. */
export const importSummarySchema = z.object({
  itemsNew: z.number().int(),
  itemsChanged: z.number().int(),
  itemsUnchanged: z.number().int(),
  itemsStatusChanged: z.number().int(),
  itemsRetired: z.number().int(),
  catalogsNew: z.number().int(),
  blueprintsNew: z.number().int(),
  enemyGroupsChanged: z.number().int(),
});
export type ImportSummary = z.infer<typeof importSummarySchema>;

/** An item's content as authors see it: with key and rationale (never sent to candidates). */
/** An image as the bank stores it: `src` is `sha256:<hex>` (fetch it from GET /api/bank/media/:sha256). */
export const imageResponseSchema = z.object({ src: z.string(), alt: z.string() });
export const itemContentSchema = z.object({
  kwa: z.string(),
  stem: z.string(),
  image: imageResponseSchema.optional(),
  options: z.array(z.object({ id: z.enum(OPTION_IDS), text: z.string(), image: imageResponseSchema.optional() })),
  key: z.string(),
  rationale: z.string(),
  topics: z.array(z.string()),
});
export const itemStatsResponseSchema = z.object({ p: z.number(), pointBiserial: z.number().optional(), n: z.number().int().optional() });

export const bankItemSchema = z.object({
  id: z.string(),
  module: moduleCodeSchema,
  status: itemStatusSchema,
  version: z.number().int(),
  content: itemContentSchema,
  stats: itemStatsResponseSchema.nullable(),
});

export const bankValidateRequestSchema = z.strictObject({ files: bankImportRequestSchema.shape.files });
export const bankValidateResponseSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), summary: importSummarySchema }),
  z.object({ ok: z.literal(false), problems: z.array(problemSchema) }),
]);

/** An item a CSV or QTI upload could not convert (reported always; left out only in lenient mode). */
export const skippedItemSchema = z.object({ file: z.string(), itemId: z.string().optional(), reason: z.string() });

/** One field a blueprint version changes against the live blueprint (cut score, time, length, KWA counts). */
export const blueprintFieldChangeSchema = z.object({ field: z.string(), from: z.union([z.string(), z.number()]).nullable(), to: z.union([z.string(), z.number()]).nullable() });

/**
 * A new blueprint in an import and what it does to the module's live blueprint: `live` (an admin's or the CLI's
 * import) replaces it at once; `proposal` (an author's) waits for an admin's approval.
 */
export const blueprintEffectSchema = z.object({
  module: moduleCodeSchema,
  version: z.string(),
  effect: z.enum(['live', 'proposal']),
  liveVersion: z.string().nullable(),
  diff: z.array(blueprintFieldChangeSchema),
});

export const bankImportResponseSchema = z.object({
  dryRun: z.boolean(),
  changed: z.boolean(),
  revision: z.number().int(),
  summary: importSummarySchema,
  items: z.array(z.object({ id: z.string(), change: itemChangeSchema, fromVersion: z.number().int().nullable() })),
  blueprints: z.array(blueprintEffectSchema),
});
export const bankUploadResponseSchema = bankImportResponseSchema.extend({
  skipped: z.array(skippedItemSchema),
  /** Images the upload's items use (paths in the package or the upload), stored with the items on import. */
  assets: z.array(z.string()),
});

export const bankUploadRequestSchema = z.strictObject({
  files: z.array(z.strictObject({ name: z.string().min(1).max(300), base64: z.string().max(70 * 1024 * 1024) })).min(1, 'send at least one file'),
  dryRun: z.boolean().default(true),
  lenient: z.boolean().default(false),
  kwaMapping: z
    .strictObject({
      byCategory: z.record(z.string(), z.string()).optional(),
      byMetadata: z.array(z.strictObject({ path: z.string(), map: z.record(z.string(), z.string()).optional() })).optional(),
    })
    .optional(),
  module: moduleCodeSchema.optional(),
  status: itemStatusSchema.optional(),
});

export const itemParamsSchema = z.object({ id: z.string().min(1).max(64) });
export const itemEditResponseSchema = z.object({ id: z.string(), change: itemChangeSchema, version: z.number().int(), revision: z.number().int() });
/** The item as a candidate sees it: stem and options, no key. */
export const itemPreviewSchema = z.object({
  itemId: z.string(),
  stem: z.string(),
  image: imageResponseSchema.optional(),
  options: z.array(z.object({ id: z.string(), text: z.string(), image: imageResponseSchema.optional() })),
});

/**
 * POST /api/bank/media: one picture for the item editor (authors, admins), as base64 with its file name (the name only
 * labels messages; the type is read from the bytes). The answer's `src` goes into an item's `image` with alt text.
 */
export const MEDIA_UPLOAD_BODY_LIMIT = 4 * 1024 * 1024;
export const mediaUploadRequestSchema = z.strictObject({
  name: z.string().trim().min(1, { error: 'give the file name' }).max(300),
  base64: z
    .string()
    .min(1, { error: 'the file is empty' })
    .max(MEDIA_UPLOAD_BODY_LIMIT - 4096)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, { error: 'base64 must be the standard alphabet (A-Z, a-z, 0-9, +, /) with = padding' }),
});
export const mediaUploadResponseSchema = z.object({
  /** `sha256:<hex>`: what an item's image `src` names. */
  src: z.string(),
  sha256: z.string(),
  mediaType: z.enum(['image/png', 'image/jpeg', 'image/svg+xml']),
  size: z.number().int(),
  /** False when the bank already stored the same bytes (same hash, nothing written). */
  stored: z.boolean(),
});

/** GET /api/bank/media/:sha256 (authors, admins) and GET /api/sessions/:id/media/:sha256 (the session's candidate). */
export const mediaParamsSchema = z.strictObject({ sha256: z.string().regex(/^[0-9a-f]{64}$/, { error: 'sha256 must be 64 lowercase hex digits' }) });

export const bankExportQuerySchema = z.strictObject({ module: moduleCodeSchema.optional() });
export const bankExportParamsSchema = z.object({ format: z.enum(['zip', 'csv']) });

const kwaResponse = z.object({ code: z.string(), title: z.string(), weight: z.number() });
/** GET /api/bank/export: a bank file (docs/item-bank-format.md), the same shape an import takes. */
export const bankFileResponseSchema = z.object({
  $schema: z.string().optional(),
  formatVersion: z.literal(1),
  modules: z.array(z.object({ code: moduleCodeSchema, title: z.string(), required: z.boolean(), kwaCatalog: z.object({ version: z.string(), kwas: z.array(kwaResponse) }) })),
  blueprints: z.array(
    z.object({
      module: moduleCodeSchema,
      version: z.string(),
      kwaCatalogVersion: z.string(),
      formLength: z.number().int(),
      pretestCount: z.number().int(),
      timeLimitMinutes: z.number().int(),
      cutScore: z.object({ percent: z.number(), rounding: z.enum(CUT_ROUNDING_RULES) }),
      kwaCounts: z.record(z.string(), z.number()),
    }),
  ),
  enemyGroups: z.array(z.object({ id: z.string(), itemIds: z.array(z.string()), reason: z.string().optional() })),
  items: z.array(itemContentSchema.extend({ id: z.string(), module: moduleCodeSchema, status: itemStatusSchema, stats: itemStatsResponseSchema.optional() })),
});

/** POST /api/bank/items/:id/review: one lifecycle step (docs/authoring.md). */
export const REVIEW_ACTIONS = ['submit', 'comment', 'approve', 'request-changes', 'activate', 'retire'] as const;
export const itemReviewRequestSchema = z.strictObject({
  action: z.enum(REVIEW_ACTIONS, { error: `action must be one of ${REVIEW_ACTIONS.join(', ')}` }),
  /** For activate: the live status the approved item takes. */
  to: z.enum(['pretest', 'operational']).optional(),
  comment: z.string().trim().max(4000).optional(),
});
export const itemReviewResponseSchema = z.object({ id: z.string(), version: z.number().int(), status: itemStatusSchema, revision: z.number().int() });

const person = z.object({ id: z.string(), name: z.string() }).nullable();
/** GET /api/bank/items/:id/history: every version and the review trail. */
export const itemHistorySchema = z.object({
  itemId: z.string(),
  versions: z.array(z.object({ version: z.number().int(), createdAt: timestamp, revision: z.number().int(), author: person, stem: z.string() })),
  reviews: z.array(z.object({ at: timestamp, version: z.number().int(), action: z.string(), by: person, comment: z.string().nullable(), from: itemStatusSchema, to: itemStatusSchema })),
});
