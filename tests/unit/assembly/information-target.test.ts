/**
 * Assembly to a target (#20.4, docs/measurement.md §7): forms reach a target Rasch information at the ability cut where
 * the bank allows it, an unreachable target is reported, parallel forms' test characteristic curves agree within the
 * tolerance, and everything stays deterministic from the seed. Every figure is recomputed here from the item
 * difficulties, not read back from the assembler.
 */
import fc from 'fast-check';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { assembleForm } from '../../../server/src/modules/assembly/domain/assemble-form.ts';
import {
  DEFAULT_INFORMATION_SHARE,
  DEFAULT_TCC_GRID,
  DEFAULT_TCC_TOLERANCE,
  type AssembledForm,
  type AssemblyItem,
  type AssemblyRequest,
} from '../../../server/src/modules/assembly/domain/assembly-types.ts';
import { certificateFor } from '../../../server/src/modules/assembly/domain/form-certificate.ts';
import { assembleParallelForms } from '../../../server/src/modules/assembly/domain/parallel-forms.ts';
import { hardViolations, item, plantedBank } from './assembly-fixtures.ts';

const logistic = (x: number) => 1 / (1 + Math.exp(-x));

/** Roughly normal difficulties (sum of three uniforms), mean 0, SD about 1.2 logits. */
function calibrate(items: AssemblyItem[], seed: string): AssemblyItem[] {
  const rng = seedrandom(`b-${seed}`);
  return items.map((it) => ({ ...it, difficulty: Math.round((rng() + rng() + rng() - 1.5) * 2.4 * 1000) / 1000 }));
}

/** A calibrated bank: `kwas` KWAs of `count` scored slots, `factor` x that many items each, some enemy pairs. */
function calibratedBank(seed: string, kwas = 5, count = 8, factor = 5, pairs = 10): AssemblyRequest {
  const rng = seedrandom(`bank-${seed}`);
  const items: AssemblyItem[] = [];
  const kwaCounts: Record<string, number> = {};
  for (let k = 0; k < kwas; k++) {
    const kwa = `M-${k + 1}`;
    kwaCounts[kwa] = count;
    for (let j = 0; j < count * factor; j++) items.push(item(`M-${k + 1}-${String(j).padStart(3, '0')}`, kwa));
  }
  for (let j = 0; j < 12; j++) items.push(item(`M-P-${String(j).padStart(3, '0')}`, 'M-1', { status: 'pretest' }));
  const cal = calibrate(items, seed);
  const ops = cal.filter((it) => it.status === 'operational');
  for (let g = 0; g < pairs; g++) {
    const a = ops[Math.floor(rng() * ops.length)]!;
    const b = ops[Math.floor(rng() * ops.length)]!;
    if (a === b) continue;
    a.enemyGroupIds.push(`M-EG-${g}`);
    b.enemyGroupIds.push(`M-EG-${g}`);
  }
  return { items: cal, blueprint: { module: 'TST', version: 't1', formLength: kwas * count + 4, pretestCount: 4, kwaCounts }, seed: `seed-${seed}` };
}

const difficultiesOn = (form: Pick<AssembledForm, 'items'>, req: AssemblyRequest) => {
  const b = new Map(req.items.map((it) => [it.id, it.difficulty!]));
  return form.items.filter((f) => f.role === 'scored').map((f) => b.get(f.itemId)!);
};
const information = (bs: number[], theta: number) => bs.reduce((s, b) => s + logistic(theta - b) * (1 - logistic(theta - b)), 0);
const tcc = (bs: number[], theta: number) => bs.reduce((s, b) => s + logistic(theta - b), 0);

/** Σ per KWA of the `count` largest informations: the bound no form can pass. */
function bankMax(req: AssemblyRequest, theta: number): number {
  let sum = 0;
  for (const [kwa, n] of Object.entries(req.blueprint.kwaCounts)) {
    const infos = req.items
      .filter((it) => it.status === 'operational' && it.kwa === kwa)
      .map((it) => information([it.difficulty!], theta))
      .sort((a, b) => b - a);
    sum += infos.slice(0, n).reduce((s, x) => s + x, 0);
  }
  return sum;
}

describe('assembly to a target information at the cut', () => {
  it('reaches the default target (a share of the bank maximum) and states information, CSEM and the raw cut', () => {
    const req = { ...calibratedBank('a'), measurement: { thetaCut: 0.8 } };
    const r = assembleForm(req);
    if (!r.ok) throw new Error(r.infeasibility.message);
    expect(hardViolations(r.form, req)).toEqual([]);
    const bs = difficultiesOn(r.form, req);
    const info = information(bs, 0.8);
    const target = DEFAULT_INFORMATION_SHARE * bankMax(req, 0.8);
    expect(info).toBeGreaterThanOrEqual(target - 1e-9);
    const m = r.form.measurement!;
    expect(m.informationAtCut).toBeCloseTo(info, 10);
    expect(m.targetInformation).toBeCloseTo(target, 10);
    expect(m.csemAtCut).toBeCloseTo(1 / Math.sqrt(info), 10);
    expect(m.expectedRawAtCut).toBeCloseTo(tcc(bs, 0.8), 10);
    expect(m.rawCut).toBe(Math.ceil(tcc(bs, 0.8)));
    const goal = r.form.softGoals.find((g) => g.id === 'information-at-cut')!;
    expect(goal.met).toBe(true);
    expect(goal.achieved).toContain(`raw cut ${m.rawCut}`);
    const cert = certificateFor(r.form, { module: 'TST', blueprintVersion: 't1', bankRevision: 1, kind: 'linear-on-the-fly' });
    expect(cert.measurement).toEqual(m);
  });

  it('raises the information over the same seed without a target, and meets an explicit target', () => {
    const base = calibratedBank('b');
    const plain = assembleForm(base);
    if (!plain.ok) throw new Error(plain.infeasibility.message);
    const before = information(difficultiesOn(plain.form, base), 1.2);
    const max = bankMax(base, 1.2);
    expect(before).toBeLessThan(0.95 * max); // the plain form is not already at the target, so the test can fail
    const req = { ...base, measurement: { thetaCut: 1.2, targetInformation: 0.95 * max } };
    const r = assembleForm(req);
    if (!r.ok) throw new Error(r.infeasibility.message);
    expect(information(difficultiesOn(r.form, req), 1.2)).toBeGreaterThanOrEqual(0.95 * max - 1e-9);
    expect(hardViolations(r.form, req)).toEqual([]);
  });

  it('reports a target beyond what the bank can give, and still returns the most informative form it found', () => {
    const base = calibratedBank('c');
    const max = bankMax(base, 0);
    const req = { ...base, measurement: { thetaCut: 0, targetInformation: max + 1 } };
    const r = assembleForm(req);
    if (!r.ok) throw new Error(r.infeasibility.message);
    const goal = r.form.softGoals.find((g) => g.id === 'information-at-cut')!;
    expect(goal.met).toBe(false);
    const note = r.form.notes.find((n) => n.includes('cannot be reached'))!;
    expect(note).toContain(`at most ${max.toFixed(3)}`);
    expect(note).toContain(`target information ${(max + 1).toFixed(3)}`);
    expect(r.form.measurement!.bankMaxInformation).toBeCloseTo(max, 9);
    // It pushed as far as it could: well above a random form.
    expect(r.form.measurement!.informationAtCut).toBeGreaterThan(0.97 * max);
  });

  it('does not apply (and says so) when an operational item has no difficulty', () => {
    const base = calibratedBank('d');
    delete base.items[3]!.difficulty;
    const r = assembleForm({ ...base, measurement: { thetaCut: 0 } });
    if (!r.ok) throw new Error(r.infeasibility.message);
    expect(r.form.measurement).toBeNull();
    expect(r.form.notes).toContain("Assembly to the information target was not applied: 1 operational item has no Rasch difficulty on the bank's scale.");
  });

  it('refuses a request with a cut that is not a number', () => {
    const r = assembleForm({ ...calibratedBank('e'), measurement: { thetaCut: Number.NaN } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.infeasibility.message).toContain('The ability cut must be a number of logits');
  });

  it('is deterministic from the seed, and different seeds give different forms (randomesque, not "the top k")', () => {
    const base = { ...calibratedBank('f'), measurement: { thetaCut: 0.5 } };
    expect(JSON.stringify(assembleForm(base))).toBe(JSON.stringify(assembleForm(structuredClone(base))));
    const used = new Map<string, number>();
    const forms = 30;
    for (let s = 0; s < forms; s++) {
      const r = assembleForm({ ...base, seed: `cand-${s}` });
      if (!r.ok) throw new Error(r.infeasibility.message);
      expect(r.form.measurement!.informationAtCut).toBeGreaterThanOrEqual(r.form.measurement!.targetInformation - 1e-9);
      for (const f of r.form.items) if (f.role === 'scored') used.set(f.itemId, (used.get(f.itemId) ?? 0) + 1);
    }
    // 40 scored slots: a deterministic "most informative" rule would use 40 items; the target leaves room to vary.
    expect(used.size).toBeGreaterThan(80);
    expect(Math.max(...used.values())).toBeLessThan(forms);
  });

  it('property: over many seeds and planted banks, every form meets every hard constraint and the reachable target', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.double({ min: -1.5, max: 1.5, noNaN: true }), (seed, thetaCut) => {
        const { req: planted } = plantedBank({ seed, kwas: 4, counts: [6, 8, 5, 7], slack: [18, 20, 15, 16], pretestCount: 3, pretestSlack: 5, groups: 12, withP: false });
        const req = { ...planted, items: calibrate(planted.items, String(seed)), measurement: { thetaCut } };
        const r = assembleForm(req);
        if (!r.ok) throw new Error(`seed ${seed}: ${r.infeasibility.message}`);
        expect(hardViolations(r.form, req)).toEqual([]);
        const info = information(difficultiesOn(r.form, req), thetaCut);
        const target = DEFAULT_INFORMATION_SHARE * bankMax(req, thetaCut);
        expect(info, `seed ${seed}, θ_cut ${thetaCut}`).toBeGreaterThanOrEqual(target - 1e-9);
        expect(JSON.stringify(assembleForm(structuredClone(req)))).toBe(JSON.stringify(r));
      }),
      { numRuns: 60, seed: 20_204 },
    );
  });
});

describe('parallel fixed forms matched in their test characteristic curves', () => {
  const gap = (a: number[], b: number[], grid: readonly number[]) => Math.max(...grid.map((t) => Math.abs(tcc(a, t) - tcc(b, t))));

  it('builds forms whose TCCs agree within the tolerance over the grid, each at the information target', () => {
    const base = calibratedBank('p', 5, 8, 6, 8);
    const req = { ...base, measurement: { thetaCut: 0.5 }, count: 3, maxOverlapPct: 0.25 };
    const r = assembleParallelForms(req);
    if (!r.ok) throw new Error(r.infeasibility.message);
    const curves = r.forms.map((f) => difficultiesOn(f, req));
    const grid = [...DEFAULT_TCC_GRID, 0.5];
    for (let i = 0; i < 3; i++) for (let j = i + 1; j < 3; j++) expect(gap(curves[i]!, curves[j]!, grid)).toBeLessThanOrEqual(DEFAULT_TCC_TOLERANCE + 1e-9);
    const check = r.checks.find((c) => c.id === 'tcc-match')!;
    expect(check.met).toBe(true);
    for (const f of r.forms) {
      expect(hardViolations(f, req)).toEqual([]);
      expect(f.measurement!.informationAtCut).toBeGreaterThanOrEqual(f.measurement!.targetInformation - 1e-9);
    }
    expect(JSON.stringify(assembleParallelForms(structuredClone(req)))).toBe(JSON.stringify(r));
  });

  it('property: over many seeds, parallel forms agree in their TCCs within the tolerance (checked here)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.double({ min: -1, max: 1, noNaN: true }), fc.integer({ min: 2, max: 3 }), (seed, thetaCut, count) => {
        const req = { ...calibratedBank(`pp-${seed}`, 4, 7, 5, 6), measurement: { thetaCut }, count, maxOverlapPct: 0.25 };
        const r = assembleParallelForms(req);
        if (!r.ok) throw new Error(`seed ${seed}: ${r.infeasibility.message}`);
        const curves = r.forms.map((f) => difficultiesOn(f, req));
        const grid = [...DEFAULT_TCC_GRID, thetaCut];
        for (let i = 0; i < count; i++) {
          expect(hardViolations(r.forms[i]!, req)).toEqual([]);
          for (let j = i + 1; j < count; j++) expect(gap(curves[i]!, curves[j]!, grid), `seed ${seed}`).toBeLessThanOrEqual(DEFAULT_TCC_TOLERANCE + 1e-9);
        }
      }),
      { numRuns: 15, seed: 20_205 },
    );
  });

  it('matches curves that differ without matching (the matching does the work)', () => {
    // A tolerance so loose it never binds shows how far apart the curves would be; the default must then be met.
    const base = { ...calibratedBank('q', 5, 8, 6, 8), measurement: { thetaCut: 0 }, count: 3, maxOverlapPct: 0.2 };
    const loose = assembleParallelForms({ ...base, tccTolerance: 100 });
    const tight = assembleParallelForms({ ...base, tccTolerance: 0.05 });
    if (!loose.ok || !tight.ok) throw new Error('both must build');
    const worst = (forms: AssembledForm[]) => {
      const c = forms.map((f) => difficultiesOn(f, base));
      let w = 0;
      for (let i = 0; i < c.length; i++) for (let j = i + 1; j < c.length; j++) w = Math.max(w, gap(c[i]!, c[j]!, [...DEFAULT_TCC_GRID, 0]));
      return w;
    };
    expect(worst(loose.forms)).toBeGreaterThan(0.05);
    expect(worst(tight.forms)).toBeLessThanOrEqual(0.05 + 1e-9);
  });

  it('reports curves that cannot be matched as a failed TCC check', () => {
    const r = assembleParallelForms({ ...calibratedBank('r', 3, 5, 3, 0), measurement: { thetaCut: 0 }, count: 3, maxOverlapPct: 0.1, tccTolerance: 0 });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.infeasibility.message).toMatch(/test characteristic curves across forms .* required expected raw scores within 0\.000 of each other, achieved largest gap [0-9.]+/);
      expect(r.infeasibility.details[0]).toContain('Widen the TCC or difficulty tolerance');
    }
  });
});
