/**
 * Admission control for start storms (#18, docs/decisions/0011-start-storm-queue.md). Starting an exam (the REST start,
 * a socket's hello → snapshot, the snapshot pushed when the exam starts) is the most expensive thing a candidate asks
 * for; when a whole country presses Start at 9:00 the event loop saturates, every start shares it (so all of them end
 * near the end of the burst) and the kernel's listen queue overflows because the loop no longer accepts connections.
 *
 * The gate runs starts first come, first served, a bounded number at a time. The bound follows the measured
 * event-loop delay (additive increase while the loop keeps up, multiplicative decrease when it lags), so the loop stays
 * responsive enough to accept connections and answer the candidates already writing. A waiting start is told its
 * place and expected wait (from the measured rate at which starts leave the queue), and told again as it advances.
 *
 * Two lanes: work for a session whose start already passed the gate (its socket's hello after a REST start, the pushed
 * snapshot) goes ahead of fresh arrivals, unannounced, so a candidate waits in line once, not once per request.
 *
 * `createStartQueue` is the logic with the time passed in (unit-tested with a fake clock); `createStartGate` adds the
 * event-loop monitor and the timer.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface QueuePlace {
  /** 1 = next to start. */
  position: number;
  expectedWaitMs: number;
}

export interface StartGateSettings {
  /** Upper bound on starts running at once (START_GATE_CONCURRENCY). */
  maxConcurrency: number;
  /** Event-loop delay the gate steers towards (START_GATE_LOOP_DELAY_MS): above it fewer starts run at once. */
  targetLoopDelayMs: number;
  /** How long after its start passed the gate a session's follow-up work goes in the front lane. */
  followUpWindowMs: number;
  /** A waiting candidate is told about a better place at most this often... */
  updateMinIntervalMs: number;
  /** ...and at least this often, even if nothing changed (it keeps the client's silence watchdog quiet). */
  updateMaxIntervalMs: number;
}

export const DEFAULT_START_GATE: StartGateSettings = {
  maxConcurrency: 16,
  targetLoopDelayMs: 50,
  followUpWindowMs: 60_000,
  updateMinIntervalMs: 1000,
  updateMaxIntervalMs: 5000,
};

/**
 * Time per start before anything was measured: a start on this 2-core machine costs 5–7 ms of loop time
 * (docs/performance.md, 150–200 starts/s saturated). Replaced by the measurement after the first starts.
 */
const INITIAL_START_MS = 6;
/** Weight of the newest measurement in the moving average of a start's duration. */
const EWMA = 0.2;
/** The drain rate is measured over the departures of this last stretch of time... */
const RATE_WINDOW_MS = 2000;
/** ...at most this many of them. */
const RATE_MAX_SAMPLES = 512;
/** The limit shrinks to this share of itself when the loop lags. */
const DECREASE = 0.75;

export interface Waiter {
  key: string;
  /** Called with the place when it changes; null: announced through the queue's listener by key. */
  notify: ((place: QueuePlace) => void) | null;
  /** False once nobody waits for the answer (the socket closed): skipped, not run. */
  alive: () => boolean;
  /** When this work passes the gate, the key's follow-ups get the front lane. */
  admits: boolean;
  dispatch: () => void;
  drop: () => void;
  lastSent: { position: number; at: number } | null;
}

/** Whether a waiter at `position` should be told now, given what it was told last. */
export function updateDue(last: Waiter['lastSent'], position: number, now: number, s: Pick<StartGateSettings, 'updateMinIntervalMs' | 'updateMaxIntervalMs'>): boolean {
  if (!last) return true;
  const since = now - last.at;
  if (since >= s.updateMaxIntervalMs) return true;
  if (since < s.updateMinIntervalMs || position === last.position) return false;
  // Near the front every step is news; further back a tenth of the line is, so a long line is not a message storm.
  return position <= 10 || position <= last.position * 0.9;
}

/** The next concurrency bound from one window's event-loop delay: additive increase, multiplicative decrease. */
export function nextLimit(limit: number, loopDelayMs: number, busy: boolean, s: Pick<StartGateSettings, 'maxConcurrency' | 'targetLoopDelayMs'>): number {
  if (loopDelayMs > s.targetLoopDelayMs) return Math.max(1, Math.floor(limit * DECREASE));
  if (busy && loopDelayMs <= s.targetLoopDelayMs / 2) return Math.min(s.maxConcurrency, limit + 1);
  return Math.min(s.maxConcurrency, limit);
}

export function createStartQueue(settings: StartGateSettings, now: () => number) {
  let limit = settings.maxConcurrency;
  let inFlight = 0;
  const front: Waiter[] = [];
  const back: Waiter[] = [];
  /** Keys whose start passed the gate, until when their follow-ups go in the front lane. */
  const admitted = new Map<string, number>();
  /**
   * When queued starts left the line, oldest first, over the last RATE_WINDOW_MS: the line's measured drain rate. A
   * window, not a moving average of single gaps: starts leave in bursts as slots free up, and in a storm's first second
   * one long gap (the flood of arrivals being read) made the average promise a 4,994th candidate 34 minutes for a wait
   * of 35 s.
   */
  const leftAt: number[] = [];
  /** Mean duration of one start, for the estimate before the queue has drained for a while. */
  let serviceMs = INITIAL_START_MS;

  const waiting = () => front.length + back.length;
  const perStartMs = () => {
    const t = now();
    while (leftAt.length > 0 && leftAt[0]! < t - RATE_WINDOW_MS) leftAt.shift();
    // Time since the oldest departure over the departures since: a line that stops draining is estimated slower.
    return leftAt.length >= 2 && t > leftAt[0]! ? (t - leftAt[0]!) / (leftAt.length - 1) : serviceMs / limit;
  };
  const placeAt = (position: number): QueuePlace => ({ position, expectedWaitMs: Math.round(position * perStartMs()) });

  function isAdmitted(key: string, t: number) {
    const until = admitted.get(key);
    if (until === undefined) return false;
    if (until > t) return true;
    admitted.delete(key);
    return false;
  }

  function start(w: Waiter, t: number) {
    inFlight++;
    if (w.admits) admitted.set(w.key, t + settings.followUpWindowMs);
    w.dispatch();
  }

  /** Starts waiting work while there is room, oldest first, front lane first. */
  function pump() {
    const t = now();
    while (inFlight < limit) {
      const w = front.shift() ?? back.shift();
      if (!w) break;
      if (!w.alive()) {
        w.drop();
        continue;
      }
      // Every start that leaves the line measures the rate at which it drains.
      leftAt.push(t);
      if (leftAt.length > RATE_MAX_SAMPLES) leftAt.shift();
      start(w, t);
    }
  }

  return {
    /** Runs the work now if there is room and nobody waits; otherwise queues it and returns the place to announce. */
    offer(w: Waiter): QueuePlace | null {
      pump();
      const t = now();
      if (inFlight < limit && waiting() === 0) {
        start(w, t);
        return null;
      }
      // A follow-up is not announced: its candidate already waited in line and was told "number 1"; a new, later
      // place for the same start would read as going backwards. Its wait is short (it goes ahead of the line).
      if (isAdmitted(w.key, t)) {
        front.push(w);
        return null;
      }
      back.push(w);
      const place = placeAt(back.length);
      w.lastSent = { position: place.position, at: t };
      return place;
    },

    /** One start finished (or failed) after `durationMs`: its slot goes to the next in line. */
    finished(durationMs: number, key: string, ok: boolean, admits: boolean) {
      inFlight--;
      serviceMs += EWMA * (durationMs - serviceMs);
      if (!ok && admits) admitted.delete(key);
      pump();
    },

    /** One window's event-loop delay: adjusts the bound and starts more if it grew. */
    observeLoopDelay(loopDelayMs: number) {
      limit = nextLimit(limit, loopDelayMs, inFlight >= limit || waiting() > 0, settings);
      pump();
    },

    /** The waiters to tell their new place now (each told at most once per updateMinIntervalMs). */
    dueUpdates(): Array<{ waiter: Waiter; place: QueuePlace }> {
      const t = now();
      const out: Array<{ waiter: Waiter; place: QueuePlace }> = [];
      // Places count the line only: the front lane's short follow-ups would make a place go backwards as they come.
      let position = 0;
      for (const w of back) {
        if (!w.alive()) continue;
        position++;
        if (!updateDue(w.lastSent, position, t, settings)) continue;
        w.lastSent = { position, at: t };
        out.push({ waiter: w, place: placeAt(position) });
      }
      for (const [key, until] of admitted) if (until <= t) admitted.delete(key);
      return out;
    },

    stats: () => ({ limit, inFlight, waiting: waiting(), perStartMs: perStartMs() }),
  };
}
export type StartQueue = ReturnType<typeof createStartQueue>;

export interface RunOptions {
  notify?: (place: QueuePlace) => void;
  alive?: () => boolean;
  admits?: boolean;
}

/**
 * The gate as the app uses it: `run(sessionId, work)` resolves with the work's result once it has had its turn
 * (undefined if the waiter went away first). Waiters without their own `notify` are announced to the `onPlace`
 * listeners by key (the session gateway forwards a REST start's place to that session's socket).
 */
export function createStartGate(settings: StartGateSettings = DEFAULT_START_GATE, opts: { now?: () => number; sampleMs?: number } = {}) {
  const now = opts.now ?? (() => performance.now());
  const queue = createStartQueue(settings, now);
  const listeners = new Set<(key: string, place: QueuePlace) => void>();
  const announce = (w: Waiter, place: QueuePlace) => {
    if (w.notify) w.notify(place);
    else for (const l of listeners) l(w.key, place);
  };
  let timer: NodeJS.Timeout | null = null;
  let monitor: ReturnType<typeof monitorEventLoopDelay> | null = null;

  return {
    run<T>(key: string, work: () => Promise<T>, o: RunOptions = {}): Promise<T | undefined> {
      return new Promise<T | undefined>((resolve, reject) => {
        const admits = o.admits ?? false;
        const w: Waiter = {
          key,
          notify: o.notify ?? null,
          alive: o.alive ?? (() => true),
          admits,
          lastSent: null,
          drop: () => resolve(undefined),
          dispatch: () => {
            const began = now();
            let ok = false;
            Promise.resolve()
              .then(work)
              .then((v) => {
                ok = true;
                resolve(v);
              }, reject)
              .finally(() => queue.finished(now() - began, key, ok, admits));
          },
        };
        const place = queue.offer(w);
        if (place) announce(w, place);
      });
    },

    onPlace(listener: (key: string, place: QueuePlace) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    /** Samples the event-loop delay every `sampleMs` (250 by default) and sends the waiters their new places. */
    start() {
      if (timer) return;
      monitor = monitorEventLoopDelay({ resolution: 10 });
      monitor.enable();
      timer = setInterval(() => {
        // The worst delay of the window: a start storm shows as long turns, which the mean would hide.
        queue.observeLoopDelay(monitor!.max / 1e6);
        monitor!.reset();
        for (const { waiter, place } of queue.dueUpdates()) announce(waiter, place);
      }, opts.sampleMs ?? 250);
      timer.unref();
    },

    stop() {
      if (timer) clearInterval(timer);
      timer = null;
      monitor?.disable();
      monitor = null;
    },

    stats: () => queue.stats(),
  };
}
export type StartGate = ReturnType<typeof createStartGate>;
