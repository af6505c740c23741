/**
 * Summarizes a V8 .cpuprofile (node --cpu-prof, written by `run.ts --server-cpu-prof`): self time by package or
 * source area and by function, plus inclusive time of product functions (bench/lib/cpu-profile.ts).
 *   node --import tsx bench/sessions/profile-summary.ts <file.cpuprofile> [--top 30] [--from-s S --to-s S]
 */
import { parseArgs } from 'node:util';
import { summarizeProfileWindow } from '../lib/cpu-profile.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  // --from-s/--to-s: only samples in this window, seconds since the profile started (run.ts records each phase's
  // offset from the server's spawn in parameters.phaseOffsetsS; the profile starts within a second of the spawn).
  options: { top: { type: 'string', default: '30' }, 'from-s': { type: 'string', default: '0' }, 'to-s': { type: 'string', default: '1e9' } },
});
const file = positionals[0];
if (!file) throw new Error('usage: profile-summary.ts <file.cpuprofile> [--top N] [--from-s S --to-s S]');
const s = summarizeProfileWindow(file, Number(values['from-s']) * 1e6, Number(values['to-s']) * 1e6, Number(values.top), true);
const list = (title: string, rows: [string, number][]) => {
  console.log(`\n${title}`);
  for (const [k, pct] of rows) console.log(`  ${pct.toFixed(1).padStart(5)}%  ${k}`);
};
console.log(`${file}\nprofile ${s.profileWallS} s wall; window ${values['from-s']}..${values['to-s']} s: ${s.sampledS} s sampled, main thread busy ${s.busyPercent}%`);
list('self time by area', s.selfByArea);
list('self time by function', s.selfByFunction);
list('inclusive time of product functions', s.inclusive);
