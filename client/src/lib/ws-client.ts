/**
 * A websocket that comes back: reconnects with capped exponential backoff and jitter, stays quiet while the browser
 * says it is offline (and reconnects at once when it is back), and notices a dead connection by silence. It knows
 * nothing of exams: the caller says what to send on every (re)connect and what to do with messages.
 */

export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'offline' | 'stopped';

/** What the client needs of a WebSocket (the browser's, or a fake in tests). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export interface NetworkSignal {
  isOnline(): boolean;
  subscribe(onChange: (online: boolean) => void): () => void;
}

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
  now(): number;
}

export interface BackoffOptions {
  baseMs: number;
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, capMs: 15_000 };
const OPEN = 1;

/**
 * The wait before reconnect attempt `attempt` (0-based): the exponential step min(cap, base·2^attempt), of which a
 * random half is jitter ("equal jitter"), so a room of workstations that lost the network together does not come
 * back in one burst, and no attempt is ever immediate.
 */
export function backoffDelay(attempt: number, opts: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const step = Math.min(opts.capMs, opts.baseMs * 2 ** Math.max(0, Math.min(attempt, 30)));
  return Math.round(step / 2 + random() * (step / 2));
}

export function browserNetwork(): NetworkSignal {
  return {
    isOnline: () => (typeof navigator === 'undefined' ? true : navigator.onLine !== false),
    subscribe(onChange) {
      if (typeof window === 'undefined') return () => {};
      const on = () => onChange(true);
      const off = () => onChange(false);
      window.addEventListener('online', on);
      window.addEventListener('offline', off);
      return () => {
        window.removeEventListener('online', on);
        window.removeEventListener('offline', off);
      };
    },
  };
}

export const browserTimers: Timers = { set: (fn, ms) => setTimeout(fn, ms), clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>), now: () => Date.now() };

/** ws://host/path or wss://host/path for a same-origin path. */
export function sameOriginSocketUrl(path: string): string {
  const { protocol, host } = window.location;
  return `${protocol === 'https:' ? 'wss' : 'ws'}://${host}${path}`;
}

export interface ReconnectingSocketOptions {
  url: string;
  /** Called on every open, before anything else is sent: say hello here. */
  onOpen(send: (message: unknown) => boolean): void;
  onMessage(message: unknown): void;
  onStatus?(status: ConnectionStatus): void;
  /** Called when a socket closes; return false to stop reconnecting (e.g. the server said this socket was replaced). */
  onClose?(code: number, reason: string): boolean | void;
  createSocket?: (url: string) => SocketLike;
  network?: NetworkSignal;
  timers?: Timers;
  random?: () => number;
  backoff?: BackoffOptions;
  /** With no message for this long while open, the connection is taken as dead and replaced. */
  silenceMs?: number;
}

export class ReconnectingSocket {
  private socket: SocketLike | null = null;
  private attempt = 0;
  private retryTimer: unknown = null;
  private watchdog: unknown = null;
  private lastHeard = 0;
  private stopped = true;
  private unsubscribe: (() => void) | null = null;
  private current: ConnectionStatus = 'stopped';
  private everConnected = false;
  private readonly timers: Timers;
  private readonly network: NetworkSignal;

  constructor(private readonly opts: ReconnectingSocketOptions) {
    this.timers = opts.timers ?? browserTimers;
    this.network = opts.network ?? browserNetwork();
  }

  get status(): ConnectionStatus {
    return this.current;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.unsubscribe = this.network.subscribe((online) => {
      if (this.stopped) return;
      if (online) this.reconnectNow();
      else {
        // Do not wait for the socket to time out: everything goes to the outbox until the network is back.
        this.cancelRetry();
        this.dropSocket();
        this.setStatus('offline');
      }
    });
    this.open();
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.cancelRetry();
    this.dropSocket();
    this.setStatus('stopped');
  }

  /** Connects again now, with a fresh backoff (e.g. the network came back, or the candidate asked to). */
  reconnectNow(): void {
    if (this.stopped) this.stopped = false;
    this.attempt = 0;
    this.cancelRetry();
    this.dropSocket();
    this.open();
  }

  send(message: unknown): boolean {
    if (!this.socket || this.socket.readyState !== OPEN || this.current !== 'connected') return false;
    try {
      this.socket.send(JSON.stringify(message));
      return true;
    } catch {
      return false;
    }
  }

  private setStatus(s: ConnectionStatus) {
    if (s === this.current) return;
    this.current = s;
    this.opts.onStatus?.(s);
  }

  private open() {
    if (this.stopped) return;
    if (!this.network.isOnline()) {
      this.setStatus('offline');
      return;
    }
    this.setStatus(this.everConnected ? 'reconnecting' : 'connecting');
    let socket: SocketLike;
    try {
      socket = (this.opts.createSocket ?? ((u) => new WebSocket(u) as unknown as SocketLike))(this.opts.url);
    } catch {
      this.scheduleRetry();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.attempt = 0;
      this.everConnected = true;
      this.lastHeard = this.timers.now();
      this.setStatus('connected');
      this.armWatchdog();
      this.opts.onOpen((m) => this.send(m));
    };
    socket.onmessage = (ev) => {
      if (this.socket !== socket) return;
      this.lastHeard = this.timers.now();
      let parsed: unknown;
      try {
        parsed = JSON.parse(String(ev.data));
      } catch {
        return;
      }
      this.opts.onMessage(parsed);
    };
    socket.onerror = () => {
      /* onclose follows */
    };
    socket.onclose = (ev) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.disarmWatchdog();
      const keepGoing = this.opts.onClose?.(ev.code, ev.reason);
      if (keepGoing === false) {
        this.stopped = true;
        this.setStatus('stopped');
        return;
      }
      this.scheduleRetry();
    };
  }

  private scheduleRetry() {
    if (this.stopped) return;
    if (!this.network.isOnline()) {
      this.setStatus('offline');
      return;
    }
    this.setStatus(this.everConnected ? 'reconnecting' : 'connecting');
    const wait = backoffDelay(this.attempt++, this.opts.backoff, this.opts.random);
    this.retryTimer = this.timers.set(() => {
      this.retryTimer = null;
      this.open();
    }, wait);
  }

  private cancelRetry() {
    if (this.retryTimer !== null) this.timers.clear(this.retryTimer);
    this.retryTimer = null;
  }

  private dropSocket() {
    this.disarmWatchdog();
    const s = this.socket;
    this.socket = null;
    if (s) {
      s.onopen = s.onmessage = s.onerror = null;
      s.onclose = null;
      try {
        s.close(1000, 'client reconnecting');
      } catch {
        /* already closed */
      }
    }
  }

  private armWatchdog() {
    const silence = this.opts.silenceMs;
    if (!silence) return;
    this.disarmWatchdog();
    const check = () => {
      this.watchdog = null;
      if (!this.socket || this.stopped) return;
      if (this.timers.now() - this.lastHeard > silence) {
        // Half-open connection: nothing arrives although we keep asking. Replace it.
        this.dropSocket();
        this.scheduleRetry();
        return;
      }
      this.watchdog = this.timers.set(check, Math.max(250, silence / 4));
    };
    this.watchdog = this.timers.set(check, Math.max(250, silence / 4));
  }

  private disarmWatchdog() {
    if (this.watchdog !== null) this.timers.clear(this.watchdog);
    this.watchdog = null;
  }
}
