/** The little of a websocket the session gateway needs, so domain-facing code never depends on `ws` itself. */
export interface MinimalSocket {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  readonly readyState: number;
  readonly bufferedAmount: number;
}

export const SOCKET_OPEN = 1;

/** Close codes (4000-4999 are the application's). */
export const CLOSE = {
  replaced: 4001,
  ended: 4002,
  unauthorized: 4003,
  protocol: 4004,
  shutdown: 1001,
} as const;
