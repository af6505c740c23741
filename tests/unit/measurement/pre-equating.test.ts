import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { decisionQuality, normalCdf, passRatesByMonth } from '../../../server/src/modules/psychometrics/domain/decision-quality.ts';
import { itemDrift } from '../../../server/src/modules/psychometrics/domain/drift.ts';
import {
  abilityForRaw,
  passProbability,
  preEquatedRawCut,
  preEquatedScore,
  rawToThetaTable,
  scaleScore,
  TCC_GRID,
  tccDifference,
  testCharacteristic,
  testInformation,
} from '../../../server/src/modules/psychometrics/domain/pre-equating.ts';
import { rawCutFor } from '../../../server/src/modules/scoring/domain/score-session.ts';

/** Two 60-item forms from one calibrated bank: the easy one 1.2 logits easier on average. */
const easy = Array.from({ length: 60 }, (_, i) => -2.0 + (i / 59) * 2.4);
const hard = Array.from({ length: 60 }, (_, i) => -0.8 + (i / 59) * 2.4);
const SCALE = { min: 100, max: 900, cut: 700, perLogit: 100 };

/** Raw scores of `n` candidates of ability θ on a form, from a seeded generator. */
function rawScores(bs: number[], theta: number, n: number, rng: () => number): number[] {
  return Array.from({ length: n }, () => bs.reduce((s, b) => s + (rng() < 1 / (1 + Math.exp(b - theta)) ? 1 : 0), 0));
}

describe('pre-equated scoring: the same ability passes on every form', () => {
  it('raw cut on the characteristic curve: ⌈TCC(θ_cut)⌉, and θ̂(raw) ≥ θ_cut exactly from that raw score on', () => {
    for (const form of [easy, hard]) {
      const cut = preEquatedRawCut(form, 0);
      expect(cut).toBe(Math.ceil(testCharacteristic(form, 0)));
      const table = rawToThetaTable(form);
      expect(table).toHaveLength(61);
      for (const row of table.slice(1, -1)) expect(row.theta >= 0).toBe(row.raw >= cut);
      expect(table[0]!.method).toBe('WLE');
      expect(table[30]!.method).toBe('MLE');
      // MLE solves TCC(θ) = raw.
      expect(testCharacteristic(form, table[30]!.theta)).toBeCloseTo(30, 9);
    }
    expect(preEquatedRawCut(easy, 0)).toBeGreaterThan(preEquatedRawCut(hard, 0));
  });

  it('simulation: with one raw-percent cut, candidates of the same ability pass at very different rates; with pre-equated cuts the rates agree up to sampling error and the whole-number gap', () => {
    const rng = seedrandom('pre-equating');
    const N = 1000;
    const rawPercentCut = rawCutFor({ percent: 50, rounding: 'ceil' }, 60);
    const cutEasy = preEquatedRawCut(easy, 0);
    const cutHard = preEquatedRawCut(hard, 0);
    let rawGap = 0;
    let preEquatedGap = 0;
    for (let theta = -1.5; theta <= 1.5; theta += 0.125) {
      rawGap = Math.max(rawGap, Math.abs(passProbability(easy, theta, rawPercentCut) - passProbability(hard, theta, rawPercentCut)));
      preEquatedGap = Math.max(preEquatedGap, Math.abs(passProbability(easy, theta, cutEasy) - passProbability(hard, theta, cutHard)));
    }
    // Exact pass probabilities: one raw cut holds equal abilities to standards up to 94 points apart; pre-equated
    // cuts differ only by what whole-number raw scores cannot avoid (one score point's probability near the cut).
    expect(rawGap).toBeGreaterThan(0.9);
    expect(preEquatedGap).toBeLessThan(0.07);
    for (const theta of [-0.5, -0.25, 0, 0.25, 0.5]) {
      const onEasy = rawScores(easy, theta, N, rng);
      const onHard = rawScores(hard, theta, N, rng);
      const rate = (xs: number[], cut: number) => xs.filter((x) => x >= cut).length / xs.length;
      const se = (a: number, b: number) => Math.sqrt((a * (1 - a) + b * (1 - b)) / N) || 1 / N;
      const rawEasy = rate(onEasy, rawPercentCut);
      const rawHard = rate(onHard, rawPercentCut);
      expect(Math.abs(rawEasy - rawHard), `raw cut at θ=${theta}`).toBeGreaterThan(10 * se(rawEasy, rawHard));
      const peEasy = rate(onEasy, cutEasy);
      const peHard = rate(onHard, cutHard);
      const exactGap = Math.abs(passProbability(easy, theta, cutEasy) - passProbability(hard, theta, cutHard));
      expect(Math.abs(peEasy - peHard), `pre-equated at θ=${theta}: ${peEasy} vs ${peHard}`).toBeLessThan(3 * se(peEasy, peHard) + exactGap);
      // The simulated rates are the exact ones up to sampling error.
      expect(Math.abs(peEasy - passProbability(easy, theta, cutEasy))).toBeLessThan(3 * Math.sqrt((peEasy * (1 - peEasy)) / N) + 1 / N);
    }
  });

  it('scale scores: the cut maps to 700; a pass never shows below it, a fail never at it', () => {
    const cut = preEquatedRawCut(hard, 0);
    const atCut = preEquatedScore(hard, cut, 0, SCALE);
    expect(atCut.passed).toBe(true);
    expect(atCut.scaleScore).toBeGreaterThanOrEqual(700);
    const below = preEquatedScore(hard, cut - 1, 0, SCALE);
    expect(below.passed).toBe(false);
    expect(below.scaleScore).toBeLessThanOrEqual(699);
    expect(scaleScore(-0.001, 0, SCALE, false)).toBe(699);
    expect(scaleScore(0.001, 0, SCALE, true)).toBe(700);
    expect(scaleScore(-50, 0, SCALE, false)).toBe(100);
    expect(scaleScore(50, 0, SCALE, true)).toBe(900);
    expect(atCut.informationAtCut).toBeCloseTo(testInformation(hard, 0), 12);
    expect(atCut.csemAtCut).toBeCloseTo(1 / Math.sqrt(testInformation(hard, 0)), 12);
    expect(() => abilityForRaw(hard, 61)).toThrow('raw score must be a whole number from 0 to 60, got 61');
  });
});

describe('decision quality (Rudner)', () => {
  it('a hand-computed example', () => {
    expect(normalCdf(2)).toBeCloseTo(0.97725, 5);
    expect(normalCdf(-1.96)).toBeCloseTo(0.025, 4);
    const q = decisionQuality([{ theta: 1, se: 0.5, passed: true }, { theta: -1, se: 0.5, passed: false }], 0);
    expect(q.accuracy).toBeCloseTo(0.97725, 5);
    expect(q.consistency).toBeCloseTo(0.97725 ** 2 + 0.02275 ** 2, 5);
    expect(q.falsePositive).toBeCloseTo(0.02275 / 2, 5);
    expect(q.falseNegative).toBeCloseTo(0.02275 / 2, 5);
    expect(q.passRate).toBe(0.5);
    expect(decisionQuality([], 0).accuracy).toBeNull();
    expect(() => decisionQuality([{ theta: 0, se: 0, passed: true }], 0)).toThrow(/positive standard error/);
  });

  it('simulation: the estimated accuracy matches the share of candidates whose decision matches their true ability', () => {
    const rng = seedrandom('rudner');
    const normal = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
    const table = rawToThetaTable(hard);
    const cut = preEquatedRawCut(hard, 0);
    let right = 0;
    const classified = Array.from({ length: 4000 }, () => {
      const truth = normal() * 0.8 + 0.3;
      const raw = rawScores(hard, truth, 1, rng)[0]!;
      const passed = raw >= cut;
      if (passed === truth >= 0) right++;
      return { theta: table[raw]!.theta, se: table[raw]!.se, passed };
    });
    const q = decisionQuality(classified, 0);
    expect(Math.abs(q.accuracy! - right / 4000)).toBeLessThan(0.02);
    expect(q.consistency!).toBeLessThan(q.accuracy!);
  });

  it('pass rates by month, oldest first', () => {
    const rows = passRatesByMonth([
      { at: new Date('2026-11-30T23:00:00Z'), passed: true },
      { at: new Date('2026-10-02T10:00:00Z'), passed: false },
      { at: new Date('2026-11-01T00:00:00Z'), passed: false },
    ]);
    expect(rows).toEqual([
      { month: '2026-10', candidates: 1, passed: 0, passRate: 0 },
      { month: '2026-11', candidates: 2, passed: 1, passRate: 0.5 },
    ]);
  });
});

describe('item drift', () => {
  it('links by the mean shift and flags an item that moved far and significantly', () => {
    const bank = [-1, -0.5, 0, 0.5, 1];
    const fresh = [-0.7, -0.2, 0.3, 0.8, 2.3]; // the scale moved by +0.3 and one item by a further +1: mean shift 0.5
    const r = itemDrift(bank.map((b, i) => ({ itemId: `I${i}`, bank: { difficulty: b, se: 0.1 }, fresh: { difficulty: fresh[i]!, se: 0.1 } })));
    expect(r.shift).toBeCloseTo(0.5, 10);
    expect(r.items.filter((i) => i.flagged).map((i) => i.itemId)).toEqual(['I4']);
    expect(r.items[4]!.displacement).toBeCloseTo(0.8, 10);
    expect(r.items[0]!.displacement).toBeCloseTo(-0.2, 10);
    // Large but imprecise: not flagged.
    const noisy = itemDrift([{ itemId: 'A', bank: { difficulty: 0, se: 0.5 }, fresh: { difficulty: 0.6, se: 0.5 } }, { itemId: 'B', bank: { difficulty: 0, se: 0.5 }, fresh: { difficulty: -0.6, se: 0.5 } }]);
    expect(noisy.items.some((i) => i.flagged)).toBe(false);
  });
});

describe('parallel forms: characteristic curves compared', () => {
  it('identical difficulties differ by 0; a shifted form by the most near its middle', () => {
    expect(tccDifference(easy, [...easy].reverse()).maxDifference).toBeLessThan(1e-9);
    const d = tccDifference(easy, hard);
    expect(d.maxDifference).toBeCloseTo(Math.max(...TCC_GRID.map((t) => testCharacteristic(easy, t) - testCharacteristic(hard, t))), 12);
    expect(d.maxDifference).toBeGreaterThan(10);
    expect(d.at).toBeGreaterThan(-2);
    expect(d.at).toBeLessThan(1);
  });
});
