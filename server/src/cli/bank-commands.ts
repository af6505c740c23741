import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { MODULE_CODES, type ModuleCode } from '../../../shared/vocabulary.ts';
import { formatProblem } from '../modules/item-bank/domain/bank-validation.ts';
import { emptySnapshot } from '../modules/item-bank/domain/bank-snapshot.ts';
import { validateBankSources } from '../modules/item-bank/domain/bank-validation.ts';
import { CliFailure, withServices } from './cli-context.ts';
import { progressBar } from './progress.ts';

async function readSources(files: string[]) {
  return Promise.all(
    files.map(async (name) => {
      try {
        return { name, text: await readFile(name, 'utf8') };
      } catch (e) {
        throw new CliFailure(`error: cannot read ${name}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
      }
    }),
  );
}

function summaryLine(s: Record<string, number>): string {
  return `${s.itemsNew} new, ${s.itemsChanged} changed (new version), ${s.itemsUnchanged} unchanged, ${s.itemsStatusChanged} status changed, ${s.itemsRetired} retired; ${s.catalogsNew} new KWA catalogs, ${s.blueprintsNew} new blueprints, ${s.enemyGroupsChanged} enemy groups new or changed`;
}

export function registerBankCommands(program: Command): void {
  const bank = program.command('bank').description('Validate, import and export item-bank files');

  bank
    .command('validate')
    .description('Check bank files and report every problem with its location; exits 1 if there are any')
    .argument('<files...>', 'bank files (validated together)')
    .option('--against-bank', 'also check against the bank in the configured database')
    .option('--json', 'print the result as JSON')
    .action(async (files: string[], opts: { againstBank?: boolean; json?: boolean }) => {
      const sources = await readSources(files);
      const result = opts.againstBank ? await withServices((s) => s.itemBank.validate(sources)) : validateBankSources(sources, emptySnapshot());
      if (opts.json) {
        console.log(JSON.stringify(result.ok ? { ok: true, summary: result.plan.summary } : { ok: false, problems: result.problems }, null, 2));
      } else if (result.ok) {
        console.log(`ok: ${files.join(', ')} — ${summaryLine(result.plan.summary)}`);
      } else {
        for (const p of result.problems) console.log(formatProblem(p));
        console.log(`${result.problems.length} problem${result.problems.length === 1 ? '' : 's'} found`);
      }
      if (!result.ok) process.exitCode = 1;
    });

  bank
    .command('import')
    .description('Import bank files in one transaction: any problem means nothing is written')
    .argument('<files...>', 'bank files')
    .option('--dry-run', 'show what would change without writing')
    .action(async (files: string[], opts: { dryRun?: boolean }) => {
      const sources = await readSources(files);
      await withServices(async (s) => {
        const bar = progressBar('importing items');
        try {
          const r = await s.itemBank.importSources(null, sources, { dryRun: opts.dryRun, onProgress: bar.update });
          bar.stop();
          const verb = r.dryRun ? 'would import' : r.changed ? `imported as bank revision ${r.revision}` : 'no change';
          console.log(`${verb}: ${summaryLine(r.plan.summary)}`);
        } catch (e) {
          bar.stop();
          throw e;
        }
      });
    });

  bank
    .command('export')
    .description('Write the bank (or one module) as a bank file')
    .option('--module <code>', `one module: ${MODULE_CODES.join(', ')}`)
    .option('-o, --out <file>', 'write to a file instead of standard output')
    .action(async (opts: { module?: string; out?: string }) => {
      if (opts.module && !MODULE_CODES.includes(opts.module as ModuleCode)) throw new CliFailure(`error: --module must be one of ${MODULE_CODES.join(', ')}`);
      const file = await withServices((s) => s.itemBank.exportBank(opts.module as ModuleCode | undefined));
      const text = JSON.stringify(file, null, 2) + '\n';
      if (opts.out) await writeFile(opts.out, text);
      else process.stdout.write(text);
    });
}
