import { and, eq, inArray, isNotNull } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { bankReleases, examSessions, formItems, itemVersions, responses, sessionScores } from '../../db/schema/index.ts';
import type { ModuleCode } from '../../../../shared/vocabulary.ts';

/**
 * Read model: the tables of other modules this repository reads (never writes), declared so a cross-module read is
 * never a silent join; scripts/lint-architecture.ts holds the list to the code.
 * Delivered, scored sessions with their forms, keys and responses: the matrix item analysis reads.
 */
export const readModel = { reads: ['bankReleases', 'examSessions', 'formItems', 'itemVersions', 'responses', 'sessionScores'] } as const;

/** Every delivered, scored session of a module: which items (and versions) it presented and what was chosen. */
export async function deliveredResponses(db: Db, module: ModuleCode) {
  const sessions = await db
    .select({ id: examSessions.id, formId: examSessions.formId, releaseId: examSessions.releaseId, releaseName: bankReleases.name })
    .from(examSessions)
    .innerJoin(sessionScores, eq(sessionScores.sessionId, examSessions.id))
    .leftJoin(bankReleases, eq(bankReleases.id, examSessions.releaseId))
    .where(and(eq(examSessions.module, module), isNotNull(examSessions.formId), isNotNull(examSessions.startedAt)));
  if (!sessions.length) return { sessions: [], presented: [], answers: [] };
  const formIds = [...new Set(sessions.map((s) => s.formId!))];
  const presented = await db
    .select({ formId: formItems.formId, itemId: formItems.itemId, version: formItems.itemVersion, role: formItems.role, key: itemVersions.content })
    .from(formItems)
    .innerJoin(itemVersions, and(eq(itemVersions.itemId, formItems.itemId), eq(itemVersions.version, formItems.itemVersion)))
    .where(inArray(formItems.formId, formIds));
  const answers = await db
    .select({ sessionId: responses.sessionId, itemId: responses.itemId, optionId: responses.optionId })
    .from(responses)
    .where(inArray(responses.sessionId, sessions.map((s) => s.id)));
  return { sessions, presented, answers };
}

/** A bank release's name, or undefined when there is no release with that id. */
export async function releaseName(db: Db, id: string): Promise<string | undefined> {
  const [row] = await db.select({ name: bankReleases.name }).from(bankReleases).where(eq(bankReleases.id, id)).limit(1);
  return row?.name;
}
