/**
 * Background jobs on one instance: each runs every `intervalMs`, never overlapping itself (a slow run delays the
 * next instead of piling up), and a failure is logged, not thrown. `stop()` cancels the schedule and waits for the
 * runs in flight, so a shutdown never cuts a sweep's transaction in half. Jobs that must happen once across
 * instances make that true in the database (row locks, SKIP LOCKED), not here.
 */
export interface Jobs {
  every(name: string, intervalMs: number, run: () => Promise<unknown>): void;
  /** Runs one job now (unless it is already running); resolves when that run ends. */
  runNow(name: string): Promise<void>;
  stop(): Promise<void>;
  readonly names: string[];
}

export function createJobs(deps: { log?: (message: string, error: unknown) => void } = {}): Jobs {
  const log = deps.log ?? (() => {});
  const jobs = new Map<string, { run: () => Promise<unknown>; timer: NodeJS.Timeout; inFlight: Promise<void> | null }>();
  let stopped = false;

  function fire(name: string): Promise<void> {
    const job = jobs.get(name);
    if (!job) return Promise.reject(new Error(`no job named ${name}`));
    if (job.inFlight) return job.inFlight;
    job.inFlight = (async () => {
      try {
        await job.run();
      } catch (e) {
        log(`job ${name} failed`, e);
      } finally {
        job.inFlight = null;
      }
    })();
    return job.inFlight;
  }

  return {
    every(name, intervalMs, run) {
      if (stopped) throw new Error('jobs are stopped');
      if (jobs.has(name)) throw new Error(`a job named ${name} is already scheduled`);
      const timer = setInterval(() => void fire(name), intervalMs);
      timer.unref?.();
      jobs.set(name, { run, timer, inFlight: null });
    },
    runNow: fire,
    async stop() {
      stopped = true;
      for (const j of jobs.values()) clearInterval(j.timer);
      await Promise.allSettled([...jobs.values()].map((j) => j.inFlight));
    },
    get names() {
      return [...jobs.keys()];
    },
  };
}
