/** What the bank holds, as the pure domain sees it: loaded by the repository, or empty for offline validation. */
import type { Blueprint, EnemyGroup, ItemContent, ItemStats, KwaCatalog } from '../../../../../shared/item-bank-format.ts';
import type { ItemStatus, ModuleCode } from '../../../../../shared/vocabulary.ts';

export interface SnapshotModule {
  code: ModuleCode;
  title: string;
  required: boolean;
  /** Oldest first; the last one is current. */
  catalogs: KwaCatalog[];
}

export interface SnapshotItem {
  id: string;
  module: ModuleCode;
  status: ItemStatus;
  version: number;
  content: ItemContent;
  stats?: ItemStats | null;
}

export interface BankSnapshot {
  modules: Map<ModuleCode, SnapshotModule>;
  blueprints: Blueprint[];
  items: Map<string, SnapshotItem>;
  enemyGroups: Map<string, EnemyGroup>;
}

export const emptySnapshot = (): BankSnapshot => ({ modules: new Map(), blueprints: [], items: new Map(), enemyGroups: new Map() });

/** Deterministic JSON for comparing content: object keys sorted, so re-ordered keys in a file are not a change. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
