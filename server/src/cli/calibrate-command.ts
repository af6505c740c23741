/**
 * `cpt-exam calibrate`: Rasch calibration of a response matrix in CSV (docs/measurement.md §2). Reads the files, hands
 * the text to the pure domain, prints a table or JSON. Needs no database.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parseAnchors, parseScoredMatrix, renderCalibrationReport, scoreResponses } from '../modules/psychometrics/domain/calibration-input.ts';
import { calibrateRasch, CalibrationError, type RaschData } from '../modules/psychometrics/domain/rasch.ts';
import { formatCsvProblem, parseResponseMatrix, type CsvProblem, type CsvSource } from '../modules/psychometrics/domain/response-matrix-csv.ts';
import { CliFailure } from './cli-context.ts';

interface CalibrateOptions {
  responses: string;
  key?: string;
  scored?: boolean;
  anchors?: string;
  options?: string;
  json?: boolean;
  persons?: boolean;
}

async function readSource(name: string): Promise<CsvSource> {
  try {
    return { name, text: await readFile(name, 'utf8') };
  } catch (e) {
    throw new CliFailure(`error: cannot read ${name}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
}

function fail(problems: CsvProblem[], what: string): never {
  const n = problems.length;
  throw new CliFailure([...problems.map(formatCsvProblem), `${n} problem${n === 1 ? '' : 's'} found; ${what}`].join('\n'));
}

export function registerCalibrateCommand(program: Command): void {
  program
    .command('calibrate')
    .description('Rasch calibration (conditional maximum likelihood) of a CSV response matrix: difficulties, SEs, infit/outfit, abilities, reliability')
    .requiredOption('--responses <file>', 'CSV: header candidate,ITEM-1,...; one row per candidate; cells A-E (with a key) or 1/0 (--scored); . or - = not presented')
    .option('--key <file>', 'the key, if the responses have no KEY row: item,key lines, or the same header plus a KEY row')
    .option('--scored', 'the cells are already scored: 1 correct, 0 incorrect (no key)')
    .option('--anchors <file>', 'item,difficulty lines: hold these difficulties fixed and put the other items on their scale')
    .option('--options <letters>', 'option ids of every item, or "observed" (as for cpt-exam stats)')
    .option('--persons', 'also print every person: raw score, ability (MLE and WLE) and SE')
    .option('--json', 'print the full result as JSON')
    .action(async (opts: CalibrateOptions) => {
      const responses = await readSource(opts.responses);
      let data: RaschData;
      if (opts.scored) {
        if (opts.key) throw new CliFailure('error: --key and --scored exclude each other (scored cells need no key)');
        const parsed = parseScoredMatrix(responses);
        if (!parsed.ok) fail(parsed.problems, 'nothing calibrated');
        data = parsed.data;
      } else {
        const key = opts.key ? await readSource(opts.key) : undefined;
        const parsed = parseResponseMatrix(responses, key, { options: opts.options });
        if (!parsed.ok) fail(parsed.problems, 'nothing calibrated');
        data = scoreResponses(parsed.items, parsed.rows);
      }
      let anchors: Record<string, number> | undefined;
      if (opts.anchors) {
        const parsed = parseAnchors(await readSource(opts.anchors));
        if (!parsed.ok) fail(parsed.problems, 'nothing calibrated');
        anchors = parsed.anchors;
      }
      let result;
      try {
        result = calibrateRasch(data, { anchors });
      } catch (e) {
        if (e instanceof CalibrationError) throw new CliFailure(`error: ${e.message}`);
        throw e;
      }
      if (opts.json) console.log(JSON.stringify(result, null, 2));
      else console.log(renderCalibrationReport(result, { persons: opts.persons }).trimEnd());
    });
}
