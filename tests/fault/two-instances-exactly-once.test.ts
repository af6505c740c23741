/**
 * Fault test (#13.6): one candidate's exam served by two real server processes on one PostgreSQL database, started
 * at the same instant. Answers go to A, A is killed with SIGKILL with answers in flight, the candidate carries on at B
 * (replaying what was not acknowledged), A comes back and answers alternate between the instances, some re-answering
 * earlier questions; then the same final submit is sent to A and B at once. Checks: every acknowledged answer is
 * stored (or superseded by the candidate's own later one), one row per question; the session ended once and was
 * scored once (one score row, one score history row, one audit entry each for the end, the score and the scoring,
 * at most one credential), and the score report is the same seen from A and from B.
 */
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../shared/protocol/session-protocol.ts';
import { ExamClient } from '../helpers/exam-client.ts';
import { apiLogin, startExamOverApi, twoInstances, userIdOf, type ServerProcess } from '../helpers/server-process.ts';

const INSTANCE_ID = 'tab-two-instances-1';

describe.skipIf(!process.env.DATABASE_URL)('two instances, one PostgreSQL database: exactly once', () => {
  const instances = twoInstances();
  const clients: ExamClient[] = [];
  afterAll(async () => {
    for (const c of clients) c.close();
    await instances.stop('SIGKILL');
  }, 60_000);

  it('stores every acknowledged answer once and ends and scores the session once, across a kill -9 and a raced submit', async () => {
    // Both bootstrap at once (demo accounts, sample banks): the advisory lock serializes them.
    const started = await instances.start({ together: true });
    let a = started.a;
    const { b, databaseUrl } = started;

    const admin = await apiLogin(a.url, 'admin');
    const candidate = await apiLogin(a.url, 'candidate');
    const { sessionId: id } = await startExamOverApi(await apiLogin(b.url, 'proctor'), candidate, await userIdOf(admin, 'candidate'));

    /** A socket to one instance, joined with the same client instance id each time (a reconnect, not a takeover). */
    async function join(server: ServerProcess) {
      const c = await ExamClient.open(server.url, { cookie: candidate.cookie });
      clients.push(c);
      const seen = c.messages.length;
      c.send({ type: 'hello', protocol: 1, sessionId: id, clientInstanceId: INSTANCE_ID });
      const snap = await c.waitFor('snapshot', (m) => c.messages.indexOf(m) >= seen);
      return { c, snap };
    }
    const acks = (c: ExamClient) => c.messages.filter((m): m is Extract<ServerMessage, { type: 'ack' }> => m.type === 'ack').map((m) => m.seq);

    const first = await join(a);
    const items = first.snap.items;
    expect(items.length).toBeGreaterThanOrEqual(30);
    /** Every answer the candidate sent: seq → (item, option); and the seqs some server acknowledged. */
    const sent = new Map<number, { itemId: string; optionId: string }>();
    const acked = new Set<number>();
    let seq = 0;
    const answerOf = (i: number, round: number) => {
      const it = items[i]!;
      return { itemId: it.itemId, optionId: it.options[(i + round) % it.options.length]!.id };
    };

    // 1. Twenty answers to A without waiting; A is killed once a few are acknowledged.
    for (let i = 0; i < 20; i++) {
      const s = ++seq;
      sent.set(s, answerOf(i, 0));
      first.c.send({ type: 'answer', seq: s, ...sent.get(s)! });
    }
    await expect.poll(() => acks(first.c).length, { timeout: 10_000, interval: 1 }).toBeGreaterThanOrEqual(3);
    await a.kill('SIGKILL');
    for (const s of acks(first.c)) acked.add(s);

    // 2. The candidate reconnects to B and replays what A did not acknowledge (same seqs: idempotent).
    const atB = await join(b);
    for (const s of [...sent.keys()].filter((s) => !acked.has(s))) {
      const r = await atB.c.request({ type: 'answer', ...sent.get(s)! }, s);
      expect(r, `replayed seq ${s}`).toMatchObject({ type: 'ack' });
      acked.add(s);
    }
    atB.c.close();

    // 3. A comes back; answers alternate between A and B, a new socket each round, re-answering earlier questions too.
    a = await instances.restart(a);
    for (let round = 1; round <= 4; round++) {
      const { c } = await join(round % 2 ? a : b);
      for (let k = 0; k < 5; k++) {
        const i = round % 2 ? 20 + (round - 1) * 2 + k : k * 3 + round; // new questions on A, changed ones on B
        const s = ++seq;
        sent.set(s, answerOf(i, round));
        const r = await c.request({ type: 'answer', ...sent.get(s)! }, s);
        expect(r, `seq ${s} in round ${round}`).toMatchObject({ type: 'ack' });
        acked.add(s);
      }
      c.close();
    }

    // 4. The same final submit to A and to B at once.
    const sa = await join(a);
    const sb = await join(b);
    const submitSeq = ++seq;
    const outcome = (c: ExamClient) =>
      c.request({ type: 'submit' }, submitSeq, 15_000).then(
        (m) => m.type,
        () => (c.closed ? `closed ${c.closed.code}` : 'no answer'),
      );
    const results = await Promise.all([outcome(sa.c), outcome(sb.c)]);
    expect(results, `submit answers: ${results.join(', ')}`).toContain('ack');

    // Scored (by whichever instance got there first), then the checks.
    await expect.poll(async () => (await candidate.call('GET', `/api/sessions/${id}`)).state, { timeout: 30_000, interval: 200 }).toBe('scored');
    // Both sweeps have had time to try again; nothing may be added by them.
    await new Promise((r) => setTimeout(r, 2500));

    const sql = new pg.Client({ connectionString: databaseUrl });
    await sql.connect();
    try {
      const rows = (await sql.query<{ item_id: string; option_id: string | null; answer_seq: number }>('select item_id, option_id, answer_seq from responses where session_id = $1', [id])).rows;
      const stored = new Map(rows.map((r) => [r.item_id, r]));
      expect(stored.size, 'one row per question').toBe(rows.length);
      // The last acknowledged answer of every question is what is stored.
      const expected = new Map<string, { seq: number; optionId: string }>();
      for (const s of [...acked].sort((x, y) => x - y)) expected.set(sent.get(s)!.itemId, { seq: s, optionId: sent.get(s)!.optionId });
      for (const [itemId, e] of expected) {
        expect(stored.get(itemId), `acknowledged answer to ${itemId} (seq ${e.seq})`).toMatchObject({ option_id: e.optionId, answer_seq: e.seq });
      }
      expect([...stored.keys()].filter((k) => stored.get(k)!.option_id).sort()).toEqual([...expected.keys()].sort());

      const count = async (q: string) => Number((await sql.query<{ n: string }>(q, [id])).rows[0]!.n);
      expect(await count('select count(*) as n from session_scores where session_id = $1')).toBe(1);
      expect(await count('select count(*) as n from score_history where session_id = $1')).toBe(1);
      expect(await count("select count(*) as n from audit_log where subject_id = $1::text and action = 'session.submitted'")).toBe(1);
      expect(await count("select count(*) as n from audit_log where subject_id = $1::text and action in ('session.expired', 'session.terminated')")).toBe(0);
      expect(await count("select count(*) as n from audit_log where subject_id = $1::text and action = 'session.scored'")).toBe(1);
      expect(await count("select count(*) as n from audit_log where subject_id = $1::text and action = 'session.score-recorded'")).toBe(1);
      expect(await count('select count(*) as n from credentials where session_id = $1')).toBeLessThanOrEqual(1);
      expect(await count("select count(*) as n from session_incidents where session_id = $1 and kind = 'second-connection'")).toBe(0);
      const ledger = (await sql.query<{ kind: string }>('select kind from session_time_ledger where session_id = $1', [id])).rows.map((r) => r.kind);
      expect(ledger.filter((k) => k === 'stop')).toHaveLength(1);
    } finally {
      await sql.end();
    }

    // The same result seen from both instances.
    const viaB = await apiLogin(b.url, 'candidate');
    const reportA = await candidate.call('GET', `/api/sessions/${id}/report`);
    const reportB = await viaB.call('GET', `/api/sessions/${id}/report`);
    expect(reportA.status).toBe('scored');
    expect(reportB).toEqual(reportA);
  }, 240_000);
});
