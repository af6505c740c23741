import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { certificationPolicySchema } from '../../../shared/certification-policy.ts';

const json = JSON.parse(readFileSync(new URL('../../../item-bank/policies/cpt-certification-policy.json', import.meta.url), 'utf8'));
const messages = (value: unknown) => {
  const r = certificationPolicySchema.safeParse(value);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('certification policy', () => {
  it('the default policy data parses and holds the CPT.md values', () => {
    const p = certificationPolicySchema.parse(json);
    expect(p).toMatchObject({
      version: '2026.1',
      retakeWaitDays: [15, 15, 60],
      fullCptWindowYears: 2,
      credentialValidityYears: 5,
      requiredModules: ['SAF', 'QPM', 'MPP', 'MA'],
      recertification: { pointsRequired: 100, windowYears: 5, applicationOpensDaysBeforeExpiry: 90 },
    });
    expect(p.recertification.categories.map((c) => c.title)).toEqual(['Continuing Education', 'Industry Certification', 'Employment', 'Extra']);
  });

  it('rejects unknown fields, duplicates and impossible values with readable messages', () => {
    expect(messages({ ...json, retakeWaitDay: [15] })).toEqual([expect.stringMatching(/retakeWaitDay/)]);
    expect(messages({ ...json, retakeWaitDays: [] })).toEqual(['retakeWaitDays: retakeWaitDays needs at least one value']);
    expect(messages({ ...json, retakeWaitDays: [15, 7.5] })).toEqual(['retakeWaitDays.1: a retake wait must be a whole number']);
    expect(messages({ ...json, requiredModules: ['SAF', 'SAF'] })).toEqual(['requiredModules.1: module SAF appears twice']);
    expect(messages({ ...json, requiredModules: ['SAF', 'XYZ'] })[0]).toMatch(/^requiredModules\.1: module code must be one of/);
    expect(messages({ ...json, fullCptWindowYears: 0 })).toEqual(['fullCptWindowYears: fullCptWindowYears must be between 1 and 20']);
    expect(messages({ ...json, recertification: { ...json.recertification, categories: [{ id: 'extra', title: 'Extra' }, { id: 'extra', title: 'Again' }] } })).toEqual([
      'recertification.categories.1.id: category id "extra" appears twice',
    ]);
  });
});
