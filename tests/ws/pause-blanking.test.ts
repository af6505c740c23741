/**
 * Issue #17.2, nothing to read while paused: a snapshot taken during a pause carries no question (a candidate who
 * reloads or reconnects mid-pause gets none), and one taken after the resume carries the whole form again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/build-app.ts';
import { ExamClient } from '../helpers/exam-client.ts';
import { importSampleModule, startedSession } from '../helpers/session-fixture.ts';
import { DB_KINDS } from '../helpers/test-db.ts';

describe.each(DB_KINDS)('no question over the socket while paused on %s', (kind) => {
  let t: TestApp;
  let base: string;
  beforeAll(async () => {
    t = await buildTestApp(kind, { sweeps: false });
    await importSampleModule(t.services);
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => t?.close());

  it('sends no item while paused and the whole form after the resume, answers kept', async () => {
    const s = await startedSession(t.app);
    const first = await ExamClient.open(base, s.candidate);
    const running = await first.hello(s.sessionId);
    expect(running.items).toHaveLength(86);
    const item = running.items[0]!;
    expect((await first.answer(item.itemId, item.options[1]!.id)).type).toBe('ack');

    const pause = await t.app.inject({ method: 'POST', url: `/api/sessions/${s.sessionId}/pause`, headers: s.proctor, payload: { reason: 'fire drill' } });
    expect(pause.statusCode).toBe(200);
    first.close();

    const during = await ExamClient.open(base, s.candidate);
    const paused = await during.hello(s.sessionId);
    expect(paused.session.state).toBe('paused');
    expect(paused.items).toEqual([]);
    expect(JSON.stringify(paused)).not.toContain(item.stem);
    // The answers (ids only) are kept, so the palette can show progress.
    expect(paused.answers[item.itemId]).toBe(item.options[1]!.id);
    const resumedP = during.next('resumed');
    await t.app.inject({ method: 'POST', url: `/api/sessions/${s.sessionId}/resume`, headers: s.proctor, payload: {} });
    await resumedP;
    during.close();

    const after = await ExamClient.open(base, s.candidate);
    const back = await after.hello(s.sessionId);
    expect(back.session.state).toBe('in_progress');
    expect(back.items).toHaveLength(86);
    expect(back.items[0]!.stem).toBe(item.stem);
    after.close();
  });
});
