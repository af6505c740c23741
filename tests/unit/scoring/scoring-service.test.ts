/**
 * The scoring service's rules at its seams, without a database: in-memory repositories typed as the service's
 * `ScoringRepository` / `ScoringLifecycleRepository` (Picks of the real repositories) and `Pick<>` fakes of the audit,
 * item-bank and assembly services. The integration tests (tests/api/scoring*, tests/ws) cover the same paths on
 * PGlite and PostgreSQL.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { certificationPolicySchema } from '../../../shared/certification-policy.ts';
import { startOfLocalDay } from '../../../shared/civil-date.ts';
import type { Db } from '../../../server/src/db/client.ts';
import type { AuditEvent } from '../../../server/src/modules/audit/audit.service.ts';
import { createCredentialLifecycle } from '../../../server/src/modules/scoring/credential-lifecycle.ts';
import type { DispositionRow } from '../../../server/src/modules/scoring/credential-lifecycle.repository.ts';
import { createScoringService, type ScoringDeps, type ScoringLifecycleRepository, type ScoringRepository } from '../../../server/src/modules/scoring/scoring.service.ts';
import { fakeClock } from '../../helpers/fake-clock.ts';

const policy = certificationPolicySchema.parse(JSON.parse(readFileSync(new URL('../../../item-bank/policies/cpt-certification-policy.json', import.meta.url), 'utf8')));
const CHI = 'America/Chicago';
const CANDIDATE = '00000000-0000-4000-8000-0000000000a1';
const CENTER = '00000000-0000-4000-8000-0000000000c1';
const local = (date: string, hour: number) => new Date(startOfLocalDay(date, CHI).getTime() + hour * 3600_000);

type Attempt = Awaited<ReturnType<ScoringRepository['attempts']>>[number];
type Score = NonNullable<Awaited<ReturnType<ScoringRepository['findScore']>>>;
type Input = Awaited<ReturnType<ScoringRepository['scoringInput']>>;

/** Ten scored items keyed "A"; `correct` of them answered right. */
function formInput(correct: number): Input {
  const items = Array.from({ length: 10 }, (_, i) => ({
    itemId: `SAF-${i + 1}`,
    version: 1,
    kwa: 'SAF-1',
    role: 'scored' as const,
    content: { kwa: 'SAF-1', stem: `Q${i + 1}`, options: (['A', 'B', 'C', 'D'] as const).map((id) => ({ id, text: id })), key: 'A', rationale: 'r', topics: [] },
  }));
  return { items, responses: Object.fromEntries(items.map((it, i) => [it.itemId, i < correct ? 'A' : 'B'])) };
}

function setup() {
  const clock = fakeClock(local('2026-03-05', 10));
  const scores = new Map<string, Score>();
  const puts: string[] = [];
  const inputs = new Map<string, Input>();
  const attempts: Attempt[] = [];
  const dispositions = new Map<string, DispositionRow>();
  const audit: AuditEvent[] = [];
  const issued: string[] = [];
  const unused = (name: string) => async (): Promise<never> => {
    throw new Error(`${name} is not used by these tests`);
  };
  const repository: ScoringRepository = {
    latestPolicy: async () => policy,
    findPolicy: async () => policy,
    insertPolicy: unused('insertPolicy'),
    findScore: async (_db, id) => scores.get(id),
    async putScore(_db, s) {
      puts.push(s.sessionId);
      scores.set(s.sessionId, { ...s, result: s.result } as Score);
    },
    centerOf: async (_db, id) => ({ id, name: 'Center', timeZone: CHI }),
    attempts: async (_db, candidateId, module) => attempts.filter(() => candidateId === CANDIDATE).filter((a) => !module || a.module === module),
    credentialsOf: async () => [],
    findCredentialByCode: unused('findCredentialByCode'),
    sessionHeader: unused('sessionHeader'),
    scoredSessionsWithItem: unused('scoredSessionsWithItem'),
    recertActivitiesOf: unused('recertActivitiesOf'),
    allAttemptsForExport: unused('allAttemptsForExport'),
    scoringInput: async (_db, id) => inputs.get(id)!,
    currentItemVersion: unused('currentItemVersion'),
  };
  const lifecycleRepository: ScoringLifecycleRepository = {
    findDisposition: async (_db, id) => dispositions.get(id),
    dispositionsOfCandidate: async () => new Map(dispositions),
    credentialsForSession: async () => [],
  };
  const db = {} as Db; // never queried: every read and write goes through the repositories above
  const record: ScoringDeps['audit']['record'] = async (_actor, event) => void audit.push(event);
  const deps: ScoringDeps = {
    db,
    clock,
    repository,
    lifecycleRepository,
    audit: { record },
    itemBank: { snapshot: async () => ({ modules: new Map() }) as unknown as Awaited<ReturnType<ScoringDeps['itemBank']['snapshot']>> },
    assembly: { blueprintFor: async () => ({ version: 'bp-1', kwaCatalogVersion: '1.0.0', cutScore: { percent: 70, rounding: 'ceil' } }) as Awaited<ReturnType<ScoringDeps['assembly']['blueprintFor']>> },
    // The real lifecycle, except that issuing is recorded here instead of written (it has its own tests).
    lifecycle: { ...createCredentialLifecycle({ audit: { record } }), issue: async (_tx, s) => void issued.push(s.id) },
  };
  const service = createScoringService(deps);
  const ended = (id: string, formId: string | null = 'form-1') => ({ id, candidateId: CANDIDATE, module: 'SAF' as const, blueprintVersion: 'bp-1', testCenterId: CENTER, formId, endedAt: clock.now(), endReason: 'submitted' });
  const attempt = (sessionId: string, endedAt: Date, passed: boolean): Attempt =>
    ({ sessionId, module: 'SAF', moduleTitle: 'Safety', state: 'scored', endedAt, endReason: 'submitted', startedAt: endedAt, scheduledAt: endedAt, testCenterId: CENTER, timeZone: CHI, centerName: 'Center', rawScore: passed ? 9 : 3, scoredItems: 10, percent: passed ? 90 : 30, passed }) as Attempt;
  return { service, clock, scores, puts, inputs, attempts, dispositions, audit, issued, ended, attempt };
}

describe('scoring service at its seams (no database)', () => {
  it('scores an ended session once: a second call finds the score and writes, audits and issues nothing', async () => {
    const t = setup();
    t.inputs.set('s1', formInput(8));
    expect(await t.service.scoreEndedSession({} as Db, t.ended('s1'), t.clock.now())).toEqual({ scored: true, passed: true });
    expect(await t.service.scoreEndedSession({} as Db, t.ended('s1'), t.clock.now())).toEqual({ scored: true, passed: false });
    expect(t.puts).toEqual(['s1']);
    expect(t.audit.filter((a) => a.action === 'session.score-recorded')).toHaveLength(1);
    expect(t.issued).toEqual(['s1']);
    expect(t.scores.get('s1')).toMatchObject({ rawScore: 8, scoredItems: 10, passed: true, revision: 1 });
  });

  it('a result under the cut is recorded and issues no credential', async () => {
    const t = setup();
    t.inputs.set('s2', formInput(6));
    expect(await t.service.scoreEndedSession({} as Db, t.ended('s2'), t.clock.now())).toEqual({ scored: true, passed: false });
    expect(t.scores.get('s2')).toMatchObject({ rawScore: 6, passed: false });
    expect(t.issued).toEqual([]);
  });

  it('a session that ended before it had a form has nothing to score', async () => {
    const t = setup();
    expect(await t.service.scoreEndedSession({} as Db, t.ended('s3', null), t.clock.now())).toEqual({ scored: false, passed: false });
    expect(t.puts).toEqual([]);
    expect(t.audit).toEqual([]);
  });

  it('a failure starts the retake wait; the candidate is eligible again on the policy date', async () => {
    const t = setup();
    t.attempts.push(t.attempt('old', local('2026-03-02', 15), false));
    const blocked = await t.service.checkEligibility({ candidateId: CANDIDATE, module: 'SAF', testCenterId: CENTER, at: local('2026-03-16', 23) });
    expect(blocked).toMatchObject({ eligible: false, code: 'RETAKE_WAIT', nextEligibleDate: '2026-03-17' });
    expect(await t.service.checkEligibility({ candidateId: CANDIDATE, module: 'SAF', testCenterId: CENTER, at: local('2026-03-17', 0) })).toEqual({ eligible: true, attemptNumber: 2 });
  });

  it('a voided attempt is no attempt, unless voided for misconduct', async () => {
    const t = setup();
    t.attempts.push(t.attempt('voided', local('2026-03-02', 15), false));
    const at = local('2026-03-05', 10);
    t.dispositions.set('voided', { sessionId: 'voided', state: 'void', reason: 'power cut', countsAsAttempt: false, decidedBy: null, decidedAt: at });
    expect(await t.service.checkEligibility({ candidateId: CANDIDATE, module: 'SAF', testCenterId: CENTER, at })).toEqual({ eligible: true, attemptNumber: 1 });
    t.dispositions.set('voided', { sessionId: 'voided', state: 'void', reason: 'misconduct', countsAsAttempt: true, decidedBy: null, decidedAt: at });
    expect(await t.service.checkEligibility({ candidateId: CANDIDATE, module: 'SAF', testCenterId: CENTER, at })).toMatchObject({ eligible: false, nextEligibleDate: '2026-03-17' });
  });
});
