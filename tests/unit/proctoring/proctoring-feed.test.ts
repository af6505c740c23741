/**
 * The proctor feed's coalescing and fan-out on one instance, with a fake service and sockets: one query per flush
 * whatever the number of centers, rows only to the proctors of the row's own center, at once when quiet and coalesced
 * under load (the window policy itself: flush-window.test.ts), and full refreshes spread over the ticks. The real feed over real websockets and PostgreSQL is tested in tests/ws/proctoring.test.ts and
 * tests/integration/cross-instance.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Actor } from '../../../server/src/platform/actor.ts';
import { createEventBus, type BusEvent } from '../../../server/src/platform/event-bus.ts';
import { createProctorFeed, FULL_REFRESH_MS, REFRESH_TICK_MS } from '../../../server/src/modules/proctoring/proctoring.feed.ts';
import { FLUSH_WINDOW_POLICY } from '../../../server/src/modules/proctoring/domain/flush-window.ts';
import type { ProctoringService } from '../../../server/src/modules/proctoring/proctoring.service.ts';
import { progressPayloads } from '../../../server/src/modules/sessions/domain/progress-event.ts';
import type { ProctorServerMessage, RosterRow } from '../../../shared/api/proctoring.ts';

type Listener = (d: unknown) => void;

/** The old fixed tick, now the longest the adaptive window can be. */
const FLUSH_MS = FLUSH_WINDOW_POLICY.maxMs;

class FakeSocket {
  readyState = 1;
  bufferedAmount = 0;
  sent: ProctorServerMessage[] = [];
  private listeners: { message: Listener[]; close: (() => void)[]; pong: (() => void)[] } = { message: [], close: [], pong: [] };
  /** A browser answers the server's pings by itself. */
  ping() {
    for (const l of this.listeners.pong) l();
  }
  send(data: string) {
    this.sent.push(JSON.parse(data) as ProctorServerMessage);
  }
  close() {
    this.readyState = 3;
    for (const l of this.listeners.close) l();
  }
  on(e: 'message' | 'close' | 'pong', l: Listener) {
    if (e === 'message') this.listeners.message.push(l);
    else if (e === 'pong') this.listeners.pong.push(() => l(undefined));
    else this.listeners.close.push(() => l(undefined));
    return this;
  }
  receive(m: unknown) {
    for (const l of this.listeners.message) l(JSON.stringify(m));
  }
  of(type: ProctorServerMessage['type']) {
    return this.sent.filter((m) => m.type === type);
  }
}

/** Center i's id; sessions s<i>-<n> live in center i, which is how the fake service answers. */
const center = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
const centerOf = (sessionId: string) => center(Number(sessionId.slice(1).split('-')[0]));
const row = (sessionId: string) => ({ sessionId, answered: 1 }) as unknown as RosterRow;

function fakeService() {
  const calls = { rowsByCenter: [] as string[][], roster: [] as string[] };
  const service = {
    async rowsByCenter(ids: string[]) {
      calls.rowsByCenter.push(ids);
      const out = new Map<string, RosterRow[]>();
      for (const id of ids) out.set(centerOf(id), [...(out.get(centerOf(id)) ?? []), row(id)]);
      return out;
    },
    async roster(_actor: Actor, testCenterId: string) {
      calls.roster.push(testCenterId);
      return { testCenterId, date: '2026-11-22', rows: [] };
    },
  } as unknown as ProctoringService;
  return { service, calls };
}

const proctor = { userId: 'p', role: 'proctor', testCenterIds: [] } as unknown as Actor;

describe('proctor feed', () => {
  let bus: ReturnType<typeof createEventBus>;
  let publish: (e: BusEvent) => void;
  beforeEach(async () => {
    vi.useFakeTimers({ now: new Date('2026-11-22T09:00:00Z') });
    bus = createEventBus();
    await bus.start(async (_channel, on) => {
      publish = (e) => on(JSON.stringify(e));
      return async () => {};
    }, 'test');
  });
  afterEach(() => vi.useRealTimers());

  async function consoles(n: number) {
    const { service, calls } = fakeService();
    const feed = createProctorFeed({ proctoring: service, bus, clock: { now: () => new Date() } });
    feed.start();
    const sockets = Array.from({ length: n }, (_, i) => {
      const s = new FakeSocket();
      feed.attach(s, proctor);
      s.receive({ type: 'subscribe', testCenterId: center(i) });
      return s;
    });
    await vi.advanceTimersByTimeAsync(0);
    return { feed, calls, sockets };
  }

  /** A feed watching center 0 whose row fetch throws `message` while `fails(ids)` says so; what it logs is kept. */
  async function feedWhoseFetchFails(fails: (ids: string[]) => boolean, message: string) {
    const { service, calls } = fakeService();
    const fetch = service.rowsByCenter.bind(service);
    service.rowsByCenter = async (ids) => {
      if (fails(ids)) {
        calls.rowsByCenter.push(ids);
        throw new Error(message);
      }
      return fetch(ids);
    };
    const logged: string[] = [];
    const feed = createProctorFeed({ proctoring: service, bus, clock: { now: () => new Date() }, log: (m) => logged.push(m) });
    feed.start();
    const s = new FakeSocket();
    feed.attach(s, proctor);
    s.receive({ type: 'subscribe', testCenterId: center(0) });
    await vi.advanceTimersByTimeAsync(0);
    return { calls, logged, feed, s };
  }

  it('answers a hundred busy centers with one query per flush, each center getting only its own rows', async () => {
    const { feed, calls, sockets } = await consoles(100);
    expect(sockets.every((s) => s.of('roster').length === 1)).toBe(true);
    for (let c = 0; c < 100; c++) publish({ t: 'progress', by: { [center(c)]: [`s${c}-1`, `s${c}-2`] } });
    publish({ t: 'session', center: center(7), id: 's7-1' }); // the same session twice in one window: fetched once
    await vi.advanceTimersByTimeAsync(FLUSH_MS);
    expect(calls.rowsByCenter).toHaveLength(1);
    expect(calls.rowsByCenter[0]).toHaveLength(200);
    sockets.forEach((s, c) => {
      const rows = s.of('rows');
      expect(rows).toHaveLength(1);
      expect(rows[0]!.type === 'rows' && rows[0]!.rows.map((r) => r.sessionId).sort()).toEqual([`s${c}-1`, `s${c}-2`]);
    });
    await vi.advanceTimersByTimeAsync(FLUSH_MS * 4);
    expect(calls.rowsByCenter).toHaveLength(1); // nothing changed: no queries
    feed.stop();
  });

  it('sends a row to the center the session belongs to, not the one an event names, and ignores unwatched centers', async () => {
    const { feed, calls, sockets } = await consoles(2);
    publish({ t: 'session', center: center(0), id: 's1-9' }); // claims center 0, belongs to center 1
    publish({ t: 'progress', by: { [center(55)]: ['s55-1'], [center(0)]: [7, null] } }); // nobody watches center 55; junk ids skipped
    await vi.advanceTimersByTimeAsync(FLUSH_MS);
    expect(calls.rowsByCenter).toEqual([['s1-9']]);
    expect(sockets[0]!.of('rows')).toHaveLength(0);
    expect(sockets[1]!.of('rows')).toHaveLength(1);
    feed.stop();
  });

  it('reads progress payloads as the sessions service writes them, split to fit a NOTIFY', async () => {
    const { feed, calls } = await consoles(3);
    const byCenter = new Map([0, 1, 2].map((c) => [center(c), new Set(Array.from({ length: 120 }, (_, n) => `s${c}-${n}`))]));
    const payloads = progressPayloads(byCenter, 1000);
    expect(payloads.length).toBeGreaterThan(1);
    for (const by of payloads) publish({ t: 'progress', by });
    await vi.advanceTimersByTimeAsync(FLUSH_MS);
    expect(calls.rowsByCenter).toHaveLength(1);
    expect(new Set(calls.rowsByCenter[0])).toEqual(new Set([...byCenter.values()].flatMap((ids) => [...ids])));
    feed.stop();
  });

  it('flushes again at once after a flush that took longer than the window', async () => {
    const { service } = fakeService();
    const slow = service.rowsByCenter.bind(service);
    const started: string[][] = [];
    service.rowsByCenter = async (ids) => {
      started.push(ids);
      await new Promise((r) => setTimeout(r, FLUSH_MS * 3));
      return slow(ids);
    };
    const feed = createProctorFeed({ proctoring: service, bus, clock: { now: () => new Date() } });
    feed.start();
    const s = new FakeSocket();
    feed.attach(s, proctor);
    s.receive({ type: 'subscribe', testCenterId: center(0) });
    await vi.advanceTimersByTimeAsync(0);
    publish({ t: 'progress', by: { [center(0)]: ['s0-1'] } });
    await vi.advanceTimersByTimeAsync(FLUSH_MS + 10); // first flush starts, takes 3 windows
    publish({ t: 'progress', by: { [center(0)]: ['s0-2'] } });
    await vi.advanceTimersByTimeAsync(FLUSH_MS * 3); // first flush done: the second starts with no wait
    expect(started).toEqual([['s0-1'], ['s0-2']]);
    feed.stop();
  });

  it('sends a change after a quiet period at once, not at the next tick', async () => {
    const { feed, calls, sockets } = await consoles(1);
    await vi.advanceTimersByTimeAsync(10_000); // quiet
    publish({ t: 'progress', by: { [center(0)]: ['s0-1'] } });
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.rowsByCenter).toEqual([['s0-1']]);
    expect(sockets[0]!.of('rows')).toHaveLength(1);
    feed.stop();
  });

  it('under load coalesces for a window that follows the flush cost, delivers every change, and is quick again after', async () => {
    const COST = 40;
    const { service } = fakeService();
    const fetch = service.rowsByCenter.bind(service);
    const starts: number[] = [];
    const queried: string[] = [];
    service.rowsByCenter = async (ids) => {
      starts.push(Date.now());
      queried.push(...ids);
      await new Promise((r) => setTimeout(r, COST));
      return fetch(ids);
    };
    const feed = createProctorFeed({ proctoring: service, bus, clock: { now: () => new Date() } });
    feed.start();
    const s = new FakeSocket();
    feed.attach(s, proctor);
    s.receive({ type: 'subscribe', testCenterId: center(0) });
    await vi.advanceTimersByTimeAsync(0);
    const sentAt = new Map<string, number>();
    const seenAt = new Map<string, number>();
    const send = s.send.bind(s);
    s.send = (data: string) => {
      send(data);
      const m = JSON.parse(data) as ProctorServerMessage;
      if (m.type === 'rows') for (const r of m.rows) if (!seenAt.has(r.sessionId)) seenAt.set(r.sessionId, Date.now());
    };
    for (let i = 0; i < 400; i++) {
      const id = `s0-${i}`;
      sentAt.set(id, Date.now());
      publish({ t: 'progress', by: { [center(0)]: [id] } }); // one change every 5 ms for 2 s
      await vi.advanceTimersByTimeAsync(5);
    }
    await vi.advanceTimersByTimeAsync(FLUSH_MS * 2);
    expect(new Set(queried).size).toBe(400);
    expect(seenAt.size).toBe(400); // none dropped
    // After the first flush measured the cost, flushes start 3 x 40 ms apart: ~17 flushes for 2 s, not 400.
    const gaps = starts.slice(2).map((t, i) => t - starts[i + 1]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(COST * (1 + FLUSH_WINDOW_POLICY.gapPerCost));
    expect(starts.length).toBeLessThanOrEqual(20);
    // Each change waited at most the rest of a window plus a flush: well under the fixed tick's 250 ms + 40 ms.
    const waits = [...sentAt].map(([id, t]) => seenAt.get(id)! - t);
    expect(Math.max(...waits)).toBeLessThanOrEqual(COST * (1 + FLUSH_WINDOW_POLICY.gapPerCost) + COST);
    // Load gone: after a quiet second the next change goes out at once again.
    await vi.advanceTimersByTimeAsync(1_000);
    const before = starts.length;
    publish({ t: 'progress', by: { [center(0)]: ['s0-late'] } });
    await vi.advanceTimersByTimeAsync(1);
    expect(starts.length).toBe(before + 1);
    feed.stop();
  });

  it('fetches again the changes of a failed flush, logging the failure once', async () => {
    let failures = 3;
    const { calls, logged, feed, s } = await feedWhoseFetchFails(() => failures-- > 0, 'connection refused');
    publish({ t: 'progress', by: { [center(0)]: ['s0-1'] } });
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.rowsByCenter).toEqual([['s0-1']]);
    await vi.advanceTimersByTimeAsync(FLUSH_MS / 2);
    expect(calls.rowsByCenter).toHaveLength(1); // not a tight loop: the retry waits a whole window
    await vi.advanceTimersByTimeAsync(FLUSH_MS * 3);
    expect(calls.rowsByCenter).toHaveLength(4); // three failures, then the fetch that succeeded
    expect(s.of('rows').flatMap((m) => (m.type === 'rows' ? m.rows.map((r) => r.sessionId) : []))).toEqual(['s0-1']);
    expect(logged).toEqual(['proctor feed flush failed; retrying']);
    feed.stop();
  });

  it('gives up on changes that keep failing after a full-refresh period, so they cannot block the feed', async () => {
    const { calls, logged, feed, s } = await feedWhoseFetchFails((ids) => ids.includes('s0-bad'), 'invalid input syntax for type uuid');
    publish({ t: 'progress', by: { [center(0)]: ['s0-bad'] } });
    await vi.advanceTimersByTimeAsync(FULL_REFRESH_MS + FLUSH_MS * 2);
    const attempts = calls.rowsByCenter.length;
    expect(attempts).toBeGreaterThan(FULL_REFRESH_MS / FLUSH_MS - 2); // retried at the old tick's pace...
    expect(attempts).toBeLessThanOrEqual(FULL_REFRESH_MS / FLUSH_MS + 2); // ...not in a tight loop
    expect(logged).toHaveLength(2); // the first failure and the giving up
    publish({ t: 'progress', by: { [center(0)]: ['s0-1'] } });
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.rowsByCenter.slice(attempts)).toEqual([['s0-1']]); // the bad change is gone; the next one goes at once
    expect(s.of('rows').flatMap((m) => (m.type === 'rows' ? m.rows.map((r) => r.sessionId) : []))).toEqual(['s0-1']);
    feed.stop();
  });

  it('stops fetching for a center once its last console closes', async () => {
    const { feed, calls, sockets } = await consoles(1);
    sockets[0]!.close();
    publish({ t: 'progress', by: { [center(0)]: ['s0-1'] } });
    await vi.advanceTimersByTimeAsync(FLUSH_MS * 2);
    expect(calls.rowsByCenter).toHaveLength(0);
    expect(feed.subscribers()).toBe(0);
    feed.stop();
  });

  it('refreshes every console about every FULL_REFRESH_MS, a share per tick rather than all at once', async () => {
    const { feed, calls } = await consoles(120);
    calls.roster.length = 0; // the subscriptions
    const perTick: number[] = [];
    for (let t = 0; t < (2 * FULL_REFRESH_MS) / REFRESH_TICK_MS; t++) {
      const before = calls.roster.length;
      await vi.advanceTimersByTimeAsync(REFRESH_TICK_MS);
      perTick.push(calls.roster.length - before);
    }
    const share = Math.ceil((120 * REFRESH_TICK_MS) / FULL_REFRESH_MS);
    expect(Math.max(...perTick)).toBeLessThanOrEqual(share);
    // Over two periods every console was refreshed at least once and none more than twice.
    const counts = new Map<string, number>();
    for (const c of calls.roster) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(120);
    expect(Math.max(...counts.values())).toBeLessThanOrEqual(2);
    feed.stop();
  });
});
