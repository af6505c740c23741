/**
 * The seat camera (#17.11, docs/candidate-and-proctor.md §10): the center's setting (admins), the candidate's consent,
 * still uploads and the proctor's view of them.
 */
import { z } from 'zod';
import { timestamp } from './common.ts';

/** Largest still accepted, in bytes of JPEG (the client sends about 320 × 240 at quality 0.6: 10–20 KB). */
export const MAX_STILL_BYTES = 64 * 1024;
export const CAMERA_INTERVAL_SECONDS = { min: 10, max: 600, default: 60 } as const;
export const CAMERA_RETENTION_DAYS = { min: 1, max: 365, default: 30 } as const;

export const cameraSettingsSchema = z.object({
  testCenterId: z.string(),
  enabled: z.boolean(),
  intervalSeconds: z.number().int(),
  retentionDays: z.number().int(),
  /** Null when no admin has set it (the defaults, camera off). */
  updatedAt: timestamp.nullable(),
});

export const cameraSettingsRequestSchema = z.strictObject({
  enabled: z.boolean(),
  intervalSeconds: z
    .number()
    .int()
    .min(CAMERA_INTERVAL_SECONDS.min, `intervalSeconds must be at least ${CAMERA_INTERVAL_SECONDS.min}`)
    .max(CAMERA_INTERVAL_SECONDS.max, `intervalSeconds must be at most ${CAMERA_INTERVAL_SECONDS.max}`),
  retentionDays: z
    .number()
    .int()
    .min(CAMERA_RETENTION_DAYS.min, `retentionDays must be at least ${CAMERA_RETENTION_DAYS.min}`)
    .max(CAMERA_RETENTION_DAYS.max, `retentionDays must be at most ${CAMERA_RETENTION_DAYS.max}`),
});

/** What a session's exam client needs to know: whether to ask for consent, and whether (and how often) to capture. */
export const sessionCameraSchema = z.object({
  enabled: z.boolean(),
  intervalSeconds: z.number().int(),
  maxBytes: z.number().int(),
  /** The candidate's decision, or null when not asked yet. */
  consent: z.enum(['given', 'declined']).nullable(),
  decidedAt: timestamp.nullable(),
});

export const cameraConsentRequestSchema = z.strictObject({ consent: z.boolean() });

/** A proctor reopens the candidate's camera decision (the exam page asks again); the reason is on the record. */
export const cameraReopenRequestSchema = z.strictObject({ reason: z.string().trim().min(3, 'reason must be at least 3 characters').max(500, 'reason must be at most 500 characters') });
/** The decisions a proctor reopened, oldest first; the current one is `sessionCameraSchema.consent`. */
export const cameraHistorySchema = z.object({
  sessionId: z.string(),
  history: z.array(z.object({ consent: z.enum(['given', 'declined']), decidedAt: timestamp, reopenedAt: timestamp, reopenedBy: z.string(), reason: z.string() })),
});

/** A still as base64 JPEG text (JSON keeps one body parser and one validation path; a still is small). */
export const stillUploadRequestSchema = z.strictObject({
  jpeg: z
    .string()
    .min(1, 'jpeg is empty')
    .max(Math.ceil(MAX_STILL_BYTES / 3) * 4, `jpeg is larger than ${MAX_STILL_BYTES} bytes`)
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'jpeg must be base64 (no data: prefix)'),
});
export const stillSchema = z.object({ id: z.string(), takenAt: timestamp, bytes: z.number().int() });
export const stillListSchema = z.object({ sessionId: z.string(), stills: z.array(stillSchema) });

export const CAMERA_FAILURES = ['permission-denied', 'no-device', 'capture-failed'] as const;
export const cameraFailureRequestSchema = z.strictObject({ reason: z.enum(CAMERA_FAILURES), detail: z.string().trim().max(200).optional() });

export const stillParamsSchema = z.object({ id: z.uuid(), stillId: z.uuid() });
