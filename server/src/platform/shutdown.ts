/**
 * Graceful shutdown with a deadline (close-with-grace; docs/decisions/0006-close-with-grace.md). On SIGTERM or SIGINT
 * the process stops taking traffic, drains (every acknowledged answer is durable), closes candidate and proctor sockets
 * with 1001 so clients reconnect at once to another instance, and exits 0; if that takes longer than `deadlineMs` it
 * exits 1 anyway. An uncaught exception or unhandled rejection is logged, the same close runs, and the exit is 1.
 */
import closeWithGrace from 'close-with-grace';

export const DEFAULT_SHUTDOWN_DEADLINE_MS = 10_000;

export interface ShutdownOptions {
  deadlineMs: number;
  log: { info(msg: string): void; error(obj: unknown, msg: string): void };
  /** Everything to close, in order (the app, then the database). */
  close(reason: { signal?: string; err?: Error }): Promise<void>;
}

export function installShutdown(opts: ShutdownOptions) {
  return closeWithGrace(
    {
      delay: opts.deadlineMs,
      logger: { error: (m: unknown, ...rest: unknown[]) => opts.log.error({ detail: rest }, String(m)) },
      onTimeout: (delay) => opts.log.error({ delay }, `shutdown did not finish within ${delay} ms: exiting anyway`),
    },
    async ({ signal, err }) => {
      if (err) opts.log.error({ err }, 'crashed: closing and exiting with an error');
      else opts.log.info(`${signal ?? 'close'}: closing (deadline ${opts.deadlineMs} ms)`);
      await opts.close({ signal, err });
    },
  );
}
