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
