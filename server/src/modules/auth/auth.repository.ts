import { and, eq, gt, isNull, lt } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { authSessions, launchCodes, loginThrottle } from '../../db/schema/index.ts';
import type { ThrottleState } from './domain/login-throttle.ts';

export async function insertAuthSession(db: Db, s: { tokenHash: string; userId: string; expiresAt: Date }): Promise<void> {
  await db.insert(authSessions).values(s);
}

export async function findLiveAuthSession(db: Db, tokenHash: string, now: Date) {
  const [row] = await db
    .select({ userId: authSessions.userId, expiresAt: authSessions.expiresAt })
    .from(authSessions)
    .where(and(eq(authSessions.tokenHash, tokenHash), gt(authSessions.expiresAt, now)))
    .limit(1);
  return row;
}

export async function deleteAuthSession(db: Db, tokenHash: string): Promise<void> {
  await db.delete(authSessions).where(eq(authSessions.tokenHash, tokenHash));
}

export async function deleteExpiredAuthSessions(db: Db, now: Date): Promise<void> {
  await db.delete(authSessions).where(lt(authSessions.expiresAt, now));
}

export async function getThrottle(db: Db, scope: string): Promise<ThrottleState | undefined> {
  const [row] = await db
    .select({ failures: loginThrottle.failures, windowStartedAt: loginThrottle.windowStartedAt, lockedUntil: loginThrottle.lockedUntil })
    .from(loginThrottle)
    .where(eq(loginThrottle.scope, scope))
    .for('update');
  return row;
}

export async function putThrottle(db: Db, scope: string, state: ThrottleState, now: Date): Promise<void> {
  await db
    .insert(loginThrottle)
    .values({ scope, ...state, updatedAt: now })
    .onConflictDoUpdate({ target: loginThrottle.scope, set: { ...state, updatedAt: now } });
}

export async function clearThrottle(db: Db, scope: string): Promise<void> {
  await db.delete(loginThrottle).where(eq(loginThrottle.scope, scope));
}

export async function insertLaunchCode(db: Db, c: { codeHash: string; candidateId: string; sessionId: string; expiresAt: Date }): Promise<void> {
  // A new ticket replaces any unused earlier one for the same session.
  await db.delete(launchCodes).where(and(eq(launchCodes.sessionId, c.sessionId), isNull(launchCodes.usedAt)));
  await db.insert(launchCodes).values(c);
}

/** Marks a live code used and returns whose it was; a used, expired or unknown code returns undefined. */
export async function redeemLaunchCode(db: Db, codeHash: string, now: Date) {
  const [row] = await db
    .update(launchCodes)
    .set({ usedAt: now })
    .where(and(eq(launchCodes.codeHash, codeHash), isNull(launchCodes.usedAt), gt(launchCodes.expiresAt, now)))
    .returning({ candidateId: launchCodes.candidateId, sessionId: launchCodes.sessionId });
  return row;
}
