/**
 * The item bank: validating and importing bank files (all or nothing), listing and exporting items. Content changes
 * always make a new item version, so an item on a delivered form is never edited in place.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../../db/client.ts';
import type { Actor } from '../../platform/actor.ts';
import { conflict, forbidden, notFound, validationFailed } from '../../platform/errors.ts';
import { BANK_FORMAT_VERSION, contentOf, imagesOf, type BankFile, type ImageRef, type Item } from '../../../../shared/item-bank-format.ts';
import { checkImage } from './domain/media-check.ts';
import { MODULE_CODES, type ModuleCode } from '../../../../shared/vocabulary.ts';
import type { ReleaseContents } from '../../../../shared/bank-release.ts';
import { releaseContentsOf, releaseDiff, releaseProblems } from './domain/bank-release.ts';
import type { AuditService } from '../audit/audit.service.ts';
import { bankCoverage } from './domain/bank-coverage.ts';
import { blueprintDiff, type BlueprintFieldChange } from './domain/blueprint-diff.ts';
import { authorImportStatus, lifecycleMove, type ReviewAction } from './domain/item-lifecycle.ts';
import { emptySnapshot, type BankSnapshot } from './domain/bank-snapshot.ts';
import type { Problem } from '../../../../shared/errors.ts';
import { planChangesAnything, validateBankSources, type BankSource, type ImportPlan, type MediaContext } from './domain/bank-validation.ts';
import { isImageFileName, withUploadedImages } from './domain/upload-conversion.ts';
import { exportBankCsv } from './domain/bank-csv.ts';
import { exportQtiPackage } from './domain/qti-export.ts';
import { convertUpload, relocateProblems, type UploadOptions } from './domain/upload-conversion.ts';
import * as repo from './item-bank.repository.ts';

/** What an import does to a module's blueprint: `live` replaces the live one at once, `proposal` awaits an admin. */
export interface BlueprintEffect {
  module: ModuleCode;
  version: string;
  effect: 'live' | 'proposal';
  liveVersion: string | null;
  diff: BlueprintFieldChange[];
}

export interface ImportResult {
  dryRun: boolean;
  changed: boolean;
  revision: number;
  plan: ImportPlan;
  blueprints: BlueprintEffect[];
}

/** Blueprints (cut score, length, KWA counts, time) are an admin decision: an author's new version is a proposal. */
const proposesOnly = (actor: Actor | null) => actor?.role === 'author';

export type ImportProgress = (done: number, total: number) => void;

export const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const mediaContext = (stored?: ReadonlySet<string>): MediaContext => ({ sha256: sha256Hex, ...(stored ? { stored } : {}) });

export function createItemBankService(deps: { db: Db; audit: Pick<AuditService, 'record'> }) {
  const { db } = deps;
  let cached: { revision: number; snapshot: BankSnapshot } | undefined;
  /** The snapshot with the revision it is of: one read of the revision for a caller that records it too (a form). */
  async function revisionSnapshot(tx: Db = db): Promise<{ revision: number; snapshot: BankSnapshot }> {
    const revision = await repo.currentRevision(tx);
    if (cached?.revision !== revision) cached = { revision, snapshot: await repo.loadSnapshot(tx) };
    return cached;
  }
  // Releases never change once written, so their contents and item snapshots are cached by id for the process.
  const releaseContentsCache = new Map<string, ReleaseContents>();
  const releaseSnapshotCache = new Map<string, BankSnapshot>();

  async function contentsOfRelease(tx: Db, id: string): Promise<ReleaseContents> {
    let c = releaseContentsCache.get(id);
    if (!c) {
      c = await repo.releaseContents(tx, id);
      if (!c) throw notFound(`release ${id}`);
      releaseContentsCache.set(id, c);
    }
    return c;
  }

  /** What is current for each module, with contents, to diff a proposal against. */
  async function currentContents(tx: Db): Promise<Map<ModuleCode, { id: string; name: string; contents: ReleaseContents }>> {
    const out = new Map<ModuleCode, { id: string; name: string; contents: ReleaseContents }>();
    for (const [m, r] of await repo.currentReleases(tx)) out.set(m, { ...r, contents: await contentsOfRelease(tx, r.id) });
    return out;
  }

  async function releaseView(tx: Db, rows: repo.ReleaseRow[]) {
    const names = await repo.userNames(tx, [...new Set(rows.flatMap((r) => [r.proposedById, r.decidedById]).filter((x): x is string => !!x))]);
    const current = await repo.currentReleases(tx);
    const person = (id: string | null) => (id ? { id, name: names.get(id) ?? 'unknown' } : null);
    return rows.map(({ proposedById, decidedById, ...r }) => ({
      ...r,
      modules: r.modules as ModuleCode[],
      proposedBy: person(proposedById),
      decidedBy: person(decidedById),
      currentFor: [...current].filter(([, c]) => c.id === r.id).map(([m]) => m),
    }));
  }

  async function apply(tx: Db, actor: Actor | null, plan: ImportPlan, source: string, effects: BlueprintEffect[], onProgress?: ImportProgress): Promise<number> {
    const revision = await repo.insertRevision(tx, { actorId: actor?.userId ?? null, source, summary: { ...plan.summary } });
    await repo.insertMedia(tx, plan.media, actor?.userId ?? null);
    for (const m of plan.modules) {
      await repo.upsertModule(tx, m.definition);
      if (m.catalogChange === 'new') await repo.insertCatalog(tx, m.definition.code, m.definition.kwaCatalog);
    }
    const versioned = plan.items
      .filter((p) => p.change === 'new' || p.change === 'changed')
      .map((p) => ({ id: p.item.id, module: p.item.module, status: p.item.status, version: (p.fromVersion ?? 0) + 1, content: contentOf(p.item), stats: p.item.stats ?? null }));
    const total = plan.items.length;
    for (let i = 0; i < versioned.length; i += 200) {
      await repo.insertItems(tx, versioned.slice(i, i + 200), revision, actor?.userId ?? null);
      onProgress?.(Math.min(i + 200, versioned.length), total);
    }
    for (const p of plan.items) {
      if (p.change === 'status-changed' || p.change === 'retired') await repo.setItemStatus(tx, p.item.id, p.item.status, revision);
    }
    onProgress?.(total, total);
    for (const g of plan.enemyGroups) if (g.change !== 'unchanged') await repo.upsertEnemyGroup(tx, g.group, revision);
    for (const b of plan.blueprints) {
      if (b.change !== 'new') continue;
      const proposal = proposesOnly(actor);
      await repo.insertBlueprint(tx, b.blueprint, { status: proposal ? 'proposed' : 'approved', proposedBy: actor?.userId ?? null });
      const effect = effects.find((e) => e.module === b.blueprint.module && e.version === b.blueprint.version);
      await deps.audit.record(
        actor,
        {
          action: proposal ? 'blueprint.proposed' : 'blueprint.approved',
          subjectType: 'blueprint',
          subjectId: `${b.blueprint.module}@${b.blueprint.version}`,
          details: { revision, proposedBy: actor?.userId ?? null, ...(proposal ? {} : { approvedBy: actor?.userId ?? null, via: 'import' }), replaces: effect?.liveVersion ?? null, diff: effect?.diff ?? [] },
        },
        tx,
      );
    }
    const unreviewed = versioned.filter((v) => v.status !== 'draft' && v.status !== 'retired').map((v) => v.id);
    if (actor?.role === 'admin' && unreviewed.length) {
      await deps.audit.record(actor, { action: 'items.imported-without-review', subjectType: 'bank-revision', subjectId: String(revision), details: { items: unreviewed } }, tx);
    }
    await deps.audit.record(actor, { action: 'bank.imported', subjectType: 'bank-revision', subjectId: String(revision), details: { source, ...plan.summary } }, tx);
    return revision;
  }

  return {
    /** Validates files on their own (no bank), as `cpt-exam bank validate` does offline. */
    validateOffline(sources: BankSource[]) {
      return validateBankSources(sources, emptySnapshot(), mediaContext());
    },

    /** Validates files against the current bank. */
    async validate(sources: BankSource[]) {
      return validateBankSources(sources, await repo.loadSnapshot(db), mediaContext(await repo.storedMediaHashes(db)));
    },

    /**
     * Imports bank files in one transaction: a file with one bad item writes nothing. Re-importing an unchanged file
     * changes nothing and creates no revision.
     */
    async importSources(
      actor: Actor | null,
      sources: BankSource[],
      opts: { dryRun?: boolean; onProgress?: ImportProgress; conversionProblems?: Problem[]; relocate?: (p: Problem[]) => Problem[] } = {},
    ): Promise<ImportResult> {
      return db.transaction(async (tx) => {
        await repo.lockBankForImport(tx);
        const bank = await repo.loadSnapshot(tx);
        const result = validateBankSources(sources, bank, mediaContext(await repo.storedMediaHashes(tx)));
        if (result.ok && proposesOnly(actor)) {
          // An author's new items and new versions are drafts (they need review); status moves go through review.
          const lifecycleProblems: Problem[] = [];
          for (const p of result.plan.items) {
            const verdict = authorImportStatus(p.change, bank.items.get(p.item.id)?.status ?? null, p.item.status);
            if ('problem' in verdict) lifecycleProblems.push({ pointer: `/items/${p.item.id}/status`, message: `item ${p.item.id}: ${verdict.problem}` });
            else p.item = { ...p.item, status: verdict.status };
          }
          if (lifecycleProblems.length) throw validationFailed(`The upload has ${lifecycleProblems.length} problem${lifecycleProblems.length === 1 ? '' : 's'}; nothing was imported`, lifecycleProblems);
        }
        const problems = [...(opts.conversionProblems ?? []), ...(opts.relocate ?? ((p: Problem[]) => p))(result.ok ? [] : result.problems)];
        if (!result.ok || problems.length) {
          throw validationFailed(`The upload has ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was imported`, problems);
        }
        const changed = planChangesAnything(result.plan);
        const live = await repo.liveBlueprints(tx);
        const blueprints: BlueprintEffect[] = result.plan.blueprints
          .filter((b) => b.change === 'new')
          .map(({ blueprint: bp }) => ({ module: bp.module, version: bp.version, effect: proposesOnly(actor) ? 'proposal' : 'live', liveVersion: live.get(bp.module)?.version ?? null, diff: blueprintDiff(live.get(bp.module) ?? null, bp) }));
        if (opts.dryRun || !changed) return { dryRun: !!opts.dryRun, changed, revision: await repo.currentRevision(tx), plan: result.plan, blueprints };
        const revision = await apply(tx, actor, result.plan, sources.map((s) => s.name).join(', '), blueprints, opts.onProgress);
        return { dryRun: false, changed: true, revision, plan: result.plan, blueprints };
      });
    },

    /**
     * The bank as the assembler sees it. Cached per bank revision: every change is a new revision, so a cached
     * snapshot of the current revision is exact. Pass `tx` inside a transaction (PGlite has one connection).
     */
    async snapshot(tx: Db = db): Promise<BankSnapshot> {
      return (await revisionSnapshot(tx)).snapshot;
    },
    revisionSnapshot,
    currentRevision: (tx: Db = db) => repo.currentRevision(tx),
    isEmpty: async () => (await repo.countItems(db)) === 0,
    listItems: (filter: repo.ItemFilter) => repo.listItems(db, filter),

    /**
     * Uploads in any supported format (bank JSON, CSV, QTI 2.1/2.2/3.0 XML or content package): converted, then
     * validated and imported like a bank file. Conversion problems always block the import; items skipped in lenient
     * mode are listed. Problems in converted files point back at the uploaded file, line and column.
     */
    async uploadFiles(actor: Actor | null, files: { name: string; bytes: Uint8Array }[], opts: UploadOptions & { dryRun: boolean }) {
      // Image files come with a bank file (or a spreadsheet) whose items name them by path; they are no bank file.
      const images = files.filter((f) => isImageFileName(f.name));
      const conversions = files.filter((f) => !isImageFileName(f.name)).map((f) => withUploadedImages(convertUpload(f, opts), f.name, images));
      const result = await this.importSources(
        actor,
        conversions.flatMap((c) => c.sources),
        { dryRun: opts.dryRun, conversionProblems: conversions.flatMap((c) => c.problems), relocate: (ps) => conversions.reduce((acc, c) => relocateProblems(acc, c), ps) },
      );
      return { ...result, skipped: conversions.flatMap((c) => c.skipped), assets: conversions.flatMap((c) => c.assets.map((a) => a.path)) };
    },

    /** The bank (or one module) as a QTI 3.0 content package or a CSV file. */
    async exportAs(format: 'qti' | 'csv', module?: ModuleCode): Promise<Uint8Array | string> {
      const bank = await this.exportBank(module);
      if (format === 'csv') return exportBankCsv(bank);
      const stored = await repo.loadMedia(db, [...new Set(bank.items.flatMap((i) => imagesOf(i).map((m) => m.ref.src.slice('sha256:'.length))))]);
      return exportQtiPackage(bank, (src) => stored.get(src.slice('sha256:'.length)));
    },

    /**
     * One picture from the item editor: checked exactly as an image in an imported bank file (media-check.ts: PNG or
     * JPEG by their magic bytes and size, SVG well-formed and static), stored once by its hash, and audited. It shows
     * on no item until an edit names its `sha256:` reference with alt text, which makes a new item version.
     */
    async uploadMedia(actor: Actor, file: { name: string; bytes: Uint8Array }) {
      if (actor.role !== 'author' && actor.role !== 'admin') throw forbidden('Only authors and admins add images to items');
      const check = checkImage(file.bytes, file.name);
      if (!check.ok) throw validationFailed(check.message, [{ pointer: '/body/base64', file: file.name, message: check.message }]);
      const sha256 = sha256Hex(file.bytes);
      return db.transaction(async (tx) => {
        const stored = !(await repo.hasMedia(tx, sha256));
        if (stored) await repo.insertMedia(tx, [{ sha256, mediaType: check.mediaType, bytes: file.bytes }], actor.userId);
        await deps.audit.record(actor, { action: 'media.uploaded', subjectType: 'media', subjectId: sha256, details: { name: file.name, mediaType: check.mediaType, size: file.bytes.byteLength, stored } }, tx);
        return { src: `sha256:${sha256}`, sha256, mediaType: check.mediaType, size: file.bytes.byteLength, stored };
      });
    },

    /** An image of the bank, for authors and admins (candidates fetch theirs through their session). */
    async media(sha256: string) {
      const found = await repo.findMedia(db, sha256);
      if (!found) throw notFound('image');
      return found;
    },

    /**
     * Edits one item through the same validation and versioning as a file import: a content change makes a new
     * version, a status change (e.g. retiring, promoting a pretest item) changes only the lifecycle.
     */
    async editItem(actor: Actor, id: string, patch: Partial<Omit<Item, 'id' | 'module' | 'image'>> & { image?: ImageRef | null }) {
      const current = (await this.snapshot()).items.get(id);
      if (!current) throw notFound(`item ${id}`);
      const { image, ...rest } = patch;
      const { image: currentImage, ...content } = current.content;
      // image: undefined keeps the stem's picture, null takes it away, a reference sets it.
      const stemImage = image === undefined ? currentImage : (image ?? undefined);
      const item = { id, module: current.module, status: current.status, ...content, ...(stemImage ? { image: stemImage } : {}), ...(current.stats ? { stats: current.stats } : {}), ...rest };
      const result = await this.importSources(actor, [{ name: `edit of ${id}`, text: JSON.stringify({ formatVersion: BANK_FORMAT_VERSION, items: [item] }) }]);
      return { id, change: result.plan.items[0]!.change, version: (await repo.listItems(db, { ids: [id] }))[0]!.version, revision: result.revision };
    },

    /** What a candidate sees of the item (stem and options, no key), for the author's preview. */
    async preview(id: string) {
      const item = (await this.snapshot()).items.get(id);
      if (!item) throw notFound(`item ${id}`);
      return {
        itemId: id,
        stem: item.content.stem,
        ...(item.content.image ? { image: item.content.image } : {}),
        options: item.content.options.map((o) => ({ id: o.id, text: o.text, ...(o.image ? { image: o.image } : {}) })),
      };
    },

    /**
     * An admin's decision on a proposed blueprint: approval makes it the module's live blueprint at once (the next
     * scheduled sitting uses it); rejection keeps it (its version stays taken) but never live. Audited with both people.
     */
    async decideBlueprint(actor: Actor, module: ModuleCode, version: string, decision: { approve: boolean; note: string | null }) {
      if (actor.role !== 'admin') throw forbidden('Only an admin approves or rejects a blueprint');
      return db.transaction(async (tx) => {
        const record = await repo.findBlueprintRecord(tx, module, version);
        if (!record) throw notFound(`blueprint ${module}@${version}`);
        if (record.status !== 'proposed') throw conflict(`blueprint ${module}@${version} is ${record.status}, not a proposal`);
        const live = (await repo.liveBlueprints(tx)).get(module) ?? null;
        await repo.decideBlueprint(tx, module, version, { approve: decision.approve, decidedBy: actor.userId, note: decision.note });
        await deps.audit.record(
          actor,
          {
            action: decision.approve ? 'blueprint.approved' : 'blueprint.rejected',
            subjectType: 'blueprint',
            subjectId: `${module}@${version}`,
            reason: decision.note,
            details: { proposedBy: record.proposedBy, [decision.approve ? 'approvedBy' : 'rejectedBy']: actor.userId, replaces: decision.approve ? (live?.version ?? null) : null, diff: blueprintDiff(live, record.body) },
          },
          tx,
        );
        return { module, version, status: decision.approve ? ('approved' as const) : ('rejected' as const) };
      });
    },

    /**
     * A lifecycle step on an item: submit for review, comment, approve (a second person: never the author of the
     * current version), request changes (with a comment), activate as pretest/operational, retire. Each is recorded on
     * the item's review trail and in the audit log; a status change is a bank revision (forms record revisions).
     */
    async reviewItem(actor: Actor, id: string, step: { action: ReviewAction; to?: 'pretest' | 'operational'; comment?: string | null }) {
      return db.transaction(async (tx) => {
        await repo.lockBankForImport(tx);
        const item = await repo.itemForReview(tx, id);
        if (!item) throw notFound(`item ${id}`);
        const comment = step.comment?.trim() || null;
        const verdict = lifecycleMove({ action: step.action, from: item.status, ...(step.to ? { to: step.to } : {}), actor: { id: actor.userId, role: actor.role }, versionAuthor: item.createdBy, comment });
        if (!verdict.ok) {
          if (verdict.kind === 'forbidden') throw forbidden(verdict.reason);
          throw verdict.kind === 'invalid' ? validationFailed(verdict.reason, [{ pointer: '/body', message: verdict.reason }]) : conflict(verdict.reason);
        }
        let revision = await repo.currentRevision(tx);
        if (verdict.to !== item.status) {
          revision = await repo.insertRevision(tx, { actorId: actor.userId, source: `${step.action} of ${id}`, summary: { itemsStatusChanged: 1 } });
          await repo.setItemStatus(tx, id, verdict.to, revision);
        }
        const action = ({ submit: 'submitted', comment: 'commented', approve: 'approved', 'request-changes': 'changes-requested', activate: 'activated', retire: 'retired' } as const)[step.action];
        await repo.insertReview(tx, { itemId: id, version: item.version, action, actorId: actor.userId, comment, fromStatus: item.status, toStatus: verdict.to });
        await deps.audit.record(actor, { action: `item.${action}`, subjectType: 'item', subjectId: id, reason: comment, details: { version: item.version, from: item.status, to: verdict.to, versionAuthor: item.createdBy } }, tx);
        return { id, version: item.version, status: verdict.to, revision };
      });
    },

    /** Every version of an item and its review trail (who did what, when, with which comment). */
    async history(id: string) {
      const h = await repo.itemHistory(db, id);
      if (!h.versions.length) throw notFound(`item ${id}`);
      return {
        itemId: id,
        versions: h.versions.map((v) => ({ version: v.version, createdAt: v.createdAt, revision: v.revision, author: v.createdBy ? { id: v.createdBy, name: v.createdByName ?? 'unknown' } : null, stem: v.stem })),
        reviews: h.reviews.map((r) => ({ at: r.at, version: r.version, action: r.action, by: r.actorId ? { id: r.actorId, name: r.actorName ?? 'unknown' } : null, comment: r.comment, from: r.fromStatus, to: r.toStatus })),
      };
    },

    async coverage() {
      return bankCoverage(await this.snapshot());
    },

    /**
     * Proposes a bank release: the live exam items (at their current content versions), blueprints, enemy groups and
     * policy version of the modules (all when none are named), with its diff against each module's current release.
     * An author's or admin's release waits for an admin who is not the proposer; the operator's (actor null: the CLI)
     * is approved at once. Audited.
     */
    async proposeRelease(actor: Actor | null, input: { name: string; modules?: ModuleCode[] | undefined; notes?: string | undefined; dryRun?: boolean }) {
      return db.transaction(async (tx) => {
        await repo.lockBankForImport(tx);
        const bank = await repo.loadSnapshot(tx);
        const modules = input.modules ? MODULE_CODES.filter((m) => input.modules!.includes(m)) : MODULE_CODES.filter((m) => bank.modules.has(m));
        if (!modules.length) throw validationFailed('The bank has no modules to release', [{ pointer: '/modules', message: 'no module in the bank' }]);
        const contents = releaseContentsOf(bank, modules, await repo.liveBlueprints(tx), await repo.latestPolicyVersion(tx));
        const problems = releaseProblems(contents, modules);
        if (problems.length) throw validationFailed(`No release can be made: ${problems.join('; ')}`, problems.map((message) => ({ pointer: '/modules', message })));
        if (await repo.releaseNameTaken(tx, input.name)) throw conflict(`a release named "${input.name}" exists; release names are never reused`);
        const { diff, itemDiff } = releaseDiff(await currentContents(tx), contents, modules);
        if (input.dryRun) return { dryRun: true, release: null, diff, itemDiff };
        const status = actor === null ? 'approved' : 'proposed';
        const revision = await repo.currentRevision(tx);
        const id = await repo.insertRelease(tx, { name: input.name, modules, notes: input.notes?.trim() || null, status, contents, bankRevision: revision, proposedBy: actor?.userId ?? null });
        const counts = { items: contents.items.length, added: itemDiff.added.length, removed: itemDiff.removed.length, changed: itemDiff.changed.length };
        await deps.audit.record(
          actor,
          {
            action: status === 'approved' ? 'release.approved' : 'release.proposed',
            subjectType: 'bank-release',
            subjectId: id,
            details: { name: input.name, modules, revision, proposedBy: actor?.userId ?? null, ...(status === 'approved' ? { approvedBy: null, via: 'cli' } : {}), diff, ...counts },
          },
          tx,
        );
        const [row] = await releaseView(tx, [(await repo.findRelease(tx, id))!]);
        return { dryRun: false, release: row!, diff, itemDiff };
      });
    },

    /**
     * An admin's decision on a proposed release. Approval needs a second person (never the proposer) and makes it the
     * current release of its modules at once: the next admission draws from it. Audited with both people.
     */
    async decideRelease(actor: Actor, id: string, decision: { approve: boolean; note: string | null }) {
      if (actor.role !== 'admin') throw forbidden('Only an admin approves or rejects a bank release');
      return db.transaction(async (tx) => {
        const rel = await repo.findRelease(tx, id, true);
        if (!rel) throw notFound(`release ${id}`);
        if (rel.status !== 'proposed') throw conflict(`release "${rel.name}" is ${rel.status}, not a proposal`);
        if (decision.approve && rel.proposedById === actor.userId) throw forbidden(`you proposed release "${rel.name}"; a second person must approve it`);
        const modules = rel.modules as ModuleCode[];
        const { diff, itemDiff } = releaseDiff(await currentContents(tx), rel.contents, modules);
        await repo.decideRelease(tx, id, { approve: decision.approve, decidedBy: actor.userId, note: decision.note });
        await deps.audit.record(
          actor,
          {
            action: decision.approve ? 'release.approved' : 'release.rejected',
            subjectType: 'bank-release',
            subjectId: id,
            reason: decision.note,
            details: { name: rel.name, modules, proposedBy: rel.proposedById, [decision.approve ? 'approvedBy' : 'rejectedBy']: actor.userId, diff, added: itemDiff.added.length, removed: itemDiff.removed.length, changed: itemDiff.changed.length },
          },
          tx,
        );
        return { id, status: decision.approve ? ('approved' as const) : ('rejected' as const) };
      });
    },

    /** Proposed releases with their diff against what is current now (the workspace's proposals list). */
    async releaseProposals() {
      const rows = await repo.listReleases(db, { status: 'proposed' });
      const view = await releaseView(db, rows);
      const current = await currentContents(db);
      const out = [];
      for (const r of view) out.push({ ...r, ...releaseDiff(current, await contentsOfRelease(db, r.id), r.modules) });
      return out;
    },

    async listReleases() {
      return releaseView(db, await repo.listReleases(db));
    },

    async getRelease(id: string) {
      const row = await repo.findRelease(db, id);
      if (!row) throw notFound(`release ${id}`);
      const { contents, ...rest } = row;
      const [view] = await releaseView(db, [rest]);
      return { ...view!, ...contents };
    },

    /** The release new admissions of the module draw from (its most recently approved), or null: the live bank. */
    async currentRelease(module: ModuleCode, tx: Db = db): Promise<{ id: string; name: string; blueprintVersion: string | null } | null> {
      const cur = (await repo.currentReleases(tx)).get(module);
      if (!cur) return null;
      const contents = await contentsOfRelease(tx, cur.id);
      return { ...cur, blueprintVersion: contents.blueprints.find((b) => b.module === module)?.version ?? null };
    },

    /**
     * The bank as a release pinned it, for the assembler: its items at their pinned versions and statuses, whatever
     * they have become since, and its enemy groups.
     */
    async releaseSnapshot(releaseId: string, tx: Db = db): Promise<BankSnapshot> {
      const hit = releaseSnapshotCache.get(releaseId);
      if (hit) return hit;
      const contents = await contentsOfRelease(tx, releaseId);
      const bodies = await repo.itemVersionContents(tx, contents.items);
      const snapshot = emptySnapshot();
      for (const it of contents.items) {
        const body = bodies.get(`${it.id}@${it.version}`);
        if (!body) throw new Error(`release ${releaseId}: item ${it.id} version ${it.version} is missing`);
        snapshot.items.set(it.id, { id: it.id, module: it.module, status: it.status, version: it.version, content: body.content, stats: body.stats });
      }
      for (const g of contents.enemyGroups) snapshot.enemyGroups.set(g.id, g);
      releaseSnapshotCache.set(releaseId, snapshot);
      return snapshot;
    },

    /** The whole bank (or one module) as a bank file that imports back to the same bank. */
    async exportBank(module?: ModuleCode): Promise<BankFile> {
      const snap = await repo.loadSnapshot(db);
      const mods = [...snap.modules.values()].filter((m) => !module || m.code === module);
      const itemsOut = [...snap.items.values()]
        .filter((i) => !module || i.module === module)
        .sort((a, b) => a.id.localeCompare(b.id))
        .map((i) => ({ id: i.id, module: i.module, kwa: i.content.kwa, status: i.status, stem: i.content.stem, ...(i.content.image ? { image: i.content.image } : {}), options: i.content.options, key: i.content.key, rationale: i.content.rationale, topics: i.content.topics, ...(i.stats ? { stats: i.stats } : {}) }));
      const ids = new Set(itemsOut.map((i) => i.id));
      return {
        formatVersion: BANK_FORMAT_VERSION,
        modules: mods.flatMap((m) => m.catalogs.map((c) => ({ code: m.code, title: m.title, required: m.required, kwaCatalog: c }))),
        blueprints: snap.blueprints.filter((b) => !module || b.module === module),
        enemyGroups: [...snap.enemyGroups.values()].filter((g) => g.itemIds.some((id) => ids.has(id))).sort((a, b) => a.id.localeCompare(b.id)),
        items: itemsOut,
      };
    },
  };
}
export type ItemBankService = ReturnType<typeof createItemBankService>;
