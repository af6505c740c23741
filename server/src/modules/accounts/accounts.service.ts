/** Users, roles and test centers. Proctors and candidates belong to one or more test centers. */
import type { Db } from '../../db/client.ts';
import { actorFromUser, type Actor } from '../../platform/actor.ts';
import { conflict, notFound, validationFailed } from '../../platform/errors.ts';
import type { Role } from '../../../../shared/vocabulary.ts';
import type { AuditService } from '../audit/audit.service.ts';
import { hashPassword } from '../../platform/password-hasher.ts';
import { randomBytes } from 'node:crypto';
import { assertTestCenterAccess } from '../../platform/authz.ts';
import { forbidden } from '../../platform/errors.ts';
import { parseCandidateCsv } from './domain/candidate-csv.ts';
import { MIN_LENGTH_CANDIDATE, passwordProblems } from './domain/password-policy.ts';
import { commonPasswords } from './common-passwords.ts';
import type { Clock } from '../../platform/clock.ts';
import * as repo from './accounts.repository.ts';

export const MIN_PASSWORD_LENGTH = MIN_LENGTH_CANDIDATE;

export interface NewUser {
  username: string;
  displayName: string;
  role: Role;
  password: string;
  testCenterCodes?: string[];
  /** The next sign-in must choose a new password (someone else chose this one). */
  mustChangePassword?: boolean;
}

/** Throws a located validation error when the password breaks the policy (domain/password-policy.ts). */
export function assertPasswordPolicy(password: string, account: { username: string; role: Role }): void {
  const problems = passwordProblems(password, account, commonPasswords());
  if (problems.length) throw validationFailed(`The password ${problems.map((p) => p.message).join('; ')}`, problems);
}

export function createAccountsService(deps: { db: Db; audit: Pick<AuditService, 'record'>; clock?: Clock }) {
  const { db } = deps;
  const now = () => deps.clock?.now() ?? new Date(Date.now());

  async function createUser(actor: Actor | null, input: NewUser) {
    assertPasswordPolicy(input.password, input);
    const passwordHash = await hashPassword(input.password);
    return db.transaction(async (tx) => {
      if (await repo.findUserByUsername(tx, input.username)) throw conflict(`a user named "${input.username}" already exists`);
      const centers = [];
      for (const code of input.testCenterCodes ?? []) {
        const center = await repo.findTestCenterByCode(tx, code);
        if (!center) throw notFound(`test center "${code}"`);
        centers.push(center);
      }
      const mustChangePassword = input.mustChangePassword ?? false;
      const user = await repo.insertUser(tx, { username: input.username, displayName: input.displayName, role: input.role, passwordHash, mustChangePassword });
      for (const c of centers) await repo.addMember(tx, user.id, c.id);
      await deps.audit.record(actor, { action: 'user.created', subjectType: 'user', subjectId: user.id, details: { username: user.username, role: user.role, testCenters: input.testCenterCodes ?? [], mustChangePassword } }, tx);
      return { id: user.id, username: user.username, displayName: user.displayName, role: user.role, testCenterIds: centers.map((c) => c.id) };
    });
  }

  async function createTestCenter(actor: Actor | null, input: { code: string; name: string; timeZone: string }) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: input.timeZone });
    } catch {
      throw validationFailed(`unknown time zone "${input.timeZone}"`, [{ pointer: '/timeZone', message: 'must be an IANA time zone such as America/Chicago' }]);
    }
    return db.transaction(async (tx) => {
      if (await repo.findTestCenterByCode(tx, input.code)) throw conflict(`a test center with code "${input.code}" already exists`);
      const center = await repo.insertTestCenter(tx, input);
      await deps.audit.record(actor, { action: 'test-center.created', subjectType: 'test-center', subjectId: center.id, details: input }, tx);
      return center;
    });
  }

  async function addMember(actor: Actor, userId: string, testCenterId: string) {
    await db.transaction(async (tx) => {
      if (!(await repo.findUserById(tx, userId))) throw notFound('user');
      if (!(await repo.findTestCenterById(tx, testCenterId))) throw notFound('test center');
      await repo.addMember(tx, userId, testCenterId);
      await deps.audit.record(actor, { action: 'test-center.member-added', subjectType: 'test-center', subjectId: testCenterId, details: { userId } }, tx);
    });
  }

  /**
   * Registers candidates from a CSV into a test center. The dry run reports every bad row (bad values, duplicates in the
   * file, usernames already taken) and writes nothing; the real run writes all rows in one transaction or none.
   */
  async function importCandidates(actor: Actor, input: { text: string; fileName: string; testCenterId: string; dryRun: boolean }) {
    if (actor.role !== 'admin' && actor.role !== 'proctor') throw forbidden('Only admins and test-center staff register candidates');
    const center = await repo.findTestCenterById(db, input.testCenterId);
    if (!center) throw notFound('test center');
    assertTestCenterAccess(actor, center.id);
    const { rows, problems } = parseCandidateCsv(input.text, input.fileName);
    // rows holds only the rows that parsed cleanly; a taken username makes one of them invalid too. Header problems
    // leave rows empty, so valid is 0 (never rows minus problems, which went negative).
    let taken = 0;
    for (const r of rows) {
      if (!(await repo.findUserByUsername(db, r.username))) continue;
      taken++;
      problems.push({ file: input.fileName, pointer: '/username', line: r.line, message: `line ${r.line}, column username: "${r.username}" is already registered` });
    }
    problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    const read = rows.map((r) => ({ line: r.line, username: r.username, displayName: r.displayName }));
    if (problems.length || input.dryRun) return { dryRun: input.dryRun, created: 0, valid: rows.length - taken, problems, rows: read, createdIds: [] };
    const hashes = await Promise.all(rows.map((r) => hashPassword(r.password ?? randomBytes(18).toString('base64url'))));
    const createdIds = await db.transaction(async (tx) => {
      const ids: string[] = [];
      for (const [i, r] of rows.entries()) {
        // Someone else chose (or nobody knows) this password: the candidate sets their own at first sign-in.
        const user = await repo.insertUser(tx, { username: r.username, displayName: r.displayName, role: 'candidate', passwordHash: hashes[i]!, mustChangePassword: true });
        await repo.addMember(tx, user.id, center.id);
        ids.push(user.id);
      }
      await deps.audit.record(actor, { action: 'candidates.imported', subjectType: 'test-center', subjectId: center.id, details: { file: input.fileName, count: rows.length } }, tx);
      return ids;
    });
    return { dryRun: false, created: rows.length, valid: rows.length, problems: [], rows: read, createdIds };
  }

  return {
    importCandidates,
    /** Candidates registered at a center (staff of that center, or admins). */
    async candidatesOf(actor: Actor, testCenterId: string) {
      if (actor.role !== 'admin' && actor.role !== 'proctor') throw forbidden();
      assertTestCenterAccess(actor, testCenterId);
      return repo.listUsers(db, { role: 'candidate', testCenterId });
    },
    createUser,
    createTestCenter,
    addMember,
    /** Admins see every center; everyone else only their own. */
    listTestCenters: (actor: Actor) => repo.listTestCenters(db, actor.role === 'admin' ? undefined : actor.testCenterIds),
    listUsers: (filter: { role?: Role; testCenterId?: string }) => repo.listUsers(db, filter),
    findUserByUsername: (username: string) => repo.findUserByUsername(db, username),
    findUserById: (id: string) => repo.findUserById(db, id),
    /** Stores a new password hash (the caller has checked the policy and who may do this) and records it. */
    async setPassword(actor: Actor | null, userId: string, passwordHash: string, opts: { mustChangePassword: boolean; tx?: Db }) {
      const tx = opts.tx ?? db;
      await repo.setPasswordHash(tx, userId, passwordHash, opts.mustChangePassword, now());
    },
    /** Disables or re-enables an account (sessions are ended by the auth service, which calls this). */
    async setDisabled(actor: Actor, userId: string, disabled: boolean, tx: Db = db) {
      const user = await repo.findUserById(tx, userId);
      if (!user) throw notFound('user');
      if (user.id === actor.userId && disabled) throw forbidden('You cannot disable your own account');
      await repo.setDisabled(tx, userId, disabled);
      await deps.audit.record(actor, { action: disabled ? 'user.disabled' : 'user.enabled', subjectType: 'user', subjectId: userId, details: { username: user.username } }, tx);
      return user;
    },
    findTestCenterByCode: (code: string) => repo.findTestCenterByCode(db, code),
    async actorFor(userId: string): Promise<Actor | undefined> {
      const user = await repo.findUserById(db, userId);
      if (!user || user.disabled) return undefined;
      return actorFromUser(user, await repo.testCenterIdsOf(db, user.id));
    },
  };
}
export type AccountsService = ReturnType<typeof createAccountsService>;
