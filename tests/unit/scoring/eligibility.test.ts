import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { certificationPolicySchema, type CertificationPolicy } from '../../../shared/certification-policy.ts';
import type { ModuleCode } from '../../../shared/vocabulary.ts';
import { addDays, localDateOf, startOfLocalDay } from '../../../shared/civil-date.ts';
import { moduleCertificateDates } from '../../../server/src/modules/scoring/domain/credentials.ts';
import {
  checkEligibility,
  ordinal,
  retakeWaitDays,
  type AttemptRecord,
  type ModuleCredentialRecord,
} from '../../../server/src/modules/scoring/domain/eligibility.ts';

const policy: CertificationPolicy = certificationPolicySchema.parse(
  JSON.parse(readFileSync(new URL('../../../item-bank/policies/cpt-certification-policy.json', import.meta.url), 'utf8')),
);
const CHI = 'America/Chicago';

/** An instant given as local wall-clock time in a zone ("2026-03-02T23:30"). */
function local(wall: string, tz = CHI): Date {
  const [date, time = '00:00'] = wall.split('T') as [string, string?];
  const [h, m] = time.split(':').map(Number) as [number, number];
  return new Date(startOfLocalDay(date, tz).getTime() + (h * 60 + m) * 60_000);
}
const fail = (endedAt: Date, module: ModuleCode = 'SAF', extra: Partial<AttemptRecord> = {}): AttemptRecord => ({ module, endedAt, passed: false, endReason: 'submitted', ...extra });
const pass = (endedAt: Date, module: ModuleCode = 'SAF'): AttemptRecord => ({ module, endedAt, passed: true, endReason: 'submitted' });
const check = (attempts: AttemptRecord[], at: Date, credentials: ModuleCredentialRecord[] = [], timeZone = CHI, module: ModuleCode = 'SAF') =>
  checkEligibility({ module, attempts, credentials, at, timeZone, policy });

describe('retake waits', () => {
  it('uses 15, 15, then 60 days for the third and every later failure', () => {
    expect([1, 2, 3, 4, 9].map((k) => retakeWaitDays(policy, k))).toEqual([15, 15, 60, 60, 60]);
    expect([1, 2, 3, 11, 12, 13, 21, 22, 23, 101].map(ordinal)).toEqual(['first', 'second', 'third', '11th', '12th', '13th', '21st', '22nd', '23rd', '101st']);
  });

  it('lets a first-time candidate sit the module', () => {
    expect(check([], local('2026-03-02T09:00'))).toEqual({ eligible: true, attemptNumber: 1 });
  });

  it('after a failure on local date D, is eligible from local date D + 15', () => {
    const attempts = [fail(local('2026-03-02T15:00'))];
    const blocked = check(attempts, local('2026-03-16T23:59'));
    expect(blocked).toEqual({
      eligible: false,
      code: 'RETAKE_WAIT',
      reason: 'You failed Safety on 2026-03-02 (first attempt). You can retake it from 2026-03-17.',
      nextEligibleDate: '2026-03-17',
    });
    expect(check(attempts, local('2026-03-17T00:00'))).toEqual({ eligible: true, attemptNumber: 2 });
  });

  it('words the second failure as the brief does', () => {
    const attempts = [fail(local('2026-02-01T10:00')), fail(local('2026-03-02T10:00'))];
    expect(check(attempts, local('2026-03-05T10:00'))).toMatchObject({
      reason: 'You failed Safety on 2026-03-02 (second attempt). You can retake it from 2026-03-17.',
      nextEligibleDate: '2026-03-17',
    });
    expect(check(attempts, local('2026-03-17T08:00'))).toEqual({ eligible: true, attemptNumber: 3 });
  });

  it('waits 60 days after the third and later failures, and says why', () => {
    const three = [fail(local('2026-01-02T10:00')), fail(local('2026-01-20T10:00')), fail(local('2026-03-02T10:00'))];
    expect(check(three, local('2026-04-30T23:00'))).toEqual({
      eligible: false,
      code: 'RETAKE_WAIT',
      reason: 'You failed Safety on 2026-03-02 (third attempt). After three or more failed attempts the waiting period is 60 days. You can retake it from 2026-05-01.',
      nextEligibleDate: '2026-05-01',
    });
    expect(check(three, local('2026-05-01T00:00'))).toEqual({ eligible: true, attemptNumber: 4 });
    const four = [...three, fail(local('2026-05-01T10:00'))];
    expect(check(four, local('2026-06-01T10:00'))).toMatchObject({ nextEligibleDate: '2026-06-30', reason: expect.stringContaining('(fourth attempt)') });
  });

  it('counts calendar days over month ends and leap days', () => {
    const next = (failedAt: string, k = 1) => {
      const attempts = Array.from({ length: k }, (_, i) => fail(new Date(local(failedAt).getTime() - (k - 1 - i) * 60_000)));
      const r = check(attempts, local(failedAt));
      return r.eligible ? null : r.nextEligibleDate;
    };
    expect(next('2026-01-31T12:00')).toBe('2026-02-15');
    expect(next('2026-02-20T12:00')).toBe('2026-03-07');
    expect(next('2028-02-14T12:00')).toBe('2028-02-29');
    expect(next('2028-02-20T12:00')).toBe('2028-03-06');
    expect(next('2026-12-20T12:00')).toBe('2027-01-04');
    expect(next('2028-01-15T12:00', 3)).toBe('2028-03-15');
    expect(next('2026-01-15T12:00', 3)).toBe('2026-03-16');
  });

  it('counts the local date of a late-evening failure, not the UTC date', () => {
    const at2330 = local('2026-03-02T23:30'); // 2026-03-03T05:30Z
    expect(at2330.toISOString()).toBe('2026-03-03T05:30:00.000Z');
    const attempts = [fail(at2330)];
    expect(check(attempts, local('2026-03-05T10:00'))).toMatchObject({ nextEligibleDate: '2026-03-17' });
    // Chicago switches to CDT on 8 March, so 17 March starts at 05:00Z.
    expect(check(attempts, new Date('2026-03-17T04:59:59Z')).eligible).toBe(false);
    expect(check(attempts, new Date('2026-03-17T05:00:00Z')).eligible).toBe(true);
    // East of UTC the same instant is already the next day.
    const tokyo = [fail(new Date('2026-03-02T16:00:00Z'))]; // 01:00 on 3 March in Tokyo
    expect(check(tokyo, new Date('2026-03-05T00:00:00Z'), [], 'Asia/Tokyo')).toMatchObject({ nextEligibleDate: '2026-03-18' });
    expect(check(tokyo, new Date('2026-03-05T00:00:00Z'), [], 'UTC')).toMatchObject({ nextEligibleDate: '2026-03-17' });
  });

  it('counts the failure in the zone of the center where it happened, and today in the checking center', () => {
    const attempts = [fail(new Date('2026-03-02T16:00:00Z'), 'SAF', { timeZone: 'Asia/Tokyo' })]; // 3 March in Tokyo
    const r = check(attempts, new Date('2026-03-10T00:00:00Z'), [], CHI);
    expect(r).toMatchObject({ nextEligibleDate: '2026-03-18', reason: expect.stringContaining('on 2026-03-03') });
    expect(check(attempts, local('2026-03-17T23:59'), [], CHI).eligible).toBe(false);
    expect(check(attempts, local('2026-03-18T00:00'), [], CHI).eligible).toBe(true);
  });

  it('is unaffected by the autumn DST change', () => {
    const ny = 'America/New_York';
    const attempts = [fail(local('2026-10-25T22:00', ny))];
    expect(check(attempts, local('2026-10-26T10:00', ny), [], ny)).toMatchObject({ nextEligibleDate: '2026-11-09' });
    expect(check(attempts, new Date('2026-11-09T04:59:59Z'), [], ny).eligible).toBe(false); // 23:59:59 EST on 8 Nov
    expect(check(attempts, new Date('2026-11-09T05:00:00Z'), [], ny).eligible).toBe(true);
  });

  it('resets the count after a pass', () => {
    const attempts = [
      fail(local('2019-01-10T10:00')),
      fail(local('2019-02-10T10:00')),
      fail(local('2019-03-10T10:00')),
      pass(local('2019-06-10T10:00')),
      fail(local('2026-03-02T10:00')),
    ];
    // The 2019 certificate has expired, so the module may be taken again; the 2026 failure is the first since the pass.
    expect(check(attempts, local('2026-03-05T10:00'))).toMatchObject({ nextEligibleDate: '2026-03-17', reason: expect.stringContaining('(first attempt)') });
    expect(check(attempts, local('2026-03-17T10:00'))).toEqual({ eligible: true, attemptNumber: 2 });
  });

  it('counts a terminated session as a failed attempt, even if marked passed', () => {
    const attempts = [fail(local('2026-02-01T10:00')), { module: 'SAF' as const, endedAt: local('2026-03-02T10:00'), passed: true, endReason: 'terminated' as const }];
    expect(check(attempts, local('2026-03-03T10:00'))).toMatchObject({
      code: 'RETAKE_WAIT',
      reason: 'Your Safety exam on 2026-03-02 (second attempt) was terminated, which counts as a failed attempt. You can retake it from 2026-03-17.',
    });
  });

  it('ignores other modules and attempts after the moment asked about', () => {
    const attempts = [fail(local('2026-03-02T10:00'), 'QPM'), fail(local('2026-04-01T10:00'))];
    expect(check(attempts, local('2026-03-03T10:00'))).toEqual({ eligible: true, attemptNumber: 1 });
    expect(check(attempts, local('2026-03-03T10:00'), [], CHI, 'QPM')).toMatchObject({
      reason: 'You failed Quality Practices & Measurement on 2026-03-02 (first attempt). You can retake it from 2026-03-17.',
    });
  });

  it('agrees with addDays for any failure instant, zone and number of failures', () => {
    const zones = ['UTC', CHI, 'America/New_York', 'Asia/Tokyo', 'Australia/Sydney', 'America/Santiago', 'Pacific/Kiritimati'];
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2032, 0, 1) }), fc.integer({ min: 1, max: 5 }), fc.constantFrom(...zones), (ms, k, tz) => {
        const attempts = Array.from({ length: k }, (_, i) => fail(new Date(ms - (k - 1 - i) * 86_400_000)));
        const next = addDays(localDateOf(new Date(ms), tz), k >= 3 ? 60 : 15);
        const start = startOfLocalDay(next, tz);
        expect(check(attempts, new Date(start.getTime() - 1), [], tz)).toMatchObject({ eligible: false, nextEligibleDate: next });
        expect(check(attempts, start, [], tz)).toEqual({ eligible: true, attemptNumber: k + 1 });
      }),
      { numRuns: 150 },
    );
  });
});

describe('already certified', () => {
  const passedAt = local('2026-03-02T14:00');
  const dates = moduleCertificateDates(passedAt, policy, CHI); // expires at the start of 2031-03-02, Chicago
  const cred: ModuleCredentialRecord = { module: 'SAF', issuedAt: dates.issuedAt, expiresAt: dates.expiresAt };

  it('blocks the module while its certificate is valid', () => {
    const r = check([pass(passedAt)], local('2031-03-01T23:59'), [cred]);
    expect(r).toEqual({
      eligible: false,
      code: 'ALREADY_CERTIFIED',
      reason:
        'You already hold a valid Safety certificate (valid through 2031-03-01). A module cannot be retaken for credit while its certificate is valid; you can take it again once the certificate has expired.',
      nextEligibleDate: null,
      credentialExpiresAt: new Date('2031-03-02T06:00:00.000Z'),
    });
  });

  it('allows the module again once the certificate has expired, as a first attempt', () => {
    expect(check([pass(passedAt)], local('2031-03-02T00:00'), [cred])).toEqual({ eligible: true, attemptNumber: 1 });
  });

  it('does not block for a revoked certificate, another module, or a certificate issued later', () => {
    expect(check([pass(passedAt)], local('2027-01-01T10:00'), [{ ...cred, revoked: true }]).eligible).toBe(true);
    expect(check([], local('2027-01-01T10:00'), [{ ...cred, module: 'MA' }]).eligible).toBe(true);
    expect(check([], local('2026-03-01T10:00'), [cred]).eligible).toBe(true);
  });
});
