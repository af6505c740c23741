/**
 * The answer path's fixed statements (db/fixed-statement.ts, docs/decisions/0013-answer-hot-path.md) on both drivers:
 * the batch's share lock reads what drizzle's columns read, multi-row upserts keep the newest sequence per (session,
 * item) and never let an older one win, answers and flags share a row without clearing each other, positions only
 * move forward, and a statement runs again on a connection that has already prepared it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as repo from '../../server/src/modules/sessions/sessions.repository.ts';
import { buildTestApp, type TestApp } from '../helpers/build-app.ts';
import { importSampleModule, startedSession } from '../helpers/session-fixture.ts';
import { DB_KINDS } from '../helpers/test-db.ts';

describe.each(DB_KINDS)('answer batch statements on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(kind, { sweeps: false });
    await importSampleModule(t.services);
  }, 300_000);
  afterAll(async () => t?.close());

  it('locks, upserts and moves positions as one batch, newest sequence wins', async () => {
    const db = t.database.db;
    const [one, two] = [await startedSession(t.app), await startedSession(t.app)];
    const rowOne = (await repo.findSession(db, one.sessionId))!;
    const rowTwo = (await repo.findSession(db, two.sessionId))!;
    const formOne = await repo.loadSessionForm(db, rowOne.formId!);
    const formTwo = await repo.loadSessionForm(db, rowTwo.formId!);
    const [a, b] = [formOne[0]!, formOne[1]!];
    const c = formTwo[0]!;
    const at = new Date('2026-03-04T05:06:07.123Z');

    const locked = await db.transaction(async (tx) => {
      const rows = await repo.shareLockSessions(tx, [one.sessionId, two.sessionId, '00000000-0000-0000-0000-000000000000']);
      await repo.upsertAnswers(tx, [
        { sessionId: one.sessionId, itemId: a.itemId, optionId: a.optionOrder[0]!, seq: 5, at },
        { sessionId: one.sessionId, itemId: b.itemId, optionId: b.optionOrder[1]!, seq: 6, at },
        { sessionId: two.sessionId, itemId: c.itemId, optionId: c.optionOrder[2]!, seq: 7, at },
      ]);
      await repo.upsertFlags(tx, [{ sessionId: one.sessionId, itemId: b.itemId, flagged: true, seq: 8 }]);
      await repo.setPositions(tx, [
        { sessionId: one.sessionId, itemId: b.itemId, seq: 9 },
        { sessionId: two.sessionId, itemId: c.itemId, seq: 2 },
      ]);
      return rows;
    });
    const byId = new Map(locked.map((r) => [r.id, r]));
    expect(locked).toHaveLength(2);
    for (const row of [rowOne, rowTwo]) {
      const got = byId.get(row.id)!;
      expect(got).toMatchObject({ state: 'in_progress', formId: row.formId, testCenterId: row.testCenterId });
      expect(got.deadlineAt).toBeInstanceOf(Date);
      expect(got.deadlineAt!.getTime()).toBe(row.deadlineAt!.getTime());
    }

    // Again, in new transactions (on PostgreSQL a pooled connection that has already prepared the statements):
    // older sequences change nothing, a newer one clears the answer, and the flag and the answer keep each other.
    for (let round = 0; round < 2; round++) {
      await db.transaction(async (tx) => {
        await repo.upsertAnswers(tx, [
          { sessionId: one.sessionId, itemId: a.itemId, optionId: a.optionOrder[3]!, seq: 4, at: new Date() },
          { sessionId: one.sessionId, itemId: b.itemId, optionId: null, seq: 10, at },
        ]);
        await repo.upsertFlags(tx, [
          { sessionId: one.sessionId, itemId: b.itemId, flagged: false, seq: 3 },
          { sessionId: one.sessionId, itemId: a.itemId, flagged: true, seq: 11 },
        ]);
        await repo.setPositions(tx, [{ sessionId: one.sessionId, itemId: a.itemId, seq: 1 }]);
      });
    }

    const saved = new Map((await repo.loadResponses(db, one.sessionId)).map((r) => [r.itemId, r]));
    expect(saved.get(a.itemId)).toMatchObject({ optionId: a.optionOrder[0], answerSeq: 5, flagged: true, flagSeq: 11 });
    expect(saved.get(a.itemId)!.answeredAt!.getTime()).toBe(at.getTime());
    expect(saved.get(b.itemId)).toMatchObject({ optionId: null, answerSeq: 10, flagged: true, flagSeq: 8 });
    expect(await repo.loadResponses(db, two.sessionId)).toMatchObject([{ itemId: c.itemId, optionId: c.optionOrder[2], answerSeq: 7, flagged: false, flagSeq: 0 }]);
    expect(await repo.findSession(db, one.sessionId)).toMatchObject({ positionItemId: b.itemId, positionSeq: 9 });
    expect(await repo.findSession(db, two.sessionId)).toMatchObject({ positionItemId: c.itemId, positionSeq: 2 });
  }, 300_000);
});
