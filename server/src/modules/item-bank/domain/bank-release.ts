/**
 * Bank releases, pure: what a release of some modules holds, taken from the live bank, and what it changes against
 * the releases current for those modules (docs/authoring.md, "Bank releases").
 */
import type { ReleaseContents, ReleaseItem } from '../../../../../shared/bank-release.ts';
import type { Blueprint } from '../../../../../shared/item-bank-format.ts';
import type { ModuleCode } from '../../../../../shared/vocabulary.ts';
import type { BlueprintFieldChange } from './blueprint-diff.ts';
import type { BankSnapshot } from './bank-snapshot.ts';

/** The live exam items (operational and pretest) of the modules at their current versions, blueprints, enemy groups. */
export function releaseContentsOf(bank: BankSnapshot, modules: ModuleCode[], liveBlueprints: Map<ModuleCode, Blueprint>, policyVersion: string | null): ReleaseContents {
  const items: ReleaseItem[] = [...bank.items.values()]
    .filter((it) => modules.includes(it.module) && (it.status === 'operational' || it.status === 'pretest'))
    .map((it) => ({ id: it.id, module: it.module, version: it.version, status: it.status as ReleaseItem['status'] }))
    .sort((a, b) => a.id.localeCompare(b.id));
  const ids = new Set(items.map((i) => i.id));
  const enemyGroups = [...bank.enemyGroups.values()]
    .map((g) => ({ ...g, itemIds: g.itemIds.filter((id) => ids.has(id)) }))
    .filter((g) => g.itemIds.length > 1)
    .sort((a, b) => a.id.localeCompare(b.id));
  const blueprints = modules.flatMap((m) => {
    const bp = liveBlueprints.get(m);
    return bp ? [{ module: m, version: bp.version }] : [];
  });
  return { items, blueprints, enemyGroups, policyVersion };
}

/** Modules a release cannot be made of: no live blueprint, or no exam item. */
export function releaseProblems(contents: ReleaseContents, modules: ModuleCode[]): string[] {
  const problems: string[] = [];
  for (const m of modules) {
    if (!contents.blueprints.some((b) => b.module === m)) problems.push(`module ${m} has no approved blueprint`);
    if (!contents.items.some((i) => i.module === m)) problems.push(`module ${m} has no operational or pretest item`);
  }
  return problems;
}

export interface ItemDiff {
  added: string[];
  removed: string[];
  changed: { id: string; from: string; to: string }[];
}

const label = (i: ReleaseItem) => `${i.id} v${i.version} (${i.status})`;

/**
 * A proposed release against what is current for each of its modules (a module without a release is compared with
 * nothing: every item is added). Field changes: per module the release it replaces, blueprint version and item count;
 * the policy version.
 */
export function releaseDiff(current: Map<ModuleCode, { name: string; contents: ReleaseContents }>, next: ReleaseContents, modules: ModuleCode[]): { diff: BlueprintFieldChange[]; itemDiff: ItemDiff } {
  const diff: BlueprintFieldChange[] = [];
  const itemDiff: ItemDiff = { added: [], removed: [], changed: [] };
  let policyBefore: string | null | undefined;
  for (const m of modules) {
    const cur = current.get(m);
    const before = new Map((cur?.contents.items ?? []).filter((i) => i.module === m).map((i) => [i.id, i]));
    const after = next.items.filter((i) => i.module === m);
    diff.push({ field: `${m} release`, from: cur?.name ?? null, to: 'this release' });
    const bpBefore = cur?.contents.blueprints.find((b) => b.module === m)?.version ?? null;
    const bpAfter = next.blueprints.find((b) => b.module === m)?.version ?? null;
    if (bpBefore !== bpAfter) diff.push({ field: `${m} blueprint`, from: bpBefore, to: bpAfter });
    diff.push({ field: `${m} items`, from: cur ? before.size : null, to: after.length });
    for (const it of after) {
      const was = before.get(it.id);
      if (!was) itemDiff.added.push(label(it));
      else if (was.version !== it.version || was.status !== it.status) itemDiff.changed.push({ id: it.id, from: `v${was.version} (${was.status})`, to: `v${it.version} (${it.status})` });
      before.delete(it.id);
    }
    for (const gone of before.values()) itemDiff.removed.push(label(gone));
    if (cur && policyBefore === undefined) policyBefore = cur.contents.policyVersion;
  }
  if ((policyBefore ?? null) !== next.policyVersion) diff.push({ field: 'certification policy', from: policyBefore ?? null, to: next.policyVersion });
  return { diff, itemDiff };
}
