import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { certificationPolicySchema, type CertificationPolicy } from '../../../shared/certification-policy.ts';
import { moduleCertificateDates } from '../../../server/src/modules/scoring/domain/credentials.ts';
import { sniffEvidence } from '../../../server/src/modules/scoring/domain/evidence.ts';
import { recertificationProgress, type RecertActivity } from '../../../server/src/modules/scoring/domain/recertification.ts';

const policyJson = JSON.parse(readFileSync(new URL('../../../item-bank/policies/cpt-certification-policy.json', import.meta.url), 'utf8'));
const policy: CertificationPolicy = certificationPolicySchema.parse(policyJson);
const CHI = 'America/Chicago';
const at = (iso: string) => new Date(iso);
// Full CPT completed at 14:00 on 2 March 2026 in Chicago: valid through 2031-03-01, expires 2031-03-02T06:00Z.
const cred = moduleCertificateDates(at('2026-03-02T20:00:00Z'), policy, CHI);
const act = (category: string, points: number, iso: string, description = 'activity'): RecertActivity => ({ category, points, completedAt: at(iso), description });
const progress = (activities: RecertActivity[], now: string, p: CertificationPolicy = policy) =>
  recertificationProgress({ credentialIssuedAt: cred.issuedAt, credentialExpiresAt: cred.expiresAt, activities, at: at(now), policy: p, timeZone: CHI });

describe('recertificationProgress', () => {
  it('uses the credential’s five years as the window and opens the application 90 days before expiry', () => {
    const r = progress([], '2027-01-01T00:00:00Z');
    expect(r.windowStart).toEqual(at('2026-03-02T06:00:00Z')); // start of the issue day
    expect(r.windowEnd).toEqual(at('2031-03-02T06:00:00Z'));
    expect(r.applicationOpensAt).toEqual(at('2030-12-02T06:00:00Z')); // 2031-03-02 − 90 days
    expect(r).toMatchObject({ pointsEarned: 0, pointsRequired: 100, pointsMissing: 100, applicationOpen: false, expired: false, canApply: false });
    expect(r.byCategory).toEqual({ 'continuing-education': 0, 'industry-certification': 0, employment: 0, extra: 0 });
    expect(progress([], '2030-12-02T05:59:59Z').applicationOpen).toBe(false);
    expect(progress([], '2030-12-02T06:00:00Z').applicationOpen).toBe(true);
    expect(progress([], '2031-03-02T05:59:59Z').applicationOpen).toBe(true);
    expect(progress([], '2031-03-02T06:00:00Z')).toMatchObject({ applicationOpen: false, expired: true });
  });

  it('counts only activities inside the window, completed by now, in a known category, with positive points', () => {
    const activities = [
      act('employment', 40, '2026-03-02T06:00:00Z', 'first minute of the issue day'),
      act('employment', 10, '2026-03-02T05:59:59Z', 'the day before issue'),
      act('continuing-education', 30, '2028-05-01T15:00:00Z'),
      act('industry-certification', 30, '2030-12-20T15:00:00Z'),
      act('extra', 5, '2031-03-02T06:00:00Z', 'after expiry'),
      act('extra', 5, '2031-01-15T15:00:00Z', 'not done yet'),
      act('volunteering', 50, '2029-01-01T15:00:00Z'),
      act('extra', -5, '2029-01-01T15:00:00Z'),
      act('extra', Number.NaN, '2029-01-01T15:00:00Z'),
    ];
    const r = progress(activities, '2031-01-01T00:00:00Z');
    expect(r.byCategory).toEqual({ 'continuing-education': 30, 'industry-certification': 30, employment: 40, extra: 0 });
    expect(r).toMatchObject({ pointsEarned: 100, pointsMissing: 0, requirementMet: true, applicationOpen: true, canApply: true });
    expect(r.countedActivities.map((a) => [a.category, a.pointsCounted])).toEqual([
      ['employment', 40],
      ['continuing-education', 30],
      ['industry-certification', 30],
    ]);
    expect(r.notCounted.map((n) => [n.activity.description, n.reason])).toEqual([
      ['the day before issue', 'before-window'],
      ['activity', 'unknown-category'],
      ['activity', 'invalid-points'],
      ['activity', 'invalid-points'],
      ['not done yet', 'in-the-future'],
      ['after expiry', 'in-the-future'],
    ]);
    expect(progress(activities, '2031-06-01T00:00:00Z').notCounted.find((n) => n.activity.description === 'after expiry')?.reason).toBe('after-window');
  });

  it('is one point short at 99', () => {
    const r = progress([act('employment', 99, '2029-01-01T15:00:00Z')], '2031-01-01T00:00:00Z');
    expect(r).toMatchObject({ pointsEarned: 99, pointsMissing: 1, requirementMet: false, applicationOpen: true, canApply: false });
  });

  it('applies per-category caps when the policy sets them, in completion order', () => {
    const capped = certificationPolicySchema.parse({
      ...policyJson,
      recertification: { ...policyJson.recertification, categories: [{ id: 'employment', title: 'Employment' }, { id: 'extra', title: 'Extra', maxPoints: 40 }] },
    });
    const r = progress([act('extra', 30, '2027-02-01T15:00:00Z', 'b'), act('extra', 30, '2027-01-01T15:00:00Z', 'a'), act('extra', 10, '2027-03-01T15:00:00Z', 'c'), act('employment', 60, '2027-04-01T15:00:00Z')], '2028-01-01T00:00:00Z', capped);
    expect(r.countedActivities.map((a) => [a.description, a.pointsCounted])).toEqual([
      ['a', 30],
      ['b', 10],
      ['activity', 60],
    ]);
    expect(r.notCounted.map((n) => [n.activity.description, n.reason])).toEqual([['c', 'category-cap-reached']]);
    expect(r.byCategory).toEqual({ employment: 60, extra: 40 });
    expect(r.pointsEarned).toBe(100);
  });

  it('handles a credential issued on 29 February', () => {
    const leap = moduleCertificateDates(at('2028-02-29T15:00:00Z'), policy);
    const r = recertificationProgress({ credentialIssuedAt: leap.issuedAt, credentialExpiresAt: leap.expiresAt, activities: [act('extra', 100, '2028-02-29T15:30:00Z')], at: at('2033-01-01T00:00:00Z'), policy });
    expect(r.windowStart).toEqual(at('2028-02-28T00:00:00Z'));
    expect(r.windowEnd).toEqual(at('2033-02-28T00:00:00Z'));
    expect(r.applicationOpensAt).toEqual(at('2032-11-30T00:00:00Z'));
    expect(r.pointsEarned).toBe(100);
  });

  it('rejects a credential that expires before it was issued', () => {
    expect(() => recertificationProgress({ credentialIssuedAt: cred.expiresAt, credentialExpiresAt: cred.issuedAt, activities: [], at: at('2027-01-01T00:00:00Z'), policy })).toThrow(RangeError);
  });

  it('counts only approved activities: pending ones are reported as waiting (with their points), rejected ones never count', () => {
    const r = progress(
      [
        { ...act('employment', 40, '2028-01-01T15:00:00Z'), status: 'approved' as const },
        { ...act('employment', 30, '2028-02-01T15:00:00Z'), status: 'pending' as const },
        { ...act('extra', 20, '2028-03-01T15:00:00Z'), status: 'rejected' as const },
        { ...act('extra', 20, '2020-03-01T15:00:00Z'), status: 'pending' as const },
      ],
      '2029-01-01T00:00:00Z',
    );
    expect(r).toMatchObject({ pointsEarned: 40, pointsPending: 30 });
    expect(r.notCounted.map((n) => n.reason)).toEqual(['before-window', 'awaiting-approval', 'rejected']);
  });
});

describe('sniffEvidence', () => {
  it('knows PDF, PNG and JPEG by their first bytes, and nothing else whatever its name', () => {
    expect(sniffEvidence(Buffer.from('%PDF-1.7\n'))).toBe('application/pdf');
    expect(sniffEvidence(Buffer.from('89504e470d0a1a0a00', 'hex'))).toBe('image/png');
    expect(sniffEvidence(Buffer.from('ffd8ffe000104a4649', 'hex'))).toBe('image/jpeg');
    for (const other of ['<svg xmlns="http://www.w3.org/2000/svg"/>', '<html>', 'GIF89a', '%PDF', '']) expect(sniffEvidence(Buffer.from(other))).toBeNull();
  });
});
