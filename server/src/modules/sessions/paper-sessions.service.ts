/**
 * The sessions module's side of paper delivery (docs/paper.md): it assigns a form to a scheduled session that will be
 * sat on paper, and records the sitting's responses as the session's own, so scoring, diagnostics, credentials and
 * retake rules treat the result exactly like an online one. Both run in the caller's transaction (the paper module
 * stores its booklet and entries in the same commit). A paper session never starts online (sessions.service start).
 */
import type { Db } from '../../db/client.ts';
import type { Actor } from '../../platform/actor.ts';
import { assertTestCenterAccess } from '../../platform/authz.ts';
import { AppError, forbidden, notFound, validationFailed } from '../../platform/errors.ts';
import type { AssemblyService } from '../assembly/assembly.service.ts';
import type { AuditService } from '../audit/audit.service.ts';
import { transition } from './domain/session-lifecycle.ts';
import type { EligibilityPort } from './sessions.service.ts';
import * as repo from './sessions.repository.ts';

export interface PaperSessionsDeps {
  db: Db;
  audit: Pick<AuditService, 'record'>;
  assembly: Pick<AssemblyService, 'formForSession'>;
  eligibility?: EligibilityPort;
  retakeLookbackForms?: number;
}

export type PaperFormItem = repo.SessionFormItem;

export function createPaperSessions(deps: PaperSessionsDeps) {
  async function lockForStaff(tx: Db, actor: Actor, id: string): Promise<repo.SessionRow> {
    if (actor.role !== 'proctor' && actor.role !== 'admin') throw forbidden('Only proctors and admins handle paper exams');
    const row = await repo.lockSession(tx, id);
    if (!row) throw notFound('exam session');
    assertTestCenterAccess(actor, row.testCenterId);
    return row;
  }

  const audit = (tx: Db, actor: Actor, row: repo.SessionRow, action: string, details: Record<string, unknown>) =>
    deps.audit.record(actor, { action: `session.${action}`, subjectType: 'session', subjectId: row.id, details }, tx);

  return {
    /**
     * The retake rules, checked as at an online admission; called before the transaction of assignPaperForm (the
     * eligibility port reads on its own connection, which an open transaction on an embedded database would block).
     */
    async checkEligibility(actor: Actor, id: string, now: Date): Promise<void> {
      const row = await repo.findSession(deps.db, id);
      // Another center's staff are refused before anything about the candidate is worked out (#14.8).
      if (row) assertTestCenterAccess(actor, row.testCenterId);
      if (!row || !deps.eligibility || (row.delivery === 'paper' && row.formId)) return;
      const verdict = await deps.eligibility.check({ candidateId: row.candidateId, module: row.module, testCenterId: row.testCenterId, at: now });
      if (!verdict.eligible) throw new AppError('RULE_VIOLATION', verdict.reason, { details: { nextEligibleDate: verdict.nextEligibleDate } });
    },

    /**
     * Marks a scheduled session for paper delivery and assembles its form (a published fixed form, or linear-on-the-fly
     * with the retake overlap rule, as at an online admission). Producing it again returns the same form: a reprint, never a new one.
     */
    async assignPaperForm(tx: Db, actor: Actor, id: string): Promise<{ session: repo.SessionRow; formId: string; items: PaperFormItem[]; created: boolean }> {
      const row = await lockForStaff(tx, actor, id);
      if (row.delivery === 'paper' && row.formId) return { session: row, formId: row.formId, items: await repo.loadSessionForm(tx, row.formId), created: false };
      if (row.state !== 'scheduled' && row.state !== 'checked_in') throw new AppError('INVALID_TRANSITION', `A paper form can be produced only for a session that has not started; this one is ${row.state.replace('_', ' ')}`);
      if (row.formId) throw new AppError('INVALID_TRANSITION', 'The candidate was already admitted online with a form; this exam is delivered online');
      const previous = await repo.previousFormIds(tx, row.candidateId, row.module, row.id, deps.retakeLookbackForms ?? 1);
      const form = await deps.assembly.formForSession(tx, { module: row.module, blueprintVersion: row.blueprintVersion, previousFormIds: previous, actor });
      await repo.updateSession(tx, id, { delivery: 'paper', formId: form.formId, releaseId: form.releaseId });
      await audit(tx, actor, row, 'paper-form-assigned', { formId: form.formId, formKind: form.kind, seed: form.seed, releaseId: form.releaseId });
      await repo.notifySession(tx, id, 'paper', { center: row.testCenterId });
      return { session: { ...row, delivery: 'paper', formId: form.formId }, formId: form.formId, items: await repo.loadSessionForm(tx, form.formId), created: true };
    },

    /** The images the paper form's items show, by content hash; the caller has loaded the form through paperForm (which authorizes). */
    formImages: (tx: Db, formId: string) => repo.formMediaAll(tx, formId),

    /** The form of a paper session, in booklet order, with each item's content (for the booklet and for scoring entries). */
    async paperForm(tx: Db, actor: Actor, id: string): Promise<{ session: repo.SessionRow; items: PaperFormItem[] }> {
      if (actor.role !== 'proctor' && actor.role !== 'admin') throw forbidden('Only proctors and admins handle paper exams');
      const row = await repo.findSession(tx, id);
      if (!row) throw notFound('exam session');
      assertTestCenterAccess(actor, row.testCenterId);
      if (row.delivery !== 'paper' || !row.formId) throw new AppError('INVALID_TRANSITION', 'No paper form was produced for this session');
      return { session: row, items: await repo.loadSessionForm(tx, row.formId) };
    },

    /**
     * Records a paper sitting's responses (item id → option id, or null for no mark or a double mark) as the session's
     * responses and ends it as submitted at the sitting's time. The caller then has it scored like any ended session.
     */
    async recordPaperResponses(tx: Db, actor: Actor, id: string, input: { answers: Record<string, string | null>; satAt: Date; source: string }, now: Date): Promise<repo.SessionRow> {
      const row = await lockForStaff(tx, actor, id);
      if (row.delivery !== 'paper' || !row.formId) throw new AppError('INVALID_TRANSITION', 'No paper form was produced for this session');
      const r = transition({ state: row.state, admitted: !!row.admittedAt, handbookAcknowledged: !!row.handbookAcknowledgedAt }, { type: 'paper-submit' }, now);
      if (!r.ok) throw new AppError('INVALID_TRANSITION', r.reason[0]!.toUpperCase() + r.reason.slice(1));
      if (input.satAt.getTime() > now.getTime()) throw validationFailed('The sitting cannot be in the future', [{ pointer: '/satAt', message: 'after the current time' }]);
      const form = await repo.loadSessionForm(tx, row.formId);
      const options = new Map(form.map((f) => [f.itemId, new Set(f.optionOrder)]));
      for (const [itemId, optionId] of Object.entries(input.answers)) {
        if (!options.has(itemId)) throw validationFailed(`Question ${itemId} is not on this paper form`, [{ pointer: `/answers/${itemId}`, message: 'not on the form' }]);
        if (optionId !== null && !options.get(itemId)!.has(optionId)) throw validationFailed(`Option ${optionId} is not an option of question ${itemId}`, [{ pointer: `/answers/${itemId}`, message: 'not an option' }]);
      }
      await repo.upsertAnswers(tx, Object.entries(input.answers).map(([itemId, optionId]) => ({ sessionId: id, itemId, optionId, seq: 1, at: input.satAt })));
      const patch: repo.SessionPatch = { state: r.state, admittedAt: row.admittedAt ?? now, admittedBy: row.admittedBy ?? actor.userId, idConfirmed: true, startedAt: input.satAt, endedAt: input.satAt, endReason: 'submitted', runningSince: null, deadlineAt: null };
      await repo.updateSession(tx, id, patch);
      await audit(tx, actor, row, 'paper-responses-recorded', { source: input.source, satAt: input.satAt.toISOString(), answered: Object.values(input.answers).filter((v) => v !== null).length, questions: form.length });
      await repo.notifySession(tx, id, 'ended', { reason: 'submitted', center: row.testCenterId });
      return { ...row, ...patch } as repo.SessionRow;
    },
  };
}
export type PaperSessions = ReturnType<typeof createPaperSessions>;
