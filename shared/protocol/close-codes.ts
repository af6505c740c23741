/**
 * Why the server closed a websocket (/ws/session and /ws/proctor alike). 4000-4999 are the application's; the client
 * stops reconnecting on every one of them, because trying again cannot help (docs/protocol.md).
 */
export const CLOSE = {
  /** A newer connection to the same exam session took over (another window or workstation). */
  replaced: 4001,
  /** The exam ended and was scored; nothing more will come. */
  ended: 4002,
  /** Not signed in, not allowed, or the sign-in was revoked or expired. */
  unauthorized: 4003,
  /** The client speaks another protocol version: the page must be reloaded. */
  protocol: 4004,
  /**
   * The sign-in this socket was opened with ended: signed out (here or everywhere), expired, idle too long (staff),
   * password changed elsewhere, account disabled, second factor reset. The client shows the sign-in page.
   */
  signedOut: 4005,
  /** The server is restarting (standard "going away"): reconnect. */
  shutdown: 1001,
  /** The server cannot serve this now (its database is unreachable): reconnect after a backoff (standard 1013). */
  tryAgainLater: 1013,
} as const;

export type CloseCode = (typeof CLOSE)[keyof typeof CLOSE];

/** Close codes from here up are the application's own (the server closed on purpose). */
export const APPLICATION_CLOSE_MIN = 4000;
