/**
 * The bank's coverage against each blueprint: per KWA, how many operational items are eligible against what a form
 * needs, and how many forms with no item in common the bank could fill. Enemy groups are ignored here (they lower
 * the real figure a little; the assembler's own checks are exact). Pure.
 */
import type { Blueprint } from '../../../../../shared/item-bank-format.ts';
import type { BankSnapshot } from './bank-snapshot.ts';

export type { BlueprintCoverage, KwaCoverage } from '../../../../../shared/api/item-bank.ts';
import type { BlueprintCoverage } from '../../../../../shared/api/item-bank.ts';

export function bankCoverage(snapshot: BankSnapshot): BlueprintCoverage[] {
  const latest = new Map<string, Blueprint>();
  for (const bp of snapshot.blueprints) latest.set(bp.module, bp);
  return [...latest.values()].map((bp) => {
    const catalog = snapshot.modules.get(bp.module)?.catalogs.find((c) => c.version === bp.kwaCatalogVersion);
    const items = [...snapshot.items.values()].filter((i) => i.module === bp.module);
    const count = (kwa: string | null, status: string) => items.filter((i) => (kwa === null || i.content.kwa === kwa) && i.status === status).length;
    const kwas = Object.entries(bp.kwaCounts).map(([kwa, needed]) => {
      const operational = count(kwa, 'operational');
      return { kwa, title: catalog?.kwas.find((k) => k.code === kwa)?.title ?? kwa, needed, operational, pretest: count(kwa, 'pretest'), retired: count(kwa, 'retired'), disjointForms: needed > 0 ? Math.floor(operational / needed) : Infinity };
    });
    const pretestAvailable = count(null, 'pretest');
    const pretestForms = bp.pretestCount > 0 ? Math.floor(pretestAvailable / bp.pretestCount) : Infinity;
    const disjoint = Math.min(pretestForms, ...kwas.map((k) => k.disjointForms));
    return { module: bp.module, blueprintVersion: bp.version, formLength: bp.formLength, kwas: kwas.map((k) => ({ ...k, disjointForms: Number.isFinite(k.disjointForms) ? k.disjointForms : 0 })), pretestNeeded: bp.pretestCount, pretestAvailable, disjointForms: Number.isFinite(disjoint) ? disjoint : 0 };
  });
}
