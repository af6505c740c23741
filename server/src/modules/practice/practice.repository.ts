import { and, desc, eq, inArray, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { itemVersionMedia, itemVersions, media, practiceAttempts, type PracticeAttemptItem } from '../../db/schema/index.ts';
import type { ItemContent } from '../../../../shared/item-bank-format.ts';
import type { ModuleCode } from '../../../../shared/vocabulary.ts';

/**
 * Read model: the tables of other modules this repository reads (never writes), declared so a cross-module read is
 * never a silent join; scripts/lint-architecture.ts holds the list to the code.
 * A practice test's questions at the versions it was drawn at (the key and rationale for the review), and the images
 * those versions show.
 */
export const readModel = { reads: ['itemVersionMedia', 'itemVersions', 'media'] } as const;

export type PracticeRow = typeof practiceAttempts.$inferSelect;
export type { PracticeAttemptItem };

export async function insertAttempt(db: Db, row: typeof practiceAttempts.$inferInsert): Promise<PracticeRow> {
  const [r] = await db.insert(practiceAttempts).values(row).returning();
  return r!;
}

export async function findAttempt(db: Db, id: string, lock = false): Promise<PracticeRow | undefined> {
  const q = db.select().from(practiceAttempts).where(eq(practiceAttempts.id, id)).limit(1);
  const [r] = lock ? await q.for('update') : await q;
  return r;
}

export async function attemptsOf(db: Db, candidateId: string, limit = 50): Promise<PracticeRow[]> {
  return db.select().from(practiceAttempts).where(eq(practiceAttempts.candidateId, candidateId)).orderBy(desc(practiceAttempts.startedAt)).limit(limit);
}

export async function openAttempt(db: Db, candidateId: string, module: ModuleCode): Promise<PracticeRow | undefined> {
  const [r] = await db
    .select()
    .from(practiceAttempts)
    .where(and(eq(practiceAttempts.candidateId, candidateId), eq(practiceAttempts.module, module), sql`${practiceAttempts.endedAt} is null`))
    .orderBy(desc(practiceAttempts.startedAt))
    .limit(1);
  return r;
}

export async function updateAttempt(db: Db, id: string, patch: Partial<Pick<PracticeRow, 'answers' | 'flags' | 'endedAt' | 'endReason' | 'result'>>): Promise<void> {
  await db.update(practiceAttempts).set(patch).where(eq(practiceAttempts.id, id));
}

/** Item contents at the versions a test was drawn at, keyed "id@version". */
export async function contentsOf(db: Db, items: readonly Pick<PracticeAttemptItem, 'itemId' | 'version'>[]): Promise<Map<string, ItemContent>> {
  if (!items.length) return new Map();
  const rows = await db
    .select({ itemId: itemVersions.itemId, version: itemVersions.version, content: itemVersions.content })
    .from(itemVersions)
    .where(inArray(itemVersions.itemId, [...new Set(items.map((i) => i.itemId))]));
  const wanted = new Set(items.map((i) => `${i.itemId}@${i.version}`));
  return new Map(rows.filter((r) => wanted.has(`${r.itemId}@${r.version}`)).map((r) => [`${r.itemId}@${r.version}`, r.content]));
}

/** An image one of the test's item versions shows, or undefined: the only way a practising candidate reaches media. */
export async function attemptMedia(db: Db, items: readonly Pick<PracticeAttemptItem, 'itemId' | 'version'>[], sha256: string): Promise<{ mediaType: string; bytes: Uint8Array } | undefined> {
  if (!items.length) return undefined;
  const [row] = await db
    .select({ mediaType: media.mediaType, bytes: media.bytes })
    .from(itemVersionMedia)
    .innerJoin(media, eq(media.sha256, itemVersionMedia.sha256))
    .where(and(eq(itemVersionMedia.sha256, sha256), or(...items.map((i) => and(eq(itemVersionMedia.itemId, i.itemId), eq(itemVersionMedia.version, i.version))))))
    .limit(1);
  return row;
}
