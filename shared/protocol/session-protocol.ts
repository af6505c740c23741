/**
 * The exam-session websocket protocol, version 1. Every client message that changes state carries a sequence number
 * the client increments per session; the server acknowledges a sequence only after the transaction that recorded it
 * has committed, and acknowledges replays again without change. docs/protocol.md has the whole exchange.
 */
import { z } from 'zod';
import { BREAK_CLOCKS, scheduledBreakSchema } from '../breaks.ts';

export const PROTOCOL_VERSION = 1;
/** Largest message the server accepts, in bytes; larger frames are refused with MESSAGE_TOO_LARGE. */
export const MAX_CLIENT_MESSAGE_BYTES = 4096;

/** Stored as 32-bit integers; a client numbers from the snapshot's lastSeq + 1. */
export const MAX_SEQ = 2_147_483_647;
const seq = z.number().int().positive().max(MAX_SEQ);
const id = z.string().min(1).max(64);

export const SIGNAL_KINDS = ['focus-lost', 'focus-regained', 'page-hidden', 'page-visible', 'fullscreen-exit', 'fullscreen-enter', 'raise-hand'] as const;

export const clientMessageSchema = z.discriminatedUnion('type', [
  /** First message on every socket: which session, which protocol. Authentication rides on the upgrade request. */
  z.strictObject({
    type: z.literal('hello'),
    protocol: z.number().int(),
    sessionId: z.uuid(),
    /**
     * This browser tab's stable id (kept across reloads and reconnects): a hello from the same instance is a reconnect,
     * from another instance while the first is live a second connection (an incident for the proctor).
     */
    clientInstanceId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, { error: 'must be 8-64 letters, digits, - or _' }).optional(),
  }),
  /** Choose an option, or clear the answer with optionId null. */
  z.strictObject({ type: z.literal('answer'), seq, itemId: id, optionId: id.nullable() }),
  z.strictObject({ type: z.literal('flag'), seq, itemId: id, flagged: z.boolean() }),
  /** The candidate moved to this item (restores the position on resume). */
  z.strictObject({ type: z.literal('visit'), seq, itemId: id }),
  /** Ask for the review summary before submitting (unanswered and flagged counts). */
  z.strictObject({ type: z.literal('review'), seq }),
  z.strictObject({ type: z.literal('submit'), seq }),
  /** Clock-offset probe; also the heartbeat, carrying the client's view of its connection for the proctor. */
  z.strictObject({
    type: z.literal('time-sync'),
    clientSentAt: z.number(),
    rttMs: z.number().int().min(0).max(600_000).optional(),
    pendingAnswers: z.number().int().min(0).max(100_000).optional(),
  }),
  /** Testing-center signals for the proctor. */
  z.strictObject({ type: z.literal('signal'), seq, kind: z.enum(SIGNAL_KINDS) }),
  /** Take a break (#17.10): the blueprint's next scheduled break (refused unless due) or an unscheduled one (clock runs). */
  z.strictObject({ type: z.literal('break'), seq, kind: z.enum(['scheduled', 'unscheduled']) }),
  /** End the break now (Resume on the break screen). */
  z.strictObject({ type: z.literal('break-end'), seq }),
]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;

export const SESSION_STATES = ['scheduled', 'checked_in', 'in_progress', 'paused', 'submitted', 'expired', 'terminated', 'scored'] as const;
export type SessionState = (typeof SESSION_STATES)[number];

/** What the candidate's browser gets of an item: never the key, rationale or statistics. */
/** An image: its hash (fetched from GET /api/sessions/:id/media/:sha256 while the exam runs) and its alt text. */
export const candidateImageSchema = z.strictObject({ sha256: z.string(), alt: z.string() });
export type CandidateImage = z.infer<typeof candidateImageSchema>;

export const candidateItemSchema = z.strictObject({
  itemId: z.string(),
  position: z.number().int(),
  stem: z.string(),
  image: candidateImageSchema.optional(),
  /** In this candidate's recorded option order. */
  options: z.array(z.strictObject({ id: z.string(), text: z.string(), image: candidateImageSchema.optional() })),
});
export type CandidateItem = z.infer<typeof candidateItemSchema>;

export const timeStateSchema = z.strictObject({
  /** The server's deadline (ISO), null while paused or not started. */
  deadline: z.string().nullable(),
  remainingMs: z.number().int(),
  serverTime: z.string(),
  running: z.boolean(),
});
export type TimeState = z.infer<typeof timeStateSchema>;

export const PROTOCOL_ERROR_CODES = [
  'BAD_MESSAGE',
  'MESSAGE_TOO_LARGE',
  'PROTOCOL_VERSION',
  'NOT_AUTHENTICATED',
  'FORBIDDEN',
  'SESSION_NOT_FOUND',
  'SESSION_NOT_STARTED',
  'SESSION_PAUSED',
  'SESSION_ENDED',
  'ITEM_NOT_ON_FORM',
  'OPTION_NOT_ON_ITEM',
  'HELLO_FIRST',
  'INTERNAL',
  /** The database cannot be reached right now (a restart, a failover): nothing was saved; send it again shortly. */
  'UNAVAILABLE',
  /** A break or break-end that cannot be done now (no scheduled break due, not on a break); the message says why. */
  'BREAK_REFUSED',
] as const;
/** Errors after which the same message is sent again (the client's outbox keeps it and retries). */
export const RETRYABLE_ERROR_CODES: readonly ProtocolErrorCode[] = ['INTERNAL', 'UNAVAILABLE'];
export type ProtocolErrorCode = (typeof PROTOCOL_ERROR_CODES)[number];

/** The break a candidate is on: its kind, whether the clock stops or runs, and when a scheduled one ends by itself. */
export const currentBreakSchema = z.strictObject({ kind: z.enum(['scheduled', 'unscheduled']), clock: z.enum(BREAK_CLOCKS), endsAt: z.string().nullable() });
export type CurrentBreak = z.infer<typeof currentBreakSchema>;

export const END_REASONS = ['submitted', 'expired', 'terminated'] as const;

export const serverMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('snapshot'),
    protocol: z.literal(PROTOCOL_VERSION),
    session: z.strictObject({ id: z.string(), module: z.string(), moduleTitle: z.string(), state: z.enum(SESSION_STATES), pauseReason: z.string().nullable(), admitted: z.boolean() }),
    items: z.array(candidateItemSchema),
    answers: z.record(z.string(), z.string()),
    flags: z.array(z.string()),
    position: z.string().nullable(),
    /** The highest sequence number the server has applied for this session; continue from lastSeq + 1. */
    lastSeq: z.number().int(),
    time: timeStateSchema,
    /** Minutes-left thresholds at which the server sends time-warning. */
    warningMinutes: z.array(z.number()),
    /** The blueprint's scheduled breaks, how many were taken, and the break under way (#17.10). */
    breaks: z
      .strictObject({
        scheduled: z.array(scheduledBreakSchema),
        taken: z.number().int(),
        current: currentBreakSchema.nullable(),
        /** All the time granted so far (ms): with the time left it tells the browser when an `atMinute` break is due. */
        allowedMs: z.number().int(),
      })
      .optional(),
  }),
  z.strictObject({ type: z.literal('ack'), seq }),
  z.strictObject({ type: z.literal('error'), seq: seq.optional(), code: z.enum(PROTOCOL_ERROR_CODES), message: z.string() }),
  z.strictObject({ type: z.literal('review'), seq, unanswered: z.array(z.string()), flagged: z.array(z.string()), total: z.number().int() }),
  z.strictObject({ type: z.literal('time-sync'), clientSentAt: z.number(), serverTime: z.number(), time: timeStateSchema }),
  z.strictObject({ type: z.literal('time-warning'), minutesLeft: z.number(), time: timeStateSchema }),
  /** The exam paused; `break` when the pause is a break (the break screen shows its countdown). */
  z.strictObject({ type: z.literal('paused'), reason: z.string(), time: timeStateSchema, break: currentBreakSchema.optional() }),
  z.strictObject({ type: z.literal('resumed'), time: timeStateSchema }),
  z.strictObject({ type: z.literal('extended'), minutes: z.number(), time: timeStateSchema }),
  z.strictObject({ type: z.literal('terminated'), reason: z.string() }),
  z.strictObject({ type: z.literal('ended'), reason: z.enum(END_REASONS) }),
  z.strictObject({ type: z.literal('result-ready'), sessionId: z.string() }),
  /** A message from the proctor to this seat or the whole room (#17.6); answersHand: it answers the candidate's raised hand. */
  z.strictObject({ type: z.literal('message'), text: z.string(), scope: z.enum(['seat', 'room']), at: z.string(), answersHand: z.boolean() }),
  /**
   * In a start storm the start (or this socket's hello) waits its turn (#18): `position` 1 is next; the expected wait
   * comes from the rate at which starts are going through now. Sent when it starts waiting, then as it advances (at
   * least every 5 s); the snapshot ends the wait.
   */
  z.strictObject({ type: z.literal('queue'), position: z.number().int().positive(), expectedWaitMs: z.number().int().min(0) }),
  /** A proctor reopened the seat-camera decision: stop taking stills and ask the consent question again (the clock runs on). */
  z.strictObject({ type: z.literal('camera-reopened') }),
  /** This socket was replaced by a newer connection to the same session; it closes next. */
  z.strictObject({ type: z.literal('replaced') }),
]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;
