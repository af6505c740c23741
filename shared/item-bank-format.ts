/**
 * The item-bank file format: KWA catalogs, blueprints, enemy groups and items. Defined once here; the JSON Schema in
 * docs/item-bank.schema.json is generated from these schemas (scripts/gen-json-schema.ts) and documented in
 * docs/item-bank-format.md. Cross-references (an item's KWA exists, enemy groups name real items, a blueprint fits the
 * bank) are checked by the item-bank domain, which sees the whole bank.
 */
import { z } from 'zod';
import { MAX_SCHEDULED_BREAKS, scheduledBreakSchema, type ScheduledBreak } from './breaks.ts';
import { itemStatusSchema, moduleCodeSchema, OPTION_IDS } from './vocabulary.ts';

export const BANK_FORMAT_VERSION = 1;
export const FORM_LENGTH_MIN = 80;
export const FORM_LENGTH_MAX = 101;

const idPattern = /^[A-Z]{2,4}-[A-Za-z0-9][A-Za-z0-9-]{0,39}$/;
export const itemIdSchema = z
  .string()
  .regex(idPattern, { error: 'item id must look like "SAF-001": module letters, a dash, then letters, digits or dashes' });
export const kwaCodeSchema = z
  .string()
  .regex(/^[A-Z]{2,4}-\d{2}$/, { error: 'KWA code must look like "SAF-04": module letters, a dash, two digits' });
export const versionSchema = z
  .string()
  .regex(/^[0-9A-Za-z][0-9A-Za-z.-]{0,31}$/, { error: 'version must be a short label such as "2026.1"' });
export const topicSchema = z
  .string()
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, { error: 'topic tags are lowercase kebab-case words, e.g. "lockout-tagout"' });
const text = (what: string, max: number) =>
  z
    .string({ error: `${what} must be text` })
    .trim()
    .min(1, { error: `${what} must not be empty` })
    .max(max, { error: `${what} is longer than ${max} characters` });

export const kwaSchema = z.strictObject({
  code: kwaCodeSchema,
  title: text('KWA title', 200),
  /** Share of the module's scored items, in percent. Sample values; an administrator can replace the catalog. */
  weight: z.number().min(0).max(100),
});
export type Kwa = z.infer<typeof kwaSchema>;

export const kwaCatalogSchema = z.strictObject({
  version: versionSchema,
  kwas: z.array(kwaSchema).min(1, { error: 'a KWA catalog needs at least one KWA' }),
});
export type KwaCatalog = z.infer<typeof kwaCatalogSchema>;

export const moduleDefinitionSchema = z.strictObject({
  code: moduleCodeSchema,
  title: text('module title', 120),
  /** Required for the full CPT credential (Green Production is optional). */
  required: z.boolean(),
  kwaCatalog: kwaCatalogSchema,
});
export type ModuleDefinition = z.infer<typeof moduleDefinitionSchema>;

/** How the raw cut is derived from the percent cut and the number of scored items. */
export const CUT_ROUNDING_RULES = ['ceil', 'round', 'floor'] as const;
export const cutScoreSchema = z.strictObject({
  percent: z.number().gt(0).max(100),
  rounding: z.enum(CUT_ROUNDING_RULES, { error: `rounding must be one of ${CUT_ROUNDING_RULES.join(', ')}` }),
});
export type CutScore = z.infer<typeof cutScoreSchema>;

/** Candidate calculator policies a blueprint can set (#17.3). */
export const CALCULATOR_MODES = ['none', 'basic', 'scientific'] as const;
export const DEFAULT_CALCULATOR = 'basic' as const;

// Scheduled breaks (#17.10) live in breaks.ts: the exam protocol uses them, and the candidate's bundle must not pull
// in the whole bank format for them.
export { BREAK_CLOCKS, MAX_BREAK_MINUTES, MAX_SCHEDULED_BREAKS, scheduledBreakSchema, type ScheduledBreak } from './breaks.ts';

export const blueprintSchema = z
  .strictObject({
    module: moduleCodeSchema,
    version: versionSchema,
    kwaCatalogVersion: versionSchema,
    /** Total items on a form, scored plus pretest. */
    formLength: z
      .number()
      .int()
      .min(FORM_LENGTH_MIN, { error: `form length must be between ${FORM_LENGTH_MIN} and ${FORM_LENGTH_MAX}` })
      .max(FORM_LENGTH_MAX, { error: `form length must be between ${FORM_LENGTH_MIN} and ${FORM_LENGTH_MAX}` }),
    /** Unscored items being tried out; they sit among the scored ones and never count. */
    pretestCount: z.number().int().min(0).max(30),
    timeLimitMinutes: z.number().int().min(1).max(600).default(90),
    cutScore: cutScoreSchema,
    /** Scored items per KWA; they must add up to formLength - pretestCount. */
    kwaCounts: z.record(kwaCodeSchema, z.number().int().min(0).max(101)),
    /** The on-screen calculator candidates may open: none, basic (four functions and memory) or scientific. Default basic. */
    calculator: z.enum(CALCULATOR_MODES, { error: `calculator must be one of ${CALCULATOR_MODES.join(', ')}` }).optional(),
    /** Scheduled breaks, in the order they come (#17.10); none when absent. */
    breaks: z.array(scheduledBreakSchema).max(MAX_SCHEDULED_BREAKS, { error: `at most ${MAX_SCHEDULED_BREAKS} scheduled breaks` }).optional(),
  })
  .superRefine((bp, ctx) => {
    (bp.breaks ?? []).forEach((b, i) => {
      if (b.afterQuestion !== undefined && b.afterQuestion >= bp.formLength)
        ctx.addIssue({ code: 'custom', path: ['breaks', i, 'afterQuestion'], message: `afterQuestion ${b.afterQuestion} must be before the last question (formLength ${bp.formLength})` });
      if (b.atMinute !== undefined && b.atMinute >= bp.timeLimitMinutes)
        ctx.addIssue({ code: 'custom', path: ['breaks', i, 'atMinute'], message: `atMinute ${b.atMinute} must be within the time limit (${bp.timeLimitMinutes} minutes)` });
      const prev = i > 0 ? bp.breaks![i - 1]! : null;
      const at = (x: ScheduledBreak) => x.afterQuestion ?? x.atMinute!;
      if (prev && (prev.afterQuestion === undefined) === (b.afterQuestion === undefined) && at(prev) >= at(b))
        ctx.addIssue({ code: 'custom', path: ['breaks', i], message: 'scheduled breaks must be listed in the order they come' });
    });
    const scored = Object.values(bp.kwaCounts).reduce((s, n) => s + n, 0);
    if (scored !== bp.formLength - bp.pretestCount) {
      ctx.addIssue({
        code: 'custom',
        path: ['kwaCounts'],
        message: `KWA counts add up to ${scored} scored items, but formLength ${bp.formLength} - pretestCount ${bp.pretestCount} = ${bp.formLength - bp.pretestCount}`,
      });
    }
  });
export type Blueprint = z.infer<typeof blueprintSchema>;

/** A stored image: `sha256:` and the lowercase hex SHA-256 of its bytes (the media store's key). */
export const MEDIA_REF = /^sha256:[0-9a-f]{64}$/;

/**
 * An image in a stem or an option (docs/item-bank-format.md, "Images"). `src` is a file path relative to the bank
 * file (`media/dial-gauge.svg`), resolved and stored at import, or `sha256:<hex>` naming an image the bank already
 * stores (what the bank export writes). Alt text is required: it is what a screen reader says instead of the picture.
 */
export const imageRefSchema = z.strictObject({
  src: z
    .string({ error: 'image src must be text' })
    .trim()
    .min(1, { error: 'image src must not be empty' })
    .max(300, { error: 'image src is longer than 300 characters' })
    .refine((s) => MEDIA_REF.test(s) || (!/^[a-z][a-z0-9+.-]*:/i.test(s) && !s.startsWith('/') && !s.split(/[\\/]/).includes('..')), {
      error: 'image src must be a path relative to the bank file (e.g. "media/gauge.svg", no ".." and no URL) or "sha256:<hex>" of a stored image',
    }),
  // One line with single spaces: QTI and HTML collapse whitespace in alt text, so anything else would not round-trip.
  alt: text('image alt text', 300).refine((s) => !/[\r\n\t]| {2}/.test(s), { error: 'image alt text must be one line, with single spaces between words' }),
});
export type ImageRef = z.infer<typeof imageRefSchema>;

export const optionSchema = z.strictObject({
  id: z.enum(OPTION_IDS, { error: 'option id must be a letter A to E' }),
  text: text('option text', 500),
  image: imageRefSchema.optional(),
});
export type ItemOption = z.infer<typeof optionSchema>;

export const itemStatsSchema = z.strictObject({
  /** Proportion correct (classical difficulty). */
  p: z.number().min(0).max(1),
  /** Corrected point-biserial correlation with the rest score. */
  pointBiserial: z.number().min(-1).max(1).optional(),
  /** Number of responses the statistics rest on. */
  n: z.number().int().min(0).optional(),
});
export type ItemStats = z.infer<typeof itemStatsSchema>;

/** The item's fields without the cross-field checks (used for partial edits). */
export const itemBaseSchema = z.strictObject({
    id: itemIdSchema,
    module: moduleCodeSchema,
    kwa: kwaCodeSchema,
    status: itemStatusSchema,
    stem: text('stem', 2000),
    /** A picture shown under the stem (a gauge, a sign, a drawing); the answer may depend on it. */
    image: imageRefSchema.optional(),
    options: z
      .array(optionSchema)
      .min(3, { error: 'an item needs 3 to 5 options' })
      .max(5, { error: 'an item needs 3 to 5 options' }),
    key: z.string({
      error: (iss) =>
        Array.isArray(iss.input)
          ? `an item has exactly one key; found ${iss.input.length}`
          : 'key must be the id of one option, e.g. "B"',
    }),
    rationale: text('rationale', 1000),
    topics: z.array(topicSchema).max(12).default([]),
    stats: itemStatsSchema.optional(),
  });

export const itemSchema = itemBaseSchema.superRefine((item, ctx) => {
    item.options.forEach((o, i) => {
      if (o.id !== OPTION_IDS[i]) {
        ctx.addIssue({ code: 'custom', path: ['options', i, 'id'], message: `option ${i + 1} must have id "${OPTION_IDS[i]}", found "${o.id}"` });
      }
    });
    if (!item.options.some((o) => o.id === item.key)) {
      ctx.addIssue({
        code: 'custom',
        path: ['key'],
        message: `key "${item.key}" is not one of the options (${item.options.map((o) => o.id).join(', ')})`,
      });
    }
    if (!item.kwa.startsWith(item.module + '-')) {
      ctx.addIssue({ code: 'custom', path: ['kwa'], message: `KWA ${item.kwa} does not belong to module ${item.module}` });
    }
    const texts = new Set<string>();
    item.options.forEach((o, i) => {
      const t = o.text.toLowerCase();
      if (texts.has(t)) ctx.addIssue({ code: 'custom', path: ['options', i, 'text'], message: 'two options have the same text' });
      texts.add(t);
    });
  });
export type Item = z.infer<typeof itemSchema>;

/** The versioned part of an item: any change to it makes a new item version. Status is lifecycle, not content. */
export type ItemContent = Pick<Item, 'kwa' | 'stem' | 'image' | 'options' | 'key' | 'rationale' | 'topics'>;

export function contentOf(item: Item): ItemContent {
  return { kwa: item.kwa, stem: item.stem, ...(item.image ? { image: item.image } : {}), options: item.options, key: item.key, rationale: item.rationale, topics: item.topics };
}

/** Every image an item shows, with its JSON path inside the item (for problems). */
export function imagesOf(item: Pick<Item, 'image' | 'options'>): { path: (string | number)[]; ref: ImageRef }[] {
  const out: { path: (string | number)[]; ref: ImageRef }[] = [];
  if (item.image) out.push({ path: ['image'], ref: item.image });
  item.options.forEach((o, i) => o.image && out.push({ path: ['options', i, 'image'], ref: o.image }));
  return out;
}

export const enemyGroupSchema = z.strictObject({
  id: z.string().regex(idPattern, { error: 'enemy group id must look like "SAF-EG-01"' }),
  itemIds: z.array(itemIdSchema).min(2, { error: 'an enemy group names at least two items' }),
  reason: text('reason', 500).optional(),
});
export type EnemyGroup = z.infer<typeof enemyGroupSchema>;

export const bankFileSchema = z.strictObject({
  $schema: z.string().optional(),
  formatVersion: z.literal(BANK_FORMAT_VERSION, { error: `formatVersion must be ${BANK_FORMAT_VERSION}` }),
  modules: z.array(moduleDefinitionSchema).default([]),
  blueprints: z.array(blueprintSchema).default([]),
  enemyGroups: z.array(enemyGroupSchema).default([]),
  items: z.array(itemSchema).default([]),
});
export type BankFile = z.infer<typeof bankFileSchema>;
