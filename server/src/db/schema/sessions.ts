import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, date, index, integer, pgEnum, pgTable, primaryKey, real, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { SESSION_STATES } from '../../../../shared/protocol/session-protocol.ts';
import { testCenters, users } from './accounts.ts';
import { forms } from './forms.ts';
import { bankReleases, moduleCodeEnum } from './item-bank.ts';

export const sessionStateEnum = pgEnum('session_state', SESSION_STATES);
export const ledgerKindEnum = pgEnum('time_ledger_kind', ['start', 'pause', 'resume', 'extend', 'credit', 'stop']);

/**
 * One candidate's sitting of one module exam. The clock columns (allowed_ms, used_ms, running_since) are derived from
 * session_time_ledger in the same transaction; deadline_at is kept for the time-up sweeper's index.
 */
export const examSessions = pgTable(
  'exam_sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    candidateId: uuid('candidate_id')
      .notNull()
      .references(() => users.id),
    testCenterId: uuid('test_center_id')
      .notNull()
      .references(() => testCenters.id),
    module: moduleCodeEnum('module').notNull(),
    blueprintVersion: text('blueprint_version').notNull(),
    state: sessionStateEnum('state').notNull(),
    scheduledAt: timestamp('scheduled_at', { withTimezone: true }).notNull(),
    timeMultiplier: real('time_multiplier').notNull().default(1),
    accommodationNote: text('accommodation_note'),
    /** Accommodation: the candidate sits alone (the proctor seats them in a separate room). */
    separateRoom: boolean('separate_room').notNull().default(false),
    checkedInAt: timestamp('checked_in_at', { withTimezone: true }),
    admittedAt: timestamp('admitted_at', { withTimezone: true }),
    admittedBy: uuid('admitted_by'),
    idConfirmed: boolean('id_confirmed').notNull().default(false),
    handbookVersion: text('handbook_version'),
    handbookAcknowledgedAt: timestamp('handbook_acknowledged_at', { withTimezone: true }),
    formId: uuid('form_id').references(() => forms.id),
    /** The bank release the session's form was drawn from (recorded at admission); null: the live bank, no release. */
    releaseId: uuid('release_id').references(() => bankReleases.id),
    /** 'online' (the exam screen) or 'paper' (a printed booklet and answer sheet, docs/paper.md); paper never starts online. */
    delivery: text('delivery').$type<'online' | 'paper'>().notNull().default('online'),
    startedAt: timestamp('started_at', { withTimezone: true }),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    endReason: text('end_reason'),
    /** The proctor's reason for a termination, shown to the candidate. */
    endNote: text('end_note'),
    pauseReason: text('pause_reason'),
    allowedMs: bigint('allowed_ms', { mode: 'number' }).notNull(),
    usedMs: bigint('used_ms', { mode: 'number' }).notNull().default(0),
    runningSince: timestamp('running_since', { withTimezone: true }),
    deadlineAt: timestamp('deadline_at', { withTimezone: true }),
    /** The live socket's id; a newer connection replaces it. */
    connectionId: text('connection_id'),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }),
    /** Time credited back for disconnects so far; capped per exam by the disconnect policy (docs/reliability.md). */
    disconnectCreditedMs: bigint('disconnect_credited_ms', { mode: 'number' }).notNull().default(0),
    /** Connection health the candidate's client reports with its heartbeats. */
    rttMs: integer('rtt_ms'),
    pendingAnswers: integer('pending_answers'),
    positionItemId: text('position_item_id'),
    positionSeq: integer('position_seq').notNull().default(0),
    /** The seat / workstation the candidate sits at (#17.7), e.g. "12" or "B-03"; set at scheduling, admission or later. */
    seatLabel: text('seat_label'),
    /** The sitting's day in the center's zone (YYYY-MM-DD), set with the seat: a seat is one candidate's per center and day. */
    seatDay: date('seat_day', { mode: 'string' }),
    /** When the current scheduled break ends by itself (#17.10); null outside a break and for an unscheduled one. */
    breakEndsAt: timestamp('break_ends_at', { withTimezone: true }),
    /** How many of the blueprint's scheduled breaks the candidate has taken (they come in order). */
    breaksTaken: integer('breaks_taken').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('exam_sessions_state_deadline_idx').on(t.state, t.deadlineAt),
    index('exam_sessions_center_idx').on(t.testCenterId, t.scheduledAt),
    index('exam_sessions_candidate_idx').on(t.candidateId, t.module),
    // One candidate per seat per center and day among sessions not yet ended: an ended sitting frees its seat.
    uniqueIndex('exam_sessions_seat_idx')
      .on(t.testCenterId, t.seatDay, sql`lower(${t.seatLabel})`)
      .where(sql`seat_label is not null and state in ('scheduled', 'checked_in', 'in_progress', 'paused')`),
    index('exam_sessions_break_idx').on(t.breakEndsAt).where(sql`break_ends_at is not null`),
  ],
);

/**
 * #17.9: an extension past the per-exam cap (EXTENSION_CAP_MINUTES) waits here for an admin. `pending` until an admin
 * approves (the minutes are then added through the session lifecycle) or declines; both people are on the row.
 */
export const extensionRequestStatusEnum = pgEnum('extension_request_status', ['pending', 'approved', 'declined']);
export const extensionRequests = pgTable(
  'extension_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => examSessions.id, { onDelete: 'cascade' }),
    minutes: integer('minutes').notNull(),
    reason: text('reason').notNull(),
    requestedBy: uuid('requested_by').notNull(),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull(),
    status: extensionRequestStatusEnum('status').notNull().default('pending'),
    decidedBy: uuid('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    decisionNote: text('decision_note'),
  },
  (t) => [index('extension_requests_status_idx').on(t.status, t.requestedAt), index('extension_requests_session_idx').on(t.sessionId)],
);

export const sessionTimeLedger = pgTable(
  'session_time_ledger',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => examSessions.id, { onDelete: 'cascade' }),
    at: timestamp('at', { withTimezone: true }).notNull(),
    kind: ledgerKindEnum('kind').notNull(),
    amountMs: bigint('amount_ms', { mode: 'number' }),
    actorId: uuid('actor_id'),
    reason: text('reason'),
  },
  (t) => [index('session_time_ledger_session_idx').on(t.sessionId, t.id)],
);

/** The candidate's current answer and flag per item; *_seq makes replays and out-of-order delivery idempotent. */
export const responses = pgTable(
  'responses',
  {
    sessionId: uuid('session_id')
      .notNull()
      .references(() => examSessions.id, { onDelete: 'cascade' }),
    itemId: text('item_id').notNull(),
    optionId: text('option_id'),
    answerSeq: integer('answer_seq').notNull().default(0),
    flagged: boolean('flagged').notNull().default(false),
    flagSeq: integer('flag_seq').notNull().default(0),
    answeredAt: timestamp('answered_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.itemId] })],
);
