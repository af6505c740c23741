/** The start gate's queue (#18): first come first served, the front lane, places and waits, the loop-delay bound. */
import { describe, expect, it } from 'vitest';
import { createStartGate, createStartQueue, DEFAULT_START_GATE, nextLimit, updateDue, type QueuePlace, type StartGateSettings, type Waiter } from '../../../server/src/platform/start-gate.ts';

const settle = () => new Promise((r) => setImmediate(r));
const settings = (over: Partial<StartGateSettings> = {}): StartGateSettings => ({ ...DEFAULT_START_GATE, ...over });

/** A queue on a fake clock whose waiters record when they were dispatched. */
function harness(over: Partial<StartGateSettings> = {}) {
  let t = 0;
  const q = createStartQueue(settings(over), () => t);
  const started: string[] = [];
  const dropped: string[] = [];
  const waiter = (key: string, o: { admits?: boolean; alive?: () => boolean } = {}): Waiter => ({
    key,
    notify: null,
    alive: o.alive ?? (() => true),
    admits: o.admits ?? false,
    lastSent: null,
    dispatch: () => started.push(key),
    drop: () => dropped.push(key),
  });
  return { q, started, dropped, waiter, advance: (ms: number) => (t += ms), now: () => t };
}

describe('start queue', () => {
  it('runs at once while there is room, then queues in arrival order with places 1, 2, 3…', () => {
    const h = harness({ maxConcurrency: 2 });
    expect(h.q.offer(h.waiter('a'))).toBeNull();
    expect(h.q.offer(h.waiter('b'))).toBeNull();
    const places = ['c', 'd', 'e'].map((k) => h.q.offer(h.waiter(k))!.position);
    expect(places).toEqual([1, 2, 3]);
    expect(h.started).toEqual(['a', 'b']);
    h.q.finished(5, 'a', true, false);
    expect(h.started).toEqual(['a', 'b', 'c']);
    h.q.finished(5, 'b', true, false);
    h.q.finished(5, 'c', true, false);
    expect(h.started).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(h.q.stats()).toMatchObject({ inFlight: 2, waiting: 0 });
  });

  it('a newcomer never overtakes someone waiting, even when a slot is free at that instant', () => {
    const h = harness({ maxConcurrency: 1 });
    h.q.offer(h.waiter('a'));
    h.q.offer(h.waiter('b'));
    h.q.observeLoopDelay(1000); // the bound cannot fall below 1
    expect(h.q.offer(h.waiter('c'))!.position).toBe(2);
    h.q.finished(5, 'a', true, false);
    expect(h.started).toEqual(['a', 'b']);
  });

  it("puts a session's follow-up (hello after its REST start) ahead of fresh arrivals, for the follow-up window", () => {
    const h = harness({ maxConcurrency: 1, followUpWindowMs: 60_000 });
    h.q.offer(h.waiter('s1', { admits: true }));
    h.q.offer(h.waiter('s2', { admits: true }));
    h.q.offer(h.waiter('s3', { admits: true }));
    h.q.finished(5, 's1', true, true); // s2 starts
    // s1's hello goes ahead of s3, unannounced (s1 already waited its turn); places count the line only.
    expect(h.q.offer(h.waiter('s1'))).toBeNull();
    expect(h.q.stats().waiting).toBe(2);
    expect(h.q.offer(h.waiter('fresh'))!.position).toBe(2);
    h.q.finished(5, 's2', true, true);
    expect(h.started).toEqual(['s1', 's2', 's1']);
    h.q.finished(5, 's1', true, false);
    expect(h.started.at(-1)).toBe('s3');
    // Past the window a hello is a fresh arrival again.
    h.advance(60_001);
    expect(h.q.offer(h.waiter('s1'))!.position).toBe(2);
  });

  it('a failed start gives its session no front-lane place', () => {
    const h = harness({ maxConcurrency: 1 });
    h.q.offer(h.waiter('s1', { admits: true }));
    h.q.offer(h.waiter('other'));
    h.q.finished(5, 's1', false, true);
    expect(h.q.offer(h.waiter('s1'))!.position).toBe(1);
    h.q.offer(h.waiter('x'));
    expect(h.q.offer(h.waiter('s1'))!.position).toBe(3);
    // A start that passed the gate: its follow-up goes in the front lane (not announced).
    h.q.offer(h.waiter('s9', { admits: true }));
    for (let i = 0; i < 4; i++) h.q.finished(5, 'x', true, false);
    expect(h.started.at(-1)).toBe('s9');
    h.q.offer(h.waiter('y'));
    expect(h.q.offer(h.waiter('s9'))).toBeNull();
  });

  it('skips waiters nobody waits for any more: not run, not counted in the places', () => {
    const h = harness({ maxConcurrency: 1, updateMinIntervalMs: 0, updateMaxIntervalMs: 0 });
    let bAlive = true;
    h.q.offer(h.waiter('a'));
    h.q.offer(h.waiter('b', { alive: () => bAlive }));
    h.q.offer(h.waiter('c'));
    bAlive = false;
    h.advance(1);
    expect(h.q.dueUpdates().map((u) => [u.waiter.key, u.place.position])).toEqual([['c', 1]]);
    h.q.finished(5, 'a', true, false);
    expect(h.started).toEqual(['a', 'c']);
    expect(h.dropped).toEqual(['b']);
  });

  it('estimates the wait from the measured rate at which starts leave the queue', () => {
    const h = harness({ maxConcurrency: 1 });
    h.q.offer(h.waiter('first'));
    for (let i = 0; i < 20; i++) h.q.offer(h.waiter(`w${i}`));
    // One start leaves every 40 ms.
    for (let i = 0; i < 10; i++) {
      h.advance(40);
      h.q.finished(40, 'x', true, false);
    }
    expect(h.q.stats().perStartMs).toBeCloseTo(40, 0);
    const place = h.q.offer(h.waiter('new'))!;
    expect(place.position).toBe(11);
    expect(place.expectedWaitMs).toBe(440);
  });

  it('estimates from the last 2 s of departures, so one slow first turn does not promise the line a wait 60 times too long', () => {
    const h = harness({ maxConcurrency: 1 });
    h.q.offer(h.waiter('first'));
    for (let i = 0; i < 100; i++) h.q.offer(h.waiter(`w${i}`));
    // The storm's first turn: 600 ms before anything leaves the line; then one start leaves every 10 ms.
    h.advance(600);
    h.q.finished(600, 'first', true, false);
    for (let i = 0; i < 50; i++) {
      h.advance(10);
      h.q.finished(10, 'x', true, false);
    }
    expect(h.q.stats().perStartMs).toBeCloseTo(10, 0);
    // A line that stops draining is estimated slower: nothing has left for a second.
    h.advance(1000);
    expect(h.q.stats().perStartMs).toBeGreaterThan(25);
  });

  it('before any backlog, estimates from the measured start time shared among the slots', () => {
    const h = harness({ maxConcurrency: 4 });
    for (let i = 0; i < 4; i++) h.q.offer(h.waiter(`a${i}`));
    for (let i = 0; i < 4; i++) h.q.finished(100, `a${i}`, true, false);
    for (let i = 0; i < 4; i++) h.q.offer(h.waiter(`b${i}`));
    const place = h.q.offer(h.waiter('c'))!;
    expect(place.position).toBe(1);
    // The moving average moved from 6 ms most of the way to 100 ms; four slots share it.
    expect(place.expectedWaitMs).toBeGreaterThan(10);
    expect(place.expectedWaitMs).toBeLessThan(25);
  });

  it('tells a waiter again when its place improved by a tenth, near the front at every step, and every 5 s regardless', () => {
    const s = { updateMinIntervalMs: 1000, updateMaxIntervalMs: 5000 };
    expect(updateDue(null, 40, 0, s)).toBe(true);
    expect(updateDue({ position: 100, at: 0 }, 50, 999, s)).toBe(false);
    expect(updateDue({ position: 100, at: 0 }, 95, 1500, s)).toBe(false);
    expect(updateDue({ position: 100, at: 0 }, 90, 1500, s)).toBe(true);
    expect(updateDue({ position: 10, at: 0 }, 9, 1000, s)).toBe(true);
    expect(updateDue({ position: 100, at: 0 }, 100, 4999, s)).toBe(false);
    expect(updateDue({ position: 100, at: 0 }, 100, 5000, s)).toBe(true);
  });

  it('sends due updates with the current places as the line moves', () => {
    const h = harness({ maxConcurrency: 1 });
    h.q.offer(h.waiter('a'));
    const keys = Array.from({ length: 100 }, (_, i) => `w${i}`);
    for (const k of keys) h.q.offer(h.waiter(k));
    for (let i = 0; i < 5; i++) h.q.finished(5, 'x', true, false);
    h.advance(1000);
    const updates = new Map(h.q.dueUpdates().map((u) => [u.waiter.key, u.place.position]));
    // w5 was told 6 and is now 1; w99 was told 100 and is now 95 (less than a tenth better): not yet.
    expect(updates.get('w5')).toBe(1);
    expect(updates.get('w14')).toBe(10);
    expect(updates.get('w40')).toBe(36);
    expect(updates.has('w50')).toBe(false);
    expect(updates.has('w99')).toBe(false);
    h.advance(4000);
    expect(h.q.dueUpdates().find((u) => u.waiter.key === 'w99')?.place.position).toBe(95);
  });
});

describe('concurrency bound from the event-loop delay', () => {
  const s = { maxConcurrency: 16, targetLoopDelayMs: 50 };
  it('shrinks by a quarter when the loop lags, never below 1', () => {
    expect(nextLimit(16, 120, true, s)).toBe(12);
    expect(nextLimit(1, 500, true, s)).toBe(1);
  });
  it('grows by one while busy and the loop keeps up well, up to the maximum', () => {
    expect(nextLimit(8, 10, true, s)).toBe(9);
    expect(nextLimit(16, 10, true, s)).toBe(16);
    expect(nextLimit(8, 10, false, s)).toBe(8);
    expect(nextLimit(8, 40, true, s)).toBe(8);
  });
  it('starts queued work when the bound grows', () => {
    const h = harness({ maxConcurrency: 4 });
    for (let i = 0; i < 6; i++) h.q.offer(h.waiter(`k${i}`));
    h.q.observeLoopDelay(200); // 4 → 3
    h.q.observeLoopDelay(200); // 3 → 2
    for (let i = 0; i < 4; i++) h.q.finished(5, `k${i}`, true, false);
    expect(h.q.stats()).toMatchObject({ limit: 2, inFlight: 2 });
    expect(h.started).toEqual(['k0', 'k1', 'k2', 'k3', 'k4', 'k5']);
    h.q.offer(h.waiter('k6'));
    h.q.offer(h.waiter('k7'));
    expect(h.q.stats().waiting).toBe(2);
    h.q.observeLoopDelay(1);
    expect(h.q.stats()).toMatchObject({ limit: 3, inFlight: 3, waiting: 1 });
  });
});

describe('start gate', () => {
  it('resolves each run with its result in turn, frees the slot on failure, and announces places by key', async () => {
    const gate = createStartGate(settings({ maxConcurrency: 1 }));
    const announced: Array<[string, QueuePlace]> = [];
    gate.onPlace((key, place) => announced.push([key, place]));
    const order: string[] = [];
    let release!: () => void;
    const first = gate.run('a', () => new Promise<string>((r) => (release = () => r('A'))));
    const told: QueuePlace[] = [];
    const second = gate.run('b', async () => {
      order.push('b');
      throw new Error('refused');
    }, { notify: (p) => told.push(p) });
    const third = gate.run('c', async () => {
      order.push('c');
      return 'C';
    });
    expect(told.map((p) => p.position)).toEqual([1]);
    expect(announced.map(([k, p]) => [k, p.position])).toEqual([['c', 2]]);
    await settle();
    release();
    expect(await first).toBe('A');
    await expect(second).rejects.toThrow('refused');
    expect(await third).toBe('C');
    expect(order).toEqual(['b', 'c']);
    expect(gate.stats()).toMatchObject({ inFlight: 0, waiting: 0 });
  });

  it('resolves undefined without running the work of a waiter that went away', async () => {
    const gate = createStartGate(settings({ maxConcurrency: 1 }));
    let release!: () => void;
    const first = gate.run('a', () => new Promise<void>((r) => (release = r)));
    let ran = false;
    let alive = true;
    const gone = gate.run('b', async () => (ran = true), { alive: () => alive });
    alive = false;
    await settle();
    release();
    await first;
    expect(await gone).toBeUndefined();
    expect(ran).toBe(false);
  });
});
