/**
 * Group commit: many callers' writes share one transaction, and each caller's promise settles only after that
 * transaction has committed (or failed). Under light load a write is flushed on the next turn of the event loop, so
 * batching adds no waiting; under heavy load writes queue while a flush runs and go out together in the next one.
 */
import { observeGroupCommit } from './metrics.ts';

export interface GroupCommitOptions {
  /** Largest batch per transaction. */
  maxBatch: number;
}

interface Pending<T, R> {
  item: T;
  resolve: (r: R) => void;
  reject: (e: unknown) => void;
}

export function createGroupCommit<T, R>(flush: (items: T[]) => Promise<R[]>, opts: GroupCommitOptions) {
  let queue: Pending<T, R>[] = [];
  let flushing = false;
  let idle: (() => void)[] = [];

  async function drain() {
    flushing = true;
    while (queue.length > 0) {
      const batch = queue.slice(0, opts.maxBatch);
      queue = queue.slice(batch.length);
      try {
        const started = performance.now();
        const results = await flush(batch.map((p) => p.item));
        observeGroupCommit(batch.length, (performance.now() - started) / 1000);
        batch.forEach((p, i) => p.resolve(results[i]!));
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    }
    flushing = false;
    for (const f of idle) f();
    idle = [];
  }

  return {
    submit(item: T): Promise<R> {
      return new Promise<R>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        if (!flushing) {
          flushing = true;
          setImmediate(() => void drain());
        }
      });
    },
    /** Resolves when nothing is queued or being flushed (graceful shutdown). */
    whenIdle(): Promise<void> {
      return flushing || queue.length ? new Promise((r) => idle.push(r)) : Promise.resolve();
    },
    get queued() {
      return queue.length;
    },
  };
}
