import { and, asc, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { bankReleases, bankRevisions, blueprints, certificationPolicies, enemyGroups, itemReviews, itemVersionMedia, itemVersions, items, kwaCatalogs, media, modules, users } from '../../db/schema/index.ts';
import type { ReleaseContents } from '../../../../shared/bank-release.ts';
import { imagesOf, type Blueprint, type EnemyGroup, type ItemContent, type ItemStats, type KwaCatalog, type ModuleDefinition } from '../../../../shared/item-bank-format.ts';
import type { ItemStatus, ModuleCode } from '../../../../shared/vocabulary.ts';
import type { BankSnapshot, SnapshotItem } from './domain/bank-snapshot.ts';

/**
 * Read model: reviewers', authors' and release deciders' names (accounts); the certification policy version in force,
 * which a bank release records (scoring).
 */
export const readModel = { reads: ['users', 'certificationPolicies'] } as const;

export async function loadSnapshot(db: Db): Promise<BankSnapshot> {
  // Sequential, not Promise.all: inside a transaction all queries share one connection.
  const mods = await db.select({ code: modules.code, title: modules.title, required: modules.required }).from(modules);
  const cats = await db.select({ module: kwaCatalogs.module, version: kwaCatalogs.version, kwas: kwaCatalogs.kwas }).from(kwaCatalogs).orderBy(asc(kwaCatalogs.createdAt), asc(kwaCatalogs.version));
  const bps = await db.select({ body: blueprints.body }).from(blueprints).orderBy(asc(blueprints.createdAt), asc(blueprints.version));
  const itemRows = await db
      .select({ id: items.id, module: items.module, status: items.status, version: items.currentVersion, content: itemVersions.content, stats: itemVersions.stats })
      .from(items)
      .innerJoin(itemVersions, and(eq(itemVersions.itemId, items.id), eq(itemVersions.version, items.currentVersion)));
  const groups = await db.select({ id: enemyGroups.id, itemIds: enemyGroups.itemIds, reason: enemyGroups.reason }).from(enemyGroups);
  const snapshot: BankSnapshot = { modules: new Map(), blueprints: bps.map((b) => b.body), items: new Map(), enemyGroups: new Map() };
  for (const m of mods) snapshot.modules.set(m.code, { code: m.code, title: m.title, required: m.required, catalogs: [] });
  for (const c of cats) snapshot.modules.get(c.module)?.catalogs.push({ version: c.version, kwas: c.kwas });
  for (const it of itemRows) snapshot.items.set(it.id, it as SnapshotItem);
  for (const g of groups) snapshot.enemyGroups.set(g.id, { id: g.id, itemIds: g.itemIds, ...(g.reason ? { reason: g.reason } : {}) });
  return snapshot;
}

export async function insertRevision(db: Db, r: { actorId: string | null; source: string; summary: Record<string, number> }): Promise<number> {
  const [row] = await db.insert(bankRevisions).values(r).returning({ id: bankRevisions.id });
  return row!.id;
}

export async function currentRevision(db: Db): Promise<number> {
  const [row] = await db.select({ id: sql<number>`coalesce(max(${bankRevisions.id}), 0)::int` }).from(bankRevisions);
  return row?.id ?? 0;
}

export async function upsertModule(db: Db, m: ModuleDefinition): Promise<void> {
  await db.insert(modules).values({ code: m.code, title: m.title, required: m.required }).onConflictDoUpdate({ target: modules.code, set: { title: m.title, required: m.required } });
}

export async function insertCatalog(db: Db, module: ModuleCode, catalog: KwaCatalog): Promise<void> {
  await db.insert(kwaCatalogs).values({ module, version: catalog.version, kwas: catalog.kwas });
}

/** Stores a blueprint version: approved (live from now on) or proposed (live only once an admin approves it). */
export async function insertBlueprint(db: Db, bp: Blueprint, gov: { status: 'approved' | 'proposed'; proposedBy: string | null }): Promise<void> {
  const approved = gov.status === 'approved';
  await db.insert(blueprints).values({
    module: bp.module,
    version: bp.version,
    body: bp,
    status: gov.status,
    proposedBy: gov.proposedBy,
    decidedBy: approved ? gov.proposedBy : null,
    decidedAt: approved ? sql`now()` : null,
    liveSince: approved ? sql`now()` : null,
  });
}

/** Each module's live blueprint: its most recently approved version. */
export async function liveBlueprints(db: Db): Promise<Map<ModuleCode, Blueprint>> {
  const rows = await db
    .select({ module: blueprints.module, body: blueprints.body })
    .from(blueprints)
    .where(eq(blueprints.status, 'approved'))
    .orderBy(desc(blueprints.liveSince), desc(blueprints.createdAt), desc(blueprints.version));
  const out = new Map<ModuleCode, Blueprint>();
  for (const r of rows) if (!out.has(r.module)) out.set(r.module, r.body);
  return out;
}

export async function findBlueprintRecord(db: Db, module: ModuleCode, version: string) {
  const [row] = await db
    .select({ body: blueprints.body, status: blueprints.status, proposedBy: blueprints.proposedBy })
    .from(blueprints)
    .where(and(eq(blueprints.module, module), eq(blueprints.version, version)))
    .for('update');
  return row;
}

/** Decides a proposal; false when it is not (or no longer) a proposal. Approval makes it live at once. */
export async function decideBlueprint(db: Db, module: ModuleCode, version: string, d: { approve: boolean; decidedBy: string; note: string | null }): Promise<boolean> {
  const rows = await db
    .update(blueprints)
    .set({ status: d.approve ? 'approved' : 'rejected', decidedBy: d.decidedBy, decidedAt: sql`now()`, decisionNote: d.note, liveSince: d.approve ? sql`now()` : null })
    .where(and(eq(blueprints.module, module), eq(blueprints.version, version), eq(blueprints.status, 'proposed')))
    .returning({ version: blueprints.version });
  return rows.length === 1;
}

export async function insertItems(
  db: Db,
  rows: { id: string; module: ModuleCode; status: ItemStatus; version: number; content: ItemContent; stats: ItemStats | null }[],
  revision: number,
  createdBy: string | null = null,
): Promise<void> {
  // Chunked: one statement per few hundred rows keeps large imports fast without hitting parameter limits.
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500);
    const newOnes = chunk.filter((r) => r.version === 1);
    if (newOnes.length) await db.insert(items).values(newOnes.map((r) => ({ id: r.id, module: r.module, status: r.status, currentVersion: 1, updatedRevision: revision })));
    await db.insert(itemVersions).values(chunk.map((r) => ({ itemId: r.id, version: r.version, kwa: r.content.kwa, content: r.content, stats: r.stats, revision, createdBy })));
    const shown = chunk.flatMap((r) => [...new Set(imagesOf(r.content).map((m) => m.ref.src.slice('sha256:'.length)))].map((sha256) => ({ itemId: r.id, version: r.version, sha256 })));
    if (shown.length) await db.insert(itemVersionMedia).values(shown);
    for (const r of chunk.filter((x) => x.version > 1)) {
      await db.update(items).set({ currentVersion: r.version, status: r.status, updatedRevision: revision }).where(eq(items.id, r.id));
    }
  }
}

export async function setItemStatus(db: Db, id: string, status: ItemStatus, revision: number): Promise<void> {
  await db.update(items).set({ status, updatedRevision: revision }).where(eq(items.id, id));
}

export async function upsertEnemyGroup(db: Db, g: EnemyGroup, revision: number): Promise<void> {
  await db
    .insert(enemyGroups)
    .values({ id: g.id, itemIds: g.itemIds, reason: g.reason ?? null, updatedRevision: revision })
    .onConflictDoUpdate({ target: enemyGroups.id, set: { itemIds: g.itemIds, reason: g.reason ?? null, updatedRevision: revision } });
}

export interface ItemFilter {
  module?: ModuleCode;
  kwa?: string;
  status?: ItemStatus;
  topic?: string;
  ids?: string[];
}

export async function listItems(db: Db, filter: ItemFilter) {
  const where: SQL[] = [];
  if (filter.module) where.push(eq(items.module, filter.module));
  if (filter.status) where.push(eq(items.status, filter.status));
  if (filter.kwa) where.push(eq(itemVersions.kwa, filter.kwa));
  if (filter.topic) where.push(sql`${itemVersions.content}->'topics' ? ${filter.topic}`);
  if (filter.ids) where.push(inArray(items.id, filter.ids.length ? filter.ids : ['']));
  return db
    .select({ id: items.id, module: items.module, status: items.status, version: items.currentVersion, content: itemVersions.content, stats: itemVersions.stats })
    .from(items)
    .innerJoin(itemVersions, and(eq(itemVersions.itemId, items.id), eq(itemVersions.version, items.currentVersion)))
    .where(where.length ? and(...where) : undefined)
    .orderBy(asc(items.id));
}

export async function countItems(db: Db): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(items);
  return row?.n ?? 0;
}

/** Serialises imports across every server instance and CLI process sharing the database (held until commit). */
const IMPORT_LOCK_KEY = 7_420_001;
export async function lockBankForImport(tx: Db): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${IMPORT_LOCK_KEY})`);
}

/** The item's lifecycle state, locked for a review decision. */
export async function itemForReview(db: Db, id: string) {
  const [row] = await db
    .select({ status: items.status, version: items.currentVersion, createdBy: itemVersions.createdBy })
    .from(items)
    .innerJoin(itemVersions, and(eq(itemVersions.itemId, items.id), eq(itemVersions.version, items.currentVersion)))
    .where(eq(items.id, id))
    .for('update', { of: items });
  return row;
}

export async function insertReview(db: Db, r: { itemId: string; version: number; action: (typeof itemReviews.$inferInsert)['action']; actorId: string | null; comment: string | null; fromStatus: ItemStatus; toStatus: ItemStatus }): Promise<void> {
  await db.insert(itemReviews).values(r);
}

/** Every version of an item (who wrote it, when, in which revision) and its review trail, oldest first. */
export async function itemHistory(db: Db, id: string) {
  const versions = await db
    .select({ version: itemVersions.version, createdAt: itemVersions.createdAt, revision: itemVersions.revision, createdBy: itemVersions.createdBy, createdByName: users.displayName, stem: sql<string>`${itemVersions.content}->>'stem'` })
    .from(itemVersions)
    .leftJoin(users, eq(users.id, itemVersions.createdBy))
    .where(eq(itemVersions.itemId, id))
    .orderBy(asc(itemVersions.version));
  const reviews = await db
    .select({ at: itemReviews.at, version: itemReviews.version, action: itemReviews.action, actorId: itemReviews.actorId, actorName: users.displayName, comment: itemReviews.comment, fromStatus: itemReviews.fromStatus, toStatus: itemReviews.toStatus })
    .from(itemReviews)
    .leftJoin(users, eq(users.id, itemReviews.actorId))
    .where(eq(itemReviews.itemId, id))
    .orderBy(asc(itemReviews.id));
  return { versions, reviews };
}

// ---- bank releases ------------------------------------------------------------------------------------------------

export async function latestPolicyVersion(db: Db): Promise<string | null> {
  const [row] = await db.select({ version: certificationPolicies.version }).from(certificationPolicies).orderBy(desc(certificationPolicies.createdAt), desc(certificationPolicies.version)).limit(1);
  return row?.version ?? null;
}

export async function releaseNameTaken(db: Db, name: string): Promise<boolean> {
  const [row] = await db.select({ id: bankReleases.id }).from(bankReleases).where(sql`lower(${bankReleases.name}) = lower(${name})`).limit(1);
  return !!row;
}

export async function insertRelease(db: Db, r: { name: string; modules: ModuleCode[]; notes: string | null; status: 'proposed' | 'approved'; contents: ReleaseContents; bankRevision: number; proposedBy: string | null }): Promise<string> {
  const approved = r.status === 'approved';
  const [row] = await db
    .insert(bankReleases)
    .values({ ...r, decidedBy: approved ? r.proposedBy : null, decidedAt: approved ? sql`now()` : null, currentSince: approved ? sql`now()` : null })
    .returning({ id: bankReleases.id });
  return row!.id;
}

const releaseColumns = {
  id: bankReleases.id,
  name: bankReleases.name,
  modules: bankReleases.modules,
  notes: bankReleases.notes,
  status: bankReleases.status,
  bankRevision: bankReleases.bankRevision,
  itemCount: sql<number>`jsonb_array_length(${bankReleases.contents}->'items')::int`,
  proposedById: bankReleases.proposedBy,
  proposedAt: bankReleases.proposedAt,
  decidedById: bankReleases.decidedBy,
  decidedAt: bankReleases.decidedAt,
  decisionNote: bankReleases.decisionNote,
  currentSince: bankReleases.currentSince,
};
export type ReleaseRow = Awaited<ReturnType<typeof listReleases>>[number];

/** Every release, newest first (no contents). */
export async function listReleases(db: Db, filter: { status?: 'proposed' | 'approved' | 'rejected' } = {}) {
  return db
    .select(releaseColumns)
    .from(bankReleases)
    .where(filter.status ? eq(bankReleases.status, filter.status) : undefined)
    .orderBy(desc(bankReleases.proposedAt), desc(bankReleases.name));
}

export async function findRelease(db: Db, id: string, forUpdate = false) {
  const q = db.select({ ...releaseColumns, contents: bankReleases.contents }).from(bankReleases).where(eq(bankReleases.id, id));
  const [row] = forUpdate ? await q.for('update') : await q;
  return row;
}

export async function userNames(db: Db, ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await db.select({ id: users.id, name: users.displayName }).from(users).where(inArray(users.id, ids));
  return new Map(rows.map((r) => [r.id, r.name]));
}

/**
 * Each module's current release: its most recently approved one. Only id, name and when (contents are loaded per
 * release and cached, being immutable).
 */
export async function currentReleases(db: Db): Promise<Map<ModuleCode, { id: string; name: string }>> {
  const rows = await db
    .select({ id: bankReleases.id, name: bankReleases.name, modules: bankReleases.modules })
    .from(bankReleases)
    .where(eq(bankReleases.status, 'approved'))
    .orderBy(desc(bankReleases.currentSince), desc(bankReleases.proposedAt));
  const out = new Map<ModuleCode, { id: string; name: string }>();
  for (const r of rows) for (const m of r.modules as ModuleCode[]) if (!out.has(m)) out.set(m, { id: r.id, name: r.name });
  return out;
}

export async function releaseContents(db: Db, id: string): Promise<ReleaseContents | undefined> {
  const [row] = await db.select({ contents: bankReleases.contents }).from(bankReleases).where(eq(bankReleases.id, id));
  return row?.contents;
}

/** A release's decision; false when it is not (or no longer) proposed. Approval makes it current at once. */
export async function decideRelease(db: Db, id: string, d: { approve: boolean; decidedBy: string; note: string | null }): Promise<boolean> {
  const rows = await db
    .update(bankReleases)
    .set({ status: d.approve ? 'approved' : 'rejected', decidedBy: d.decidedBy, decidedAt: sql`now()`, decisionNote: d.note, currentSince: d.approve ? sql`now()` : null })
    .where(and(eq(bankReleases.id, id), eq(bankReleases.status, 'proposed')))
    .returning({ id: bankReleases.id });
  return rows.length === 1;
}

/** The content of the given item versions (a release's items), whatever the items' current versions are now. */
export async function itemVersionContents(db: Db, refs: { id: string; version: number }[]): Promise<Map<string, { content: ItemContent; stats: ItemStats | null }>> {
  const out = new Map<string, { content: ItemContent; stats: ItemStats | null }>();
  for (let i = 0; i < refs.length; i += 500) {
    const chunk = refs.slice(i, i + 500);
    const rows = await db
      .select({ id: itemVersions.itemId, version: itemVersions.version, content: itemVersions.content, stats: itemVersions.stats })
      .from(itemVersions)
      .where(sql`(${itemVersions.itemId}, ${itemVersions.version}) in (${sql.join(chunk.map((r) => sql`(${r.id}, ${r.version})`), sql`, `)})`);
    for (const r of rows) out.set(`${r.id}@${r.version}`, { content: r.content, stats: r.stats });
  }
  return out;
}

/** Stores images by content hash; an image already stored is left as it is (same hash, same bytes). */
export async function insertMedia(db: Db, rows: { sha256: string; mediaType: string; bytes: Uint8Array }[], createdBy: string | null): Promise<void> {
  for (const r of rows) {
    await db.insert(media).values({ sha256: r.sha256, mediaType: r.mediaType, bytes: Buffer.from(r.bytes.buffer, r.bytes.byteOffset, r.bytes.byteLength), size: r.bytes.byteLength, createdBy }).onConflictDoNothing();
  }
}

export async function storedMediaHashes(db: Db): Promise<Set<string>> {
  return new Set((await db.select({ sha256: media.sha256 }).from(media)).map((r) => r.sha256));
}

export async function hasMedia(db: Db, sha256: string): Promise<boolean> {
  const [row] = await db.select({ sha256: media.sha256 }).from(media).where(eq(media.sha256, sha256)).limit(1);
  return !!row;
}

export async function findMedia(db: Db, sha256: string): Promise<{ mediaType: string; bytes: Uint8Array } | undefined> {
  const [row] = await db.select({ mediaType: media.mediaType, bytes: media.bytes }).from(media).where(eq(media.sha256, sha256)).limit(1);
  return row;
}

/** The stored images with their bytes, for exports. */
export async function loadMedia(db: Db, hashes: string[]): Promise<Map<string, { mediaType: string; bytes: Uint8Array }>> {
  if (hashes.length === 0) return new Map();
  const rows = await db.select({ sha256: media.sha256, mediaType: media.mediaType, bytes: media.bytes }).from(media).where(inArray(media.sha256, hashes));
  return new Map(rows.map((r) => [r.sha256, { mediaType: r.mediaType, bytes: new Uint8Array(r.bytes) }]));
}
