/**
 * Every change of a credential's life in one place: issuing (a module certificate at a pass, the full CPT when a pass
 * completes it), suspending while a result is on hold, reinstating, revoking, and keeping the full CPT true to the
 * module passes it rests on. Each change is audited and recorded as a credential event (the webhook outbox) in the
 * caller's transaction. Rules: docs/scoring-and-certification.md §9.
 */
import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/client.ts';
import type { Actor } from '../../platform/actor.ts';
import { AppError } from '../../platform/errors.ts';
import type { ModuleCode } from '../../../../shared/vocabulary.ts';
import type { AuditService } from '../audit/audit.service.ts';
import { formatVerificationCode, fullCptStatus, isCredentialValid, moduleCertificateDates } from './domain/credentials.ts';
import * as lifecycleRepo from './credential-lifecycle.repository.ts';
import * as repo from './scoring.repository.ts';

type CredentialRow = repo.CredentialRow;

export interface IssueSource {
  id: string;
  candidateId: string;
  module: ModuleCode;
  testCenterId: string;
}

export function createCredentialLifecycle(deps: { audit: Pick<AuditService, 'record'> }) {
  async function policy(tx: Db) {
    const p = await repo.latestPolicy(tx);
    if (!p) throw new AppError('INTERNAL', 'No certification policy is loaded');
    return p;
  }

  const modulePasses = (rows: CredentialRow[]) => rows.filter((c) => c.kind === 'module' && c.status === 'active' && c.module).map((c) => ({ module: c.module!, passedAt: c.issuedAt, timeZone: c.timeZone }));

  async function insertFullCpt(tx: Db, candidateId: string, sessionId: string | null, full: Extract<ReturnType<typeof fullCptStatus>, { complete: true }>, timeZone: string, policyVersion: string, actor: Actor | null, why: string) {
    const row = await repo.insertCredential(tx, {
      candidateId,
      kind: 'full-cpt',
      module: null,
      sessionId,
      verificationCode: formatVerificationCode(randomBytes(12)),
      issuedAt: full.issuedAt,
      expiresAt: full.expiresAt,
      issuedOn: full.issuedOn,
      validThrough: full.validThrough,
      timeZone,
      policyVersion,
    });
    await deps.audit.record(actor, { action: 'credential.issued', subjectType: 'credential', subjectId: row.id, details: { kind: 'full-cpt', modules: full.modules, why } }, tx);
    return row;
  }

  async function changeStatus(tx: Db, c: CredentialRow, to: 'active' | 'suspended' | 'revoked', reason: string, actor: Actor | null, at: Date) {
    if (c.status === to) return;
    if (c.status === 'revoked') throw new AppError('CONFLICT', `Credential ${c.verificationCode} is revoked; a revocation is final`);
    await lifecycleRepo.setCredentialStatus(tx, c.id, to, to === 'active' ? null : reason, at);
    const action = to === 'revoked' ? 'credential.revoked' : to === 'suspended' ? 'credential.suspended' : 'credential.reinstated';
    await deps.audit.record(actor, { action, subjectType: 'credential', subjectId: c.id, reason, details: { code: c.verificationCode, kind: c.kind, module: c.module, from: c.status } }, tx);
    const kind = to === 'revoked' ? 'revoked' : to === 'suspended' ? 'suspended' : 'reinstated';
    await lifecycleRepo.recordCredentialEvent(tx, { credentialId: c.id, kind, reason, occurredAt: at, dedupeKey: kind === 'revoked' ? `${c.id}:revoked` : `${c.id}:${kind}:${at.toISOString()}` });
    c.status = to;
  }

  /**
   * Does full CPT credential `full` still rest on passes other than `without`? It does when the active module passes
   * up to its issue, minus that one, still complete the full CPT at the same instant.
   */
  function restsOnOthers(full: CredentialRow, passes: CredentialRow[], without: string, p: Awaited<ReturnType<typeof policy>>): boolean {
    const others = modulePasses(passes.filter((c) => c.id !== without && c.issuedAt.getTime() <= full.issuedAt.getTime()));
    const f = fullCptStatus(others, p);
    return f.complete && f.issuedAt.getTime() === full.issuedAt.getTime();
  }

  const lifecycle = {
    changeStatus,

    /** Issues the module certificate for a pass, and the full CPT when this pass completes it. */
    async issue(tx: Db, s: IssueSource, passedAt: Date, actor: Actor | null, initialStatus: 'active' | 'suspended' = 'active') {
      const p = await policy(tx);
      const center = await repo.centerOf(tx, s.testCenterId);
      const tz = center?.timeZone ?? 'UTC';
      const dates = moduleCertificateDates(passedAt, p, tz);
      const cert = await repo.insertCredential(tx, {
        candidateId: s.candidateId,
        kind: 'module',
        module: s.module,
        sessionId: s.id,
        verificationCode: formatVerificationCode(randomBytes(12)),
        issuedAt: dates.issuedAt,
        expiresAt: dates.expiresAt,
        issuedOn: dates.issuedOn,
        validThrough: dates.validThrough,
        timeZone: tz,
        policyVersion: p.version,
        status: initialStatus,
      });
      await deps.audit.record(actor, { action: 'credential.issued', subjectType: 'credential', subjectId: cert.id, details: { kind: 'module', module: s.module, sessionId: s.id, status: initialStatus } }, tx);
      if (initialStatus !== 'active') return;

      const held = await repo.credentialsOf(tx, s.candidateId);
      if (held.some((c) => c.kind === 'full-cpt' && isCredentialValid({ ...c, revoked: c.status === 'revoked' }, passedAt))) return;
      const full = fullCptStatus(modulePasses(held), p);
      if (!full.complete || full.issuedAt.getTime() !== passedAt.getTime()) return;
      await insertFullCpt(tx, s.candidateId, s.id, full, tz, p.version, actor, 'completed by this pass');
    },

    /**
     * After module certificate `moduleCredentialId` stopped counting: on hold (suspend) or revoked/voided (revoke).
     * Every full CPT that rested on it is suspended or revoked too; after a revocation, a full CPT the remaining passes
     * still complete is issued anew (with the dates of that combination).
     */
    async moduleCertificateWithdrawn(tx: Db, candidateId: string, moduleCredentialId: string, mode: 'suspend' | 'revoke', reason: string, actor: Actor | null, at: Date) {
      const p = await policy(tx);
      const all = await repo.credentialsOf(tx, candidateId);
      for (const full of all.filter((c) => c.kind === 'full-cpt' && c.status !== 'revoked')) {
        if (restsOnOthers(full, all, moduleCredentialId, p)) continue;
        if (mode === 'suspend') {
          if (full.status === 'active') await changeStatus(tx, full, 'suspended', `a module result it rests on is on hold: ${reason}`, actor, at);
        } else {
          await changeStatus(tx, full, 'revoked', `a module certificate it rests on was withdrawn: ${reason}`, actor, at);
        }
      }
      if (mode !== 'revoke') return;
      const remaining = all.filter((c) => c.id !== moduleCredentialId);
      if (remaining.some((c) => c.kind === 'full-cpt' && c.status !== 'revoked' && at < c.expiresAt)) return;
      const full = fullCptStatus(modulePasses(remaining), p);
      if (!full.complete || full.expiresAt <= at) return;
      const completing = remaining.find((c) => c.kind === 'module' && c.issuedAt.getTime() === full.issuedAt.getTime());
      await insertFullCpt(tx, candidateId, completing?.sessionId ?? null, full, completing?.timeZone ?? 'UTC', p.version, actor, 'reissued from the remaining module passes');
    },

    /**
     * Announces that a credential expired (for the webhooks of organizations that verified it). Exactly once however
     * many instances sweep at the same time: the event's dedupe key is unique.
     */
    async expired(tx: Db, credentialId: string, expiresAt: Date): Promise<boolean> {
      return lifecycleRepo.recordCredentialEvent(tx, { credentialId, kind: 'expired', reason: null, occurredAt: expiresAt, dedupeKey: `${credentialId}:expired` });
    },

    /** After a hold is released: suspended full CPTs whose passes all count again are reinstated. */
    async moduleCertificateReinstated(tx: Db, candidateId: string, reason: string, actor: Actor | null, at: Date) {
      const p = await policy(tx);
      const all = await repo.credentialsOf(tx, candidateId);
      for (const full of all.filter((c) => c.kind === 'full-cpt' && c.status === 'suspended')) {
        if (restsOnOthers(full, all, '', p)) await changeStatus(tx, full, 'active', reason, actor, at);
      }
    },
  };
  return lifecycle;
}

export type CredentialLifecycle = ReturnType<typeof createCredentialLifecycle>;
