/**
 * Runs one candidate's exam session in the browser: the socket (hello, replay, heartbeats), the outbox, the clock
 * offset and the reducer. Plain TypeScript with injectable socket, storage, network and timers, so the whole path from
 * a server message to what the screen shows is tested in node. React reads it through useSyncExternalStore.
 *
 * Never lose an answer: a change is applied on screen at once, written to the outbox, and sent when the socket is
 * ready. It leaves the outbox only on the server's ack. On every (re)connect the client says hello, and once the
 * snapshot is in (and the exam is running) replays the whole outbox in sequence order; replays are idempotent.
 */
import { CLOSE } from '../../../../shared/protocol/close-codes.ts';
import { PROTOCOL_VERSION, RETRYABLE_ERROR_CODES, serverMessageSchema, type ClientMessage, type ProtocolErrorCode, type ServerMessage } from '../../../../shared/protocol/session-protocol.ts';
import { ClockOffset, sampleFromProbe } from '../../lib/clock-offset.ts';
import { Outbox, type Change, type KeyValueStore, type SignalKind } from '../../lib/outbox.ts';
import { ProtocolSocket } from '../../lib/protocol-socket.ts';
import { type NetworkSignal, type SocketLike, type Timers, browserTimers } from '../../lib/ws-client.ts';
import { examReducer, initialExamState, type ExamAction, type ExamState, type Snapshot } from './exam-state.ts';

/** Errors after which a change can never be saved: drop it from the outbox and tell the candidate. */
const FINAL_ERRORS: ReadonlySet<ProtocolErrorCode> = new Set(['SESSION_ENDED', 'ITEM_NOT_ON_FORM', 'OPTION_NOT_ON_ITEM', 'BAD_MESSAGE', 'MESSAGE_TOO_LARGE', 'FORBIDDEN', 'SESSION_NOT_FOUND']);

export const HEARTBEAT_MS = 10_000;
/**
 * After a retryable refusal (the server's database is restarting) the outbox is sent again after this delay,
 * doubling up to RETRY_MAX_MS while refusals continue; an ack resets it.
 */
export const RETRY_MIN_MS = 500;
export const RETRY_MAX_MS = 2000;
/** Probes sent right after each connect to measure the clock offset. */
export const PROBES_ON_CONNECT = 3;

export interface ExamControllerOptions {
  sessionId: string;
  url: string;
  store: KeyValueStore;
  createSocket?: (url: string) => SocketLike;
  network?: NetworkSignal;
  timers?: Timers;
  random?: () => number;
  /**
   * The lowest sequence number to use now (see Outbox.nextSeq). The app passes tenths of a second since the session
   * was scheduled, on the server's clock, so a candidate who moves to another workstation keeps numbering above the
   * old one's and no change is ignored as "older".
   */
  seqFloor?: (serverNow: number) => number;
  /** This tab's stable id, sent with every hello (see tabInstanceId in use-exam.ts). */
  instanceId?: string;
}

export type ExamController = ReturnType<typeof createExamController>;

export function createExamController(opts: ExamControllerOptions) {
  const timers = opts.timers ?? browserTimers;
  const outbox = new Outbox(opts.sessionId, opts.store);
  const clock = new ClockOffset();
  const listeners = new Set<() => void>();
  let state: ExamState = examReducer(initialExamState(opts.sessionId), { type: 'outbox', pendingAnswers: outbox.pendingAnswers, pendingTotal: outbox.size });
  /** True once this connection's snapshot is in and the exam is running: changes may be sent. */
  let live = false;
  let submitSeq: number | null = null;
  /** The break or break-end in flight (#17.10): acknowledged, or refused with the server's reason as a notice. */
  let breakSeq: number | null = null;
  let heartbeat: unknown = null;
  let retryTimer: unknown = null;
  let retryDelay = RETRY_MIN_MS;

  const dispatch = (a: ExamAction) => {
    const next = examReducer(state, a);
    if (next === state) return;
    state = next;
    for (const l of listeners) l();
  };
  const syncOutbox = () => dispatch({ type: 'outbox', pendingAnswers: outbox.pendingAnswers, pendingTotal: outbox.size });

  // Frames arrive parsed with the server-message schema; what goes out is a ClientMessage (outbox entries included).
  const socket = new ProtocolSocket<ClientMessage, ServerMessage>(serverMessageSchema, {
    url: opts.url,
    createSocket: opts.createSocket,
    network: opts.network,
    timers,
    random: opts.random,
    silenceMs: HEARTBEAT_MS * 2.5,
    onOpen(send) {
      live = false;
      send({ type: 'hello', protocol: PROTOCOL_VERSION, sessionId: opts.sessionId, ...(opts.instanceId ? { clientInstanceId: opts.instanceId } : {}) });
      for (let i = 0; i < PROBES_ON_CONNECT; i++) send({ type: 'time-sync', clientSentAt: timers.now() });
      startHeartbeat();
    },
    onMessage: (m) => receive(m),
    onStatus(status) {
      if (status !== 'connected') {
        live = false;
        if (submitSeq !== null) {
          submitSeq = null;
          dispatch({ type: 'submitting', value: false, error: 'The connection dropped while submitting. Your answers are safe; submit again when connected.' });
        }
      }
      dispatch({ type: 'connection', status });
    },
    onClose(code) {
      stopHeartbeat();
      cancelRetry();
      if (code === CLOSE.replaced) return false; // replaced by another window: do not fight it
      if (code === CLOSE.unauthorized || code === CLOSE.signedOut) {
        dispatch({ type: 'auth-lost' });
        return false;
      }
      if (code === CLOSE.protocol) return false; // protocol version: a reload is needed
      if (code === CLOSE.ended) return false; // the exam ended and was scored
      return true;
    },
  });

  function startHeartbeat() {
    stopHeartbeat();
    const beat = () => {
      socket.send({ type: 'time-sync', clientSentAt: timers.now() });
      heartbeat = timers.set(beat, HEARTBEAT_MS);
    };
    heartbeat = timers.set(beat, HEARTBEAT_MS);
  }
  function stopHeartbeat() {
    if (heartbeat !== null) timers.clear(heartbeat);
    heartbeat = null;
  }

  function replay() {
    for (const e of outbox.entries) if (!socket.send(e)) return;
  }

  /** Sends the waiting changes again after a retryable refusal (once per delay, however many were refused). */
  function scheduleRetry() {
    if (retryTimer !== null) return;
    const delay = retryDelay;
    retryDelay = Math.min(RETRY_MAX_MS, retryDelay * 2);
    retryTimer = timers.set(() => {
      retryTimer = null;
      if (live) replay();
    }, delay);
  }
  function cancelRetry() {
    if (retryTimer !== null) timers.clear(retryTimer);
    retryTimer = null;
    retryDelay = RETRY_MIN_MS;
  }

  function running() {
    return state.session?.state === 'in_progress' && !state.ended;
  }

  function receive(m: ServerMessage) {
    switch (m.type) {
      case 'snapshot': {
        // Continue numbering after whatever the server has applied (another workstation, cleared storage).
        serverSeqFloor = Math.max(serverSeqFloor, m.lastSeq + 1);
        clock.addUnpaired(Date.parse(m.time.serverTime), timers.now());
        onSnapshot(m);
        return;
      }
      case 'time-sync':
        clock.add(sampleFromProbe(m.clientSentAt, m.serverTime, timers.now()));
        break;
      case 'ack':
        if (m.seq === submitSeq) {
          submitSeq = null;
          return; // "ended" follows
        }
        if (m.seq === breakSeq) {
          breakSeq = null;
          return; // "paused" or "resumed" follows
        }
        retryDelay = RETRY_MIN_MS;
        if (outbox.ack(m.seq)) syncOutbox();
        return;
      case 'error':
        onError(m);
        return;
      case 'resumed':
        dispatch({ type: 'message', message: m });
        // Opened during a pause, the form never came (the server sends no question while paused): ask for it now.
        if (state.items.length === 0) {
          socket.reconnectNow();
          return;
        }
        live = socket.status === 'connected';
        replay();
        return;
      case 'paused':
        live = false;
        break;
      case 'ended':
      case 'terminated':
        live = false;
        break;
    }
    dispatch({ type: 'message', message: m as Exclude<ServerMessage, { type: 'snapshot' }> });
    if (m.type === 'ended') finishOutbox();
  }

  function onSnapshot(m: Snapshot) {
    dispatch({ type: 'snapshot', snapshot: m, pending: outbox.entries });
    if (state.ended) {
      finishOutbox();
      return;
    }
    live = running();
    if (live) replay();
  }

  function onError(m: Extract<ServerMessage, { type: 'error' }>) {
    if (m.seq !== undefined && m.seq === breakSeq) {
      breakSeq = null;
      dispatch({ type: 'notice', tone: 'error', text: m.message });
      return;
    }
    if (m.seq !== undefined && m.seq === submitSeq) {
      submitSeq = null;
      dispatch({ type: 'submitting', value: false, error: m.message });
      return;
    }
    if (m.code === 'NOT_AUTHENTICATED') {
      dispatch({ type: 'auth-lost' });
      return;
    }
    if (m.seq === undefined) return;
    if (RETRYABLE_ERROR_CODES.includes(m.code)) {
      // Kept, and sent again shortly (the database is restarting): nothing was saved, nothing acknowledged.
      scheduleRetry();
      return;
    }
    if (m.code === 'SESSION_PAUSED' || m.code === 'SESSION_NOT_STARTED') {
      // Kept: sent again on resume or on the next connect.
      if (m.code === 'SESSION_PAUSED') live = false;
      return;
    }
    if (FINAL_ERRORS.has(m.code)) {
      const entry = outbox.drop(m.seq);
      if (entry) {
        syncOutbox();
        // After the end every waiting change fails the same way; one notice (in the end screen) is enough.
        if (!(m.code === 'SESSION_ENDED' && state.ended)) dispatch({ type: 'dropped', entry, message: m.message });
      }
    }
  }

  /** The exam is over: nothing waiting can be saved any more. */
  function finishOutbox() {
    const left = outbox.size;
    if (left > 0) {
      const unsavedAnswers = outbox.pendingAnswers;
      outbox.clear();
      syncOutbox();
      if (unsavedAnswers > 0) dispatch({ type: 'notice', tone: 'error', text: `${unsavedAnswers} change${unsavedAnswers === 1 ? ' was' : 's were'} not saved before the exam ended.` });
    }
    outbox.discard();
  }

  let serverSeqFloor = 0;
  function floor() {
    return Math.max(serverSeqFloor, opts.seqFloor ? opts.seqFloor(timers.now() + clock.offsetMs) : 0);
  }

  function sendNow(m: { type: 'break'; kind: 'scheduled' | 'unscheduled' } | { type: 'break-end' }): string | null {
    if (state.connection !== 'connected') return 'You are not connected. Try again when the connection is back.';
    const seq = outbox.nextSeq(floor());
    if (!socket.send({ ...m, seq })) return 'The connection dropped. Try again when connected.';
    breakSeq = seq;
    return null;
  }

  function record(change: Change) {
    const entry = outbox.add(change, floor());
    syncOutbox();
    if (live) socket.send(entry);
  }

  return {
    getState: () => state,
    subscribe(l: () => void) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    /** The measured clock offset (server minus client), in ms. */
    get offsetMs() {
      return clock.offsetMs;
    },
    get outboxPersistent() {
      return outbox.persistent;
    },
    start() {
      socket.start();
    },
    stop() {
      stopHeartbeat();
      cancelRetry();
      socket.stop();
    },
    /** Connect again now (after "replaced", or when the candidate asks). */
    reconnect() {
      dispatch({ type: 'connection', status: 'connecting' });
      socket.reconnectNow();
    },
    dismiss(id: number) {
      dispatch({ type: 'dismiss', id });
    },
    answer(itemId: string, optionId: string | null) {
      if (!running() || state.paused) return;
      if ((state.answers[itemId] ?? null) === optionId) return;
      dispatch({ type: 'answer', itemId, optionId });
      record({ type: 'answer', itemId, optionId });
    },
    flag(itemId: string, flagged: boolean) {
      if (!running() || state.paused) return;
      dispatch({ type: 'flag', itemId, flagged });
      record({ type: 'flag', itemId, flagged });
    },
    go(index: number) {
      const before = state.current;
      dispatch({ type: 'go', index });
      const item = state.items[state.current];
      if (state.current !== before && item && running() && !state.paused) record({ type: 'visit', itemId: item.itemId });
    },
    signal(kind: SignalKind) {
      if (!running()) return;
      record({ type: 'signal', kind });
    },
    /** "Raise hand" (#17.3): reaches the proctor's console as an attention item until the proctor answers. */
    raiseHand() {
      if (!running() || state.paused || state.handRaised) return;
      dispatch({ type: 'hand', raised: true });
      record({ type: 'signal', kind: 'raise-hand' });
    },
    dismissMessage(id: number) {
      dispatch({ type: 'dismiss-message', id });
    },
    /**
     * Asks for a break (#17.10): the blueprint's scheduled break when it is due, or an unscheduled one (the clock
     * runs). Not kept for later like an answer: a break is for now. Returns why it cannot be sent, or null.
     */
    takeBreak(kind: 'scheduled' | 'unscheduled'): string | null {
      if (!running() || state.paused || state.ended) return 'A break can start only while the exam runs.';
      return sendNow({ type: 'break', kind });
    },
    /** Resume on the break screen. */
    endBreak(): string | null {
      if (!state.paused?.break) return 'You are not on a break.';
      return sendNow({ type: 'break-end' });
    },
    /**
     * Sends submit once every change is saved. Returns why it cannot, or null when it was sent.
     */
    submit(): string | null {
      if (state.ended) return 'The exam has already ended.';
      if (state.connection !== 'connected' || !live) return 'You are not connected. Your answers are kept on this computer; submit when the connection is back.';
      if (outbox.size > 0) return 'Some answers are still being saved. Wait until every answer is saved, then submit.';
      const seq = outbox.nextSeq(floor());
      if (!socket.send({ type: 'submit', seq })) return 'The connection dropped. Try again when connected.';
      submitSeq = seq;
      dispatch({ type: 'submitting', value: true });
      return null;
    },
  };
}
