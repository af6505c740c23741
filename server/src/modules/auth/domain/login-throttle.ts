/**
 * Sign-in throttling, per account and per network address. Pure: the caller loads the counter, passes the time,
 * and stores what comes back. Every attempt is counted (atomically, in the database) before the password is checked,
 * and a successful one is taken back, so parallel guesses cannot each get a check. Counting per account stops a
 * password guesser from rotating addresses, with a short progressive delay (never a long lock-out that would let
 * anyone lock a proctor out on exam day); counting per address stops one machine from spraying many accounts.
 */

export interface ThrottlePolicy {
  /** Failures allowed inside the window before the scope is locked. */
  maxFailures: number;
  windowMs: number;
  /** First lock; each further failure while over the limit doubles it, up to maxLockMs. */
  lockMs: number;
  maxLockMs: number;
}

/** Per account: 5 free attempts in 15 minutes, then 15 s, 30 s, 60 s, 120 s between attempts (at most). */
export const ACCOUNT_POLICY: ThrottlePolicy = { maxFailures: 5, windowMs: 15 * 60_000, lockMs: 15_000, maxLockMs: 120_000 };
/** Per address: 30 failed attempts in 15 minutes, then 1 minute doubling to 30 minutes. */
export const ADDRESS_POLICY: ThrottlePolicy = { maxFailures: 30, windowMs: 15 * 60_000, lockMs: 60_000, maxLockMs: 30 * 60_000 };
/** Second-factor codes per account: 5 in 15 minutes, then 30 s doubling to 15 minutes (a 6-digit code is guessable). */
export const MFA_POLICY: ThrottlePolicy = { maxFailures: 5, windowMs: 15 * 60_000, lockMs: 30_000, maxLockMs: 15 * 60_000 };

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

/** Takes back one counted attempt (it succeeded); a lock already in force stays. */
export function refundAttempt(state: ThrottleState): ThrottleState {
  return { ...state, failures: Math.max(0, state.failures - 1) };
}
