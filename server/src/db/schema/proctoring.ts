import { bigserial, index, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { examSessions } from './sessions.ts';
import { INCIDENT_CATEGORIES, INCIDENT_KINDS, INCIDENT_SEVERITIES } from '../../../../shared/incidents.ts';

export { INCIDENT_KINDS };
export const incidentKindEnum = pgEnum('incident_kind', INCIDENT_KINDS);
export const incidentCategoryEnum = pgEnum('incident_category', INCIDENT_CATEGORIES);
export const incidentSeverityEnum = pgEnum('incident_severity', INCIDENT_SEVERITIES);

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
    /** #17.8: the proctor's category (required on a termination) or the system's default for the kind. */
    category: incidentCategoryEnum('category').notNull().default('other'),
    severity: incidentSeverityEnum('severity').notNull().default('low'),
  },
  (t) => [index('session_incidents_session_idx').on(t.sessionId, t.id)],
);
