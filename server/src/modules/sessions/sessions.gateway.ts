/**
 * The live side of exam sessions on one server instance: the candidates' sockets and what each is owed (acks, time
 * warnings, pushed proctor actions), plus the per-instance loops (time warnings, heartbeats). Sockets are handed in by
 * sessions.socket.ts; everything durable goes through the sessions service (the gateway never touches the
 * repository). The time-up, disconnect, break-end and scoring sweeps are in sessions.sweeps.ts.
 *
 * A connection is a union keyed by its state, as tldraw's RoomSession: `awaiting-hello` (socket open, no session
 * yet), `joined` (hello accepted: it owns the session on this instance) and `closed`. Every switch over the state is
 * exhaustive, so a new state fails to compile until each case handles it.
 */
import { randomUUID } from 'node:crypto';
import type { Actor } from '../../platform/actor.ts';
import { AppError } from '../../platform/errors.ts';
import { startAnswerAck } from '../../platform/metrics.ts';
import type { EventBus, BusEvent } from '../../platform/event-bus.ts';
import { CLOSE, SOCKET_OPEN, sendFrames, type MinimalSocket } from '../../platform/ws/socket.ts';
import { createLiveness, type LivenessOptions, type PingableSocket, type Tracked } from '../../platform/ws/liveness.ts';
import type { TokenWatch } from '../../platform/ws/token-watch.ts';
import type { StartGate } from '../../platform/start-gate.ts';
import {
  clientMessageSchema,
  MAX_CLIENT_MESSAGE_BYTES,
  PROTOCOL_VERSION,
  type ClientMessage,
  type ProtocolErrorCode,
  type ServerMessage,
  type SessionState,
} from '../../../../shared/protocol/session-protocol.ts';
import type { Clock } from '../../platform/clock.ts';
import { clockOf, dueWarning, remainingAt, timeStateOf, type ClockColumns } from './domain/session-clock.ts';
import { exhaustive, isEnded } from './domain/session-lifecycle.ts';
import { breakOf } from '../../../../shared/breaks.ts';
import { admitSignal, newSignalLimiter, type SignalLimiter } from './domain/signal-limiter.ts';
import { encodeSnapshot, isRetryableFailure, type SessionRecord, type SessionsService, type SocketCredentials } from './sessions.service.ts';

/** What this instance keeps of a joined session between events: its clock and state (for warnings and time-sync). */
type LiveClock = ClockColumns & { state: SessionState };

export type ConnectionPhase =
  | { state: 'awaiting-hello' }
  | { state: 'joined'; sessionId: string; clock: LiveClock; warned: number[] }
  | { state: 'closed'; sessionId: string | null };

export interface Connection {
  id: string;
  socket: MinimalSocket;
  /** Who the socket is: resolved at hello from `token` (the upgrade's), unless it came with an actor. */
  actor: Actor | null;
  token: string | null;
  /** Stops the token watch (sign-out closes the socket) once the socket is authenticated. */
  unwatch: (() => void) | undefined;
  phase: ConnectionPhase;
  /** Writes in flight (a submit waits for them). */
  pending: Set<Promise<unknown>>;
  /** Last connection health the client reported (time-sync). */
  health: { rttMs: number | null; pendingAnswers: number | null };
  /** Liveness: pinged by the server, terminated when silent (platform/ws/liveness.ts). */
  tracked: Tracked;
  /** When it was last heard from, on the exam clock: written as the session's last_seen_at. */
  heardAt: Date;
  /** Signals recorded per kind at most once per window; the rest are counted (domain/signal-limiter.ts). */
  signals: SignalLimiter;
}
type Joined = Connection & { phase: Extract<ConnectionPhase, { state: 'joined' }> };

/** Background timing, in ms. */
export const TICK_MS = 1000;
export const HEARTBEAT_MS = 10_000;
/** How long disconnect bookkeeping refused by an unreachable database is retried. */
export const DISCONNECT_RETRY_FOR_MS = 5 * 60_000;

const sessionIdOf = (p: ConnectionPhase): string | null => {
  switch (p.state) {
    case 'awaiting-hello':
      return null;
    case 'joined':
    case 'closed':
      return p.sessionId;
    default:
      return exhaustive(p);
  }
};

export function createSessionGateway(deps: { sessions: SessionsService; startGate: Pick<StartGate, 'run' | 'onPlace'>; bus: EventBus; clock: Clock; tokens?: Pick<TokenWatch, 'register'>; liveness?: Partial<LivenessOptions>; log?: (msg: string, err?: unknown) => void; warn?: (msg: string) => void }) {
  const { sessions, clock } = deps;
  const bySession = new Map<string, Joined>();
  const liveness = createLiveness(deps.liveness);
  const log = deps.log ?? (() => {});

  /**
   * The outcomes of writes (acks and refusals) leave once per tick per socket: a group commit settles its whole batch in
   * one run of microtasks, and the frames a socket is owed by then go out in one TCP write (sendFrames) on the next
   * process tick, instead of one syscall per ack (docs/decisions/0013-answer-hot-path.md). Any other message to the
   * socket first sends what is waiting, so the order on the wire is the order of the sends.
   */
  const outboxes = new Map<Connection, string[]>();
  const flushOutbox = (c: Connection, frames: string[]) => {
    if (c.socket.readyState === SOCKET_OPEN) sendFrames(c.socket, frames);
  };
  const flushOutboxes = () => {
    for (const [c, frames] of outboxes) flushOutbox(c, frames);
    outboxes.clear();
  };
  const sendSoon = (c: Connection, frame: string) => {
    const frames = outboxes.get(c);
    if (frames) return void frames.push(frame);
    if (!outboxes.size) process.nextTick(flushOutboxes);
    outboxes.set(c, [frame]);
  };
  const sendRaw = (c: Connection, frame: string) => {
    const waiting = outboxes.get(c);
    if (waiting) {
      outboxes.delete(c);
      flushOutbox(c, waiting);
    }
    if (c.socket.readyState === SOCKET_OPEN) c.socket.send(frame);
  };
  const send = (c: Connection, m: ServerMessage) => sendRaw(c, JSON.stringify(m));
  /** `{"type":"ack","seq":n}` without building and stringifying an object per write (seq is a validated integer). */
  const ackFrame = (seq: number) => `{"type":"ack","seq":${seq}}`;

  /** Signed out, expired or disabled (on any instance): the socket closes with 4005, recorded on close as any drop. */
  function watch(c: Connection) {
    c.unwatch = deps.tokens?.register(c.actor!, () => {
      error(c, 'NOT_AUTHENTICATED', 'Your sign-in ended; sign in again to continue');
      c.socket.close(CLOSE.signedOut, 'signed out');
    });
  }
  const error = (c: Connection, code: ProtocolErrorCode, message: string, seq?: number) => send(c, { type: 'error', code, message, ...(seq ? { seq } : {}) });
  const liveClock = (row: SessionRecord): LiveClock => ({ allowedMs: row.allowedMs, usedMs: row.usedMs, runningSince: row.runningSince, state: row.state });

  /** Leaves the joined state (the socket closed or was replaced); true if this connection owned its session here. */
  function close(c: Connection): boolean {
    const sessionId = sessionIdOf(c.phase);
    c.phase = { state: 'closed', sessionId };
    if (sessionId && bySession.get(sessionId) === c) {
      bySession.delete(sessionId);
      return true;
    }
    return false;
  }

  async function onHello(c: Connection, m: Extract<ClientMessage, { type: 'hello' }>) {
    if (m.protocol !== PROTOCOL_VERSION) {
      error(c, 'PROTOCOL_VERSION', `This server speaks protocol ${PROTOCOL_VERSION}; reload the page`);
      c.socket.close(CLOSE.protocol, 'protocol version');
      return;
    }
    const who: SocketCredentials | null = c.actor ?? (c.token ? { token: c.token } : null);
    if (!who) {
      error(c, 'NOT_AUTHENTICATED', 'Sign in again to continue');
      c.socket.close(CLOSE.unauthorized, 'not authenticated');
      return;
    }
    if (c.actor && c.actor.role !== 'candidate') {
      error(c, 'FORBIDDEN', 'Only the candidate of a session can connect to it');
      c.socket.close(CLOSE.unauthorized, 'forbidden');
      return;
    }
    try {
      // The session's connection is this tab's instance id and this socket: a restart or a reload of the same tab is a
      // reconnect; another instance while this one is live is a second connection.
      if (m.clientInstanceId) c.id = `${m.clientInstanceId}/${c.id}`;
      const connected = await deps.startGate.run(m.sessionId, () => sessions.connect(who, m.sessionId, c.id), { notify: (q) => send(c, { type: 'queue', ...q }), alive: () => c.socket.readyState === SOCKET_OPEN });
      c.token = null;
      if (!connected || c.phase.state === 'closed') return; // the socket went away while waiting or being recorded
      const { snapshot, session, actor } = connected;
      if (!c.actor) {
        c.actor = actor;
        watch(c);
      }
      const existing = bySession.get(m.sessionId);
      if (existing && existing !== c) replace(existing);
      // A reconnecting candidate gets at most the latest warning, not every threshold already passed.
      const remaining = remainingAt(clockOf(session), clock.now());
      const joined = c as Joined;
      joined.phase = { state: 'joined', sessionId: m.sessionId, clock: liveClock(session), warned: sessions.config.warningMinutes.filter((w) => remaining <= w * 60_000) };
      bySession.set(m.sessionId, joined);
      sendRaw(c, encodeSnapshot(snapshot));
      // Nothing after the end (#13.7): a scored session's hello gets its state (the snapshot carries no questions
      // unless the exam is in progress) and the result link, and the socket closes.
      if (session.state === 'scored') {
        send(c, { type: 'result-ready', sessionId: session.id });
        close(c);
        c.socket.close(CLOSE.ended, 'exam ended');
      }
    } catch (e) {
      if (e instanceof AppError && e.code === 'NOT_FOUND') {
        error(c, 'SESSION_NOT_FOUND', 'No such exam session for you');
        c.socket.close(CLOSE.unauthorized, 'no session');
      } else if (e instanceof AppError && (e.code === 'UNAUTHENTICATED' || e.code === 'FORBIDDEN')) {
        error(c, e.code === 'UNAUTHENTICATED' ? 'NOT_AUTHENTICATED' : 'FORBIDDEN', e.message);
        c.socket.close(CLOSE.unauthorized, e.code === 'UNAUTHENTICATED' ? 'not authenticated' : 'forbidden');
      } else if (isRetryableFailure(e)) {
        // The database is restarting: the client reconnects with backoff and says hello again.
        log('hello refused: the database cannot be reached', e);
        error(c, 'UNAVAILABLE', 'The server cannot reach its database right now; reconnecting');
        c.socket.close(CLOSE.tryAgainLater, 'database unavailable');
      } else throw e;
    }
  }

  function replace(c: Connection) {
    send(c, { type: 'replaced' });
    close(c);
    c.socket.close(CLOSE.replaced, 'replaced by a newer connection');
  }

  async function onMessage(c: Joined, m: ClientMessage) {
    const { sessionId } = c.phase;
    switch (m.type) {
      case 'hello':
        return error(c, 'BAD_MESSAGE', 'hello was already received on this connection');
      case 'answer':
      case 'flag':
      case 'visit': {
        const write =
          m.type === 'answer'
            ? sessions.write({ kind: 'answer', sessionId, seq: m.seq, itemId: m.itemId, optionId: m.optionId })
            : m.type === 'flag'
              ? sessions.write({ kind: 'flag', sessionId, seq: m.seq, itemId: m.itemId, flagged: m.flagged })
              : sessions.write({ kind: 'visit', sessionId, seq: m.seq, itemId: m.itemId });
        const acked = startAnswerAck();
        c.pending.add(write);
        try {
          const outcome = await write;
          if (outcome.ok) {
            sendSoon(c, ackFrame(m.seq));
            acked();
          } else sendSoon(c, JSON.stringify({ type: 'error', code: outcome.code, message: outcome.message, seq: m.seq } satisfies ServerMessage));
        } finally {
          c.pending.delete(write);
        }
        return;
      }
      case 'review': {
        const r = await sessions.review(sessionId);
        return send(c, { type: 'review', seq: m.seq, ...r });
      }
      case 'submit':
        // Answers sent before the submit are committed first, so none is refused as "after the end".
        await Promise.allSettled([...c.pending]);
        await sessions.submit(c.actor!, sessionId);
        return send(c, { type: 'ack', seq: m.seq });
      case 'time-sync':
        if (m.rttMs !== undefined) c.health.rttMs = m.rttMs;
        if (m.pendingAnswers !== undefined) c.health.pendingAnswers = m.pendingAnswers;
        return send(c, { type: 'time-sync', clientSentAt: m.clientSentAt, serverTime: clock.now().getTime(), time: timeStateOf(c.phase.clock, clock.now()) });
      case 'signal': {
        // Repeats within the window are acknowledged but not recorded; the next recorded one says how many there were.
        const decision = admitSignal(c.signals, m.kind, clock.now().getTime());
        if (decision.record) await sessions.signal(c.actor!, sessionId, m.kind, decision.coalesced);
        return send(c, { type: 'ack', seq: m.seq });
      }
      case 'break':
        // The pause itself reaches this socket as the "paused" push, like a proctor's pause.
        await Promise.allSettled([...c.pending]);
        await sessions.takeBreak(c.actor!, sessionId, m.kind);
        return send(c, { type: 'ack', seq: m.seq });
      case 'break-end':
        await sessions.endBreak(c.actor!, sessionId);
        return send(c, { type: 'ack', seq: m.seq });
      default:
        return exhaustive(m);
    }
  }

  async function handleRaw(c: Connection, raw: string) {
    // A socket being closed (signed out, replaced, ended) takes nothing more: its sign-in may no longer be good.
    if (c.socket.readyState !== SOCKET_OPEN) return;
    if (Buffer.byteLength(raw) > MAX_CLIENT_MESSAGE_BYTES) {
      // A client's mistake, not a server fault: a warning without a stack, and the seq when it can be read.
      const seq = Number(/"seq"\s*:\s*(\d{1,10})/.exec(raw)?.[1] ?? 0);
      deps.warn?.(`a client sent a ${Buffer.byteLength(raw)}-byte message (limit ${MAX_CLIENT_MESSAGE_BYTES})`);
      return error(c, 'MESSAGE_TOO_LARGE', `Messages are limited to ${MAX_CLIENT_MESSAGE_BYTES} bytes`, seq > 0 && seq <= 2_147_483_647 ? seq : undefined);
    }
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return error(c, 'BAD_MESSAGE', 'The message is not valid JSON');
    }
    const parsed = clientMessageSchema.safeParse(json);
    if (!parsed.success) {
      const seq = typeof (json as { seq?: unknown })?.seq === 'number' ? ((json as { seq: number }).seq as number) : undefined;
      const where = parsed.error.issues[0];
      return error(c, 'BAD_MESSAGE', `Malformed message${where ? ` at /${where.path.join('/')}: ${where.message}` : ''}`, seq && seq > 0 ? seq : undefined);
    }
    const m = parsed.data;
    switch (c.phase.state) {
      case 'awaiting-hello':
        if (m.type !== 'hello') return error(c, 'HELLO_FIRST', 'Send hello with the session id first');
        return onHello(c, m);
      case 'closed':
        return; // a late frame from a socket that was replaced or is closing
      case 'joined':
        break;
      default:
        return exhaustive(c.phase);
    }
    try {
      await onMessage(c as Joined, m);
    } catch (e) {
      const seq = 'seq' in m ? m.seq : undefined;
      if (e instanceof AppError && (m.type === 'break' || m.type === 'break-end') && e.code !== 'NOT_FOUND') error(c, 'BREAK_REFUSED', e.message, seq);
      else if (e instanceof AppError) error(c, e.code === 'INVALID_TRANSITION' ? 'SESSION_ENDED' : e.code === 'NOT_FOUND' ? 'SESSION_NOT_FOUND' : 'BAD_MESSAGE', e.message, seq);
      else if (isRetryableFailure(e)) error(c, 'UNAVAILABLE', 'The server cannot reach its database right now; send this again shortly', seq);
      else {
        log('session message failed', e);
        error(c, 'INTERNAL', 'The server could not process this; it will be retried when you reconnect', seq);
      }
    }
  }

  /** Reacts to session changes from any instance: pushes them to the candidate's socket if it is here. */
  async function onSessionEvent(e: BusEvent) {
    const c = bySession.get(e.id as string);
    if (!c) return;
    const kind = e.kind as string;
    // Seat-camera events (a still, a consent) are for proctor consoles only: no reason to read the row.
    if (kind === 'camera') return;
    if (kind === 'camera-reopened') return void (c.phase.state === 'joined' && send(c, { type: 'camera-reopened' }));
    if (kind === 'connected') {
      if (e.connectionId !== c.id) replace(c);
      return;
    }
    if (kind === 'admitted' || kind === 'started') {
      // One transaction for the pushed snapshot (row, responses, form): a waiting room's start costs no more.
      const sessionId = c.phase.sessionId;
      const found = await deps.startGate.run(sessionId, () => sessions.snapshotOf(sessionId), { notify: (q) => send(c, { type: 'queue', ...q }), alive: () => c.socket.readyState === SOCKET_OPEN });
      if (!found || c.phase.state !== 'joined') return;
      c.phase.clock = liveClock(found.session);
      return sendRaw(c, encodeSnapshot(found.snapshot));
    }
    const row = await sessions.find(c.phase.sessionId);
    if (!row || c.phase.state !== 'joined') return;
    c.phase.clock = liveClock(row);
    const time = timeStateOf(row, clock.now());
    switch (kind) {
      case 'paused': {
        const onBreak = row.state === 'paused' ? breakOf(row.pauseReason) : null;
        return send(c, { type: 'paused', reason: row.pauseReason ?? 'paused by the proctor', time, ...(onBreak ? { break: { ...onBreak, endsAt: row.breakEndsAt?.toISOString() ?? null } } : {}) });
      }
      case 'resumed':
        return send(c, { type: 'resumed', time });
      case 'extended':
        c.phase.warned = c.phase.warned.filter((w) => time.remainingMs <= w * 60_000);
        return send(c, { type: 'extended', minutes: Number(e.minutes ?? 0), time });
      case 'message':
        return send(c, { type: 'message', text: String(e.text ?? ''), scope: e.scope === 'room' ? 'room' : 'seat', at: String(e.at ?? ''), answersHand: e.answersHand === true });
      case 'ended':
        if (e.reason === 'terminated') send(c, { type: 'terminated', reason: row.endNote ?? 'terminated by the proctor' });
        return send(c, { type: 'ended', reason: e.reason as 'submitted' | 'expired' | 'terminated' });
      case 'scored':
        send(c, { type: 'result-ready', sessionId: row.id });
        close(c);
        c.socket.close(CLOSE.ended, 'exam ended');
        return;
    }
  }

  /**
   * One session's events are handled one after another, in the order they arrived: each handler reads the row first,
   * and on PostgreSQL two reads can finish out of order, so without this a `scored` (which closes the socket) could
   * overtake the `ended`/`terminated` before it and the candidate would never be told why the exam ended.
   */
  const eventChains = new Map<string, Promise<void>>();
  function inSessionOrder(sessionId: string, handle: () => Promise<void>) {
    const next = (eventChains.get(sessionId) ?? Promise.resolve()).then(handle).catch((err) => log('session event failed', err));
    eventChains.set(sessionId, next);
    void next.then(() => {
      if (eventChains.get(sessionId) === next) eventChains.delete(sessionId);
    });
  }

  /**
   * After the LISTEN connection came back, events sent meanwhile are lost: every joined session is read again and
   * what changed (paused, resumed, extended, ended, scored, taken over) is pushed as if its event had arrived.
   */
  async function resync() {
    for (const c of [...bySession.values()]) {
      const row = await sessions.find(c.phase.sessionId);
      if (!row || bySession.get(row.id) !== c) continue;
      const was = c.phase.clock;
      const id = row.id;
      if (row.connectionId && row.connectionId !== c.id) await onSessionEvent({ t: 'session', id, kind: 'connected', connectionId: row.connectionId });
      else if (row.state === 'scored') {
        if (!isEnded(was.state)) await onSessionEvent({ t: 'session', id, kind: 'ended', reason: row.endReason });
        await onSessionEvent({ t: 'session', id, kind: 'scored' });
      } else if (isEnded(row.state) && !isEnded(was.state)) await onSessionEvent({ t: 'session', id, kind: 'ended', reason: row.endReason });
      else if (row.state === 'paused' && was.state === 'in_progress') await onSessionEvent({ t: 'session', id, kind: 'paused' });
      else if (row.state === 'in_progress' && was.state === 'paused') await onSessionEvent({ t: 'session', id, kind: 'resumed' });
      else if (row.state === 'in_progress' && was.state === 'checked_in') await onSessionEvent({ t: 'session', id, kind: 'started' });
      else if (row.allowedMs > was.allowedMs) await onSessionEvent({ t: 'session', id, kind: 'extended', minutes: (row.allowedMs - was.allowedMs) / 60_000 });
    }
  }

  function tick() {
    const now = clock.now();
    for (const c of bySession.values()) {
      const { clock: live, warned } = c.phase;
      if (live.state !== 'in_progress') continue;
      const due = dueWarning(remainingAt(clockOf(live), now), sessions.config.warningMinutes, warned);
      if (due !== null) {
        warned.push(due);
        send(c, { type: 'time-warning', minutesLeft: due, time: timeStateOf(live, now) });
      }
    }
  }

  const timers: NodeJS.Timeout[] = [];
  /**
   * The disconnect's heard-from time lives only here. If the database is away when the socket closes (a restart,
   * found by bench/chaos), giving up would leave the session's last_seen_at at the last heartbeat, up to
   * HEARTBEAT_MS + the ping interval earlier, and a long disconnect would be credited that much too much; so the
   * bookkeeping is retried (250 ms doubling to 2 s, for up to DISCONNECT_RETRY_FOR_MS) until the database answers.
   * Retrying is harmless: the release only applies while the session still names this connection.
   */
  const retries = new Set<NodeJS.Timeout>();
  let stopping = false;
  function recordDisconnect(sessionId: string, connectionId: string, heardAt: Date, since = Date.now(), delayMs = 250) {
    sessions.disconnected(sessionId, connectionId, heardAt).catch((e) => {
      if (!isRetryableFailure(e) || stopping || Date.now() - since > DISCONNECT_RETRY_FOR_MS) return log('disconnect bookkeeping failed', e);
      const t = setTimeout(() => {
        retries.delete(t);
        recordDisconnect(sessionId, connectionId, heardAt, since, Math.min(2000, delayMs * 2));
      }, delayMs);
      retries.add(t);
    });
  }
  let unsubscribe: (() => void) | undefined;

  return {
    /** Takes a new socket. The message handler is attached before anything async, so no early message is lost. */
    /**
     * Takes a new socket, with its actor or the token of its upgrade (checked at hello). The message handler is
     * attached before anything async, so no early message is lost.
     */
    attach(socket: MinimalSocket & PingableSocket & { on(event: 'message', l: (data: unknown) => void): unknown; on(event: 'close', l: (code?: number) => void): unknown }, who: Actor | { token: string | null } | null) {
      const actor = who && 'userId' in who ? who : null;
      const token = who && 'token' in who ? who.token : null;
      const c: Connection = { id: randomUUID(), socket, actor, token, unwatch: undefined, phase: { state: 'awaiting-hello' }, pending: new Set(), health: { rttMs: null, pendingAnswers: null }, tracked: liveness.track(socket), heardAt: clock.now(), signals: newSignalLimiter() };
      let chain: Promise<void> = Promise.resolve();
      if (actor) watch(c);
      socket.on('pong', () => (c.heardAt = clock.now()));
      socket.on('message', (data: unknown) => {
        c.tracked.heard();
        c.heardAt = clock.now();
        const raw = Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data as Buffer[]).toString('utf8') : String(data);
        // Once hello is done, answers, flags, visits and time-syncs run at once (group commit acks them together);
        // everything else (hello, review, submit, signals) runs in arrival order. A submit waits for the writes
        // already in flight, which were registered synchronously when their message arrived.
        const concurrent = c.phase.state === 'joined' && /"type"\s*:\s*"(answer|flag|visit|time-sync)"/.test(raw);
        if (concurrent) void handleRaw(c, raw).catch((e) => log('message failed', e));
        else chain = chain.then(() => handleRaw(c, raw)).catch((e) => log('message failed', e));
      });
      socket.on('close', (code?: number) => {
        c.tracked.untrack();
        c.unwatch?.();
        // A close frame from the client (any code but 1006, "no close frame") is hearing from it.
        if (code !== undefined && code !== 1006) c.heardAt = clock.now();
        const sessionId = sessionIdOf(c.phase);
        // The disconnect counts from when the candidate was last heard from, not from when the dead socket was reaped.
        if (close(c) && sessionId) recordDisconnect(sessionId, c.id, c.heardAt);
      });
      return c;
    },

    start() {
      const offSession = deps.bus.on('session', (e) => inSessionOrder(String(e.id), () => onSessionEvent(e)));
      // A REST start waiting its turn is announced on the session's socket.
      const offPlace = deps.startGate.onPlace((sessionId, q) => {
        const c = bySession.get(sessionId);
        if (c) send(c, { type: 'queue', ...q });
      });
      const offBus = deps.bus.on('bus', (e) => e.kind === 'resync' && void resync().catch((err) => log('session resync failed', err)));
      unsubscribe = () => {
        offSession();
        offBus();
        offPlace();
      };
      timers.push(setInterval(tick, TICK_MS));
      liveness.start();
      timers.push(
        setInterval(() => {
          // Only connections heard from lately count as present: a half-open socket must not keep its seat "live".
          const beats = [...bySession.entries()].filter(([, c]) => c.tracked.alive()).map(([id, c]) => ({ id, at: c.heardAt, ...c.health }));
          if (beats.length) void sessions.heartbeat(beats).catch((e) => log('heartbeat failed', e));
        }, HEARTBEAT_MS),
      );
    },

    async stop() {
      stopping = true;
      for (const t of timers) clearInterval(t);
      timers.length = 0;
      for (const t of retries) clearTimeout(t);
      retries.clear();
      liveness.stop();
      unsubscribe?.();
      // Drain first, so the acks of writes in flight still reach their clients; then "going away" (1001), on which
      // clients reconnect at once (to another instance behind the load balancer).
      await sessions.writesIdle();
      // The last batch's acks are queued by continuations that may run after writesIdle resolves: one turn of the loop
      // lets them queue, and they leave before the close frames.
      await new Promise((r) => setImmediate(r));
      flushOutboxes();
      for (const c of [...bySession.values()]) c.socket.close(CLOSE.shutdown, 'server restarting');
      bySession.clear();
      await sessions.writesIdle();
    },

    connections: () => bySession.size,
    isEndedState: isEnded,
  };
}
export type SessionGateway = ReturnType<typeof createSessionGateway>;
