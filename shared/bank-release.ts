/**
 * What a bank release holds (docs/authoring.md, "Bank releases"): the exam items of its modules pinned to a content
 * version, each module's blueprint version, the enemy groups among those items, and the certification policy version
 * in force. Written once when the release is proposed; never changed.
 */
import type { EnemyGroup } from './item-bank-format.ts';
import type { ItemStatus, ModuleCode } from './vocabulary.ts';

export interface ReleaseItem {
  id: string;
  module: ModuleCode;
  version: number;
  status: Extract<ItemStatus, 'operational' | 'pretest'>;
}

export interface ReleaseContents {
  items: ReleaseItem[];
  blueprints: { module: ModuleCode; version: string }[];
  enemyGroups: EnemyGroup[];
  policyVersion: string | null;
}
