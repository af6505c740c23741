import { and, desc, eq, inArray, isNotNull } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { calibrationRuns, examSessions, formItems, forms, itemParameters, measurementScales, sessionScores } from '../../db/schema/index.ts';
import type { ModuleCode } from '../../../../shared/vocabulary.ts';

/**
 * Read model: the tables of other modules this repository reads (never writes), declared so a cross-module read is
 * never a silent join; scripts/lint-architecture.ts holds the list to the code.
 * Forms and their scored items (raw-to-ability tables), scored sessions and their results (decision quality).
 */
export const readModel = { reads: ['examSessions', 'formItems', 'forms', 'sessionScores'] } as const;

export type CalibrationRunRow = typeof calibrationRuns.$inferSelect;
export type ScaleRow = typeof measurementScales.$inferSelect;

export async function insertRun(db: Db, row: typeof calibrationRuns.$inferInsert): Promise<CalibrationRunRow> {
  const [r] = await db.insert(calibrationRuns).values(row).returning();
  return r!;
}

export const findRun = async (db: Db, id: string) => (await db.select().from(calibrationRuns).where(eq(calibrationRuns.id, id)))[0];

export const listRuns = (db: Db, module: ModuleCode) =>
  db
    .select({ id: calibrationRuns.id, module: calibrationRuns.module, kind: calibrationRuns.kind, sessions: calibrationRuns.sessions, createdAt: calibrationRuns.createdAt, adoptedAt: calibrationRuns.adoptedAt })
    .from(calibrationRuns)
    .where(eq(calibrationRuns.module, module))
    .orderBy(desc(calibrationRuns.createdAt));

export async function markAdopted(db: Db, id: string, by: string, at: Date): Promise<void> {
  await db.update(calibrationRuns).set({ adoptedBy: by, adoptedAt: at }).where(eq(calibrationRuns.id, id));
}

export async function upsertParameters(db: Db, rows: (typeof itemParameters.$inferInsert)[]): Promise<void> {
  for (const row of rows) {
    await db
      .insert(itemParameters)
      .values(row)
      .onConflictDoUpdate({ target: itemParameters.itemId, set: { difficulty: row.difficulty, se: row.se, n: row.n, runId: row.runId, adoptedAt: row.adoptedAt } });
  }
}

export const parametersOfModule = (db: Db, module: ModuleCode) =>
  db
    .select({ itemId: itemParameters.itemId, difficulty: itemParameters.difficulty, se: itemParameters.se, n: itemParameters.n, runId: itemParameters.runId, adoptedAt: itemParameters.adoptedAt })
    .from(itemParameters)
    .where(eq(itemParameters.module, module))
    .orderBy(itemParameters.itemId);

export async function parametersFor(db: Db, itemIds: string[]): Promise<Map<string, { difficulty: number; se: number }>> {
  if (!itemIds.length) return new Map();
  const rows = await db.select({ itemId: itemParameters.itemId, difficulty: itemParameters.difficulty, se: itemParameters.se }).from(itemParameters).where(inArray(itemParameters.itemId, itemIds));
  return new Map(rows.map((r) => [r.itemId, { difficulty: r.difficulty, se: r.se }]));
}

/** Every adopted difficulty of a module (assembly to a target reads the whole calibrated bank). */
export async function moduleDifficulties(db: Db, module: ModuleCode): Promise<Map<string, number>> {
  const rows = await db.select({ itemId: itemParameters.itemId, difficulty: itemParameters.difficulty }).from(itemParameters).where(eq(itemParameters.module, module));
  return new Map(rows.map((r) => [r.itemId, r.difficulty]));
}

export async function insertScale(db: Db, row: typeof measurementScales.$inferInsert): Promise<ScaleRow> {
  const [r] = await db.insert(measurementScales).values(row).returning();
  return r!;
}

export const listScales = (db: Db, module: ModuleCode) => db.select().from(measurementScales).where(eq(measurementScales.module, module)).orderBy(desc(measurementScales.version));

export const findScale = async (db: Db, module: ModuleCode, version: number) =>
  (await db.select().from(measurementScales).where(and(eq(measurementScales.module, module), eq(measurementScales.version, version))))[0];

/** The scale scoring uses: the newest approved version. */
export const activeScale = async (db: Db, module: ModuleCode) =>
  (await db.select().from(measurementScales).where(and(eq(measurementScales.module, module), isNotNull(measurementScales.approvedAt))).orderBy(desc(measurementScales.version)).limit(1))[0];

export async function approveScale(db: Db, module: ModuleCode, version: number, by: string, at: Date): Promise<void> {
  await db.update(measurementScales).set({ approvedBy: by, approvedAt: at }).where(and(eq(measurementScales.module, module), eq(measurementScales.version, version)));
}

/** A form's module and its items with their roles. */
export async function formWithItems(db: Db, formId: string) {
  const [form] = await db.select({ id: forms.id, module: forms.module }).from(forms).where(eq(forms.id, formId));
  if (!form) return undefined;
  const rows = await db.select({ itemId: formItems.itemId, role: formItems.role }).from(formItems).where(eq(formItems.formId, formId));
  return { ...form, items: rows };
}

/** Every scored session of a module: form, raw score, pass/fail, when it was scored. */
export const scoredSessions = (db: Db, module: ModuleCode) =>
  db
    .select({ sessionId: examSessions.id, formId: examSessions.formId, rawScore: sessionScores.rawScore, passed: sessionScores.passed, scoredAt: sessionScores.scoredAt })
    .from(sessionScores)
    .innerJoin(examSessions, eq(examSessions.id, sessionScores.sessionId))
    .where(and(eq(examSessions.module, module), isNotNull(examSessions.formId)));

export const scoredItemsOfForms = (db: Db, formIds: string[]) =>
  formIds.length ? db.select({ formId: formItems.formId, itemId: formItems.itemId }).from(formItems).where(and(inArray(formItems.formId, formIds), eq(formItems.role, 'scored'))) : Promise.resolve([]);
