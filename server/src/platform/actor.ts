import type { Role } from '../../../shared/vocabulary.ts';

/** Who is acting: resolved from the session token on every request and socket, passed to services explicitly. */
export interface Actor {
  userId: string;
  username: string;
  displayName: string;
  role: Role;
  testCenterIds: string[];
}

/** The actor for work the system does on its own (time-up sweeps, start-up loading). */
export const SYSTEM_ACTOR: Actor = { userId: '00000000-0000-0000-0000-000000000000', username: 'system', displayName: 'System', role: 'admin', testCenterIds: [] };
