import { integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './accounts.ts';
import { forms } from './forms.ts';
import { examSessions } from './sessions.ts';

/** A paper sitting's booklet (docs/paper.md): one a session; its codes are printed on the booklet and the answer sheet. */
export const paperBooklets = pgTable('paper_booklets', {
  sessionId: uuid('session_id')
    .primaryKey()
    .references(() => examSessions.id),
  bookletCode: text('booklet_code').notNull().unique(),
  candidateCode: text('candidate_code').notNull(),
  formId: uuid('form_id')
    .notNull()
    .references(() => forms.id),
  producedAt: timestamp('produced_at', { withTimezone: true }).notNull(),
  producedBy: uuid('produced_by')
    .notNull()
    .references(() => users.id),
  /** Set when the responses were recorded (keyed twice and agreed, or scanned); then the sheet is closed. */
  recordedAt: timestamp('recorded_at', { withTimezone: true }),
  recordedBy: uuid('recorded_by').references(() => users.id),
  /** 'keyed' (double entry) or 'scanned' (the scanner's CSV). */
  source: text('source'),
});

/** One person's keying of an answer sheet: entry 1 and entry 2 must agree before the responses are recorded. */
export const paperEntries = pgTable(
  'paper_entries',
  {
    sessionId: uuid('session_id')
      .notNull()
      .references(() => paperBooklets.sessionId),
    entry: integer('entry').notNull(),
    /** One mark a question: a letter, '' (none) or '*' (several). */
    marks: jsonb('marks').$type<string[]>().notNull(),
    keyedBy: uuid('keyed_by')
      .notNull()
      .references(() => users.id),
    keyedAt: timestamp('keyed_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.entry] })],
);
