/** Process entry: parse config, open and migrate the database, first-start loading, listen, close gracefully. */
import { buildApp } from './app.ts';
import { disableDemoAccounts, ensureDemoAccounts, loadPolicies, loadSampleBankIfEmpty, DEMO_PASSWORD, DEMO_USERS } from './bootstrap.ts';
import path from 'node:path';
import { ConfigError, loadConfig } from './config/env.ts';
import { openDatabase } from './db/client.ts';
import { withStartupLock } from './db/startup-lock.ts';
import { systemClock } from './platform/clock.ts';
import { createReadiness } from './platform/http/health.ts';
import { installShutdown } from './platform/shutdown.ts';
import { fanOutAccept, type AcceptFanout } from './platform/accept-fanout.ts';

async function main() {
  // Phases of start-up, printed with the "running" line (performance.now() counts from process start).
  const phases: string[] = [];
  // `load` is process start to here: Node's own start and loading the server's modules.
  let mark = 0;
  const lap = (name: string) => {
    const now = performance.now();
    phases.push(`${name} ${((now - mark) / 1000).toFixed(2)}`);
    mark = now;
  };
  lap('load');
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
  lap('database');
  const readiness = createReadiness('starting');
  // Migrations and first-start loading run once across instances started together (a PostgreSQL advisory lock);
  // the others wait here, not listening, then find nothing left to do.
  const { app } = await withStartupLock(
    config.database,
    async () => {
      await database.migrate();
      lap('migrate');
      const built = await buildApp({ config, database, clock: systemClock, readiness });
      lap('app');
      const { app, services } = built;
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
      lap('first-start');
      return built;
    },
    { waiting: () => console.log('another instance is migrating or loading the database: waiting for it') },
  );

  let fanout: AcceptFanout | null = null;
  // SIGTERM/SIGINT: drain, close sockets with 1001, exit 0 within SHUTDOWN_DEADLINE_SECONDS (else exit 1); a crash is
  // logged and exits 1 (platform/shutdown.ts).
  installShutdown({
    deadlineMs: config.shutdownDeadlineMs,
    log: app.log,
    close: async () => {
      readiness.set('draining');
      fanout?.close();
      await app.close();
      await database.close();
    },
  });

  // At a synchronized start every candidate connects within a second; Node's default backlog (511) drops SYNs then.
  // The kernel caps the backlog at net.core.somaxconn (docs/operations.md).
  const address = await app.listen({ port: config.port, host: config.host, backlog: config.listenBacklog });
  // libuv accepts one connection per event-loop turn and listening socket: a busy loop would accept only 100–200 a
  // second, so the socket is watched through ACCEPT_LISTENERS descriptors (platform/accept-fanout.ts).
  fanout = await fanOutAccept(app.server, { listeners: config.acceptListeners, backlog: config.listenBacklog, warn: (m) => app.log.warn(m) });
  const where = config.database.kind === 'postgres' ? 'PostgreSQL' : `embedded PGlite in ${config.database.dataDir ?? 'memory'}`;
  readiness.set('ready');
  lap('listen');
  const seconds = (performance.now() / 1000).toFixed(2);
  console.log(`cpt-exam is running at ${address.replace('[::1]', 'localhost')} (database: ${where}; started in ${seconds} s: ${phases.join(', ')})`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
