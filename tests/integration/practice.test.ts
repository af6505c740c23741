import { readFileSync } from 'node:fs';
/**
 * Practice tests through the API (#21.1): a signed-in candidate, no proctor or admission, takes a timed or untimed
 * practice test drawn only from the practice pool; the questions carry no key until the test ends; the review shows
 * every question with the key and rationale; the server's clock ends a timed test; and a practice result never
 * counts (no attempt, no eligibility change, no credential, no item statistics). Practice items stay practice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BANK_FORMAT_VERSION } from '../../shared/item-bank-format.ts';
import { buildTestApp, loginAs, type TestApp } from '../helpers/build-app.ts';
import { fakeClock } from '../helpers/fake-clock.ts';
import { importSampleModule, newCandidate } from '../helpers/session-fixture.ts';
import { DB_KINDS } from '../helpers/test-db.ts';

const KWAS = ['SAF-01', 'SAF-02', 'SAF-03', 'SAF-04', 'SAF-05', 'SAF-06', 'SAF-07', 'SAF-08', 'SAF-09', 'SAF-10'];
/** 30 practice items; the key of item n is "ABCD"[n % 4]. */
export function practiceBank(module = 'SAF', kwas = KWAS, n = 30, prefix = 'SAF-P') {
  return {
    formatVersion: BANK_FORMAT_VERSION,
    items: Array.from({ length: n }, (_, i) => ({
      id: `${prefix}${String(i + 1).padStart(3, '0')}`,
      module,
      kwa: kwas[i % kwas.length],
      status: 'practice',
      stem: `Practice question number ${i + 1}: which option is the keyed one?`,
      options: ['A', 'B', 'C', 'D'].map((id) => ({ id, text: `Option ${id} for practice question ${i + 1}` })),
      key: 'ABCD'[i % 4],
      rationale: `Rationale ${i + 1}: the keyed option is ${'ABCD'[i % 4]}.`,
      topics: [],
    })),
  };
}
const keyOf = (itemId: string) => 'ABCD'[(Number(itemId.slice(-3)) - 1) % 4]!;

describe.each(DB_KINDS)('practice tests on %s', (kind) => {
  let t: TestApp;
  const clock = fakeClock(new Date('2026-11-02T14:00:00Z'));
  beforeAll(async () => {
    t = await buildTestApp(kind, { clock });
    // The sample bank's own practice pool (SAF-Q01..25) is left out so the test knows every practice key.
    const sample = JSON.parse(readFileSync('item-bank/safety.json', 'utf8')) as { items: { status: string }[] };
    sample.items = sample.items.filter((i) => i.status !== 'practice');
    await t.services.itemBank.importSources(null, [{ name: 'safety.json', text: JSON.stringify(sample) }]);
    await t.services.itemBank.importSources(null, [{ name: 'practice.json', text: JSON.stringify(practiceBank()) }]);
    // Building the app and importing a bank takes minutes on a loaded machine.
  }, 300_000);
  afterAll(() => t?.close());

  it('a candidate takes an untimed practice test, sees no keys while it is open, then reviews every question; nothing counts', async () => {
    const c = await newCandidate(t.app);
    const overview = await t.app.inject({ url: '/api/practice', headers: c.auth });
    expect(overview.statusCode).toBe(200);
    expect(overview.json().modules).toEqual([{ module: 'SAF', title: expect.any(String), questions: 25, timeLimitMinutes: 27 }]);

    const started = await t.app.inject({ method: 'POST', url: '/api/practice', headers: c.auth, payload: { module: 'SAF', timed: false } });
    expect(started.statusCode).toBe(201);
    const test = started.json();
    expect(test).toMatchObject({ state: 'open', timed: false, time: { deadline: null, remainingMs: null } });
    expect(test.items).toHaveLength(25);
    expect(test.items.every((i: { itemId: string }) => i.itemId.startsWith('SAF-P'))).toBe(true);
    expect(started.body).not.toMatch(/"key"|rationale|Rationale \d/);
    // A double click returns the same open test.
    const again = await t.app.inject({ method: 'POST', url: '/api/practice', headers: c.auth, payload: { module: 'SAF', timed: false } });
    expect(again.json().id).toBe(test.id);

    const early = await t.app.inject({ url: `/api/practice/${test.id}/review`, headers: c.auth });
    expect(early.statusCode).toBe(409);

    const ids: string[] = test.items.map((i: { itemId: string }) => i.itemId);
    // Right on the first 15, wrong on the next 5, the last 5 unanswered; one flag.
    for (const [i, id] of ids.slice(0, 20).entries()) {
      const key = keyOf(id);
      const optionId = i < 15 ? key : key === 'A' ? 'B' : 'A';
      const r = await t.app.inject({ method: 'POST', url: `/api/practice/${test.id}/responses`, headers: c.auth, payload: { itemId: id, optionId } });
      expect(r.statusCode, r.body).toBe(200);
    }
    expect((await t.app.inject({ method: 'POST', url: `/api/practice/${test.id}/responses`, headers: c.auth, payload: { itemId: ids[3], flagged: true } })).json()).toEqual({ itemId: ids[3], optionId: expect.any(String), flagged: true });
    const badOption = await t.app.inject({ method: 'POST', url: `/api/practice/${test.id}/responses`, headers: c.auth, payload: { itemId: ids[0], optionId: 'E' } });
    expect(badOption.statusCode).toBe(400);
    expect(badOption.json().message).toContain(`Option E is not an option of question ${ids[0]}`);
    const notOnTest = await t.app.inject({ method: 'POST', url: `/api/practice/${test.id}/responses`, headers: c.auth, payload: { itemId: 'SAF-001', optionId: 'A' } });
    expect(notOnTest.statusCode).toBe(400);
    expect(notOnTest.json().message).toContain('SAF-001 is not on this practice test');
    const empty = await t.app.inject({ method: 'POST', url: `/api/practice/${test.id}/responses`, headers: c.auth, payload: { itemId: ids[0] } });
    expect(empty.statusCode).toBe(400);

    const reopened = (await t.app.inject({ url: `/api/practice/${test.id}`, headers: c.auth })).json();
    expect(Object.keys(reopened.answers)).toHaveLength(20);
    expect(reopened.flags).toEqual([ids[3]]);

    const submitted = await t.app.inject({ method: 'POST', url: `/api/practice/${test.id}/submit`, headers: c.auth, payload: {} });
    expect(submitted.statusCode).toBe(200);
    const result = submitted.json().result;
    // The SAF cut is 76 % rounded up: 19 of 25.
    expect(result).toMatchObject({ practice: true, scoredItems: 25, rawScore: 15, percent: 60, rawCut: 19, metCut: false });
    expect(result.note).toMatch(/does not count/);
    expect(result.kwas.map((k: { kwa: string }) => k.kwa).sort()).toEqual(KWAS);

    const review = await t.app.inject({ url: `/api/practice/${test.id}/review`, headers: c.auth });
    expect(review.statusCode).toBe(200);
    const items = review.json().items as { itemId: string; key: string; chosen: string | null; correct: boolean; rationale: string; options: unknown[] }[];
    expect(items.map((i) => i.itemId)).toEqual(ids);
    expect(items.every((i) => i.key === keyOf(i.itemId) && i.rationale === `Rationale ${Number(i.itemId.slice(-3))}: the keyed option is ${i.key}.`)).toBe(true);
    expect(items.filter((i) => i.correct)).toHaveLength(15);
    expect(items.slice(20).every((i) => i.chosen === null)).toBe(true);

    const late = await t.app.inject({ method: 'POST', url: `/api/practice/${test.id}/responses`, headers: c.auth, payload: { itemId: ids[24], optionId: 'A' } });
    expect(late.statusCode).toBe(409);

    // Never counts: no attempt in the candidate's history, no credential, still eligible for the exam.
    const history = (await t.app.inject({ url: '/api/me/history', headers: c.auth })).json();
    expect(history.attempts).toEqual([]);
    expect(history.credentials).toEqual([]);
    const verdict = await t.services.scoring.checkEligibility({ candidateId: c.id, module: 'SAF', testCenterId: ((await t.app.inject({ url: '/api/test-centers', headers: await loginAs(t.app, 'proctor') })).json() as { id: string }[])[0]!.id, at: clock.now() });
    expect(verdict.eligible).toBe(true);
    const audit = await t.services.audit.forSubject('practice-attempt', test.id);
    expect(audit.map((a) => a.action)).toEqual(['practice.started', 'practice.submitted']);
  });

  it('a timed practice test ends on the server clock; answers after the deadline are refused', async () => {
    const c = await newCandidate(t.app);
    const test = (await t.app.inject({ method: 'POST', url: '/api/practice', headers: c.auth, payload: { module: 'SAF', timed: true } })).json();
    expect(new Date(test.time.deadline).getTime() - clock.now().getTime()).toBe(27 * 60_000);
    const first = test.items[0].itemId;
    expect((await t.app.inject({ method: 'POST', url: `/api/practice/${test.id}/responses`, headers: c.auth, payload: { itemId: first, optionId: keyOf(first) } })).statusCode).toBe(200);
    clock.advance(27 * 60_000 + 6_000);
    const late = await t.app.inject({ method: 'POST', url: `/api/practice/${test.id}/responses`, headers: c.auth, payload: { itemId: test.items[1].itemId, optionId: 'A' } });
    expect(late.statusCode).toBe(409);
    expect(late.json().message).toMatch(/Time is up/);
    const ended = (await t.app.inject({ url: `/api/practice/${test.id}`, headers: c.auth })).json();
    expect(ended).toMatchObject({ state: 'ended', endReason: 'expired', endedAt: test.time.deadline, result: { rawScore: 1, practice: true } });
    expect((await t.app.inject({ url: `/api/practice/${test.id}/review`, headers: c.auth })).statusCode).toBe(200);
  });

  it('only the candidate sees their practice test; proctors and authors have no practice routes', async () => {
    const a = await newCandidate(t.app);
    const b = await newCandidate(t.app);
    const test = (await t.app.inject({ method: 'POST', url: '/api/practice', headers: a.auth, payload: { module: 'SAF', timed: false } })).json();
    expect((await t.app.inject({ url: `/api/practice/${test.id}`, headers: b.auth })).statusCode).toBe(404);
    expect((await t.app.inject({ url: `/api/practice/${test.id}`, headers: await loginAs(t.app, 'proctor') })).statusCode).toBe(403);
    expect((await t.app.inject({ url: '/api/practice' })).statusCode).toBe(401);
    const none = await t.app.inject({ method: 'POST', url: '/api/practice', headers: a.auth, payload: { module: 'GRN', timed: false } });
    expect(none.statusCode).toBe(422);
    const bad = await t.app.inject({ method: 'POST', url: '/api/practice', headers: a.auth, payload: { module: 'XYZ', timed: 'yes' } });
    expect(bad.statusCode).toBe(400);
  });

  it('practice and exam items never trade places: the bank refuses either change', async () => {
    const author = await loginAs(t.app, 'author');
    const toExam = await t.app.inject({ method: 'PUT', url: '/api/bank/items/SAF-P001', headers: author, payload: { status: 'operational' } });
    expect(toExam.statusCode).toBe(400);
    expect(JSON.stringify(toExam.json())).toContain('practice items stay practice');
    const toPractice = await t.app.inject({ method: 'PUT', url: '/api/bank/items/SAF-001', headers: author, payload: { status: 'practice' } });
    expect(toPractice.statusCode).toBe(400);
    expect(JSON.stringify(toPractice.json())).toContain('an exam item can never become a practice item');
    // Exam forms assembled now hold no practice item.
    for (let i = 0; i < 5; i++) {
      const { form } = await t.services.assembly.preview({ module: 'SAF', seed: `practice-check-${i}` });
      expect(form.items.some((it) => it.itemId.startsWith('SAF-P'))).toBe(false);
    }
  });
});
