import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { auditLog } from '../../db/schema/index.ts';

export interface AuditEntry {
  actorId: string | null;
  actorRole: string | null;
  action: string;
  subjectType: string;
  subjectId: string;
  reason?: string | null;
  details?: Record<string, unknown>;
  at?: Date;
}

export async function appendAudit(db: Db, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db.insert(auditLog).values(entries.map((e) => ({ ...e, details: e.details ?? {} })));
}

export async function listAuditForSubject(db: Db, subjectType: string, subjectId: string) {
  return db
    .select({ id: auditLog.id, at: auditLog.at, actorId: auditLog.actorId, actorRole: auditLog.actorRole, action: auditLog.action, reason: auditLog.reason, details: auditLog.details })
    .from(auditLog)
    .where(and(eq(auditLog.subjectType, subjectType), eq(auditLog.subjectId, subjectId)))
    .orderBy(asc(auditLog.id));
}

export async function listAuditByAction(db: Db, action: string) {
  return db
    .select({ id: auditLog.id, at: auditLog.at, actorId: auditLog.actorId, subjectType: auditLog.subjectType, subjectId: auditLog.subjectId, details: auditLog.details })
    .from(auditLog)
    .where(eq(auditLog.action, action))
    .orderBy(asc(auditLog.id));
}
