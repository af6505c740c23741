/**
 * The proctor console's push feed on one instance. Session changes from any instance arrive over the event bus
 * (LISTEN/NOTIFY) and are pushed as fresh rows: one round of queries per flush for all changed sessions of every
 * watched center (a flush that queried center by center took ~1 s with 100 busy centers, bench/proctoring), then each
 * center's rows go to that center's proctors. A change after a quiet period is flushed at once; under load changes are
 * coalesced for a window that follows the measured flush cost (domain/flush-window.ts). Time comes from the injected
 * Clock. The socket route (/ws/proctor) is proctoring.socket.ts.
 */
import type { Actor } from '../../platform/actor.ts';
import { AppError } from '../../platform/errors.ts';
import type { Clock } from '../../platform/clock.ts';
import type { BusEvent, EventBus } from '../../platform/event-bus.ts';
import { CLOSE, SOCKET_OPEN, type MinimalSocket } from '../../platform/ws/socket.ts';
import { createLiveness, type LivenessOptions, type PingableSocket } from '../../platform/ws/liveness.ts';
import type { TokenWatch } from '../../platform/ws/token-watch.ts';
import { proctorClientMessageSchema, type ProctorServerMessage } from '../../../../shared/api/proctoring.ts';
import { progressIdsFor } from '../sessions/domain/progress-event.ts';
import type { ProctoringService } from './proctoring.service.ts';
import { afterFlush, flushDelayMs, QUIET_FEED, type FlushWindow } from './domain/flush-window.ts';

/** How often the periodic full refresh looks for consoles that are due (each tick serves its share). */
export const REFRESH_TICK_MS = 250;
/** A full refresh now and then keeps time-based flags (idle, stale heartbeat) current without any event. */
export const FULL_REFRESH_MS = 15_000;

interface Subscriber {
  socket: MinimalSocket;
  actor: Actor;
  centerId: string | null;
  date: string | undefined;
  /** When this subscriber last got a whole roster (ms); the periodic refresh serves the longest-waiting first. */
  refreshedAt: number;
}

export function createProctorFeed(deps: { proctoring: Pick<ProctoringService, 'roster' | 'rowsByCenter'>; bus: EventBus; clock: Clock; tokens?: Pick<TokenWatch, 'register' | 'inUse'>; liveness?: Partial<LivenessOptions>; log?: (m: string, e?: unknown) => void }) {
  const liveness = createLiveness(deps.liveness);
  const subscribers = new Set<Subscriber>();
  /** How many subscribers watch each center: events for unwatched centers are dropped on arrival. */
  const watchers = new Map<string, number>();
  const dirty = new Set<string>();
  const log = deps.log ?? (() => {});
  const now = () => deps.clock.now().getTime();
  const send = (s: Subscriber, m: ProctorServerMessage) => {
    if (s.socket.readyState === SOCKET_OPEN) s.socket.send(JSON.stringify(m));
  };
  const watch = (s: Subscriber, centerId: string | null) => {
    if (s.centerId) watchers.set(s.centerId, (watchers.get(s.centerId) ?? 1) - 1);
    if (s.centerId && !watchers.get(s.centerId)) watchers.delete(s.centerId);
    s.centerId = centerId;
    if (centerId) watchers.set(centerId, (watchers.get(centerId) ?? 0) + 1);
  };

  function markDirty(center: unknown, ids: unknown[]) {
    if (typeof center !== 'string' || !watchers.has(center)) return;
    for (const id of ids) if (typeof id === 'string') dirty.add(id);
    scheduleFlush();
  }
  const isWatched = (center: string) => watchers.has(center);

  async function flushRows(ids: string[]) {
    const byCenter = await deps.proctoring.rowsByCenter(ids);
    const serverTime = deps.clock.now().toISOString();
    const sentAt = now();
    for (const s of subscribers) {
      const rows = s.centerId ? byCenter.get(s.centerId) : undefined;
      if (rows?.length) send(s, { type: 'rows', rows, serverTime, sentAt });
    }
  }

  async function sendRoster(s: Subscriber) {
    if (!s.centerId) return;
    s.refreshedAt = now();
    const r = await deps.proctoring.roster(s.actor, s.centerId, s.date);
    send(s, { type: 'roster', testCenterId: r.testCenterId, date: r.date, rows: r.rows, serverTime: deps.clock.now().toISOString() });
  }

  /**
   * A whole roster now and then keeps time-based flags (idle, stale heartbeat) current without any event. Spread over
   * the ticks (each tick refreshes its share, longest-waiting first) so a hundred consoles do not all refresh at once.
   */
  async function refreshDue() {
    const t = now();
    const due = [...subscribers].filter((s) => s.centerId && t - s.refreshedAt >= FULL_REFRESH_MS).sort((a, b) => a.refreshedAt - b.refreshedAt);
    const share = Math.max(1, Math.ceil((subscribers.size * REFRESH_TICK_MS) / FULL_REFRESH_MS));
    for (const s of due.slice(0, share)) await sendRoster(s);
  }

  async function resyncAll() {
    for (const s of [...subscribers]) await sendRoster(s).catch((e) => log('proctor feed resync failed', e));
  }

  async function onMessage(s: Subscriber, raw: string) {
    let parsed;
    try {
      parsed = proctorClientMessageSchema.safeParse(JSON.parse(raw));
    } catch {
      return send(s, { type: 'error', code: 'BAD_MESSAGE', message: 'The message is not valid JSON' });
    }
    if (!parsed.success) return send(s, { type: 'error', code: 'BAD_MESSAGE', message: parsed.error.issues[0]?.message ?? 'malformed message' });
    const m = parsed.data;
    if (m.type === 'ping') {
      deps.tokens?.inUse(s.actor);
      return send(s, { type: 'pong', clientSentAt: m.clientSentAt, serverTime: now() });
    }
    try {
      const r = await deps.proctoring.roster(s.actor, m.testCenterId, m.date);
      if (!subscribers.has(s)) return; // closed while the roster loaded
      watch(s, m.testCenterId);
      s.date = m.date;
      s.refreshedAt = now();
      send(s, { type: 'roster', testCenterId: r.testCenterId, date: r.date, rows: r.rows, serverTime: deps.clock.now().toISOString() });
    } catch (e) {
      if (e instanceof AppError) send(s, { type: 'error', code: e.code, message: e.message });
      else throw e;
    }
  }

  const unsubscribe: (() => void)[] = [];
  let running = false;
  let refreshing = false;
  let refreshTimer: NodeJS.Timeout | undefined;
  let flushTimer: NodeJS.Timeout | undefined;
  let flushing = false;
  /** Start of the current run of failed flushes (ms), null while flushes succeed. */
  let failingSince: number | null = null;
  let feedWindow: FlushWindow = QUIET_FEED;

  /**
   * One flush at a time. Pending changes go out after flushDelayMs: at once when the last flush started a window ago
   * or more, otherwise when that window ends; a change arriving during a flush waits for it to end. The delay is a
   * setTimeout even when 0, so the several NOTIFYs of one answer batch (split by bytes) that arrive in one read are
   * fetched together.
   */
  function scheduleFlush() {
    if (!running || flushing || flushTimer || !dirty.size) return;
    flushTimer = setTimeout(flush, flushDelayMs(feedWindow, now()));
  }

  function flush() {
    flushTimer = undefined;
    if (!running) return;
    flushing = true;
    const ids = [...dirty];
    dirty.clear();
    const startedAt = now();
    void flushRows(ids)
      .then(
        () => false,
        (e) => {
          // Not lost: the next flush fetches these sessions again (a failed flush holds the feed for a whole window),
          // logged once per run of failures. A run as long as a full refresh gives up on what it holds: the consoles'
          // refresh shows those rows by now, and a change that always fails (a malformed id) cannot block the feed.
          if (failingSince === null) {
            failingSince = startedAt;
            log('proctor feed flush failed; retrying', e);
          }
          if (now() - failingSince < FULL_REFRESH_MS) for (const id of ids) dirty.add(id);
          else {
            log(`proctor feed flushes failed for ${FULL_REFRESH_MS / 1000} s; ${ids.length} changed rows are left to the full refresh`, e);
            failingSince = null;
          }
          return true;
        },
      )
      .then((failed) => {
        flushing = false;
        if (!failed) failingSince = null;
        feedWindow = afterFlush(feedWindow, { startedAt, endedAt: now(), failed });
        scheduleFlush();
      });
  }

  return {
    attach(socket: MinimalSocket & Partial<PingableSocket> & { on(e: 'message', l: (d: unknown) => void): unknown; on(e: 'close', l: () => void): unknown }, actor: Actor | null) {
      if (!actor || (actor.role !== 'proctor' && actor.role !== 'admin')) {
        socket.send(JSON.stringify({ type: 'error', code: actor ? 'FORBIDDEN' : 'UNAUTHENTICATED', message: 'The proctor feed is for signed-in proctors and admins' } satisfies ProctorServerMessage));
        socket.close(CLOSE.unauthorized, 'forbidden');
        return;
      }
      const s: Subscriber = { socket, actor, centerId: null, date: undefined, refreshedAt: 0 };
      subscribers.add(s);
      // A console behind a dead connection is reaped like a candidate's socket (ping, silence, terminate).
      const tracked = liveness.track(socket as PingableSocket);
      // Signed out, expired or disabled (on any instance): the console's feed closes with 4005.
      const unwatch = deps.tokens?.register(actor, () => {
        send(s, { type: 'error', code: 'UNAUTHENTICATED', message: 'Your sign-in ended; sign in again' });
        subscribers.delete(s);
        watch(s, null);
        socket.close(CLOSE.signedOut, 'signed out');
      });
      let chain = Promise.resolve();
      socket.on('message', (d: unknown) => {
        if (!subscribers.has(s)) return;
        tracked.heard();
        chain = chain.then(() => onMessage(s, String(d))).catch((e) => log('proctor message failed', e));
      });
      socket.on('close', () => {
        tracked.untrack();
        unwatch?.();
        subscribers.delete(s);
        watch(s, null);
      });
    },
    start() {
      running = true;
      liveness.start();
      unsubscribe.push(deps.bus.on('session', (e: BusEvent) => markDirty(e.center, [e.id])));
      unsubscribe.push(
        deps.bus.on('progress', (e: BusEvent) => {
          for (const id of progressIdsFor(e.by, isWatched)) dirty.add(id);
          scheduleFlush();
        }),
      );
      // Events were lost while the LISTEN connection was down: every console gets its whole roster again now.
      unsubscribe.push(deps.bus.on('bus', (e: BusEvent) => e.kind === 'resync' && void resyncAll()));
      // Whole rosters on their own chain, so a refresh never holds back the changed rows a proctor is waiting for.
      refreshTimer = setInterval(() => {
        if (refreshing) return;
        refreshing = true;
        void refreshDue()
          .catch((e) => log('proctor feed refresh failed', e))
          .finally(() => (refreshing = false));
      }, REFRESH_TICK_MS);
    },
    stop() {
      running = false;
      liveness.stop();
      clearInterval(refreshTimer);
      clearTimeout(flushTimer);
      flushTimer = undefined;
      dirty.clear();
      for (const u of unsubscribe) u();
      for (const s of subscribers) s.socket.close(CLOSE.shutdown, 'server restarting');
      subscribers.clear();
      watchers.clear();
    },
    subscribers: () => subscribers.size,
  };
}
export type ProctorFeed = ReturnType<typeof createProctorFeed>;
