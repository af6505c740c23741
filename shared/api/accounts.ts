import { z } from 'zod';
import { roleSchema } from '../vocabulary.ts';

export const usernameSchema = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9._@-]{2,99}$/, 'username must be 3-100 characters: lowercase letters, digits, and . _ @ -');

export const createUserRequestSchema = z.strictObject({
  username: usernameSchema,
  displayName: z.string().trim().min(1, 'display name is required').max(200),
  role: roleSchema,
  password: z.string().min(10, 'password must be at least 10 characters').max(1000),
  testCenterCodes: z.array(z.string()).default([]),
});
export type CreateUserRequest = z.infer<typeof createUserRequestSchema>;

export const userSummarySchema = z.object({ id: z.string(), username: z.string(), displayName: z.string(), role: roleSchema });

export const testCenterSchema = z.object({ id: z.string(), code: z.string(), name: z.string(), timeZone: z.string() });
export type TestCenter = z.infer<typeof testCenterSchema>;

export const createTestCenterRequestSchema = z.strictObject({
  code: z.string().trim().regex(/^[A-Z0-9-]{2,32}$/, 'code must be 2-32 uppercase letters, digits or dashes'),
  name: z.string().trim().min(1).max(200),
  timeZone: z.string().min(1).default('America/New_York'),
});
