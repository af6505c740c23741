/**
 * A candidate's socket that closes while PostgreSQL is down (found by bench/chaos, #13.8): the gateway's disconnect
 * bookkeeping (release the connection, last_seen_at = when the candidate was last heard from) fails. Given up, the
 * session keeps the last heartbeat's time (up to 15 s older), and a long disconnect is then credited that much too
 * much. The gateway retries it, with the same heard-from time, once the database answers again.
 */
import { describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import { createSessionGateway } from '../../../server/src/modules/sessions/sessions.gateway.ts';
import type { SessionsService } from '../../../server/src/modules/sessions/sessions.service.ts';
import type { EventBus } from '../../../server/src/platform/event-bus.ts';
import { createStartGate } from '../../../server/src/platform/start-gate.ts';

class FakeSocket extends EventEmitter {
  readyState = 1;
  sent: unknown[] = [];
  send(m: string) {
    this.sent.push(JSON.parse(m));
  }
  close() {
    this.readyState = 3;
  }
  ping() {}
  terminate() {
    this.readyState = 3;
  }
}

const waitFor = async (ok: () => boolean, ms = 5000) => {
  const t = Date.now();
  while (!ok()) {
    if (Date.now() - t > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('disconnect bookkeeping while the database is away', () => {
  it('is retried with the same heard-from time until the database answers', async () => {
    const sessionId = '00000000-0000-4000-8000-000000000001';
    const calls: { sessionId: string; connectionId: string; at: Date }[] = [];
    let failures = 2;
    const sessions = {
      config: { warningMinutes: [] },
      connect: async () => ({
        snapshot: { message: { type: 'snapshot' }, form: null },
        session: { id: sessionId, state: 'in_progress', allowedMs: 3_600_000, usedMs: 0, runningSince: new Date() },
      }),
      disconnected: async (id: string, connectionId: string, at: Date) => {
        calls.push({ sessionId: id, connectionId, at });
        if (failures-- > 0) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
      },
      heartbeat: async () => {},
      writesIdle: async () => {},
    } as unknown as SessionsService;
    const bus = { on: () => () => {} } as unknown as EventBus;
    let t = Date.parse('2026-12-07T08:00:00Z');
    const clock = { now: () => new Date(t) };
    const logged: string[] = [];
    const gateway = createSessionGateway({ sessions, startGate: createStartGate(), bus, clock, log: (m) => logged.push(m) });
    const socket = new FakeSocket();
    gateway.attach(socket as never, { userId: 'u1', username: 'c', displayName: 'C', role: 'candidate', testCenterIds: [] } as never);
    socket.emit('message', Buffer.from(JSON.stringify({ type: 'hello', protocol: 1, sessionId, clientInstanceId: 'tab-00000001' })));
    await waitFor(() => socket.sent.some((m) => (m as { type: string }).type === 'snapshot'));
    const heardAt = t;
    t += 20_000; // reaped later; the disconnect counts from when it was last heard
    socket.emit('close', 1006);

    await waitFor(() => calls.length === 3);
    expect(calls.every((c) => c.sessionId === sessionId && c.at.getTime() === heardAt && c.connectionId === calls[0]!.connectionId)).toBe(true);
    expect(calls[0]!.connectionId.startsWith('tab-00000001/')).toBe(true);
    await gateway.stop();
  });

  it('is not retried for an error that is not the database being away', async () => {
    let calls = 0;
    const sessions = {
      config: { warningMinutes: [] },
      connect: async () => ({ snapshot: { message: { type: 'snapshot' }, form: null }, session: { id: 's', state: 'in_progress', allowedMs: 60_000, usedMs: 0, runningSince: new Date() } }),
      disconnected: async () => {
        calls++;
        throw new Error('a bug');
      },
      writesIdle: async () => {},
    } as unknown as SessionsService;
    const logged: string[] = [];
    const gateway = createSessionGateway({ sessions, startGate: createStartGate(), bus: { on: () => () => {} } as unknown as EventBus, clock: { now: () => new Date() }, log: (m) => logged.push(m) });
    const socket = new FakeSocket();
    gateway.attach(socket as never, { userId: 'u1', role: 'candidate', testCenterIds: [] } as never);
    socket.emit('message', Buffer.from(JSON.stringify({ type: 'hello', protocol: 1, sessionId: '00000000-0000-4000-8000-000000000002' })));
    await waitFor(() => socket.sent.some((m) => (m as { type: string }).type === 'snapshot'));
    socket.emit('close', 1006);
    await waitFor(() => logged.includes('disconnect bookkeeping failed'));
    await new Promise((r) => setTimeout(r, 700));
    expect(calls).toBe(1);
    await gateway.stop();
  });
});
