import fc from 'fast-check';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import type { AssemblyItem, AssemblyRequest, ParallelRequest } from '../../../server/src/modules/assembly/domain/assembly-types.ts';
import { assembleParallelForms } from '../../../server/src/modules/assembly/domain/parallel-forms.ts';
import { hardViolations, item, safetyShapeBank } from './assembly-fixtures.ts';

/** A bank with p values where K forms must reuse items: each KWA holds `factor` x its count. */
function bankFor(seed: number, kwas: number, factor: number, groups: number): AssemblyRequest {
  const rng = seedrandom(`par-${seed}`);
  const items: AssemblyItem[] = [];
  const kwaCounts: Record<string, number> = {};
  for (let k = 0; k < kwas; k++) {
    const kwa = `T-${String(k + 1).padStart(2, '0')}`;
    const count = 4 + Math.floor(rng() * 9);
    kwaCounts[kwa] = count;
    for (let j = 0; j < Math.ceil(count * factor); j++) items.push(item(`T-${k}-${String(j).padStart(3, '0')}`, kwa, { p: Math.round((0.45 + rng() * 0.5) * 1000) / 1000 }));
  }
  for (let j = 0; j < 20; j++) items.push(item(`T-P-${String(j).padStart(3, '0')}`, 'T-01', { status: 'pretest' }));
  const ops = items.filter((it) => it.status === 'operational');
  for (let g = 0; g < groups; g++) {
    const a = ops[Math.floor(rng() * ops.length)]!;
    const b = ops[Math.floor(rng() * ops.length)]!;
    if (a === b) continue;
    a.enemyGroupIds.push(`T-EG-${g}`);
    b.enemyGroupIds.push(`T-EG-${g}`);
  }
  const scored = Object.values(kwaCounts).reduce((s, n) => s + n, 0);
  return { items, blueprint: { module: 'TST', version: 't1', formLength: scored + 6, pretestCount: 6, kwaCounts }, seed: `seed-${seed}` };
}

function expectParallel(req: ParallelRequest, tolerance = 0.02) {
  const r = assembleParallelForms(req);
  if (!r.ok) throw new Error(r.infeasibility.message);
  expect(r.forms).toHaveLength(req.count);
  const limit = Math.floor(req.maxOverlapPct * req.blueprint.formLength + 1e-9);
  const sets = r.forms.map((f) => new Set(f.items.map((i) => i.itemId)));
  for (let i = 0; i < sets.length; i++) {
    expect(hardViolations(r.forms[i]!, req)).toEqual([]);
    for (let j = i + 1; j < sets.length; j++) {
      const common = [...sets[i]!].filter((id) => sets[j]!.has(id)).length;
      expect(common).toBeLessThanOrEqual(limit);
      expect(r.pairwiseOverlap[i]![j]).toBe(common);
    }
  }
  const p = new Map(req.items.map((it) => [it.id, it.p]));
  if (req.items.every((it) => it.status !== 'operational' || it.p !== undefined)) {
    const means = r.forms.map((f) => {
      const scored = f.items.filter((i) => i.role === 'scored');
      return scored.reduce((s, i) => s + p.get(i.itemId)!, 0) / scored.length;
    });
    expect(Math.max(...means) - Math.min(...means)).toBeLessThanOrEqual(tolerance + 1e-9);
  }
  expect(r.checks.every((c) => c.met)).toBe(true);
  return r;
}

describe('assembleParallelForms', () => {
  it('builds K = 2..4 forms within the pairwise overlap limit and within 0.02 mean p of each other', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 2, max: 4 }), fc.integer({ min: 3, max: 8 }), fc.integer({ min: 0, max: 20 }), (seed, K, kwas, groups) => {
        // Few enough items that the forms must share some: K forms of S scored items need (K - factor) x S repeats,
        // and the pairs allow K(K-1)/2 x 25% of the length; the factor uses 60% of that allowance.
        const factor = K - ((K * (K - 1)) / 2) * 0.25 * 0.6;
        const req = bankFor(seed, kwas, factor, groups);
        expectParallel({ ...req, count: K, maxOverlapPct: 0.25 });
      }),
      { numRuns: 60 },
    );
  });

  it('assembles two Safety-shaped forms (1.8x items per KWA) with at most 25% overlap', () => {
    for (let s = 0; s < 15; s++) {
      const r = expectParallel({ ...safetyShapeBank(`safety-par-${s}`), count: 2, maxOverlapPct: 0.25 });
      expect(r.pairwiseOverlap[0]![1]).toBeLessThanOrEqual(21);
      expect(r.pairwiseOverlap[0]![0]).toBe(86);
    }
  });

  it('repairs earlier forms together with a later one when enemy groups leave the later one stuck', () => {
    // About every other item has an enemy and the forms must share 90% of what the limit allows: sequential assembly
    // alone fails on some of these seeds; the joint repair finds forms for all of them.
    for (const seed of [0, 2, 7, 11, 14]) expectParallel({ ...bankFor(seed, 10, 2 - 0.25 * 0.9, 80), count: 2, maxOverlapPct: 0.25 });
  });

  it('honours a tighter tolerance and reads maxOverlapPct given as a percent', () => {
    expectParallel({ ...safetyShapeBank('tight-tol'), count: 2, maxOverlapPct: 25, difficultyTolerance: 0.005 }, 0.005);
  });

  it('is deterministic, and a different seed gives different forms', () => {
    const req: ParallelRequest = { ...safetyShapeBank('par-det'), count: 2, maxOverlapPct: 0.25 };
    const a = JSON.stringify(assembleParallelForms(req));
    expect(JSON.stringify(assembleParallelForms({ ...req, items: [...req.items].reverse() }))).toBe(a);
    expect(JSON.stringify(assembleParallelForms({ ...req, seed: 'other' }))).not.toBe(a);
  });

  it('skips the difficulty balance when some item has no p, and still keeps the overlap limit', () => {
    const req = safetyShapeBank('no-p');
    req.items[0] = { ...req.items[0]!, p: undefined };
    const r = expectParallel({ ...req, count: 2, maxOverlapPct: 0.25 });
    expect(r.checks.map((c) => c.id)).toEqual(['form-count', 'pairwise-overlap', 'forms-verified']);
    expect(r.forms.every((f) => f.meanDifficulty === null)).toBe(true);
  });

  it('refuses a request it cannot read', () => {
    const r = assembleParallelForms({ ...safetyShapeBank('bad'), count: 0, maxOverlapPct: 0.25 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.infeasibility.message).toBe('The assembly request is not valid: The number of forms must be a whole number of at least 1, not 0.');
  });
});
