/**
 * The sessions' background sweeps: time-up (end every session whose time plus the in-flight grace is up), disconnect
 * (pause a running session whose candidate has been gone past the policy's limit, crediting the lost time), break end
 * (resume a session whose scheduled break is over, #17.10) and scoring (score sessions that ended but were not scored,
 * e.g. the process died in between). Each claims its rows with FOR UPDATE SKIP LOCKED and re-checks the transition
 * under the lock, so running them on every instance at once ends, pauses, resumes and scores each session exactly once. Scheduled on platform/jobs.ts.
 */
import { isDatabaseUnavailable, type Db } from '../../db/client.ts';
import type { Actor } from '../../platform/actor.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Jobs } from '../../platform/jobs.ts';
import { disconnectDecision, type DisconnectDecision, type DisconnectPolicy } from './domain/session-clock.ts';
import type * as repo from './sessions.repository.ts';

/** How often the sweeps run on each instance. */
export const SWEEP_MS = 1000;
/**
 * After a sweep found the database unreachable, the disconnect sweep waits this long once it answers again: the
 * heartbeats that keep connected candidates' last_seen_at fresh (every 10 s, HEARTBEAT_MS in sessions.gateway.ts)
 * failed meanwhile, and pausing before they land would take every candidate on an open socket for gone (found by
 * bench/chaos: a 25 s PostgreSQL restart paused all of them). Real disconnects are paused this much later, with the
 * same credit (it counts from when the candidate was last heard from); one who returns before the hold ends was never
 * paused and is charged for it, as for a disconnect shorter than the limit.
 */
export const OUTAGE_HOLD_MS = 12_000;

/** What the sweeps need of the sessions service's internals (its transitions, under the caller's transaction). */
export interface SweepDeps {
  db: Db;
  clock: Clock;
  config: { graceMs: number; disconnect: DisconnectPolicy };
  scoring: boolean;
  /** The claims that pick the rows to act on (FOR UPDATE SKIP LOCKED in the real repository). */
  repository: Pick<typeof repo, 'claimExpired' | 'claimDisconnected' | 'claimUnscored' | 'claimBreaksOver'>;
  end(tx: Db, row: repo.SessionRow, reason: 'expired', actor: Actor | null, now: Date): Promise<void>;
  autoPause(tx: Db, row: repo.SessionRow, now: Date, decision: Extract<DisconnectDecision, { pause: true }>): Promise<void>;
  markScored(tx: Db, row: repo.SessionRow): Promise<void>;
  finishBreak(tx: Db, row: repo.SessionRow, now: Date, actor: Actor | null, source: 'system'): Promise<void>;
  scoreIfEnded(sessionId: string): Promise<void>;
}

export function createSessionSweeps(deps: SweepDeps) {
  const { db, clock, config } = deps;
  return {
    /** Ends every session whose time (plus the in-flight grace) is up. Safe to run on every instance at once. */
    async expireDue(limit = 200): Promise<string[]> {
      const now = clock.now();
      const ended = await db.transaction(async (tx) => {
        const due = await deps.repository.claimExpired(tx, now, config.graceMs, limit);
        for (const row of due) await deps.end(tx, row, 'expired', null, now);
        return due.map((r) => r.id);
      });
      for (const id of ended) await deps.scoreIfEnded(id);
      return ended;
    },

    /** Pauses running sessions whose candidate has been gone longer than the policy allows, crediting the lost time. */
    async pauseDisconnected(limit = 200): Promise<string[]> {
      const now = clock.now();
      return db.transaction(async (tx) => {
        const rows = await deps.repository.claimDisconnected(tx, now, config.disconnect.pauseAfterMs, limit);
        const paused: string[] = [];
        for (const row of rows) {
          // The candidate could not work since they were last seen: credit that running time, within the cap.
          const running = now.getTime() - (row.runningSince ?? now).getTime();
          const decision = disconnectDecision(row.lastSeenAt ?? row.startedAt ?? now, now, config.disconnect, row.disconnectCreditedMs, running);
          if (!decision.pause) continue;
          await deps.autoPause(tx, row, now, decision);
          paused.push(row.id);
        }
        return paused;
      });
    },

    /** Resumes sessions whose scheduled break is over (#17.10): the break ends by itself. */
    async endBreaksOver(limit = 200): Promise<string[]> {
      const now = clock.now();
      return db.transaction(async (tx) => {
        const rows = await deps.repository.claimBreaksOver(tx, now, limit);
        for (const row of rows) await deps.finishBreak(tx, row, now, null, 'system');
        return rows.map((r) => r.id);
      });
    },

    /** Scores sessions that ended but were not scored (e.g. the process died in between). */
    async scorePending(limit = 50): Promise<number> {
      if (!deps.scoring) return 0;
      return db.transaction(async (tx) => {
        const rows = await deps.repository.claimUnscored(tx, limit);
        for (const row of rows) await deps.markScored(tx, row);
        return rows.length;
      });
    },
  };
}
export type SessionSweeps = ReturnType<typeof createSessionSweeps>;

/**
 * Runs the sweeps in order, every SWEEP_MS, on this instance's jobs; the disconnect sweep holds for OUTAGE_HOLD_MS
 * after the database was unreachable (the end of scheduled breaks does not: it depends on the clock, not heartbeats). `now` is monotonic milliseconds (injectable for tests).
 */
export function scheduleSessionSweeps(
  jobs: Jobs,
  sweeps: Pick<SessionSweeps, 'expireDue' | 'pauseDisconnected' | 'scorePending' | 'endBreaksOver'>,
  intervalMs = SWEEP_MS,
  now: () => number = () => performance.now(),
) {
  let unreachable = false;
  let holdUntil = 0;
  jobs.every('session-sweeps', intervalMs, async () => {
    try {
      await sweeps.expireDue();
      if (unreachable) {
        unreachable = false;
        holdUntil = now() + OUTAGE_HOLD_MS;
      }
      await sweeps.endBreaksOver();
      if (now() >= holdUntil) await sweeps.pauseDisconnected();
      await sweeps.scorePending();
    } catch (e) {
      if (isDatabaseUnavailable(e)) unreachable = true;
      throw e;
    }
  });
}
