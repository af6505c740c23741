import type { Command } from 'commander';
import { withServices } from './cli-context.ts';

export function registerDbCommands(program: Command): void {
  program
    .command('db')
    .description('Database maintenance')
    .command('migrate')
    .description('Apply pending migrations from migrations/')
    .action(async () => {
      await withServices(async (_s, { database }) => {
        console.log(`migrations applied (${database.kind})`);
      });
    });
}
