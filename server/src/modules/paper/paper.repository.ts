import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { modules, paperBooklets, paperEntries, testCenters, users } from '../../db/schema/index.ts';
import type { ModuleCode } from '../../../../shared/vocabulary.ts';

/**
 * Read model: the tables of other modules this repository reads (never writes), declared so a cross-module read is
 * never a silent join; scripts/lint-architecture.ts holds the list to the code.
 * What a booklet and an answer sheet print: the candidate's name and username, the module title, the test center.
 */
export const readModel = { reads: ['modules', 'testCenters', 'users'] } as const;

export type BookletRow = typeof paperBooklets.$inferSelect;
export type EntryRow = typeof paperEntries.$inferSelect;

export async function insertBooklet(db: Db, row: typeof paperBooklets.$inferInsert): Promise<boolean> {
  const r = await db.insert(paperBooklets).values(row).onConflictDoNothing().returning({ sessionId: paperBooklets.sessionId });
  return r.length > 0;
}

export async function findBooklet(db: Db, sessionId: string, lock = false): Promise<BookletRow | undefined> {
  const q = db.select().from(paperBooklets).where(eq(paperBooklets.sessionId, sessionId)).limit(1);
  const [r] = lock ? await q.for('update') : await q;
  return r;
}

export async function bookletsByCode(db: Db, codes: string[]): Promise<BookletRow[]> {
  if (!codes.length) return [];
  return db.select().from(paperBooklets).where(inArray(paperBooklets.bookletCode, codes));
}

export async function codeTaken(db: Db, code: string): Promise<boolean> {
  const [r] = await db.select({ s: paperBooklets.sessionId }).from(paperBooklets).where(eq(paperBooklets.bookletCode, code)).limit(1);
  return !!r;
}

export async function markRecorded(db: Db, sessionId: string, by: string, at: Date, source: 'keyed' | 'scanned'): Promise<void> {
  await db.update(paperBooklets).set({ recordedAt: at, recordedBy: by, source }).where(eq(paperBooklets.sessionId, sessionId));
}

export async function entriesOf(db: Db, sessionId: string): Promise<EntryRow[]> {
  return db.select().from(paperEntries).where(eq(paperEntries.sessionId, sessionId)).orderBy(paperEntries.entry);
}

export async function putEntry(db: Db, row: typeof paperEntries.$inferInsert): Promise<void> {
  await db
    .insert(paperEntries)
    .values(row)
    .onConflictDoUpdate({ target: [paperEntries.sessionId, paperEntries.entry], set: { marks: row.marks, keyedBy: row.keyedBy, keyedAt: row.keyedAt } });
}

export async function deleteEntry(db: Db, sessionId: string, entry: number): Promise<void> {
  await db.delete(paperEntries).where(and(eq(paperEntries.sessionId, sessionId), eq(paperEntries.entry, entry)));
}

/** The names a booklet prints. */
export async function printNames(db: Db, candidateId: string, testCenterId: string, module: ModuleCode) {
  const [u] = await db.select({ name: users.displayName, username: users.username }).from(users).where(eq(users.id, candidateId)).limit(1);
  const [c] = await db.select({ name: testCenters.name, code: testCenters.code }).from(testCenters).where(eq(testCenters.id, testCenterId)).limit(1);
  const [m] = await db.select({ title: modules.title }).from(modules).where(eq(modules.code, module)).limit(1);
  return { candidateName: u?.name ?? '', candidateUsername: u?.username ?? '', testCenter: c ? `${c.name} (${c.code})` : '', moduleTitle: m?.title ?? module };
}

export async function userNames(db: Db, ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await db.select({ id: users.id, name: users.displayName }).from(users).where(inArray(users.id, [...new Set(ids)]));
  return new Map(rows.map((r) => [r.id, r.name]));
}
