/**
 * Failed-login throttling, per account and per network address. Pure: the caller loads the counter, passes the time,
 * and stores what comes back. Counting per account stops a password guesser from rotating addresses; counting per
 * address stops one machine from spraying many accounts.
 */

export interface ThrottlePolicy {
  /** Failures allowed inside the window before the scope is locked. */
  maxFailures: number;
  windowMs: number;
  /** First lock; each further failure while over the limit doubles it, up to maxLockMs. */
  lockMs: number;
  maxLockMs: number;
}

export const ACCOUNT_POLICY: ThrottlePolicy = { maxFailures: 5, windowMs: 15 * 60_000, lockMs: 60_000, maxLockMs: 30 * 60_000 };
export const ADDRESS_POLICY: ThrottlePolicy = { maxFailures: 30, windowMs: 15 * 60_000, lockMs: 60_000, maxLockMs: 30 * 60_000 };

export interface ThrottleState {
  failures: number;
  windowStartedAt: Date;
  lockedUntil: Date | null;
}

export type ThrottleCheck = { allowed: true } | { allowed: false; retryAfterMs: number };

export function checkThrottle(state: ThrottleState | undefined, now: Date): ThrottleCheck {
  if (!state?.lockedUntil) return { allowed: true };
  const wait = state.lockedUntil.getTime() - now.getTime();
  return wait > 0 ? { allowed: false, retryAfterMs: wait } : { allowed: true };
}

export function recordFailure(state: ThrottleState | undefined, now: Date, policy: ThrottlePolicy): ThrottleState {
  const fresh = !state || now.getTime() - state.windowStartedAt.getTime() > policy.windowMs;
  const failures = fresh ? 1 : state.failures + 1;
  const windowStartedAt = fresh ? now : state.windowStartedAt;
  if (failures < policy.maxFailures) return { failures, windowStartedAt, lockedUntil: null };
  const over = failures - policy.maxFailures;
  const lock = Math.min(policy.lockMs * 2 ** Math.min(over, 20), policy.maxLockMs);
  return { failures, windowStartedAt, lockedUntil: new Date(now.getTime() + lock) };
}
