import { z } from 'zod';
import { roleSchema } from '../vocabulary.ts';

export const loginRequestSchema = z.strictObject({
  username: z.string().trim().min(1, 'username is required').max(200),
  password: z.string().min(1, 'password is required').max(1000),
});
export type LoginRequest = z.infer<typeof loginRequestSchema>;

export const meSchema = z.object({
  userId: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: roleSchema,
  testCenterIds: z.array(z.string()),
});
export type Me = z.infer<typeof meSchema>;

export const loginResponseSchema = z.object({ user: meSchema, expiresAt: z.string() });
export const tokenResponseSchema = z.object({ token: z.string(), user: meSchema, expiresAt: z.string() });
export const launchCodeRequestSchema = z.strictObject({ code: z.string().trim().min(4).max(40) });
export const launchCodeResponseSchema = z.object({ user: meSchema, expiresAt: z.string(), sessionId: z.string() });
