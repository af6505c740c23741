import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { blueprints, exposureItems, exposureModules, formItems, forms } from '../../db/schema/index.ts';
import type { Blueprint } from '../../../../shared/item-bank-format.ts';
import type { ModuleCode } from '../../../../shared/vocabulary.ts';
import type { FormItem } from './domain/assembly-types.ts';

/**
 * Read model: the tables of other modules this repository reads (never writes), declared so a cross-module read is
 * never a silent join; scripts/lint-architecture.ts holds the list to the code.
 * The blueprint a form is assembled against (item bank).
 */
export const readModel = { reads: ['blueprints'] } as const;

export async function findBlueprint(db: Db, module: ModuleCode, version?: string): Promise<Blueprint | undefined> {
  const q = db.select({ body: blueprints.body }).from(blueprints);
  // Only approved blueprints are ever used; without a version, the live one (most recently approved).
  const approved = eq(blueprints.status, 'approved');
  const [row] = version
    ? await q.where(and(eq(blueprints.module, module), eq(blueprints.version, version), approved)).limit(1)
    : await q.where(and(eq(blueprints.module, module), approved)).orderBy(desc(blueprints.liveSince), desc(blueprints.createdAt), desc(blueprints.version)).limit(1);
  return row?.body;
}

export interface NewForm {
  module: ModuleCode;
  blueprintVersion: string;
  bankRevision: number;
  seed: string;
  algorithmVersion: string;
  kind: 'linear-on-the-fly' | 'fixed';
  status: 'draft' | 'proposed' | 'published';
  label: string | null;
  certificate: Record<string, unknown>;
  createdBy: string | null;
  items: FormItem[];
  /** The bank release it was drawn from; null: the live bank. */
  releaseId: string | null;
}

/**
 * `countLater`: a published form whose caller counts it itself (countPublishedForm) before its transaction ends, as
 * the last statement, so the shared counter rows are held locked for as short a time as possible.
 */
export async function insertForm(db: Db, f: NewForm, now: Date, opts: { countLater?: boolean } = {}): Promise<string> {
  // The form and its items in one statement (the id is made here so both inserts can name it): items go in as column
  // arrays (`unnest`), seven parameters whatever the form's length. A multi-row VALUES of ~90 items binds ~630
  // parameters, and building that query was the largest CPU cost of an admission (docs/performance.md, "Admissions").
  // The items' foreign key is checked at the end of the statement, when the form's row is there.
  const id = randomUUID();
  const at = now.toISOString();
  const published = f.status === 'published';
  const proposed = f.status === 'proposed';
  const items = f.items;
  await db.execute(sql`
    with f as (
      insert into forms (id, module, blueprint_version, bank_revision, seed, algorithm_version, kind, status, label, certificate, created_by,
                            published_at, published_by, publish_proposed_by, publish_proposed_at, release_id)
      values (${id}::uuid, ${f.module}::module_code, ${f.blueprintVersion}, ${f.bankRevision}::bigint, ${f.seed}, ${f.algorithmVersion}, ${f.kind}::form_kind,
              ${f.status}::form_status, ${f.label}, ${JSON.stringify(f.certificate)}::jsonb, ${f.createdBy}::uuid,
              ${published ? at : null}::timestamptz, ${published ? f.createdBy : null}::uuid, ${proposed ? f.createdBy : null}::uuid, ${proposed ? at : null}::timestamptz,
              ${f.releaseId}::uuid)
    )
    insert into form_items (form_id, position, item_id, item_version, kwa, role, option_order)
    select ${id}::uuid, t.position, t.item_id, t.item_version, t.kwa, t.role::form_item_role, t.option_order::jsonb
    from unnest(${sql.param(items.map((_, i) => i))}::int[], ${sql.param(items.map((it) => it.itemId))}::text[], ${sql.param(items.map((it) => it.version))}::int[],
                ${sql.param(items.map((it) => it.kwa))}::text[], ${sql.param(items.map((it) => it.role))}::text[], ${sql.param(items.map((it) => JSON.stringify(it.optionOrder)))}::text[])
      as t(position, item_id, item_version, kwa, role, option_order)`);
  if (published && !opts.countLater) await countPublishedForm(db, id, f.module);
  return id;
}

const formColumns = {
  id: forms.id,
  module: forms.module,
  blueprintVersion: forms.blueprintVersion,
  bankRevision: forms.bankRevision,
  seed: forms.seed,
  algorithmVersion: forms.algorithmVersion,
  kind: forms.kind,
  status: forms.status,
  label: forms.label,
  certificate: forms.certificate,
  createdAt: forms.createdAt,
  publishedAt: forms.publishedAt,
  publishProposedBy: forms.publishProposedBy,
  publishProposedAt: forms.publishProposedAt,
  publishedBy: forms.publishedBy,
  releaseId: forms.releaseId,
};

export async function findForm(db: Db, id: string) {
  const [row] = await db.select(formColumns).from(forms).where(eq(forms.id, id)).limit(1);
  return row;
}

export async function findFormItems(db: Db, formId: string): Promise<(FormItem & { position: number })[]> {
  return db
    .select({ position: formItems.position, itemId: formItems.itemId, version: formItems.itemVersion, kwa: formItems.kwa, role: formItems.role, optionOrder: formItems.optionOrder })
    .from(formItems)
    .where(eq(formItems.formId, formId))
    .orderBy(asc(formItems.position));
}

export async function listForms(db: Db, filter: { module?: ModuleCode; kind?: 'linear-on-the-fly' | 'fixed'; status?: 'draft' | 'proposed' | 'published' }) {
  const where = [filter.module ? eq(forms.module, filter.module) : undefined, filter.kind ? eq(forms.kind, filter.kind) : undefined, filter.status ? eq(forms.status, filter.status) : undefined].filter(
    (w) => w !== undefined,
  );
  return db
    .select({ id: forms.id, module: forms.module, blueprintVersion: forms.blueprintVersion, bankRevision: forms.bankRevision, seed: forms.seed, kind: forms.kind, status: forms.status, label: forms.label, createdAt: forms.createdAt, publishedAt: forms.publishedAt })
    .from(forms)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(forms.createdAt));
}

/**
 * Publishing is one-way: a draft or a proposed form becomes published; returns the proposer (null when there was no
 * proposal), or undefined when the form was neither a draft nor proposed.
 */
export async function publishForm(db: Db, id: string, by: string | null, now: Date): Promise<{ proposedBy: string | null } | undefined> {
  const [before] = await db.select({ proposedBy: forms.publishProposedBy, status: forms.status, module: forms.module }).from(forms).where(eq(forms.id, id)).for('update');
  if (!before || before.status === 'published') return undefined;
  await db.update(forms).set({ status: 'published', publishedAt: now, publishedBy: by }).where(eq(forms.id, id));
  await countPublishedForm(db, id, before.module);
  return { proposedBy: before.status === 'proposed' ? before.proposedBy : null };
}

/** An author's request to publish a draft; false when the form is not a draft. */
export async function proposePublication(db: Db, id: string, by: string, now: Date): Promise<boolean> {
  const rows = await db.update(forms).set({ status: 'proposed', publishProposedBy: by, publishProposedAt: now }).where(and(eq(forms.id, id), eq(forms.status, 'draft'))).returning({ id: forms.id });
  return rows.length === 1;
}

/** A rejected proposal goes back to draft (the proposer is kept in the audit log); false when it was not proposed. */
export async function rejectPublication(db: Db, id: string): Promise<{ proposedBy: string | null } | undefined> {
  const [before] = await db.select({ proposedBy: forms.publishProposedBy }).from(forms).where(and(eq(forms.id, id), eq(forms.status, 'proposed'))).for('update');
  if (!before) return undefined;
  await db.update(forms).set({ status: 'draft', publishProposedBy: null, publishProposedAt: null }).where(eq(forms.id, id));
  return before;
}

/**
 * Adds a form that has just become published to its module's exposure counters, in the caller's transaction: the
 * counters change exactly when the set of published forms does (insertForm and publishForm are the only ways a form
 * becomes published; none is ever deleted or unpublished), so they always equal the aggregate over those forms
 * (docs/decisions/0009-exposure-counters.md). The upserts are atomic, so instances admitting at once never lose an
 * increment. Every writer locks the module's row first and its items in id order, so concurrent admissions of a
 * module queue behind each other instead of deadlocking. insertForm counts a form itself unless told `countLater`;
 * then the caller counts it (formForSession, last before the commit).
 */
export async function countPublishedForm(db: Db, formId: string, module: ModuleCode): Promise<void> {
  // One statement, one round trip while the rows are locked. The item upsert joins the module upsert's returned row,
  // so no item row can be locked before the module row is; items then go in id order (the ORDER BY feeds the insert).
  await db.execute(sql`
    with m as (
      insert into exposure_modules (module, forms) values (${module}::module_code, 1)
      on conflict (module) do update set forms = exposure_modules.forms + 1
      returning module
    )
    insert into exposure_items (module, item_id, forms)
    select m.module, fi.item_id, count(*)::int
    from form_items fi cross join m
    where fi.form_id = ${formId}::uuid
    group by m.module, fi.item_id
    order by fi.item_id
    on conflict (module, item_id) do update set forms = exposure_items.forms + excluded.forms`);
}

/** How many published forms the module has and how many of them hold each item (items on none are absent). */
export async function exposureCounts(db: Db, module: ModuleCode): Promise<{ counts: Record<string, number>; forms: number }> {
  // One round trip: the module's row (item_id null) and its item rows.
  const rows = await db
    .select({ itemId: sql<string | null>`null::text`.as('item_id'), n: exposureModules.forms })
    .from(exposureModules)
    .where(eq(exposureModules.module, module))
    .unionAll(db.select({ itemId: exposureItems.itemId, n: exposureItems.forms }).from(exposureItems).where(eq(exposureItems.module, module)));
  let forms = 0;
  const counts: Record<string, number> = {};
  for (const r of rows) {
    if (r.itemId === null) forms = r.n;
    else counts[r.itemId] = r.n;
  }
  return { counts, forms };
}

/** Item ids on the given forms (a retaker's earlier forms). */
export async function itemIdsOnForms(db: Db, formIds: string[]): Promise<string[]> {
  if (formIds.length === 0) return [];
  const rows = await db.selectDistinct({ itemId: formItems.itemId }).from(formItems).where(inArray(formItems.formId, formIds));
  return rows.map((r) => r.itemId);
}

/** Published fixed forms of a module, for assigning at admission; with a release id, only those built from it. */
export async function publishedFixedFormIds(db: Db, module: ModuleCode, blueprintVersion: string, releaseId?: string): Promise<string[]> {
  const rows = await db
    .select({ id: forms.id })
    .from(forms)
    .where(and(eq(forms.module, module), eq(forms.kind, 'fixed'), eq(forms.status, 'published'), eq(forms.blueprintVersion, blueprintVersion), releaseId ? eq(forms.releaseId, releaseId) : undefined))
    .orderBy(asc(forms.createdAt));
  return rows.map((r) => r.id);
}
