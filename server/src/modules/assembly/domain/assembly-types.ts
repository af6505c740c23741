/**
 * The form assembler's contract: what the service passes in, what comes back. Pure data; the algorithm is described in
 * docs/decisions/0002-form-assembly-algorithm.md.
 */

/** Stored with every form. Bump it whenever the same request would give a different result (ARCHITECTURE rule 5). */
export const ASSEMBLY_ALGORITHM_VERSION = 'cpt-ata-1';

/** Retakers: items of earlier forms allowed on the new one when the request does not say (the strictest choice). */
export const DEFAULT_MAX_OVERLAP_WITH_SEEN = 0;
/** Parallel forms: largest allowed difference between the forms' mean p (scored items). */
export const DEFAULT_DIFFICULTY_TOLERANCE = 0.02;
/**
 * Assembly to a target (docs/measurement.md §7): without an explicit target, a form aims at this share of the most
 * information at the cut the bank's KWAs could give (the `need` most informative items of each KWA). Below 1 on
 * purpose: the slack is what leaves room for randomness, so the same top items do not land on every form.
 */
export const DEFAULT_INFORMATION_SHARE = 0.9;
/** Randomesque selection: each swap towards the target draws among this many most informative feasible items. */
export const DEFAULT_RANDOMESQUE_K = 5;
/** Parallel forms on a calibrated bank: largest allowed gap between two forms' test characteristic curves, in raw-score points. */
export const DEFAULT_TCC_TOLERANCE = 0.5;
/**
 * Where the curves are compared: θ from −3 to +3 logits in steps of 0.25 (the cut is added when not on the grid), the
 * grid GET /api/measurement/forms/compare checks them on, so the two never disagree.
 */
export const DEFAULT_TCC_GRID: readonly number[] = Array.from({ length: 25 }, (_, i) => -3 + i * 0.25);
/** The `kwa` of a pretest-pool shortage: pretest slots are not tied to a KWA. */
export const PRETEST_POOL = '*';

export interface AssemblyItem {
  id: string;
  version: number;
  kwa: string;
  status: 'operational' | 'pretest';
  optionIds: string[];
  enemyGroupIds: string[];
  /** Classical difficulty 0..1, when statistics exist. */
  p?: number;
  /** Rasch difficulty (logits) on the bank's adopted scale, when the item is calibrated. */
  difficulty?: number;
}

/** Assembly to a target information at an ability cut; applies when every scored candidate has a Rasch difficulty. */
export interface MeasurementTarget {
  /** The module's cut on the ability scale (logits). */
  thetaCut: number;
  /** Minimum test information at the cut. Default: DEFAULT_INFORMATION_SHARE of the most the bank's KWAs can give. */
  targetInformation?: number;
  /** Without targetInformation: the share of the bank's most information aimed at. Default DEFAULT_INFORMATION_SHARE. */
  informationShare?: number;
  /** Randomesque width. Default DEFAULT_RANDOMESQUE_K. */
  randomesqueK?: number;
}

/** What a form certificate states on the ability scale, computed from the finished form. */
export interface FormMeasurement {
  thetaCut: number;
  /** Σ p(1−p) over the scored items at θ_cut, and the conditional SEM 1/√I. */
  informationAtCut: number;
  csemAtCut: number;
  targetInformation: number;
  /** The most information at the cut the bank's KWAs could give (before enemy, exposure and overlap constraints). */
  bankMaxInformation: number;
  /** TCC(θ_cut), and the pre-equated raw cut ⌈TCC(θ_cut)⌉. */
  expectedRawAtCut: number;
  rawCut: number;
}

export interface AssemblyBlueprint {
  module: string;
  version: string;
  formLength: number;
  pretestCount: number;
  kwaCounts: Record<string, number>;
}

export interface ExposureInput {
  /** Forms (of those counted in `forms`) each item appeared on. */
  counts: Record<string, number>;
  forms: number;
  /**
   * Cap on the share of forms an item appears on, e.g. 0.5. An item is over the cap when counts[id] / forms >= maxRate
   * (and forms > 0). Items over the cap are left out; if that makes the form impossible the cap is lifted, the form
   * uses as few capped items as it can, and the soft goal `exposure-cap` says so.
   */
  maxRate?: number;
  /** false: never lift the cap (it becomes a hard constraint and infeasibility reports name it). Default true. */
  relaxCap?: boolean;
}

export interface AssemblyRequest {
  /** The eligible pool: operational and pretest items (anything else is refused and counted as excluded). */
  items: AssemblyItem[];
  /** Not eligible, listed only to explain shortages. */
  excluded?: { id: string; kwa: string; reason: 'retired' | 'draft' }[];
  blueprint: AssemblyBlueprint;
  seed: string;
  /** Item ids on this candidate's earlier forms (retakers). */
  previouslySeen?: string[];
  /** At most this many of previouslySeen on the new form. Default DEFAULT_MAX_OVERLAP_WITH_SEEN (0). */
  maxOverlapWithSeen?: number;
  /** Soft: prefer less-used items; cap the share of forms an item appears on. */
  exposure?: ExposureInput;
  /** Soft: mean p of scored items inside the band, when every scored candidate has p. */
  difficultyTarget?: { min: number; max: number };
  /** Assembly to a target information at the cut (calibrated banks with an ability cut). */
  measurement?: MeasurementTarget;
}

export interface FormItem {
  itemId: string;
  version: number;
  kwa: string;
  role: 'scored' | 'pretest';
  optionOrder: string[];
}

export interface ConstraintCheck {
  id: string;
  description: string;
  required: string;
  achieved: string;
  met: boolean;
}

export interface AssembledForm {
  /** In delivery order. */
  items: FormItem[];
  /** Every hard constraint, re-verified on the finished form (verifyForm). All met, or the form is not returned. */
  checks: ConstraintCheck[];
  softGoals: ConstraintCheck[];
  seed: string;
  algorithmVersion: string;
  /** Mean p of the scored items, when every one of them has p. */
  meanDifficulty: number | null;
  /** Information, CSEM, expected raw score and raw cut at θ_cut, when the measurement target applied. */
  measurement: FormMeasurement | null;
  /** Things an author or auditor should know, e.g. that the exposure cap had to be lifted. */
  notes: string[];
}

export interface KwaShortage {
  /** The KWA code, or PRETEST_POOL for the pretest slots. */
  kwa: string;
  role: 'scored' | 'pretest';
  needed: number;
  eligible: number;
  lostTo: { retired: number; draft: number; enemies: number; seenBefore: number; exposureCap: number };
  /** The shortage in words, e.g. "KWA SAF-04 needs 12 scored items but only 9 operational items are eligible: 3 retired". */
  message: string;
}

export interface Infeasibility {
  message: string;
  shortages: KwaShortage[];
  details: string[];
}

export type AssemblyResult = { ok: true; form: AssembledForm } | { ok: false; infeasibility: Infeasibility };

export interface ParallelRequest extends Omit<AssemblyRequest, 'previouslySeen' | 'maxOverlapWithSeen'> {
  count: number;
  /** Pairwise overlap cap as a share of form length (0.25 = 25%); values above 1 are read as percent (25 = 25%). */
  maxOverlapPct: number;
  /** Largest allowed difference between the forms' mean p. Default DEFAULT_DIFFICULTY_TOLERANCE (0.02). */
  difficultyTolerance?: number;
  /** Calibrated banks: largest allowed gap between the forms' TCCs in raw-score points. Default DEFAULT_TCC_TOLERANCE. */
  tccTolerance?: number;
  /** θ values where the TCCs are compared. Default DEFAULT_TCC_GRID. */
  tccGrid?: number[];
}

export type ParallelResult =
  | {
      ok: true;
      forms: AssembledForm[];
      /** [i][j]: items forms i and j have in common (the diagonal holds the form length). */
      pairwiseOverlap: number[][];
      checks: ConstraintCheck[];
    }
  | { ok: false; infeasibility: Infeasibility };
