import type { Command } from 'commander';
import { ROLES, type Role } from '../../../shared/vocabulary.ts';
import { createUserRequestSchema } from '../../../shared/api/accounts.ts';
import { CliFailure, withServices } from './cli-context.ts';

export function registerAdminCommands(program: Command): void {
  const admin = program.command('admin').description('Accounts and test centers');

  admin
    .command('create-user')
    .description('Create a user (bootstraps the first admin in production). The password comes from CPT_EXAM_PASSWORD or standard input.')
    .requiredOption('--username <name>', 'login name')
    .option('--display-name <name>', 'name shown in the product')
    .option('--role <role>', `one of ${ROLES.join(', ')}`, 'admin')
    .option('--test-center <code...>', 'test center codes (proctors and candidates)')
    .action(async (opts: { username: string; displayName?: string; role: string; testCenter?: string[] }) => {
      const password = process.env.CPT_EXAM_PASSWORD ?? (await readStdin()).trim();
      const parsed = createUserRequestSchema.safeParse({
        username: opts.username,
        displayName: opts.displayName ?? opts.username,
        role: opts.role as Role,
        password,
        testCenterCodes: opts.testCenter ?? [],
      });
      if (!parsed.success) throw new CliFailure(parsed.error.issues.map((i) => `error: ${String(i.path[0] ?? '')}: ${i.message}`).join('\n'));
      const user = await withServices((s) => s.accounts.createUser(null, parsed.data));
      console.log(`created ${user.role} ${user.username} (${user.id})`);
    });

  admin
    .command('create-test-center')
    .description('Create a test center')
    .requiredOption('--code <code>', 'short code, e.g. CHI-01')
    .requiredOption('--name <name>', 'name')
    .option('--time-zone <zone>', 'IANA time zone', 'America/New_York')
    .action(async (opts: { code: string; name: string; timeZone: string }) => {
      const center = await withServices((s) => s.accounts.createTestCenter(null, { code: opts.code, name: opts.name, timeZone: opts.timeZone }));
      console.log(`created test center ${center.code} (${center.id})`);
    });
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new CliFailure('error: set CPT_EXAM_PASSWORD or pipe the password on standard input');
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
