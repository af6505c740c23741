import { z } from 'zod';
import { timestamp } from './common.ts';
import { INCIDENT_SEVERITIES, PROCTOR_INCIDENT_CATEGORIES } from '../incidents.ts';

export const ATTENTION_REASONS = ['raised-hand', 'disconnected', 'idle', 'focus-lost', 'second-connection', 'nearly-out-of-time', 'camera-failed', 'camera-declined'] as const;
export type AttentionReason = (typeof ATTENTION_REASONS)[number];

const isoTime = z.string();

/** One seat on the proctor console. Times are ISO strings; the console counts down from `deadline` itself. */
export const rosterRowSchema = z.object({
  sessionId: z.string(),
  candidateId: z.string(),
  candidateName: z.string(),
  module: z.string(),
  state: z.string(),
  /** submitted, expired or terminated, once the exam has ended. */
  endReason: z.string().nullable(),
  scheduledAt: isoTime,
  admitted: z.boolean(),
  handbookAcknowledged: z.boolean(),
  answered: z.number().int(),
  total: z.number().int(),
  deadline: isoTime.nullable(),
  remainingMs: z.number(),
  running: z.boolean(),
  /** Why a paused seat is paused: the proctor's reason, `disconnected` (resumes on reconnect) or `disconnected-proctor` (waits for the proctor). */
  pauseReason: z.string().nullable(),
  /** Disconnect time credited back so far, in total (capped per exam by the disconnect policy). */
  disconnectCreditedMs: z.number(),
  connected: z.boolean(),
  lastSeenAt: isoTime.nullable(),
  rttMs: z.number().nullable(),
  pendingAnswers: z.number().int().nullable(),
  incidents: z.number().int(),
  lastIncident: z.object({ kind: z.string(), at: isoTime }).nullable(),
  lastAnswerAt: isoTime.nullable(),
  timeMultiplier: z.number(),
  accommodationNote: z.string().nullable(),
  separateRoom: z.boolean(),
  /** The seat / workstation label (#17.7), or null when none is assigned. */
  seat: z.string().nullable(),
  /** When the scheduled break the seat is on ends by itself (#17.10); null otherwise. */
  breakEndsAt: isoTime.nullable(),
  /**
   * The seat camera (#17.11): null when the candidate was never asked (the center has it off, or not yet); `asked`
   * when a proctor reopened the decision and the candidate has not answered again. The still itself is fetched by id
   * from /api/sessions/:id/camera/stills/:stillId by the proctor's browser.
   */
  camera: z.object({ consent: z.enum(['given', 'declined', 'asked']), latestStillId: z.string().nullable(), latestStillAt: isoTime.nullable() }).nullable(),
  attention: z.array(z.enum(ATTENTION_REASONS)),
});
export type RosterRow = z.infer<typeof rosterRowSchema>;

export const rosterSchema = z.object({ testCenterId: z.string(), date: z.string(), rows: z.array(rosterRowSchema) });

/** Proctor feed (websocket /ws/proctor). */
export const proctorClientMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('subscribe'), testCenterId: z.uuid(), date: z.iso.date().optional() }),
  z.strictObject({ type: z.literal('ping'), clientSentAt: z.number() }),
]);
export type ProctorClientMessage = z.infer<typeof proctorClientMessageSchema>;

export const proctorServerMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('roster'), testCenterId: z.string(), date: z.string(), rows: z.array(rosterRowSchema), serverTime: isoTime }),
  z.object({ type: z.literal('rows'), rows: z.array(rosterRowSchema), serverTime: isoTime, sentAt: z.number() }),
  z.object({ type: z.literal('pong'), clientSentAt: z.number(), serverTime: z.number() }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
]);
export type ProctorServerMessage = z.infer<typeof proctorServerMessageSchema>;

/** A proctor's incident note (#17.8): category and severity default to other / low. */
export const noteSchema = z.strictObject({
  note: z.string().trim().min(3, 'write at least 3 characters').max(2000),
  category: z.enum(PROCTOR_INCIDENT_CATEGORIES, { error: `category is one of ${PROCTOR_INCIDENT_CATEGORIES.join(', ')}` }).optional(),
  severity: z.enum(INCIDENT_SEVERITIES, { error: `severity is ${INCIDENT_SEVERITIES.join(', ')}` }).optional(),
});
export const bulkReasonSchema = z.strictObject({ reason: z.string().trim().min(3, 'give a reason (at least 3 characters)').max(500) });
export const rosterQuerySchema = z.strictObject({ date: z.iso.date({ error: 'date must look like 2026-11-22' }).optional() });

export const centerParamsSchema = z.object({ id: z.uuid() });
/** A proctor's message to a seat or to the room (#17.6). */
export const proctorMessageSchema = z.strictObject({ text: z.string().trim().min(1, 'write a message').max(300, 'a message is at most 300 characters') });
/** Answering a raised hand: an optional message to the candidate (a default one is sent otherwise). */
export const answerHandSchema = z.strictObject({ text: z.string().trim().min(1).max(300).optional() });
export const messagedCountSchema = z.object({ messaged: z.number().int() });
export const pausedCountSchema = z.object({ paused: z.number().int() });
export const resumedCountSchema = z.object({ resumed: z.number().int() });

export const timelineEventSchema = z.object({
  at: timestamp,
  /** audit, time (the time ledger) or incident. */
  source: z.string(),
  event: z.string(),
  actorId: z.string().nullable(),
  actorRole: z.string().nullable(),
  reason: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
});
export const timelineSchema = z.object({ sessionId: z.string(), events: z.array(timelineEventSchema) });
