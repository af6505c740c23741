/**
 * An admin's oversight of results and credentials: place a result on hold (its certificate is suspended until the hold
 * is released), void a result (its certificate is revoked; the attempt counts as a failure only when voided for
 * misconduct), and revoke a credential with a reason the public verification page shows. Each action is one
 * transaction: the change, the audit record and the webhook events commit together. docs/scoring-and-certification.md §9.
 */
import type { Db } from '../../db/client.ts';
import type { Actor } from '../../platform/actor.ts';
import type { Clock } from '../../platform/clock.ts';
import { conflict, forbidden, notFound } from '../../platform/errors.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { CredentialLifecycle } from './credential-lifecycle.ts';
import { normalizeVerificationCode } from './domain/credentials.ts';
import * as lifecycleRepo from './credential-lifecycle.repository.ts';
import * as repo from './scoring.repository.ts';

export function createResultActionsService(deps: { db: Db; clock: Clock; audit: Pick<AuditService, 'record'>; lifecycle: CredentialLifecycle }) {
  const { db, clock, lifecycle } = deps;

  function assertAdmin(actor: Actor) {
    if (actor.role !== 'admin') throw forbidden('Only admins hold, void or revoke');
  }

  /** The scored session, locked with its candidate's credentials. */
  async function scoredSession(tx: Db, sessionId: string) {
    const h = await repo.sessionHeader(tx, sessionId);
    if (!h) throw notFound('session');
    const score = await repo.findScore(tx, sessionId);
    if (!score) throw conflict('This session has no score yet; only scored results can be held or voided');
    await lifecycleRepo.lockCredentialsOf(tx, h.candidateId);
    return { h, score, disposition: await lifecycleRepo.findDisposition(tx, sessionId) };
  }

  const liveCertificate = async (tx: Db, sessionId: string) => (await lifecycleRepo.credentialsForSession(tx, sessionId)).find((c) => c.status !== 'revoked');

  return {
    async hold(actor: Actor, sessionId: string, reason: string) {
      assertAdmin(actor);
      return db.transaction(async (tx) => {
        const { h, disposition } = await scoredSession(tx, sessionId);
        if (disposition) throw conflict(disposition.state === 'void' ? 'This result is void; a void is final' : 'This result is already on hold');
        const at = clock.now();
        await lifecycleRepo.putDisposition(tx, { sessionId, state: 'on-hold', reason, countsAsAttempt: false, decidedBy: actor.userId, decidedAt: at });
        await deps.audit.record(actor, { action: 'result.held', subjectType: 'session', subjectId: sessionId, reason, details: { candidateId: h.candidateId, module: h.module } }, tx);
        const cert = await liveCertificate(tx, sessionId);
        if (cert && cert.status === 'active') {
          await lifecycle.changeStatus(tx, cert, 'suspended', `result on hold: ${reason}`, actor, at);
          await lifecycle.moduleCertificateWithdrawn(tx, h.candidateId, cert.id, 'suspend', reason, actor, at);
        }
        return { sessionId, disposition: 'on-hold' as const };
      });
    },

    async release(actor: Actor, sessionId: string, reason: string) {
      assertAdmin(actor);
      return db.transaction(async (tx) => {
        const { h, disposition } = await scoredSession(tx, sessionId);
        if (disposition?.state !== 'on-hold') throw conflict('This result is not on hold');
        const at = clock.now();
        await lifecycleRepo.deleteDisposition(tx, sessionId);
        await deps.audit.record(actor, { action: 'result.released', subjectType: 'session', subjectId: sessionId, reason, details: { candidateId: h.candidateId, module: h.module, heldFor: disposition.reason } }, tx);
        const cert = await liveCertificate(tx, sessionId);
        if (cert?.status === 'suspended') {
          await lifecycle.changeStatus(tx, cert, 'active', `hold released: ${reason}`, actor, at);
          await lifecycle.moduleCertificateReinstated(tx, h.candidateId, `hold released: ${reason}`, actor, at);
        }
        return { sessionId, disposition: null };
      });
    },

    async void(actor: Actor, sessionId: string, input: { reason: string; countsAsAttempt: boolean }) {
      assertAdmin(actor);
      return db.transaction(async (tx) => {
        const { h, disposition } = await scoredSession(tx, sessionId);
        if (disposition?.state === 'void') throw conflict('This result is already void');
        const at = clock.now();
        await lifecycleRepo.putDisposition(tx, { sessionId, state: 'void', reason: input.reason, countsAsAttempt: input.countsAsAttempt, decidedBy: actor.userId, decidedAt: at });
        await deps.audit.record(actor, { action: 'result.voided', subjectType: 'session', subjectId: sessionId, reason: input.reason, details: { candidateId: h.candidateId, module: h.module, countsAsAttempt: input.countsAsAttempt, wasOnHold: disposition?.state === 'on-hold' } }, tx);
        const cert = await liveCertificate(tx, sessionId);
        if (cert) {
          await lifecycle.changeStatus(tx, cert, 'revoked', `result voided: ${input.reason}`, actor, at);
          await lifecycle.moduleCertificateWithdrawn(tx, h.candidateId, cert.id, 'revoke', input.reason, actor, at);
        }
        return { sessionId, disposition: 'void' as const };
      });
    },

    /** Revokes a credential by id or verification code. A module certificate's full CPT follows (§9). */
    async revokeCredential(actor: Actor, idOrCode: string, reason: string) {
      assertAdmin(actor);
      return db.transaction(async (tx) => {
        const code = normalizeVerificationCode(idOrCode);
        const found = code ? (await repo.findCredentialByCode(tx, code))?.credential : /^[0-9a-f-]{36}$/i.test(idOrCode) ? await lifecycleRepo.findCredential(tx, idOrCode) : undefined;
        if (!found) throw notFound('credential');
        await lifecycleRepo.lockCredentialsOf(tx, found.candidateId);
        const c = (await lifecycleRepo.findCredential(tx, found.id))!;
        if (c.status === 'revoked') throw conflict(`Credential ${c.verificationCode} is already revoked`);
        const at = clock.now();
        await lifecycle.changeStatus(tx, c, 'revoked', reason, actor, at);
        if (c.kind === 'module') await lifecycle.moduleCertificateWithdrawn(tx, c.candidateId, c.id, 'revoke', reason, actor, at);
        return { id: c.id, verificationCode: c.verificationCode, status: 'revoked' as const, reason };
      });
    },
  };
}

export type ResultActionsService = ReturnType<typeof createResultActionsService>;
