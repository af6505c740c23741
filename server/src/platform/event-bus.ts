/**
 * Cross-instance events over PostgreSQL LISTEN/NOTIFY (PGlite delivers them in-process). Publishers NOTIFY inside
 * their transaction (db/notify.ts); every instance listens once and fans events out to local subscribers.
 */
export interface BusEvent {
  /** What happened, e.g. "session". */
  t: string;
  [key: string]: unknown;
}

export type Listen = (channel: string, onPayload: (payload: string) => void, onRestored?: () => void) => Promise<() => Promise<void>>;

/**
 * Published locally (never over NOTIFY) when the listening connection came back after a loss: events sent in between
 * are gone, so every subscriber that keeps derived state reloads it (proctor rosters, candidates' session states).
 */
export const RESYNC_EVENT: BusEvent = { t: 'bus', kind: 'resync' };

export function createEventBus() {
  const handlers = new Map<string, Set<(e: BusEvent) => void>>();
  let stop: (() => Promise<void>) | undefined;
  const dispatch = (e: BusEvent) => {
    for (const h of handlers.get(e.t) ?? []) {
      try {
        h(e);
      } catch {
        // One faulty subscriber must not stop the others.
      }
    }
  };
  return {
    async start(listen: Listen, channel: string) {
      stop = await listen(
        channel,
        (payload) => {
          try {
            dispatch(JSON.parse(payload) as BusEvent);
          } catch {
            // Ignore payloads that are not ours.
          }
        },
        () => dispatch(RESYNC_EVENT),
      );
    },
    on(type: string, handler: (e: BusEvent) => void): () => void {
      if (!handlers.has(type)) handlers.set(type, new Set());
      handlers.get(type)!.add(handler);
      return () => handlers.get(type)!.delete(handler);
    },
    async close() {
      await stop?.();
      stop = undefined;
    },
  };
}
export type EventBus = ReturnType<typeof createEventBus>;
