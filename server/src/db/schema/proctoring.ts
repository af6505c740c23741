import { bigserial, index, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { examSessions } from './sessions.ts';

export const INCIDENT_KINDS = ['focus-lost', 'page-hidden', 'fullscreen-exit', 'second-connection', 'long-disconnect', 'auto-pause', 'proctor-note', 'raise-hand', 'hand-answered', 'proctor-message', 'camera-failed', 'camera-declined'] as const;
export const incidentKindEnum = pgEnum('incident_kind', INCIDENT_KINDS);

/** Incidents per session, raised by candidate signals, by the system, or written by a proctor. */
export const sessionIncidents = pgTable(
  'session_incidents',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => examSessions.id, { onDelete: 'cascade' }),
    at: timestamp('at', { withTimezone: true }).notNull(),
    kind: incidentKindEnum('kind').notNull(),
    source: text('source').notNull(),
    actorId: uuid('actor_id'),
    note: text('note'),
  },
  (t) => [index('session_incidents_session_idx').on(t.sessionId, t.id)],
);
