import type { Command } from 'commander';
import { MODULE_CODES, type ModuleCode } from '../../../shared/vocabulary.ts';
import { CliFailure, requireItems, withServices } from './cli-context.ts';

function moduleArg(value: string): ModuleCode {
  if (!MODULE_CODES.includes(value as ModuleCode)) throw new CliFailure(`error: --module must be one of ${MODULE_CODES.join(', ')}`);
  return value as ModuleCode;
}

export function registerFormCommands(program: Command): void {
  const form = program.command('form').description('Assemble and publish exam forms');

  form
    .command('assemble')
    .description('Assemble one form from a seed and print it with its certificate (nothing is stored; same seed, same form)')
    .requiredOption('--module <code>', `module: ${MODULE_CODES.join(', ')}`)
    .requiredOption('--seed <seed>', 'seed for the random choices')
    .option('--json', 'print JSON')
    .action(async (opts: { module: string; seed: string; json?: boolean }) => {
      const module = moduleArg(opts.module);
      const { form: f, certificate } = await withServices(async (s, { config }) => {
        await requireItems(s, config);
        return s.assembly.preview({ module, seed: opts.seed });
      });
      if (opts.json) {
        console.log(JSON.stringify({ items: f.items, certificate }, null, 2));
        return;
      }
      console.log(`${module} form, seed ${opts.seed}, blueprint ${certificate.blueprintVersion}, bank revision ${certificate.bankRevision}, ${certificate.algorithmVersion}`);
      f.items.forEach((it, i) => console.log(`${String(i + 1).padStart(3)}  ${it.itemId.padEnd(10)} v${it.version}  ${it.kwa.padEnd(7)} ${it.role.padEnd(7)} options ${it.optionOrder.join('')}`));
      console.log('\nconstraints:');
      for (const c of certificate.constraints) console.log(`  ${c.met ? 'met ' : 'FAIL'}  ${c.description}: required ${c.required}, achieved ${c.achieved}`);
      for (const c of certificate.softGoals) console.log(`  ${c.met ? 'met ' : 'soft'}  ${c.description}: target ${c.required}, achieved ${c.achieved}`);
    });

  form
    .command('build')
    .description('Build and publish K parallel fixed forms')
    .requiredOption('--module <code>', `module: ${MODULE_CODES.join(', ')}`)
    .requiredOption('--count <k>', 'number of forms', (v) => Number(v))
    .option('--max-overlap <percent>', 'pairwise overlap cap, percent of form length', (v) => Number(v), 25)
    .option('--seed <seed>', 'seed (default: random, printed)')
    .option('--draft', 'store as drafts instead of publishing')
    .action(async (opts: { module: string; count: number; maxOverlap: number; seed?: string; draft?: boolean }) => {
      const module = moduleArg(opts.module);
      if (!Number.isInteger(opts.count) || opts.count < 1 || opts.count > 10) throw new CliFailure('error: --count must be a whole number from 1 to 10');
      const r = await withServices(async (s, { config }) => {
        await requireItems(s, config);
        return s.assembly.buildParallel(null, { module, count: opts.count, maxOverlapPct: opts.maxOverlap, publish: !opts.draft, ...(opts.seed ? { seed: opts.seed } : {}) });
      });
      console.log(`${opts.draft ? 'built' : 'published'} ${r.formIds.length} ${module} forms (seed ${r.seed}):`);
      for (const id of r.formIds) console.log(`  ${id}`);
      console.log(`pairwise shared items: ${r.pairwiseOverlap.map((row) => row.join(' ')).join(' | ')}`);
      for (const c of r.checks) console.log(`  ${c.met ? 'met ' : 'FAIL'}  ${c.description}: required ${c.required}, achieved ${c.achieved}`);
    });
}
