/**
 * CPU accounting for the proctoring bench: the server, each load generator, this parent, PostgreSQL (shared processes
 * plus the backends of the bench database only) and everything else on the machine.
 */
import { cpuSeconds, machineJiffies, postgresCpu } from '../lib/proc-stats.ts';

export interface Snapshot {
  at: number;
  procs: Record<string, number>;
  postgres: Map<number, number>;
  machine: ReturnType<typeof machineJiffies>;
}

export function snapshot(pids: Record<string, number>, database: string): Snapshot {
  const procs: Record<string, number> = {};
  for (const [k, pid] of Object.entries(pids)) procs[k] = cpuSeconds(pid) ?? 0;
  return { at: performance.now(), procs, postgres: postgresCpu(database), machine: machineJiffies() };
}

export interface CpuWindow {
  seconds: number;
  /** Cores (1.0 = one core busy) per named process. */
  cores: Record<string, number>;
  postgresCores: number;
  machineBusyCores: number;
  /** Busy cores not accounted to this benchmark. */
  otherCores: number;
}

const r2 = (x: number) => Math.round(x * 100) / 100;

/** CPU between two snapshots. A backend that appeared in between counts in full; one that exited loses its last window. */
export function between(a: Snapshot, b: Snapshot): CpuWindow {
  const secs = (b.at - a.at) / 1000;
  const cores: Record<string, number> = {};
  let ours = 0;
  for (const k of Object.keys(b.procs)) {
    const d = Math.max(0, b.procs[k]! - (a.procs[k] ?? 0));
    cores[k] = r2(d / secs);
    ours += d;
  }
  let pg = 0;
  for (const [pid, s] of b.postgres) pg += Math.max(0, s - (a.postgres.get(pid) ?? 0));
  ours += pg;
  const jt = b.machine.total - a.machine.total;
  const busy = jt > 0 ? ((b.machine.busy - a.machine.busy) / jt) * b.machine.cores : 0;
  return { seconds: r2(secs), cores, postgresCores: r2(pg / secs), machineBusyCores: r2(busy), otherCores: r2(Math.max(0, busy - ours / secs)) };
}

/** Time-weighted mean of consecutive windows (the whole-run figure, with backends that came and went counted). */
export function combine(windows: CpuWindow[]): CpuWindow {
  const total = windows.reduce((s, w) => s + w.seconds, 0) || 1;
  const avg = (f: (w: CpuWindow) => number) => r2(windows.reduce((s, w) => s + f(w) * w.seconds, 0) / total);
  const keys = new Set(windows.flatMap((w) => Object.keys(w.cores)));
  return {
    seconds: r2(total),
    cores: Object.fromEntries([...keys].map((k) => [k, avg((w) => w.cores[k] ?? 0)])),
    postgresCores: avg((w) => w.postgresCores),
    machineBusyCores: avg((w) => w.machineBusyCores),
    otherCores: avg((w) => w.otherCores),
  };
}

/** Waits (bounded) until at most `threshold` cores are busy with other work, over 5 s windows. */
export async function waitForQuiet(pids: Record<string, number>, database: string, maxWaitS: number, threshold: number, log: (m: string) => void) {
  const started = performance.now();
  let otherCores = Infinity;
  for (let i = 0; i < Math.ceil(maxWaitS / 5) + 1; i++) {
    const a = snapshot(pids, database);
    await new Promise((r) => setTimeout(r, 5000));
    otherCores = between(a, snapshot(pids, database)).otherCores;
    if (otherCores <= threshold) break;
    if (performance.now() - started > maxWaitS * 1000) break;
    if (i % 6 === 0) log(`waiting for a quiet machine: ${otherCores} cores busy with other work`);
  }
  return { waitedS: Math.round((performance.now() - started) / 1000), otherCores, threshold };
}
