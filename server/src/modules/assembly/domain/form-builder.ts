/**
 * One selection, start to finish: analyse (prove infeasibility from counts), search (greedy + repair, a few seeded
 * attempts, then a budgeted exact search), improve (fresher items, difficulty band), then lay out and certify. Shared by single and parallel assembly.
 */
import {
  buildProblem,
  stream,
  type ExposurePolicy,
  type NormalizedBank,
  type Problem,
  type ProblemSpec,
} from './assembly-problem.ts';
import { ASSEMBLY_ALGORITHM_VERSION, type AssembledForm, type AssemblyRequest, type Infeasibility } from './assembly-types.ts';
import { layoutForm } from './form-layout.ts';
import { fmt, formMeasurement, improveInformation, type ResolvedTarget } from './information-target.ts';
import { analyseShortages, searchFailure, shortageInfeasibility } from './infeasibility.ts';
import { exactSelection, improveDifficulty, reducePenalties, searchSelection, type SelectionState } from './selection-search.ts';
import { evaluateSoftGoals, meanDifficulty, verifyForm } from './verify-form.ts';

/** Seeded search attempts before giving up on a selection the counts allow. */
export const SEARCH_ATTEMPTS = 3;

/** A form's search problem (ProblemSpec) before the seed of each attempt's priorities is derived, plus its p band. */
export interface BuildSpec extends Omit<ProblemSpec, 'prioritySeed'> {
  /** Root of every random stream of this form. */
  seed: string;
  band: { min: number; max: number } | null;
  /** Assembly to a target information at the cut, when it applies (information-target.ts). */
  target?: ResolvedTarget | null;
}

export type Built =
  | { ok: true; problem: Problem; state: SelectionState }
  | {
      ok: false;
      infeasibility: Infeasibility;
      /** true: the counts prove it; false: the search gave up. */
      proven: boolean;
      /** When the search gave up: its complete selection with the fewest conflicts left. */
      partial?: { problem: Problem; state: SelectionState };
    };

export function problemFor(bank: NormalizedBank, spec: BuildSpec, attempt: number): Problem {
  const { seed, band: _band, target: _target, ...problem } = spec;
  return buildProblem(bank, { ...problem, prioritySeed: `${seed}\u001fpriority-${attempt}` });
}

export function buildSelection(bank: NormalizedBank, spec: BuildSpec, attempts = SEARCH_ATTEMPTS): Built {
  const first = problemFor(bank, spec, 0);
  const analysis = analyseShortages(first, bank, spec.seenMax);
  if (analysis.shortages.length) return { ok: false, infeasibility: shortageInfeasibility(bank, analysis), proven: true };
  let partial: { problem: Problem; state: SelectionState } | undefined;
  for (let a = 0; a < attempts; a++) {
    const pr = a === 0 ? first : problemFor(bank, spec, a);
    const { state: st, solved } = searchSelection(pr, stream(spec.seed, `search-${a}`));
    if (!solved) {
      if (!partial || st.conflicts < partial.state.conflicts) partial = { problem: pr, state: st };
      continue;
    }
    return { ok: true, problem: pr, state: improve(pr, st, spec) };
  }
  // The heuristic gave up, which does not prove there is no form: a complete search within a budget settles small banks.
  const exact = exactSelection(first);
  if (exact) return { ok: true, problem: first, state: improve(first, exact, spec) };
  return { ok: false, infeasibility: searchFailure(first, bank, analysis), proven: false, ...(partial ? { partial } : {}) };
}

/** The soft goals on a valid selection: fresher items, the p band, then the information target. */
function improve(pr: Problem, st: SelectionState, spec: BuildSpec): SelectionState {
  reducePenalties(pr, st);
  if (spec.band && pr.difficultyApplies) improveDifficulty(pr, st, spec.band);
  // After the p band: on a calibrated bank the pre-equated raw cut absorbs differences in difficulty, while
  // information at the cut is what decides how well the form separates passes from fails.
  if (spec.target) improveInformation(pr, st, spec.target, stream(spec.seed, 'information'));
  return st;
}

export function capModes(exposure: ExposurePolicy): Array<BuildSpec['capMode']> {
  if (exposure.capped.size === 0) return ['none'];
  return exposure.relax ? ['hard', 'relaxed'] : ['hard'];
}

/** Lays the selection out and certifies it. A form failing its own verification is never returned. */
export function finishForm(
  pr: Problem,
  st: SelectionState,
  req: AssemblyRequest,
  seed: string,
  notes: string[],
  target: ResolvedTarget | null = null,
): { ok: true; form: AssembledForm } | { ok: false; infeasibility: Infeasibility } {
  const chosen = st.sorted().map((i) => pr.pool[i]!);
  const scored = chosen.filter((pi) => pr.buckets[pi.bucket]!.role === 'scored').map((pi) => pi.item);
  const pretest = chosen.filter((pi) => pr.buckets[pi.bucket]!.role === 'pretest').map((pi) => pi.item);
  const items = layoutForm(scored, pretest, stream(seed, 'layout'));
  const checks = verifyForm({ items }, req);
  const failed = checks.filter((c) => !c.met);
  if (failed.length) {
    return {
      ok: false,
      infeasibility: {
        message: `Internal error: the assembled form failed its own verification (${failed.map((c) => c.id).join(', ')}); it was not returned.`,
        shortages: [],
        details: failed.map((c) => `${c.description}: required ${c.required}, achieved ${c.achieved}.`),
      },
    };
  }
  const measurement = target ? formMeasurement({ items }, req, target) : null;
  const softGoals = evaluateSoftGoals({ items }, req);
  if (target && measurement) {
    const met = measurement.informationAtCut >= target.target - 1e-9;
    softGoals.push({
      id: 'information-at-cut',
      description: `Test information at the cut (θ = ${fmt(target.thetaCut)})`,
      required: `at least ${fmt(target.target)}`,
      achieved: `${fmt(measurement.informationAtCut)} (CSEM ${fmt(measurement.csemAtCut)}; expected raw score at the cut ${fmt(measurement.expectedRawAtCut)}, raw cut ${measurement.rawCut})`,
      met,
    });
    if (!met && target.target <= target.bankMax + 1e-9) {
      notes = [
        ...notes,
        `The form reaches information ${fmt(measurement.informationAtCut)} at the cut, short of the target ${fmt(target.target)}: the bank holds enough informative items, but enemy groups, exposure, earlier forms, overlap limits or matching the characteristic curves of parallel forms kept them off this form.`,
      ];
    }
  }
  return {
    ok: true,
    form: {
      items,
      checks,
      softGoals,
      seed,
      algorithmVersion: ASSEMBLY_ALGORITHM_VERSION,
      meanDifficulty: meanDifficulty({ items }, req),
      measurement,
      notes,
    },
  };
}
