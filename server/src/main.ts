/** Process entry: parse config, open and migrate the database, first-start loading, listen, close gracefully. */
import { buildApp } from './app.ts';
import { disableDemoAccounts, ensureDemoAccounts, loadPolicies, loadSampleBankIfEmpty, DEMO_PASSWORD, DEMO_USERS } from './bootstrap.ts';
import path from 'node:path';
import { ConfigError, loadConfig } from './config/env.ts';
import { openDatabase } from './db/client.ts';
import { systemClock } from './platform/clock.ts';

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
  const database = await openDatabase(config.database);
  await database.migrate();
  const { app, services } = await buildApp({ config, database, clock: systemClock });

  await loadPolicies(services, path.join(config.itemBankDir, 'policies'));
  if (config.loadSampleBank) {
    const bank = await loadSampleBankIfEmpty(services, config.itemBankDir);
    if (bank.loaded) app.log.info(`loaded ${bank.items} items from ${config.itemBankDir}`);
  }
  if (config.env === 'production') {
    const disabled = await disableDemoAccounts(services);
    if (disabled.length) app.log.warn(`disabled demo accounts with the published demo password: ${disabled.join(', ')}`);
  }
  if (config.demoAccounts) {
    const created = await ensureDemoAccounts(services);
    if (created.length) {
      console.log('\n  DEMO ACCOUNTS (sample data for trying the product; not for production):');
      for (const u of DEMO_USERS) if (created.includes(u.username)) console.log(`    ${u.role.padEnd(10)} username: ${u.username.padEnd(10)} password: ${DEMO_PASSWORD}`);
      console.log('');
    }
  }

  let closing = false;
  const close = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info(`${signal}: closing`);
    await app.close();
    await database.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void close('SIGINT'));
  process.on('SIGTERM', () => void close('SIGTERM'));

  // A whole testing center connects at once at a synchronized start; Node's default backlog (511) drops SYNs then.
  const address = await app.listen({ port: config.port, host: config.host, backlog: 4096 });
  const where = config.database.kind === 'postgres' ? 'PostgreSQL' : `embedded PGlite in ${config.database.dataDir ?? 'memory'}`;
  console.log(`cpt-exam is running at ${address.replace('[::1]', 'localhost')} (database: ${where})`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
