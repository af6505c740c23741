import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { MODULE_CODES, type ModuleCode } from '../../../shared/vocabulary.ts';
import type { ImportSummary } from '../../../shared/api/item-bank.ts';
import type { Problem } from '../../../shared/errors.ts';
import { formatProblem } from '../modules/item-bank/domain/bank-validation.ts';
import { convertUpload, relocateProblems } from '../modules/item-bank/domain/upload-conversion.ts';
import { emptySnapshot } from '../modules/item-bank/domain/bank-snapshot.ts';
import { validateBankSources } from '../modules/item-bank/domain/bank-validation.ts';
import { CliFailure, withServices } from './cli-context.ts';
import { readBankImages } from '../modules/item-bank/bank-image-files.ts';
import { sha256Hex } from '../modules/item-bank/item-bank.service.ts';
import { progressBar } from './progress.ts';

async function readFiles(files: string[]) {
  return Promise.all(
    files.map(async (name) => {
      try {
        return { name, bytes: new Uint8Array(await readFile(name)) };
      } catch (e) {
        throw new CliFailure(`error: cannot read ${name}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
      }
    }),
  );
}

/** Bank JSON, CSV and QTI files alike become bank sources; conversion problems are reported with validation's. */
async function readSources(files: string[], lenient = false) {
  const conversions = (await readFiles(files)).map((f) => convertUpload(f, { lenient }));
  // A bank JSON file's items name their images by paths relative to it.
  for (const [i, c] of conversions.entries()) {
    if (c.format === 'json') c.sources = await Promise.all(c.sources.map(async (s) => ({ ...s, files: await readBankImages(files[i]!, s.text) })));
  }
  return {
    sources: conversions.flatMap((c) => c.sources),
    conversionProblems: conversions.flatMap((c) => c.problems),
    skipped: conversions.flatMap((c) => c.skipped),
    relocate: (ps: Problem[]) => conversions.reduce((acc, c) => relocateProblems(acc, c), ps),
  };
}

function summaryLine(s: ImportSummary): string {
  return `${s.itemsNew} new, ${s.itemsChanged} changed (new version), ${s.itemsUnchanged} unchanged, ${s.itemsStatusChanged} status changed, ${s.itemsRetired} retired; ${s.catalogsNew} new KWA catalogs, ${s.blueprintsNew} new blueprints, ${s.enemyGroupsChanged} enemy groups new or changed`;
}

export function registerBankCommands(program: Command): void {
  const bank = program.command('bank').description('Validate, import and export item-bank files');

  bank
    .command('validate')
    .description('Check bank files and report every problem with its location; exits 1 if there are any')
    .argument('<files...>', 'bank files (validated together)')
    .option('--against-bank', 'also check against the bank in the configured database')
    .option('--lenient', 'QTI: skip (and list) items that cannot be converted instead of failing')
    .option('--json', 'print the result as JSON')
    .action(async (files: string[], opts: { againstBank?: boolean; json?: boolean; lenient?: boolean }) => {
      const read = await readSources(files, opts.lenient);
      const validated = opts.againstBank ? await withServices((s) => s.itemBank.validate(read.sources)) : validateBankSources(read.sources, emptySnapshot(), { sha256: sha256Hex });
      const problems = [...read.conversionProblems, ...read.relocate(validated.ok ? [] : validated.problems)];
      const result = problems.length ? ({ ok: false, problems } as const) : validated;
      for (const s of read.skipped) console.log(`skipped: ${s.file}${s.itemId ? ` item ${s.itemId}` : ''}: ${s.reason}`);
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
    .option('--lenient', 'QTI: skip (and list) items that cannot be converted instead of failing')
    .action(async (files: string[], opts: { dryRun?: boolean; lenient?: boolean }) => {
      const read = await readSources(files, opts.lenient);
      for (const s of read.skipped) console.log(`skipped: ${s.file}${s.itemId ? ` item ${s.itemId}` : ''}: ${s.reason}`);
      await withServices(async (s) => {
        const bar = progressBar('importing items');
        try {
          const r = await s.itemBank.importSources(null, read.sources, { dryRun: opts.dryRun, onProgress: bar.update, conversionProblems: read.conversionProblems, relocate: read.relocate });
          bar.stop();
          const verb = r.dryRun ? 'would import' : r.changed ? `imported as bank revision ${r.revision}` : 'no change';
          console.log(`${verb}: ${summaryLine(r.plan.summary)}`);
          for (const b of r.blueprints) {
            const changes = b.diff.filter((d) => d.field !== 'version').map((d) => `${d.field} ${d.from ?? '–'} → ${d.to ?? '–'}`);
            console.log(`blueprint ${b.module}@${b.version} ${r.dryRun ? 'would replace' : 'replaces'} the live ${b.liveVersion ?? '(none)'}${changes.length ? `: ${changes.join(', ')}` : ''}`);
          }
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
    .option('--format <format>', 'json (the bank format), qti (a QTI 3.0 content package, needs --out) or csv', 'json')
    .action(async (opts: { module?: string; out?: string; format: string }) => {
      if (opts.module && !MODULE_CODES.includes(opts.module as ModuleCode)) throw new CliFailure(`error: --module must be one of ${MODULE_CODES.join(', ')}`);
      if (!['json', 'qti', 'csv'].includes(opts.format)) throw new CliFailure('error: --format must be json, qti or csv');
      if (opts.format === 'qti' && !opts.out) throw new CliFailure('error: a QTI package is a zip file: give --out FILE.zip');
      const module = opts.module as ModuleCode | undefined;
      const out = await withServices(async (s) => (opts.format === 'json' ? JSON.stringify(await s.itemBank.exportBank(module), null, 2) + '\n' : s.itemBank.exportAs(opts.format as 'qti' | 'csv', module)));
      if (opts.out) await writeFile(opts.out, out);
      else process.stdout.write(out);
    });
}
