/** The little of a websocket the session gateway needs, so domain-facing code never depends on `ws` itself. */
export interface MinimalSocket {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  readonly readyState: number;
  readonly bufferedAmount: number;
}

export const SOCKET_OPEN = 1;

/** Close codes live in shared/protocol, where the client reads them too. */
export { CLOSE } from '../../../../shared/protocol/close-codes.ts';
