/**
 * #13.5: closing the server (what SIGTERM does, through platform/shutdown.ts) closes candidate and proctor sockets
 * with 1001 "going away" (not 1005), after the group commit drained, so clients reconnect at once elsewhere.
 */
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { buildTestApp, loginAs } from '../helpers/build-app.ts';
import { DB_KINDS } from '../helpers/test-db.ts';

describe.each(DB_KINDS)('graceful shutdown on %s', (kind) => {
  it('closes every candidate and proctor socket with 1001', async () => {
    const t = await buildTestApp(kind);
    const base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const open = (p: string, cookie: string) =>
      new Promise<{ ws: WebSocket; closed: Promise<number> }>((resolve, reject) => {
        const ws = new WebSocket(`${base.replace(/^http/, 'ws')}${p}`, { headers: { cookie } });
        const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
        ws.once('open', () => resolve({ ws, closed }));
        ws.once('error', reject);
      });
    const feed = await open('/ws/proctor', (await loginAs(t.app, 'proctor')).cookie);
    const exam = await open('/ws/session', (await loginAs(t.app, 'candidate')).cookie);
    await t.close();
    expect(await feed.closed).toBe(1001);
    expect(await exam.closed).toBe(1001);
  }, 300_000);
});
