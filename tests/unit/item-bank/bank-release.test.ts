import { describe, expect, it } from 'vitest';
import type { ReleaseContents } from '../../../shared/bank-release.ts';
import type { Blueprint, ItemContent } from '../../../shared/item-bank-format.ts';
import type { ModuleCode } from '../../../shared/vocabulary.ts';
import { emptySnapshot, type BankSnapshot } from '../../../server/src/modules/item-bank/domain/bank-snapshot.ts';
import { releaseContentsOf, releaseDiff, releaseProblems } from '../../../server/src/modules/item-bank/domain/bank-release.ts';

const content = (kwa: string): ItemContent => ({ kwa, stem: 's', options: [{ id: 'A', text: 'a' }, { id: 'B', text: 'b' }, { id: 'C', text: 'c' }], key: 'A', rationale: 'r', topics: [] });
function bank(): BankSnapshot {
  const b = emptySnapshot();
  const add = (id: string, module: 'GRN' | 'SAF', status: 'operational' | 'pretest' | 'draft' | 'retired', version = 1) => b.items.set(id, { id, module, status, version, content: content(`${module}-01`) });
  add('GRN-001', 'GRN', 'operational', 2);
  add('GRN-002', 'GRN', 'pretest');
  add('GRN-003', 'GRN', 'draft');
  add('GRN-004', 'GRN', 'retired');
  add('SAF-001', 'SAF', 'operational');
  b.enemyGroups.set('EG-1', { id: 'EG-1', itemIds: ['GRN-001', 'GRN-002', 'GRN-003'] });
  b.enemyGroups.set('EG-2', { id: 'EG-2', itemIds: ['GRN-001', 'GRN-004'] });
  return b;
}
const blueprints = new Map<ModuleCode, Blueprint>([['GRN', { module: 'GRN', version: '2026.1' } as Blueprint]]);

describe('bank release contents', () => {
  it('pins the live exam items of its modules at their current versions, with the enemy groups among them', () => {
    const c = releaseContentsOf(bank(), ['GRN'], blueprints, 'p1');
    expect(c.items).toEqual([
      { id: 'GRN-001', module: 'GRN', version: 2, status: 'operational' },
      { id: 'GRN-002', module: 'GRN', version: 1, status: 'pretest' },
    ]);
    // Members outside the release are dropped; a group left with one member constrains nothing.
    expect(c.enemyGroups).toEqual([{ id: 'EG-1', itemIds: ['GRN-001', 'GRN-002'] }]);
    expect(c).toMatchObject({ blueprints: [{ module: 'GRN', version: '2026.1' }], policyVersion: 'p1' });
  });

  it('names a module without a blueprint or without exam items', () => {
    const c = releaseContentsOf(bank(), ['GRN', 'SAF', 'MA'], blueprints, null);
    expect(releaseProblems(c, ['GRN', 'SAF', 'MA'])).toEqual(['module SAF has no approved blueprint', 'module MA has no approved blueprint', 'module MA has no operational or pretest item']);
  });

  it('diffs against the current release per module: added, removed, changed version or status, blueprint and policy', () => {
    const current: ReleaseContents = {
      items: [
        { id: 'GRN-001', module: 'GRN', version: 1, status: 'operational' },
        { id: 'GRN-002', module: 'GRN', version: 1, status: 'pretest' },
        { id: 'GRN-009', module: 'GRN', version: 3, status: 'operational' },
      ],
      blueprints: [{ module: 'GRN', version: '2025.4' }],
      enemyGroups: [],
      policyVersion: 'p0',
    };
    const next = releaseContentsOf(bank(), ['GRN'], blueprints, 'p1');
    const { diff, itemDiff } = releaseDiff(new Map<ModuleCode, { name: string; contents: ReleaseContents }>([['GRN', { name: 'R1', contents: current }]]), next, ['GRN']);
    expect(itemDiff).toEqual({ added: [], removed: ['GRN-009 v3 (operational)'], changed: [{ id: 'GRN-001', from: 'v1 (operational)', to: 'v2 (operational)' }] });
    expect(diff).toEqual([
      { field: 'GRN release', from: 'R1', to: 'this release' },
      { field: 'GRN blueprint', from: '2025.4', to: '2026.1' },
      { field: 'GRN items', from: 3, to: 2 },
      { field: 'certification policy', from: 'p0', to: 'p1' },
    ]);
    // Without a current release, every item is added.
    expect(releaseDiff(new Map(), next, ['GRN']).itemDiff.added).toEqual(['GRN-001 v2 (operational)', 'GRN-002 v1 (pretest)']);
  });
});
