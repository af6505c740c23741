import { describe, expect, it } from 'vitest';
import { ACCOUNT_POLICY, checkThrottle, recordFailure, type ThrottleState } from '../../../server/src/modules/auth/domain/login-throttle.ts';

const t0 = new Date('2026-11-01T10:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);

describe('login throttle', () => {
  it('allows failures up to the limit, then locks, doubling on each further failure', () => {
    let s: ThrottleState | undefined;
    for (let i = 0; i < ACCOUNT_POLICY.maxFailures - 1; i++) {
      s = recordFailure(s, at(i * 1000), ACCOUNT_POLICY);
      expect(checkThrottle(s, at(i * 1000)).allowed).toBe(true);
    }
    s = recordFailure(s, at(5000), ACCOUNT_POLICY);
    expect(checkThrottle(s, at(5000))).toEqual({ allowed: false, retryAfterMs: ACCOUNT_POLICY.lockMs });
    expect(checkThrottle(s, at(5000 + ACCOUNT_POLICY.lockMs)).allowed).toBe(true);
    s = recordFailure(s, at(70_000), ACCOUNT_POLICY);
    expect(checkThrottle(s, at(70_000))).toEqual({ allowed: false, retryAfterMs: 2 * ACCOUNT_POLICY.lockMs });
  });

  it('starts a fresh window after the window has passed', () => {
    let s = recordFailure(undefined, t0, ACCOUNT_POLICY);
    s = recordFailure(s, at(ACCOUNT_POLICY.windowMs + 1), ACCOUNT_POLICY);
    expect(s.failures).toBe(1);
  });

  it('never locks longer than the maximum', () => {
    let s: ThrottleState | undefined;
    for (let i = 0; i < 60; i++) s = recordFailure(s, t0, ACCOUNT_POLICY);
    expect(s!.lockedUntil!.getTime() - t0.getTime()).toBe(ACCOUNT_POLICY.maxLockMs);
  });
});
