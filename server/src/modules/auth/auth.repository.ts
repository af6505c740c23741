import { and, eq, gt, isNull, lt, ne, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { fixedStatement } from '../../db/fixed-statement.ts';
import { authSessions, launchCodes, loginThrottle, mfaFactors, mfaRecoveryCodes, testCenterMembers, users } from '../../db/schema/index.ts';
import type { ThrottleState } from './domain/login-throttle.ts';

export type SessionStage = 'active' | 'mfa';

export async function insertAuthSession(db: Db, s: { tokenHash: string; userId: string; expiresAt: Date; stage?: SessionStage; now: Date }): Promise<string> {
  const [row] = await db
    .insert(authSessions)
    .values({ tokenHash: s.tokenHash, userId: s.userId, expiresAt: s.expiresAt, stage: s.stage ?? 'active', createdAt: s.now, lastSeenAt: s.now })
    .returning({ id: authSessions.id });
  return row!.id;
}

/**
 * Read model: resolving a token reads its user and the user's test centers in the same statement (one round trip,
 * one transaction per authentication instead of three: docs/decisions/0010-start-path-and-shared-form-bytes.md).
 */
export const readModel = { reads: ['users', 'testCenterMembers'] } as const;

/** A live token with its (enabled) user and the user's test centers, in one statement; undefined if any is missing. */
export async function findLiveAuthSessionWithUser(db: Db, tokenHash: string, now: Date) {
  const [row] = await db
    .select({
      id: authSessions.id,
      stage: authSessions.stage,
      expiresAt: authSessions.expiresAt,
      lastSeenAt: authSessions.lastSeenAt,
      user: { id: users.id, username: users.username, displayName: users.displayName, role: users.role, mustChangePassword: users.mustChangePassword },
      testCenterIds: sql<string[]>`coalesce((select json_agg(${testCenterMembers.testCenterId}) from ${testCenterMembers} where ${testCenterMembers.userId} = ${users.id}), '[]'::json)`,
    })
    .from(authSessions)
    .innerJoin(users, eq(users.id, authSessions.userId))
    .where(and(eq(authSessions.tokenHash, tokenHash), gt(authSessions.expiresAt, now), eq(users.disabled, false)))
    .limit(1);
  return row;
}

export async function findLiveAuthSession(db: Db, tokenHash: string, now: Date) {
  const [row] = await db
    .select({ id: authSessions.id, userId: authSessions.userId, stage: authSessions.stage, expiresAt: authSessions.expiresAt, lastSeenAt: authSessions.lastSeenAt })
    .from(authSessions)
    .where(and(eq(authSessions.tokenHash, tokenHash), gt(authSessions.expiresAt, now)))
    .limit(1);
  return row;
}

/**
 * Of the open sockets' token ids, those whose sign-in has ended: no row any more (signed out, revoked), not fully
 * signed in, past its end, or (the staff ids among them) idle since before `staffIdleSince`. Every open socket's token
 * is re-checked every few seconds, and nearly all are fine, so only the ended ones come back: reading all 10,000 live
 * rows of an instance (and dating 20,000 timestamps) every 5 s was the largest periodic stall left at 10,000
 * candidates (#18, docs/performance.md). One array parameter per list, not a placeholder per id.
 */
const endedAuthSessionsStatement = fixedStatement<{ id: string }>(
  'auth_sessions_ended',
  `select t.id from unnest($1::uuid[]) as t(id)
   left join auth_sessions s on s.id = t.id
   where s.id is null or s.stage <> 'active' or s.expires_at <= $2::timestamptz
      or (s.last_seen_at < $4::timestamptz and t.id = any($3::uuid[]))`,
);
export async function endedAuthSessionIds(db: Db, ids: string[], now: Date, staffIds: string[], staffIdleSince: Date): Promise<string[]> {
  if (!ids.length) return [];
  const rows = await endedAuthSessionsStatement(db, [ids, now.toISOString(), staffIds, staffIdleSince.toISOString()]);
  return rows.map((r) => r.id);
}

export async function touchAuthSession(db: Db, id: string, now: Date): Promise<void> {
  await db.update(authSessions).set({ lastSeenAt: now }).where(eq(authSessions.id, id));
}

/** Marks a session in use now, unless it has already ended or gone idle since `idleSince` (a touch never revives one). */
export async function touchLiveAuthSession(db: Db, id: string, now: Date, idleSince: Date): Promise<void> {
  await db
    .update(authSessions)
    .set({ lastSeenAt: now })
    .where(and(eq(authSessions.id, id), gt(authSessions.lastSeenAt, idleSince), gt(authSessions.expiresAt, now)));
}

/** Deletes one session; returns its id and user when it existed. */
export async function deleteAuthSession(db: Db, tokenHash: string) {
  const [row] = await db.delete(authSessions).where(eq(authSessions.tokenHash, tokenHash)).returning({ id: authSessions.id, userId: authSessions.userId });
  return row;
}

export async function deleteAuthSessionById(db: Db, id: string): Promise<void> {
  await db.delete(authSessions).where(eq(authSessions.id, id));
}

/** Deletes every session of a user except `keepId`; returns the ids it ended. */
export async function deleteUserSessions(db: Db, userId: string, keepId: string | null = null): Promise<string[]> {
  const rows = await db
    .delete(authSessions)
    .where(keepId ? and(eq(authSessions.userId, userId), ne(authSessions.id, keepId)) : eq(authSessions.userId, userId))
    .returning({ id: authSessions.id });
  return rows.map((r) => r.id);
}

export async function deleteExpiredAuthSessions(db: Db, now: Date): Promise<void> {
  await db.delete(authSessions).where(lt(authSessions.expiresAt, now));
}

export async function countUserSessions(db: Db, userId: string): Promise<number> {
  const rows = await db.select({ id: authSessions.id }).from(authSessions).where(and(eq(authSessions.userId, userId), eq(authSessions.stage, 'active')));
  return rows.length;
}

// ---- throttling ----

/** Locks the counter row of a scope for this transaction, creating it first when it does not exist. */
export async function lockThrottle(db: Db, scope: string, now: Date): Promise<ThrottleState> {
  await db.insert(loginThrottle).values({ scope, failures: 0, windowStartedAt: now, lockedUntil: null, updatedAt: now }).onConflictDoNothing();
  const [row] = await db
    .select({ failures: loginThrottle.failures, windowStartedAt: loginThrottle.windowStartedAt, lockedUntil: loginThrottle.lockedUntil })
    .from(loginThrottle)
    .where(eq(loginThrottle.scope, scope))
    .for('update');
  return row!;
}

export async function putThrottle(db: Db, scope: string, state: ThrottleState, now: Date): Promise<void> {
  await db.update(loginThrottle).set({ ...state, updatedAt: now }).where(eq(loginThrottle.scope, scope));
}

export async function clearThrottle(db: Db, scope: string): Promise<void> {
  await db.delete(loginThrottle).where(eq(loginThrottle.scope, scope));
}

// ---- launch codes ----

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

// ---- second factor ----

export async function findFactor(db: Db, userId: string) {
  const [row] = await db
    .select({ secretEnc: mfaFactors.secretEnc, enabledAt: mfaFactors.enabledAt, lastStep: mfaFactors.lastStep })
    .from(mfaFactors)
    .where(eq(mfaFactors.userId, userId))
    .limit(1);
  return row;
}

export async function putPendingFactor(db: Db, userId: string, secretEnc: string, now: Date): Promise<void> {
  await db.delete(mfaRecoveryCodes).where(eq(mfaRecoveryCodes.userId, userId));
  await db
    .insert(mfaFactors)
    .values({ userId, secretEnc, enabledAt: null, lastStep: null, createdAt: now })
    .onConflictDoUpdate({ target: mfaFactors.userId, set: { secretEnc, enabledAt: null, lastStep: null, createdAt: now } });
}

/** Records an accepted step, only if it is newer than the last one (two parallel uses of one code: one wins). */
export async function acceptStep(db: Db, userId: string, step: number, enable: Date | null): Promise<boolean> {
  const rows = await db
    .update(mfaFactors)
    .set(enable ? { lastStep: step, enabledAt: enable } : { lastStep: step })
    .where(and(eq(mfaFactors.userId, userId), or(isNull(mfaFactors.lastStep), lt(mfaFactors.lastStep, step))))
    .returning({ lastStep: mfaFactors.lastStep });
  return rows.length === 1;
}

export async function deleteFactor(db: Db, userId: string): Promise<boolean> {
  await db.delete(mfaRecoveryCodes).where(eq(mfaRecoveryCodes.userId, userId));
  const rows = await db.delete(mfaFactors).where(eq(mfaFactors.userId, userId)).returning({ userId: mfaFactors.userId });
  return rows.length === 1;
}

export async function insertRecoveryCodes(db: Db, userId: string, hashes: string[]): Promise<void> {
  await db.delete(mfaRecoveryCodes).where(eq(mfaRecoveryCodes.userId, userId));
  await db.insert(mfaRecoveryCodes).values(hashes.map((codeHash) => ({ userId, codeHash })));
}

/** Uses up a recovery code; false when it is not (or no longer) one of the user's. */
export async function consumeRecoveryCode(db: Db, userId: string, codeHash: string): Promise<boolean> {
  const rows = await db
    .delete(mfaRecoveryCodes)
    .where(and(eq(mfaRecoveryCodes.userId, userId), eq(mfaRecoveryCodes.codeHash, codeHash)))
    .returning({ userId: mfaRecoveryCodes.userId });
  return rows.length === 1;
}

export async function countRecoveryCodes(db: Db, userId: string): Promise<number> {
  return (await db.select({ h: mfaRecoveryCodes.codeHash }).from(mfaRecoveryCodes).where(eq(mfaRecoveryCodes.userId, userId))).length;
}
