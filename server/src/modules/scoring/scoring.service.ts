/**
 * Scoring, score reports, credentials and the CPT certification rules, around the pure rules in domain/. A session is
 * scored once when it ends (the sessions service calls scoreEndedSession under the session's row lock); rescoring
 * after a key correction is an admin action with a dry run.
 */
import type { Db } from '../../db/client.ts';
import type { Actor } from '../../platform/actor.ts';
import type { Clock } from '../../platform/clock.ts';
import { AppError, conflict, forbidden, notFound, validationFailed } from '../../platform/errors.ts';
import { assertTestCenterAccess } from '../../platform/authz.ts';
import type { ScoreReport } from '../../../../shared/api/score-report.ts';
import { certificationPolicySchema, type CertificationPolicy } from '../../../../shared/certification-policy.ts';
import { csvLine } from '../../../../shared/csv.ts';
import { MODULE_CODES, type ModuleCode } from '../../../../shared/vocabulary.ts';
import type { AssemblyService } from '../assembly/assembly.service.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { ItemBankService } from '../item-bank/item-bank.service.ts';
import type { MeasurementService } from '../psychometrics/measurement.service.ts';
import { addDays } from '../../../../shared/civil-date.ts';
import { fullCptStatus, MODULE_TITLES, normalizeVerificationCode } from './domain/credentials.ts';
import { checkEligibility } from './domain/eligibility.ts';
import { recertificationProgress } from './domain/recertification.ts';
import { scoreSession, type EndReason, type ScaleInput, type ScoreResult } from './domain/score-session.ts';
import { createCredentialLifecycle } from './credential-lifecycle.ts';
import * as lifecycleRepo from './credential-lifecycle.repository.ts';
import * as repo from './scoring.repository.ts';

/**
 * The repository functions the service uses; the real ones are scoring.repository.ts and
 * credential-lifecycle.repository.ts. A test may pass in-memory ones to check the rules without a database.
 */
export type ScoringRepository = Pick<
  typeof repo,
  | 'latestPolicy' | 'findPolicy' | 'insertPolicy' | 'findScore' | 'putScore' | 'centerOf' | 'attempts' | 'credentialsOf'
  | 'findCredentialByCode' | 'sessionHeader' | 'scoredSessionsWithItem' | 'recertActivitiesOf'
  | 'allAttemptsForExport' | 'scoringInput' | 'currentItemVersion'
>;
export type ScoringLifecycleRepository = Pick<typeof lifecycleRepo, 'findDisposition' | 'dispositionsOfCandidate' | 'credentialsForSession'>;

export interface ScoringDeps {
  db: Db;
  /** Default: the PostgreSQL repositories. */
  repository?: ScoringRepository;
  lifecycleRepository?: ScoringLifecycleRepository;
  /** Default: the credential lifecycle on the PostgreSQL repositories (credential-lifecycle.ts). */
  lifecycle?: ReturnType<typeof createCredentialLifecycle>;
  clock: Clock;
  audit: Pick<AuditService, 'record'>;
  itemBank: Pick<ItemBankService, 'snapshot'>;
  assembly: Pick<AssemblyService, 'blueprintFor'>;
  /** The module's ability scale, when it has an approved one (docs/measurement.md §4); absent = percent cuts only. */
  measurement?: Pick<MeasurementService, 'scaleForScoring'>;
}

interface EndedSession {
  id: string;
  candidateId: string;
  module: ModuleCode;
  blueprintVersion: string;
  testCenterId: string;
  formId: string | null;
  endedAt: Date | null;
  endReason: string | null;
}

export function createScoringService(deps: ScoringDeps) {
  const { db, clock } = deps;
  const store: ScoringRepository = deps.repository ?? repo;
  const lifecycleStore: ScoringLifecycleRepository = deps.lifecycleRepository ?? lifecycleRepo;

  async function policy(tx: Db = db): Promise<CertificationPolicy> {
    const p = await store.latestPolicy(tx);
    if (!p) throw new AppError('INTERNAL', 'No certification policy is loaded');
    return p;
  }

  /**
   * Computes a session's result; keyOverrides replace the key of an item (a corrected miskey) with a newer version's.
   * A first scoring uses the module's approved scale when every scored item has a bank difficulty; a rescore (`prior`)
   * keeps the way the result was first reached, the same scale and difficulties or the percent cut, so adopting a
   * scale never changes a past result (docs/measurement.md §6).
   */
  async function compute(tx: Db, s: EndedSession, keyOverrides: Map<string, { key: string; version: number }> = new Map(), prior?: ScoreResult): Promise<ScoreResult> {
    const blueprint = await deps.assembly.blueprintFor(s.module, s.blueprintVersion, tx);
    const snapshot = await deps.itemBank.snapshot(tx);
    const catalog = snapshot.modules.get(s.module)?.catalogs.find((c) => c.version === blueprint.kwaCatalogVersion);
    const input = await store.scoringInput(tx, s.id, s.formId!);
    let scale: ScaleInput | undefined;
    let scaleNote: string | undefined;
    if (prior) {
      if (prior.scale) scale = { version: prior.scale.version, thetaCut: prior.scale.thetaCut, reporting: prior.scale.reporting, difficulties: prior.scale.difficulties };
      scaleNote = prior.scaleNote;
    } else if (deps.measurement) {
      const found = await deps.measurement.scaleForScoring(tx, s.module, input.items.filter((i) => i.role === 'scored').map((i) => i.itemId));
      if (found && 'uncalibrated' in found) scaleNote = `scored by the percent cut: ${found.uncalibrated.length} scored item(s) have no bank difficulty (${found.uncalibrated.join(', ')})`;
      else if (found) scale = found;
    }
    return scoreSession({
      scale,
      scaleNote,
      items: input.items.map((i) => {
        const o = keyOverrides.get(i.itemId);
        return { itemId: i.itemId, version: o?.version ?? i.version, kwa: i.kwa, role: i.role, key: o?.key ?? i.content.key };
      }),
      responses: input.responses,
      cutScore: blueprint.cutScore,
      kwaTitles: Object.fromEntries((catalog?.kwas ?? []).map((k) => [k.code, k.title])),
      endReason: (s.endReason ?? 'submitted') as EndReason,
    });
  }

  const lifecycle = deps.lifecycle ?? createCredentialLifecycle({ audit: deps.audit });

  /** A credential's status as people read it: a revocation or hold first, then the dates. */
  const statusOf = (c: { status: string; expiresAt: Date }, now: Date) => (c.status === 'revoked' ? 'revoked' : c.status === 'suspended' ? 'suspended' : now >= c.expiresAt ? 'expired' : 'valid') as 'valid' | 'expired' | 'suspended' | 'revoked';

  /** Ended attempts as the retake rules count them (docs §9): a void is no attempt unless voided for misconduct. */
  async function eligibilityAttempts(candidateId: string, module: ModuleCode, tx: Db = db) {
    const attempts = (await store.attempts(tx, candidateId, module)).filter((a) => a.endedAt);
    const dispositions = await lifecycleStore.dispositionsOfCandidate(tx, candidateId);
    return attempts
      .filter((a) => {
        const d = dispositions.get(a.sessionId);
        return d?.state !== 'void' || d.countsAsAttempt;
      })
      .map((a) => {
        const d = dispositions.get(a.sessionId);
        return { sessionId: a.sessionId, module: a.module, endedAt: a.endedAt!, passed: a.passed && d?.state !== 'void', endReason: (a.endReason ?? 'submitted') as EndReason, timeZone: a.timeZone, onHold: d?.state === 'on-hold' };
      });
  }

  async function loadReportable(actor: Actor, sessionId: string) {
    const h = await store.sessionHeader(db, sessionId);
    if (!h) throw notFound('score report');
    if (actor.role === 'candidate' && h.candidateId !== actor.userId) throw notFound('score report');
    if (actor.role === 'proctor') assertTestCenterAccess(actor, h.testCenterId);
    if (actor.role === 'author') throw forbidden();
    return h;
  }

  const service = {
    policy,
    lifecycle,
    statusOf,

    /** Loads a policy file's content if that version is not stored yet (start-up). */
    async ensurePolicy(raw: unknown) {
      const parsed = certificationPolicySchema.safeParse(raw);
      if (!parsed.success) throw validationFailed('The certification policy file is invalid', parsed.error.issues.map((i) => ({ pointer: '/' + i.path.join('/'), message: i.message })));
      if (!(await store.findPolicy(db, parsed.data.version))) await store.insertPolicy(db, parsed.data);
    },

    /** Called by the sessions service, under the session's lock, exactly once per ended session. */
    async scoreEndedSession(tx: Db, s: EndedSession, now: Date): Promise<{ scored: boolean; passed: boolean }> {
      if (!s.formId) return { scored: false, passed: false }; // ended before a form was assigned: nothing to score
      if (await store.findScore(tx, s.id)) return { scored: true, passed: false };
      const result = await compute(tx, s);
      await store.putScore(tx, { sessionId: s.id, scoringVersion: result.scoringVersion, rawScore: result.rawScore, scoredItems: result.scoredItems, percent: result.percent, passed: result.passed, result: { ...result }, scoredAt: now, revision: 1 }, 'scored when the session ended');
      await deps.audit.record(null, { action: 'session.score-recorded', subjectType: 'session', subjectId: s.id, details: { rawScore: result.rawScore, rawCut: result.rawCut, passed: result.passed, scoringVersion: result.scoringVersion, scaleVersion: result.scale?.version ?? null, scaleScore: result.scale?.scaleScore ?? null } }, tx);
      if (result.passed) await lifecycle.issue(tx, s, s.endedAt ?? now, null);
      return { scored: true, passed: result.passed };
    },

    /**
     * Withdraws the score of a session an admin reopens (#17.9), in the caller's transaction, so the attempt is
     * scored again when it ends. Refused when the attempt earned a credential (void the result instead: a reopen must
     * not silently take a certificate away) or when a hold or void rests on it. Audited with the score withdrawn.
     */
    async withdrawScoreForReopen(tx: Db, sessionId: string, actor: Actor): Promise<void> {
      const score = await store.findScore(tx, sessionId);
      if (!score) return;
      if ((await lifecycleStore.credentialsForSession(tx, sessionId)).length) throw conflict('This attempt earned a credential; void the result instead of reopening it');
      const disposition = await lifecycleStore.findDisposition(tx, sessionId);
      if (disposition) throw conflict(`This result is ${disposition.state === 'void' ? 'void' : 'on hold'}; it cannot be reopened`);
      await repo.deleteScore(tx, sessionId);
      await deps.audit.record(actor, { action: 'session.score-withdrawn', subjectType: 'session', subjectId: sessionId, reason: 'the attempt was reopened', details: { rawScore: score.rawScore, passed: score.passed, revision: score.revision, scoringVersion: score.scoringVersion } }, tx);
    },

    /** The score report: candidates their own, proctors their centers', admins all. No item content. */
    async report(actor: Actor, sessionId: string): Promise<ScoreReport> {
      const h = await loadReportable(actor, sessionId);
      const score = await store.findScore(db, sessionId);
      const cert = score?.passed ? (await lifecycleStore.credentialsForSession(db, sessionId)).at(-1) : undefined;
      const disposition = await lifecycleStore.findDisposition(db, sessionId);
      const r = score?.result as unknown as ScoreResult | undefined;
      return {
        sessionId: h.id,
        candidateName: h.candidateName,
        module: h.module,
        moduleTitle: h.moduleTitle,
        testCenter: h.testCenter,
        date: h.endedAt?.toISOString() ?? null,
        endReason: h.endReason,
        status: score ? ('scored' as const) : ('pending' as const),
        result: r
          ? {
              scoredItems: r.scoredItems,
              rawScore: r.rawScore,
              percent: r.percent,
              cutPercent: r.cutPercent,
              rawCut: r.rawCut,
              passed: r.passed,
              kwas: r.kwas,
              diagnosticNote: r.diagnosticNote,
              scoringVersion: r.scoringVersion,
              scale: r.scale ? { score: r.scale.scaleScore, cut: r.scale.reporting.cut, min: r.scale.reporting.min, max: r.scale.reporting.max, version: r.scale.version } : null,
            }
          : null,
        // expiresOn is the first day the certificate is no longer valid (docs §6), the day after validThrough.
        certificate: cert ? { verificationCode: cert.verificationCode, issuedOn: cert.issuedOn, validThrough: cert.validThrough, expiresOn: addDays(cert.validThrough, 1), status: statusOf(cert, clock.now()) } : null,
        disposition: disposition ? { state: disposition.state, reason: disposition.reason, decidedAt: disposition.decidedAt.toISOString(), countsAsAttempt: disposition.countsAsAttempt } : null,
        candidateUsername: h.candidateUsername,
        formId: h.formId,
        release: h.releaseId ? { id: h.releaseId, name: h.releaseName ?? h.releaseId } : null,
        timeZone: h.timeZone,
      };
    },

    /** Public verification: code → holder, credential, dates, status; nothing else. */
    async verify(rawCode: string) {
      const code = normalizeVerificationCode(rawCode);
      if (!code) throw validationFailed('That is not a verification code (they look like CPT-XXXX-XXXX-XXXX)');
      const row = await store.findCredentialByCode(db, code);
      if (!row) throw notFound('a credential with this code');
      const c = row.credential;
      const now = clock.now();
      const status = statusOf(c, now);
      return {
        credentialId: c.id,
        kind: c.kind,
        module: c.module,
        verificationCode: c.verificationCode,
        holder: row.holder,
        credential: c.kind === 'full-cpt' ? 'Certified Production Technician (CPT)' : `CPT module certificate: ${MODULE_TITLES[c.module!]}`,
        issuedOn: c.issuedOn,
        validThrough: c.validThrough,
        status,
        /** Why it was revoked or suspended; null when valid or expired. */
        statusReason: status === 'revoked' || status === 'suspended' ? c.statusReason : null,
        statusChangedAt: status === 'revoked' || status === 'suspended' ? (c.statusChangedAt?.toISOString() ?? null) : null,
      };
    },

    /** A credential and its holder's name by canonical verification code (for the credentials module). */
    credentialByCode: (code: string) => store.findCredentialByCode(db, code),

    /** The retake policy port the sessions service uses when scheduling. */
    async checkEligibility(input: { candidateId: string; module: ModuleCode; testCenterId: string; at: Date }, tx: Db = db) {
      const p = await policy(tx);
      const center = await store.centerOf(tx, input.testCenterId);
      const creds = await store.credentialsOf(tx, input.candidateId);
      return checkEligibility({
        module: input.module,
        attempts: await eligibilityAttempts(input.candidateId, input.module, tx),
        credentials: creds.filter((c) => c.kind === 'module' && c.module).map((c) => ({ module: c.module!, issuedAt: c.issuedAt, expiresAt: c.expiresAt, revoked: c.status === 'revoked' })),
        at: input.at,
        timeZone: center?.timeZone ?? 'UTC',
        policy: p,
      });
    },

    /**
     * A failed result's earliest retake date as of that attempt (the wait its failure started), or null: a pass, a
     * result on hold or void, or a session that is not scored.
     */
    async earliestRetakeAfter(sessionId: string): Promise<string | null> {
      const h = await store.sessionHeader(db, sessionId);
      const score = await store.findScore(db, sessionId);
      if (!h?.endedAt || !score || (score.passed && h.endReason !== 'terminated')) return null;
      if (await lifecycleStore.findDisposition(db, sessionId)) return null;
      const attempts = (await eligibilityAttempts(h.candidateId, h.module)).filter((a) => a.endedAt.getTime() <= h.endedAt!.getTime());
      const e = checkEligibility({ module: h.module, attempts, credentials: [], at: h.endedAt, timeZone: h.timeZone, policy: await policy() });
      return e.eligible ? null : e.nextEligibleDate;
    },

    /** What anyone holding a score report's link may confirm: who, which module, when, and the outcome. */
    async reportSummary(sessionId: string) {
      const h = await store.sessionHeader(db, sessionId);
      const score = h ? await store.findScore(db, sessionId) : undefined;
      if (!h || !score) throw notFound('a scored exam with this reference');
      const d = await lifecycleStore.findDisposition(db, sessionId);
      const cert = score.passed ? (await lifecycleStore.credentialsForSession(db, sessionId)).at(-1) : undefined;
      const outcome = d?.state === 'void' ? 'void' : d?.state === 'on-hold' ? 'on-hold' : score.passed && h.endReason !== 'terminated' ? 'passed' : 'not-passed';
      return {
        sessionId: h.id,
        candidateName: h.candidateName,
        moduleTitle: h.moduleTitle,
        testCenter: h.testCenter,
        date: h.endedAt?.toISOString() ?? null,
        timeZone: h.timeZone,
        outcome: outcome as 'passed' | 'not-passed' | 'on-hold' | 'void',
        scoreRevisedAt: score.scoredAt.toISOString(),
        certificateCode: cert && outcome === 'passed' ? cert.verificationCode : null,
      };
    },

    /** Attempts, results, credentials, full-CPT progress and eligibility per module. */
    async history(actor: Actor, candidateId: string) {
      if (actor.role === 'candidate' && actor.userId !== candidateId) throw notFound('candidate');
      if (actor.role !== 'candidate' && actor.role !== 'admin') throw forbidden();
      const p = await policy();
      const now = clock.now();
      const attempts = await store.attempts(db, candidateId);
      const creds = await store.credentialsOf(db, candidateId);
      const dispositions = await lifecycleStore.dispositionsOfCandidate(db, candidateId);
      const centerId = attempts.at(-1)?.testCenterId ?? actor.testCenterIds[0];
      const eligibility = centerId
        ? Object.fromEntries(await Promise.all(MODULE_CODES.map(async (m) => [m, await service.checkEligibility({ candidateId, module: m, testCenterId: centerId, at: now })] as const)))
        : {};
      const passes = creds.filter((c) => c.kind === 'module' && c.status === 'active' && c.module).map((c) => ({ module: c.module!, passedAt: c.issuedAt, timeZone: c.timeZone }));
      const full = creds.findLast((c) => c.kind === 'full-cpt' && c.status === 'active');
      const activities = await store.recertActivitiesOf(db, candidateId);
      return {
        attempts: attempts.map((a) => {
          const d = dispositions.get(a.sessionId);
          return { sessionId: a.sessionId, module: a.module, moduleTitle: a.moduleTitle, endedAt: a.endedAt, endReason: a.endReason, rawScore: a.rawScore, scoredItems: a.scoredItems, percent: a.percent, passed: a.passed, testCenter: a.centerName, disposition: d ? { state: d.state, reason: d.reason, countsAsAttempt: d.countsAsAttempt } : null };
        }),
        credentials: creds.map((c) => ({ id: c.id, kind: c.kind, module: c.module, verificationCode: c.verificationCode, issuedOn: c.issuedOn, validThrough: c.validThrough, status: statusOf(c, now), statusReason: c.status === 'active' ? null : c.statusReason })),
        fullCpt: fullCptStatus(passes, p),
        eligibility,
        recertification: full
          ? recertificationProgress({ credentialIssuedAt: full.issuedAt, credentialExpiresAt: full.expiresAt, activities: activities.map((a) => ({ id: a.id, category: a.category, points: a.points, completedAt: a.completedAt, description: a.description, status: a.status })), at: now, policy: p, timeZone: full.timeZone })
          : null,
        recertActivities: [...activities].reverse(),
      };
    },

    /** Attempts as CSV for admins (one row per session). */
    async exportCsv(): Promise<string> {
      const rows = await store.allAttemptsForExport(db);
      const header = ['candidate', 'candidate_name', 'session_id', 'module', 'state', 'ended_at', 'end_reason', 'raw_score', 'scored_items', 'percent', 'passed', 'test_center'];
      return [csvLine(header), ...rows.map((r) => csvLine([r.candidate, r.candidateName, r.sessionId, r.module, r.state, r.endedAt, r.endReason, r.rawScore, r.scoredItems, r.percent, r.passed, r.center]))].join('\n') + '\n';
    },

    /**
     * After an author corrected a key (a new item version with the same stem and options), rescore every scored
     * session that delivered the item with the corrected key. dryRun shows every change; applying it updates scores,
     * issues or revokes certificates, and audits each change.
     */
    async rescore(actor: Actor, input: { itemId: string; dryRun: boolean; reason: string }) {
      if (actor.role !== 'admin') throw forbidden('Only admins rescore');
      return db.transaction(async (tx) => {
        const current = await store.currentItemVersion(tx, input.itemId);
        if (!current) throw notFound(`item ${input.itemId}`);
        const sessionIds = await store.scoredSessionsWithItem(tx, input.itemId);
        const override = new Map([[input.itemId, { key: current.content.key, version: current.version }]]);
        const changes = [];
        for (const id of sessionIds) {
          const h = await store.sessionHeader(tx, id);
          const before = await store.findScore(tx, id);
          if (!h?.formId || !before) continue;
          const delivered = (await store.scoringInput(tx, id, h.formId)).items.find((i) => i.itemId === input.itemId)!;
          if (delivered.content.stem !== current.content.stem || JSON.stringify(delivered.content.options) !== JSON.stringify(current.content.options)) {
            throw conflict(`Item ${input.itemId} version ${current.version} changes the stem or options of version ${delivered.version}; rescoring applies only to key corrections`);
          }
          const after = await compute(tx, h, override, before.result as unknown as ScoreResult);
          const change = { sessionId: id, candidate: h.candidateName, module: h.module, before: { rawScore: before.rawScore, passed: before.passed }, after: { rawScore: after.rawScore, passed: after.passed } };
          if (change.before.rawScore === change.after.rawScore && change.before.passed === change.after.passed) continue;
          changes.push(change);
          if (input.dryRun) continue;
          await store.putScore(tx, { sessionId: id, scoringVersion: after.scoringVersion, rawScore: after.rawScore, scoredItems: after.scoredItems, percent: after.percent, passed: after.passed, result: { ...after }, scoredAt: clock.now(), revision: before.revision + 1 }, `rescored: ${input.reason}`);
          await deps.audit.record(actor, { action: 'session.rescored', subjectType: 'session', subjectId: id, reason: input.reason, details: { itemId: input.itemId, keyVersion: current.version, before: change.before, after: change.after } }, tx);
          const cert = (await lifecycleStore.credentialsForSession(tx, id)).find((c) => c.status !== 'revoked');
          const disposition = await lifecycleStore.findDisposition(tx, id);
          if (before.passed && !after.passed && cert) {
            const why = `rescored after a key correction of ${input.itemId}: ${input.reason}`;
            await lifecycle.changeStatus(tx, cert, 'revoked', why, actor, clock.now());
            await lifecycle.moduleCertificateWithdrawn(tx, h.candidateId, cert.id, 'revoke', why, actor, clock.now());
          }
          // A voided result earns nothing; a held one is issued suspended until the hold is resolved.
          if (!before.passed && after.passed && h.endedAt && disposition?.state !== 'void') await lifecycle.issue(tx, h, h.endedAt, actor, disposition ? 'suspended' : 'active');
        }
        if (!input.dryRun) await deps.audit.record(actor, { action: 'rescore.applied', subjectType: 'item', subjectId: input.itemId, reason: input.reason, details: { sessions: sessionIds.length, changed: changes.length } }, tx);
        return { itemId: input.itemId, keyVersion: current.version, sessionsChecked: sessionIds.length, changes, dryRun: input.dryRun };
      });
    },
  };

  return service;
}

export type ScoringService = ReturnType<typeof createScoringService>;
