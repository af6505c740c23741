/**
 * Recertification activities (CPT.md §1.1: 100 points in 5 years) and their review. The rule: an activity a candidate
 * reports about themself is `pending` and counts for nothing until an admin approves it; an admin sees the evidence
 * file when one is attached (optional, but what the admin decides on) and approves or rejects with a reason the
 * candidate reads. An activity an admin records is approved at once (the admin is the one deciding). One decision per
 * activity; each report and decision is audited with both people. docs/scoring-and-certification.md §7.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../../db/client.ts';
import type { Actor } from '../../platform/actor.ts';
import type { Clock } from '../../platform/clock.ts';
import { conflict, forbidden, notFound, validationFailed } from '../../platform/errors.ts';
import { RECERT_EVIDENCE_MAX_BYTES } from '../../../../shared/api/score-report.ts';
import type { CertificationPolicy } from '../../../../shared/certification-policy.ts';
import type { AuditService } from '../audit/audit.service.ts';
import { sniffEvidence } from './domain/evidence.ts';
import * as repo from './recertification.repository.ts';

export interface NewRecertActivity {
  category: string;
  points: number;
  completedAt: Date;
  description: string;
  evidence?: { fileName: string; base64: string };
}

const mb = (n: number) => `${(n / (1024 * 1024)).toFixed(1)} MB`;

export function createRecertificationService(deps: { db: Db; clock: Clock; audit: Pick<AuditService, 'record'>; policy: () => Promise<CertificationPolicy> }) {
  const { db, clock } = deps;

  function assertAdmin(actor: Actor) {
    if (actor.role !== 'admin') throw forbidden('Only admins approve or reject recertification activities');
  }

  /** The evidence as stored: bytes checked for size and kind before anything is written. */
  function readEvidence(e: NonNullable<NewRecertActivity['evidence']>) {
    const bytes = Buffer.from(e.base64, 'base64');
    if (bytes.length === 0) throw validationFailed(`The evidence file "${e.fileName}" is empty`, [{ pointer: '/evidence/base64', message: 'empty file' }]);
    if (bytes.length > RECERT_EVIDENCE_MAX_BYTES) {
      throw validationFailed(`The evidence file "${e.fileName}" is ${mb(bytes.length)}; the limit is ${mb(RECERT_EVIDENCE_MAX_BYTES)}`, [{ pointer: '/evidence/base64', message: `larger than ${RECERT_EVIDENCE_MAX_BYTES} bytes` }]);
    }
    const contentType = sniffEvidence(bytes);
    if (!contentType) {
      throw validationFailed(`The evidence file "${e.fileName}" is not a PDF, PNG or JPEG file (its content was checked, not its name)`, [{ pointer: '/evidence/base64', message: 'not a PDF, PNG or JPEG file' }]);
    }
    return { bytes, contentType, fileName: e.fileName, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  }

  return {
    /** A candidate reports their own activity (pending); an admin records one for a candidate (approved). */
    async add(actor: Actor, candidateId: string, a: NewRecertActivity) {
      if (actor.role === 'candidate' && actor.userId !== candidateId) throw notFound('candidate');
      if (actor.role !== 'admin' && actor.role !== 'candidate') throw forbidden();
      const p = await deps.policy();
      if (!p.recertification.categories.some((c) => c.id === a.category)) {
        throw validationFailed(`Unknown category "${a.category}"`, [{ pointer: '/category', message: `one of ${p.recertification.categories.map((c) => c.id).join(', ')}` }]);
      }
      const evidence = a.evidence ? readEvidence(a.evidence) : null;
      const now = clock.now();
      const byAdmin = actor.role === 'admin';
      return db.transaction(async (tx) => {
        const row = await repo.insertActivity(tx, {
          candidateId,
          category: a.category,
          points: a.points,
          completedAt: a.completedAt,
          description: a.description,
          recordedBy: actor.userId,
          status: byAdmin ? 'approved' : 'pending',
          decidedBy: byAdmin ? actor.userId : null,
          decidedAt: byAdmin ? now : null,
        });
        if (evidence) await repo.insertEvidence(tx, { activityId: row.id, contentType: evidence.contentType, fileName: evidence.fileName, size: evidence.size, sha256: evidence.sha256, bytes: evidence.bytes, uploadedAt: now });
        await deps.audit.record(
          actor,
          {
            action: byAdmin ? 'recertification.activity-recorded' : 'recertification.activity-reported',
            subjectType: 'recert-activity',
            subjectId: row.id,
            details: { candidateId, category: a.category, points: a.points, completedAt: a.completedAt.toISOString(), status: row.status, evidence: evidence ? { fileName: evidence.fileName, contentType: evidence.contentType, size: evidence.size, sha256: evidence.sha256 } : null },
          },
          tx,
        );
        return { ...row, evidence: evidence ? { fileName: evidence.fileName, contentType: evidence.contentType, size: evidence.size } : null };
      });
    },

    async approve(actor: Actor, id: string) {
      return decide(actor, id, 'approved', null);
    },

    async reject(actor: Actor, id: string, reason: string) {
      return decide(actor, id, 'rejected', reason);
    },

    /** The evidence file: its candidate's own, or any for an admin; someone else's is not found (no existence leak). */
    async evidence(actor: Actor, candidateId: string, activityId: string) {
      if (actor.role === 'candidate' && actor.userId !== candidateId) throw notFound('evidence');
      if (actor.role !== 'admin' && actor.role !== 'candidate') throw forbidden();
      const a = await repo.findActivity(db, activityId);
      if (!a || a.candidateId !== candidateId) throw notFound('evidence');
      const e = await repo.evidenceOf(db, activityId);
      if (!e) throw notFound('evidence');
      return { bytes: e.bytes, contentType: e.contentType, fileName: e.fileName };
    },

    /** The admin's queue (pending by default). */
    async review(actor: Actor, status: repo.RecertStatus) {
      assertAdmin(actor);
      return repo.activitiesByStatus(db, status);
    },
  };

  async function decide(actor: Actor, id: string, status: 'approved' | 'rejected', reason: string | null) {
    assertAdmin(actor);
    return db.transaction(async (tx) => {
      const now = clock.now();
      const done = await repo.decidePending(tx, id, { status, decidedBy: actor.userId, decidedAt: now, decisionReason: reason });
      if (!done) {
        const a = await repo.findActivity(tx, id);
        if (!a) throw notFound('recertification activity');
        throw conflict(`This activity was already ${a.status}; a decision is made once`, { status: a.status });
      }
      const a = (await repo.findActivity(tx, id))!;
      await deps.audit.record(
        actor,
        {
          action: status === 'approved' ? 'recertification.activity-approved' : 'recertification.activity-rejected',
          subjectType: 'recert-activity',
          subjectId: id,
          ...(reason ? { reason } : {}),
          details: { candidateId: a.candidateId, reportedBy: a.recordedBy, decidedBy: actor.userId, category: a.category, points: a.points, evidence: a.evidence ? { fileName: a.evidence.fileName, contentType: a.evidence.contentType } : null },
        },
        tx,
      );
      return a;
    });
  }
}

export type RecertificationService = ReturnType<typeof createRecertificationService>;
