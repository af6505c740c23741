/**
 * Found by bench/chaos (#13.8): PostgreSQL down for 25 s paused every connected candidate. Heartbeats (every 10 s)
 * fail during the outage, so when the database returns every session's last_seen_at is the outage plus up to 15 s
 * old, and the disconnect sweep, running first, took the candidates on open sockets for gone (and nothing resumes a
 * candidate who never reconnects). After a tick that found the database unreachable, the disconnect sweep waits one
 * heartbeat period (plus a margin) after the database is back, so the heartbeats land first.
 */
import { describe, expect, it } from 'vitest';
import type { Jobs } from '../../../server/src/platform/jobs.ts';
import { OUTAGE_HOLD_MS, scheduleSessionSweeps } from '../../../server/src/modules/sessions/sessions.sweeps.ts';

function harness() {
  let run: (() => Promise<unknown>) | null = null;
  const jobs = { every: (_n: string, _ms: number, r: () => Promise<unknown>) => void (run = r) } as unknown as Jobs;
  let down = false;
  let t = 1_000_000;
  const calls = { expire: 0, breaks: 0, pause: 0, score: 0 };
  const unreachable = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
  scheduleSessionSweeps(
    jobs,
    {
      expireDue: async () => {
        calls.expire++;
        if (down) throw unreachable();
        return [];
      },
      endBreaksOver: async () => {
        calls.breaks++;
        return [];
      },
      pauseDisconnected: async () => {
        calls.pause++;
        if (down) throw unreachable();
        return [];
      },
      scorePending: async () => {
        calls.score++;
        return 0;
      },
    },
    1000,
    () => t,
  );
  const tick = async (advanceMs = 1000) => {
    t += advanceMs;
    await run!().catch(() => {});
  };
  return { calls, tick, setDown: (d: boolean) => (down = d) };
}

describe('the disconnect sweep after the database was unreachable', () => {
  it('waits a heartbeat period after the database is back before pausing anyone', async () => {
    const h = harness();
    await h.tick();
    expect(h.calls.pause).toBe(1);
    h.setDown(true);
    await h.tick();
    await h.tick();
    h.setDown(false);
    const before = h.calls.pause;
    await h.tick(); // the database is back: the heartbeats have not landed yet
    expect(h.calls.pause).toBe(before);
    expect(h.calls.score).toBeGreaterThan(0); // the other sweeps run
    expect(h.calls.breaks).toBeGreaterThan(0); // scheduled breaks still end on time
    await h.tick(OUTAGE_HOLD_MS - 1500);
    expect(h.calls.pause).toBe(before);
    await h.tick(2000);
    expect(h.calls.pause).toBe(before + 1);
  });

  it('runs on every tick while the database answers', async () => {
    const h = harness();
    for (let i = 0; i < 5; i++) await h.tick();
    expect(h.calls.pause).toBe(5);
  });
});
