/**
 * The cpt-exam command line: bank validate/import/export, db migrate, admin create-user. A thin transport over the
 * same services the HTTP API uses.
 */
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/env.ts';
import { AppError } from '../platform/errors.ts';
import { registerAdminCommands } from './admin-commands.ts';
import { registerBankCommands } from './bank-commands.ts';
import { registerCalibrateCommand } from './calibrate-command.ts';
import { registerDbCommands } from './db-commands.ts';
import { registerFormCommands } from './form-commands.ts';
import { registerStatsCommand } from './stats-command.ts';
import { CliFailure } from './cli-context.ts';

const program = new Command('cpt-exam').description('Exam delivery for the MSSC CPT modules').exitOverride();
registerBankCommands(program);
registerDbCommands(program);
registerFormCommands(program);
registerStatsCommand(program);
registerCalibrateCommand(program);
registerAdminCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  if (err instanceof CliFailure || err instanceof ConfigError) {
    console.error(err.message);
    process.exit(err instanceof ConfigError ? 2 : 1);
  }
  if (err instanceof AppError) {
    console.error(`error: ${err.message}`);
    for (const p of err.extra.problems ?? []) console.error(`  ${p.file ?? ''}${p.line ? `:${p.line}:${p.column}` : ''} ${p.pointer || '/'}: ${p.message}`);
    process.exit(1);
  }
  console.error(err);
  process.exit(1);
}
