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
  /** What the account must do before anything else: choose its own password, or set up two-factor sign-in. */
  pending: z.enum(['change-password', 'enrol-mfa']).optional(),
});
export type Me = z.infer<typeof meSchema>;

/** After the password: null (signed in), or the step still to take ("mfa": enter the authenticator code). */
export const signInNextSchema = z.enum(['mfa', 'change-password', 'enrol-mfa']).nullable();
export const loginResponseSchema = z.object({ user: meSchema, expiresAt: z.string(), next: signInNextSchema });
export const tokenResponseSchema = z.object({ token: z.string(), user: meSchema, expiresAt: z.string(), next: signInNextSchema });

export const mfaCodeRequestSchema = z.strictObject({ code: z.string().trim().min(6, 'code is required').max(40) });
/** The token is in the body only for API clients that sent a Bearer token; browsers get a new HttpOnly cookie. */
export const mfaVerifyResponseSchema = z.object({ user: meSchema, expiresAt: z.string(), next: signInNextSchema, token: z.string().optional() });
export const mfaEnrolmentSchema = z.object({ secret: z.string(), otpauthUrl: z.string() });
export const mfaEnabledSchema = z.object({ recoveryCodes: z.array(z.string()) });
export const mfaStatusSchema = z.object({ enabled: z.boolean(), required: z.boolean(), recoveryCodesLeft: z.number().int() });

export const changePasswordRequestSchema = z.strictObject({
  currentPassword: z.string().min(1, 'current password is required').max(1000),
  newPassword: z.string().min(1, 'new password is required').max(1000),
});
export const changePasswordResponseSchema = z.object({ otherSessionsEnded: z.number().int() });
export const resetPasswordRequestSchema = z.strictObject({ newPassword: z.string().min(1).max(1000) });
export const accountStatusRequestSchema = z.strictObject({ disabled: z.boolean() });
export const accountStatusResponseSchema = z.object({ userId: z.string(), username: z.string(), disabled: z.boolean(), sessionsEnded: z.number().int() });
export const sessionsEndedSchema = z.object({ sessionsEnded: z.number().int() });
export const launchCodeRequestSchema = z.strictObject({ code: z.string().trim().min(4).max(40) });
export const launchCodeResponseSchema = z.object({ user: meSchema, expiresAt: z.string(), sessionId: z.string() });
