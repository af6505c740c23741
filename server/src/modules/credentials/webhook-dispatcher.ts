/**
 * Runs the employer webhooks in the background on every instance: announces expiries (once a minute) and sends due
 * deliveries (every few seconds). The database makes it safe to run everywhere at once: events are enqueued exactly
 * once (unique keys), deliveries are claimed with SKIP LOCKED under a lease, and what a killed instance was sending is
 * sent again after its lease ends (at least once). Nothing lives only in memory, so a restart loses nothing.
 */
import type { EmployerService } from './employer.service.ts';

export function createWebhookDispatcher(deps: { employer: Pick<EmployerService, 'announceExpiries' | 'deliverDue'>; log: (msg: string, err: unknown) => void; intervalMs?: number; expiryEveryMs?: number }) {
  const interval = deps.intervalMs ?? 5_000;
  const expiryEvery = deps.expiryEveryMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let lastExpirySweep = 0;
  let stopped = true;

  async function tick() {
    try {
      if (Date.now() - lastExpirySweep >= expiryEvery) {
        lastExpirySweep = Date.now();
        await deps.employer.announceExpiries();
      }
      // Keep sending while full batches come back, so a backlog drains without waiting a whole interval per batch.
      while (!stopped && (await deps.employer.deliverDue()).length === 20);
    } catch (e) {
      deps.log('webhook dispatch failed; retrying on the next tick', e);
    }
  }

  function schedule() {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick().finally(() => {
        running = undefined;
        schedule();
      });
    }, interval);
    timer.unref();
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      schedule();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
