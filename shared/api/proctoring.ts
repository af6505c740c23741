import { z } from 'zod';

export const ATTENTION_REASONS = ['disconnected', 'idle', 'focus-lost', 'second-connection', 'nearly-out-of-time'] as const;
export type AttentionReason = (typeof ATTENTION_REASONS)[number];

/** One seat on the proctor console. Times are ISO strings; the console counts down from `deadline` itself. */
export interface RosterRow {
  sessionId: string;
  candidateId: string;
  candidateName: string;
  module: string;
  state: string;
  /** submitted, expired or terminated, once the exam has ended. */
  endReason: string | null;
  scheduledAt: string;
  admitted: boolean;
  handbookAcknowledged: boolean;
  answered: number;
  total: number;
  deadline: string | null;
  remainingMs: number;
  running: boolean;
  pauseReason: string | null;
  connected: boolean;
  lastSeenAt: string | null;
  rttMs: number | null;
  pendingAnswers: number | null;
  incidents: number;
  lastIncident: { kind: string; at: string } | null;
  lastAnswerAt: string | null;
  timeMultiplier: number;
  accommodationNote: string | null;
  separateRoom: boolean;
  attention: AttentionReason[];
}

/** Proctor feed (websocket /ws/proctor). */
export const proctorClientMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('subscribe'), testCenterId: z.uuid(), date: z.iso.date().optional() }),
  z.strictObject({ type: z.literal('ping'), clientSentAt: z.number() }),
]);
export type ProctorClientMessage = z.infer<typeof proctorClientMessageSchema>;

export type ProctorServerMessage =
  | { type: 'roster'; testCenterId: string; date: string; rows: RosterRow[]; serverTime: string }
  | { type: 'rows'; rows: RosterRow[]; serverTime: string; sentAt: number }
  | { type: 'pong'; clientSentAt: number; serverTime: number }
  | { type: 'error'; code: string; message: string };

export const noteSchema = z.strictObject({ note: z.string().trim().min(3, 'write at least 3 characters').max(2000) });
export const bulkReasonSchema = z.strictObject({ reason: z.string().trim().min(3, 'give a reason (at least 3 characters)').max(500) });
export const rosterQuerySchema = z.strictObject({ date: z.iso.date({ error: 'date must look like 2026-11-22' }).optional() });
