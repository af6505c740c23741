/**
 * A protocol client for tests and benchmarks: a real websocket to a real server, speaking shared/protocol.
 */
import WebSocket from 'ws';
import { PROTOCOL_VERSION, serverMessageSchema, type ServerMessage } from '../../shared/protocol/session-protocol.ts';

type Snapshot = Extract<ServerMessage, { type: 'snapshot' }>;

export class ExamClient {
  readonly messages: ServerMessage[] = [];
  private waiters: { pred: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }[] = [];
  private seq = 0;
  closed: { code: number; reason: string } | null = null;
  readonly ws: WebSocket;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data) => {
      const m = serverMessageSchema.parse(JSON.parse(String(data)));
      this.messages.push(m);
      for (const w of [...this.waiters]) {
        if (w.pred(m)) {
          clearTimeout(w.timer);
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(m);
        }
      }
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: String(reason) };
    });
  }

  static async open(baseUrl: string, auth: { cookie?: string; token?: string }): Promise<ExamClient> {
    const headers: Record<string, string> = {};
    if (auth.cookie) headers.cookie = auth.cookie;
    if (auth.token) headers.authorization = `Bearer ${auth.token}`;
    const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/ws/session`, { headers });
    const client = new ExamClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  /** Starts sequence numbers after `n` (a resumed client continues its numbering). */
  continueFrom(n: number) {
    this.seq = n;
  }
  get lastSeq() {
    return this.seq;
  }

  send(m: Record<string, unknown>): void {
    this.ws.send(JSON.stringify(m));
  }

  waitFor<T extends ServerMessage['type']>(type: T, pred: (m: Extract<ServerMessage, { type: T }>) => boolean = () => true, timeoutMs = 10_000): Promise<Extract<ServerMessage, { type: T }>> {
    const existing = this.messages.find((m) => m.type === type && pred(m as Extract<ServerMessage, { type: T }>));
    if (existing) return Promise.resolve(existing as Extract<ServerMessage, { type: T }>);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${type}; got ${this.messages.map((m) => m.type).join(',')}`)), timeoutMs);
      this.waiters.push({ pred: (m) => m.type === type && pred(m as Extract<ServerMessage, { type: T }>), resolve: resolve as (m: ServerMessage) => void, reject, timer });
    });
  }

  /** The next message of this type that arrives after now. */
  next<T extends ServerMessage['type']>(type: T, timeoutMs = 10_000): Promise<Extract<ServerMessage, { type: T }>> {
    const seen = this.messages.length;
    return this.waitFor(type, (m) => this.messages.indexOf(m) >= seen, timeoutMs);
  }

  async hello(sessionId: string): Promise<Snapshot> {
    const seen = this.messages.length;
    this.send({ type: 'hello', protocol: PROTOCOL_VERSION, sessionId });
    return this.waitFor('snapshot', (m) => this.messages.indexOf(m) >= seen);
  }

  /**
   * Sends a state-changing message with the next sequence number and waits for its answer (ack, error or review).
   * One waiter, not a race of several: a losing waiter's time-out would otherwise surface later as an unhandled error.
   */
  async request(m: Record<string, unknown>, seq = ++this.seq, timeoutMs = 10_000): Promise<ServerMessage> {
    // Only answers that arrive after this send count: a replayed seq must get its own, new acknowledgement.
    const from = this.messages.length;
    const answers = (x: ServerMessage) => (x.type === 'ack' || x.type === 'error' || x.type === 'review') && x.seq === seq && this.messages.indexOf(x) >= from;
    this.send({ ...m, seq });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for the answer to seq ${seq}`)), timeoutMs);
      this.waiters.push({ pred: answers, resolve, reject, timer });
    });
  }

  answer(itemId: string, optionId: string | null, seq?: number) {
    return this.request({ type: 'answer', itemId, optionId }, seq);
  }

  close() {
    this.ws.close();
  }
}
