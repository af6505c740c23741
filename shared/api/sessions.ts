import { z } from 'zod';
import { sessionReleaseSchema } from './releases.ts';
import { SESSION_STATES } from '../protocol/session-protocol.ts';
import { CALCULATOR_MODES } from '../item-bank-format.ts';
import { moduleCodeSchema } from '../vocabulary.ts';
import { seatLabelSchema } from '../seats.ts';
import { timestamp } from './common.ts';
import { INCIDENT_SEVERITIES, PROCTOR_INCIDENT_CATEGORIES } from '../incidents.ts';

export const scheduleSessionRequestSchema = z.strictObject({
  candidateId: z.uuid(),
  module: moduleCodeSchema,
  testCenterId: z.uuid(),
  scheduledAt: z.iso.datetime({ offset: true, error: 'scheduledAt must be an ISO date-time such as 2026-12-01T09:00:00-06:00' }),
  timeMultiplier: z.number().min(1, 'the time multiplier is at least 1').max(3, 'the time multiplier is at most 3').default(1),
  accommodationNote: z.string().max(500).nullable().default(null),
  /** Accommodation: the candidate sits in a separate room. */
  separateRoom: z.boolean().default(false),
  /** The seat / workstation (#17.7), free at the center that day; it can also be set at admission or later. */
  seat: seatLabelSchema.nullable().default(null),
});

export const reasonSchema = z.strictObject({ reason: z.string().trim().min(3, 'give a reason (at least 3 characters)').max(500) });
export const extendSchema = z.strictObject({
  minutes: z.number().int('minutes must be a whole number').min(1, 'extend by 1 to 120 minutes').max(120, 'extend by 1 to 120 minutes'),
  reason: z.string().trim().min(3, 'give a reason (at least 3 characters)').max(500),
});
export const admitSchema = z.strictObject({
  idConfirmed: z.literal(true, { error: "confirm that you checked the candidate's photo ID" }),
  /** Seat the candidate at admission (#17.7); absent keeps the seat given at scheduling, null clears it. */
  seat: seatLabelSchema.nullable().optional(),
});
/** PUT /api/sessions/:id/seat: assign, change (a label) or clear (null) the seat of a session not yet ended. */
export const seatRequestSchema = z.strictObject({ seat: seatLabelSchema.nullable() });
export const seatResponseSchema = z.object({ seat: z.string().nullable() });
/** POST /api/sessions/:id/break: the proctor starts an unscheduled break (clock runs), with an optional note. */
export const breakRequestSchema = z.strictObject({ note: z.string().trim().max(300, 'at most 300 characters').optional() });
/** #17.8/#17.9: a termination is filed under a category (required) with a note the candidate sees; severity defaults to high. */
export const terminateSchema = z.strictObject({
  category: z.enum(PROCTOR_INCIDENT_CATEGORIES, { error: `choose a category: ${PROCTOR_INCIDENT_CATEGORIES.join(', ')}` }),
  severity: z.enum(INCIDENT_SEVERITIES, { error: `severity is ${INCIDENT_SEVERITIES.join(', ')}` }).optional(),
  note: z.string({ error: 'write a note saying what happened' }).trim().min(3, 'write a note (at least 3 characters)').max(500),
});
/** What an extension did: applied (`extended`, 200) or, past the per-exam cap, filed for an admin (`requested`, 202). */
export const extendResultSchema = z.object({
  outcome: z.enum(['extended', 'requested']),
  minutes: z.number().int(),
  /** Minutes extended on this exam so far, this one included when it was applied. */
  extendedMinutes: z.number().int(),
  capMinutes: z.number().int(),
  requestId: z.string().nullable(),
});
export const extensionRequestQuerySchema = z.strictObject({
  status: z.enum(['pending', 'approved', 'declined'], { error: 'status is pending, approved or declined' }).optional(),
  testCenterId: z.uuid({ error: 'testCenterId must be a test center id' }).optional(),
});
export const extensionRequestSchema = z.object({
  id: z.string(),
  sessionId: z.string(),
  minutes: z.number().int(),
  reason: z.string(),
  status: z.enum(['pending', 'approved', 'declined']),
  requestedAt: timestamp,
  requestedBy: z.string().nullable(),
  decidedAt: timestamp.nullable(),
  decidedBy: z.string().nullable(),
  decisionNote: z.string().nullable(),
  candidateName: z.string(),
  module: z.string(),
  sessionState: z.string(),
  testCenterId: z.string(),
  testCenter: z.string(),
  timeZone: z.string(),
});
export const approveExtensionSchema = z.strictObject({ note: z.string().trim().min(1).max(500).optional() });
export const declineExtensionSchema = z.strictObject({ note: z.string({ error: 'say why the extension is declined' }).trim().min(3, 'say why (at least 3 characters)').max(500) });
export const extensionDecisionSchema = z.object({ id: z.string(), status: z.enum(['approved', 'declined']), sessionId: z.string(), minutes: z.number().int() });
/** #17.9: an admin reopens a terminated or expired attempt; `creditMinutes` adds time on top of what was left. */
export const reopenSchema = z.strictObject({
  reason: z.string({ error: 'give a reason for reopening' }).trim().min(3, 'give a reason (at least 3 characters)').max(500),
  creditMinutes: z.number().int('creditMinutes must be whole minutes').min(0, 'credit 0 to 120 minutes').max(120, 'credit 0 to 120 minutes').optional(),
});
export const handbookAckSchema = z.strictObject({ version: z.string().min(1) });

export const sessionParamsSchema = z.object({ id: z.uuid() });
export const resumeSchema = reasonSchema.partial();

export const scheduledSessionSchema = z.object({ id: z.string(), state: z.enum(SESSION_STATES), module: moduleCodeSchema, scheduledAt: timestamp });

/** A candidate's own sessions (GET /api/me/sessions). */
export const mySessionSchema = z.object({
  id: z.string(),
  module: moduleCodeSchema,
  moduleTitle: z.string(),
  state: z.enum(SESSION_STATES),
  scheduledAt: timestamp,
  testCenterId: z.string(),
  admittedAt: timestamp.nullable(),
  handbookAcknowledgedAt: timestamp.nullable(),
  endedAt: timestamp.nullable(),
  endReason: z.string().nullable(),
  /** The test center's IANA time zone: every time shown to the candidate names it (#17.5). */
  timeZone: z.string(),
});

/** The server-owned clock as the REST status shows it (the socket's time state, the same fields). */
export const timeStateResponseSchema = z.object({ deadline: z.string().nullable(), remainingMs: z.number().int(), serverTime: z.string(), running: z.boolean() });

/** GET /api/sessions/:id: where a session stands (candidates see their own; proctors their centers'). */
export const sessionStatusSchema = z.object({
  id: z.string(),
  module: moduleCodeSchema,
  moduleTitle: z.string(),
  testCenter: z.string(),
  /** The test center's IANA time zone (#17.5). */
  timeZone: z.string(),
  state: z.enum(SESSION_STATES),
  scheduledAt: timestamp,
  admitted: z.boolean(),
  handbookAcknowledged: z.boolean(),
  pauseReason: z.string().nullable(),
  endReason: z.string().nullable(),
  timeMultiplier: z.number(),
  time: timeStateResponseSchema,
  /** The seat / workstation, if one was assigned (#17.7). */
  seat: z.string().nullable(),
  /** Staff only: the bank release the session's form was drawn from (null: the live bank, or not admitted yet). */
  release: sessionReleaseSchema.optional(),
});

/** The candidate tools a session's blueprint allows (#17.3). */
export const sessionToolsSchema = z.object({ calculator: z.enum(CALCULATOR_MODES) });

export const handbookSchema = z.object({ version: z.string(), sections: z.array(z.object({ title: z.string(), text: z.string() })) });

export const launchCodeSchema = z.object({ code: z.string(), expiresAt: timestamp });

/** Saved answers and flags of a session, for staff (no keys). */
export const savedResponseSchema = z.object({
  itemId: z.string(),
  optionId: z.string().nullable(),
  flagged: z.boolean(),
  answerSeq: z.number().int(),
  flagSeq: z.number().int(),
  answeredAt: timestamp.nullable(),
});

export const timeLedgerEntrySchema = z.object({
  at: timestamp,
  kind: z.enum(['start', 'pause', 'resume', 'extend', 'credit', 'stop']),
  amountMs: z.number().nullable(),
  actorId: z.string().nullable(),
  reason: z.string().nullable(),
});
