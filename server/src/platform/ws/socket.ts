/** The little of a websocket the session gateway needs, so domain-facing code never depends on `ws` itself. */
export interface MinimalSocket {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  readonly readyState: number;
  readonly bufferedAmount: number;
}

export const SOCKET_OPEN = 1;

/**
 * Sends frames in order, in one TCP write where the socket allows it: `ws` writes every frame with its own syscall, and
 * on loopback each costs about 30 µs of the sender's thread (docs/decisions/0013-answer-hot-path.md). Corking the
 * underlying net.Socket (`ws` keeps it as `_socket`, which its own sender corks the same way around each frame) turns
 * several frames into one writev; a socket without one (a test double) sends them one by one.
 */
export function sendFrames(socket: MinimalSocket, frames: readonly string[]): void {
  if (frames.length === 1) return socket.send(frames[0]!);
  const tcp = (socket as { _socket?: { cork?: () => void; uncork?: () => void } })._socket;
  tcp?.cork?.();
  try {
    for (const f of frames) socket.send(f);
  } finally {
    tcp?.uncork?.();
  }
}

/** Close codes live in shared/protocol, where the client reads them too. */
export { CLOSE } from '../../../../shared/protocol/close-codes.ts';
