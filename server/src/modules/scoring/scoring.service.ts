/**
 * Scoring, score reports, credentials and the CPT certification rules, around the pure rules in domain/. A session is
 * scored once when it ends (the sessions service calls scoreEndedSession under the session's row lock); rescoring
 * after a key correction is an admin action with a dry run.
 */
import { randomBytes } from 'node:crypto';
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
import { formatVerificationCode, fullCptStatus, isCredentialValid, moduleCertificateDates, MODULE_TITLES, normalizeVerificationCode } from './domain/credentials.ts';
import { checkEligibility } from './domain/eligibility.ts';
import { recertificationProgress } from './domain/recertification.ts';
import { scoreSession, type EndReason, type ScoreResult } from './domain/score-session.ts';
import * as repo from './scoring.repository.ts';

export interface ScoringDeps {
  db: Db;
  clock: Clock;
  audit: Pick<AuditService, 'record'>;
  itemBank: Pick<ItemBankService, 'snapshot'>;
  assembly: Pick<AssemblyService, 'blueprintFor'>;
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

  async function policy(tx: Db = db): Promise<CertificationPolicy> {
    const p = await repo.latestPolicy(tx);
    if (!p) throw new AppError('INTERNAL', 'No certification policy is loaded');
    return p;
  }

  /** Computes a session's result; keyOverrides replace the key of an item (a corrected miskey) with a newer version's. */
  async function compute(tx: Db, s: EndedSession, keyOverrides: Map<string, { key: string; version: number }> = new Map()): Promise<ScoreResult> {
    const blueprint = await deps.assembly.blueprintFor(s.module, s.blueprintVersion, tx);
    const snapshot = await deps.itemBank.snapshot(tx);
    const catalog = snapshot.modules.get(s.module)?.catalogs.find((c) => c.version === blueprint.kwaCatalogVersion);
    const input = await repo.scoringInput(tx, s.id, s.formId!);
    return scoreSession({
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

  /** Issues the module certificate for a pass, and the full CPT when this pass completes it. */
  async function issueCredentials(tx: Db, s: EndedSession, passedAt: Date, actor: Actor | null) {
    const p = await policy(tx);
    const center = await repo.centerOf(tx, s.testCenterId);
    const tz = center?.timeZone ?? 'UTC';
    const dates = moduleCertificateDates(passedAt, p, tz);
    const code = formatVerificationCode(randomBytes(12));
    const cert = await repo.insertCredential(tx, {
      candidateId: s.candidateId,
      kind: 'module',
      module: s.module,
      sessionId: s.id,
      verificationCode: code,
      issuedAt: dates.issuedAt,
      expiresAt: dates.expiresAt,
      issuedOn: dates.issuedOn,
      validThrough: dates.validThrough,
      timeZone: tz,
      policyVersion: p.version,
    });
    await deps.audit.record(actor, { action: 'credential.issued', subjectType: 'credential', subjectId: cert.id, details: { kind: 'module', module: s.module, sessionId: s.id } }, tx);

    const held = await repo.credentialsOf(tx, s.candidateId);
    const now = passedAt;
    if (held.some((c) => c.kind === 'full-cpt' && isCredentialValid({ ...c, revoked: c.status === 'revoked' }, now))) return;
    const passes = held.filter((c) => c.kind === 'module' && c.status === 'active' && c.module).map((c) => ({ module: c.module!, passedAt: c.issuedAt, timeZone: c.timeZone }));
    const full = fullCptStatus(passes, p);
    if (!full.complete || full.issuedAt.getTime() !== passedAt.getTime()) return;
    const fullCred = await repo.insertCredential(tx, {
      candidateId: s.candidateId,
      kind: 'full-cpt',
      module: null,
      sessionId: s.id,
      verificationCode: formatVerificationCode(randomBytes(12)),
      issuedAt: full.issuedAt,
      expiresAt: full.expiresAt,
      issuedOn: full.issuedOn,
      validThrough: full.validThrough,
      timeZone: tz,
      policyVersion: p.version,
    });
    await deps.audit.record(actor, { action: 'credential.issued', subjectType: 'credential', subjectId: fullCred.id, details: { kind: 'full-cpt', modules: full.modules } }, tx);
  }

  async function loadReportable(actor: Actor, sessionId: string) {
    const h = await repo.sessionHeader(db, sessionId);
    if (!h) throw notFound('score report');
    if (actor.role === 'candidate' && h.candidateId !== actor.userId) throw notFound('score report');
    if (actor.role === 'proctor') assertTestCenterAccess(actor, h.testCenterId);
    if (actor.role === 'author') throw forbidden();
    return h;
  }

  const service = {
    policy,

    /** Loads a policy file's content if that version is not stored yet (start-up). */
    async ensurePolicy(raw: unknown) {
      const parsed = certificationPolicySchema.safeParse(raw);
      if (!parsed.success) throw validationFailed('The certification policy file is invalid', parsed.error.issues.map((i) => ({ pointer: '/' + i.path.join('/'), message: i.message })));
      if (!(await repo.findPolicy(db, parsed.data.version))) await repo.insertPolicy(db, parsed.data);
    },

    /** Called by the sessions service, under the session's lock, exactly once per ended session. */
    async scoreEndedSession(tx: Db, s: EndedSession, now: Date): Promise<{ scored: boolean; passed: boolean }> {
      if (!s.formId) return { scored: false, passed: false }; // ended before a form was assigned: nothing to score
      if (await repo.findScore(tx, s.id)) return { scored: true, passed: false };
      const result = await compute(tx, s);
      await repo.putScore(tx, { sessionId: s.id, scoringVersion: result.scoringVersion, rawScore: result.rawScore, scoredItems: result.scoredItems, percent: result.percent, passed: result.passed, result: { ...result }, scoredAt: now, revision: 1 }, 'scored when the session ended');
      await deps.audit.record(null, { action: 'session.score-recorded', subjectType: 'session', subjectId: s.id, details: { rawScore: result.rawScore, rawCut: result.rawCut, passed: result.passed, scoringVersion: result.scoringVersion } }, tx);
      if (result.passed) await issueCredentials(tx, s, s.endedAt ?? now, null);
      return { scored: true, passed: result.passed };
    },

    /** The score report: candidates their own, proctors their centers', admins all. No item content. */
    async report(actor: Actor, sessionId: string): Promise<ScoreReport> {
      const h = await loadReportable(actor, sessionId);
      const score = await repo.findScore(db, sessionId);
      const cert = score?.passed ? await repo.credentialForSession(db, sessionId) : undefined;
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
          ? { scoredItems: r.scoredItems, rawScore: r.rawScore, percent: r.percent, cutPercent: r.cutPercent, rawCut: r.rawCut, passed: r.passed, kwas: r.kwas, diagnosticNote: r.diagnosticNote, scoringVersion: r.scoringVersion }
          : null,
        certificate: cert ? { verificationCode: cert.verificationCode, issuedOn: cert.issuedOn, expiresOn: cert.validThrough } : null,
      };
    },

    /** Public verification: code → holder, credential, dates, status; nothing else. */
    async verify(rawCode: string) {
      const code = normalizeVerificationCode(rawCode);
      if (!code) throw validationFailed('That is not a verification code (they look like CPT-XXXX-XXXX-XXXX)');
      const row = await repo.findCredentialByCode(db, code);
      if (!row) throw notFound('a credential with this code');
      const c = row.credential;
      const now = clock.now();
      const status = c.status === 'revoked' ? ('revoked' as const) : now >= c.expiresAt ? ('expired' as const) : ('valid' as const);
      return {
        verificationCode: c.verificationCode,
        holder: row.holder,
        credential: c.kind === 'full-cpt' ? 'Certified Production Technician (CPT)' : `CPT module certificate: ${MODULE_TITLES[c.module!]}`,
        issuedOn: c.issuedOn,
        validThrough: c.validThrough,
        status,
      };
    },

    /** The retake policy port the sessions service uses when scheduling. */
    async checkEligibility(input: { candidateId: string; module: ModuleCode; testCenterId: string; at: Date }) {
      const p = await policy();
      const center = await repo.centerOf(db, input.testCenterId);
      const attempts = (await repo.attempts(db, input.candidateId, input.module)).filter((a) => a.endedAt);
      const creds = await repo.credentialsOf(db, input.candidateId);
      return checkEligibility({
        module: input.module,
        attempts: attempts.map((a) => ({ module: a.module, endedAt: a.endedAt!, passed: a.passed, endReason: (a.endReason ?? 'submitted') as EndReason, timeZone: a.timeZone })),
        credentials: creds.filter((c) => c.kind === 'module' && c.module).map((c) => ({ module: c.module!, issuedAt: c.issuedAt, expiresAt: c.expiresAt, revoked: c.status === 'revoked' })),
        at: input.at,
        timeZone: center?.timeZone ?? 'UTC',
        policy: p,
      });
    },

    /** Attempts, results, credentials, full-CPT progress and eligibility per module. */
    async history(actor: Actor, candidateId: string) {
      if (actor.role === 'candidate' && actor.userId !== candidateId) throw notFound('candidate');
      if (actor.role !== 'candidate' && actor.role !== 'admin') throw forbidden();
      const p = await policy();
      const now = clock.now();
      const attempts = await repo.attempts(db, candidateId);
      const creds = await repo.credentialsOf(db, candidateId);
      const centerId = attempts.at(-1)?.testCenterId ?? actor.testCenterIds[0];
      const eligibility = centerId
        ? Object.fromEntries(await Promise.all(MODULE_CODES.map(async (m) => [m, await service.checkEligibility({ candidateId, module: m, testCenterId: centerId, at: now })] as const)))
        : {};
      const passes = creds.filter((c) => c.kind === 'module' && c.status === 'active' && c.module).map((c) => ({ module: c.module!, passedAt: c.issuedAt, timeZone: c.timeZone }));
      const full = creds.find((c) => c.kind === 'full-cpt' && c.status === 'active');
      const activities = await repo.recertActivitiesOf(db, candidateId);
      return {
        attempts: attempts.map((a) => ({ sessionId: a.sessionId, module: a.module, moduleTitle: a.moduleTitle, endedAt: a.endedAt, endReason: a.endReason, rawScore: a.rawScore, scoredItems: a.scoredItems, percent: a.percent, passed: a.passed, testCenter: a.centerName })),
        credentials: creds.map((c) => ({ id: c.id, kind: c.kind, module: c.module, verificationCode: c.verificationCode, issuedOn: c.issuedOn, validThrough: c.validThrough, status: c.status === 'revoked' ? ('revoked' as const) : now >= c.expiresAt ? ('expired' as const) : ('valid' as const) })),
        fullCpt: fullCptStatus(passes, p),
        eligibility,
        recertification: full
          ? recertificationProgress({ credentialIssuedAt: full.issuedAt, credentialExpiresAt: full.expiresAt, activities: activities.map((a) => ({ category: a.category, points: a.points, completedAt: a.completedAt, description: a.description })), at: now, policy: p, timeZone: full.timeZone })
          : null,
      };
    },

    async addRecertActivity(actor: Actor, candidateId: string, a: { category: string; points: number; completedAt: Date; description: string }) {
      if (actor.role !== 'admin' && actor.userId !== candidateId) throw forbidden();
      const p = await policy();
      if (!p.recertification.categories.some((c) => c.id === a.category)) {
        throw validationFailed(`Unknown category "${a.category}"`, [{ pointer: '/category', message: `one of ${p.recertification.categories.map((c) => c.id).join(', ')}` }]);
      }
      return db.transaction(async (tx) => {
        const row = await repo.addRecertActivity(tx, { candidateId, ...a, recordedBy: actor.userId });
        await deps.audit.record(actor, { action: 'recertification.activity-recorded', subjectType: 'user', subjectId: candidateId, details: { ...a, completedAt: a.completedAt.toISOString() } }, tx);
        return row;
      });
    },

    /** Attempts as CSV for admins (one row per session). */
    async exportCsv(): Promise<string> {
      const rows = await repo.allAttemptsForExport(db);
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
        const current = await repo.currentItemVersion(tx, input.itemId);
        if (!current) throw notFound(`item ${input.itemId}`);
        const sessionIds = await repo.scoredSessionsWithItem(tx, input.itemId);
        const override = new Map([[input.itemId, { key: current.content.key, version: current.version }]]);
        const changes = [];
        for (const id of sessionIds) {
          const h = await repo.sessionHeader(tx, id);
          const before = await repo.findScore(tx, id);
          if (!h?.formId || !before) continue;
          const delivered = (await repo.scoringInput(tx, id, h.formId)).items.find((i) => i.itemId === input.itemId)!;
          if (delivered.content.stem !== current.content.stem || JSON.stringify(delivered.content.options) !== JSON.stringify(current.content.options)) {
            throw conflict(`Item ${input.itemId} version ${current.version} changes the stem or options of version ${delivered.version}; rescoring applies only to key corrections`);
          }
          const after = await compute(tx, h, override);
          const change = { sessionId: id, candidate: h.candidateName, module: h.module, before: { rawScore: before.rawScore, passed: before.passed }, after: { rawScore: after.rawScore, passed: after.passed } };
          if (change.before.rawScore === change.after.rawScore && change.before.passed === change.after.passed) continue;
          changes.push(change);
          if (input.dryRun) continue;
          await repo.putScore(tx, { sessionId: id, scoringVersion: after.scoringVersion, rawScore: after.rawScore, scoredItems: after.scoredItems, percent: after.percent, passed: after.passed, result: { ...after }, scoredAt: clock.now(), revision: before.revision + 1 }, `rescored: ${input.reason}`);
          await deps.audit.record(actor, { action: 'session.rescored', subjectType: 'session', subjectId: id, reason: input.reason, details: { itemId: input.itemId, keyVersion: current.version, before: change.before, after: change.after } }, tx);
          const cert = await repo.credentialForSession(tx, id);
          if (before.passed && !after.passed && cert) {
            await repo.revokeCredential(tx, cert.id, `rescored after a key correction of ${input.itemId}`);
            await deps.audit.record(actor, { action: 'credential.revoked', subjectType: 'credential', subjectId: cert.id, reason: input.reason }, tx);
          }
          if (!before.passed && after.passed && h.endedAt) await issueCredentials(tx, h, h.endedAt, actor);
        }
        if (!input.dryRun) await deps.audit.record(actor, { action: 'rescore.applied', subjectType: 'item', subjectId: input.itemId, reason: input.reason, details: { sessions: sessionIds.length, changed: changes.length } }, tx);
        return { itemId: input.itemId, keyVersion: current.version, sessionsChecked: sessionIds.length, changes, dryRun: input.dryRun };
      });
    },
  };

  return service;
}

export type ScoringService = ReturnType<typeof createScoringService>;
