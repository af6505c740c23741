/**
 * Fault test: the server is killed with SIGKILL in the middle of an exam with answers in flight, restarted, and the
 * candidate resumes with every acknowledged answer present and the deadline the disconnect policy gives.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ExamClient } from '../helpers/exam-client.ts';
import { apiLogin, freePort, startExamOverApi, startServer, userIdOf, type ServerProcess } from '../helpers/server-process.ts';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/test-db.ts';

describe.each(DB_KINDS)('SIGKILL mid-exam on %s', (kind) => {
  let db: TestDatabase | undefined;
  let server: ServerProcess | undefined;
  afterAll(async () => {
    await server?.kill('SIGKILL');
    await db?.close();
  });

  it('keeps every acknowledged answer and the deadline across a crash and restart', async () => {
    let env: Record<string, string>;
    if (kind === 'postgres') {
      db = await createTestDatabase('postgres');
      env = { DATABASE_URL: db.url! };
    } else {
      env = { DATA_DIR: mkdtempSync(path.join(tmpdir(), 'cpt-fault-')) };
    }
    server = await startServer(env, await freePort());
    const admin = await apiLogin(server.url, 'admin');
    const candidate = await apiLogin(server.url, 'candidate');
    const { sessionId: id } = await startExamOverApi(await apiLogin(server.url, 'proctor'), candidate, await userIdOf(admin, 'candidate'));

    const c = await ExamClient.open(server.url, { cookie: candidate.cookie });
    const snap = await c.hello(id);
    const deadline = snap.time.deadline;
    expect(deadline).not.toBeNull();

    // Fire every answer without waiting; kill the server once some have been acknowledged.
    const sent = new Map<number, { itemId: string; optionId: string }>();
    snap.items.forEach((it, i) => {
      const seq = i + 1;
      const optionId = it.options[i % it.options.length]!.id;
      sent.set(seq, { itemId: it.itemId, optionId });
      c.send({ type: 'answer', seq, itemId: it.itemId, optionId });
    });
    await expect.poll(() => c.messages.filter((m) => m.type === 'ack').length, { timeout: 10_000, interval: 1 }).toBeGreaterThan(10);
    await server.kill('SIGKILL');
    const acked = c.messages.filter((m): m is { type: 'ack'; seq: number } => m.type === 'ack').map((m) => m.seq);
    expect(acked.length).toBeGreaterThan(10);

    server = await server.restart();
    const resumed = await ExamClient.open(server.url, { cookie: candidate.cookie });
    const snap2 = await resumed.hello(id);
    for (const seq of acked) {
      const { itemId, optionId } = sent.get(seq)!;
      expect(snap2.answers[itemId], `acknowledged answer seq ${seq}`).toBe(optionId);
    }
    // The restart took well under the 30 s grace: the clock kept running and the deadline did not move.
    expect(snap2.session.state).toBe('in_progress');
    expect(snap2.time.deadline).toBe(deadline);

    // The client resends what was not acknowledged; everything is then saved.
    const unacked = [...sent.keys()].filter((s) => !acked.includes(s));
    resumed.continueFrom(sent.size);
    const replies = await Promise.all(unacked.map((seq) => resumed.request({ type: 'answer', ...sent.get(seq)! }, seq)));
    expect(replies.every((r) => r.type === 'ack')).toBe(true);
    // While the exam runs, answers are visible to admins only (#14.1).
    const saved = await admin.call('GET', `/api/sessions/${id}/responses`);
    expect(saved.filter((r: { optionId: string | null }) => r.optionId)).toHaveLength(snap.items.length);
    resumed.close();
  }, 120_000);
});
