import { composeServices, type Services } from '../compose.ts';
import { loadConfig, type Config } from '../config/env.ts';
import { openDatabase, type Database } from '../db/client.ts';
import { withStartupLock } from '../db/startup-lock.ts';
import { systemClock } from '../platform/clock.ts';

/** A failure already explained to the user; the CLI prints its message and exits 1. */
export class CliFailure extends Error {}

/** Opens the configured database (migrated), runs `fn` with the services, and always closes the database. */
export async function withServices<T>(fn: (services: Services, ctx: { config: Config; database: Database }) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const database = await openDatabase(config.database);
  try {
    // Under the same lock as the servers' start-up, so `cpt-exam db migrate` and starting instances take turns.
    await withStartupLock(config.database, () => database.migrate(), { waiting: () => console.error('another process is migrating the database: waiting for it') });
    return await fn(composeServices({ config, database, clock: systemClock }), { config, database });
  } finally {
    await database.close();
  }
}

/** Commands that need items say what to do on a fresh database instead of failing on a missing blueprint. */
export async function requireItems(services: Services, config: Config): Promise<void> {
  if (!(await services.itemBank.isEmpty())) return;
  throw new CliFailure(
    'error: the item bank is empty: nothing has been loaded into this database yet.\n' +
      `  Load the sample banks with: cpt-exam bank import ${config.itemBankDir}/*.json\n` +
      '  (or start the server once with LOAD_SAMPLE_BANK=true, the default, which loads them into an empty bank)',
  );
}
