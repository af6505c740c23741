// @vitest-environment jsdom
/**
 * The exam screen's states as a candidate sees them (#16.7): the real screen in a DOM (jsdom), driven by the real
 * exam controller whose fake socket stands for the server. In progress (a question to answer, the click is sent),
 * paused (the question is not in the page), time warning (the banner), and ended (no warning; the end screen says
 * time is up). The browser end to end is in tests/e2e.
 */
import { act, createElement } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../../shared/protocol/session-protocol.ts';
import { createExamController } from '../../../client/src/features/exam-session/exam-controller.ts';
import { ExamScreen } from '../../../client/src/features/exam-session/exam-screen.tsx';
import { endMessage, TIME_UP_MESSAGE, type Snapshot } from '../../../client/src/features/exam-session/exam-state.ts';
import { Ended } from '../../../client/src/features/exam-session/take-exam.tsx';
import { memoryStore } from '../../../client/src/lib/outbox.ts';
import type { NetworkSignal, SocketLike, Timers } from '../../../client/src/lib/ws-client.ts';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
// jsdom lays nothing out, so it has no element scrolling; the screen scrolls each new question to its top.
Element.prototype.scrollTo ??= function scrollTo() {};

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
}

/** Timers that never fire by themselves (heartbeats and retries are not what these tests are about). */
const timers: Timers = { now: () => Date.now(), set: () => 0, clear: () => {} };
const network: NetworkSignal = { isOnline: () => true, subscribe: () => () => {} };

const time = (remainingMs: number, running = true) => ({
  deadline: running ? new Date(Date.now() + remainingMs).toISOString() : null,
  remainingMs,
  serverTime: new Date().toISOString(),
  running,
});

const snapshot = (): Snapshot => ({
  type: 'snapshot',
  protocol: 1,
  session: { id: SESSION, module: 'SAF', moduleTitle: 'Safety', state: 'in_progress', pauseReason: null, admitted: true },
  items: ['Q1', 'Q2', 'Q3'].map((id, i) => ({ itemId: id, position: i + 1, stem: `Stem of ${id}`, options: ['A', 'B', 'C', 'D'].map((o) => ({ id: o, text: `${id} option ${o}` })) })),
  answers: {},
  flags: [],
  position: null,
  lastSeq: 0,
  time: time(30 * 60_000),
  warningMinutes: [15, 5, 1],
});

let container: HTMLDivElement;
let root: Root;
beforeEach(() => {
  container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
});
afterEach(() => {
  act(() => root.unmount());
  container.remove();
});

/** A controller connected to a fake server, and the screen rendered from its state after every change. */
function exam(first?: Snapshot) {
  const socket = new FakeSocket();
  const c = createExamController({ sessionId: SESSION, url: 'ws://test/ws/session', store: memoryStore(), createSocket: () => socket, network, timers, random: () => 0.5 });
  const render = () => act(() => root.render(createElement(ExamScreen, { state: c.getState(), controller: c })));
  c.subscribe(() => void render());
  c.start();
  act(() => {
    socket.readyState = 1;
    socket.onopen?.({});
  });
  const push = (m: ServerMessage) => act(() => socket.onmessage?.({ data: JSON.stringify(m) }));
  // Built just before it is sent: its serverTime is the clock offset's first sample (an old one skews the countdowns).
  push(first ?? snapshot());
  render();
  return { c, socket, push };
}

const text = () => container.textContent ?? '';
const byTestId = (id: string) => container.querySelector(`[data-testid="${id}"]`);

describe('the exam screen', () => {
  it('in progress: shows the question and its options; a click answers and is sent to the server', () => {
    const { socket } = exam();
    expect(byTestId('exam-position')?.textContent).toBe('Question 1 of 3');
    expect(byTestId('stem')?.textContent).toBe('Stem of Q1');
    const radios = container.querySelectorAll<HTMLInputElement>('input[type="radio"][name="q-Q1"]');
    expect(radios).toHaveLength(4);
    act(() => radios[1]!.click());
    expect(socket.sent.filter((m) => m.type === 'answer')).toEqual([expect.objectContaining({ itemId: 'Q1', optionId: 'B' })]);
    expect(container.querySelector<HTMLInputElement>('input[value="B"]')!.checked).toBe(true);
    expect(text()).toContain('1 of 3 answered');
  });

  it('pictures: under the stem and in an option, each with its alt text, from the session media route, enlarged in a dialog that Escape closes', () => {
    const snap = snapshot();
    const hash = (c: string) => c.repeat(64);
    snap.items[0] = { ...snap.items[0]!, image: { sha256: hash('a'), alt: 'A pressure gauge reading 90 psi' } };
    snap.items[0]!.options[1] = { ...snap.items[0]!.options[1]!, image: { sha256: hash('b'), alt: 'A gauge face' } };
    exam(snap);
    const stemImg = container.querySelector<HTMLImageElement>('figure.item-image img')!;
    expect(stemImg.getAttribute('alt')).toBe('A pressure gauge reading 90 psi');
    expect(stemImg.getAttribute('src')).toBe(`/api/sessions/${SESSION}/media/${hash('a')}`);
    // The option's picture is part of the option's label, so choosing it by its picture answers it.
    const optionImg = container.querySelector<HTMLImageElement>('label .option-image')!;
    expect(optionImg.getAttribute('alt')).toBe('A gauge face');
    expect(optionImg.closest('label')!.querySelector('input')!.value).toBe('B');
    const enlarge = [...container.querySelectorAll('button')].filter((b) => b.textContent === 'Enlarge').map((b) => b.getAttribute('aria-label'));
    expect(enlarge).toEqual(['Enlarge the picture for this question', 'Enlarge the picture of option B']);

    act(() => container.querySelector<HTMLButtonElement>('button[aria-label="Enlarge the picture of option B"]')!.click());
    const dialog = document.querySelector('[role="dialog"]')!;
    expect(dialog.querySelector('h2')!.textContent).toBe('The picture of option B, enlarged');
    expect(dialog.querySelector('img')!.getAttribute('alt')).toBe('A gauge face');
    act(() => dialog.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true })));
    expect(document.querySelector('[role="dialog"]')).toBeNull();
  });

  it('paused: the question, its options and the review are not in the page, and the clock says it stopped', () => {
    const { push } = exam();
    push({ type: 'paused', reason: 'fire alarm', time: time(29 * 60_000, false) });
    expect(byTestId('paused-panel')).not.toBeNull();
    expect(byTestId('exam-position')?.textContent).toBe('Paused');
    expect(byTestId('stem')).toBeNull();
    expect(container.querySelectorAll('input[type="radio"]')).toHaveLength(0);
    expect(text()).not.toContain('Stem of Q1');
    expect(text()).not.toContain('option A');
    expect(container.querySelector('.countdown')?.getAttribute('aria-label')).toContain('clock stopped');
    expect(byTestId('countdown')?.textContent).toBe('29:00');

    push({ type: 'resumed', time: time(29 * 60_000) });
    expect(byTestId('paused-panel')).toBeNull();
    expect(byTestId('stem')?.textContent).toBe('Stem of Q1');
  });

  it('time warning: the banner says how many minutes are left', () => {
    const { push } = exam();
    expect(byTestId('time-warning')).toBeNull();
    push({ type: 'time-warning', minutesLeft: 5, time: time(5 * 60_000) });
    expect(byTestId('time-warning')?.textContent).toBe('Time warning: 5 minutes left.');
    push({ type: 'time-warning', minutesLeft: 1, time: time(60_000) });
    expect(byTestId('time-warning')?.textContent).toBe('Time warning: 1 minute left.');
    expect(container.querySelector('.countdown')?.className).toContain('low');
  });

  it('ended: no time warning is left on the screen, and the end screen says time is up', () => {
    const { c, push } = exam();
    push({ type: 'time-warning', minutesLeft: 1, time: time(60_000) });
    push({ type: 'ended', reason: 'expired' });
    expect(byTestId('time-warning')).toBeNull();
    const ended = c.getState().ended!;
    act(() => root.render(createElement(Ended, { reason: ended.reason, message: endMessage(ended), notices: [], onShowReport: () => {} })));
    expect(container.querySelector('h1, h2')?.textContent).toBe('Time is up');
    expect(byTestId('end-notice')?.textContent).toBe(TIME_UP_MESSAGE);
    expect(text()).not.toContain('Stem of Q1');
  });

  it('breaks (#17.10): the scheduled break is offered once due, the break screen hides the question, Resume sends break-end', () => {
    const { c, socket, push } = exam();
    push({ ...snapshot(), breaks: { scheduled: [{ afterQuestion: 1, minutes: 10, clock: 'stops' }], taken: 0, current: null, allowedMs: 90 * 60_000 } });
    expect(byTestId('break-offer')).toBeNull(); // on question 1: not due yet
    act(() => c.go(1));
    expect(byTestId('break-offer')?.textContent).toContain('up to 10 minutes; the exam clock stops');
    act(() => [...container.querySelectorAll('button')].find((b) => b.textContent === 'Take the break')!.click());
    const ask = socket.sent.find((m) => m.type === 'break');
    expect(ask).toMatchObject({ type: 'break', kind: 'scheduled' });
    push({ type: 'ack', seq: ask!.seq as number });
    const endsAt = new Date(Date.now() + 10 * 60_000).toISOString();
    push({ type: 'paused', reason: 'break:scheduled:stops', time: time(29 * 60_000, false), break: { kind: 'scheduled', clock: 'stops', endsAt } });
    expect(byTestId('break-offer')).toBeNull(); // taken
    expect(byTestId('paused-panel')?.textContent).toContain('On a break');
    expect(byTestId('stem')).toBeNull();
    expect(document.body.textContent).not.toContain('Stem of Q2');
    expect(document.body.textContent).toContain('You are on a scheduled break.');
    expect(document.querySelector('[data-testid="break-countdown"]')?.textContent).toMatch(/Break ends in (10:01|10:00|09:59)/);
    act(() => [...document.querySelectorAll('button')].find((b) => b.textContent === 'Resume the exam')!.click());
    expect(socket.sent.find((m) => m.type === 'break-end')).toBeDefined();
    push({ type: 'resumed', time: time(29 * 60_000) });
    expect(byTestId('stem')?.textContent).toBe('Stem of Q2');
    expect(c.getState().breaks.taken).toBe(1);
  });

  it('an unscheduled break is confirmed first and says the clock keeps running; a refusal shows the reason', () => {
    const { socket, push } = exam();
    act(() => [...container.querySelectorAll('button')].find((b) => b.textContent === 'Break')!.click());
    expect(document.body.textContent).toContain('the exam clock keeps running');
    act(() => [...document.querySelectorAll('button')].find((b) => b.textContent === 'Start the break')!.click());
    const ask = socket.sent.find((m) => m.type === 'break');
    expect(ask).toMatchObject({ kind: 'unscheduled' });
    push({ type: 'error', seq: ask!.seq as number, code: 'BREAK_REFUSED', message: 'A break is already under way' });
    expect(text()).toContain('A break is already under way');
    push({ type: 'paused', reason: 'break:unscheduled:runs', time: time(29 * 60_000), break: { kind: 'unscheduled', clock: 'runs', endsAt: null } });
    expect(document.querySelector('[data-testid="break-exam-time"]')?.textContent).toMatch(/Exam time left: (29:01|29:00|28:59)/);
    expect(document.querySelector('[data-testid="break-countdown"]')).toBeNull();
  });
});
