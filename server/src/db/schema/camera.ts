import { boolean, customType, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { testCenters } from './accounts.ts';
import { examSessions } from './sessions.ts';

/** Raw bytes (PostgreSQL bytea); node-postgres and PGlite both hand back a Uint8Array (a Buffer on node-postgres). */
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => 'bytea' });

/**
 * The seat camera per test center (#17.11, docs/candidate-and-proctor.md). No row means off. An admin sets it; each
 * change is audited. The interval is how often the exam client takes a still; retention how long stills are kept.
 */
export const cameraSettings = pgTable('camera_settings', {
  testCenterId: uuid('test_center_id')
    .primaryKey()
    .references(() => testCenters.id, { onDelete: 'cascade' }),
  enabled: boolean('enabled').notNull().default(false),
  intervalSeconds: integer('interval_seconds').notNull(),
  retentionDays: integer('retention_days').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  updatedBy: uuid('updated_by'),
});

/**
 * The candidate's current camera decision for one session, with its time; asked before the exam starts when the
 * center has the camera on, and again after a proctor reopens it (the row then moves to `camera_consent_history` and
 * no row means "not decided": no stills until the candidate answers again). `lastStillAt` and `lastFailureAt` are read under this row's lock to hold uploads and
 * failure reports to the interval.
 */
export const cameraConsents = pgTable('camera_consents', {
  sessionId: uuid('session_id')
    .primaryKey()
    .references(() => examSessions.id, { onDelete: 'cascade' }),
  consented: boolean('consented').notNull(),
  decidedAt: timestamp('decided_at', { withTimezone: true }).notNull(),
  lastStillAt: timestamp('last_still_at', { withTimezone: true }),
  /** The last camera failure recorded as an incident: a failing client reports at most one per interval. */
  lastFailureAt: timestamp('last_failure_at', { withTimezone: true }),
});

/** Webcam stills (small JPEGs), deleted by the retention sweep after the center's retention days. */
export const cameraStills = pgTable(
  'camera_stills',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => examSessions.id, { onDelete: 'cascade' }),
    /** Copied from the session so the retention sweep joins the center's setting without the sessions table. */
    testCenterId: uuid('test_center_id').notNull(),
    takenAt: timestamp('taken_at', { withTimezone: true }).notNull(),
    bytes: integer('bytes').notNull(),
    jpeg: bytea('jpeg').notNull(),
  },
  (t) => [index('camera_stills_session_idx').on(t.sessionId, t.takenAt), index('camera_stills_taken_idx').on(t.takenAt)],
);

/**
 * Camera decisions a proctor reopened (superseded), kept for the record: what the candidate had decided and when, who
 * reopened it, when and why. The current decision is the `camera_consents` row (the latest one).
 */
export const cameraConsentHistory = pgTable(
  'camera_consent_history',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => examSessions.id, { onDelete: 'cascade' }),
    consented: boolean('consented').notNull(),
    decidedAt: timestamp('decided_at', { withTimezone: true }).notNull(),
    supersededAt: timestamp('superseded_at', { withTimezone: true }).notNull(),
    supersededBy: uuid('superseded_by').notNull(),
    reason: text('reason').notNull(),
  },
  (t) => [index('camera_consent_history_session_idx').on(t.sessionId, t.supersededAt)],
);
