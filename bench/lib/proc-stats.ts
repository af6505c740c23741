/**
 * Linux /proc readings for the benchmark: a process's resident memory (VmRSS) and CPU time, PostgreSQL's CPU time
 * (every process named postgres), the machine's busy share and listen-queue overflows, and open-file limits (the
 * one thing it changes: ensureOpenFilesLimit raises a bench child's limit so it can hold 10,000 sockets).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second for /proc/<pid>/stat times; 100 on every Linux this runs on (getconf CLK_TCK). */
const CLK_TCK = 100;

/** VmRSS of a process in KiB, or null if it is gone. */
export function rssKiB(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** User + system CPU seconds a process has used, or null if it is gone. */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces; fields after the closing parenthesis are fixed.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) / CLK_TCK;
  } catch {
    return null;
  }
}

/** A client backend's title, with or without the cluster name: "postgres: [15/main: ]<user> <db> <host>(<port>) ...". */
const BACKEND_TITLE = /^postgres: (?:\S+: )?(\S+) (\S+) (\S+\(\d+\)|\[local\])/;

/**
 * CPU seconds per live postgres process: the backends connected to `database` plus the shared ones (postmaster,
 * walwriter, checkpointer, autovacuum, ...). Backends of other databases (other people's tests) are left out; Debian's
 * PostgreSQL puts its cluster name ("15/main: ") in every title, which the pattern allows for.
 */
export function postgresCpu(database: string | null): Map<number, number> {
  const out = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/comm`, 'utf8').trim() !== 'postgres') continue;
      if (database) {
        const m = BACKEND_TITLE.exec(readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' '));
        if (m && m[2] !== database) continue;
      }
    } catch {
      continue;
    }
    const s = cpuSeconds(Number(name));
    if (s !== null) out.set(Number(name), s);
  }
  return out;
}

/** Machine-wide jiffies: total and busy (everything but idle and iowait). */
export function machineJiffies(): { total: number; busy: number; iowait: number; softirq: number; cores: number } {
  const lines = readFileSync('/proc/stat', 'utf8').split('\n');
  const line = lines[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = line.reduce((a, b) => a + b, 0);
  const idle = line[3]! + (line[4] ?? 0);
  return { total, busy: total - idle, iowait: line[4] ?? 0, softirq: line[6] ?? 0, cores: lines.filter((l) => /^cpu\d+ /.test(l)).length };
}

/** Listen-queue overflows (TcpExt ListenOverflows): connections the kernel dropped because accept() lagged. */
export function listenOverflows(): number | null {
  try {
    const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n').filter((l) => l.startsWith('TcpExt:'));
    const keys = lines[0]!.split(/\s+/);
    const vals = lines[1]!.split(/\s+/);
    const i = keys.indexOf('ListenOverflows');
    return i > 0 ? Number(vals[i]) : null;
  } catch {
    return null;
  }
}

export interface CpuSnapshot {
  at: number;
  server: number;
  workers: number;
  bench: number;
  postgres: Map<number, number>;
  machine: ReturnType<typeof machineJiffies>;
}

export function cpuSnapshot(serverPid: number, workerPids: number[], database: string | null = null): CpuSnapshot {
  return {
    at: performance.now(),
    server: cpuSeconds(serverPid) ?? 0,
    workers: workerPids.reduce((s, p) => s + (cpuSeconds(p) ?? 0), 0),
    bench: cpuSeconds(process.pid) ?? 0,
    postgres: postgresCpu(database),
    machine: machineJiffies(),
  };
}

/** CPU use between two snapshots, in cores (1.0 = one core fully busy). */
export function cpuBetween(a: CpuSnapshot, b: CpuSnapshot) {
  const secs = (b.at - a.at) / 1000;
  let pg = 0;
  for (const [pid, s] of b.postgres) pg += s - (a.postgres.get(pid) ?? 0);
  const r = (x: number) => Math.round(x * 100) / 100;
  const jt = b.machine.total - a.machine.total;
  const cores = jt > 0 ? ((b.machine.busy - a.machine.busy) / jt) * (b.machine.cores) : 0;
  const ours = (b.server - a.server + b.workers - a.workers + b.bench - a.bench + pg) / secs;
  return {
    seconds: r(secs),
    serverCores: r((b.server - a.server) / secs),
    loadGeneratorCores: r((b.workers - a.workers) / secs),
    benchParentCores: r((b.bench - a.bench) / secs),
    postgresCores: r(pg / secs),
    machineBusyPercent: jt > 0 ? r((100 * (b.machine.busy - a.machine.busy)) / jt) : null,
    machineIowaitPercent: jt > 0 ? r((100 * (b.machine.iowait - a.machine.iowait)) / jt) : null,
    /** Softirq share of the machine (loopback TCP is processed here; not charged to any process). */
    machineSoftirqPercent: jt > 0 ? r((100 * (b.machine.softirq - a.machine.softirq)) / jt) : null,
    /** Busy cores not accounted to this benchmark's processes: other work on the machine, plus softirq. */
    otherCores: r(Math.max(0, cores - ours)),
  };
}

/** A process's soft limit on open files (/proc/<pid>/limits), or null if it is gone. */
export function openFilesLimit(pid: number): number | null {
  try {
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'));
    return m ? (m[1] === 'unlimited' ? Infinity : Number(m[1])) : null;
  } catch {
    return null;
  }
}

/**
 * Makes sure a process may open `need` files: raises its soft and hard limit with prlimit(1) when they are lower
 * (root can raise both up to fs.nr_open). Returns the limit it has afterwards and whether it was raised.
 */
export function ensureOpenFilesLimit(pid: number, need: number): { limit: number | null; raisedFrom: number | null; error?: string } {
  const before = openFilesLimit(pid);
  if (before === null || before >= need) return { limit: before, raisedFrom: null };
  try {
    execFileSync('prlimit', ['--pid', String(pid), `--nofile=${need}:${need}`], { stdio: 'pipe' });
    return { limit: openFilesLimit(pid), raisedFrom: before };
  } catch (e) {
    return { limit: before, raisedFrom: null, error: String((e as Error).message).slice(0, 200) };
  }
}

/** How many local ports loopback clients can use (net.ipv4.ip_local_port_range), or null if unreadable. */
export function localPortCount(): number | null {
  try {
    const [lo, hi] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    return hi! - lo! + 1;
  } catch {
    return null;
  }
}
