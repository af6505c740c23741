/**
 * The versioned certification policy: retake waits, the full-CPT window, credential validity and recertification.
 * MSSC's current values are only partly public (docs/scoring-and-certification.md, CPT.md §1.1 and §1.5), so they are
 * data an administrator can replace, never constants in code. The default data is
 * item-bank/policies/cpt-certification-policy.json (version "2026.1").
 */
import { z } from 'zod';
import { versionSchema } from './item-bank-format.ts';
import { moduleCodeSchema } from './vocabulary.ts';

const wholeNumber = (what: string, min: number, max: number) =>
  z
    .number({ error: `${what} must be a number` })
    .int({ error: `${what} must be a whole number` })
    .min(min, { error: `${what} must be between ${min} and ${max}` })
    .max(max, { error: `${what} must be between ${min} and ${max}` });

export const recertificationCategorySchema = z.strictObject({
  /** Stable id that activities refer to, e.g. "continuing-education". */
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, { error: 'category id is lowercase kebab-case, e.g. "continuing-education"' }),
  title: z.string().trim().min(1, { error: 'category title must not be empty' }).max(120),
  /** Most points this category may contribute in one window; absent means no cap. */
  maxPoints: wholeNumber('category maxPoints', 1, 10_000).optional(),
});
export type RecertificationCategory = z.infer<typeof recertificationCategorySchema>;

export const certificationPolicySchema = z
  .strictObject({
    version: versionSchema,
    /** Where the values come from and what is assumed; shown to administrators. */
    description: z.string().max(2000).optional(),
    /**
     * Calendar days to wait after the k-th failed attempt since the last pass: retakeWaitDays[min(k, length) - 1].
     * [15, 15, 60]: 15 days after the 1st and 2nd failure, 60 after the 3rd and every later one.
     */
    retakeWaitDays: z
      .array(wholeNumber('a retake wait', 0, 3650))
      .min(1, { error: 'retakeWaitDays needs at least one value' })
      .max(20),
    /** The required modules must all be passed within this many years of each other. */
    fullCptWindowYears: wholeNumber('fullCptWindowYears', 1, 20),
    /** Validity of a module certificate and of the full CPT credential. */
    credentialValidityYears: wholeNumber('credentialValidityYears', 1, 50),
    requiredModules: z.array(moduleCodeSchema).min(1, { error: 'requiredModules needs at least one module' }),
    recertification: z
      .strictObject({
        pointsRequired: wholeNumber('pointsRequired', 1, 100_000),
        windowYears: wholeNumber('recertification windowYears', 1, 50),
        applicationOpensDaysBeforeExpiry: wholeNumber('applicationOpensDaysBeforeExpiry', 0, 3650),
        categories: z.array(recertificationCategorySchema).min(1, { error: 'recertification needs at least one category' }),
      })
      .superRefine((r, ctx) => {
        const seen = new Set<string>();
        r.categories.forEach((c, i) => {
          if (seen.has(c.id)) ctx.addIssue({ code: 'custom', path: ['categories', i, 'id'], message: `category id "${c.id}" appears twice` });
          seen.add(c.id);
        });
      }),
  })
  .superRefine((p, ctx) => {
    const seen = new Set<string>();
    p.requiredModules.forEach((m, i) => {
      if (seen.has(m)) ctx.addIssue({ code: 'custom', path: ['requiredModules', i], message: `module ${m} appears twice` });
      seen.add(m);
    });
  });
export type CertificationPolicy = z.infer<typeof certificationPolicySchema>;
