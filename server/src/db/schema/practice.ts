import { boolean, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './accounts.ts';
import { moduleCodeEnum } from './item-bank.ts';

/** One item of a practice test: the item version drawn from the practice pool and the option order shown. */
export interface PracticeAttemptItem {
  itemId: string;
  version: number;
  kwa: string;
  optionOrder: string[];
}

/**
 * A candidate's practice test (docs/practice.md). Kept apart from exam_sessions on purpose: nothing that decides
 * eligibility, credentials or item statistics reads this table, so a practice result can never count.
 */
export const practiceAttempts = pgTable(
  'practice_attempts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    candidateId: uuid('candidate_id')
      .notNull()
      .references(() => users.id),
    module: moduleCodeEnum('module').notNull(),
    blueprintVersion: text('blueprint_version').notNull(),
    seed: text('seed').notNull(),
    timed: boolean('timed').notNull(),
    /** Allowed time for a timed practice test; null when untimed. */
    timeLimitMs: integer('time_limit_ms'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    deadlineAt: timestamp('deadline_at', { withTimezone: true }),
    items: jsonb('items').$type<PracticeAttemptItem[]>().notNull(),
    /** Item id → chosen option id. */
    answers: jsonb('answers').$type<Record<string, string>>().notNull().default({}),
    flags: jsonb('flags').$type<string[]>().notNull().default([]),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    /** 'submitted' or 'expired' (a timed test whose time ran out). */
    endReason: text('end_reason'),
    /** The scoring service's result (scoreSession), kept for the review; never read by eligibility or credentials. */
    result: jsonb('result').$type<Record<string, unknown>>(),
  },
  (t) => [index('practice_attempts_candidate_idx').on(t.candidateId, t.startedAt)],
);
