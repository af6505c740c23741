import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AnalysisInputError,
  analyzeResponses,
  DEFAULT_THRESHOLDS,
  discriminationIndex,
  normalQuantile,
  resolveThresholds,
  type AnalysisItem,
  type AnalysisResult,
  type ItemStatistics,
  type ResponseRow,
} from '../../../server/src/modules/psychometrics/domain/item-analysis.ts';
import { parseResponseMatrix } from '../../../server/src/modules/psychometrics/domain/response-matrix-csv.ts';

const FIXTURES = 'tests/fixtures/psychometrics';

function analyzeFixture(file: string, thresholds = {}): AnalysisResult {
  const parsed = parseResponseMatrix({ name: file, text: readFileSync(`${FIXTURES}/${file}`, 'utf8') });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return analyzeResponses(parsed.items, parsed.rows, thresholds);
}

const item = (r: AnalysisResult, id: string): ItemStatistics => r.items.find((s) => s.itemId === id)!;
const codes = (s: ItemStatistics) => s.flags.map((f) => f.code);

/** toBeCloseTo(x, 4) passes when |actual − x| < 0.00005: agreement to four decimals. */
function expectClose(actual: number | null | undefined, expected: number | null) {
  if (expected === null) expect(actual).toBeNull();
  else expect(actual).toBeCloseTo(expected, 4);
}

describe('LSAT section 6 (Bock & Lieberman 1970), 5 items × 1000 examinees', () => {
  // Fixture: the 32 response patterns and frequencies of psych::bock.table (column Ob6; the same data as ltm::LSAT and
  // mirt::LSAT6), expanded to one row per examinee: correct = A (key A), incorrect = B.
  const r = analyzeFixture('lsat6.csv');

  it('reproduces the published item p-values and Cronbach alpha', () => {
    // Published: p = .924 .709 .553 .763 .870 (ltm descript(LSAT)); alpha = 0.2950 (ltm; CPT.md §2.6).
    expect(r.items.map((s) => s.p)).toEqual([0.924, 0.709, 0.553, 0.763, 0.87]);
    expect(r.items.every((s) => s.n === 1000)).toBe(true);
    expectClose(r.form.kr20, 0.295);
    expect(r.form.candidates).toBe(1000);
    expect(r.form.items).toBe(5);
  });

  it('reproduces the total-score frequencies of the pattern table', () => {
    expect(r.form.distribution).toEqual([0, 1, 2, 3, 4, 5].map((score, k) => ({ score, count: [3, 20, 85, 237, 357, 298][k] })));
  });

  it('agrees with the independent Python computation to four decimals', () => {
    // python3 tests/fixtures/psychometrics/reference.py tests/fixtures/psychometrics/lsat6.csv (pure Python; point-
    // biserials by (M1 − M0)/s_X·√(pq), alpha by item variances). The alpha-if-deleted values are also those printed
    // by ltm's descript(LSAT): 0.2754 0.2376 0.2168 0.2459 0.2663.
    // D: 270 per group; the upper group is all 5s (298 examinees), so p_upper = 1 on every item.
    const expected = {
      Q1: { rpb: 0.36201, corr: 0.112833, bis: 0.670894, aid: 0.275356, D: 0.196624 },
      Q2: { rpb: 0.566772, corr: 0.153178, bis: 0.750873, aid: 0.237584, D: 0.631458 },
      Q3: { rpb: 0.61844, corr: 0.172779, bis: 0.777605, aid: 0.216799, D: 0.810877 },
      Q4: { rpb: 0.534418, corr: 0.144428, bis: 0.73608, aid: 0.245933, D: 0.53699 },
      Q5: { rpb: 0.435366, corr: 0.121596, bis: 0.692123, aid: 0.266294, D: 0.320347 },
    };
    for (const [id, e] of Object.entries(expected)) {
      const s = item(r, id);
      expectClose(s.pointBiserial, e.rpb);
      expectClose(s.correctedPointBiserial, e.corr);
      expectClose(s.biserial, e.bis);
      expectClose(s.discriminationIndex, e.D);
      expectClose(r.form.alphaIfDeleted![id], e.aid);
      // The distractor (B) is the complement of the key, so its point-biserial is the key's with the sign flipped.
      expectClose(s.options.find((o) => o.optionId === 'B')!.pointBiserial, -e.rpb);
    }
    expectClose(r.form.mean, 3.819);
    expectClose(r.form.sd, 1.034524);
    expectClose(r.form.sem, 0.868632);
  });

  it('point-biserials are Pearson r with population SDs; ltm (sample SD in biserial.cor) differs by √((N−1)/N)', () => {
    // ltm's biserial.cor divides by sd(x) (N − 1), so its value is ours × √(999/1000): 0.3618 for item 1.
    expectClose(item(r, 'Q1').pointBiserial! * Math.sqrt(999 / 1000), 0.361829);
  });
});

describe('hand-made 10 × 6 matrix with distractors, omits and a miskeyed item (small.csv)', () => {
  const r = analyzeFixture('small.csv');
  // Every value: python3 tests/fixtures/psychometrics/reference.py tests/fixtures/psychometrics/small.csv. D there is
  // the average of upper-minus-lower over every ordering of tied candidates (brute force), p̂ and r_pb by the textbook
  // formulas, KR-20 as Cronbach's alpha from item variances.
  const expected: Record<string, { p: number; rpb: number; corr: number; D: number; bis: number; omit: number; options: [string, number, number | null][] }> = {
    Q1: { p: 0.6, rpb: 0.683001, corr: 0.408248, D: 0.8, bis: 0.866073, omit: 0, options: [['A', 6, 0.683001], ['B', 2, -0.327327], ['C', 1, 0.024246], ['D', 1, -0.703147]] },
    Q2: { p: 0.5, rpb: 0.509175, corr: 0.166667, D: 0.466667, bis: 0.638156, omit: 0.1, options: [['A', 1, 0.024246], ['B', 5, 0.509175], ['C', 2, -0.145479], ['D', 1, 0.024246]] },
    Q3: { p: 0.5, rpb: 0.654654, corr: 0.359211, D: 0.866667, bis: 0.820487, omit: 0, options: [['A', 2, -0.509175], ['B', 1, 0.024246], ['C', 5, 0.654654], ['D', 2, -0.327327]] },
    Q4: { p: 0.4, rpb: 0.504827, corr: 0.169516, D: 0.533333, bis: 0.640141, omit: 0.1, options: [['A', 2, -0.145479], ['B', 2, -0.509175], ['C', 1, 0.024246], ['D', 4, 0.504827]] },
    Q5: { p: 0.4, rpb: 0.504827, corr: 0.169516, D: 0.533333, bis: 0.640141, omit: 0.1, options: [['A', 4, 0.504827], ['B', 2, -0.145479], ['C', 1, -0.703147], ['D', 2, 0.03637]] },
    Q6: { p: 0.5, rpb: -0.072739, corr: -0.400892, D: -0.2, bis: -0.091165, omit: 0, options: [['A', 1, -0.703147], ['B', 5, -0.072739], ['C', 4, 0.504827], ['D', 0, null]] },
  };

  it('item statistics agree with the independent computation to four decimals', () => {
    for (const [id, e] of Object.entries(expected)) {
      const s = item(r, id);
      expect(s.n).toBe(10);
      expectClose(s.p, e.p);
      expectClose(s.pointBiserial, e.rpb);
      expectClose(s.correctedPointBiserial, e.corr);
      expectClose(s.discriminationIndex, e.D);
      expectClose(s.biserial, e.bis);
      expectClose(s.omitShare, e.omit);
      expect(s.options.map((o) => [o.optionId, o.count])).toEqual(e.options.map(([o, c]) => [o, c]));
      e.options.forEach(([, count, rpb], k) => {
        expectClose(s.options[k]!.share, count / 10);
        expectClose(s.options[k]!.pointBiserial, rpb);
      });
    }
  });

  it('form statistics agree with the independent computation', () => {
    expectClose(r.form.mean, 2.9);
    expectClose(r.form.sd, 1.374773);
    expectClose(r.form.kr20, 0.266667);
    expectClose(r.form.sem, 1.177285);
    const aid = { Q1: -0.020661, Q2: 0.190972, Q3: 0.020161, Q4: 0.189655, Q5: 0.189655, Q6: 0.569196 };
    for (const [id, a] of Object.entries(aid)) expectClose(r.form.alphaIfDeleted![id], a);
    expect(r.form.distribution.map((d) => d.count)).toEqual([1, 1, 0, 5, 2, 1, 0]);
    expect(r.form.complete).toBe(true);
    expect(r.form.notes).toEqual([]);
  });

  it('flags the miskeyed item Q6 and says to check the key and that an admin can rescore', () => {
    const q6 = item(r, 'Q6');
    expect(codes(q6)).toEqual(['LOW_DISCRIMINATION', 'DISTRACTOR_POSITIVE', 'PROBABLE_MISKEY', 'NONFUNCTIONAL_DISTRACTOR']);
    const miskey = q6.flags.find((f) => f.code === 'PROBABLE_MISKEY')!;
    expect(miskey).toMatchObject({ severity: 'warning', optionId: 'C' });
    expect(miskey.message).toContain('the key B');
    expect(miskey.message).toContain('-0.401');
    expect(miskey.message).toContain('option C');
    expect(miskey.message).toContain('0.505');
    expect(miskey.message).toMatch(/check the key/i);
    expect(miskey.message).toMatch(/admin can .*rescore/);
    expect(q6.flags.find((f) => f.code === 'NONFUNCTIONAL_DISTRACTOR')).toMatchObject({ severity: 'info', optionId: 'D' });
    expect(r.items.filter((s) => codes(s).includes('PROBABLE_MISKEY')).map((s) => s.itemId)).toEqual(['Q6']);
  });
});

describe('LOFT: candidates presented different subsets (loft.csv, . = not presented)', () => {
  const r = analyzeFixture('loft.csv');
  // python3 tests/fixtures/psychometrics/reference.py tests/fixtures/psychometrics/loft.csv
  const expected: Record<string, [n: number, p: number, rpb: number, corr: number, D: number, omit: number]> = {
    L1: [9, 0.555556, 0.767426, 0.456435, 1.0, 0],
    L2: [9, 0.555556, 0.776899, 0.51521, 0.9, 0],
    L3: [10, 0.5, 0.636364, 0.229416, 0.722222, 0.1],
    L4: [10, 0.5, 0.640184, 0, 0.688889, 0.1],
    L5: [10, 0.7, 0.057639, -0.327327, -0.111111, 0],
  };

  it("uses only the candidates presented each item, and X = number correct on the candidate's presented items", () => {
    for (const [id, [n, p, rpb, corr, D, omit]] of Object.entries(expected)) {
      const s = item(r, id);
      expect(s.n).toBe(n);
      expectClose(s.p, p);
      expectClose(s.pointBiserial, rpb);
      expectClose(s.correctedPointBiserial, corr);
      expectClose(s.discriminationIndex, D);
      expectClose(s.omitShare, omit);
    }
    expectClose(r.form.mean, 2.25);
    expectClose(r.form.sd, 1.089725);
    expect(r.form.distribution.map((d) => d.count)).toEqual([1, 2, 3, 5, 1]);
  });

  it('leaves KR-20, SEM and alpha-if-deleted undefined for an incomplete design, and says why', () => {
    expect(r.form.complete).toBe(false);
    expect(r.form.kr20).toBeNull();
    expect(r.form.sem).toBeNull();
    expect(r.form.alphaIfDeleted).toBeUndefined();
    expect(r.form.notes.join(' ')).toMatch(/every candidate .* every item/);
  });

  it('a corrected r_pb of exactly 0 is not a miskey', () => {
    expect(item(r, 'L4').correctedPointBiserial).toBe(0);
    expect(codes(item(r, 'L4'))).not.toContain('PROBABLE_MISKEY');
    expect(codes(item(r, 'L5'))).toContain('PROBABLE_MISKEY');
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// A synthetic exam with one miskeyed item, generated deterministically (a fixed linear congruential generator).

function lcg(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function syntheticExam(candidates: number, difficulties: number[], seed: number) {
  const rand = lcg(seed);
  const items: AnalysisItem[] = difficulties.map((_, i) => ({ itemId: `SYN-${i + 1}`, key: 'A', optionIds: ['A', 'B', 'C', 'D'] }));
  const rows: ResponseRow[] = [];
  for (let c = 0; c < candidates; c++) {
    const ability = -2.5 + (5 * (c + 0.5)) / candidates;
    const responses: Record<string, string | null> = {};
    difficulties.forEach((b, i) => {
      const pCorrect = 1 / (1 + Math.exp(-1.7 * (ability - b)));
      responses[`SYN-${i + 1}`] = rand() < pCorrect ? 'A' : (['B', 'C', 'D'] as const)[Math.floor(rand() * 3)]!;
    });
    rows.push({ candidateId: `c${c}`, responses });
  }
  return { items, rows };
}

describe('flags on a synthetic exam', () => {
  const difficulties = [-1.5, -1, -0.5, 0, 0, 0.5, 1, -0.5, 0.2, 0.8];
  const { items, rows } = syntheticExam(400, difficulties, 20261101);

  it('flags the miskeyed item PROBABLE_MISKEY and no other item', () => {
    const miskeyed = items.map((it) => (it.itemId === 'SYN-4' ? { ...it, key: 'C' } : it));
    const r = analyzeResponses(miskeyed, rows);
    const flagged = r.items.filter((s) => codes(s).includes('PROBABLE_MISKEY'));
    expect(flagged.map((s) => s.itemId)).toEqual(['SYN-4']);
    expect(flagged[0]!.flags.find((f) => f.code === 'PROBABLE_MISKEY')!.optionId).toBe('A');
    expect(codes(flagged[0]!)).toContain('LOW_DISCRIMINATION');
    // With the right key, nothing is flagged on that item.
    const fixed = analyzeResponses(items, rows);
    expect(codes(item(fixed, 'SYN-4'))).toEqual([]);
    expect(fixed.items.some((s) => codes(s).includes('PROBABLE_MISKEY'))).toBe(false);
  });

  it('thresholds are configurable', () => {
    const base = analyzeResponses(items, rows);
    expect(base.thresholds).toEqual(DEFAULT_THRESHOLDS);
    expect(base.items.some((s) => codes(s).includes('TOO_EASY'))).toBe(false);
    const strict = analyzeResponses(items, rows, { pMax: 0.7, pMin: 0.45, minCorrectedPointBiserial: 0.9, minDistractorShare: 0.2 });
    expect(strict.thresholds).toEqual({ pMin: 0.45, pMax: 0.7, minCorrectedPointBiserial: 0.9, minDistractorShare: 0.2 });
    for (const s of strict.items) {
      expect(codes(s).includes('TOO_EASY')).toBe(s.p! > 0.7);
      expect(codes(s).includes('TOO_HARD')).toBe(s.p! < 0.45);
      expect(codes(s)).toContain('LOW_DISCRIMINATION');
      for (const o of s.options.filter((o) => !o.isKey)) {
        expect(s.flags.some((f) => f.code === 'NONFUNCTIONAL_DISTRACTOR' && f.optionId === o.optionId)).toBe(o.share! < 0.2);
      }
    }
    const easy = strict.items.find((s) => codes(s).includes('TOO_EASY'))!;
    expect(easy.flags.find((f) => f.code === 'TOO_EASY')!.message).toContain(`p = ${easy.p!.toFixed(3)}, above 0.70`);
  });

  it('an undefined override keeps the default; a share of 0 turns the non-functional check off', () => {
    const r = analyzeResponses(items, rows, { minDistractorShare: undefined });
    expect(r.thresholds.minDistractorShare).toBe(0.05);
    const off = analyzeResponses(items, rows, { ...DEFAULT_THRESHOLDS, minDistractorShare: 0 });
    expect(off.items.some((s) => codes(s).includes('NONFUNCTIONAL_DISTRACTOR'))).toBe(false);
  });

  it('rejects thresholds out of range', () => {
    expect(() => resolveThresholds({ pMin: 0.9, pMax: 0.5 })).toThrow(AnalysisInputError);
    expect(() => resolveThresholds({ pMin: -0.1 })).toThrow(AnalysisInputError);
    expect(() => resolveThresholds({ minCorrectedPointBiserial: 2 })).toThrow(AnalysisInputError);
    try {
      resolveThresholds({ pMax: 1.5 });
    } catch (e) {
      expect((e as AnalysisInputError).problems[0]!.pointer).toBe('/thresholds/pMax');
    }
  });
});

describe('undefined statistics are null', () => {
  const items: AnalysisItem[] = [
    { itemId: 'I1', key: 'A', optionIds: ['A', 'B'] },
    { itemId: 'I2', key: 'B', optionIds: ['A', 'B'] },
  ];

  it('with no candidates', () => {
    const r = analyzeResponses(items, []);
    expect(r.items[0]).toMatchObject({ n: 0, p: null, pointBiserial: null, correctedPointBiserial: null, discriminationIndex: null, omitShare: null });
    expect(r.form).toMatchObject({ candidates: 0, mean: null, sd: null, kr20: null, sem: null, distribution: [] });
    expect(r.form.notes).toEqual(['There are no candidates.']);
  });

  it('with one candidate (N < 2)', () => {
    const r = analyzeResponses(items, [{ candidateId: 'x', responses: { I1: 'A', I2: 'A' } }]);
    expect(r.items[0]).toMatchObject({ n: 1, p: 1, pointBiserial: null, correctedPointBiserial: null, discriminationIndex: null });
    expect(r.form).toMatchObject({ mean: 1, sd: 0, kr20: null, sem: null });
    expect(r.form.notes[0]).toMatch(/two candidates/);
  });

  it('when an item does not vary (everyone right) or the total does not vary', () => {
    const rows: ResponseRow[] = [
      { candidateId: 'a', responses: { I1: 'A', I2: 'B' } },
      { candidateId: 'b', responses: { I1: 'A', I2: 'A' } },
      { candidateId: 'c', responses: { I1: 'A', I2: null } },
    ];
    const r = analyzeResponses(items, rows);
    expect(r.items[0]).toMatchObject({ p: 1, pointBiserial: null, correctedPointBiserial: null, biserial: null });
    expect(codes(r.items[0]!)).toEqual(['TOO_EASY', 'NONFUNCTIONAL_DISTRACTOR']);
    expect(r.items[0]!.discriminationIndex).toBe(0);
    expectClose(r.items[1]!.omitShare, 1 / 3);
    const flat = analyzeResponses(items, [
      { candidateId: 'a', responses: { I1: 'A', I2: 'A' } },
      { candidateId: 'b', responses: { I1: 'B', I2: 'B' } },
    ]);
    expect(flat.form.sd).toBe(0);
    expect(flat.form.kr20).toBeNull();
    expect(flat.items[0]!.pointBiserial).toBeNull();
    expect(flat.form.notes[0]).toMatch(/same total score/);
  });

  it('KR-20 needs two items', () => {
    const r = analyzeResponses(items.slice(0, 1), [
      { candidateId: 'a', responses: { I1: 'A' } },
      { candidateId: 'b', responses: { I1: 'B' } },
    ]);
    expect(r.form.kr20).toBeNull();
    expect(r.form.alphaIfDeleted).toEqual({ I1: null });
  });
});

describe('input checks', () => {
  const items: AnalysisItem[] = [{ itemId: 'I1', key: 'A', optionIds: ['A', 'B', 'C'] }];

  it('reports every fault with a pointer', () => {
    try {
      analyzeResponses(
        [...items, { itemId: 'I2', key: 'E', optionIds: ['A', 'B'] }],
        [
          { candidateId: 'a', responses: { I1: 'D', I9: 'A' } },
          { candidateId: 'b', responses: { I1: 'A', I2: 'A' }, presented: ['I1'] },
          { candidateId: 'c', responses: {}, presented: [] },
        ],
      );
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AnalysisInputError);
      expect((e as AnalysisInputError).problems.map((p) => p.pointer)).toEqual([
        '/items/1/key',
        '/rows/0/responses/I1',
        '/rows/0/responses/I9',
        '/rows/1/responses/I2',
        '/rows/2/presented',
      ]);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// Properties against a deliberately naive implementation written here.

/** Textbook point-biserial: (M1 − M0)/s_X · √(pq), population s_X; null when undefined. */
function naivePointBiserial(u: number[], x: number[]): number | null {
  const n = x.length;
  const ones = x.filter((_, k) => u[k] === 1);
  const zeros = x.filter((_, k) => u[k] === 0);
  if (n < 2 || ones.length === 0 || zeros.length === 0) return null;
  const m = x.reduce((a, b) => a + b, 0) / n;
  const s = Math.sqrt(x.reduce((a, b) => a + (b - m) ** 2, 0) / n);
  if (s === 0) return null;
  const p = ones.length / n;
  const avg = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  return ((avg(ones) - avg(zeros)) / s) * Math.sqrt(p * (1 - p));
}

/** Cronbach's alpha from item variances (population), for a complete 0/1 matrix. */
function naiveAlpha(matrix: number[][]): number | null {
  const L = matrix[0]!.length;
  const varOf = (v: number[]) => {
    const m = v.reduce((a, b) => a + b, 0) / v.length;
    return v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length;
  };
  const total = varOf(matrix.map((row) => row.reduce((a, b) => a + b, 0)));
  if (L < 2 || matrix.length < 2 || total === 0) return null;
  let sum = 0;
  for (let i = 0; i < L; i++) sum += varOf(matrix.map((row) => row[i]!));
  return (L / (L - 1)) * (1 - sum / total);
}

const LETTERS = ['A', 'B', 'C', 'D'];
const matrixArb = fc
  .record({ n: fc.integer({ min: 2, max: 25 }), L: fc.integer({ min: 2, max: 6 }) })
  .chain(({ n, L }) =>
    fc.record({
      keys: fc.array(fc.constantFrom(...LETTERS), { minLength: L, maxLength: L }),
      cells: fc.array(fc.array(fc.constantFrom('A', 'B', 'C', 'D', null), { minLength: L, maxLength: L }), { minLength: n, maxLength: n }),
    }),
  )
  .map(({ keys, cells }) => ({
    items: keys.map((key, i) => ({ itemId: `I${i}`, key, optionIds: LETTERS })),
    rows: cells.map((row, c) => ({ candidateId: `c${c}`, responses: Object.fromEntries(row.map((v, i) => [`I${i}`, v])) })),
  }));

describe('properties', () => {
  it('r_pb, corrected r_pb, option r_pb and KR-20 equal the textbook formulas', () => {
    fc.assert(
      fc.property(matrixArb, ({ items, rows }) => {
        const r = analyzeResponses(items, rows);
        const u = rows.map((row) => items.map((it) => (row.responses[it.itemId] === it.key ? 1 : 0)));
        const x = u.map((row) => row.reduce((a: number, b) => a + b, 0));
        items.forEach((it, i) => {
          const s = r.items[i]!;
          const ui = u.map((row) => row[i]!);
          expectClose(s.pointBiserial, naivePointBiserial(ui, x));
          expectClose(s.correctedPointBiserial, naivePointBiserial(ui, x.map((xc, c) => xc - ui[c]!)));
          for (const o of s.options) {
            expectClose(o.pointBiserial, naivePointBiserial(rows.map((row) => (row.responses[it.itemId] === o.optionId ? 1 : 0)), x));
          }
          if (s.discriminationIndex !== null) expect(Math.abs(s.discriminationIndex)).toBeLessThanOrEqual(1 + 1e-12);
        });
        expectClose(r.form.kr20, naiveAlpha(u));
      }),
      { numRuns: 150 },
    );
  });

  it('results do not depend on the order of the rows (ties in D are shared, not broken by position)', () => {
    fc.assert(
      fc.property(matrixArb, fc.integer(), ({ items, rows }, seed) => {
        const rand = lcg(seed);
        const shuffled = rows.map((row) => ({ row, k: rand() })).sort((a, b) => a.k - b.k).map((e) => e.row);
        const a = analyzeResponses(items, rows);
        const b = analyzeResponses(items, shuffled);
        a.items.forEach((s, i) => {
          expectClose(b.items[i]!.discriminationIndex, s.discriminationIndex);
          expectClose(b.items[i]!.pointBiserial, s.pointBiserial);
        });
        expectClose(b.form.kr20, a.form.kr20);
      }),
      { numRuns: 100 },
    );
  });
});

describe('helpers', () => {
  it('discrimination index uses round(0.27 N) per group and shares ties at the cut', () => {
    // N = 10 → 3 per group. Scores 5,4,4,4,3,...: the upper group is the 5 plus two of the three 4s (each counts 2/3).
    const x = [5, 4, 4, 4, 3, 3, 2, 1, 1, 0];
    const u = [1, 1, 0, 1, 0, 1, 0, 1, 0, 0];
    // Upper: 1 + (2/3)·(1 + 0 + 1) = 7/3 correct of 3 → 7/9. Lower: the 0 and both 1s: 0 + 1 + 0 = 1 of 3 → 1/3.
    expectClose(discriminationIndex(u, x), 7 / 9 - 1 / 3);
    expect(discriminationIndex([1], [1])).toBeNull();
    // N = 40 → round(10.8) = 11 per group; distinct scores, so no ties: item right for exactly the top 11 and 5 of the
    // bottom 11 (not the bottom 6).
    const x40 = Array.from({ length: 40 }, (_, k) => 40 - k);
    const u40 = x40.map((_, k) => (k < 11 || (k >= 29 && k < 34) ? 1 : 0));
    expectClose(discriminationIndex(u40, x40), 1 - 5 / 11);
  });

  it('normal quantile', () => {
    // Standard values: Φ⁻¹(0.975) = 1.959964, Φ⁻¹(0.01) = −2.326348, Φ⁻¹(0.5) = 0.
    expectClose(normalQuantile(0.975), 1.959964);
    expectClose(normalQuantile(0.01), -2.326348);
    expectClose(normalQuantile(0.5), 0);
    expectClose(normalQuantile(0.999), 3.090232);
  });
});
