/** Messages between bench/sessions/run.ts and its load-generator child processes (worker.ts). */

export interface WorkerCandidate {
  sessionId: string;
  token: string;
}

export interface LoadConfig {
  mode: 'pace' | 'stress';
  durationMs: number;
  /** Pace: seconds between a candidate's answers, uniform in [min, max]. */
  intervalMinMs: number;
  intervalMaxMs: number;
  /** Pace: a visit (move to the item) precedes every answer, as the exam page does. */
  visits: boolean;
  /** Pace: heartbeat/time-sync period per candidate. */
  timeSyncMs: number;
  /** Stress: answers each candidate keeps in flight (closed loop). */
  inflight: number;
  /** How long to wait for outstanding acks after the phase ends. */
  drainMs: number;
}

/**
 * cold: at the start instant each candidate POSTs /start, then opens its socket and says hello (the brief's
 * definition; the most work per start). waiting-room: sockets are open and said hello before (as the exam page does
 * once checked in); at the start instant each candidate POSTs /start and the server pushes the snapshot with items.
 */
export type StartFlow = 'cold' | 'waiting-room';

export type ToWorker =
  | { type: 'init'; url: string; candidates: WorkerCandidate[] }
  | { type: 'prepare'; limitMs: number; concurrency: number }
  | { type: 'start'; t0: number; windowMs: number; limitMs: number; flow: StartFlow }
  | { type: 'load'; config: LoadConfig; startWall: number }
  | { type: 'close' };

export interface PrepareReport {
  type: 'prepared';
  ok: number;
  connectAndHelloMs: Float64Array;
  errors: Record<string, number>;
}

export interface StartReport {
  type: 'started';
  /** Per candidate that got its items, ms. */
  total: Float64Array;
  rest: Float64Array;
  wsOpen: Float64Array;
  helloToSnapshot: Float64Array;
  /** Wall time (Date.now) the last candidate got its items. */
  lastDoneWall: number;
  ok: number;
  failed: number;
  errors: Record<string, number>;
  /** The load generator's own event-loop delay p99 (ms): how much of the latency is the client's. */
  loopDelayP99Ms: number | null;
  /** Size of each snapshot with items, bytes. */
  snapshotBytes: Float64Array;
  /** Admission-queue messages ({ type: 'queue', position, expectedWaitMs }) the server sent to queued starts. */
  queue: QueueSeen;
}

/** What the candidates saw of the server's start queue. */
export interface QueueSeen {
  messages: number;
  /** Candidates that got at least one queue message. */
  candidates: number;
  maxPosition: number | null;
  maxExpectedWaitMs: number | null;
}

export interface AckedAnswer {
  sessionId: string;
  itemId: string;
  seq: number;
  optionId: string | null;
}

export interface LoadReport {
  type: 'loaded';
  answerAck: Float64Array;
  answerAckSecond: Float64Array;
  visitAck: Float64Array;
  timeSyncRtt: Float64Array;
  answersSent: number;
  answersAcked: number;
  visitsSent: number;
  visitsAcked: number;
  /** Acked answers per wall-clock second since the phase start. */
  ackedPerSecond: number[];
  ackMaxPerSecond: number[];
  /** Acks still missing after the drain. */
  unacked: number;
  errors: Record<string, number>;
  /** Candidates whose socket is open with items at the end of the phase. */
  held: number;
  acked: AckedAnswer[];
  cpuSeconds: number;
  loopDelayP99Ms: number | null;
}

export type FromWorker = { type: 'ready' } | PrepareReport | StartReport | LoadReport | { type: 'closed'; closedCleanly: number } | { type: 'fatal'; message: string };
