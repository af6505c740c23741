/**
 * Two server processes on two loopback ports sharing one PostgreSQL: the candidate's socket is on one, the proctor's
 * console and actions on the other. Pushes cross through LISTEN/NOTIFY. (PGlite is in-process, so PostgreSQL only.)
 */
import { afterAll, describe, expect, it } from 'vitest';
import { HANDBOOK_VERSION } from '../../shared/handbook.ts';
import { ExamClient } from '../helpers/exam-client.ts';
import { ProctorClient } from '../helpers/proctor-client.ts';
import { apiLogin, freePort, startServer, type ServerProcess } from '../helpers/server-process.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.ts';

describe.skipIf(!process.env.DATABASE_URL)('two instances, one PostgreSQL', () => {
  let db: TestDatabase | undefined;
  const servers: ServerProcess[] = [];
  afterAll(async () => {
    for (const s of servers) await s.kill();
    await db?.close();
  });

  it('pause, extend and terminate on instance B reach the candidate on instance A; answers on A reach the console on B', async () => {
    db = await createTestDatabase('postgres');
    const env = { DATABASE_URL: db.url! };
    const a = await startServer(env, await freePort());
    servers.push(a);
    const b = await startServer(env, await freePort());
    servers.push(b);

    const adminA = await apiLogin(a.url, 'admin');
    const username = `x-inst-${Date.now()}`;
    const cand = await adminA.call('POST', '/api/admin/users', { username, displayName: 'Cross Instance', role: 'candidate', password: 'candidate-pass-1', testCenterCodes: ['DEMO-01'] });
    const proctorB = await apiLogin(b.url, 'proctor');
    const candidateA = await apiLogin(a.url, username, 'candidate-pass-1');
    const [center] = await proctorB.call('GET', '/api/test-centers');
    const { id } = await proctorB.call('POST', '/api/sessions', { candidateId: cand.id, module: 'SAF', testCenterId: center.id, scheduledAt: new Date().toISOString() });
    await candidateA.call('POST', `/api/sessions/${id}/check-in`);
    await proctorB.call('POST', `/api/sessions/${id}/admit`, { idConfirmed: true });
    await candidateA.call('POST', `/api/sessions/${id}/handbook`, { version: HANDBOOK_VERSION });
    await candidateA.call('POST', `/api/sessions/${id}/start`);

    const feed = await ProctorClient.open(b.url, { cookie: proctorB.cookie });
    feed.subscribe(center.id);
    await feed.waitFor((m) => m.type === 'roster');
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
