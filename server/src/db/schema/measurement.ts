import { doublePrecision, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './accounts.ts';
import { items, moduleCodeEnum } from './item-bank.ts';

/** A Rasch calibration of a module's delivered sessions (docs/measurement.md §2–§3); kept whole, as it was computed. */
export const calibrationRuns = pgTable('calibration_runs', {
  id: uuid('id').primaryKey().defaultRandom(),
  module: moduleCodeEnum('module').notNull(),
  /** 'free': every item estimated, mean difficulty 0; 'anchored': the bank's difficulties held fixed. */
  kind: text('kind').$type<'free' | 'anchored'>().notNull(),
  sessions: integer('sessions').notNull(),
  /** Items, person summary, notes and (anchored) drift of the operational items. */
  result: jsonb('result').$type<Record<string, unknown>>().notNull(),
  createdBy: uuid('created_by').references(() => users.id),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  adoptedBy: uuid('adopted_by').references(() => users.id),
  adoptedAt: timestamp('adopted_at', { withTimezone: true }),
});

/** The bank's scale: each item's current Rasch difficulty, from the calibration run that was adopted for it. */
export const itemParameters = pgTable('item_parameters', {
  itemId: text('item_id')
    .primaryKey()
    .references(() => items.id),
  module: moduleCodeEnum('module').notNull(),
  difficulty: doublePrecision('difficulty').notNull(),
  se: doublePrecision('se').notNull(),
  n: integer('n').notNull(),
  runId: uuid('run_id')
    .notNull()
    .references(() => calibrationRuns.id),
  adoptedAt: timestamp('adopted_at', { withTimezone: true }).notNull(),
});

/** A module's cut on the ability scale from a standard-setting study, versioned; scoring uses the newest approved one. */
export const measurementScales = pgTable(
  'measurement_scales',
  {
    module: moduleCodeEnum('module').notNull(),
    version: integer('version').notNull(),
    thetaCut: doublePrecision('theta_cut').notNull(),
    scaleMin: integer('scale_min').notNull(),
    scaleMax: integer('scale_max').notNull(),
    scaleCut: integer('scale_cut').notNull(),
    perLogit: doublePrecision('per_logit').notNull(),
    /** The standard-setting study: method, date, panel, summary, as the author entered them. */
    study: jsonb('study').$type<Record<string, unknown>>().notNull(),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    approvedBy: uuid('approved_by').references(() => users.id),
    approvedAt: timestamp('approved_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.module, t.version] })],
);
