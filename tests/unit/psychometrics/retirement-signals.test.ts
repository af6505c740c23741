import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS } from '../../../server/src/modules/psychometrics/domain/item-analysis.ts';
import { exposureRate, suggestItemAction } from '../../../server/src/modules/psychometrics/domain/retirement-signals.ts';

const policy = { maxExposureRate: 0.25 };
const opt = (optionId: string, isKey: boolean, pointBiserial: number | null) => ({ optionId, isKey, count: 10, share: 0.25, pointBiserial });
/** A healthy item: p 0.7, corrected r_pb 0.35, distractors negative. */
const good = { n: 400, p: 0.7, pointBiserial: 0.42, correctedPointBiserial: 0.35, options: [opt('A', true, 0.42), opt('B', false, -0.2), opt('C', false, -0.15), opt('D', false, -0.1)] };
const seen = (exposure: number, candidates = 400) => ({ exposure, candidates });

describe('suggestItemAction', () => {
  it('suggests nothing for a healthy, lightly exposed item', () => {
    expect(suggestItemAction(good, seen(100), DEFAULT_THRESHOLDS, policy)).toBeNull();
    expect(exposureRate(seen(100))).toBe(0.25);
    expect(exposureRate(seen(0, 0))).toBeNull();
  });

  it('suggests retiring an over-exposed item, with the rate and the threshold, and no small-n caution', () => {
    const s = suggestItemAction(good, seen(101), DEFAULT_THRESHOLDS, policy)!;
    expect(s.action).toBe('retire');
    expect(s.reasons).toEqual([expect.objectContaining({ code: 'OVER_EXPOSED', statistic: 'exposureRate', value: 101 / 400, threshold: 0.25 })]);
    expect(s.reasons[0]!.message).toContain('101 of 400 candidates (exposure rate 0.253, above 0.250)');
    expect(s.caution).toBeNull();
    expect(suggestItemAction(good, seen(101), DEFAULT_THRESHOLDS, { maxExposureRate: 0.3 })).toBeNull();
  });

  it('suggests retiring an item with negative discrimination and no better distractor', () => {
    const bad = { ...good, correctedPointBiserial: -0.12, pointBiserial: -0.05, options: [opt('A', true, -0.05), opt('B', false, -0.1), opt('C', false, -0.2), opt('D', false, null)] };
    const s = suggestItemAction(bad, seen(10), DEFAULT_THRESHOLDS, policy)!;
    expect(s.action).toBe('retire');
    expect(s.reasons.map((r) => [r.code, r.value, r.threshold])).toEqual([['NEGATIVE_DISCRIMINATION', -0.12, 0]]);
    expect(s.reasons[0]!.message).toContain('corrected r_pb -0.120');
  });

  it('suggests a rewrite when high scorers prefer a distractor to the key (probable miskey), naming the option', () => {
    const miskey = { ...good, correctedPointBiserial: -0.3, pointBiserial: -0.2, options: [opt('A', true, -0.2), opt('B', false, 0.45), opt('C', false, -0.1), opt('D', false, -0.05)] };
    const s = suggestItemAction(miskey, seen(10), DEFAULT_THRESHOLDS, policy)!;
    expect(s.action).toBe('rewrite');
    expect(s.reasons.map((r) => r.code)).toEqual(['DISTRACTOR_BEATS_KEY', 'NEGATIVE_DISCRIMINATION']);
    expect(s.reasons[0]).toMatchObject({ optionId: 'B', value: 0.45, threshold: -0.2 });
    expect(s.reasons[0]!.message).toContain('prefer option B to the key A (r_pb 0.450 against the key\'s -0.200)');
  });

  it('suggests a rewrite for low discrimination or p out of range, with the thresholds used', () => {
    const weak = suggestItemAction({ ...good, correctedPointBiserial: 0.1 }, seen(10), DEFAULT_THRESHOLDS, policy)!;
    expect(weak).toMatchObject({ action: 'rewrite', reasons: [{ code: 'LOW_DISCRIMINATION', value: 0.1, threshold: 0.15 }] });
    const hard = suggestItemAction({ ...good, p: 0.1 }, seen(10), DEFAULT_THRESHOLDS, policy)!;
    expect(hard.reasons).toEqual([expect.objectContaining({ code: 'TOO_HARD', statistic: 'p', value: 0.1, threshold: 0.2 })]);
    const easy = suggestItemAction({ ...good, p: 0.97 }, seen(10), { ...DEFAULT_THRESHOLDS, pMax: 0.9 }, policy)!;
    expect(easy.reasons).toEqual([expect.objectContaining({ code: 'TOO_EASY', value: 0.97, threshold: 0.9 })]);
  });

  it('lets retire win over rewrite and cautions about small n for statistical reasons only', () => {
    const s = suggestItemAction({ ...good, n: 12, p: 0.1 }, seen(12, 12), DEFAULT_THRESHOLDS, policy)!;
    expect(s.action).toBe('retire');
    expect(s.reasons.map((r) => r.code)).toEqual(['OVER_EXPOSED', 'TOO_HARD']);
    expect(s.caution).toMatch(/Based on 12 candidates; statistics from fewer than 100 are unstable/);
    expect(suggestItemAction({ ...good, n: 12 }, seen(12, 12), DEFAULT_THRESHOLDS, policy)!.caution).toBeNull();
  });

  it('raises no reason from an undefined statistic', () => {
    const blank = { n: 1, p: null, pointBiserial: null, correctedPointBiserial: null, options: [opt('A', true, null), opt('B', false, null)] };
    expect(suggestItemAction(blank, seen(1, 10), DEFAULT_THRESHOLDS, policy)).toBeNull();
  });
});
