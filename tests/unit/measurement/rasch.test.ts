import { readFileSync } from 'node:fs';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { abilityFor, calibrateRasch, CalibrationError, elementarySymmetric, type RaschData, type Score } from '../../../server/src/modules/psychometrics/domain/rasch.ts';

const DIR = 'tests/fixtures/measurement';

/** candidate,ITEM...; 1/0, '.' = not presented (the format rasch_reference.py reads). */
function load(name: string): RaschData {
  const [header, ...rows] = readFileSync(`${DIR}/${name}`, 'utf8').trim().split('\n').map((l) => l.trim().split(','));
  return {
    itemIds: header!.slice(1),
    persons: rows.map((r) => ({ personId: r[0]!, scores: r.slice(1).map((c): Score => (c === '.' ? null : c === '1' ? 1 : 0)) })),
  };
}

interface Reference {
  logLikelihood: number;
  items: { itemId: string; difficulty: number | null; se?: number; infit?: number; outfit?: number }[];
  persons: { personId: string; raw: number; theta: number | null; wle: number }[];
}
const reference = (name: string): Reference => JSON.parse(readFileSync(`${DIR}/${name}`, 'utf8'));

function expectAgreement(name: string, ref: Reference, anchors?: Record<string, number>) {
  const cal = calibrateRasch(load(name), { anchors });
  expect(cal.logLikelihood).toBeCloseTo(ref.logLikelihood, 4);
  for (const r of ref.items) {
    const item = cal.items.find((i) => i.itemId === r.itemId)!;
    expect(item.difficulty, `${r.itemId} difficulty`).toBeCloseTo(r.difficulty!, 4);
    expect(item.se, `${r.itemId} SE`).toBeCloseTo(r.se!, 4);
    if (r.infit !== undefined && !anchors) {
      expect(item.infit, `${r.itemId} infit`).toBeCloseTo(r.infit, 4);
      expect(item.outfit, `${r.itemId} outfit`).toBeCloseTo(r.outfit!, 4);
    }
  }
  for (const r of ref.persons) {
    const p = cal.persons.find((x) => x.personId === r.personId)!;
    if (r.theta === null) expect(p.theta).toBeNull();
    else expect(p.theta, `${r.personId} theta`).toBeCloseTo(r.theta, 4);
    expect(p.wle, `${r.personId} WLE`).toBeCloseTo(r.wle, 4);
  }
  return cal;
}

describe('Rasch CML calibration against an independent implementation (rasch_reference.py: pattern enumeration + BFGS)', () => {
  it('LSAT section 6 (Bock & Lieberman, 1,000 persons, 5 items): difficulties, SEs, infit/outfit, abilities to 4 decimals', () => {
    const cal = expectAgreement('lsat6-01.csv', reference('lsat6-01.reference.json'));
    // The CML solution of LSAT6 on the sum-zero scale, to 3 decimals, as a plain table a reader can check against eRm's RM(LSAT).
    expect(cal.items.map((i) => Number(i.difficulty!.toFixed(3)))).toEqual([-1.256, 0.475, 1.236, 0.168, -0.623]);
    expect(cal.scale).toBe('mean-zero');
    expect(cal.items.reduce((s, i) => s + i.difficulty!, 0)).toBeCloseTo(0, 10);
    // Zero and perfect scores are left out of the item estimation and get finite WLEs.
    const extremes = cal.persons.filter((p) => p.status !== 'estimated');
    expect(extremes.length).toBe(3 + 298);
    expect(cal.notes[0]).toMatch(/301 person\(s\) with a zero or perfect score/);
    expect(extremes.every((p) => p.theta === null && Number.isFinite(p.wle))).toBe(true);
  });

  it('an incomplete (linear-on-the-fly) design: 300 persons, each presented 7 of 10 items', () => {
    expectAgreement('loft-sim.csv', reference('loft-sim.reference.json'));
  });

  it('anchored: pretest items estimated with the operational difficulties held fixed', () => {
    const anchors = { I01: -1.5, I02: -1.0, I03: -0.6, I04: -0.3, I05: 0.0, I06: 0.2, I07: 0.5 };
    const cal = expectAgreement('loft-sim.csv', reference('loft-sim.anchored.reference.json'), anchors);
    expect(cal.scale).toBe('anchored');
    expect(cal.items.filter((i) => i.status === 'anchored').map((i) => [i.difficulty, i.se])).toEqual(Object.values(anchors).map((b) => [b, 0]));
  });
});

/** Rasch responses for `n` persons θ ~ N(0,1) on difficulties `bs`, from a seeded generator. */
function simulate(bs: number[], n: number, seed: string, presentedPerPerson = bs.length): RaschData {
  const rng = seedrandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  return {
    itemIds: bs.map((_, i) => `S${String(i + 1).padStart(2, '0')}`),
    persons: Array.from({ length: n }, (_, k) => {
      const theta = normal();
      const order = bs.map((_, i) => i).sort(() => rng() - 0.5);
      const shown = new Set(order.slice(0, presentedPerPerson));
      return { personId: `P${k}`, scores: bs.map((b, i): Score => (shown.has(i) ? (rng() < 1 / (1 + Math.exp(b - theta)) ? 1 : 0) : null)) };
    }),
  };
}

describe('Rasch CML recovers known difficulties', () => {
  const truth = [-2, -1.6, -1.2, -0.9, -0.6, -0.4, -0.2, 0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.1, 1.4, 1.8, 2.2, -0.1, 0.2, -1.0];
  const centred = truth.map((b) => b - truth.reduce((s, x) => s + x, 0) / truth.length);

  it('2,000 simulated candidates: every difficulty within 3 SE of the truth, and z-scores look like N(0,1)', () => {
    const cal = calibrateRasch(simulate(truth, 2000, 'rasch-recovery'));
    const z = cal.items.map((it, i) => (it.difficulty! - centred[i]!) / it.se!);
    expect(z.every((v) => Math.abs(v) < 3)).toBe(true);
    const meanSq = z.reduce((s, v) => s + v * v, 0) / z.length;
    expect(meanSq).toBeGreaterThan(0.3);
    expect(meanSq).toBeLessThan(2.5);
    // Data that fit the model: mean-squares near 1.
    for (const it of cal.items) {
      expect(it.infit!).toBeGreaterThan(0.85);
      expect(it.infit!).toBeLessThan(1.15);
    }
    expect(cal.personSeparationReliability!).toBeGreaterThan(0.6);
    expect(cal.personSeparationReliability!).toBeLessThan(0.95);
  });

  it('flags a misfitting item: a reversed (miskeyed) item has infit and outfit well above 1', () => {
    const data = simulate(truth, 1000, 'misfit');
    for (const p of data.persons) p.scores[5] = p.scores[5] === null ? null : ((1 - p.scores[5]!) as Score);
    const cal = calibrateRasch(data);
    expect(cal.items[5]!.outfit!).toBeGreaterThan(1.3);
    expect(cal.items[5]!.infit!).toBeGreaterThan(1.2);
  });

  it('extreme items get no difficulty and are named; the rest still calibrate', () => {
    const data = simulate(truth.slice(0, 6), 200, 'extreme');
    data.itemIds.push('ALL1', 'ALL0');
    for (const p of data.persons) p.scores.push(1, 0);
    const cal = calibrateRasch(data);
    expect(cal.items.find((i) => i.itemId === 'ALL1')).toMatchObject({ status: 'all-correct', difficulty: null, se: null });
    expect(cal.items.find((i) => i.itemId === 'ALL0')).toMatchObject({ status: 'all-wrong', difficulty: null });
    expect(cal.notes.join(' ')).toMatch(/ALL1 \(all-correct\), ALL0 \(all-wrong\)/);
    expect(cal.items.slice(0, 6).every((i) => i.status === 'estimated' && Number.isFinite(i.difficulty))).toBe(true);
  });
});

describe('Rasch building blocks and input errors', () => {
  it('elementary symmetric functions', () => {
    expect(elementarySymmetric([1, 2, 3])).toEqual([1, 6, 11, 6]);
  });

  it('ability: MLE undefined at 0 and perfect, WLE finite and between the MLEs', () => {
    const bs = [-1, 0, 1];
    expect(abilityFor(0, bs)).toBeNull();
    expect(abilityFor(3, bs)).toBeNull();
    const w0 = abilityFor(0, bs, true)!.theta;
    expect(w0).toBeLessThan(abilityFor(1, bs)!.theta);
    expect(abilityFor(1, bs)!.theta).toBeCloseTo(-abilityFor(2, bs)!.theta, 10);
  });

  it('rejects input it cannot use, naming what and where', () => {
    expect(() => calibrateRasch({ itemIds: ['A'], persons: [] })).toThrow('need at least 2 items, got 1');
    expect(() => calibrateRasch({ itemIds: ['A', 'A'], persons: [] })).toThrow('item A appears twice');
    expect(() => calibrateRasch({ itemIds: ['A', 'B'], persons: [{ personId: 'x', scores: [1] }] })).toThrow('person x (row 1) has 1 scores for 2 items');
    expect(() => calibrateRasch({ itemIds: ['A', 'B'], persons: [{ personId: 'x', scores: [1, 2 as Score] }] })).toThrow('person x, item B: score must be 0, 1 or null, got 2');
    expect(() => calibrateRasch({ itemIds: ['A', 'B'], persons: [] }, { anchors: { C: 0 } })).toThrow('anchor C is not among the items');
    expect(() => calibrateRasch({ itemIds: ['A', 'B'], persons: [{ personId: 'x', scores: [1, 1] }] })).toThrow(CalibrationError);
  });

  it('a disconnected design is refused: two groups of persons who share no items', () => {
    const a = simulate([-1, 0, 1], 100, 'g1');
    const b = simulate([-0.5, 0.5, 1.5], 100, 'g2');
    const data: RaschData = {
      itemIds: ['A1', 'A2', 'A3', 'B1', 'B2', 'B3'],
      persons: [...a.persons.map((p) => ({ ...p, scores: [...p.scores, null, null, null] })), ...b.persons.map((p) => ({ personId: `b${p.personId}`, scores: [null, null, null, ...p.scores] }))],
    };
    expect(() => calibrateRasch(data)).toThrow(/not linked/);
  });
});
