import { describe, expect, it } from 'vitest';
import { assembleForm } from '../../../server/src/modules/assembly/domain/assemble-form.ts';
import type { AssemblyItem, AssemblyRequest } from '../../../server/src/modules/assembly/domain/assembly-types.ts';
import { assembleParallelForms } from '../../../server/src/modules/assembly/domain/parallel-forms.ts';
import { item, safetyShapeBank } from './assembly-fixtures.ts';

const ids = (prefix: string, n: number, start = 1) => Array.from({ length: n }, (_, i) => `${prefix}${String(start + i).padStart(3, '0')}`);
const blueprint = { module: 'SAF', version: '2026.1', formLength: 20, pretestCount: 2, kwaCounts: { 'SAF-03': 6, 'SAF-04': 12 } };

/** SAF-03: `kwa3` items for 6 slots, SAF-04: `kwa4` items for 12 slots, `pretest` pretest items for 2 slots. */
function bank(kwa3: number, kwa4: number, pretest: number): AssemblyItem[] {
  return [
    ...ids('SAF-3', kwa3).map((id) => item(id, 'SAF-03')),
    ...ids('SAF-4', kwa4).map((id) => item(id, 'SAF-04')),
    ...ids('SAF-P', pretest).map((id) => item(id, 'SAF-04', { status: 'pretest' })),
  ];
}

function fail(req: AssemblyRequest) {
  const r = assembleForm(req);
  if (r.ok) throw new Error('expected no form');
  return r.infeasibility;
}

const withGroup = (items: AssemblyItem[], group: string, members: string[]) =>
  items.map((it) => (members.includes(it.id) ? { ...it, enemyGroupIds: [...it.enemyGroupIds, group] } : it));

describe('infeasibility reports', () => {
  it('names the KWA, the counts, and what removed the rest (retired, seen before)', () => {
    const inf = fail({
      items: bank(8, 11, 3),
      excluded: ids('SAF-4', 3, 50).map((id) => ({ id, kwa: 'SAF-04', reason: 'retired' as const })),
      blueprint,
      seed: 'x',
      previouslySeen: ['SAF-4001', 'SAF-4002'],
    });
    expect(inf.message).toBe(
      'Cannot assemble a SAF form (blueprint 2026.1): KWA SAF-04 needs 12 scored items but only 9 operational items are eligible: 3 retired, 2 seen by this candidate before.',
    );
    expect(inf.shortages).toEqual([
      {
        kwa: 'SAF-04',
        role: 'scored',
        needed: 12,
        eligible: 9,
        lostTo: { retired: 3, draft: 0, enemies: 0, seenBefore: 2, exposureCap: 0 },
        message: 'KWA SAF-04 needs 12 scored items but only 9 operational items are eligible: 3 retired, 2 seen by this candidate before',
      },
    ]);
    expect(inf.details).toContain('KWA SAF-04 also has 3 items in pretest; promoting those with good statistics would add operational items.');
  });

  it('explains enemy groups inside a KWA, drafts, and a short pretest pool together', () => {
    const items = withGroup(bank(7, 14, 1), 'SAF-EG-07', ['SAF-3001', 'SAF-3002', 'SAF-3003']);
    const inf = fail({
      items,
      excluded: [
        { id: 'SAF-D01', kwa: 'SAF-02', reason: 'draft' },
        { id: 'SAF-D02', kwa: 'SAF-03', reason: 'draft' },
      ],
      blueprint,
      seed: 'x',
    });
    expect(inf.message).toBe('Cannot assemble a SAF form (blueprint 2026.1): not enough eligible items in KWA SAF-03 and the pretest pool.');
    expect(inf.details).toEqual([
      'KWA SAF-03 needs 6 scored items but only 5 operational items are eligible: 1 still in draft, 2 ruled out by enemy groups.',
      'The blueprint needs 2 pretest items but only 1 pretest item is eligible: 2 still in draft.',
      'Enemy group SAF-EG-07 allows only one of SAF-3001, SAF-3002, SAF-3003 on a form.',
    ]);
    expect(inf.shortages.map((s) => [s.kwa, s.role, s.needed, s.eligible])).toEqual([
      ['SAF-03', 'scored', 6, 5],
      ['*', 'pretest', 2, 1],
    ]);
  });

  it('finds items whose enemy is forced onto every form by another KWA', () => {
    const items = withGroup(bank(6, 12, 2), 'SAF-EG-01', ['SAF-3001', 'SAF-4005']);
    const inf = fail({ items, blueprint, seed: 'x' });
    expect(inf.message).toBe(
      'Cannot assemble a SAF form (blueprint 2026.1): KWA SAF-04 needs 12 scored items but only 11 operational items are eligible: 1 ruled out by enemy groups.',
    );
    expect(inf.details).toContain(
      'SAF-4005 (KWA SAF-04) cannot be used: it is an enemy of SAF-3001 (group SAF-EG-01), which every form needs because KWA SAF-03 has exactly 6 eligible items for its 6 slots.',
    );
  });

  it('counts overlapping enemy groups exactly (three items, pairwise enemies: only one fits)', () => {
    let items = bank(6, 12, 2);
    items = withGroup(items, 'SAF-EG-01', ['SAF-3001', 'SAF-3002']);
    items = withGroup(items, 'SAF-EG-02', ['SAF-3002', 'SAF-3003']);
    items = withGroup(items, 'SAF-EG-03', ['SAF-3001', 'SAF-3003']);
    const inf = fail({ items: [...items, item('SAF-3007', 'SAF-03')], blueprint, seed: 'x' });
    expect(inf.message).toBe(
      'Cannot assemble a SAF form (blueprint 2026.1): KWA SAF-03 needs 6 scored items but only 5 operational items are eligible: 2 ruled out by enemy groups.',
    );
    expect(inf.details).toContain('At most 1 of SAF-3001, SAF-3002, SAF-3003 can be on one form together (enemy groups SAF-EG-01, SAF-EG-02 and SAF-EG-03).');
  });

  it('explains the retaker limit across KWAs', () => {
    const inf = fail({ items: bank(8, 14, 3), blueprint, seed: 'x', previouslySeen: [...ids('SAF-3', 4), ...ids('SAF-4', 5)], maxOverlapWithSeen: 3 });
    expect(inf.message).toBe(
      'Cannot assemble a SAF form (blueprint 2026.1): this candidate has already seen too many of the eligible items: the form would need 5 of them again, but at most 3 may be repeated (maxOverlapWithSeen); short of unseen items: KWA SAF-03 and KWA SAF-04.',
    );
    expect(inf.shortages.map((s) => s.message)).toEqual([
      'KWA SAF-03 needs 6 scored items but only 4 operational items are eligible: 4 seen by this candidate before',
      'KWA SAF-04 needs 12 scored items but only 9 operational items are eligible: 5 seen by this candidate before',
    ]);
    // With a budget of 5 the same candidate gets a form.
    expect(assembleForm({ items: bank(8, 14, 3), blueprint, seed: 'x', previouslySeen: [...ids('SAF-3', 4), ...ids('SAF-4', 5)], maxOverlapWithSeen: 5 }).ok).toBe(true);
  });

  it('names the exposure cap when the caller makes it hard', () => {
    const counts = Object.fromEntries(ids('SAF-4', 4).map((id) => [id, 9]));
    const inf = fail({ items: bank(8, 14, 3), blueprint, seed: 'x', exposure: { counts, forms: 10, maxRate: 0.5, relaxCap: false } });
    expect(inf.message).toBe(
      'Cannot assemble a SAF form (blueprint 2026.1): KWA SAF-04 needs 12 scored items but only 10 operational items are eligible: 4 over the exposure cap.',
    );
    expect(inf.shortages[0]?.lostTo.exposureCap).toBe(4);
  });

  it('says when a KWA simply has too few items', () => {
    const inf = fail({ items: bank(6, 0, 2), blueprint, seed: 'x' });
    expect(inf.message).toBe('Cannot assemble a SAF form (blueprint 2026.1): KWA SAF-04 needs 12 scored items but the bank has no operational items in this KWA.');
    const inf2 = fail({ items: bank(6, 10, 2), blueprint, seed: 'x' });
    expect(inf2.shortages[0]?.message).toBe('KWA SAF-04 needs 12 scored items but the bank has only 10 operational items in this KWA');
  });

  it('reports an invalid blueprint instead of searching', () => {
    const inf = fail({ items: bank(8, 14, 3), blueprint: { ...blueprint, formLength: 21 }, seed: 'x' });
    expect(inf.message).toBe("The assembly request is not valid: The blueprint's KWA counts add up to 18 scored items, but form length 21 - pretest count 2 = 19.");
    expect(inf.shortages).toEqual([]);
  });

  it('says when counts allow a form but enemy groups across KWAs interlock', () => {
    let items = [item('SAF-3001', 'SAF-03'), item('SAF-3002', 'SAF-03'), item('SAF-4001', 'SAF-04'), item('SAF-4002', 'SAF-04')];
    items = withGroup(items, 'SAF-EG-01', ['SAF-3001', 'SAF-4001']);
    items = withGroup(items, 'SAF-EG-02', ['SAF-3001', 'SAF-4002']);
    items = withGroup(items, 'SAF-EG-03', ['SAF-3002', 'SAF-4001']);
    items = withGroup(items, 'SAF-EG-04', ['SAF-3002', 'SAF-4002']);
    const inf = fail({ items, blueprint: { ...blueprint, formLength: 2, pretestCount: 0, kwaCounts: { 'SAF-03': 1, 'SAF-04': 1 } }, seed: 'x' });
    expect(inf.message).toBe(
      'Cannot assemble a SAF form (blueprint 2026.1): each KWA has enough eligible items on its own, but no combination satisfying all enemy groups was found. Add items to the tightest KWAs or split enemy groups that span KWAs.',
    );
    expect(inf.details).toEqual([
      'The tightest parts of the blueprint are KWA SAF-03 (1 needed, at most 2 usable together) and KWA SAF-04 (1 needed, at most 2 usable together).',
      'Enemy groups that span KWAs: SAF-EG-01, SAF-EG-02, SAF-EG-03, SAF-EG-04.',
    ]);
  });

  it('proves up front that a bank is too small for K parallel forms under the overlap limit', () => {
    const r = assembleParallelForms({ ...safetyShapeBank('par4'), count: 4, maxOverlapPct: 25 });
    if (r.ok) throw new Error('expected no forms');
    expect(r.infeasibility.message).toBe(
      'Cannot assemble 4 parallel SAF forms (blueprint 2026.1): from this bank the forms must share at least 185 items across their 6 pairs, but at most 21 per pair (126 in all) is allowed. Add items to the KWAs listed, allow more overlap, or assemble fewer forms.',
    );
    expect(r.infeasibility.shortages.find((s) => s.kwa === 'SAF-04')?.message).toBe(
      'KWA SAF-04: 4 forms need 48 scored items in total but only 22 operational items are eligible, so at least 26 must repeat across forms',
    );
  });
});
