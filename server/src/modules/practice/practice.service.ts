/**
 * Practice tests for candidates (docs/practice.md): no proctor, no admission, no eligibility check. Questions come
 * only from the practice pool (domain/practice-test.ts), answers are saved one by one, a timed test ends at its
 * deadline on the server's clock, the score comes from the exam's scoring function, and the review shows every
 * question with its key and rationale once the test has ended. Results live in practice_attempts only, which nothing
 * that decides eligibility, credentials or item statistics reads.
 */
import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/client.ts';
import type { Actor } from '../../platform/actor.ts';
import type { Clock } from '../../platform/clock.ts';
import { AppError, conflict, forbidden, notFound, ruleViolation, validationFailed } from '../../platform/errors.ts';
import type { ModuleCode } from '../../../../shared/vocabulary.ts';
import type { AssemblyService } from '../assembly/assembly.service.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { ItemBankService } from '../item-bank/item-bank.service.ts';
import type { BankSnapshot } from '../item-bank/domain/bank-snapshot.ts';
import type { ScoreResult } from '../scoring/domain/score-session.ts';
import { drawPracticeTest, isTimeUp, PRACTICE_GRACE_MS, PRACTICE_LENGTH, practiceTimeLimitMs, reviewOf, scorePractice, type PracticePoolItem } from './domain/practice-test.ts';
import { toCandidateItems } from '../sessions/domain/candidate-view.ts';
import * as repo from './practice.repository.ts';

export const PRACTICE_NOTE = 'Practice result: it does not count toward eligibility, certificates or any record of your exams.';

export interface PracticeDeps {
  db: Db;
  clock: Clock;
  audit: Pick<AuditService, 'record'>;
  itemBank: Pick<ItemBankService, 'snapshot'>;
  assembly: Pick<AssemblyService, 'blueprintFor'>;
}

function poolOf(snapshot: BankSnapshot, module: ModuleCode): PracticePoolItem[] {
  const pool: PracticePoolItem[] = [];
  for (const it of snapshot.items.values()) {
    if (it.module === module && it.status === 'practice') pool.push({ id: it.id, version: it.version, kwa: it.content.kwa, status: it.status, optionIds: it.content.options.map((o) => o.id) });
  }
  return pool;
}

function kwaTitlesOf(snapshot: BankSnapshot, module: ModuleCode): Record<string, string> {
  const catalog = snapshot.modules.get(module)?.catalogs.at(-1);
  return Object.fromEntries((catalog?.kwas ?? []).map((k) => [k.code, k.title]));
}

function resultView(r: ScoreResult) {
  return { practice: true as const, note: PRACTICE_NOTE, scoredItems: r.scoredItems, rawScore: r.rawScore, percent: r.percent, cutPercent: r.cutPercent, rawCut: r.rawCut, metCut: r.passed, kwas: r.kwas, diagnosticNote: r.diagnosticNote };
}

export function createPracticeService(deps: PracticeDeps) {
  const { db, clock } = deps;

  function own(actor: Actor) {
    if (actor.role !== 'candidate') throw forbidden('Practice tests are for candidates');
  }

  async function loadOwn(tx: Db, actor: Actor, id: string, lock: boolean): Promise<repo.PracticeRow> {
    own(actor);
    const row = await repo.findAttempt(tx, id, lock);
    if (!row || row.candidateId !== actor.userId) throw notFound('practice test');
    return row;
  }

  /** Ends an open test (submit, or its time ran out) and scores it, in the caller's transaction. */
  async function finish(tx: Db, actor: Actor, row: repo.PracticeRow, reason: 'submitted' | 'expired', now: Date): Promise<repo.PracticeRow> {
    const snapshot = await deps.itemBank.snapshot(tx);
    const blueprint = await deps.assembly.blueprintFor(row.module, row.blueprintVersion, tx);
    const contents = await repo.contentsOf(tx, row.items);
    const result = scorePractice({
      items: row.items,
      keys: new Map(row.items.map((it) => [it.itemId, contents.get(`${it.itemId}@${it.version}`)?.key ?? ''])),
      answers: row.answers,
      cutScore: blueprint.cutScore,
      kwaTitles: kwaTitlesOf(snapshot, row.module),
      endReason: reason,
    });
    const endedAt = reason === 'expired' && row.deadlineAt ? row.deadlineAt : now;
    const patch = { endedAt, endReason: reason, result: { ...result } as Record<string, unknown> };
    await repo.updateAttempt(tx, row.id, patch);
    await deps.audit.record(actor, { action: `practice.${reason}`, subjectType: 'practice-attempt', subjectId: row.id, details: { module: row.module, rawScore: result.rawScore, questions: result.scoredItems } }, tx);
    return { ...row, ...patch };
  }

  /** Loads the candidate's test, ending it first when a timed test's time is up. */
  async function current(actor: Actor, id: string): Promise<repo.PracticeRow> {
    return db.transaction(async (tx) => {
      const row = await loadOwn(tx, actor, id, true);
      const now = clock.now();
      if (!row.endedAt && isTimeUp(row.deadlineAt, now, PRACTICE_GRACE_MS)) return finish(tx, actor, row, 'expired', now);
      return row;
    });
  }

  async function view(row: repo.PracticeRow) {
    const snapshot = await deps.itemBank.snapshot();
    const contents = await repo.contentsOf(db, row.items);
    const now = clock.now();
    return {
      id: row.id,
      module: row.module,
      moduleTitle: snapshot.modules.get(row.module)?.title ?? row.module,
      timed: row.timed,
      state: row.endedAt ? ('ended' as const) : ('open' as const),
      startedAt: row.startedAt,
      endedAt: row.endedAt,
      endReason: row.endReason as 'submitted' | 'expired' | null,
      time: { deadline: row.deadlineAt, remainingMs: row.deadlineAt ? Math.max(0, row.deadlineAt.getTime() - (row.endedAt ?? now).getTime()) : null, serverTime: now },
      // The exam screen's shape, built by the exam's own function: stem, options and pictures, no key and no rationale.
      items: toCandidateItems(row.items.map((it, i) => ({ position: i + 1, itemId: it.itemId, optionOrder: it.optionOrder, content: contents.get(`${it.itemId}@${it.version}`) ?? { stem: '', options: [] } }))),
      answers: row.answers,
      flags: row.flags,
      result: row.result ? resultView(row.result as unknown as ScoreResult) : null,
    };
  }

  return {
    /** Modules with a practice pool, and the candidate's practice tests (newest first). */
    async overview(actor: Actor) {
      own(actor);
      const snapshot = await deps.itemBank.snapshot();
      const modules = [];
      for (const m of snapshot.modules.values()) {
        const n = poolOf(snapshot, m.code).length;
        if (!n) continue;
        const questions = Math.min(PRACTICE_LENGTH, n);
        const blueprint = await deps.assembly.blueprintFor(m.code).catch(() => null);
        if (blueprint) modules.push({ module: m.code, title: m.title, questions, timeLimitMinutes: practiceTimeLimitMs(blueprint, questions) / 60_000 });
      }
      const attempts = (await repo.attemptsOf(db, actor.userId)).map((a) => {
        const r = a.result as unknown as ScoreResult | null;
        return { id: a.id, module: a.module, moduleTitle: snapshot.modules.get(a.module)?.title ?? a.module, timed: a.timed, state: a.endedAt ? ('ended' as const) : ('open' as const), startedAt: a.startedAt, endedAt: a.endedAt, questions: a.items.length, rawScore: r?.rawScore ?? null, percent: r?.percent ?? null };
      });
      return { modules, attempts };
    },

    /** Starts a practice test of a module, or returns the candidate's open one of that module (a double click). */
    async start(actor: Actor, input: { module: ModuleCode; timed: boolean }) {
      own(actor);
      const row = await db.transaction(async (tx) => {
        const open = await repo.openAttempt(tx, actor.userId, input.module);
        if (open && !isTimeUp(open.deadlineAt, clock.now(), PRACTICE_GRACE_MS)) return open;
        if (open) await finish(tx, actor, open, 'expired', clock.now());
        const snapshot = await deps.itemBank.snapshot(tx);
        const pool = poolOf(snapshot, input.module);
        if (!pool.length) throw ruleViolation(`Module ${input.module} has no practice questions yet`);
        const blueprint = await deps.assembly.blueprintFor(input.module, undefined, tx);
        const seed = randomBytes(12).toString('base64url');
        const items = drawPracticeTest(pool, seed);
        const now = clock.now();
        const timeLimitMs = input.timed ? practiceTimeLimitMs(blueprint, items.length) : null;
        const created = await repo.insertAttempt(tx, {
          candidateId: actor.userId,
          module: input.module,
          blueprintVersion: blueprint.version,
          seed,
          timed: input.timed,
          timeLimitMs,
          startedAt: now,
          deadlineAt: timeLimitMs ? new Date(now.getTime() + timeLimitMs) : null,
          items,
        });
        await deps.audit.record(actor, { action: 'practice.started', subjectType: 'practice-attempt', subjectId: created.id, details: { module: input.module, timed: input.timed, questions: items.length, seed } }, tx);
        return created;
      });
      return view(row);
    },

    get: async (actor: Actor, id: string) => view(await current(actor, id)),

    /** Saves one answer and/or flag; refused once the test has ended. */
    async respond(actor: Actor, id: string, input: { itemId: string; optionId?: string | null; flagged?: boolean }) {
      return db.transaction(async (tx) => {
        const row = await loadOwn(tx, actor, id, true);
        const now = clock.now();
        if (!row.endedAt && isTimeUp(row.deadlineAt, now, PRACTICE_GRACE_MS)) {
          await finish(tx, actor, row, 'expired', now);
          // Commit the end, then refuse: the transaction must not roll the expiry back.
          return { expired: true as const };
        }
        if (row.endedAt) throw new AppError('INVALID_TRANSITION', 'This practice test has ended; answers are no longer saved');
        const item = row.items.find((it) => it.itemId === input.itemId);
        if (!item) throw validationFailed(`Question ${input.itemId} is not on this practice test`, [{ pointer: '/itemId', message: 'not on this test' }]);
        const answers = { ...row.answers };
        if (input.optionId !== undefined) {
          if (input.optionId !== null && !item.optionOrder.includes(input.optionId)) throw validationFailed(`Option ${input.optionId} is not an option of question ${input.itemId}`, [{ pointer: '/optionId', message: `one of ${item.optionOrder.join(', ')}` }]);
          if (input.optionId === null) delete answers[input.itemId];
          else answers[input.itemId] = input.optionId;
        }
        const flags = new Set(row.flags);
        if (input.flagged === true) flags.add(input.itemId);
        if (input.flagged === false) flags.delete(input.itemId);
        await repo.updateAttempt(tx, id, { answers, flags: [...flags] });
        return { itemId: input.itemId, optionId: answers[input.itemId] ?? null, flagged: flags.has(input.itemId) };
      }).then((r) => {
        if ('expired' in r) throw new AppError('INVALID_TRANSITION', 'Time is up: this practice test has ended; answers are no longer saved');
        return r;
      });
    },

    async submit(actor: Actor, id: string) {
      const row = await db.transaction(async (tx) => {
        const row = await loadOwn(tx, actor, id, true);
        if (row.endedAt) return row; // a second click shows the same result
        const now = clock.now();
        return finish(tx, actor, row, isTimeUp(row.deadlineAt, now, PRACTICE_GRACE_MS) ? 'expired' : 'submitted', now);
      });
      return view(row);
    },

    /**
     * A picture of a question on the candidate's own practice test, open or ended (the review shows the questions
     * again): another candidate's test is 404 like any test they cannot see, staff get 403, and an image no question of
     * this test shows is 404. Practice items' pictures are no secret, but a practice test is no way to browse the bank.
     */
    async media(actor: Actor, id: string, sha256: string) {
      const row = await loadOwn(db, actor, id, false);
      const found = await repo.attemptMedia(db, row.items, sha256);
      if (!found) throw notFound('image');
      return found;
    },

    /** Every question with the candidate's answer, the key and the rationale: only once the test has ended. */
    async review(actor: Actor, id: string) {
      const row = await current(actor, id);
      if (!row.endedAt || !row.result) throw conflict('The review opens when the practice test has ended: submit it first');
      const snapshot = await deps.itemBank.snapshot();
      const contents = await repo.contentsOf(db, row.items);
      return {
        id: row.id,
        module: row.module,
        moduleTitle: snapshot.modules.get(row.module)?.title ?? row.module,
        result: resultView(row.result as unknown as ScoreResult),
        items: reviewOf(row.items, contents, row.answers, kwaTitlesOf(snapshot, row.module)),
      };
    },
  };
}
export type PracticeService = ReturnType<typeof createPracticeService>;
