import { z } from 'zod';
import { moduleCodeSchema } from '../vocabulary.ts';

export const scheduleSessionRequestSchema = z.strictObject({
  candidateId: z.uuid(),
  module: moduleCodeSchema,
  testCenterId: z.uuid(),
  scheduledAt: z.iso.datetime({ offset: true, error: 'scheduledAt must be an ISO date-time such as 2026-12-01T09:00:00-06:00' }),
  timeMultiplier: z.number().min(1, 'the time multiplier is at least 1').max(3, 'the time multiplier is at most 3').default(1),
  accommodationNote: z.string().max(500).nullable().default(null),
  /** Accommodation: the candidate sits in a separate room. */
  separateRoom: z.boolean().default(false),
});

export const reasonSchema = z.strictObject({ reason: z.string().trim().min(3, 'give a reason (at least 3 characters)').max(500) });
export const extendSchema = z.strictObject({
  minutes: z.number().int('minutes must be a whole number').min(1, 'extend by 1 to 120 minutes').max(120, 'extend by 1 to 120 minutes'),
  reason: z.string().trim().min(3, 'give a reason (at least 3 characters)').max(500),
});
export const admitSchema = z.strictObject({ idConfirmed: z.literal(true, { error: "confirm that you checked the candidate's photo ID" }) });
export const handbookAckSchema = z.strictObject({ version: z.string().min(1) });
