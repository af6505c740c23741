/**
 * #14.4: the public verification limit holds across instances. Two app instances, each with its own connection pool,
 * on one PostgreSQL database: lookups from one address split across both (in parallel) get the configured 30 in
 * total, not 30 each. The client address follows TRUST_PROXY on both, as everywhere else.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/src/app.ts';
import { openDatabase, type Database } from '../../server/src/db/client.ts';
import { publicRateBuckets } from '../../server/src/db/schema/index.ts';
import { PUBLIC_LOOKUP_LIMITS } from '../../server/src/modules/credentials/credentials.service.ts';
import { buildTestApp, testConfig, type TestApp } from '../helpers/build-app.ts';
import { fakeClock } from '../helpers/fake-clock.ts';
import { DB_KINDS } from '../helpers/test-db.ts';

const CODE_URL = '/api/verify/CPT-0000-0000-0000';

describe.skipIf(!DB_KINDS.includes('postgres'))('the /api/verify limit across two instances on one PostgreSQL', () => {
  const clock = fakeClock(new Date('2026-06-01T15:00:00Z'));
  const closers: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
  });

  /** Instance A (which owns the test database) and B, a second app on its own pool to the same database. */
  async function twoInstances(env: Record<string, string> = {}) {
    const a: TestApp = await buildTestApp('postgres', { clock, demoAccounts: false, env });
    closers.push(() => a.close());
    const second: Database = await openDatabase({ kind: 'postgres', url: a.database.url! });
    const b = await buildApp({ config: testConfig(env), database: second, clock, clientDist: '/nonexistent', sweeps: false });
    await b.app.ready();
    closers.push(async () => {
      await b.app.close();
      await second.close();
    });
    return { a: a.app, b: b.app, db: a.database.db };
  }

  it('parallel lookups from one address split across both instances get the configured total, then refill at its rate', async () => {
    const { a, b, db } = await twoInstances();
    const burst = PUBLIC_LOOKUP_LIMITS.burst;
    const results = await Promise.all(Array.from({ length: burst + 20 }, (_, i) => (i % 2 ? a : b).inject({ url: CODE_URL, remoteAddress: '198.51.100.7' })));
    const codes = results.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 404)).toHaveLength(burst); // let through (no such credential)
    expect(codes.filter((c) => c === 429)).toHaveLength(20);
    const refused = results.find((r) => r.statusCode === 429)!;
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.json().message).toMatch(/Too many lookups from your address/);
    // Another address has its own bucket.
    expect((await b.inject({ url: CODE_URL, remoteAddress: '198.51.100.8' })).statusCode).toBe(404);

    // Five seconds later five more, wherever they arrive.
    clock.advance(5_000);
    const later = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? b : a).inject({ url: CODE_URL, remoteAddress: '198.51.100.7' })));
    expect(later.filter((r) => r.statusCode === 404)).toHaveLength(5 * PUBLIC_LOOKUP_LIMITS.perSecond);

    // Buckets idle long enough to be full again are deleted (at most once a minute per instance).
    clock.advance(120_000);
    await a.inject({ url: CODE_URL, remoteAddress: '198.51.100.9' });
    const keys = (await db.select({ key: publicRateBuckets.key }).from(publicRateBuckets)).map((r) => r.key);
    expect(keys).toEqual(['198.51.100.9']);
  }, 120_000);

  it('counts the address TRUST_PROXY vouches for on both instances, and the TCP peer when it does not', async () => {
    const { a, b } = await twoInstances({ TRUST_PROXY: '127.0.0.1' });
    const fromProxy = (inst: typeof a, client: string) => inst.inject({ url: CODE_URL, remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': client } });
    const first = await Promise.all(Array.from({ length: PUBLIC_LOOKUP_LIMITS.burst + 4 }, (_, i) => fromProxy(i % 2 ? a : b, '203.0.113.50')));
    expect(first.filter((r) => r.statusCode === 429)).toHaveLength(4);
    // Another client behind the same proxy is not charged for the first one's lookups.
    expect((await fromProxy(a, '203.0.113.51')).statusCode).toBe(404);
    // A peer that is not the trusted proxy cannot pick its address with the header.
    const direct = await Promise.all(Array.from({ length: PUBLIC_LOOKUP_LIMITS.burst + 2 }, (_, i) => (i % 2 ? a : b).inject({ url: CODE_URL, remoteAddress: '192.0.2.10', headers: { 'x-forwarded-for': `203.0.113.${100 + i}` } })));
    expect(direct.filter((r) => r.statusCode === 429)).toHaveLength(2);
  }, 120_000);
});
