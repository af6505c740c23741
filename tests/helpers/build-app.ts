/** The one way tests build the real app: real database, real routes, injected clock. */
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/src/app.ts';
import { composeServices, type Services } from '../../server/src/compose.ts';
import { parseConfig, type Config } from '../../server/src/config/env.ts';
import { systemClock, type Clock } from '../../server/src/platform/clock.ts';
import { ensureDemoAccounts, loadPolicies } from '../../server/src/bootstrap.ts';
import { createTestDatabase, type DbKind, type TestDatabase } from './test-db.ts';

export interface TestApp {
  app: FastifyInstance;
  services: Services;
  database: TestDatabase;
  config: Config;
  close(): Promise<void>;
}

export function testConfig(overrides: Record<string, string> = {}): Config {
  return parseConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: ':memory:', ...overrides });
}

export async function buildTestApp(kind: DbKind, opts: { clock?: Clock; demoAccounts?: boolean; env?: Record<string, string>; sweeps?: boolean } = {}): Promise<TestApp> {
  const database = await createTestDatabase(kind);
  const config = testConfig(opts.env);
  const { app, services } = await buildApp({ config, database, clock: opts.clock ?? systemClock, clientDist: '/nonexistent', sweeps: opts.sweeps ?? false });
  await loadPolicies(services, 'item-bank/policies');
  if (opts.demoAccounts !== false) await ensureDemoAccounts(services);
  await app.ready();
  return {
    app,
    services,
    database,
    config,
    async close() {
      await app.close();
      await database.close();
    },
  };
}

/** Services without HTTP, for service-level tests. */
export async function buildTestServices(kind: DbKind, clock: Clock = systemClock) {
  const database = await createTestDatabase(kind);
  const services = composeServices({ config: testConfig(), database, clock });
  return { services, database, close: () => database.close() };
}

/** Signs in through the API and returns headers carrying the session cookie. */
export async function loginAs(app: FastifyInstance, username: string, password = 'demo-password-1'): Promise<{ cookie: string }> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`login as ${username} failed: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === 'cpt_session');
  return { cookie: `cpt_session=${cookie!.value}` };
}
