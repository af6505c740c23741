import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { certificationPolicySchema, type CertificationPolicy } from '../../../shared/certification-policy.ts';
import type { ModuleCode } from '../../../shared/vocabulary.ts';
import { addYears, localDateOf } from '../../../shared/civil-date.ts';
import {
  formatVerificationCode,
  fullCptStatus,
  isCredentialValid,
  isVerificationCode,
  moduleCertificateDates,
  normalizeVerificationCode,
  VERIFICATION_ALPHABET,
  type ModulePass,
} from '../../../server/src/modules/scoring/domain/credentials.ts';

const policy: CertificationPolicy = certificationPolicySchema.parse(
  JSON.parse(readFileSync(new URL('../../../item-bank/policies/cpt-certification-policy.json', import.meta.url), 'utf8')),
);
const at = (iso: string) => new Date(iso);
const p = (module: ModuleCode, iso: string, timeZone?: string): ModulePass => ({ module, passedAt: at(iso), ...(timeZone ? { timeZone } : {}) });

describe('moduleCertificateDates', () => {
  it('is valid for five years from the local date of the pass', () => {
    const d = moduleCertificateDates(at('2026-03-02T20:00:00Z'), policy, 'America/Chicago');
    expect(d).toEqual({
      issuedAt: at('2026-03-02T20:00:00Z'),
      expiresAt: at('2031-03-02T06:00:00Z'),
      issuedOn: '2026-03-02',
      expiresOn: '2031-03-02',
      validThrough: '2031-03-01',
    });
    expect(isCredentialValid(d, at('2031-03-02T05:59:59.999Z'))).toBe(true);
    expect(isCredentialValid(d, at('2031-03-02T06:00:00Z'))).toBe(false);
    expect(isCredentialValid({ ...d, revoked: true }, at('2027-01-01T00:00:00Z'))).toBe(false);
    expect(isCredentialValid(d, at('2026-03-02T19:59:59Z'))).toBe(false);
  });

  it('maps 29 February to 28 February five years later', () => {
    const d = moduleCertificateDates(at('2028-02-29T12:00:00Z'), policy);
    expect([d.issuedOn, d.expiresOn, d.validThrough, d.expiresAt.toISOString()]).toEqual(['2028-02-29', '2033-02-28', '2033-02-27', '2033-02-28T00:00:00.000Z']);
    expect(moduleCertificateDates(at('2028-02-29T12:00:00Z'), { ...policy, credentialValidityYears: 4 }).expiresOn).toBe('2032-02-29');
  });

  it('uses the local date: a late-evening pass in Chicago is issued on that day', () => {
    const d = moduleCertificateDates(at('2026-03-03T05:30:00Z'), policy, 'America/Chicago');
    expect([d.issuedOn, d.validThrough]).toEqual(['2026-03-02', '2031-03-01']);
  });
});

describe('fullCptStatus', () => {
  it('lists the required modules not yet passed, never Green', () => {
    expect(fullCptStatus([], policy)).toEqual({ complete: false, missing: ['SAF', 'QPM', 'MPP', 'MA'] });
    expect(fullCptStatus([p('SAF', '2026-01-10T15:00:00Z'), p('GRN', '2026-01-11T15:00:00Z'), p('MA', '2026-01-12T15:00:00Z')], policy)).toEqual({
      complete: false,
      missing: ['QPM', 'MPP'],
    });
  });

  it('is complete when the four are passed within two years; issued at the completing pass, valid five years', () => {
    const passes = [p('SAF', '2026-03-02T15:00:00Z'), p('QPM', '2026-09-01T15:00:00Z'), p('GRN', '2027-01-01T15:00:00Z'), p('MA', '2027-05-01T15:00:00Z'), p('MPP', '2027-02-01T15:00:00Z')];
    expect(fullCptStatus(passes, policy)).toEqual({
      complete: true,
      modules: { SAF: at('2026-03-02T15:00:00Z'), QPM: at('2026-09-01T15:00:00Z'), MPP: at('2027-02-01T15:00:00Z'), MA: at('2027-05-01T15:00:00Z') },
      issuedAt: at('2027-05-01T15:00:00Z'),
      expiresAt: at('2032-05-01T00:00:00Z'),
      issuedOn: '2027-05-01',
      expiresOn: '2032-05-01',
      validThrough: '2032-04-30',
    });
  });

  const three = [p('QPM', '2026-06-01T15:00:00Z'), p('MPP', '2026-07-01T15:00:00Z')];
  it('accepts passes exactly two years apart and rejects one day more', () => {
    expect(fullCptStatus([p('SAF', '2026-03-02T08:00:00Z'), ...three, p('MA', '2028-03-02T23:00:00Z')], policy).complete).toBe(true);
    const late = fullCptStatus([p('SAF', '2026-03-02T08:00:00Z'), ...three, p('MA', '2028-03-03T00:00:00Z')], policy);
    expect(late).toEqual({
      complete: false,
      missing: ['SAF'],
      windowNote:
        'All 4 required modules must be passed within 2 years of each other. Your most recent pass is Maintenance Awareness on 2028-03-03; this pass is too early to count with it: Safety (2026-03-02).',
    });
  });

  it('measures two years from 29 February to 28 February', () => {
    const mid = [p('QPM', '2029-01-01T15:00:00Z'), p('MPP', '2029-06-01T15:00:00Z')];
    expect(fullCptStatus([p('SAF', '2028-02-29T15:00:00Z'), ...mid, p('MA', '2030-02-28T15:00:00Z')], policy).complete).toBe(true);
    expect(fullCptStatus([p('SAF', '2028-02-29T15:00:00Z'), ...mid, p('MA', '2030-03-01T15:00:00Z')], policy).complete).toBe(false);
    const mid2 = [p('QPM', '2027-01-01T15:00:00Z'), p('MPP', '2027-06-01T15:00:00Z')];
    expect(fullCptStatus([p('SAF', '2026-02-28T15:00:00Z'), ...mid2, p('MA', '2028-02-29T15:00:00Z')], policy).complete).toBe(false);
    expect(fullCptStatus([p('SAF', '2026-03-01T15:00:00Z'), ...mid2, p('MA', '2028-02-29T15:00:00Z')], policy).complete).toBe(true);
  });

  it('compares the local dates of the passes in their centers’ zones', () => {
    // Safety: 21:00 on 1 March 2026 in Chicago. MA: 01:00 on 2 March 2028 in Tokyo. In UTC they are 2026-03-02 and 2028-03-01.
    const passes = [p('SAF', '2026-03-02T03:00:00Z', 'America/Chicago'), ...three, p('MA', '2028-03-01T16:00:00Z', 'Asia/Tokyo')];
    expect(fullCptStatus(passes, policy).complete).toBe(false);
    expect(fullCptStatus(passes.map((x) => ({ module: x.module, passedAt: x.passedAt })), policy).complete).toBe(true);
  });

  it('chooses the latest combination that works', () => {
    const first = [p('SAF', '2021-01-01T15:00:00Z'), p('QPM', '2021-02-01T15:00:00Z'), p('MPP', '2021-03-01T15:00:00Z'), p('MA', '2021-04-01T15:00:00Z')];
    const second = [p('SAF', '2026-05-01T15:00:00Z'), p('QPM', '2026-06-01T15:00:00Z'), p('MPP', '2026-07-01T15:00:00Z'), p('MA', '2026-08-01T15:00:00Z')];
    const s = fullCptStatus([...second, ...first], policy);
    expect(s.complete && s.issuedAt).toEqual(at('2026-08-01T15:00:00Z'));
    // A later Safety pass that cannot complete a window does not hide an earlier one that does.
    const mixed = [p('SAF', '2025-01-01T15:00:00Z'), p('SAF', '2027-06-01T15:00:00Z'), p('QPM', '2025-02-01T15:00:00Z'), p('MPP', '2025-03-01T15:00:00Z'), p('MA', '2026-12-01T15:00:00Z')];
    const m = fullCptStatus(mixed, policy);
    expect(m.complete && [m.issuedAt, m.modules.SAF]).toEqual([at('2026-12-01T15:00:00Z'), at('2025-01-01T15:00:00Z')]);
  });

  it('agrees with an exhaustive search over all combinations', () => {
    const modules: ModuleCode[] = ['SAF', 'QPM', 'MPP', 'MA', 'GRN'];
    const day = 86_400_000;
    const base = Date.UTC(2024, 0, 1, 15);
    const arbPass = fc.record({ module: fc.constantFrom(...modules), day: fc.integer({ min: 0, max: 6 * 365 }) });
    fc.assert(
      fc.property(fc.array(arbPass, { maxLength: 9 }), (raw) => {
        const passes = raw.map((r) => ({ module: r.module, passedAt: new Date(base + r.day * day) }));
        const lists = policy.requiredModules.map((m) => passes.filter((x) => x.module === m));
        let best: number | null = null;
        const walk = (i: number, chosen: Date[]) => {
          if (i === lists.length) {
            const on = chosen.map((d) => localDateOf(d, 'UTC')).sort();
            if (on.at(-1)! <= addYears(on[0]!, 2)) best = Math.max(best ?? -Infinity, ...chosen.map((d) => d.getTime()));
            return;
          }
          for (const x of lists[i]!) walk(i + 1, [...chosen, x.passedAt]);
        };
        walk(0, []);
        const s = fullCptStatus(passes, policy);
        expect(s.complete).toBe(best !== null);
        if (s.complete) expect(s.issuedAt.getTime()).toBe(best);
        else if (lists.every((l) => l.length > 0)) expect(s.missing.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });
});

describe('verification codes', () => {
  it('uses 32 unambiguous symbols', () => {
    expect(new Set(VERIFICATION_ALPHABET).size).toBe(32);
    expect(VERIFICATION_ALPHABET).not.toMatch(/[ILOU]/);
  });

  it('formats any 12 random bytes as a valid code, one symbol per byte’s low 5 bits', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 12, maxLength: 16 }), (bytes) => {
        const code = formatVerificationCode(bytes);
        expect(isVerificationCode(code)).toBe(true);
        expect(normalizeVerificationCode(code)).toBe(code);
        const symbols = code.replace(/^CPT-/, '').replaceAll('-', '');
        expect([...symbols].map((c) => VERIFICATION_ALPHABET.indexOf(c))).toEqual([...bytes.slice(0, 12)].map((b) => b & 31));
      }),
    );
    expect(formatVerificationCode(new Uint8Array(12))).toBe('CPT-0000-0000-0000');
    expect(formatVerificationCode(new Uint8Array(12).fill(31))).toBe('CPT-ZZZZ-ZZZZ-ZZZZ');
    expect(() => formatVerificationCode(new Uint8Array(11))).toThrow(RangeError);
  });

  it('checks the exact format', () => {
    expect(isVerificationCode('CPT-7K3M-Q9XT-2ABH')).toBe(true);
    for (const bad of ['cpt-7k3m-q9xt-2abh', 'CPT-7K3M-Q9XT-2AB', 'CPT-7K3M-Q9XT-2ABO', 'CPT-7K3I-Q9XT-2ABH', 'CPT-7K3U-Q9XT-2ABH', 'CPT7K3MQ9XT2ABH', ' CPT-7K3M-Q9XT-2ABH', 'XYZ-7K3M-Q9XT-2ABH']) {
      expect(isVerificationCode(bad)).toBe(false);
    }
  });

  it('normalizes what people type', () => {
    expect(normalizeVerificationCode('cpt 7k3m q9xt 2abh')).toBe('CPT-7K3M-Q9XT-2ABH');
    expect(normalizeVerificationCode('7K3M-Q9XT-2ABH')).toBe('CPT-7K3M-Q9XT-2ABH');
    expect(normalizeVerificationCode('CPT-OIL0-Q9XT-2ABH')).toBe('CPT-0110-Q9XT-2ABH');
    expect(normalizeVerificationCode('CPT-7K3M-Q9XT-2AB')).toBeNull();
    expect(normalizeVerificationCode('CPT-7K3M-Q9XT-2ABU')).toBeNull();
  });
});
