/**
 * The audit log: append-only, written inside the caller's transaction so that an action and its record commit
 * together or not at all.
 */
import type { Db } from '../../db/client.ts';
import type { Actor } from '../../platform/actor.ts';
import { appendAudit, listAuditByAction, listAuditForSubject } from './audit.repository.ts';

export interface AuditEvent {
  action: string;
  subjectType: string;
  subjectId: string;
  reason?: string | null;
  details?: Record<string, unknown>;
}

export function createAuditService(deps: { db: Db }) {
  return {
    /** Records an action by an actor; pass `tx` to commit it with the change it describes. */
    async record(actor: Actor | null, event: AuditEvent, tx: Db = deps.db): Promise<void> {
      await appendAudit(tx, [{ actorId: actor?.userId ?? null, actorRole: actor?.role ?? null, ...event }]);
    },
    forSubject: (subjectType: string, subjectId: string) => listAuditForSubject(deps.db, subjectType, subjectId),
    byAction: (action: string) => listAuditByAction(deps.db, action),
  };
}
export type AuditService = ReturnType<typeof createAuditService>;
