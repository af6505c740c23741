import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { testCenterMembers, testCenters, users } from '../../db/schema/index.ts';
import type { Role } from '../../../../shared/vocabulary.ts';

export interface UserRow {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  passwordHash: string;
  disabled: boolean;
  mustChangePassword: boolean;
}

const userColumns = {
  id: users.id,
  username: users.username,
  displayName: users.displayName,
  role: users.role,
  passwordHash: users.passwordHash,
  disabled: users.disabled,
  mustChangePassword: users.mustChangePassword,
};

export async function findUserByUsername(db: Db, username: string): Promise<UserRow | undefined> {
  const [row] = await db.select(userColumns).from(users).where(eq(users.username, username)).limit(1);
  return row;
}

export async function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  const [row] = await db.select(userColumns).from(users).where(eq(users.id, id)).limit(1);
  return row;
}

export async function setPasswordHash(db: Db, id: string, passwordHash: string, mustChangePassword: boolean, now: Date): Promise<void> {
  await db.update(users).set({ passwordHash, mustChangePassword, passwordChangedAt: now }).where(eq(users.id, id));
}

export async function setDisabled(db: Db, id: string, disabled: boolean): Promise<void> {
  await db.update(users).set({ disabled }).where(eq(users.id, id));
}

export async function insertUser(db: Db, user: { username: string; displayName: string; role: Role; passwordHash: string; mustChangePassword?: boolean }): Promise<UserRow> {
  const [row] = await db.insert(users).values(user).returning(userColumns);
  return row!;
}

export async function listUsers(db: Db, filter: { role?: Role; testCenterId?: string }) {
  const base = db.selectDistinct({ id: users.id, username: users.username, displayName: users.displayName, role: users.role, disabled: users.disabled }).from(users);
  const conditions = [filter.role ? eq(users.role, filter.role) : undefined, filter.testCenterId ? eq(testCenterMembers.testCenterId, filter.testCenterId) : undefined].filter(
    (c) => c !== undefined,
  );
  const q = filter.testCenterId ? base.innerJoin(testCenterMembers, eq(testCenterMembers.userId, users.id)) : base;
  return q.where(conditions.length ? and(...conditions) : undefined).orderBy(users.username);
}

export async function testCenterIdsOf(db: Db, userId: string): Promise<string[]> {
  const rows = await db.select({ id: testCenterMembers.testCenterId }).from(testCenterMembers).where(eq(testCenterMembers.userId, userId));
  return rows.map((r) => r.id);
}

export interface TestCenterRow {
  id: string;
  code: string;
  name: string;
  timeZone: string;
}

const centerColumns = { id: testCenters.id, code: testCenters.code, name: testCenters.name, timeZone: testCenters.timeZone };

export async function findTestCenterByCode(db: Db, code: string): Promise<TestCenterRow | undefined> {
  const [row] = await db.select(centerColumns).from(testCenters).where(eq(testCenters.code, code)).limit(1);
  return row;
}

export async function findTestCenterById(db: Db, id: string): Promise<TestCenterRow | undefined> {
  const [row] = await db.select(centerColumns).from(testCenters).where(eq(testCenters.id, id)).limit(1);
  return row;
}

export async function insertTestCenter(db: Db, center: { code: string; name: string; timeZone: string }): Promise<TestCenterRow> {
  const [row] = await db.insert(testCenters).values(center).returning(centerColumns);
  return row!;
}

export async function listTestCenters(db: Db, ids?: string[]): Promise<TestCenterRow[]> {
  const q = db.select(centerColumns).from(testCenters);
  if (ids) {
    if (ids.length === 0) return [];
    return q.where(inArray(testCenters.id, ids)).orderBy(testCenters.code);
  }
  return q.orderBy(testCenters.code);
}

export async function addMember(db: Db, userId: string, testCenterId: string): Promise<void> {
  await db.insert(testCenterMembers).values({ userId, testCenterId }).onConflictDoNothing();
}
