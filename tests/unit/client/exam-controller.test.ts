/**
 * The exam controller end to end in node: a fake socket stands for the server, fake timers for the clock. Covers the
 * time-up message, replay of the outbox on every reconnect, which refusals drop a change and which keep it, and submit.
 */
import { describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../../shared/protocol/session-protocol.ts';
import { createExamController } from '../../../client/src/features/exam-session/exam-controller.ts';
import { endMessage, examReducer, initialExamState, queueText, reviewOf, saveStatusText, TIME_UP_MESSAGE, type Snapshot } from '../../../client/src/features/exam-session/exam-state.ts';
import { memoryStore, outboxKey } from '../../../client/src/lib/outbox.ts';
import { shortcutFor } from '../../../client/src/features/exam-session/shortcuts.ts';
import type { NetworkSignal, SocketLike, Timers } from '../../../client/src/lib/ws-client.ts';

const SESSION = '00000000-0000-4000-8000-000000000001';

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: Record<string, unknown>[] = [];
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  push(m: ServerMessage) {
    this.onmessage?.({ data: JSON.stringify(m) });
  }
  drop(code = 1006) {
    this.readyState = 3;
    this.onclose?.({ code, reason: '' });
  }
  ofType(type: string) {
    return this.sent.filter((m) => m.type === type);
  }
}

function fakeTimers() {
  let now = 1_000_000;
  let tasks: { at: number; fn: () => void; id: number }[] = [];
  let next = 1;
  const timers: Timers = {
    now: () => now,
    set(fn, ms) {
      const id = next++;
      tasks.push({ at: now + ms, fn, id });
      return id;
    },
    clear(h) {
      tasks = tasks.filter((t) => t.id !== h);
    },
  };
  return {
    timers,
    advance(ms: number) {
      const end = now + ms;
      for (;;) {
        const due = tasks.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        tasks = tasks.filter((t) => t !== due);
        now = due.at;
        due.fn();
      }
      now = end;
    },
  };
}

function fakeNetwork() {
  let online = true;
  const subs = new Set<(o: boolean) => void>();
  const network: NetworkSignal = { isOnline: () => online, subscribe: (cb) => (subs.add(cb), () => subs.delete(cb)) };
  return { network, set: (o: boolean) => ((online = o), subs.forEach((s) => s(o))) };
}

const time = (remainingMs: number, running = true) => ({
  deadline: running ? new Date(Date.parse('2026-03-02T10:00:00Z') + remainingMs).toISOString() : null,
  remainingMs,
  serverTime: '2026-03-02T10:00:00.000Z',
  running,
});

function snapshot(over: Partial<Snapshot> = {}, state: Snapshot['session']['state'] = 'in_progress'): Snapshot {
  return {
    type: 'snapshot',
    protocol: 1,
    session: { id: SESSION, module: 'SAF', moduleTitle: 'Safety', state, pauseReason: null, admitted: state !== 'scheduled' && state !== 'checked_in' },
    items: ['Q1', 'Q2', 'Q3'].map((id, i) => ({ itemId: id, position: i + 1, stem: `Stem ${id}`, options: ['A', 'B', 'C', 'D'].map((o) => ({ id: o, text: `${id}${o}` })) })),
    answers: {},
    flags: [],
    position: null,
    lastSeq: 0,
    time: time(5_400_000),
    warningMinutes: [15, 5, 1],
    ...over,
  };
}

function setup(store = memoryStore()) {
  const sockets: FakeSocket[] = [];
  const t = fakeTimers();
  const net = fakeNetwork();
  const c = createExamController({
    sessionId: SESSION,
    url: 'ws://test/ws/session',
    store,
    createSocket: () => {
      const s = new FakeSocket();
      sockets.push(s);
      return s;
    },
    network: net.network,
    timers: t.timers,
    random: () => 0.5,
  });
  c.start();
  const last = () => sockets[sockets.length - 1]!;
  return { c, sockets, last, t, net, store };
}

describe('the exam controller', () => {
  it('says hello and measures the clock on connect, and shows the form from the snapshot', () => {
    const { c, last } = setup();
    last().open();
    expect(last().sent[0]).toEqual({ type: 'hello', protocol: 1, sessionId: SESSION });
    expect(last().ofType('time-sync')).toHaveLength(3);
    last().push(snapshot());
    const s = c.getState();
    expect(s.items).toHaveLength(3);
    expect(s.connection).toBe('connected');
    expect(saveStatusText(s)).toBe('All answers saved');
  });

  it("handles time-up: the server's ended {reason: expired} stops the exam with the time-up notice", () => {
    const { c, last } = setup();
    last().open();
    last().push(snapshot());
    c.answer('Q1', 'B');
    last().push({ type: 'time-warning', minutesLeft: 5, time: time(300_000) });
    expect(c.getState().warning).toBe(5);
    expect(c.getState().announcement?.text).toBe('Time warning: 5 minutes left.');
    last().push({ type: 'ended', reason: 'expired' });
    const s = c.getState();
    expect(s.ended).toEqual({ reason: 'expired', note: null });
    expect(endMessage(s.ended!)).toBe(TIME_UP_MESSAGE);
    expect(TIME_UP_MESSAGE).toBe('Time is up. Your exam was submitted automatically.');
    expect(s.announcement?.text).toBe(TIME_UP_MESSAGE);
    expect(s.time?.running).toBe(false);
    expect(s.pendingTotal).toBe(0);
    expect(s.notices.map((n) => n.text)).toEqual(['1 change was not saved before the exam ended.']);
    // Nothing more is accepted on screen.
    c.answer('Q2', 'A');
    expect(s.answers.Q2).toBeUndefined();
    expect(c.submit()).toBe('The exam has already ended.');
  });

  it('a reload after time-up (snapshot in state expired) shows the same notice', () => {
    const s = examReducer(initialExamState(SESSION), { type: 'snapshot', snapshot: snapshot({}, 'expired'), pending: [] });
    expect(endMessage(s.ended!)).toBe(TIME_UP_MESSAGE);
  });

  it('shows the time warning that applies after a reload (the server does not repeat it)', () => {
    const s = examReducer(initialExamState(SESSION), { type: 'snapshot', snapshot: snapshot({ time: time(4 * 60_000) }), pending: [] });
    expect(s.warning).toBe(5);
    const early = examReducer(initialExamState(SESSION), { type: 'snapshot', snapshot: snapshot(), pending: [] });
    expect(early.warning).toBeNull();
  });

  it('a reopened seat-camera decision counts up (the page asks again) and is announced without touching the clock', () => {
    const running = examReducer(initialExamState(SESSION), { type: 'snapshot', snapshot: snapshot(), pending: [] });
    const once = examReducer(running, { type: 'message', message: { type: 'camera-reopened' } });
    expect(once.cameraReopened).toBe(1);
    expect(once.announcement?.text).toContain('answer the seat camera question again');
    expect(once.time).toBe(running.time);
    expect(once.paused).toBeNull();
    expect(examReducer(once, { type: 'message', message: { type: 'camera-reopened' } }).cameraReopened).toBe(2);
  });

  it('termination carries the reason into the end notice', () => {
    const { c, last } = setup();
    last().open();
    last().push(snapshot());
    last().push({ type: 'terminated', reason: 'candidate used a phone' });
    last().push({ type: 'ended', reason: 'terminated' });
    expect(endMessage(c.getState().ended!)).toBe('The proctor ended your exam. Reason: candidate used a phone');
  });

  it('applies changes at once while offline, and replays the whole outbox in seq order after reconnecting', () => {
    const { c, last, sockets, t, net } = setup();
    last().open();
    last().push(snapshot());
    c.answer('Q1', 'A');
    const first = last().ofType('answer')[0]!;
    last().push({ type: 'ack', seq: first.seq as number });
    expect(c.getState().pendingAnswers).toBe(0);

    net.set(false);
    expect(c.getState().connection).toBe('offline');
    c.answer('Q2', 'C');
    c.flag('Q2', true);
    c.go(2);
    c.answer('Q3', 'D');
    expect(c.getState().answers).toEqual({ Q1: 'A', Q2: 'C', Q3: 'D' });
    expect(c.getState().current).toBe(2);
    expect(saveStatusText(c.getState())).toBe('3 answers waiting to save');
    t.advance(60_000);
    expect(sockets).toHaveLength(1); // no attempts while the browser is offline

    net.set(true);
    const s2 = last();
    expect(sockets).toHaveLength(2);
    s2.open();
    expect(s2.sent[0]!.type).toBe('hello');
    expect(s2.ofType('answer')).toHaveLength(0); // not before the snapshot
    s2.push(snapshot({ answers: { Q1: 'A' } }));
    const replayed = s2.sent.filter((m) => m.seq !== undefined);
    expect(replayed.map((m) => m.type)).toEqual(['answer', 'flag', 'visit', 'answer']);
    expect(replayed.map((m) => m.seq)).toEqual([...replayed.map((m) => m.seq as number)].sort((a, b) => a - b));
    // The snapshot does not undo local changes that are not saved yet.
    expect(c.getState().answers).toEqual({ Q1: 'A', Q2: 'C', Q3: 'D' });
    for (const m of replayed) s2.push({ type: 'ack', seq: m.seq as number });
    expect(saveStatusText(c.getState())).toBe('All answers saved');
  });

  it('reconnects with backoff after a drop, and replays unacked changes again', () => {
    const { c, last, sockets, t } = setup();
    last().open();
    last().push(snapshot());
    c.answer('Q1', 'B');
    last().drop();
    expect(c.getState().connection).toBe('reconnecting');
    t.advance(374);
    expect(sockets).toHaveLength(1);
    t.advance(1); // 500 ms step, half of it jitter (random = 0.5) → 375 ms
    expect(sockets).toHaveLength(2);
    last().open();
    last().push(snapshot());
    expect(last().ofType('answer')).toEqual([{ type: 'answer', seq: 1, itemId: 'Q1', optionId: 'B' }]);
  });

  it('drops changes the server refuses for good, keeps ones refused while paused and sends them on resume', () => {
    const { c, last } = setup();
    last().open();
    last().push(snapshot());
    c.answer('Q1', 'A');
    last().push({ type: 'error', seq: 1, code: 'OPTION_NOT_ON_ITEM', message: 'Option A is not an option of this question' });
    expect(c.getState().pendingTotal).toBe(0);
    expect(c.getState().notices[0]!.text).toBe('A change to question 1 could not be saved: Option A is not an option of this question');

    c.answer('Q2', 'B');
    last().push({ type: 'error', seq: 2, code: 'SESSION_PAUSED', message: 'paused' });
    last().push({ type: 'paused', reason: 'fire drill', time: time(4_000_000, false) });
    expect(c.getState().paused).toEqual({ reason: 'fire drill', break: null });
    expect(c.getState().pendingAnswers).toBe(1);
    const before = last().ofType('answer').length;
    last().push({ type: 'resumed', time: time(4_000_000) });
    expect(c.getState().paused).toBeNull();
    expect(last().ofType('answer').length).toBe(before + 1);
  });

  it('keeps a change the server could not save (UNAVAILABLE) and sends the outbox again with backoff until it is acknowledged', () => {
    const { c, last, t } = setup();
    last().open();
    last().push(snapshot());
    c.answer('Q1', 'A');
    c.answer('Q2', 'B');
    expect(last().ofType('answer')).toHaveLength(2);
    last().push({ type: 'error', seq: 1, code: 'UNAVAILABLE', message: 'database restarting' });
    last().push({ type: 'error', seq: 2, code: 'UNAVAILABLE', message: 'database restarting' });
    expect(c.getState().pendingAnswers).toBe(2);
    expect(c.getState().notices).toEqual([]);
    t.advance(499);
    expect(last().ofType('answer')).toHaveLength(2);
    t.advance(1); // one resend of the whole outbox for both refusals
    expect(last().ofType('answer')).toHaveLength(4);
    last().push({ type: 'error', seq: 1, code: 'UNAVAILABLE', message: 'database restarting' });
    t.advance(999);
    expect(last().ofType('answer')).toHaveLength(4);
    t.advance(1); // the delay doubled
    expect(last().ofType('answer')).toHaveLength(6);
    last().push({ type: 'ack', seq: 1 });
    last().push({ type: 'ack', seq: 2 });
    expect(c.getState().pendingTotal).toBe(0);
  });

  it('opened during a pause (no question sent), asks for the form again when the exam resumes', () => {
    const { c, sockets, last } = setup();
    last().open();
    last().push(snapshot({ items: [] }, 'paused'));
    expect(c.getState().paused).not.toBeNull();
    expect(c.getState().items).toEqual([]);
    const before = sockets.length;
    last().push({ type: 'resumed', time: time(4_000_000) });
    expect(sockets.length).toBe(before + 1); // a new connection: its snapshot brings the questions
    last().open();
    last().push(snapshot());
    expect(c.getState().items).toHaveLength(3);
    expect(c.getState().paused).toBeNull();
  });

  it('submits only when connected and every change is saved', () => {
    const { c, last, net } = setup();
    last().open();
    last().push(snapshot());
    c.answer('Q1', 'A');
    expect(c.submit()).toMatch(/still being saved/);
    last().push({ type: 'ack', seq: 1 });
    net.set(false);
    expect(c.submit()).toMatch(/not connected/);
    net.set(true);
    last().open();
    last().push(snapshot({ answers: { Q1: 'A' } }));
    expect(c.submit()).toBeNull();
    expect(c.getState().submitting).toBe(true);
    const submit = last().ofType('submit')[0]!;
    expect(submit.seq).toBeGreaterThan(1);
    last().push({ type: 'ack', seq: submit.seq as number });
    last().push({ type: 'ended', reason: 'submitted' });
    expect(c.getState().ended?.reason).toBe('submitted');
    expect(reviewOf(c.getState())).toMatchObject({ total: 3, answered: 1, unanswered: [1, 2] });
  });

  it('restores answers and position from storage after a reload, the outbox winning over the snapshot', () => {
    const store = memoryStore();
    const a = setup(store);
    a.last().open();
    a.last().push(snapshot());
    a.c.answer('Q1', 'A');
    a.c.go(1);
    a.c.stop();
    expect(JSON.parse(store.getItem(outboxKey(SESSION))!).lastSeq).toBe(2);

    const b = setup(store);
    b.last().open();
    b.last().push(snapshot({ answers: { Q1: 'D' }, position: 'Q1' }));
    expect(b.c.getState().answers.Q1).toBe('A');
    expect(b.c.getState().current).toBe(1);
    b.c.answer('Q3', 'B');
    expect(b.last().ofType('answer').at(-1)).toMatchObject({ seq: 3, itemId: 'Q3' });
  });

  it('stops (and says so) when another window takes the exam over, and comes back on request', () => {
    const { c, last, sockets, t } = setup();
    last().open();
    last().push(snapshot());
    last().push({ type: 'replaced' });
    last().drop(4001);
    expect(c.getState().replaced).toBe(true);
    t.advance(120_000);
    expect(sockets).toHaveLength(1);
    c.reconnect();
    expect(sockets).toHaveLength(2);
    last().open();
    last().push(snapshot());
    expect(c.getState().replaced).toBe(false);
  });

  it('sends testing-center signals with a sequence number, through the outbox', () => {
    const { c, last } = setup();
    last().open();
    last().push(snapshot());
    c.signal('focus-lost');
    c.signal('fullscreen-exit');
    expect(last().ofType('signal')).toEqual([
      { type: 'signal', seq: 1, kind: 'focus-lost' },
      { type: 'signal', seq: 2, kind: 'fullscreen-exit' },
    ]);
    expect(c.getState().pendingTotal).toBe(2);
    expect(c.getState().pendingAnswers).toBe(0);
    last().push({ type: 'ack', seq: 1 });
    last().push({ type: 'ack', seq: 2 });
    expect(c.getState().pendingTotal).toBe(0);
  });

  it('notices a silent (half-open) connection and replaces it', () => {
    const { last, sockets, t } = setup();
    last().open();
    last().push(snapshot());
    t.advance(20_000); // heartbeats go out, nothing comes back yet: still the same socket
    expect(sockets.length).toBe(1);
    t.advance(13_000); // silent for more than 2.5 heartbeats: replaced
    expect(sockets.length).toBe(2);
  });
});

describe('keyboard shortcuts', () => {
  const key = (k: string, target: unknown = { tagName: 'BODY' }, mods = {}) => shortcutFor({ key: k, ctrlKey: false, metaKey: false, altKey: false, target: target as EventTarget, ...mods });
  it('maps 1-5 and A-E to options, N P F R to actions', () => {
    expect(['1', '4', 'a', 'D', 'e'].map((k) => key(k))).toEqual([0, 3, 0, 3, 4].map((index) => ({ type: 'option', index })));
    expect(['n', 'P', 'f', 'r'].map((k) => key(k)?.type)).toEqual(['next', 'prev', 'flag', 'review']);
    expect(key('x')).toBeNull();
  });
  it('leaves keys alone while typing in a field or with a modifier, but works on a focused radio button', () => {
    expect(key('n', { tagName: 'INPUT', type: 'text' })).toBeNull();
    expect(key('n', { tagName: 'INPUT', type: 'password' })).toBeNull();
    expect(key('a', { tagName: 'TEXTAREA' })).toBeNull();
    expect(key('a', { tagName: 'DIV', isContentEditable: true })).toBeNull();
    expect(key('n', { tagName: 'BODY' }, { ctrlKey: true })).toBeNull();
    expect(key('n', { tagName: 'INPUT', type: 'radio' })).toEqual({ type: 'next' });
  });
});

describe('the start line (#18)', () => {
  it('keeps the latest place until the snapshot arrives or the socket drops', () => {
    let s = examReducer(initialExamState(SESSION), { type: 'connection', status: 'connected' });
    s = examReducer(s, { type: 'message', message: { type: 'queue', position: 40, expectedWaitMs: 12_300 } });
    s = examReducer(s, { type: 'message', message: { type: 'queue', position: 12, expectedWaitMs: 3_100 } });
    expect(s.queue).toEqual({ position: 12, expectedWaitMs: 3_100 });
    expect(examReducer(s, { type: 'snapshot', snapshot: snapshot(), pending: [] }).queue).toBeNull();
    expect(examReducer(s, { type: 'connection', status: 'reconnecting' }).queue).toBeNull();
  });

  it('says the place and the wait in whole seconds, then minutes from two minutes on', () => {
    expect(queueText({ position: 3, expectedWaitMs: 0 })).toBe('You are number 3 in line — about 1 s');
    expect(queueText({ position: 12, expectedWaitMs: 4_001 })).toBe('You are number 12 in line — about 5 s');
    expect(queueText({ position: 900, expectedWaitMs: 119_000 })).toBe('You are number 900 in line — about 119 s');
    expect(queueText({ position: 4000, expectedWaitMs: 150_000 })).toBe('You are number 4000 in line — about 3 min');
  });
});
