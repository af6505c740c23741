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

function printRelease(r: { dryRun: boolean; release: { id: string; modules: string[]; itemCount: number } | null; diff: { field: string; from: unknown; to: unknown }[]; itemDiff: { added: string[]; removed: string[]; changed: unknown[] } }, name: string): void {
  const counts = `${r.itemDiff.added.length} items added, ${r.itemDiff.removed.length} removed, ${r.itemDiff.changed.length} changed`;
  if (r.dryRun || !r.release) console.log(`release "${name}" would be approved: ${counts}`);
  else console.log(`release "${name}" (${r.release.id}) approved and current for ${r.release.modules.join(', ')}: ${r.release.itemCount} items; ${counts}`);
  for (const d of r.diff) console.log(`  ${d.field}: ${d.from ?? '–'} → ${d.to ?? '–'}`);
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
    .option('--release <name>', "then make an approved bank release of the imported files' modules (exams draw from it)")
    .action(async (files: string[], opts: { dryRun?: boolean; lenient?: boolean; release?: string }) => {
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
          if (opts.release) {
            const modules = MODULE_CODES.filter((m) => r.plan.items.some((p) => p.item.module === m) || r.plan.blueprints.some((b) => b.blueprint.module === m) || r.plan.modules.some((d) => d.definition.code === m));
            if (r.dryRun) console.log(`would then make the approved release "${opts.release}" of ${modules.join(', ')}`);
            else printRelease(await s.itemBank.proposeRelease(null, { name: opts.release, modules }), opts.release);
          }
        } catch (e) {
          bar.stop();
          throw e;
        }
      });
    });

  bank
    .command('release')
    .description("Make an approved bank release (the operator's, audited): new exams of its modules draw only from its pinned item versions and blueprints")
    .argument('<name>', 'a name never used before, e.g. "2026 spring"')
    .option('--module <code...>', `modules (default: every module in the bank): ${MODULE_CODES.join(', ')}`)
    .option('--notes <text>', 'why, for the record')
    .option('--dry-run', 'show what it would change against the current release, without writing')
    .action(async (name: string, opts: { module?: string[]; notes?: string; dryRun?: boolean }) => {
      const bad = (opts.module ?? []).filter((m) => !MODULE_CODES.includes(m as ModuleCode));
      if (bad.length) throw new CliFailure(`error: --module must be one of ${MODULE_CODES.join(', ')} (not ${bad.join(', ')})`);
      const r = await withServices((s) => s.itemBank.proposeRelease(null, { name, modules: opts.module as ModuleCode[] | undefined, notes: opts.notes, dryRun: !!opts.dryRun }));
      printRelease(r, name);
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
