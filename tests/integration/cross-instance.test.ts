/**
 * Two server processes on two loopback ports sharing one PostgreSQL: the candidate's socket is on one, the proctor's
 * console and actions on the other. Pushes cross through LISTEN/NOTIFY. (PGlite is in-process, so PostgreSQL only.)
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ExamClient } from '../helpers/exam-client.ts';
import { ProctorClient } from '../helpers/proctor-client.ts';
import { apiLogin, newCandidateOverApi, startExamOverApi, twoInstances } from '../helpers/server-process.ts';

describe.skipIf(!process.env.DATABASE_URL)('two instances, one PostgreSQL', () => {
  const instances = twoInstances();
  afterAll(() => instances.stop());

  it('pause, extend and terminate on instance B reach the candidate on instance A; answers on A reach the console on B', async () => {
    const { a, b } = await instances.start();
    const { id: candidateId, api: candidateA } = await newCandidateOverApi(await apiLogin(a.url, 'admin'), a.url, `x-inst-${Date.now()}`);
    const proctorB = await apiLogin(b.url, 'proctor');
    const { sessionId: id, centerId } = await startExamOverApi(proctorB, candidateA, candidateId);

    const feed = await ProctorClient.watching(b.url, { cookie: proctorB.cookie }, centerId);
    const c = await ExamClient.open(a.url, { cookie: candidateA.cookie });
    const snap = await c.hello(id);

    let n = feed.messages.length;
    await c.answer(snap.items[0]!.itemId, snap.items[0]!.options[0]!.id);
    await feed.waitFor((m) => m.type === 'rows' && m.rows.some((r) => r.sessionId === id && r.answered === 1), n, 2000);

    const t0 = Date.now();
    const pausedP = c.next('paused', 2000);
    await proctorB.call('POST', `/api/sessions/${id}/pause`, { reason: 'check ID again' });
    expect((await pausedP).reason).toBe('check ID again');
    const resumedP = c.next('resumed', 2000);
    await proctorB.call('POST', `/api/sessions/${id}/resume`, {});
    const resumed = await resumedP;
    const extendedP = c.next('extended', 2000);
    await proctorB.call('POST', `/api/sessions/${id}/extend`, { minutes: 7, reason: 'network trouble' });
    const extended = await extendedP;
    expect(extended.time.remainingMs - resumed.time.remainingMs).toBeGreaterThan(6.9 * 60_000);
    n = feed.messages.length;
    const terminatedP = c.next('terminated', 2000);
    await proctorB.call('POST', `/api/sessions/${id}/terminate`, { category: 'identity', note: 'impersonation suspected' });
    expect((await terminatedP).reason).toBe('impersonation suspected');
    await feed.waitFor((m) => m.type === 'rows' && m.rows.some((r) => r.sessionId === id && ['terminated', 'scored'].includes(r.state)), n, 2000);
    expect(Date.now() - t0).toBeLessThan(8000);
    c.close();
    feed.close();
  }, 120_000);
});
