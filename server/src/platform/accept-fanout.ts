/**
 * Accepting connections while the event loop is busy (#18, docs/decisions/0014-accept-fanout.md).
 *
 * Since libuv 1.45 (Node 20 ships 1.46) a listening socket accepts ONE connection per event-loop turn (libuv PR #3696:
 * level-triggered polling brings the next one on the next turn). Under a start storm a turn of this server takes
 * 5–10 ms, so it accepted 100–200 connections a second however many were waiting: 5,000 candidates pressing Start at
 * once filled the kernel's accept queue (4,096) for 45 s, and every overflow cost its client a SYN retry of 1–16 s.
 *
 * The fix stays inside one process: the same listening socket is watched through several file descriptors. A file
 * descriptor sent over a Unix socket arrives as a new descriptor for the same socket, so the listening server's handle
 * is sent to a short-lived child process and back (Node's IPC does the SCM_RIGHTS passing) `listeners - 1` times. Each
 * copy is its own libuv handle, so each takes its own connection per turn; every connection it accepts is handed to
 * the real server exactly as if that server had accepted it (same 'connection' event, counted in its connections so
 * that `close()` still waits for them). Node ≥ 22.12 could open several `reusePort` listeners instead; Node 20 cannot.
 */
import { spawn } from 'node:child_process';
import type net from 'node:net';

/**
 * What the echo child runs: send every listening handle straight back and close its own copy once sent. A connection a
 * copy accepts while it is here goes back too, never dropped. IPC keeps messages in order, so when 'done' (sent after
 * the last copy is closed) arrives, every connection the child accepted has arrived before it.
 */
const ECHO_CHILD = `
let pending = 0;
let last = false;
process.on('message', (m, handle) => {
  if (!handle) return;
  pending++;
  if (m && m.last) last = true;
  // Not a byte is read here: a request read by this process would be lost to the server.
  handle.pauseOnConnect = true;
  handle.on('connection', (s) => process.send({ kind: 'accepted' }, s));
  process.send({ kind: 'copy' }, handle, () => {
    handle.close();
    if (--pending === 0 && last) process.send({ kind: 'done' });
  });
});
process.on('disconnect', () => process.exit(0));
`;

/** The accepting server's settings net.Server applies to each socket it accepts (its onconnection reads them). */
const SOCKET_OPTIONS = ['allowHalfOpen', 'pauseOnConnect', 'noDelay', 'keepAlive', 'keepAliveInitialDelay', 'highWaterMark'] as const;

/** Node's own connection counter on a server (net.Server keeps it as `_connections`; close() waits for it to reach 0). */
interface CountedServer {
  _connections: number;
  _handle?: { listen?: (backlog: number) => number } | null;
}
interface OwnedSocket {
  server?: net.Server;
  _server?: net.Server | null;
}

export interface AcceptFanout {
  /** Listening copies of the socket besides the server's own. */
  readonly copies: number;
  /** Stops the copies accepting (before the server itself closes). */
  close(): void;
}

export async function fanOutAccept(server: net.Server, opts: { listeners: number; backlog: number; timeoutMs?: number; warn?: (msg: string) => void }): Promise<AcceptFanout> {
  const copies: net.Server[] = [];
  const none: AcceptFanout = { copies: 0, close: () => {} };
  if (opts.listeners <= 1) return none;

  /** Serves `socket` by `server`, as if `server` had accepted it; `from` gives up counting it. */
  const handOver = (socket: net.Socket, from: net.Server | null) => {
    if (from) (from as unknown as CountedServer)._connections--;
    (socket as unknown as OwnedSocket).server = server;
    (socket as unknown as OwnedSocket)._server = server;
    (server as unknown as CountedServer)._connections++;
    server.emit('connection', socket);
  };

  const child = spawn(process.execPath, ['-e', ECHO_CHILD], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], env: {} });
  const wanted = opts.listeners - 1;
  const done = new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      opts.warn?.(`accept fan-out: ${copies.length} of ${wanted} listening copies after ${opts.timeoutMs ?? 5000} ms; continuing with those`);
      resolve();
    }, opts.timeoutMs ?? 5000);
    child.on('message', (m: { kind?: string }, handle: net.Server | net.Socket | undefined) => {
      if (m.kind === 'done') {
        clearTimeout(timer);
        return resolve();
      }
      if (!handle) return;
      if (m.kind === 'accepted') return handOver(handle as net.Socket, null);
      const copy = handle as net.Server;
      // A socket takes these from the server that accepted it: the copy must hand out sockets as the HTTP server would
      // (Node's HTTP server turns Nagle off and keeps half-open connections open for the response).
      for (const k of SOCKET_OPTIONS) (copy as unknown as Record<string, unknown>)[k] = (server as unknown as Record<string, unknown>)[k];
      copy.on('connection', (s: net.Socket) => handOver(s, copy));
      copy.on('error', (e) => opts.warn?.(`accept fan-out: a listening copy failed: ${e.message}`));
      copies.push(copy);
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      opts.warn?.(`accept fan-out: could not start its helper process (${e.message}); accepting through one listener`);
      resolve();
    });
    child.on('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  for (let i = 0; i < wanted; i++) child.send({ last: i === wanted - 1 }, server);
  await done;
  if (child.connected) child.disconnect();
  // After 'done' its copies are closed; after a timeout they must not go on accepting for a process nobody reads.
  if (child.exitCode === null) child.kill();
  // Each copy's listen() in the child and here set the socket's backlog to Node's default (511); the queue is one and
  // the same, so the configured length is set again on it.
  (server as unknown as CountedServer)._handle?.listen?.(opts.backlog);
  return {
    copies: copies.length,
    close() {
      for (const c of copies) c.close();
      copies.length = 0;
    },
  };
}
