/**
 * First-start work for `npm start`: load the sample item banks into an empty bank, and create clearly marked demo
 * accounts in a demo test center. Both are idempotent.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Services } from './compose.ts';
import { SYSTEM_ACTOR } from './platform/actor.ts';
import { verifyPassword } from './platform/password-hasher.ts';
import { readBankImages } from './modules/item-bank/bank-image-files.ts';

/** The bank files of a folder, each with the image files its items name (relative to it, e.g. media/gauge.svg). */
export async function readBankDirectory(dir: string) {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  return Promise.all(
    names.map(async (n) => {
      const text = await readFile(path.join(dir, n), 'utf8');
      return { name: path.join(path.basename(dir), n), text, files: await readBankImages(path.join(dir, n), text) };
    }),
  );
}

export async function loadSampleBankIfEmpty(services: Services, dir: string): Promise<{ loaded: boolean; items: number }> {
  if (!(await services.itemBank.isEmpty())) return { loaded: false, items: 0 };
  const sources = await readBankDirectory(dir);
  if (sources.length === 0) return { loaded: false, items: 0 };
  const result = await services.itemBank.importSources(null, sources);
  return { loaded: true, items: result.plan.summary.itemsNew };
}

/** Loads every certification policy file (item-bank/policies/*.json) whose version is not stored yet. */
export async function loadPolicies(services: Services, dir: string): Promise<void> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  } catch {
    return;
  }
  for (const n of names) await services.scoring.ensurePolicy(JSON.parse(await readFile(path.join(dir, n), 'utf8')));
}

export const DEMO_CENTER = { code: 'DEMO-01', name: 'Demo Test Center (sample data)', timeZone: 'America/Chicago' };
export const DEMO_PASSWORD = 'demo-password-1';
export const DEMO_USERS = [
  { username: 'admin', displayName: 'Demo Admin', role: 'admin' },
  { username: 'author', displayName: 'Demo Author', role: 'author' },
  { username: 'proctor', displayName: 'Demo Proctor', role: 'proctor' },
  { username: 'candidate', displayName: 'Demo Candidate', role: 'candidate' },
] as const;

/** Returns the demo accounts it created (empty when they already existed). */
export async function ensureDemoAccounts(services: Services): Promise<string[]> {
  const created: string[] = [];
  if (!(await services.accounts.findTestCenterByCode(DEMO_CENTER.code))) await services.accounts.createTestCenter(null, DEMO_CENTER);
  for (const u of DEMO_USERS) {
    if (await services.accounts.findUserByUsername(u.username)) continue;
    const centers = u.role === 'proctor' || u.role === 'candidate' ? [DEMO_CENTER.code] : [];
    await services.accounts.createUser(null, { ...u, password: DEMO_PASSWORD, testCenterCodes: centers });
    created.push(u.username);
  }
  return created;
}

/**
 * Production start-up: any account the demo bootstrap made that still has the published demo password is disabled
 * (its sessions end) and named, so a database first started in development cannot carry them into production.
 */
export async function disableDemoAccounts(services: Services): Promise<string[]> {
  const disabled: string[] = [];
  for (const u of DEMO_USERS) {
    const user = await services.accounts.findUserByUsername(u.username);
    if (!user || user.disabled || !(await verifyPassword(DEMO_PASSWORD, user.passwordHash))) continue;
    await services.auth.setAccountDisabled(SYSTEM_ACTOR, user.id, true);
    disabled.push(u.username);
  }
  return disabled;
}
