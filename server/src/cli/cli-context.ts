import { composeServices, type Services } from '../compose.ts';
import { loadConfig, type Config } from '../config/env.ts';
import { openDatabase, type Database } from '../db/client.ts';
import { systemClock } from '../platform/clock.ts';

/** A failure already explained to the user; the CLI prints its message and exits 1. */
export class CliFailure extends Error {}

/** Opens the configured database (migrated), runs `fn` with the services, and always closes the database. */
export async function withServices<T>(fn: (services: Services, ctx: { config: Config; database: Database }) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const database = await openDatabase(config.database);
  try {
    await database.migrate();
    return await fn(composeServices({ config, database, clock: systemClock }), { config, database });
  } finally {
    await database.close();
  }
}
