/**
 * Governed publishing: the proposals authors make (blueprint versions, fixed forms to publish, bank releases) and an admin's
 * decision on each. The decisions themselves are the item bank's and assembly's (they own the data and audit them
 * with both people); this service lists what waits, with its diff against what is live, and routes the decision.
 */
import type { Db } from '../../db/client.ts';
import type { Actor } from '../../platform/actor.ts';
import { conflict, forbidden, notFound, validationFailed } from '../../platform/errors.ts';
import type { ModuleCode } from '../../../../shared/vocabulary.ts';
import { MODULE_CODES } from '../../../../shared/vocabulary.ts';
import type { AssemblyService } from '../assembly/assembly.service.ts';
import type { ItemBankService } from '../item-bank/item-bank.service.ts';
import { blueprintDiff, type BlueprintFieldChange } from '../item-bank/domain/blueprint-diff.ts';
import type { ItemDiff } from '../item-bank/domain/bank-release.ts';
import * as repo from './authoring.repository.ts';

export type ProposalKind = 'blueprint' | 'form' | 'release';

export interface Proposal {
  kind: ProposalKind;
  id: string;
  module: ModuleCode;
  title: string;
  label: string;
  proposedBy: { id: string; name: string } | null;
  proposedAt: Date | null;
  diff: BlueprintFieldChange[];
  itemDiff: ItemDiff | null;
  notes: string | null;
}

/** A proposed form's items against the published form it would sit beside (items added, removed, at another version). */
export function formItemDiff(before: { itemId: string; version: number }[], after: { itemId: string; version: number }[]): ItemDiff {
  const was = new Map(before.map((i) => [i.itemId, i.version]));
  const out: ItemDiff = { added: [], removed: [], changed: [] };
  for (const it of after) {
    const v = was.get(it.itemId);
    if (v === undefined) out.added.push(`${it.itemId} v${it.version}`);
    else if (v !== it.version) out.changed.push({ id: it.itemId, from: `v${v}`, to: `v${it.version}` });
    was.delete(it.itemId);
  }
  for (const [id, v] of was) out.removed.push(`${id} v${v}`);
  return out;
}

export function createAuthoringService(deps: { db: Db; itemBank: Pick<ItemBankService, 'decideBlueprint' | 'decideRelease' | 'releaseProposals'>; assembly: Pick<AssemblyService, 'publish' | 'rejectPublication'> }) {
  const { db } = deps;

  function parseBlueprintId(id: string): { module: ModuleCode; version: string } {
    const at = id.indexOf('@');
    const module = id.slice(0, at) as ModuleCode;
    if (at < 1 || !MODULE_CODES.includes(module) || at === id.length - 1) {
      throw validationFailed(`"${id}" is not a blueprint id; write MODULE@version, e.g. GRN@2026.2`, [{ pointer: '/params/id', message: 'expected MODULE@version' }]);
    }
    return { module, version: id.slice(at + 1) };
  }

  function assertUuid(id: string): string {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) throw notFound('release');
    return id;
  }

  async function assertProposedForm(id: string) {
    const status = await repo.formStatus(db, id);
    if (!status) throw notFound('form');
    if (status !== 'proposed') throw conflict(`the form is ${status}, not proposed for publication`);
  }

  return {
    /** Everything waiting for an admin, oldest first, each with what it changes. */
    async listProposals(): Promise<Proposal[]> {
      const out: Proposal[] = [];
      for (const b of await repo.proposedBlueprints(db)) {
        const live = await repo.liveBlueprintOf(db, b.module);
        out.push({
          kind: 'blueprint',
          id: `${b.module}@${b.version}`,
          module: b.module,
          title: `Blueprint ${b.module} ${b.version}${live ? ` to replace ${live.version}` : ''}`,
          label: `${b.module}@${b.version}`,
          proposedBy: b.proposedBy ? { id: b.proposedBy, name: b.name ?? 'unknown' } : null,
          proposedAt: b.createdAt,
          diff: blueprintDiff(live, b.body),
          itemDiff: null,
          notes: null,
        });
      }
      for (const f of await repo.proposedForms(db)) {
        const published = await repo.publishedFixedFormCount(db, f.module, f.blueprintVersion);
        const beside = await repo.latestPublishedFixedForm(db, f.module, f.blueprintVersion);
        const items = await repo.formItemVersions(db, f.id);
        out.push({
          kind: 'form',
          id: f.id,
          module: f.module,
          title: `Publish fixed form ${f.label ?? f.id} (blueprint ${f.blueprintVersion}, bank revision ${f.bankRevision})`,
          label: f.id,
          proposedBy: f.proposedBy ? { id: f.proposedBy, name: f.name ?? 'unknown' } : null,
          proposedAt: f.proposedAt,
          diff: [
            { field: 'status', from: 'proposed', to: 'published' },
            { field: `published fixed forms of ${f.module} ${f.blueprintVersion}`, from: published, to: published + 1 },
            { field: 'items compared with', from: beside ? (beside.label ?? beside.id) : null, to: f.label ?? f.id },
          ],
          itemDiff: formItemDiff(beside ? await repo.formItemVersions(db, beside.id) : [], items),
          notes: null,
        });
      }
      for (const r of await deps.itemBank.releaseProposals()) {
        out.push({
          kind: 'release',
          id: r.id,
          module: r.modules[0]!,
          title: `Bank release "${r.name}" (${r.modules.join(', ')}; ${r.itemCount} items, bank revision ${r.bankRevision})`,
          label: `release ${r.name}`,
          proposedBy: r.proposedBy,
          proposedAt: r.proposedAt,
          diff: r.diff,
          itemDiff: r.itemDiff,
          notes: r.notes,
        });
      }
      return out.sort((a, b) => (a.proposedAt?.getTime() ?? 0) - (b.proposedAt?.getTime() ?? 0));
    },

    /** An admin's approval: the blueprint becomes live, the form is published. */
    async approve(actor: Actor, kind: ProposalKind, id: string, note: string | null) {
      if (actor.role !== 'admin') throw forbidden('Only an admin approves proposals');
      if (kind === 'blueprint') {
        const { module, version } = parseBlueprintId(id);
        await deps.itemBank.decideBlueprint(actor, module, version, { approve: true, note });
      } else if (kind === 'release') {
        await deps.itemBank.decideRelease(actor, assertUuid(id), { approve: true, note });
      } else {
        await assertProposedForm(id);
        await deps.assembly.publish(actor, id);
      }
      return { kind, id, status: 'approved' as const };
    },

    /** An admin's rejection, with the reason (kept in the audit log). */
    async reject(actor: Actor, kind: ProposalKind, id: string, note: string) {
      if (actor.role !== 'admin') throw forbidden('Only an admin rejects proposals');
      if (kind === 'blueprint') {
        const { module, version } = parseBlueprintId(id);
        await deps.itemBank.decideBlueprint(actor, module, version, { approve: false, note });
      } else if (kind === 'release') {
        await deps.itemBank.decideRelease(actor, assertUuid(id), { approve: false, note });
      } else {
        await deps.assembly.rejectPublication(actor, id, note);
      }
      return { kind, id, status: 'rejected' as const };
    },
  };
}
export type AuthoringService = ReturnType<typeof createAuthoringService>;
