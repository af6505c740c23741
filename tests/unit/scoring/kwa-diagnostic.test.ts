import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kwaDiagnostics, percentOneDecimal, wilsonInterval, WILSON_Z_95 } from '../../../server/src/modules/scoring/domain/kwa-diagnostic.ts';

describe('wilsonInterval', () => {
  // Newcombe RG (1998), "Two-sided confidence intervals for the single proportion", Stat Med 17:857-872, Table II,
  // method 3 (score interval without continuity correction).
  it.each([
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0.0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ])('%i/%i matches Newcombe (1998): %f to %f', (x, n, low, high) => {
    const w = wilsonInterval(x, n);
    expect(w.low).toBeCloseTo(low, 4);
    expect(w.high).toBeCloseTo(high, 4);
  });

  // Hand computation for a typical KWA of 5 items, 3 correct (z = 1.959964, z² = 3.841459):
  // centre = (0.6 + 3.841459/10) / (1 + 3.841459/5) = 0.9841459 / 1.7682918 = 0.556553
  // half   = (1.959964 / 1.7682918) · √(0.24/5 + 3.841459/100) = 1.108392 · 0.293964 = 0.325828
  it.each([
    [3, 5, 0.2307, 0.8824],
    [4, 5, 0.3755, 0.9638],
    [5, 5, 0.5655, 1],
    [0, 5, 0, 0.4345],
    [2, 4, 0.15, 0.85],
    [7, 10, 0.3968, 0.8922],
    [12, 14, 0.6006, 0.9599],
  ])('%i/%i gives %f to %f (hand-computed)', (x, n, low, high) => {
    const w = wilsonInterval(x, n);
    expect(w.low).toBeCloseTo(low, 4);
    expect(w.high).toBeCloseTo(high, 4);
  });

  it('contains the observed proportion, stays in [0, 1] and is symmetric in x ↔ n − x', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }).chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n }))), ([n, x]) => {
        const w = wilsonInterval(x, n);
        expect(w.low).toBeGreaterThanOrEqual(0);
        expect(w.high).toBeLessThanOrEqual(1);
        expect(w.low).toBeLessThanOrEqual(x / n + 1e-12);
        expect(w.high).toBeGreaterThanOrEqual(x / n - 1e-12);
        const m = wilsonInterval(n - x, n);
        expect(m.low).toBeCloseTo(1 - w.high, 12);
      }),
    );
  });

  it('narrows as items grow', () => {
    const width = (x: number, n: number) => wilsonInterval(x, n).high - wilsonInterval(x, n).low;
    expect(width(4, 5)).toBeGreaterThan(width(8, 10));
    expect(width(8, 10)).toBeGreaterThan(width(80, 100));
  });

  it('uses z = 1.959964 and rejects impossible counts', () => {
    expect(WILSON_Z_95).toBeCloseTo(1.959964, 6);
    expect(() => wilsonInterval(0, 0)).toThrow(RangeError);
    expect(() => wilsonInterval(6, 5)).toThrow(RangeError);
    expect(() => wilsonInterval(1.5, 5)).toThrow(RangeError);
  });
});

describe('percentOneDecimal', () => {
  it('rounds half up in exact arithmetic', () => {
    expect(percentOneDecimal(1, 16)).toBe(6.3); // 6.25
    expect(percentOneDecimal(1, 3)).toBe(33.3);
    expect(percentOneDecimal(2, 3)).toBe(66.7);
    expect(percentOneDecimal(60, 78)).toBe(76.9);
    expect(percentOneDecimal(0, 7)).toBe(0);
    expect(percentOneDecimal(7, 7)).toBe(100);
  });
});

describe('kwaDiagnostics', () => {
  it('orders rows by KWA code and rounds the band to one decimal', () => {
    const rows = kwaDiagnostics(
      [
        { kwa: 'MA-02', items: 5, correct: 3 },
        { kwa: 'MA-01', items: 263, correct: 81 },
      ],
      { 'MA-01': 'Perform preventive maintenance' },
      () => false,
    );
    expect(rows).toEqual([
      { kwa: 'MA-01', title: 'Perform preventive maintenance', items: 263, correct: 81, percent: 30.8, band: { low: 25.5, high: 36.6 }, label: 'review' },
      { kwa: 'MA-02', title: 'MA-02', items: 5, correct: 3, percent: 60, band: { low: 23.1, high: 88.2 }, label: 'review' },
    ]);
  });
});
