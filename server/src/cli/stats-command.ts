/**
 * `cpt-exam stats`: classical item analysis of a response matrix in CSV (docs/item-analysis.md). Reads the files, hands
 * the text to the pure domain, prints a table or JSON. Needs no database.
 */
import { readFile } from 'node:fs/promises';
import { InvalidArgumentError, type Command } from 'commander';
import { renderAnalysisReport } from '../modules/psychometrics/domain/analysis-report.ts';
import { AnalysisInputError, analyzeResponses, DEFAULT_THRESHOLDS, type FlagThresholds } from '../modules/psychometrics/domain/item-analysis.ts';
import { DEFAULT_OPTION_LETTERS, formatCsvProblem, parseResponseMatrix, type CsvSource } from '../modules/psychometrics/domain/response-matrix-csv.ts';
import type { Problem } from '../../../shared/errors.ts';
import { CliFailure } from './cli-context.ts';

interface StatsOptions {
  responses: string;
  key?: string;
  json?: boolean;
  pMin?: number;
  pMax?: number;
  minRpb?: number;
  minDistractorShare?: number;
  options?: string;
  distractors?: boolean;
}

function number(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`'${value}' is not a number`);
  return n;
}

async function readSource(name: string): Promise<CsvSource> {
  try {
    return { name, text: await readFile(name, 'utf8') };
  } catch (e) {
    throw new CliFailure(`error: cannot read ${name}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
}

const THRESHOLD_FLAGS: Record<string, string> = {
  '/thresholds/pMin': '--p-min',
  '/thresholds/pMax': '--p-max',
  '/thresholds/minCorrectedPointBiserial': '--min-rpb',
  '/thresholds/minDistractorShare': '--min-distractor-share',
};

/** A threshold problem names the option the user typed: "--p-min: Too big: expected number to be <=1". */
function describe(p: Problem): string {
  const flag = THRESHOLD_FLAGS[p.pointer];
  return flag ? `${flag}: ${p.message.replace(/^threshold \S+: /, '')}` : p.message;
}

export function registerStatsCommand(program: Command): void {
  program
    .command('stats')
    .description('Classical item analysis of a CSV response matrix: p, point-biserials, D, distractors, KR-20, SEM, with review flags')
    .requiredOption('--responses <file>', 'CSV: header candidate,ITEM-1,...; one row per candidate; cells A-E, empty = omitted, . or - = not presented')
    .option('--key <file>', 'the key, if the responses have no KEY row: item,key lines, or the same header plus a KEY row')
    .option('--json', 'print the full result as JSON')
    .option('--p-min <number>', `flag TOO_HARD below this p (default ${DEFAULT_THRESHOLDS.pMin})`, number)
    .option('--p-max <number>', `flag TOO_EASY above this p (default ${DEFAULT_THRESHOLDS.pMax})`, number)
    .option('--min-rpb <number>', `flag LOW_DISCRIMINATION below this corrected point-biserial (default ${DEFAULT_THRESHOLDS.minCorrectedPointBiserial})`, number)
    .option('--min-distractor-share <number>', `flag a distractor chosen by fewer than this share (default ${DEFAULT_THRESHOLDS.minDistractorShare})`, number)
    .option('--options <letters>', `option ids of every item, or "observed" (letters seen in each column plus the key) (default ${DEFAULT_OPTION_LETTERS})`)
    .option('--distractors', 'also print the option table (count, share, point-biserial per option)')
    .action(async (opts: StatsOptions) => {
      const responses = await readSource(opts.responses);
      const key = opts.key ? await readSource(opts.key) : undefined;
      const parsed = parseResponseMatrix(responses, key, { options: opts.options });
      if (!parsed.ok) {
        const n = parsed.problems.length;
        throw new CliFailure([...parsed.problems.map(formatCsvProblem), `${n} problem${n === 1 ? '' : 's'} found; nothing analysed`].join('\n'));
      }
      const thresholds: Partial<FlagThresholds> = {
        pMin: opts.pMin,
        pMax: opts.pMax,
        minCorrectedPointBiserial: opts.minRpb,
        minDistractorShare: opts.minDistractorShare,
      };
      let result;
      try {
        result = analyzeResponses(parsed.items, parsed.rows, thresholds);
      } catch (e) {
        if (e instanceof AnalysisInputError) throw new CliFailure(e.problems.map((p) => `error: ${describe(p)}`).join('\n'));
        throw e;
      }
      if (opts.json) console.log(JSON.stringify(result, null, 2));
      else console.log(renderAnalysisReport(result, { distractors: opts.distractors }).trimEnd());
    });
}
