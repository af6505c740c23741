import { and, asc, count, desc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { blueprints, formItems, forms, users } from '../../db/schema/index.ts';
import type { Blueprint } from '../../../../shared/item-bank-format.ts';
import type { ModuleCode } from '../../../../shared/vocabulary.ts';

/**
 * Read model: the proposals an admin decides are the item bank's proposed blueprints and assembly's proposed forms,
 * with the proposer's name; decisions are written by those modules' services, never here.
 */
export const readModel = { reads: ['blueprints', 'forms', 'formItems', 'users'] } as const;

export async function proposedBlueprints(db: Db) {
  return db
    .select({ module: blueprints.module, version: blueprints.version, body: blueprints.body, proposedBy: blueprints.proposedBy, name: users.displayName, createdAt: blueprints.createdAt })
    .from(blueprints)
    .leftJoin(users, eq(users.id, blueprints.proposedBy))
    .where(eq(blueprints.status, 'proposed'))
    .orderBy(asc(blueprints.createdAt));
}

/** Each module's live blueprint (most recently approved). */
export async function liveBlueprintOf(db: Db, module: ModuleCode): Promise<Blueprint | null> {
  const rows = await db.select({ body: blueprints.body, liveSince: blueprints.liveSince, createdAt: blueprints.createdAt }).from(blueprints).where(and(eq(blueprints.module, module), eq(blueprints.status, 'approved')));
  rows.sort((a, b) => (b.liveSince?.getTime() ?? 0) - (a.liveSince?.getTime() ?? 0) || b.createdAt.getTime() - a.createdAt.getTime() || b.body.version.localeCompare(a.body.version));
  return rows[0]?.body ?? null;
}

export async function proposedForms(db: Db) {
  return db
    .select({ id: forms.id, module: forms.module, label: forms.label, blueprintVersion: forms.blueprintVersion, bankRevision: forms.bankRevision, proposedBy: forms.publishProposedBy, name: users.displayName, proposedAt: forms.publishProposedAt })
    .from(forms)
    .leftJoin(users, eq(users.id, forms.publishProposedBy))
    .where(eq(forms.status, 'proposed'))
    .orderBy(asc(forms.publishProposedAt));
}

export async function publishedFixedFormCount(db: Db, module: ModuleCode, blueprintVersion: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(forms).where(and(eq(forms.module, module), eq(forms.kind, 'fixed'), eq(forms.status, 'published'), eq(forms.blueprintVersion, blueprintVersion)));
  return row?.n ?? 0;
}

export async function formStatus(db: Db, id: string) {
  const [row] = await db.select({ status: forms.status }).from(forms).where(eq(forms.id, id));
  return row?.status;
}

/** The module's most recently published fixed form of a blueprint version, which a proposed form is compared with. */
export async function latestPublishedFixedForm(db: Db, module: ModuleCode, blueprintVersion: string): Promise<{ id: string; label: string | null } | undefined> {
  const [row] = await db
    .select({ id: forms.id, label: forms.label })
    .from(forms)
    .where(and(eq(forms.module, module), eq(forms.kind, 'fixed'), eq(forms.status, 'published'), eq(forms.blueprintVersion, blueprintVersion)))
    .orderBy(desc(forms.publishedAt), desc(forms.createdAt))
    .limit(1);
  return row;
}

export async function formItemVersions(db: Db, formId: string): Promise<{ itemId: string; version: number }[]> {
  return db.select({ itemId: formItems.itemId, version: formItems.itemVersion }).from(formItems).where(eq(formItems.formId, formId)).orderBy(asc(formItems.position));
}
