/** The proctor console's websocket feed, for tests and the proctoring benchmark. */
import WebSocket from 'ws';
import type { ProctorServerMessage } from '../../shared/api/proctoring.ts';

export class ProctorClient {
  readonly messages: (ProctorServerMessage & { receivedAt: number })[] = [];
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => this.messages.push({ ...(JSON.parse(String(d)) as ProctorServerMessage), receivedAt: Date.now() }));
  }
  static async open(baseUrl: string, auth: { cookie?: string; token?: string }) {
    const headers: Record<string, string> = {};
    if (auth.cookie) headers.cookie = auth.cookie;
    if (auth.token) headers.authorization = `Bearer ${auth.token}`;
    const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/ws/proctor`, { headers });
    const c = new ProctorClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return c;
  }
  /** A feed subscribed to one test center, once its first roster has arrived. */
  static async watching(baseUrl: string, auth: { cookie?: string; token?: string }, testCenterId: string) {
    const c = await ProctorClient.open(baseUrl, auth);
    c.subscribe(testCenterId);
    await c.waitFor((m) => m.type === 'roster');
    return c;
  }
  subscribe(testCenterId: string) {
    this.ws.send(JSON.stringify({ type: 'subscribe', testCenterId }));
  }
  /** Waits for a message matching pred that arrived after `after` (an index into messages). */
  async waitFor(pred: (m: ProctorServerMessage) => boolean, after = 0, timeoutMs = 10_000) {
    const start = Date.now();
    for (;;) {
      const hit = this.messages.slice(after).find(pred);
      if (hit) return hit;
      if (Date.now() - start > timeoutMs) throw new Error(`timed out; got ${this.messages.map((m) => m.type).join(',')}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  /** The newest view of one seat across roster and rows messages. */
  latestRow(sessionId: string) {
    for (let i = this.messages.length - 1; i >= 0; i--) {
      const m = this.messages[i]!;
      if (m.type === 'roster' || m.type === 'rows') {
        const r = m.rows.find((x) => x.sessionId === sessionId);
        if (r) return r;
      }
    }
    return undefined;
  }
  close() {
    this.ws.close();
  }
}
