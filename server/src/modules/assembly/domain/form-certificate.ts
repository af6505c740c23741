/**
 * The certificate stored with every form (ISO/IEC 17024 evidence): what it was drawn from, how, and every constraint
 * with its required and achieved value. Pure.
 */
import type { AssembledForm, ConstraintCheck, FormMeasurement } from './assembly-types.ts';

export interface FormCertificate {
  module: string;
  blueprintVersion: string;
  bankRevision: number;
  seed: string;
  algorithmVersion: string;
  kind: 'linear-on-the-fly' | 'fixed';
  formLength: number;
  scoredItems: number;
  pretestItems: number;
  meanDifficulty: number | null;
  /** Assembled to a target information at the cut: the information and the expected raw cut the form reached. */
  measurement?: FormMeasurement;
  constraints: ConstraintCheck[];
  softGoals: ConstraintCheck[];
  notes: string[];
  allConstraintsMet: boolean;
  /** For parallel fixed forms: the overlap with each sibling form built in the same run. */
  siblings?: { label: string; sharedItems: number }[];
}

export function certificateFor(form: AssembledForm, meta: { module: string; blueprintVersion: string; bankRevision: number; kind: FormCertificate['kind'] }): FormCertificate {
  return {
    ...meta,
    seed: form.seed,
    algorithmVersion: form.algorithmVersion,
    formLength: form.items.length,
    scoredItems: form.items.filter((i) => i.role === 'scored').length,
    pretestItems: form.items.filter((i) => i.role === 'pretest').length,
    meanDifficulty: form.meanDifficulty,
    ...(form.measurement ? { measurement: form.measurement } : {}),
    constraints: form.checks,
    softGoals: form.softGoals,
    notes: form.notes,
    allConstraintsMet: form.checks.every((c) => c.met),
  };
}
