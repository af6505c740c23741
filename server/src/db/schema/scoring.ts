import { boolean, customType, index, integer, jsonb, pgEnum, pgTable, real, serial, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { CertificationPolicy } from '../../../../shared/certification-policy.ts';
import { users } from './accounts.ts';
import { moduleCodeEnum } from './item-bank.ts';
import { examSessions } from './sessions.ts';

/** Versioned certification rules (retake waits, windows, validity); the newest is in force. */
export const certificationPolicies = pgTable('certification_policies', {
  version: text('version').primaryKey(),
  body: jsonb('body').$type<CertificationPolicy>().notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** The current score of a session; every (re)scoring is also kept in score_history. */
export const sessionScores = pgTable('session_scores', {
  sessionId: uuid('session_id')
    .primaryKey()
    .references(() => examSessions.id, { onDelete: 'cascade' }),
  scoringVersion: text('scoring_version').notNull(),
  rawScore: integer('raw_score').notNull(),
  scoredItems: integer('scored_items').notNull(),
  percent: real('percent').notNull(),
  passed: boolean('passed').notNull(),
  result: jsonb('result').$type<Record<string, unknown>>().notNull(),
  scoredAt: timestamp('scored_at', { withTimezone: true }).notNull(),
  revision: integer('revision').notNull().default(1),
});

export const scoreHistory = pgTable(
  'score_history',
  {
    id: serial('id').primaryKey(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => examSessions.id, { onDelete: 'cascade' }),
    revision: integer('revision').notNull(),
    result: jsonb('result').$type<Record<string, unknown>>().notNull(),
    scoredAt: timestamp('scored_at', { withTimezone: true }).notNull(),
    reason: text('reason').notNull(),
  },
  (t) => [index('score_history_session_idx').on(t.sessionId)],
);

export const credentialKindEnum = pgEnum('credential_kind', ['module', 'full-cpt']);
/** suspended: the result it rests on is on hold (reversible); revoked is final. */
export const credentialStatusEnum = pgEnum('credential_status', ['active', 'suspended', 'revoked']);

export const credentials = pgTable(
  'credentials',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    candidateId: uuid('candidate_id')
      .notNull()
      .references(() => users.id),
    kind: credentialKindEnum('kind').notNull(),
    module: moduleCodeEnum('module'),
    sessionId: uuid('session_id').references(() => examSessions.id),
    verificationCode: text('verification_code').notNull(),
    issuedAt: timestamp('issued_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    issuedOn: text('issued_on').notNull(),
    validThrough: text('valid_through').notNull(),
    timeZone: text('time_zone').notNull(),
    policyVersion: text('policy_version').notNull(),
    status: credentialStatusEnum('status').notNull().default('active'),
    statusReason: text('status_reason'),
    statusChangedAt: timestamp('status_changed_at', { withTimezone: true }),
    /** Issue order; maps to the credential's bit in the published status lists (credentials/domain/status-list.ts). */
    statusSeq: serial('status_seq').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('credentials_code_idx').on(t.verificationCode), index('credentials_candidate_idx').on(t.candidateId), uniqueIndex('credentials_status_seq_idx').on(t.statusSeq)],
);

export const recertActivityStatusEnum = pgEnum('recert_activity_status', ['pending', 'approved', 'rejected']);

export const recertActivities = pgTable(
  'recert_activities',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    candidateId: uuid('candidate_id')
      .notNull()
      .references(() => users.id),
    category: text('category').notNull(),
    points: real('points').notNull(),
    completedAt: timestamp('completed_at', { withTimezone: true }).notNull(),
    description: text('description').notNull(),
    recordedBy: uuid('recorded_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /**
     * Only approved activities count toward recertification. A candidate's own report starts pending until an admin
     * decides; one an admin records is approved at once. Rows older than the column wait for a decision (fail closed).
     */
    status: recertActivityStatusEnum('status').notNull().default('pending'),
    decidedBy: uuid('decided_by').references(() => users.id),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    /** Why it was rejected (required then); null otherwise. */
    decisionReason: text('decision_reason'),
  },
  (t) => [index('recert_activities_candidate_idx').on(t.candidateId), index('recert_activities_status_idx').on(t.status)],
);

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v)),
});

/** The file a candidate attached to a reported activity (PDF, PNG or JPEG, type taken from its bytes). */
export const recertEvidence = pgTable('recert_evidence', {
  activityId: uuid('activity_id')
    .primaryKey()
    .references(() => recertActivities.id, { onDelete: 'cascade' }),
  contentType: text('content_type').$type<'application/pdf' | 'image/png' | 'image/jpeg'>().notNull(),
  fileName: text('file_name').notNull(),
  size: integer('size').notNull(),
  sha256: text('sha256').notNull(),
  bytes: bytea('bytes').notNull(),
  uploadedAt: timestamp('uploaded_at', { withTimezone: true }).notNull().defaultNow(),
});
