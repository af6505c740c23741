/**
 * Form assembly around the pure assembler: loads the bank snapshot and blueprint, adds exposure and retake history,
 * stores forms with their certificates, publishes fixed forms.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { Db } from '../../db/client.ts';
import type { Actor } from '../../platform/actor.ts';
import type { Clock } from '../../platform/clock.ts';
import { conflict, forbidden, notFound, ruleViolation } from '../../platform/errors.ts';
import type { Blueprint } from '../../../../shared/item-bank-format.ts';
import type { ModuleCode } from '../../../../shared/vocabulary.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { ItemBankService } from '../item-bank/item-bank.service.ts';
import type { BankSnapshot } from '../item-bank/domain/bank-snapshot.ts';
import type { MeasurementService } from '../psychometrics/measurement.service.ts';
import { assembleForm } from './domain/assemble-form.ts';
import type { AssemblyItem, AssemblyRequest, FormItem, Infeasibility } from './domain/assembly-types.ts';
import { certificateFor } from './domain/form-certificate.ts';
import { assembleParallelForms } from './domain/parallel-forms.ts';
import * as repo from './assembly.repository.ts';

export interface AssemblyDeps {
  db: Db;
  clock: Clock;
  itemBank: Pick<ItemBankService, 'revisionSnapshot' | 'currentRevision' | 'currentRelease' | 'releaseSnapshot'>;
  audit: Pick<AuditService, 'record'>;
  retakeMaxSharedPercent: number;
  exposureMaxRate: number;
  /** Assembly to a target on a calibrated bank (docs/measurement.md §7); defaults as the assembler's when absent. */
  informationShare?: number;
  tccTolerance?: number;
  /** The module's ability scale: fixed forms' certificates state the information and raw cut at its cut (docs/measurement.md §7). */
  measurement?: Pick<MeasurementService, 'formFacts' | 'assemblyScale'>;
}

/** The bank's module items in the assembler's terms; retired and draft items only explain shortages. */
export function assemblyPool(snapshot: BankSnapshot, module: ModuleCode): Pick<AssemblyRequest, 'items' | 'excluded'> {
  const groupsOf = new Map<string, string[]>();
  for (const g of snapshot.enemyGroups.values()) for (const id of g.itemIds) groupsOf.set(id, [...(groupsOf.get(id) ?? []), g.id]);
  const items: AssemblyItem[] = [];
  const excluded: NonNullable<AssemblyRequest['excluded']> = [];
  for (const it of snapshot.items.values()) {
    if (it.module !== module) continue;
    if (it.status === 'operational' || it.status === 'pretest') {
      items.push({
        id: it.id,
        version: it.version,
        kwa: it.content.kwa,
        status: it.status,
        optionIds: it.content.options.map((o) => o.id),
        enemyGroupIds: groupsOf.get(it.id) ?? [],
        ...(it.stats?.p !== undefined ? { p: it.stats.p } : {}),
      });
      // Practice items are another pool altogether (docs/practice.md): not even a shortage's explanation.
      // In review or approved: not live yet, explained like a draft.
    } else if (it.status !== 'practice') excluded.push({ id: it.id, kwa: it.content.kwa, reason: it.status === 'retired' ? 'retired' : 'draft' });
  }
  return { items, excluded };
}

/**
 * assemblyPool per bank snapshot and module: snapshots are cached and never change (one per bank revision or
 * release), and the assembler never mutates its input, so admissions share the pool instead of rebuilding it from ~1,000
 * items each time. Callers get a shallow copy, so they may replace `items`.
 */
const pools = new WeakMap<BankSnapshot, Map<ModuleCode, Pick<AssemblyRequest, 'items' | 'excluded'>>>();
function cachedPool(snapshot: BankSnapshot, module: ModuleCode): Pick<AssemblyRequest, 'items' | 'excluded'> {
  let byModule = pools.get(snapshot);
  if (!byModule) pools.set(snapshot, (byModule = new Map()));
  let pool = byModule.get(module);
  if (!pool) byModule.set(module, (pool = assemblyPool(snapshot, module)));
  return { ...pool };
}

/**
 * When every operational item has a difficulty (p), forms are kept within ±0.02 of the pool's mean p so that
 * linear-on-the-fly forms are comparable to each other; without statistics there is no target.
 */
export const DIFFICULTY_BAND = 0.02;
function difficultyTargetFor(items: AssemblyItem[]): Pick<AssemblyRequest, 'difficultyTarget'> {
  const scored = items.filter((i) => i.status === 'operational');
  if (!scored.length || scored.some((i) => i.p === undefined)) return {};
  const mean = scored.reduce((s, i) => s + i.p!, 0) / scored.length;
  return { difficultyTarget: { min: mean - DIFFICULTY_BAND, max: mean + DIFFICULTY_BAND } };
}

function infeasible(module: string, inf: Infeasibility): never {
  throw ruleViolation(`No ${module} form can be assembled: ${inf.message}`, { shortages: inf.shortages, details: inf.details });
}

/** The form a session sits: a fresh linear-on-the-fly form or a published fixed one. */
export interface SessionForm {
  formId: string;
  kind: 'linear-on-the-fly' | 'fixed';
  items: FormItem[];
  seed: string;
  releaseId: string | null;
}

/** The module's current bank release, or null when it has none (the live bank). */
type CurrentRelease = Awaited<ReturnType<AssemblyDeps['itemBank']['currentRelease']>>;

export function createAssemblyService(deps: AssemblyDeps) {
  const { db, clock } = deps;

  /**
   * The blueprint of a version, or without one the module's: its current release's when it has one, otherwise the live
   * (most recently approved) one.
   */
  async function blueprintFor(module: ModuleCode, version?: string, tx: Db = db): Promise<Blueprint> {
    if (!version) version = (await deps.itemBank.currentRelease(module, tx))?.blueprintVersion ?? undefined;
    const bp = await repo.findBlueprint(tx, module, version);
    if (!bp) throw notFound(`a blueprint for module ${module}${version ? ` version ${version}` : ''}`);
    return bp;
  }

  /**
   * The assembler's input: the module's current release's items (pinned versions) when it has a release, otherwise the
   * live bank's (docs/authoring.md, "Bank releases"). `releaseId` says which; `bankRevision` is the bank's current
   * revision, for the form's certificate (read once: it is also the live snapshot's cache key).
   */
  async function request(module: ModuleCode, blueprint: Blueprint, seed: string, tx: Db = db, known?: { release: CurrentRelease }): Promise<AssemblyRequest & { releaseId: string | null; bankRevision: number }> {
    const release = known ? known.release : await deps.itemBank.currentRelease(module, tx);
    const releaseId = release?.id ?? null;
    const { snapshot, revision: bankRevision } = release
      ? { snapshot: await deps.itemBank.releaseSnapshot(release.id, tx), revision: await deps.itemBank.currentRevision(tx) }
      : await deps.itemBank.revisionSnapshot(tx);
    const exposure = await repo.exposureCounts(tx, module);
    const pool = cachedPool(snapshot, module);
    const scale = await deps.measurement?.assemblyScale(tx, module);
    if (scale) {
      // An approved ability cut: forms are built to a target information at it, and the pre-equated raw cut absorbs
      // differences in difficulty, so the mean-p band no longer applies (docs/measurement.md §7).
      pool.items = pool.items.map((it) => {
        const b = scale.difficulties.get(it.id);
        return b === undefined ? it : { ...it, difficulty: b };
      });
      return {
        ...pool,
        releaseId,
        bankRevision,
        blueprint,
        seed,
        exposure: { ...exposure, maxRate: deps.exposureMaxRate },
        measurement: { thetaCut: scale.thetaCut, ...(deps.informationShare !== undefined ? { informationShare: deps.informationShare } : {}) },
      };
    }
    return { ...pool, releaseId, bankRevision, blueprint, seed, exposure: { ...exposure, maxRate: deps.exposureMaxRate }, ...difficultyTargetFor(pool.items) };
  }

  /**
   * Linear-on-the-fly at admission: a fresh form for this candidate from a new recorded seed, sharing at most the
   * configured share of items with the forms they saw before. Runs in the caller's transaction; `release` is the
   * module's current release as the caller read it in that transaction (not read again). The form is written but
   * not yet counted in the exposure counters: formForSession, its only caller, counts it before the transaction ends
   * (which is why this is not part of the service: a form written here and never counted would break the counters).
   */
  async function assembleForSession(tx: Db, input: { module: ModuleCode; blueprintVersion: string; previousFormIds: string[]; actor: Actor; release: CurrentRelease }) {
    const blueprint = await blueprintFor(input.module, input.blueprintVersion, tx);
    const seed = randomBytes(12).toString('base64url');
    const { releaseId, bankRevision, ...req } = await request(input.module, blueprint, seed, tx, { release: input.release });
    const previouslySeen = await repo.itemIdsOnForms(tx, input.previousFormIds);
    if (previouslySeen.length) {
      req.previouslySeen = previouslySeen;
      req.maxOverlapWithSeen = Math.floor((blueprint.formLength * deps.retakeMaxSharedPercent) / 100);
    }
    const result = assembleForm(req);
    if (!result.ok) infeasible(input.module, result.infeasibility);
    const certificate = certificateFor(result.form, { module: input.module, blueprintVersion: blueprint.version, bankRevision, kind: 'linear-on-the-fly' });
    const formId = await repo.insertForm(
      tx,
      { module: input.module, blueprintVersion: blueprint.version, bankRevision, seed, algorithmVersion: result.form.algorithmVersion, kind: 'linear-on-the-fly', status: 'published', label: null, certificate: { ...certificate }, createdBy: input.actor.userId, items: result.form.items, releaseId },
      clock.now(),
      { countLater: true },
    );
    return { formId, items: result.form.items, seed, blueprint, releaseId };
  }

  return {
    /** Assembles without storing: the same inputs always print the same form (cpt-exam form assemble). */
    async preview(input: { module: ModuleCode; seed: string; blueprintVersion?: string }) {
      const blueprint = await blueprintFor(input.module, input.blueprintVersion);
      const { releaseId, bankRevision, ...req } = await request(input.module, blueprint, input.seed);
      delete req.exposure; // a preview depends only on bank, blueprint and seed
      const result = assembleForm(req);
      if (!result.ok) infeasible(input.module, result.infeasibility);
      const certificate = certificateFor(result.form, { module: input.module, blueprintVersion: blueprint.version, bankRevision, kind: 'linear-on-the-fly' });
      return { form: result.form, certificate, releaseId };
    },

    /**
     * The form for an admitted candidate: a published fixed form of the module's blueprint that this candidate has not
     * sat before, chosen at random, when such forms exist; otherwise a fresh linear-on-the-fly form. When the module
     * has a current release, only fixed forms built from that release count, and a fresh form is drawn from it.
     *
     * `andThen` is the caller's own writes for this form in the same transaction (the session row, the audit row); a
     * fresh form is counted in the exposure counters after them, as the transaction's last statement before its
     * commit, because the counter rows are shared by every admission of the module and stay locked until the commit
     * (docs/decisions/0009-exposure-counters.md). Without `andThen` it is counted before this returns.
     */
    async formForSession(tx: Db, input: { module: ModuleCode; blueprintVersion: string; previousFormIds: string[]; actor: Actor }, andThen?: (form: SessionForm) => Promise<void>): Promise<SessionForm> {
      const release = await deps.itemBank.currentRelease(input.module, tx);
      const fixed = (await repo.publishedFixedFormIds(tx, input.module, input.blueprintVersion, release ? release.id : undefined)).filter((id) => !input.previousFormIds.includes(id));
      if (fixed.length === 0) {
        const form = { ...(await assembleForSession(tx, { ...input, release })), kind: 'linear-on-the-fly' as const };
        await andThen?.(form);
        await repo.countPublishedForm(tx, form.formId, input.module);
        return form;
      }
      const formId = fixed[randomInt(fixed.length)]!;
      const row = await repo.findForm(tx, formId);
      const form = { formId, items: await repo.findFormItems(tx, formId), seed: row!.seed, kind: 'fixed' as const, releaseId: row!.releaseId };
      await andThen?.(form);
      return form;
    },

    /** K parallel fixed forms with pairwise overlap at most maxOverlapPct; stored as drafts, or published at once. */
    async buildParallel(actor: Actor | null, input: { module: ModuleCode; count: number; maxOverlapPct: number; publish: boolean; seed?: string; blueprintVersion?: string }) {
      const blueprint = await blueprintFor(input.module, input.blueprintVersion);
      const seed = input.seed ?? randomBytes(12).toString('base64url');
      const { releaseId, bankRevision, ...base } = await request(input.module, blueprint, seed);
      delete base.exposure;
      // The API speaks percent (25 = 25%); the assembler takes a share (0.25).
      const result = assembleParallelForms({ ...base, count: input.count, maxOverlapPct: input.maxOverlapPct / 100, ...(deps.tccTolerance !== undefined ? { tccTolerance: deps.tccTolerance } : {}) });
      if (!result.ok) infeasible(input.module, result.infeasibility);
      const stamp = clock.now();
      // An author's "publish" is a proposal: only an admin's approval (or an admin, or the operator's CLI) publishes.
      const status: 'draft' | 'proposed' | 'published' = !input.publish ? 'draft' : actor?.role === 'author' ? 'proposed' : 'published';
      return db.transaction(async (tx) => {
        const ids: string[] = [];
        for (const [i, form] of result.forms.entries()) {
          const label = `${input.module}-${blueprint.version}-${seed.slice(0, 6)}-${String.fromCharCode(65 + i)}`;
          const onScale = await deps.measurement?.formFacts(tx, input.module, form.items.filter((it) => it.role === 'scored').map((it) => it.itemId));
          const certificate = {
            ...certificateFor(form, { module: input.module, blueprintVersion: blueprint.version, bankRevision, kind: 'fixed' }),
            ...(onScale || form.measurement ? { measurement: { ...form.measurement, ...onScale } } : {}),
            siblings: result.forms.map((_, j) => ({ label: `${input.module}-${blueprint.version}-${seed.slice(0, 6)}-${String.fromCharCode(65 + j)}`, sharedItems: result.pairwiseOverlap[i]![j]! })).filter((_, j) => j !== i),
            parallelChecks: result.checks,
          };
          ids.push(
            await repo.insertForm(
              tx,
              { module: input.module, blueprintVersion: blueprint.version, bankRevision, seed: `${seed}#${i}`, algorithmVersion: form.algorithmVersion, kind: 'fixed', status, label, certificate, createdBy: actor?.userId ?? null, items: form.items, releaseId },
              stamp,
            ),
          );
        }
        const action = ({ draft: 'forms.built', proposed: 'forms.built-and-proposed', published: 'forms.built-and-published' } as const)[status];
        await deps.audit.record(actor, { action, subjectType: 'module', subjectId: input.module, details: { formIds: ids, seed, count: input.count, maxOverlapPct: input.maxOverlapPct, releaseId } }, tx);
        return { formIds: ids, status, seed, releaseId, pairwiseOverlap: result.pairwiseOverlap, checks: result.checks };
      });
    },

    /**
     * Publishing a fixed form is an admin decision: an author's publish proposes it (draft → proposed); an admin's
     * publish (of a draft, or approving a proposal) makes it live, audited with both people.
     */
    async publish(actor: Actor, formId: string): Promise<{ status: 'proposed' | 'published' }> {
      return db.transaction(async (tx) => {
        const form = await repo.findForm(tx, formId);
        if (!form) throw notFound('form');
        if (form.status === 'published') throw conflict('the form is already published; published forms never change');
        if (actor.role !== 'admin') {
          if (form.status === 'proposed') throw conflict('the form is already proposed for publication; an admin decides');
          if (!(await repo.proposePublication(tx, formId, actor.userId, clock.now()))) throw conflict('only a draft form can be proposed for publication');
          await deps.audit.record(actor, { action: 'form.publication-proposed', subjectType: 'form', subjectId: formId, details: { module: form.module, label: form.label, proposedBy: actor.userId } }, tx);
          return { status: 'proposed' as const };
        }
        const done = await repo.publishForm(tx, formId, actor.userId, clock.now());
        if (!done) throw conflict('the form is already published; published forms never change');
        await deps.audit.record(actor, { action: 'form.published', subjectType: 'form', subjectId: formId, details: { module: form.module, label: form.label, proposedBy: done.proposedBy, approvedBy: actor.userId } }, tx);
        return { status: 'published' as const };
      });
    },

    /** An admin turns down a proposed publication; the form goes back to draft. */
    async rejectPublication(actor: Actor, formId: string, note: string) {
      if (actor.role !== 'admin') throw forbidden('Only an admin decides on publishing a form');
      return db.transaction(async (tx) => {
        const form = await repo.findForm(tx, formId);
        if (!form) throw notFound('form');
        const before = await repo.rejectPublication(tx, formId);
        if (!before) throw conflict(`the form is ${form.status}, not proposed for publication`);
        await deps.audit.record(actor, { action: 'form.publication-rejected', subjectType: 'form', subjectId: formId, reason: note, details: { module: form.module, label: form.label, proposedBy: before.proposedBy, rejectedBy: actor.userId } }, tx);
      });
    },

    async getForm(formId: string, tx: Db = db) {
      const form = await repo.findForm(tx, formId);
      if (!form) throw notFound('form');
      return { ...form, items: await repo.findFormItems(tx, formId) };
    },

    listForms: (filter: Parameters<typeof repo.listForms>[1]) => repo.listForms(db, filter),
    blueprintFor,
  };
}
export type AssemblyService = ReturnType<typeof createAssemblyService>;
