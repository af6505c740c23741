/**
 * Login, logout and token resolution. Tokens are opaque random strings; only an HMAC of each is stored, so a leaked
 * database cannot be turned into working cookies without the server's TOKEN_SECRET.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Db } from '../../db/client.ts';
import type { Actor } from '../../platform/actor.ts';
import type { Clock } from '../../platform/clock.ts';
import { AppError } from '../../platform/errors.ts';
import { dummyHash, verifyPassword } from '../../platform/password-hasher.ts';
import type { AccountsService } from '../accounts/accounts.service.ts';
import type { AuditService } from '../audit/audit.service.ts';
import * as repo from './auth.repository.ts';
import { ACCOUNT_POLICY, ADDRESS_POLICY, checkThrottle, recordFailure, type ThrottlePolicy } from './domain/login-throttle.ts';

export interface AuthDeps {
  db: Db;
  clock: Clock;
  tokenSecret: string;
  sessionTtlMs: number;
  accounts: Pick<AccountsService, 'findUserByUsername' | 'actorFor'>;
  audit: Pick<AuditService, 'record'>;
}

const INVALID = 'The username or password is not correct';
/** No 0/O, 1/I/L: codes are read off paper and typed by candidates. */
const LAUNCH_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

export function createAuthService(deps: AuthDeps) {
  const { db, clock } = deps;
  const hashToken = (token: string) => createHmac('sha256', deps.tokenSecret).update(token).digest('base64url');

  async function throttled(scopes: string[]): Promise<number> {
    let wait = 0;
    for (const scope of scopes) {
      const check = checkThrottle(await repo.getThrottle(db, scope), clock.now());
      if (!check.allowed) wait = Math.max(wait, check.retryAfterMs);
    }
    return wait;
  }

  async function noteFailure(scope: string, policy: ThrottlePolicy) {
    await db.transaction(async (tx) => {
      const now = clock.now();
      await repo.putThrottle(tx, scope, recordFailure(await repo.getThrottle(tx, scope), now, policy), now);
    });
  }

  return {
    async login(input: { username: string; password: string; address: string }) {
      const userScope = `user:${input.username.toLowerCase()}`;
      const addrScope = `addr:${input.address}`;
      const wait = await throttled([userScope, addrScope]);
      if (wait > 0) {
        const seconds = Math.ceil(wait / 1000);
        throw new AppError('RATE_LIMITED', `Too many failed sign-in attempts. Try again in ${seconds} seconds.`, { details: { retryAfterSeconds: seconds } });
      }
      const user = await deps.accounts.findUserByUsername(input.username);
      // Verify against a dummy hash for unknown users so the response time does not reveal which names exist.
      const ok = await verifyPassword(input.password, user?.passwordHash ?? (await dummyHash()));
      if (!user || !ok || user.disabled) {
        await noteFailure(userScope, ACCOUNT_POLICY);
        await noteFailure(addrScope, ADDRESS_POLICY);
        throw new AppError('UNAUTHENTICATED', INVALID);
      }
      await repo.clearThrottle(db, userScope);
      const actor = (await deps.accounts.actorFor(user.id))!;
      const token = randomBytes(32).toString('base64url');
      const expiresAt = new Date(clock.now().getTime() + deps.sessionTtlMs);
      await db.transaction(async (tx) => {
        await repo.insertAuthSession(tx, { tokenHash: hashToken(token), userId: user.id, expiresAt });
        if (actor.role !== 'candidate') await deps.audit.record(actor, { action: 'auth.login', subjectType: 'user', subjectId: user.id, details: { address: input.address } }, tx);
      });
      return { token, expiresAt, actor };
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

    /** Signs a candidate in with a launch code (once); throttled per address like passwords. */
    async loginWithLaunchCode(input: { code: string; address: string }) {
      const addrScope = `addr:${input.address}`;
      const wait = await throttled([addrScope]);
      if (wait > 0) throw new AppError('RATE_LIMITED', `Too many failed sign-in attempts. Try again in ${Math.ceil(wait / 1000)} seconds.`);
      const normalized = input.code.toUpperCase().replace(/[^0-9A-Z]/g, '');
      const hit = normalized.length === 10 ? await repo.redeemLaunchCode(db, hashToken(`launch:${normalized}`), clock.now()) : undefined;
      if (!hit) {
        await noteFailure(addrScope, ADDRESS_POLICY);
        throw new AppError('UNAUTHENTICATED', 'That launch code is not valid. Check the code on your admission ticket, or ask the proctor for a new one.');
      }
      const actor = await deps.accounts.actorFor(hit.candidateId);
      if (!actor) throw new AppError('UNAUTHENTICATED', 'This account is disabled');
      const token = randomBytes(32).toString('base64url');
      const expiresAt = new Date(clock.now().getTime() + deps.sessionTtlMs);
      await repo.insertAuthSession(db, { tokenHash: hashToken(token), userId: actor.userId, expiresAt });
      return { token, expiresAt, actor, sessionId: hit.sessionId };
    },

    async logout(token: string) {
      await repo.deleteAuthSession(db, hashToken(token));
    },

    /** Resolves a token to the acting user, or undefined when it is unknown, expired, or the user is disabled. */
    async authenticate(token: string): Promise<Actor | undefined> {
      const session = await repo.findLiveAuthSession(db, hashToken(token), clock.now());
      return session ? deps.accounts.actorFor(session.userId) : undefined;
    },
  };
}
export type AuthService = ReturnType<typeof createAuthService>;
