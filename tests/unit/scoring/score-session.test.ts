import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CUT_ROUNDING_RULES, type CutScore } from '../../../shared/item-bank-format.ts';
import {
  meetsPercent,
  percentFraction,
  rawCutFor,
  scoreSession,
  SCORING_VERSION,
  type ScoringInput,
  type ScoringItem,
} from '../../../server/src/modules/scoring/domain/score-session.ts';

const KEYS = ['A', 'B', 'C', 'D'] as const;
const other = (k: string) => (k === 'A' ? 'B' : 'A');

/** A form of `scored` scored items spread over KWAs round-robin, plus `pretest` pretest items. */
function form(scored: number, pretest = 0, kwas = ['SAF-01', 'SAF-02', 'SAF-03']): ScoringItem[] {
  const items: ScoringItem[] = [];
  for (let i = 0; i < scored; i++) items.push({ itemId: `SAF-${i}`, version: 1, kwa: kwas[i % kwas.length]!, role: 'scored', key: KEYS[i % 4]! });
  for (let i = 0; i < pretest; i++) items.push({ itemId: `SAF-P${i}`, version: 2, kwa: kwas[0]!, role: 'pretest', key: KEYS[i % 4]! });
  return items;
}

/** Responses answering exactly `correct` of the scored items right (the first ones), the rest wrong. */
function answers(items: ScoringItem[], correct: number): Record<string, string> {
  const r: Record<string, string> = {};
  let n = 0;
  for (const it of items) {
    if (it.role !== 'scored') continue;
    r[it.itemId] = n++ < correct ? it.key : other(it.key);
  }
  return r;
}

const input = (items: ScoringItem[], responses: ScoringInput['responses'], cutScore: CutScore, endReason: ScoringInput['endReason'] = 'submitted'): ScoringInput => ({
  items,
  responses,
  cutScore,
  kwaTitles: { 'SAF-01': 'Work safely', 'SAF-02': 'Inspect', 'SAF-03': 'Drills' },
  endReason,
});

describe('rawCutFor', () => {
  it('reproduces the published NOCTI cuts (CPT.md §1.2)', () => {
    expect(rawCutFor({ percent: 76, rounding: 'ceil' }, 78)).toBe(60);
    expect(rawCutFor({ percent: 75, rounding: 'ceil' }, 80)).toBe(60);
    expect(rawCutFor({ percent: 74, rounding: 'ceil' }, 84)).toBe(63);
    expect(rawCutFor({ percent: 73, rounding: 'ceil' }, 84)).toBe(62);
  });

  it('applies each rounding rule, halves rounding up', () => {
    expect([rawCutFor({ percent: 73, rounding: 'ceil' }, 84), rawCutFor({ percent: 73, rounding: 'round' }, 84), rawCutFor({ percent: 73, rounding: 'floor' }, 84)]).toEqual([62, 61, 61]);
    expect([rawCutFor({ percent: 50, rounding: 'ceil' }, 81), rawCutFor({ percent: 50, rounding: 'round' }, 81), rawCutFor({ percent: 50, rounding: 'floor' }, 81)]).toEqual([41, 41, 40]);
    expect([rawCutFor({ percent: 75, rounding: 'ceil' }, 80), rawCutFor({ percent: 75, rounding: 'round' }, 80), rawCutFor({ percent: 75, rounding: 'floor' }, 80)]).toEqual([60, 60, 60]);
    expect(rawCutFor({ percent: 76.5, rounding: 'ceil' }, 80)).toBe(62); // 61.2
    expect(rawCutFor({ percent: 100, rounding: 'floor' }, 90)).toBe(90);
    expect(rawCutFor({ percent: 70, rounding: 'ceil' }, 0)).toBe(0);
  });

  it('is exact where floating point is not (0.07·100 = 7.000000000000001, 0.57·100 = 56.99999999999999)', () => {
    expect(Math.ceil(0.07 * 100)).toBe(8); // the trap
    expect(rawCutFor({ percent: 7, rounding: 'ceil' }, 100)).toBe(7);
    expect(Math.floor(0.57 * 100)).toBe(56); // the trap
    expect(rawCutFor({ percent: 57, rounding: 'floor' }, 100)).toBe(57);
    expect(rawCutFor({ percent: 29, rounding: 'floor' }, 100)).toBe(29);
    expect(rawCutFor({ percent: 14.35, rounding: 'floor' }, 100)).toBe(14);
    expect(rawCutFor({ percent: 72.5, rounding: 'round' }, 90)).toBe(65); // 65.25
  });

  it('reads percents as exact decimals', () => {
    expect(percentFraction(76)).toEqual({ num: 76n, den: 1n });
    expect(percentFraction(73.55)).toEqual({ num: 7355n, den: 100n });
    expect(percentFraction(1e-7)).toEqual({ num: 1n, den: 10_000_000n });
    expect(meetsPercent(19, 25, 76)).toBe(true);
    expect(meetsPercent(18, 25, 76)).toBe(false);
  });

  it('rejects a negative or fractional number of items', () => {
    expect(() => rawCutFor({ percent: 70, rounding: 'ceil' }, -1)).toThrow(RangeError);
    expect(() => rawCutFor({ percent: 70, rounding: 'ceil' }, 80.5)).toThrow(RangeError);
  });

  it('matches the rational definition for every rule, percents in hundredths and lengths 1..200', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max: 200 }), fc.constantFrom(...CUT_ROUNDING_RULES), (hundredths, L, rounding) => {
        const r = rawCutFor({ percent: hundredths / 100, rounding }, L);
        const target = hundredths * L; // raw cut = target / 10000
        if (rounding === 'ceil') expect(r * 10_000 >= target && (r - 1) * 10_000 < target).toBe(true);
        if (rounding === 'floor') expect(r * 10_000 <= target && (r + 1) * 10_000 > target).toBe(true);
        if (rounding === 'round') expect(2 * r * 10_000 - 10_000 <= 2 * target && 2 * target < 2 * r * 10_000 + 10_000).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('scoreSession', () => {
  const cut76: CutScore = { percent: 76, rounding: 'ceil' };

  it('scores a Safety form like the published one: 60 of 78 passes, 59 fails', () => {
    const items = form(78, 10);
    const pass = scoreSession(input(items, answers(items, 60), cut76));
    expect(pass).toMatchObject({ scoringVersion: SCORING_VERSION, scoredItems: 78, pretestItems: 10, rawScore: 60, rawCut: 60, passed: true, percent: 76.9, cutPercent: 76, cutRounding: 'ceil' });
    const fail = scoreSession(input(items, answers(items, 59), cut76));
    expect(fail).toMatchObject({ rawScore: 59, passed: false, percent: 75.6 });
  });

  it('passes exactly at the raw cut and fails one below, for every rule and many lengths', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 120 }), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 1, max: 1000 }), fc.constantFrom(...CUT_ROUNDING_RULES), (L, pretest, tenths, rounding) => {
        const cut: CutScore = { percent: tenths / 10, rounding };
        const items = form(L, pretest);
        const rawCut = rawCutFor(cut, L);
        expect(scoreSession(input(items, answers(items, rawCut), cut)).passed).toBe(true);
        if (rawCut >= 1) expect(scoreSession(input(items, answers(items, rawCut - 1), cut)).passed).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('never counts pretest items: any change to pretest answers keeps the whole result', () => {
    const arbItems = fc
      .array(fc.record({ kwa: fc.constantFrom('SAF-01', 'SAF-02', 'SAF-03', 'SAF-04'), role: fc.constantFrom('scored', 'pretest'), key: fc.constantFrom(...KEYS) }), { minLength: 1, maxLength: 40 })
      .map((rows) => rows.map((r, i): ScoringItem => ({ itemId: `SAF-${i}`, version: 1 + (i % 3), kwa: r.kwa, role: i === 0 ? 'scored' : (r.role as ScoringItem['role']), key: r.key })));
    const arbAnswer = fc.option(fc.constantFrom('A', 'B', 'C', 'D', 'E'), { nil: undefined });
    fc.assert(
      fc.property(arbItems, fc.array(arbAnswer, { minLength: 40, maxLength: 40 }), fc.array(fc.option(fc.constantFrom('A', 'B', 'C', 'D'), { nil: null }), { minLength: 40, maxLength: 40 }), (items, a, b) => {
        const r1: ScoringInput['responses'] = {};
        const r2: ScoringInput['responses'] = {};
        items.forEach((it, i) => {
          r1[it.itemId] = a[i];
          r2[it.itemId] = it.role === 'pretest' ? b[i] : a[i];
        });
        const cut: CutScore = { percent: 70, rounding: 'ceil' };
        expect(scoreSession(input(items, r2, cut))).toEqual(scoreSession(input(items, r1, cut)));
      }),
    );
  });

  it('adds up: raw score = Σ KWA correct, scored items = Σ KWA items, no pretest KWA rows', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 101 }), fc.integer({ min: 0, max: 101 }), fc.integer({ min: 1, max: 6 }), (L, c, nKwas) => {
        const kwas = Array.from({ length: nKwas }, (_, i) => `QPM-0${i + 1}`);
        const items = [...form(L, 0, kwas), { itemId: 'QPM-PX', version: 1, kwa: 'QPM-09', role: 'pretest' as const, key: 'A' }];
        const res = scoreSession(input(items, { ...answers(items, Math.min(c, L)), 'QPM-PX': 'A' }, { percent: 75, rounding: 'ceil' }));
        expect(res.kwas.reduce((s, k) => s + k.correct, 0)).toBe(res.rawScore);
        expect(res.kwas.reduce((s, k) => s + k.items, 0)).toBe(res.scoredItems);
        expect(res.kwas.map((k) => k.kwa)).not.toContain('QPM-09');
        expect(res.rawScore).toBe(Math.min(c, L));
      }),
    );
  });

  it('never passes a terminated session, even with every answer right', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 101 }), fc.integer({ min: 1, max: 100 }), (L, pct) => {
        const items = form(L);
        const res = scoreSession(input(items, answers(items, L), { percent: pct, rounding: 'floor' }, 'terminated'));
        expect(res.rawScore).toBe(L);
        expect(res.passed).toBe(false);
        expect(res.endReason).toBe('terminated');
      }),
    );
    const items = form(80);
    expect(scoreSession(input(items, answers(items, 80), cut76, 'expired')).passed).toBe(true);
  });

  it('treats missing, null and unknown responses as not correct, and ignores responses to items not on the form', () => {
    const items = form(10);
    const res = scoreSession(input(items, { 'SAF-0': 'A', 'SAF-1': null, 'SAF-2': undefined, 'SAF-3': 'd', 'NOPE-1': 'A' }, cut76));
    expect(res).toMatchObject({ rawScore: 1, answeredScored: 2, percent: 10 });
  });

  it('rounds the display percent half up to one decimal', () => {
    const items = form(16);
    expect(scoreSession(input(items, answers(items, 1), cut76)).percent).toBe(6.3); // 6.25
    expect(scoreSession(input(form(3), answers(form(3), 2), cut76)).percent).toBe(66.7);
    expect(scoreSession(input(form(3), answers(form(3), 1), cut76)).percent).toBe(33.3);
    expect(scoreSession(input(items, {}, cut76)).percent).toBe(0);
  });

  it('labels KWAs: too few items below 5, strength at or above the cut percent, review below', () => {
    const items: ScoringItem[] = [
      ...Array.from({ length: 25 }, (_, i): ScoringItem => ({ itemId: `A-${i}`, version: 1, kwa: 'SAF-02', role: 'scored', key: 'A' })),
      ...Array.from({ length: 25 }, (_, i): ScoringItem => ({ itemId: `B-${i}`, version: 1, kwa: 'SAF-01', role: 'scored', key: 'A' })),
      ...Array.from({ length: 4 }, (_, i): ScoringItem => ({ itemId: `C-${i}`, version: 1, kwa: 'SAF-03', role: 'scored', key: 'A' })),
    ];
    const r: Record<string, string> = {};
    for (let i = 0; i < 19; i++) r[`A-${i}`] = 'A'; // 76% = cut → strength
    for (let i = 0; i < 18; i++) r[`B-${i}`] = 'A'; // 72% → review
    for (let i = 0; i < 4; i++) r[`C-${i}`] = 'A'; // 100% but 4 items
    const res = scoreSession(input(items, r, cut76));
    expect(res.kwas.map((k) => [k.kwa, k.title, k.items, k.correct, k.percent, k.label])).toEqual([
      ['SAF-01', 'Work safely', 25, 18, 72, 'review'],
      ['SAF-02', 'Inspect', 25, 19, 76, 'strength'],
      ['SAF-03', 'Drills', 4, 4, 100, 'too-few-items'],
    ]);
    expect(res.kwas[2]!.band).toEqual({ low: 51, high: 100 });
    expect(scoreSession({ ...input(items, r, cut76), minKwaItems: 3 }).kwas[2]!.label).toBe('strength');
    expect(res.diagnosticNote).toMatch(/self-improvement/);
    expect(res.diagnosticNote).toMatch(/do not decide whether you passed or failed/);
    expect(res.diagnosticNote).toMatch(/few questions/);
  });

  it('uses the KWA code as the title when the catalog has none', () => {
    const items: ScoringItem[] = [{ itemId: 'X-1', version: 1, kwa: 'SAF-09', role: 'scored', key: 'A' }];
    expect(scoreSession(input(items, {}, cut76)).kwas[0]!.title).toBe('SAF-09');
  });

  it('records the version of every item on the form', () => {
    const items = form(3, 2);
    expect(scoreSession(input(items, {}, cut76)).keyVersions).toEqual({ 'SAF-0': 1, 'SAF-1': 1, 'SAF-2': 1, 'SAF-P0': 2, 'SAF-P1': 2 });
  });

  it('refuses a form with a duplicated item or without scored items', () => {
    const items = form(3);
    expect(() => scoreSession(input([...items, items[0]!], {}, cut76))).toThrow(/twice/);
    expect(() => scoreSession(input(form(0, 3), {}, cut76))).toThrow(/no scored items/);
  });
});
