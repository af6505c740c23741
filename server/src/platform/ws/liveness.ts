/**
 * Liveness of websockets. A pulled cable or a frozen browser leaves a half-open TCP connection that looks open for
 * minutes; so every tracked socket is pinged every `pingMs`, anything heard from it (a message, a heartbeat, a pong)
 * marks it alive, and a socket silent for longer than `timeoutMs` is terminated (its close handler then runs as for
 * any disconnect). Silence is measured on a monotonic clock (`performance.now()`), not on the exam clock.
 *
 * Pings are spread (#18): each socket gets its own phase within `pingMs` and a round runs every fiftieth of it, so a
 * round pings a fiftieth of the sockets. Pinging all 10,000 sockets of an instance in one round was 10,000 socket
 * writes in one event-loop turn, every 5 s, and set the answer-ack tail at 10,000 candidates (stalls of 0.3–1.8 s).
 * A silent socket is terminated in the first round after its timeout (within a fiftieth of `pingMs`).
 */
export interface LivenessOptions {
  pingMs: number;
  timeoutMs: number;
  /** Monotonic milliseconds; injectable for tests. */
  now?: () => number;
  /** A number in [0, 1) that places a socket's ping phase; injectable for tests. */
  random?: () => number;
}
/** Rounds per `pingMs`: each round visits every socket (a comparison each) but pings only those whose phase has come. */
const ROUNDS_PER_PING = 50;
export const DEFAULT_LIVENESS: LivenessOptions = { pingMs: 5000, timeoutMs: 12_000 };

/** What liveness needs of a socket (ws's WebSocket has all of it). */
export interface PingableSocket {
  ping?(): void;
  terminate?(): void;
  close(code?: number, reason?: string): void;
  on(event: 'pong', listener: () => void): unknown;
}

export interface Tracked {
  /** Something arrived from the socket now. */
  heard(): void;
  /** Monotonic time it was last heard from. */
  readonly lastHeard: number;
  /** Whether it was heard from within the timeout. */
  alive(): boolean;
  untrack(): void;
}

export function createLiveness(opts: Partial<LivenessOptions> = {}) {
  const { pingMs, timeoutMs } = { ...DEFAULT_LIVENESS, ...opts };
  const now = opts.now ?? (() => performance.now());
  const random = opts.random ?? Math.random;
  const sockets = new Map<PingableSocket, { lastHeard: number; nextPing: number }>();
  let timer: NodeJS.Timeout | null = null;

  function sweep() {
    const t = now();
    for (const [socket, s] of sockets) {
      if (t - s.lastHeard > timeoutMs) {
        sockets.delete(socket);
        // terminate() drops the TCP connection at once; a close handshake would wait on the silent peer.
        if (socket.terminate) socket.terminate();
        else socket.close(1001, 'not heard from');
        continue;
      }
      if (t < s.nextPing) continue;
      // Its own phase, kept: sockets that connected together stay spread instead of drifting into one round.
      s.nextPing += pingMs * (Math.floor((t - s.nextPing) / pingMs) + 1);
      try {
        socket.ping?.();
      } catch {
        // a socket that is closing; its close handler untracks it
      }
    }
  }

  return {
    track(socket: PingableSocket): Tracked {
      const t = now();
      const s = { lastHeard: t, nextPing: t + random() * pingMs };
      sockets.set(socket, s);
      socket.on('pong', () => (s.lastHeard = now()));
      return {
        heard: () => void (s.lastHeard = now()),
        get lastHeard() {
          return s.lastHeard;
        },
        alive: () => now() - s.lastHeard <= timeoutMs,
        untrack: () => void sockets.delete(socket),
      };
    },
    /** Runs one round now (tests). */
    sweep,
    start() {
      timer ??= setInterval(sweep, Math.max(1, pingMs / ROUNDS_PER_PING));
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
      sockets.clear();
    },
    get size() {
      return sockets.size;
    },
    options: { pingMs, timeoutMs },
  };
}
export type Liveness = ReturnType<typeof createLiveness>;
