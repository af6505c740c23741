/**
 * Messages between bench/proctoring/run.ts and its two load-generator child processes: candidates.ts (exam sockets)
 * and proctors.ts (proctor feed sockets). Times that cross processes are absolute wall-clock milliseconds with
 * sub-millisecond resolution: performance.timeOrigin + performance.now(), the same host clock in every process.
 */

/** Wall-clock ms with sub-ms resolution; comparable across processes on one host. */
export const wallNow = () => performance.timeOrigin + performance.now();

/** Highest answer count / incident count per session tracked by the proctor side (the run answers far fewer). */
export const MAX_ANSWERS = 64;
export const MAX_INCIDENTS = 16;

export interface CandidateSpec {
  /** Global index: the join key between the two processes (with the session id). */
  index: number;
  sessionId: string;
  token: string;
}

export interface ProctorSpec {
  token: string;
  testCenterId: string;
  /** The seats of this proctor's center: global candidate index per session id. */
  seats: { sessionId: string; index: number }[];
}

export interface CandidateLoadConfig {
  durationMs: number;
  /** Seconds between one candidate's answers, uniform in [min, max]. */
  intervalMinMs: number;
  intervalMaxMs: number;
  /** A visit precedes every answer, as the exam page does when the candidate moves to a question. */
  visits: boolean;
  /** Time-sync heartbeat per candidate (the exam page's HEARTBEAT_MS). */
  timeSyncMs: number;
  /** Share of candidates that send one incident signal (focus-lost, page-hidden or fullscreen-exit) and its "back" signal. */
  signalShare: number;
  /** Acks still owed after the phase are waited for this long. */
  drainMs: number;
}

export type ToCandidates =
  | { type: 'init'; url: string; candidates: CandidateSpec[] }
  | { type: 'start'; concurrency: number; limitMs: number }
  | { type: 'load'; config: CandidateLoadConfig; startWall: number }
  | { type: 'close' };

export type ToProctors =
  | { type: 'init'; url: string; proctors: ProctorSpec[]; totalCandidates: number }
  | { type: 'open'; limitMs: number }
  | { type: 'measure'; startWall: number; pingEveryMs: number }
  | { type: 'report' }
  | { type: 'close' };

export interface StartReport {
  type: 'started';
  ok: number;
  failed: number;
  ms: number;
  errors: Record<string, number>;
}

/** Every answer and incident signal the candidates sent in the load phase, column-wise (typed arrays cross IPC cheaply). */
export interface CandidateLoadReport {
  type: 'loaded';
  answers: EventColumns;
  signals: EventColumns;
  answersSent: number;
  answersAcked: number;
  visitsSent: number;
  timeSyncsSent: number;
  backSignalsSent: number;
  /** Answers per wall-clock second since the phase start (by send time). */
  answersPerSecond: number[];
  errors: Record<string, number>;
  loopDelayP99Ms: number | null;
  cpuSeconds: number;
  /** Date.now() - wallNow() at report time: how far this process's aligned clock is from the system clock. */
  clockSkewMs: number;
  held: number;
}

export interface EventColumns {
  /** Global candidate index. */
  index: Int32Array;
  /** The event's ordinal for that candidate: answer k means `answered` >= k, signal k means `incidents` >= k. */
  k: Int32Array;
  sentAt: Float64Array;
  /** Ack received (the write committed), NaN if none. */
  ackAt: Float64Array;
  /** 1 if the server refused it (error instead of ack): not measurable. */
  refused: Uint8Array;
}

export interface ProctorOpenReport {
  type: 'opened';
  ok: number;
  failed: number;
  rosterRows: number;
  /** Seats whose roster row did not start at answered = 0 and incidents = 0 (would break the join). */
  nonZeroBaseline: number;
  ms: number;
  errors: Record<string, number>;
}

export interface ProctorReport {
  type: 'report';
  /** First receive time of a `rows` message showing answered >= k, at [index * MAX_ANSWERS + k]; 0 if never. */
  answerSeenRows: Float64Array;
  /** The server's sentAt (Date.now() at flush) of that message. */
  answerSentAtRows: Float64Array;
  /** Same, counting `roster` refreshes too (a full refresh can show a change before a `rows` message does). */
  answerSeenAny: Float64Array;
  incidentSeenRows: Float64Array;
  incidentSentAtRows: Float64Array;
  incidentSeenAny: Float64Array;
  /** Counters from the measure start to the report (the load plus the drain). */
  rowsMessages: number;
  rowsRows: number;
  rowsBytes: number;
  rosterMessages: number;
  rosterBytes: number;
  pongs: number;
  /** rows messages per wall-clock second since the measure start. */
  rowsPerSecond: number[];
  rowsBytesPerSecond: number[];
  /** Rows per rows message. */
  rowsPerMessage: Float64Array;
  /** Server flush -> this process (sentAt to receive), per rows message. */
  deliveryMs: Float64Array;
  errors: Record<string, number>;
  loopDelayP99Ms: number | null;
  cpuSeconds: number;
  clockSkewMs: number;
  openSockets: number;
}

export type FromCandidates = { type: 'ready' } | StartReport | CandidateLoadReport | { type: 'closed'; closedCleanly: number } | { type: 'fatal'; message: string };
export type FromProctors = { type: 'ready' } | ProctorOpenReport | { type: 'measuring' } | ProctorReport | { type: 'closed'; closedCleanly: number } | { type: 'fatal'; message: string };
