import { bigint, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { bankReleases, moduleCodeEnum } from './item-bank.ts';
import { users } from './accounts.ts';

export const formKindEnum = pgEnum('form_kind', ['linear-on-the-fly', 'fixed']);
/** `proposed`: an author asked for the form to be published; an admin's approval publishes it. */
export const formStatusEnum = pgEnum('form_status', ['draft', 'proposed', 'published']);
export const formItemRoleEnum = pgEnum('form_item_role', ['scored', 'pretest']);

/**
 * Every form a candidate sits, whether assembled for them at admission or pre-built and published. Immutable once
 * published; the certificate records every constraint with its required and achieved value.
 */
export const forms = pgTable(
  'forms',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    module: moduleCodeEnum('module').notNull(),
    blueprintVersion: text('blueprint_version').notNull(),
    bankRevision: bigint('bank_revision', { mode: 'number' }).notNull(),
    seed: text('seed').notNull(),
    algorithmVersion: text('algorithm_version').notNull(),
    kind: formKindEnum('kind').notNull(),
    status: formStatusEnum('status').notNull(),
    label: text('label'),
    certificate: jsonb('certificate').$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    createdBy: uuid('created_by').references(() => users.id),
    publishedAt: timestamp('published_at', { withTimezone: true }),
    publishProposedBy: uuid('publish_proposed_by').references(() => users.id),
    publishProposedAt: timestamp('publish_proposed_at', { withTimezone: true }),
    publishedBy: uuid('published_by').references(() => users.id),
    /** The bank release the form was drawn from; null when its module had no release (the live bank). */
    releaseId: uuid('release_id').references(() => bankReleases.id),
  },
  (t) => [index('forms_module_status_idx').on(t.module, t.kind, t.status)],
);

export const formItems = pgTable(
  'form_items',
  {
    formId: uuid('form_id')
      .notNull()
      .references(() => forms.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    itemId: text('item_id').notNull(),
    itemVersion: integer('item_version').notNull(),
    kwa: text('kwa').notNull(),
    role: formItemRoleEnum('role').notNull(),
    optionOrder: jsonb('option_order').$type<string[]>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.formId, t.position] }), index('form_items_item_idx').on(t.itemId)],
);

/**
 * Exposure counters (docs/decisions/0009-exposure-counters.md): how many published forms each module has, and on how
 * many of them each item stands. Kept by the assembly repository in the transaction that publishes a form, so that an
 * admission reads a module's item rows instead of aggregating every form ever published.
 */
export const exposureModules = pgTable('exposure_modules', {
  module: moduleCodeEnum('module').primaryKey(),
  forms: integer('forms').notNull(),
});

export const exposureItems = pgTable(
  'exposure_items',
  {
    module: moduleCodeEnum('module').notNull(),
    itemId: text('item_id').notNull(),
    /** Published forms of the module holding the item (form_items rows, as the aggregate counted them). */
    forms: integer('forms').notNull(),
  },
  (t) => [primaryKey({ columns: [t.module, t.itemId] })],
);
