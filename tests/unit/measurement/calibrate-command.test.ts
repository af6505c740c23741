import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerCalibrateCommand } from '../../../server/src/cli/calibrate-command.ts';

let stdout: string[];
beforeEach(() => {
  stdout = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void stdout.push(args.join(' ')));
});
afterEach(() => vi.restoreAllMocks());

async function calibrate(...args: string[]): Promise<string> {
  const program = new Command('cpt-exam').exitOverride().configureOutput({ writeOut: (s) => void stdout.push(s), writeErr: () => {} });
  registerCalibrateCommand(program);
  await program.parseAsync(['calibrate', ...args], { from: 'user' });
  return stdout.join('\n');
}
async function failure(...args: string[]): Promise<string> {
  try {
    await calibrate(...args);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the command to fail');
}
const tmp = mkdtempSync(join(tmpdir(), 'calibrate-'));
const file = (name: string, text: string) => {
  writeFileSync(join(tmp, name), text);
  return join(tmp, name);
};

describe('cpt-exam calibrate', () => {
  it('a lettered matrix with its KEY row (LSAT6): the item table with the reference difficulties', async () => {
    const out = await calibrate('--responses', 'tests/fixtures/psychometrics/lsat6.csv');
    expect(out).toMatch(/^Q1\s+estimated\s+1000\s+0\.924\s+-1\.256\s+0\.104\s+0\.83\s+0\.80$/m);
    expect(out).toMatch(/^Q3\s+estimated\s+1000\s+0\.553\s+1\.236\s+0\.069/m);
    expect(out).toContain('301 person(s) with a zero or perfect score');
  });

  it('a scored 0/1 matrix as JSON, the same numbers as the reference implementation', async () => {
    const result = JSON.parse(await calibrate('--responses', 'tests/fixtures/measurement/loft-sim.csv', '--scored', '--json'));
    const ref = JSON.parse(readFileSync('tests/fixtures/measurement/loft-sim.reference.json', 'utf8'));
    expect(result.items.map((i: { difficulty: number }) => i.difficulty.toFixed(3))).toEqual(ref.items.map((i: { difficulty: number }) => i.difficulty.toFixed(3)));
    expect(result.persons).toHaveLength(300);
  });

  it('anchors put the other items on their scale; --persons lists abilities', async () => {
    const anchors = file('anchors.csv', 'item,difficulty\nI01,-1.5\nI02,-1.0\nI03,-0.6\nI04,-0.3\nI05,0\nI06,0.2\nI07,0.5\n');
    const out = await calibrate('--responses', 'tests/fixtures/measurement/loft-sim.csv', '--scored', '--anchors', anchors, '--persons');
    expect(out).toMatch(/^I08\s+estimated\s+\d+\s+[\d.]+\s+0\.706\s+0\.172/m);
    expect(out).toMatch(/^I01\s+anchored\s+\d+\s+[\d.]+\s+-1\.500\s+0\.000/m);
    expect(out).toMatch(/^p001\s+(estimated|zero-score|perfect-score)\s+\d+\s+7\s/m);
    expect(out).toContain('scale: fixed by the anchored items');
  });

  it('bad input: every problem located, nothing calibrated', async () => {
    const bad = file('bad.csv', 'candidate,A,B\nc1,1,x\nc2,0\n');
    const msg = await failure('--responses', bad, '--scored');
    expect(msg).toContain(`${bad} line 2, column B: 'x' is not a score (1, 0, or . for not presented)`);
    expect(msg).toContain(`${bad} line 3: 2 cells where the header has 3`);
    expect(msg).toContain('2 problems found; nothing calibrated');
    expect(await failure('--responses', join(tmp, 'missing.csv'))).toMatch(/cannot read .*missing\.csv: no such file/);
    const anchors = file('a.csv', 'X9,1\n');
    expect(await failure('--responses', 'tests/fixtures/measurement/loft-sim.csv', '--scored', '--anchors', anchors)).toBe('error: anchor X9 is not among the items');
    expect(await failure('--responses', 'tests/fixtures/measurement/loft-sim.csv', '--scored', '--key', anchors)).toContain('--key and --scored exclude each other');
  });
});
