/**
 * Scoring a finished session: number correct over the scored items, pass/fail against the form's cut, and the per-KWA
 * diagnostic. Rules and formulas: docs/scoring-and-certification.md (CPT.md §1.2, §1.4, §2.3, §2.6).
 */
import type { CutScore } from '../../../../../shared/item-bank-format.ts';
import { preEquatedScore, type ReportingScale } from '../../psychometrics/domain/pre-equating.ts';
import { DIAGNOSTIC_NOTE, KWA_MIN_ITEMS, kwaDiagnostics, percentOneDecimal, type KwaDiagnostic, type KwaTally } from './kwa-diagnostic.ts';

export type { KwaDiagnostic } from './kwa-diagnostic.ts';

/** Stored with every result; bump it whenever a rule below changes what a response set scores. */
export const SCORING_VERSION = 'cpt-score-1';
/** The version of results scored on a module's ability scale (docs/measurement.md §4). */
export const PRE_EQUATED_SCORING_VERSION = 'cpt-score-1/rasch-pre-equated';

/** A module's approved scale and the bank difficulties of every scored item on the form. */
export interface ScaleInput {
  version: number;
  thetaCut: number;
  reporting: ReportingScale;
  difficulties: Record<string, number>;
}

/** How a result on the scale was reached; stored with the result so a rescore uses the same scale and difficulties. */
export interface ScaleResult extends ScaleInput {
  theta: number;
  thetaSe: number;
  scaleScore: number;
  expectedRawAtCut: number;
  csemAtCut: number;
}

export interface ScoringItem {
  itemId: string;
  version: number;
  kwa: string;
  role: 'scored' | 'pretest';
  /** The keyed option id ("A".."E"); a response is correct iff it equals the key exactly. */
  key: string;
}

export type EndReason = 'submitted' | 'expired' | 'terminated';

export interface ScoringInput {
  items: ScoringItem[];
  /** Item id → chosen option id; null/undefined/missing means unanswered. Ids not on the form are ignored. */
  responses: Record<string, string | null | undefined>;
  cutScore: CutScore;
  kwaTitles: Record<string, string>;
  endReason: EndReason;
  /** KWAs with fewer scored items are labelled "too-few-items"; default KWA_MIN_ITEMS (5). */
  minKwaItems?: number;
  /** Score on the ability scale: the raw cut comes from the form's characteristic curve, not the percent cut. */
  scale?: ScaleInput;
  /** Why a module with a scale was scored by its percent cut all the same (uncalibrated items on the form). */
  scaleNote?: string;
}

export interface ScoreResult {
  scoringVersion: string;
  scoredItems: number;
  pretestItems: number;
  /** Scored items with a response (right or wrong). */
  answeredScored: number;
  rawScore: number;
  /** rawScore / scoredItems · 100, rounded half up to one decimal (display only; pass/fail uses rawScore). */
  percent: number;
  cutPercent: number;
  cutRounding: CutScore['rounding'];
  rawCut: number;
  passed: boolean;
  /** Present only on results scored on an ability scale: pass/fail from the ability cut through the form's raw cut. */
  method?: 'pre-equated';
  scale?: ScaleResult;
  /** Present only when a module with a scale scored this form by its percent cut all the same, and why. */
  scaleNote?: string;
  endReason: EndReason;
  kwas: KwaDiagnostic[];
  /** Item id → item version, for every item on the form (pretest included): which keys this result rests on. */
  keyVersions: Record<string, number>;
  diagnosticNote: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Exact percent arithmetic

/**
 * A percent as an exact fraction num/den (den a power of ten), read from the number's shortest decimal form, so
 * 76 → 76/1 and 73.5 → 735/10. Floating-point products such as 0.57 * 100 = 56.99999999999999 never occur.
 */
export function percentFraction(percent: number): { num: bigint; den: bigint } {
  if (!Number.isFinite(percent) || percent < 0) throw new RangeError(`a percent must be a finite number of at least 0, got ${percent}`);
  const m = /^(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i.exec(String(percent));
  if (!m) throw new RangeError(`cannot read ${percent} as a decimal`);
  const frac = m[2] ?? '';
  const exp = Number(m[3] ?? 0) - frac.length;
  const digits = BigInt(m[1]! + frac);
  return exp >= 0 ? { num: digits * 10n ** BigInt(exp), den: 1n } : { num: digits, den: 10n ** BigInt(-exp) };
}

/** True iff correct / items · 100 >= percent, exactly. */
export function meetsPercent(correct: number, items: number, percent: number): boolean {
  const { num, den } = percentFraction(percent);
  return BigInt(correct) * 100n * den >= num * BigInt(items);
}

/**
 * The raw cut for a percent cut on a form with `scoredItems` scored items: percent · scoredItems / 100 rounded by the
 * cut's rule ('ceil' up, 'floor' down, 'round' to nearest with halves up), in exact integer arithmetic.
 * 76% of 78 → ⌈59.28⌉ = 60; 75% of 80 → 60; 74% of 84 → ⌈62.16⌉ = 63; 73% of 84 → ⌈61.32⌉ = 62.
 */
export function rawCutFor(cut: CutScore, scoredItems: number): number {
  if (!Number.isInteger(scoredItems) || scoredItems < 0) throw new RangeError(`scoredItems must be a whole number of at least 0, got ${scoredItems}`);
  const { num, den } = percentFraction(cut.percent);
  const x = num * BigInt(scoredItems); // raw cut = x / d
  const d = den * 100n;
  switch (cut.rounding) {
    case 'ceil':
      return Number((x + d - 1n) / d);
    case 'floor':
      return Number(x / d);
    case 'round':
      return Number((2n * x + d) / (2n * d));
  }
}

// ---------------------------------------------------------------------------------------------------------------

export function scoreSession(input: ScoringInput): ScoreResult {
  const { items, responses, cutScore, kwaTitles, endReason } = input;
  const keyVersions: Record<string, number> = {};
  const tallies = new Map<string, KwaTally>();
  let scoredItems = 0;
  let pretestItems = 0;
  let answeredScored = 0;
  let rawScore = 0;

  for (const item of items) {
    if (Object.hasOwn(keyVersions, item.itemId)) throw new Error(`item ${item.itemId} appears twice on the form`);
    keyVersions[item.itemId] = item.version;
    if (item.role === 'pretest') {
      pretestItems++;
      continue;
    }
    scoredItems++;
    const response = Object.hasOwn(responses, item.itemId) ? responses[item.itemId] : undefined;
    const correct = response != null && response === item.key ? 1 : 0;
    if (response != null) answeredScored++;
    rawScore += correct;
    const t = tallies.get(item.kwa) ?? { kwa: item.kwa, items: 0, correct: 0 };
    t.items++;
    t.correct += correct;
    tallies.set(item.kwa, t);
  }
  if (scoredItems === 0) throw new Error('the form has no scored items, so it cannot be scored');

  let rawCut = rawCutFor(cutScore, scoredItems);
  let scale: ScaleResult | null = null;
  if (input.scale) {
    const sc = input.scale;
    const bs = items.filter((i) => i.role === 'scored').map((i) => {
      const b = sc.difficulties[i.itemId];
      if (b === undefined) throw new Error(`item ${i.itemId} has no difficulty on scale version ${sc.version}`);
      return b;
    });
    const pe = preEquatedScore(bs, rawScore, sc.thetaCut, sc.reporting);
    rawCut = pe.rawCut;
    scale = { ...sc, theta: pe.theta, thetaSe: pe.thetaSe, scaleScore: pe.scaleScore, expectedRawAtCut: pe.expectedRawAtCut, csemAtCut: pe.csemAtCut };
  }
  // A KWA "meets" the standard at the form's own cut: the percent cut, or on a scale the raw cut's share of the form.
  const meets = scale ? (correct: number, n: number) => correct * scoredItems >= rawCut * n : (correct: number, n: number) => meetsPercent(correct, n, cutScore.percent);
  return {
    scoringVersion: scale ? PRE_EQUATED_SCORING_VERSION : SCORING_VERSION,
    scoredItems,
    pretestItems,
    answeredScored,
    rawScore,
    percent: percentOneDecimal(rawScore, scoredItems),
    cutPercent: cutScore.percent,
    cutRounding: cutScore.rounding,
    rawCut,
    passed: endReason !== 'terminated' && rawScore >= rawCut,
    // Results without a scale keep exactly the shape they always had.
    ...(scale ? { method: 'pre-equated' as const, scale } : {}),
    ...(input.scaleNote ? { scaleNote: input.scaleNote } : {}),
    endReason,
    kwas: kwaDiagnostics([...tallies.values()], kwaTitles, meets, input.minKwaItems ?? KWA_MIN_ITEMS),
    keyVersions,
    diagnosticNote: DIAGNOSTIC_NOTE,
  };
}
