/**
 * Sign-in, sessions, second factor and the account lifecycle (password change, disable/enable). Tokens are opaque
 * random strings; only an HMAC of each is stored, so a leaked database cannot be turned into working cookies without
 * the server's TOKEN_SECRET. The auth_sessions table is the revocation list: a token is good only while its row lives,
 * and every revocation is published on the cross-instance bus ({t:'auth',kind:'revoked'}) so open sockets close too.
 * docs/security.md describes each control.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Db } from '../../db/client.ts';
import { notify } from '../../db/notify.ts';
import { actorFromUser, type Actor } from '../../platform/actor.ts';
import { isStaff } from '../../platform/authz.ts';
import type { Clock } from '../../platform/clock.ts';
import { AppError, forbidden, notFound, validationFailed } from '../../platform/errors.ts';
import { dummyHash, hashPassword, verifyPassword } from '../../platform/password-hasher.ts';
import { assertPasswordPolicy, type AccountsService } from '../accounts/accounts.service.ts';
import type { AuditService } from '../audit/audit.service.ts';
import * as repo from './auth.repository.ts';
import { ACCOUNT_POLICY, ADDRESS_POLICY, checkThrottle, MFA_POLICY, recordFailure, refundAttempt, type ThrottlePolicy } from './domain/login-throttle.ts';
import { acceptTotp, decryptSecret, encryptSecret, hashRecoveryCode, newRecoveryCodes, newTotpSecret, otpauthUrl } from './totp.ts';

export interface AuthDeps {
  db: Db;
  clock: Clock;
  tokenSecret: string;
  /** Candidates' session lifetime (an exam day). */
  sessionTtlMs: number;
  /** Staff sessions: idle timeout and absolute lifetime. */
  staffSession: { idleMs: number; absoluteMs: number };
  /** Staff roles that must enrol a second factor before doing anything else. */
  mfaRequiredRoles: readonly string[];
  accounts: Pick<AccountsService, 'findUserByUsername' | 'findUserById' | 'actorFor' | 'setPassword' | 'setDisabled'>;
  audit: Pick<AuditService, 'record'>;
}

const INVALID = 'The username or password is not correct';
/** No 0/O, 1/I/L: codes are read off paper and typed by candidates. */
const LAUNCH_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
/** A password-only session waiting for its second factor lives this long. */
const MFA_PENDING_MS = 5 * 60_000;
/** Staff sessions record activity at most this often (one write per half minute, not per request). */
const TOUCH_EVERY_MS = 30_000;

export type SignInNext = 'mfa' | 'change-password' | 'enrol-mfa' | null;

export function createAuthService(deps: AuthDeps) {
  const { db, clock } = deps;
  const hashToken = (token: string) => createHmac('sha256', deps.tokenSecret).update(token).digest('base64url');
  const newToken = () => randomBytes(32).toString('base64url');

  /** Tells every instance that a token (or, with null, all of a user's tokens) is revoked; sent at commit. */
  const publishRevoked = (tx: Db, userId: string, tokenId: string | null) => notify(tx, { t: 'auth', kind: 'revoked', userId, tokenId });

  /**
   * Counts one attempt against each scope before anything is checked, atomically (the counter row is locked), so N
   * parallel guesses get at most the policy's allowance of checks. Returns the longest wait when a scope is locked
   * (then nothing is counted).
   */
  async function reserve(scopes: Array<[string, ThrottlePolicy]>): Promise<number> {
    return db.transaction(async (tx) => {
      const now = clock.now();
      const states = [];
      let wait = 0;
      for (const [scope, policy] of scopes) {
        const state = await repo.lockThrottle(tx, scope, now);
        const check = checkThrottle(state, now);
        if (!check.allowed) wait = Math.max(wait, check.retryAfterMs);
        states.push({ scope, policy, state });
      }
      if (wait > 0) return wait;
      for (const { scope, policy, state } of states) await repo.putThrottle(tx, scope, recordFailure(state, now, policy), now);
      return 0;
    });
  }

  /** Gives back an attempt that succeeded (a test center's shared address is not charged for good sign-ins). */
  async function refund(scope: string) {
    await db.transaction(async (tx) => {
      const now = clock.now();
      await repo.putThrottle(tx, scope, refundAttempt(await repo.lockThrottle(tx, scope, now)), now);
    });
  }

  function rateLimited(waitMs: number, what = 'failed sign-in attempts'): AppError {
    const seconds = Math.ceil(waitMs / 1000);
    return new AppError('RATE_LIMITED', `Too many ${what}. Try again in ${seconds} seconds.`, { details: { retryAfterSeconds: seconds } });
  }

  async function startSession(tx: Db, user: { id: string; role: Actor['role'] }, stage: repo.SessionStage) {
    const now = clock.now();
    const ttl = stage === 'mfa' ? MFA_PENDING_MS : isStaff(user.role) ? deps.staffSession.absoluteMs : deps.sessionTtlMs;
    const token = newToken();
    const expiresAt = new Date(now.getTime() + ttl);
    const tokenId = await repo.insertAuthSession(tx, { tokenHash: hashToken(token), userId: user.id, expiresAt, stage, now });
    return { token, tokenId, expiresAt };
  }

  async function mfaEnabled(userId: string): Promise<boolean> {
    return !!(await repo.findFactor(db, userId))?.enabledAt;
  }

  /** What the actor must do before anything else (forced password change, forced second-factor enrolment). */
  async function pendingOf(actor: Actor): Promise<Actor['pending']> {
    if (actor.pending) return actor.pending;
    if (deps.mfaRequiredRoles.includes(actor.role) && !(await mfaEnabled(actor.userId))) return 'enrol-mfa';
    return undefined;
  }

  /** A live, fully signed-in token of an enabled user, with the user's actor: one statement. */
  async function resolve(tx: Db, token: string, now: Date) {
    const row = await repo.findLiveAuthSessionWithUser(tx, hashToken(token), now);
    if (!row || row.stage !== 'active') return undefined;
    return { session: row, actor: actorFromUser(row.user, row.testCenterIds) };
  }

  async function withSession(actor: Actor, tokenId: string, expiresAt: Date): Promise<Actor> {
    const pending = await pendingOf(actor);
    return { ...actor, tokenId, tokenExpiresAt: expiresAt, ...(pending ? { pending } : {}) };
  }

  /** Ends every session of a user (or all but one) and tells the sockets. */
  async function revokeSessions(tx: Db, userId: string, keepId: string | null) {
    const ended = await repo.deleteUserSessions(tx, userId, keepId);
    if (keepId === null) await publishRevoked(tx, userId, null);
    else for (const id of ended) await publishRevoked(tx, userId, id);
    return ended.length;
  }

  return {
    /**
     * Password sign-in. Returns a full session, or (staff with a second factor) a short password-only session that can
     * do nothing but present the code: `next` says which.
     */
    async login(input: { username: string; password: string; address: string }) {
      const userScope = `user:${input.username.toLowerCase()}`;
      const addrScope = `addr:${input.address}`;
      const wait = await reserve([
        [userScope, ACCOUNT_POLICY],
        [addrScope, ADDRESS_POLICY],
      ]);
      if (wait > 0) {
        await deps.audit.record(null, { action: 'auth.login-throttled', subjectType: 'username', subjectId: input.username.slice(0, 200), details: { address: input.address, retryAfterMs: wait } });
        throw rateLimited(wait);
      }
      const user = await deps.accounts.findUserByUsername(input.username);
      // Verify against a dummy hash for unknown users so the response time does not reveal which names exist.
      const ok = await verifyPassword(input.password, user?.passwordHash ?? (await dummyHash()));
      if (!user || !ok || user.disabled) {
        await deps.audit.record(null, {
          action: 'auth.login-failed',
          subjectType: user ? 'user' : 'username',
          subjectId: user?.id ?? input.username.slice(0, 200),
          details: { address: input.address, reason: !user ? 'unknown user' : !ok ? 'wrong password' : 'account disabled' },
        });
        throw new AppError('UNAUTHENTICATED', INVALID);
      }
      await repo.clearThrottle(db, userScope);
      await refund(addrScope);
      const base = (await deps.accounts.actorFor(user.id))!;
      const stage: repo.SessionStage = isStaff(user.role) && (await mfaEnabled(user.id)) ? 'mfa' : 'active';
      const session = await db.transaction(async (tx) => {
        const s = await startSession(tx, user, stage);
        await deps.audit.record(base, { action: stage === 'mfa' ? 'auth.password-verified' : 'auth.login', subjectType: 'user', subjectId: user.id, details: { address: input.address, sessionId: s.tokenId } }, tx);
        return s;
      });
      const actor = await withSession(base, session.tokenId, session.expiresAt);
      const next: SignInNext = stage === 'mfa' ? 'mfa' : (actor.pending ?? null);
      return { token: session.token, expiresAt: session.expiresAt, actor, next };
    },

    /**
     * Second step of a staff sign-in: a TOTP code or a recovery code for the password-only session `token`. The
     * password-only session is replaced by a new full one (a new token: no session fixation across the step).
     */
    async verifySecondFactor(input: { token: string; code: string; address: string }) {
      const pending = await repo.findLiveAuthSession(db, hashToken(input.token), clock.now());
      if (!pending || pending.stage !== 'mfa') throw new AppError('UNAUTHENTICATED', 'Sign in with your password first; the code step expires after 5 minutes');
      const scope = `mfa:${pending.userId}`;
      const wait = await reserve([[scope, MFA_POLICY]]);
      const user = await deps.accounts.findUserById(pending.userId);
      const base = user && !user.disabled ? await deps.accounts.actorFor(user.id) : undefined;
      if (!user || !base) throw new AppError('UNAUTHENTICATED', INVALID);
      if (wait > 0) {
        await deps.audit.record(base, { action: 'auth.mfa-throttled', subjectType: 'user', subjectId: user.id, details: { address: input.address } });
        throw rateLimited(wait, 'second-factor attempts');
      }
      const factor = await repo.findFactor(db, user.id);
      if (!factor?.enabledAt) throw new AppError('UNAUTHENTICATED', 'This account has no second factor; sign in again');
      const now = clock.now();
      const code = input.code.trim();
      let method: 'totp' | 'recovery-code' | null = null;
      const step = acceptTotp(decryptSecret(deps.tokenSecret, factor.secretEnc), code, now, factor.lastStep);
      if (step !== null && (await repo.acceptStep(db, user.id, step, null))) method = 'totp';
      else if (step === null && !/^\d{6}$/.test(code) && (await repo.consumeRecoveryCode(db, user.id, hashRecoveryCode(deps.tokenSecret, code)))) method = 'recovery-code';
      if (!method) {
        await deps.audit.record(base, { action: 'auth.mfa-failed', subjectType: 'user', subjectId: user.id, details: { address: input.address } });
        throw new AppError('UNAUTHENTICATED', 'That code is not correct (or was already used). Enter the current 6-digit code from your authenticator app, or a recovery code.');
      }
      await repo.clearThrottle(db, scope);
      const session = await db.transaction(async (tx) => {
        await repo.deleteAuthSessionById(tx, pending.id);
        const s = await startSession(tx, user, 'active');
        await deps.audit.record(base, { action: 'auth.login', subjectType: 'user', subjectId: user.id, details: { address: input.address, sessionId: s.tokenId, secondFactor: method } }, tx);
        if (method === 'recovery-code') await deps.audit.record(base, { action: 'auth.mfa-recovery-code-used', subjectType: 'user', subjectId: user.id, details: { remaining: await repo.countRecoveryCodes(tx, user.id) } }, tx);
        return s;
      });
      const actor = await withSession(base, session.tokenId, session.expiresAt);
      return { token: session.token, expiresAt: session.expiresAt, actor, next: (actor.pending ?? null) as SignInNext };
    },

    /**
     * Issues a one-time launch code for a candidate's session (printed on the admission ticket). Codes use an
     * unambiguous alphabet and are valid until `expiresAt`; only their keyed hash is stored.
     */
    async issueLaunchCode(tx: Db, input: { candidateId: string; sessionId: string; expiresAt: Date }): Promise<string> {
      const bytes = randomBytes(10);
      const code = Array.from(bytes, (b) => LAUNCH_ALPHABET[b % LAUNCH_ALPHABET.length]).join('');
      await repo.insertLaunchCode(tx, { codeHash: hashToken(`launch:${code}`), ...input });
      return `${code.slice(0, 5)}-${code.slice(5)}`;
    },

    /** Signs a candidate in with a launch code (once); every attempt is counted per address before the code is looked up. */
    async loginWithLaunchCode(input: { code: string; address: string }) {
      const addrScope = `launch:${input.address}`;
      const wait = await reserve([[addrScope, ADDRESS_POLICY]]);
      if (wait > 0) {
        await deps.audit.record(null, { action: 'auth.launch-code-throttled', subjectType: 'address', subjectId: input.address, details: { retryAfterMs: wait } });
        throw rateLimited(wait);
      }
      const normalized = input.code.toUpperCase().replace(/[^0-9A-Z]/g, '');
      const hit = normalized.length === 10 ? await repo.redeemLaunchCode(db, hashToken(`launch:${normalized}`), clock.now()) : undefined;
      if (!hit) {
        await deps.audit.record(null, { action: 'auth.launch-code-failed', subjectType: 'address', subjectId: input.address, details: {} });
        throw new AppError('UNAUTHENTICATED', 'That launch code is not valid. Check the code on your admission ticket, or ask the proctor for a new one.');
      }
      await refund(addrScope);
      const base = await deps.accounts.actorFor(hit.candidateId);
      if (!base) throw new AppError('UNAUTHENTICATED', 'This account is disabled');
      const session = await db.transaction(async (tx) => {
        const s = await startSession(tx, { id: base.userId, role: base.role }, 'active');
        await deps.audit.record(base, { action: 'auth.login', subjectType: 'user', subjectId: base.userId, details: { address: input.address, sessionId: s.tokenId, method: 'launch-code', examSessionId: hit.sessionId } }, tx);
        return s;
      });
      // A launch code proves possession of the ticket: no password to change first.
      const actor: Actor = { ...base, pending: undefined, tokenId: session.tokenId, tokenExpiresAt: session.expiresAt };
      delete actor.pending;
      return { token: session.token, expiresAt: session.expiresAt, actor, sessionId: hit.sessionId };
    },

    /** Ends this session (any stage) and closes its sockets. */
    async logout(token: string) {
      await db.transaction(async (tx) => {
        const row = await repo.deleteAuthSession(tx, hashToken(token));
        if (!row) return;
        await publishRevoked(tx, row.userId, row.id);
        await deps.audit.record(null, { action: 'auth.logout', subjectType: 'user', subjectId: row.userId, details: { sessionId: row.id } }, tx);
      });
    },

    /** Ends every session of the caller, on every device. */
    async logoutEverywhere(actor: Actor) {
      return db.transaction(async (tx) => {
        const ended = await revokeSessions(tx, actor.userId, null);
        await deps.audit.record(actor, { action: 'auth.logout-everywhere', subjectType: 'user', subjectId: actor.userId, details: { sessionsEnded: ended } }, tx);
        return ended;
      });
    },

    /**
     * Resolves a token to the acting user, or undefined when it is unknown, expired, idle too long (staff), only
     * half-signed-in (second factor outstanding), or the user is disabled.
     */
    async authenticate(token: string): Promise<Actor | undefined> {
      const now = clock.now();
      const found = await resolve(db, token, now);
      if (!found) return undefined;
      const { session, actor } = found;
      if (isStaff(actor.role)) {
        const idle = now.getTime() - session.lastSeenAt.getTime();
        if (idle > deps.staffSession.idleMs) {
          await db.transaction(async (tx) => {
            await repo.deleteAuthSessionById(tx, session.id);
            await publishRevoked(tx, actor.userId, session.id);
            await deps.audit.record(actor, { action: 'auth.session-idle-timeout', subjectType: 'user', subjectId: actor.userId, details: { sessionId: session.id, idleMinutes: Math.floor(idle / 60_000) } }, tx);
          });
          return undefined;
        }
        if (idle > TOUCH_EVERY_MS) await repo.touchAuthSession(db, session.id, now);
      }
      return withSession(actor, session.id, session.expiresAt);
    },

    /**
     * The same check as `authenticate`, in the caller's transaction and without side effects: the exam socket
     * authenticates once, in the transaction that records its hello (sessions.service.ts `connect`). A staff token idle
     * past the timeout is simply refused here (the next HTTP request ends it).
     */
    async authenticateIn(tx: Db, token: string): Promise<Actor | undefined> {
      const now = clock.now();
      const found = await resolve(tx, token, now);
      if (!found) return undefined;
      if (isStaff(found.actor.role) && now.getTime() - found.session.lastSeenAt.getTime() > deps.staffSession.idleMs) return undefined;
      return withSession(found.actor, found.session.id, found.session.expiresAt);
    },

    /** Records that a token is in use now (an open proctor console's keep-alive; see platform/ws/token-watch.ts). */
    touchToken(tokenId: string) {
      const now = clock.now();
      return repo.touchLiveAuthSession(db, tokenId, now, new Date(now.getTime() - deps.staffSession.idleMs));
    },

    /**
     * Of the given open sockets' tokens, those no longer good now: the row is gone (revoked), not fully signed in,
     * reached its end, or (staff) idle past the timeout. The websocket token watch calls this periodically so a socket
     * also closes on expiry, and on any revocation whose bus event it missed.
     */
    async endedTokenIds(tokens: ReadonlyArray<{ tokenId: string; staff: boolean }>): Promise<Set<string>> {
      const now = clock.now();
      const staff = tokens.filter((t) => t.staff).map((t) => t.tokenId);
      const ended = await repo.endedAuthSessionIds(db, tokens.map((t) => t.tokenId), now, staff, new Date(now.getTime() - deps.staffSession.idleMs));
      return new Set(ended);
    },

    /**
     * Changes the caller's own password: the current one must be given, the new one must meet the policy, and every
     * other session of the account ends (this one stays signed in).
     */
    async changePassword(actor: Actor, input: { currentPassword: string; newPassword: string; address: string }) {
      const user = await deps.accounts.findUserById(actor.userId);
      if (!user) throw notFound('user');
      const scope = `user:${user.username.toLowerCase()}`;
      const wait = await reserve([[scope, ACCOUNT_POLICY]]);
      if (wait > 0) throw rateLimited(wait, 'password attempts');
      if (!(await verifyPassword(input.currentPassword, user.passwordHash))) {
        await deps.audit.record(actor, { action: 'auth.password-change-failed', subjectType: 'user', subjectId: user.id, details: { address: input.address } });
        throw validationFailed('The current password is not correct', [{ pointer: '/currentPassword', message: 'is not correct' }]);
      }
      await repo.clearThrottle(db, scope);
      if (input.newPassword === input.currentPassword) throw validationFailed('The new password must differ from the current one', [{ pointer: '/newPassword', message: 'is the same as the current password' }]);
      assertPasswordPolicy(input.newPassword, user);
      const hash = await hashPassword(input.newPassword);
      return db.transaction(async (tx) => {
        await deps.accounts.setPassword(actor, user.id, hash, { mustChangePassword: false, tx });
        const ended = await revokeSessions(tx, user.id, actor.tokenId ?? null);
        await deps.audit.record(actor, { action: 'auth.password-changed', subjectType: 'user', subjectId: user.id, details: { forced: user.mustChangePassword, otherSessionsEnded: ended } }, tx);
        return { otherSessionsEnded: ended };
      });
    },

    /** An admin sets a new temporary password for someone: their sessions end, and they must change it at sign-in. */
    async resetPassword(admin: Actor, userId: string, newPassword: string) {
      const user = await deps.accounts.findUserById(userId);
      if (!user) throw notFound('user');
      assertPasswordPolicy(newPassword, user);
      const hash = await hashPassword(newPassword);
      await db.transaction(async (tx) => {
        await deps.accounts.setPassword(admin, user.id, hash, { mustChangePassword: true, tx });
        const ended = await revokeSessions(tx, user.id, null);
        await deps.audit.record(admin, { action: 'auth.password-reset', subjectType: 'user', subjectId: user.id, details: { username: user.username, sessionsEnded: ended } }, tx);
      });
    },

    /** Admin: disable (ends every session and socket of the account at once) or re-enable an account. */
    async setAccountDisabled(admin: Actor, userId: string, disabled: boolean) {
      return db.transaction(async (tx) => {
        const user = await deps.accounts.setDisabled(admin, userId, disabled, tx);
        const ended = disabled ? await revokeSessions(tx, userId, null) : 0;
        return { userId, username: user.username, disabled, sessionsEnded: ended };
      });
    },

    /** Admin: end every session of a user without disabling the account. */
    async revokeUserSessions(admin: Actor, userId: string) {
      const user = await deps.accounts.findUserById(userId);
      if (!user) throw notFound('user');
      return db.transaction(async (tx) => {
        const ended = await revokeSessions(tx, userId, null);
        await deps.audit.record(admin, { action: 'auth.sessions-revoked', subjectType: 'user', subjectId: userId, details: { username: user.username, sessionsEnded: ended } }, tx);
        return ended;
      });
    },

    // ---- second factor enrolment ----

    /** Starts (or restarts) TOTP enrolment for a staff member: a new secret, not yet required at sign-in. */
    async beginMfaEnrolment(actor: Actor) {
      if (!isStaff(actor.role)) throw forbidden('Two-factor sign-in is for staff accounts');
      if (await mfaEnabled(actor.userId)) throw new AppError('CONFLICT', 'Two-factor sign-in is already on for this account; an admin can reset it');
      const secret = newTotpSecret();
      await db.transaction(async (tx) => {
        await repo.putPendingFactor(tx, actor.userId, encryptSecret(deps.tokenSecret, secret), clock.now());
        await deps.audit.record(actor, { action: 'auth.mfa-enrolment-started', subjectType: 'user', subjectId: actor.userId }, tx);
      });
      return { secret, otpauthUrl: otpauthUrl(secret, actor.username) };
    },

    /** Confirms enrolment with a code from the app; turns the factor on and returns the recovery codes (shown once). */
    async confirmMfaEnrolment(actor: Actor, code: string) {
      const factor = await repo.findFactor(db, actor.userId);
      if (!factor) throw new AppError('CONFLICT', 'Start the enrolment first');
      if (factor.enabledAt) throw new AppError('CONFLICT', 'Two-factor sign-in is already on for this account');
      const scope = `mfa:${actor.userId}`;
      const wait = await reserve([[scope, MFA_POLICY]]);
      if (wait > 0) throw rateLimited(wait, 'second-factor attempts');
      const now = clock.now();
      const step = acceptTotp(decryptSecret(deps.tokenSecret, factor.secretEnc), code, now, factor.lastStep);
      if (step === null) throw validationFailed('That code is not correct. Check that the authenticator app shows cpt-exam and that the device clock is right.', [{ pointer: '/code', message: 'is not the current code' }]);
      await repo.clearThrottle(db, scope);
      const codes = newRecoveryCodes();
      await db.transaction(async (tx) => {
        await repo.acceptStep(tx, actor.userId, step, now);
        await repo.insertRecoveryCodes(
          tx,
          actor.userId,
          codes.map((c) => hashRecoveryCode(deps.tokenSecret, c)),
        );
        // Other sessions were opened with the password alone: they end.
        await revokeSessions(tx, actor.userId, actor.tokenId ?? null);
        await deps.audit.record(actor, { action: 'auth.mfa-enabled', subjectType: 'user', subjectId: actor.userId, details: { recoveryCodes: codes.length } }, tx);
      });
      return { recoveryCodes: codes };
    },

    /** Admin: removes a staff member's second factor (lost phone); they enrol again at the next sign-in. */
    async resetMfa(admin: Actor, userId: string) {
      const user = await deps.accounts.findUserById(userId);
      if (!user) throw notFound('user');
      return db.transaction(async (tx) => {
        const removed = await repo.deleteFactor(tx, userId);
        const ended = await revokeSessions(tx, userId, null);
        await deps.audit.record(admin, { action: 'auth.mfa-reset', subjectType: 'user', subjectId: userId, details: { username: user.username, hadFactor: removed, sessionsEnded: ended } }, tx);
        return removed;
      });
    },

    /** Whether the account signs in with a second factor, and how many recovery codes it has left. */
    async mfaStatus(actor: Actor) {
      const factor = await repo.findFactor(db, actor.userId);
      return { enabled: !!factor?.enabledAt, required: deps.mfaRequiredRoles.includes(actor.role), recoveryCodesLeft: factor?.enabledAt ? await repo.countRecoveryCodes(db, actor.userId) : 0 };
    },
  };
}
export type AuthService = ReturnType<typeof createAuthService>;
