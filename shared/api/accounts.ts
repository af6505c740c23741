import { z } from 'zod';
import { roleSchema } from '../vocabulary.ts';
import { problemSchema } from './common.ts';

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
  /** The user must choose their own password at first sign-in (recommended whenever someone else picked this one). */
  mustChangePassword: z.boolean().optional(),
});
export type CreateUserRequest = z.infer<typeof createUserRequestSchema>;

export const userSummarySchema = z.object({ id: z.string(), username: z.string(), displayName: z.string(), role: roleSchema });
export type UserSummary = z.infer<typeof userSummarySchema>;
export const createdUserSchema = userSummarySchema.extend({ testCenterIds: z.array(z.string()) });
export const userListQuerySchema = z.strictObject({ role: roleSchema.optional(), testCenterId: z.uuid().optional() });
export const addMemberRequestSchema = z.strictObject({ userId: z.uuid() });

export const testCenterSchema = z.object({ id: z.string(), code: z.string(), name: z.string(), timeZone: z.string() });
export type TestCenter = z.infer<typeof testCenterSchema>;

export const createTestCenterRequestSchema = z.strictObject({
  code: z.string().trim().regex(/^[A-Z0-9-]{2,32}$/, 'code must be 2-32 uppercase letters, digits or dashes'),
  name: z.string().trim().min(1).max(200),
  timeZone: z.string().min(1).default('America/New_York'),
});

export const candidateImportRequestSchema = z.strictObject({
  text: z.string().max(5_000_000),
  fileName: z.string().max(200).default('candidates.csv'),
  dryRun: z.boolean().default(true),
});
export const candidateImportResultSchema = z.object({
  dryRun: z.boolean(),
  created: z.number().int(),
  valid: z.number().int(),
  problems: z.array(problemSchema),
  /** Every row of the file that was read, with its line number. */
  rows: z.array(z.object({ line: z.number().int(), username: z.string(), displayName: z.string() })),
  /** The accounts the real run made, in file order (empty on a dry run or when any row was refused). */
  createdIds: z.array(z.string()),
});
export type CandidateImportResult = z.infer<typeof candidateImportResultSchema>;
