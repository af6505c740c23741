/**
 * Keys stay on the server: drives a session through every message type a candidate's browser can receive and proves
 * that none carries a key, a rationale, statistics, the KWA or whether an item is scored or pretest.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverMessageSchema } from '../../shared/protocol/session-protocol.ts';
import { buildTestApp, loginAs, type TestApp } from '../helpers/build-app.ts';
import { ExamClient } from '../helpers/exam-client.ts';
import { fakeClock } from '../helpers/fake-clock.ts';
import { admittedSession, importSampleModule } from '../helpers/session-fixture.ts';

const FORBIDDEN_FIELDS = ['key', 'rationale', 'stats', 'kwa', 'role', 'p', 'pointBiserial', 'topics', 'version'];

function fieldNames(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => fieldNames(v, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.add(k);
      fieldNames(v, out);
    }
  }
  return out;
}

describe('keys stay on the server', () => {
  let t: TestApp;
  let base: string;
  const clock = fakeClock();
  let rationales: string[] = [];
  beforeAll(async () => {
    // One start at a time, so a held gate makes the next start wait (and say so).
    t = await buildTestApp('pglite', { clock, env: { START_GATE_CONCURRENCY: '1' } });
    await importSampleModule(t.services);
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const author = await loginAs(t.app, 'author');
    rationales = ((await t.app.inject({ url: '/api/bank/items?module=SAF', headers: author })).json() as { content: { rationale: string } }[]).map((i) => i.content.rationale);
  });
  afterAll(() => t?.close());

  it('no message type a candidate receives holds answer-key material', async () => {
    const frames: string[] = [];
    const record = (c: ExamClient) => c.ws.on('message', (d) => frames.push(String(d)));

    // The waiting room: the socket is open before the start. The start gate is held so that the start waits its turn
    // and the candidate is told their place (queue), then the pushed snapshot brings the items.
    const s = await admittedSession(t.app, { scheduledAt: clock.now() });
    const c = await ExamClient.open(base, s.candidate);
    record(c);
    await c.hello(s.sessionId);
    let release = () => {};
    const holder = t.app.startGate.run('holder', () => new Promise<void>((r) => (release = r)));
    const start = t.app.inject({ method: 'POST', url: `/api/sessions/${s.sessionId}/start`, headers: s.candidate });
    await c.waitFor('queue');
    release();
    await holder;
    expect((await start).statusCode).toBe(200);
    const snap = await c.waitFor('snapshot', (m) => m.items.length > 0);
    await c.answer(snap.items[0]!.itemId, snap.items[0]!.options[0]!.id); // ack
    await c.answer('NOPE-1', 'A'); // error
    await c.request({ type: 'review' }); // review
    c.send({ type: 'time-sync', clientSentAt: 1 });
    await c.waitFor('time-sync');
    let proctor = await loginAs(t.app, 'proctor');
    const post = (path: string, payload: unknown) => t.app.inject({ method: 'POST', url: `/api/sessions/${s.sessionId}/${path}`, headers: proctor, payload: payload as object });
    await post('pause', { reason: 'check' });
    await c.waitFor('paused');
    await post('resume', {});
    await c.waitFor('resumed');
    await post('extend', { minutes: 1, reason: 'test' });
    await c.waitFor('extended');
    await post('message', { text: 'Please keep your eyes on your own screen.' });
    await c.waitFor('message');
    // The seat camera: on at this center, the candidate declines, the proctor asks again.
    const camera = await t.app.inject({ method: 'PUT', url: `/api/admin/test-centers/${s.testCenterId}/camera`, headers: await loginAs(t.app, 'admin'), payload: { enabled: true, intervalSeconds: 60, retentionDays: 30 } });
    expect(camera.statusCode, camera.body).toBe(200);
    expect((await t.app.inject({ method: 'POST', url: `/api/sessions/${s.sessionId}/camera/consent`, headers: s.candidate, payload: { consent: false } })).statusCode).toBe(200);
    expect((await post('camera/reopen', { reason: 'candidate changed their mind' })).statusCode).toBe(200);
    await c.waitFor('camera-reopened');
    clock.advance(80 * 60_000);
    await c.waitFor('time-warning');
    const second = await ExamClient.open(base, s.candidate); // replaced
    record(second);
    await second.hello(s.sessionId);
    await c.waitFor('replaced');
    // 80 minutes passed on the fake clock: the proctor's staff session is past its idle timeout, so sign in again.
    proctor = await loginAs(t.app, 'proctor');
    expect((await post('terminate', { category: 'other', note: 'end of test' })).statusCode).toBe(200);
    await second.waitFor('terminated');
    await second.waitFor('ended');
    await second.waitFor('result-ready');

    const types = new Set(frames.map((f) => JSON.parse(f).type));
    const all = serverMessageSchema.options.map((o) => o.shape.type.value);
    expect([...types].sort()).toEqual([...all].sort());

    for (const frame of frames) {
      const names = fieldNames(JSON.parse(frame));
      expect(FORBIDDEN_FIELDS.filter((f) => names.has(f)), frame.slice(0, 120)).toEqual([]);
      for (const r of rationales) expect(frame.includes(r)).toBe(false);
    }
  });

  it('the protocol schema itself has no field for keys, rationales or statistics', () => {
    for (const option of serverMessageSchema.options) {
      const json = JSON.stringify(option.toJSONSchema?.() ?? {});
      for (const f of ['"key"', '"rationale"', '"stats"', '"kwa"', '"role"']) expect(json.includes(f), `${option.shape.type.value} has ${f}`).toBe(false);
    }
  });
});
