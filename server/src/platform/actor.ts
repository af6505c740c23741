import type { Role } from '../../../shared/vocabulary.ts';

/** Who is acting: resolved from the session token on every request and socket, passed to services explicitly. */
export interface Actor {
  userId: string;
  username: string;
  displayName: string;
  role: Role;
  testCenterIds: string[];
  /**
   * The session this actor acts through (auth_sessions.id) and when it ends at the latest; absent for the system and
   * the CLI. Sockets close when their token is revoked (bus event {t:'auth',kind:'revoked'}) or expires.
   */
  tokenId?: string | null;
  tokenExpiresAt?: Date | null;
  /** Set while the account must first change its password or enrol a second factor: only those routes are open. */
  pending?: 'change-password' | 'enrol-mfa';
}

/** The actor for work the system does on its own (time-up sweeps, start-up loading). */
export const SYSTEM_ACTOR: Actor = { userId: '00000000-0000-0000-0000-000000000000', username: 'system', displayName: 'System', role: 'admin', testCenterIds: [] };

/**
 * The actor for a user row and its test centers: the one place that decides what an actor carries, whether it was
 * read on its own (accounts) or in the same statement as the token (auth).
 */
export function actorFromUser(u: { id: string; username: string; displayName: string; role: Role; mustChangePassword: boolean }, testCenterIds: string[]): Actor {
  return { userId: u.id, username: u.username, displayName: u.displayName, role: u.role, testCenterIds, ...(u.mustChangePassword ? { pending: 'change-password' as const } : {}) };
}
