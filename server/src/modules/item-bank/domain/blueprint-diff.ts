/**
 * What a blueprint version changes against another (normally the live one): the fields a program manager signs off,
 * each with its old and new value. Pure; the dry run, the proposal list and the approval's audit record all use it.
 */
import type { Blueprint } from '../../../../../shared/item-bank-format.ts';

export interface BlueprintFieldChange {
  field: string;
  from: string | number | null;
  to: string | number | null;
}

const cut = (b: Blueprint) => `${b.cutScore.percent}% (${b.cutScore.rounding})`;

export function blueprintDiff(from: Blueprint | null, to: Blueprint): BlueprintFieldChange[] {
  const out: BlueprintFieldChange[] = [];
  const push = (field: string, a: string | number | null, b: string | number | null) => {
    if (a !== b) out.push({ field, from: a, to: b });
  };
  push('version', from?.version ?? null, to.version);
  push('cutScore', from ? cut(from) : null, cut(to));
  push('timeLimitMinutes', from?.timeLimitMinutes ?? null, to.timeLimitMinutes);
  push('formLength', from?.formLength ?? null, to.formLength);
  push('pretestCount', from?.pretestCount ?? null, to.pretestCount);
  push('kwaCatalogVersion', from?.kwaCatalogVersion ?? null, to.kwaCatalogVersion);
  const kwas = [...new Set([...Object.keys(from?.kwaCounts ?? {}), ...Object.keys(to.kwaCounts)])].sort();
  for (const k of kwas) push(`kwaCounts.${k}`, from?.kwaCounts[k] ?? null, to.kwaCounts[k] ?? null);
  return out;
}
