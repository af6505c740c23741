import { bigserial, boolean, customType, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { Blueprint, ItemContent, ItemStats, Kwa } from '../../../../shared/item-bank-format.ts';
import type { ReleaseContents } from '../../../../shared/bank-release.ts';
import { ITEM_STATUSES, MODULE_CODES } from '../../../../shared/vocabulary.ts';
import { users } from './accounts.ts';

export const moduleCodeEnum = pgEnum('module_code', MODULE_CODES);
export const itemStatusEnum = pgEnum('item_status', ITEM_STATUSES);
/** A blueprint an author imports is a proposal until an admin approves it; only approved blueprints are ever live. */
export const blueprintStatusEnum = pgEnum('blueprint_status', ['proposed', 'approved', 'rejected']);

export const modules = pgTable('modules', {
  code: moduleCodeEnum('code').primaryKey(),
  title: text('title').notNull(),
  required: boolean('required').notNull(),
});

/** Versioned KWA catalogs: a version, once stored, never changes. */
export const kwaCatalogs = pgTable(
  'kwa_catalogs',
  {
    module: moduleCodeEnum('module').notNull(),
    version: text('version').notNull(),
    kwas: jsonb('kwas').$type<Kwa[]>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.module, t.version] })],
);

/**
 * Versioned blueprints: a version, once stored, never changes. The live blueprint of a module is its most recently
 * approved one (`liveSince`); proposals and rejected versions are kept (their version numbers stay taken).
 */
export const blueprints = pgTable(
  'blueprints',
  {
    module: moduleCodeEnum('module').notNull(),
    version: text('version').notNull(),
    body: jsonb('body').$type<Blueprint>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    status: blueprintStatusEnum('status').notNull().default('approved'),
    proposedBy: uuid('proposed_by').references(() => users.id),
    decidedBy: uuid('decided_by').references(() => users.id),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    decisionNote: text('decision_note'),
    /** When it became live (approval); null while proposed or when rejected. */
    liveSince: timestamp('live_since', { withTimezone: true }).defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.module, t.version] })],
);

/** Every change to the bank is one revision; forms record the revision they were drawn from. */
export const bankRevisions = pgTable('bank_revisions', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  actorId: uuid('actor_id').references(() => users.id),
  source: text('source').notNull(),
  summary: jsonb('summary').$type<Record<string, number>>().notNull(),
});

/** An item's identity and lifecycle; its content lives in immutable versions. */
export const items = pgTable(
  'items',
  {
    id: text('id').primaryKey(),
    module: moduleCodeEnum('module').notNull(),
    currentVersion: integer('current_version').notNull(),
    status: itemStatusEnum('status').notNull(),
    updatedRevision: integer('updated_revision').notNull(),
  },
  (t) => [index('items_module_status_idx').on(t.module, t.status)],
);

export const itemVersions = pgTable(
  'item_versions',
  {
    itemId: text('item_id')
      .notNull()
      .references(() => items.id),
    version: integer('version').notNull(),
    kwa: text('kwa').notNull(),
    content: jsonb('content').$type<ItemContent>().notNull(),
    stats: jsonb('stats').$type<ItemStats>(),
    revision: integer('revision').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /** Who wrote this version (null: the operator's CLI or first-start loading); they may not approve it. */
    createdBy: uuid('created_by').references(() => users.id),
  },
  (t) => [primaryKey({ columns: [t.itemId, t.version] })],
);

export const itemReviewActionEnum = pgEnum('item_review_action', ['submitted', 'commented', 'approved', 'changes-requested', 'activated', 'retired']);

/** The review trail of each item version: submissions, reviewers' comments and decisions, activation. Append-only. */
export const itemReviews = pgTable(
  'item_reviews',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    itemId: text('item_id')
      .notNull()
      .references(() => items.id),
    version: integer('version').notNull(),
    action: itemReviewActionEnum('action').notNull(),
    actorId: uuid('actor_id').references(() => users.id),
    comment: text('comment'),
    fromStatus: itemStatusEnum('from_status').notNull(),
    toStatus: itemStatusEnum('to_status').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('item_reviews_item_idx').on(t.itemId, t.id)],
);

export const enemyGroups = pgTable('enemy_groups', {
  id: text('id').primaryKey(),
  itemIds: jsonb('item_ids').$type<string[]>().notNull(),
  reason: text('reason'),
  updatedRevision: integer('updated_revision').notNull(),
});

/** A release someone proposed waits for an admin (a second person); approved releases are what exams draw from. */
export const releaseStatusEnum = pgEnum('release_status', ['proposed', 'approved', 'rejected']);

/**
 * Bank releases: a named, immutable snapshot of the exam items (id and content version, with their status), live
 * blueprint versions, enemy groups and certification policy version of some modules (or the whole bank). A module's
 * current release is its most recently approved one (`current_since`); assembly draws only from it. `contents` is
 * written once, at the proposal, and never updated: item edits make new item versions, which a release never follows.
 */
export const bankReleases = pgTable(
  'bank_releases',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    modules: jsonb('modules').$type<string[]>().notNull(),
    notes: text('notes'),
    status: releaseStatusEnum('status').notNull(),
    contents: jsonb('contents').$type<ReleaseContents>().notNull(),
    bankRevision: integer('bank_revision').notNull(),
    proposedBy: uuid('proposed_by').references(() => users.id),
    proposedAt: timestamp('proposed_at', { withTimezone: true }).notNull().defaultNow(),
    decidedBy: uuid('decided_by').references(() => users.id),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    decisionNote: text('decision_note'),
    /** When it became current (approval); null while proposed or when rejected. */
    currentSince: timestamp('current_since', { withTimezone: true }),
  },
  (t) => [uniqueIndex('bank_releases_name_idx').on(t.name)],
);

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => 'bytea' });

/**
 * Images in items, stored once by the SHA-256 of their bytes (docs/item-bank-format.md, "Images"). Never changed or
 * deleted: an item version that shows an image keeps showing the same bytes.
 */
export const media = pgTable('media', {
  sha256: text('sha256').primaryKey(),
  mediaType: text('media_type').notNull(),
  bytes: bytea('bytes').notNull(),
  size: integer('size').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  createdBy: uuid('created_by').references(() => users.id),
});

/** Which images each item version shows: what a candidate's form may fetch (docs/security.md). */
export const itemVersionMedia = pgTable(
  'item_version_media',
  {
    itemId: text('item_id').notNull(),
    version: integer('version').notNull(),
    sha256: text('sha256')
      .notNull()
      .references(() => media.sha256),
  },
  (t) => [primaryKey({ columns: [t.itemId, t.version, t.sha256] }), index('item_version_media_sha_idx').on(t.sha256)],
);
