/**
 * Issue 18's table in one go: runs bench/sessions/run.ts once per row group, one after another, each with pgbench in
 * the same run, and prints one combined table of figures, targets and verdicts.
 *   node --import tsx bench/sessions/suite.ts [--only pace,burst-cold,burst-waiting-room,stress]
 *       [--pace-sessions 10000] [--window-s 60] [--pace-duration-s 120]
 *       [--burst-sessions 5000] [--burst-duration-s 20] [--stress-sessions 5000] [--stress-duration-s 60]
 *       [--quiet-wait-s 900] [--other-bench-wait-s 1200] ... (the options listed in PASS_THROUGH go to every run)
 * The runs:
 *   pace                10,000 candidates started spread over 60 s, then held at exam pace: live sessions, answer
 *                       acks against the pgbench target, memory per session, the 60-s start window, transactions per
 *                       start, admissions (the setup admits all 10,000);
 *   burst-cold          5,000 starts at the same instant, each opening its socket after the REST start;
 *   burst-waiting-room  5,000 starts at the same instant with the sockets already open and greeted;
 *   stress              answers closed-loop, durable answers/s against pgbench's one-row tps.
 * Each run is saved in the results file under `issue18-<run>`; the combined table under `suites.issue18`.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { printTable, type Figure } from './figures.ts';
import { log } from '../lib/server-process.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const PASS_THROUGH = ['quiet-wait-s', 'quiet-threshold', 'other-bench-wait-s', 'admin-url', 'workers', 'setup-concurrency', 'per-center', 'xact-baseline-s', 'server-root', 'label'] as const;
const PASS_THROUGH_FLAGS = ['server-cpu-prof', 'server-trace-gc', 'no-pgbench', 'no-inspect-gc'] as const;

const { values: args } = parseArgs({
  options: {
    only: { type: 'string', default: 'pace,burst-cold,burst-waiting-room,stress' },
    'pace-sessions': { type: 'string', default: '10000' },
    'window-s': { type: 'string', default: '60' },
    'pace-duration-s': { type: 'string', default: '120' },
    'burst-sessions': { type: 'string', default: '5000' },
    'burst-duration-s': { type: 'string', default: '20' },
    'stress-sessions': { type: 'string', default: '5000' },
    'stress-duration-s': { type: 'string', default: '60' },
    // Stress does not measure the start; spreading it avoids a 30-s burst before the load.
    'stress-start-window-s': { type: 'string', default: '30' },
    out: { type: 'string', default: path.join(ROOT, 'bench', 'results', 'sessions.json') },
    ...Object.fromEntries(PASS_THROUGH.map((k) => [k, { type: 'string' as const }])),
    ...Object.fromEntries(PASS_THROUGH_FLAGS.map((k) => [k, { type: 'boolean' as const }])),
  },
});

interface RunSpec {
  name: string;
  title: string;
  args: string[];
  /** Figure ids (figures.ts) this run contributes to the combined table. */
  figures: string[];
}

const startFigures = ['start-to-first-item', 'start-queue', 'start-errors', 'listen-overflows', 'xact-per-start'];
const SPECS: RunSpec[] = [
  {
    name: 'pace',
    title: `pace ${args['pace-sessions']}, started over ${args['window-s']} s`,
    args: ['--mode', 'pace', '--sessions', args['pace-sessions']!, '--start-window-s', args['window-s']!, '--duration-s', args['pace-duration-s']!],
    figures: ['pgbench-commit', 'sessions-held', 'ack', 'memory-rss', 'memory-gc', ...startFigures, 'admissions', 'admissions-flat', 'durability'],
  },
  {
    name: 'burst-cold',
    title: `burst ${args['burst-sessions']} cold`,
    args: ['--mode', 'pace', '--sessions', args['burst-sessions']!, '--start-flow', 'cold', '--duration-s', args['burst-duration-s']!],
    figures: ['pgbench-commit', ...startFigures, 'durability'],
  },
  {
    name: 'burst-waiting-room',
    title: `burst ${args['burst-sessions']} waiting room`,
    args: ['--mode', 'pace', '--sessions', args['burst-sessions']!, '--start-flow', 'waiting-room', '--duration-s', args['burst-duration-s']!],
    figures: ['pgbench-commit', ...startFigures, 'durability'],
  },
  {
    name: 'stress',
    title: `stress ${args['stress-sessions']}`,
    args: ['--mode', 'stress', '--sessions', args['stress-sessions']!, '--start-window-s', args['stress-start-window-s']!, '--duration-s', args['stress-duration-s']!],
    figures: ['pgbench-commit', 'stress-vs-pgbench', 'memory-rss', 'memory-gc', 'durability'],
  },
];

const given = args as Record<string, string | boolean | undefined>;
const passThrough = [
  ...PASS_THROUGH.flatMap((k) => (given[k] !== undefined ? [`--${k}`, String(given[k])] : [])),
  ...PASS_THROUGH_FLAGS.flatMap((k) => (given[k] ? [`--${k}`] : [])),
];

function runOne(spec: RunSpec, key: string): Promise<number | null> {
  const argv = ['--import', 'tsx', path.join(import.meta.dirname, 'run.ts'), ...spec.args, ...passThrough, '--key', key, '--out', args.out!];
  log(`suite: ${spec.title}: node --import tsx bench/sessions/run.ts ${argv.slice(3).join(' ')}`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, argv, { cwd: ROOT, stdio: 'inherit' });
    const forward = (sig: NodeJS.Signals) => child.kill(sig);
    process.once('SIGINT', forward);
    process.once('SIGTERM', forward);
    child.on('exit', (code) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code);
    });
  });
}

type ResultsFile = { runs?: Record<string, { date?: string; figures?: Figure[] }>; suites?: Record<string, unknown>; [other: string]: unknown };
const readResults = (): ResultsFile => (existsSync(args.out!) ? (JSON.parse(readFileSync(args.out!, 'utf8')) as ResultsFile) : {});

async function main() {
  const wanted = new Set(args.only!.split(','));
  const unknown = [...wanted].filter((w) => !SPECS.some((s) => s.name === w));
  if (unknown.length) throw new Error(`--only: unknown runs ${unknown.join(', ')} (known: ${SPECS.map((s) => s.name).join(', ')})`);
  const started = new Date().toISOString();
  const outcomes: { run: string; key: string; title: string; exitCode: number | null }[] = [];
  for (const spec of SPECS.filter((s) => wanted.has(s.name))) {
    const key = `issue18-${spec.name}`;
    outcomes.push({ run: spec.name, key, title: spec.title, exitCode: await runOne(spec, key) });
  }

  const file = readResults();
  const rows: string[][] = [];
  for (const o of outcomes) {
    const spec = SPECS.find((s) => s.name === o.run)!;
    const result = file.runs?.[o.key];
    // A run that failed leaves no fresh entry: say so instead of showing an older run's figures.
    if (o.exitCode !== 0 || !result?.figures || (result.date ?? '') < started) {
      rows.push([o.title, `run failed (exit ${o.exitCode})`, '-', '-', 'MISSED']);
      continue;
    }
    for (const id of spec.figures) for (const f of result.figures.filter((x) => x.id === id)) rows.push([o.title, f.figure, f.measured, f.target, f.verdict]);
  }
  console.log(`\nIssue 18 suite (${outcomes.map((o) => o.title).join('; ')}), ${started}\n`);
  printTable(['run', 'figure', 'measured', 'target', 'verdict'], rows);
  const missed = rows.filter((r) => r[4] === 'MISSED').length;
  console.log(`\n${rows.filter((r) => r[4] === 'met').length} met, ${missed} missed`);

  file.suites = { ...(file.suites ?? {}), issue18: { date: started, finished: new Date().toISOString(), runs: outcomes, table: rows.map(([run, figure, measured, target, verdict]) => ({ run, figure, measured, target, verdict })) } };
  writeFileSync(args.out!, JSON.stringify(file, null, 1) + '\n');
  log(`wrote ${path.relative(process.cwd(), args.out!)} (suites.issue18 and runs issue18-*)`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
