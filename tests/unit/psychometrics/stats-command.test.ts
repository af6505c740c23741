import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CliFailure } from '../../../server/src/cli/cli-context.ts';
import { registerStatsCommand } from '../../../server/src/cli/stats-command.ts';
import { analyzeResponses, type AnalysisResult } from '../../../server/src/modules/psychometrics/domain/item-analysis.ts';
import { parseResponseMatrix } from '../../../server/src/modules/psychometrics/domain/response-matrix-csv.ts';

const DIR = 'tests/fixtures/psychometrics';

let stdout: string[];
let stderr: string[];

beforeEach(() => {
  stdout = [];
  stderr = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void stdout.push(args.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void stderr.push(args.join(' ')));
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** Runs `cpt-exam stats ...args` in-process, as main.ts would (exitOverride: errors are thrown, not exits). */
async function stats(...args: string[]): Promise<string> {
  const program = new Command('cpt-exam').exitOverride().configureOutput({ writeOut: (s) => void stdout.push(s), writeErr: (s) => void stderr.push(s) });
  registerStatsCommand(program);
  await program.parseAsync(['stats', ...args], { from: 'user' });
  return stdout.join('\n');
}

async function failure(...args: string[]): Promise<Error> {
  try {
    await stats(...args);
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the command to fail');
}

describe('cpt-exam stats', () => {
  it('prints the item table, the flags and the form summary', async () => {
    const out = await stats('--responses', `${DIR}/small.csv`);
    const lines = out.split('\n');
    expect(lines[0]).toMatch(/^item\s+key\s+N\s+p\s+r_pb\s+r_pb corr\s+D\s+omit\s+flags$/);
    expect(lines.find((l) => l.startsWith('Q1 '))).toMatch(/^Q1\s+A\s+10\s+0\.600\s+0\.683\s+0\.408\s+0\.800\s+0\.000\s+DISTRACTOR_POSITIVE\(C\)$/);
    expect(lines.find((l) => l.startsWith('Q6 '))).toMatch(
      /^Q6\s+B\s+10\s+0\.500\s+-0\.073\s+-0\.401\s+-0\.200\s+0\.000\s+LOW_DISCRIMINATION DISTRACTOR_POSITIVE\(C\) PROBABLE_MISKEY NONFUNCTIONAL_DISTRACTOR\(D\)$/,
    );
    expect(out).toContain('Q6 warning PROBABLE_MISKEY: Probable miskey: the key B correlates negatively');
    expect(out).toContain('  candidates 10, items 6\n');
    expect(out).toContain('  mean 2.900, SD 1.375 (population), KR-20 0.267, SEM 1.177\n');
    expect(out).toContain('  score distribution: 0:1 1:1 2:0 3:5 4:2 5:1 6:0\n');
    expect(out).not.toContain('Options (');
    expect(stderr).toEqual([]);
  });

  it('prints the option table with --distractors', async () => {
    const out = await stats('--responses', `${DIR}/small.csv`, '--distractors');
    expect(out).toMatch(/\n {2}Q6\s+C\s+4\s+0\.400\s+0\.505\n/);
    expect(out).toMatch(/\n {2}Q6\s+B\*\s+5\s+0\.500\s+-0\.073\n/);
    expect(out).toMatch(/\n {2}Q6\s+D\s+0\s+0\.000\s+—\n/);
  });

  it('--json prints the whole result, equal to the domain call', async () => {
    const out = await stats('--responses', `${DIR}/small.csv`, '--json');
    const parsed = parseResponseMatrix({ name: 'x', text: readFileSync(`${DIR}/small.csv`, 'utf8') });
    if (!parsed.ok) throw new Error('fixture');
    expect(JSON.parse(out)).toEqual(JSON.parse(JSON.stringify(analyzeResponses(parsed.items, parsed.rows))));
  });

  it('reads the published LSAT data (KR-20 0.295)', async () => {
    const out = await stats('--responses', `${DIR}/lsat6.csv`);
    expect(out).toMatch(/^Q1\s+A\s+1000\s+0\.924\s/m);
    expect(out).toContain('KR-20 0.295');
    expect(out).not.toContain('caution');
  });

  it('takes the key from --key: item,key lines or a header plus a KEY row', async () => {
    const reference = JSON.parse(await stats('--responses', `${DIR}/small.csv`, '--json')) as AnalysisResult;
    for (const key of ['small-key.csv', 'small-key-row.csv']) {
      stdout = [];
      const r = JSON.parse(await stats('--responses', `${DIR}/small-nokey.csv`, '--key', `${DIR}/${key}`, '--json')) as AnalysisResult;
      expect(r).toEqual(reference);
    }
  });

  it('applies --p-min, --p-max, --min-rpb and --min-distractor-share', async () => {
    const r = JSON.parse(
      await stats('--responses', `${DIR}/small.csv`, '--json', '--p-min', '0.45', '--p-max', '0.55', '--min-rpb', '0.5', '--min-distractor-share', '0.15'),
    ) as AnalysisResult;
    expect(r.thresholds).toEqual({ pMin: 0.45, pMax: 0.55, minCorrectedPointBiserial: 0.5, minDistractorShare: 0.15 });
    const codes = (id: string) => r.items.find((s) => s.itemId === id)!.flags.map((f) => f.code);
    expect(codes('Q1')).toContain('TOO_EASY');
    expect(codes('Q4')).toContain('TOO_HARD');
    expect(r.items.every((s) => s.flags.some((f) => f.code === 'LOW_DISCRIMINATION'))).toBe(true);
    expect(r.items[0]!.flags.filter((f) => f.code === 'NONFUNCTIONAL_DISTRACTOR').map((f) => f.optionId)).toEqual(['C', 'D']);
  });

  it('reports every bad row and cell with line and column, and prints nothing else', async () => {
    const e = await failure('--responses', `${DIR}/bad.csv`);
    expect(e).toBeInstanceOf(CliFailure);
    expect(e.message.split('\n')).toEqual([
      `${DIR}/bad.csv line 5: 3 cells, but the header has 4 columns`,
      `${DIR}/bad.csv line 6, column ITEM-1: 'E' is not an option (A-D)`,
      `${DIR}/bad.csv line 7, column ITEM-3: 'F' is not an option (A-D)`,
      '3 problems found; nothing analysed',
    ]);
    expect(stdout).toEqual([]);
  });

  it('fails on a missing file, two keys and bad thresholds', async () => {
    expect((await failure('--responses', `${DIR}/nope.csv`)).message).toBe(`error: cannot read ${DIR}/nope.csv: no such file`);
    expect((await failure('--responses', `${DIR}/small.csv`, '--key', `${DIR}/small-key.csv`)).message).toContain('a KEY row, but a key file');
    const range = await failure('--responses', `${DIR}/small.csv`, '--p-min', '1.5');
    expect(range).toBeInstanceOf(CliFailure);
    expect(range.message).toBe('error: --p-min: Too big: expected number to be <=1\nerror: --p-min: must not be greater than pMax');
    const nan = await failure('--responses', `${DIR}/small.csv`, '--min-rpb', 'high');
    expect(nan).toBeInstanceOf(CommanderError);
    expect(stderr.join('')).toContain("'high' is not a number");
    expect(await failure()).toBeInstanceOf(CommanderError);
    expect(stderr.join('')).toContain("required option '--responses <file>' not specified");
    expect(stdout).toEqual([]);
  });
});
