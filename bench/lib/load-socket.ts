/**
 * What the load generators of bench/sessions and bench/proctoring share: a websocket per simulated person with its
 * open/closing state, the REST call that starts a session, the wait for a snapshot with items, and a clean close.
 * Every wait is bounded by a deadline.
 */
import http from 'node:http';
import WebSocket from 'ws';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const rand = (a: number, b: number) => a + Math.random() * (b - a);

/** One person's socket and whether it is open, and whether we are closing it on purpose. */
export interface SocketSeat {
  ws: WebSocket | null;
  open: boolean;
  closing: boolean;
}

/** Counts of what went wrong, by kind ("ws-closed:1006", "server:ended", ...). */
export function errorCounter() {
  const errors: Record<string, number> = {};
  return { errors, count: (k: string) => void (errors[k] = (errors[k] ?? 0) + 1) };
}

/** POST with a bearer token and no body; resolves the status code, or the error code when there was no response. */
export function postBearer(url: string, token: string, timeoutMs: number): Promise<number | string> {
  return new Promise((resolve) => {
    const req = http.request(url, { method: 'POST', agent: false, headers: { authorization: `Bearer ${token}`, 'content-length': '0' }, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', (e) => resolve((e as NodeJS.ErrnoException).code ?? 'response-error'));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', (e) => resolve((e as NodeJS.ErrnoException).code ?? e.message.slice(0, 40)));
    req.end();
  });
}

/**
 * Opens `seat`'s socket to `url` (ws://…/ws/session or /ws/proctor) with the token; resolves true once open, false on
 * an error or close first. Errors and unexpected closes are counted.
 */
export function openSeat(seat: SocketSeat, url: string, token: string, timeoutMs: number, onMessage: (data: WebSocket.RawData) => void, countError: (k: string) => void): Promise<boolean> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${token}` }, perMessageDeflate: false, handshakeTimeout: timeoutMs });
    seat.ws = ws;
    let settled = false;
    const settle = (v: boolean) => {
      if (!settled) {
        settled = true;
        resolve(v);
      }
    };
    ws.on('open', () => {
      seat.open = true;
      settle(true);
    });
    ws.on('message', onMessage);
    ws.on('error', (e) => {
      countError(`ws-error:${(e as NodeJS.ErrnoException).code ?? e.message.slice(0, 40)}`);
      settle(false);
    });
    ws.on('close', (code) => {
      seat.open = false;
      if (!seat.closing) countError(`ws-closed:${code}`);
      settle(false);
    });
  });
}

/** Resolves true when the candidate's first snapshot with items arrives (the message handler calls onItems), false at the deadline (wall clock). */
export function itemsArrive(c: { items: unknown; onItems: (() => void) | null }, deadlineWall: number): Promise<boolean> {
  if (c.items) return Promise.resolve(true);
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => {
      c.onItems = null;
      resolve(false);
    }, Math.max(1, deadlineWall - Date.now()));
    c.onItems = () => {
      clearTimeout(timer);
      c.onItems = null;
      resolve(true);
    };
  });
}

/** Closes every seat with 1000 and waits up to `limitMs` for the closes, then cuts the rest; how many closed cleanly. */
export async function closeSeats(seats: SocketSeat[], limitMs: number): Promise<number> {
  for (const s of seats) {
    s.closing = true;
    if (s.ws && s.ws.readyState === WebSocket.OPEN) s.ws.close(1000, 'bench done');
  }
  const until = performance.now() + limitMs;
  while (performance.now() < until && seats.some((s) => s.open)) await sleep(50);
  for (const s of seats) if (s.open) s.ws?.terminate();
  return seats.filter((s) => !s.open).length;
}
