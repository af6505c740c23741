/**
 * Exam-session load benchmark: node --import tsx bench/sessions/run.ts [--sessions 10000] [--mode pace|stress] [--duration-s 120]
 * (bench/sessions/suite.ts runs the runs of issue 18's table one after another and prints one table).
 *
 * Creates a fresh PostgreSQL database, starts the real server as a child process on it (node --import tsx
 * server/src/main.ts, LOG_LEVEL=warn), prepares N candidates with admitted sessions through the product's services
 * (setup.ts), then drives them from load-generator child processes (worker.ts) over real websockets on loopback:
 *   1. a synchronized start: every candidate fires POST /api/sessions/:id/start, opens its socket, says hello and waits
 *      for the snapshot with its items, all at the same instant (or spread over --start-window-s); with
 *      --start-flow waiting-room the sockets are open and greeted before, and the start pushes the snapshot;
 *   2. pace mode: each candidate visits an item and answers it every U(5, 10) s (--interval-s), with a time-sync
 *      heartbeat every 10 s; stress mode: each candidate keeps --inflight answers outstanding (closed loop);
 *   3. checks every acknowledged answer is in the database, reads the server's VmRSS before and after (also after a
 *      forced full GC through the server's inspector), and runs pgbench with a one-row insert per transaction and
 *      per-transaction logging on the same PostgreSQL, twice (before the start, and after the load with the server
 *      idle; --no-pgbench skips it); the better run is the database's ceiling, and its commit p99 sets the ack target.
 * Also measured: PostgreSQL transactions per start (pg_stat_database over the start, minus the rate of a quiet interval
 * just before) and the setup's admission rate (overall and per block of 500).
 * Prints issue 18's figures with targets, then details, and writes bench/results/sessions.json (one entry per mode
 * and size, or --key). The database is dropped at the end.
 * Before the start it waits (at most --quiet-wait-s) until other work on the machine uses <= --quiet-threshold cores.
 */
import { mkdirSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { FromWorker, LoadConfig, LoadReport, PrepareReport, StartFlow, StartReport, ToWorker } from './ipc.ts';
import { runPgbench, type PgbenchResult } from './pgbench.ts';
import { cpuBetween, cpuSnapshot, ensureOpenFilesLimit, listenOverflows, localPortCount, rssKiB, type CpuSnapshot } from '../lib/proc-stats.ts';
import { forcedGc, INSPECT_FLAG, inspectorUrl } from '../lib/inspector-gc.ts';
import { fmt, printTable, runFigures, xactPerStart } from './figures.ts';
import { counterDelta, dbCounters, liveConnections, prepareCandidates, verifyDurable } from './setup.ts';
import { createBenchDatabase, type BenchDatabase } from '../lib/bench-database.ts';
import { concat, mergeCounts, summarize } from '../lib/stats.ts';
import { errorLines, log, serverCode, sleep, startServer, waitForOtherBenchmarks, type Server } from '../lib/server-process.ts';
import { spawnChild, type Child } from '../lib/child-process.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const { values: args } = parseArgs({
  options: {
    sessions: { type: 'string', default: '10000' },
    mode: { type: 'string', default: 'pace' },
    'duration-s': { type: 'string' },
    // Default: one load-generator process per 5,000 candidates, at least 2.
    workers: { type: 'string' },
    'interval-s': { type: 'string', default: '5-10' },
    'no-visits': { type: 'boolean', default: false },
    inflight: { type: 'string', default: '2' },
    'start-window-s': { type: 'string', default: '0' },
    'start-flow': { type: 'string', default: 'cold' },
    'quiet-wait-s': { type: 'string', default: '900' },
    'quiet-threshold': { type: 'string', default: '0.3' },
    'admin-url': { type: 'string', default: process.env.BENCH_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test' },
    // pgbench runs in every mode (before the start and after the load); --no-pgbench skips it. --pgbench is accepted for old scripts.
    pgbench: { type: 'boolean' },
    'no-pgbench': { type: 'boolean', default: false },
    // The forced GC needs the server started with --inspect on a random loopback port; --no-inspect-gc leaves it off.
    'no-inspect-gc': { type: 'boolean', default: false },
    // Length of the quiet interval before the start whose transaction rate is subtracted (default: window + 15 s).
    'xact-baseline-s': { type: 'string' },
    'admit-block': { type: 'string', default: '500' },
    // Results key in sessions.json (default: mode-size[-waitingroom][-windowNs][-label]).
    key: { type: 'string' },
    'server-cpu-prof': { type: 'boolean', default: false },
    'server-trace-gc': { type: 'boolean', default: false },
    // Experiments only: run the server from another checkout (e.g. a copy with a proposed fix); setup still uses this tree's services.
    'server-root': { type: 'string' },
    'setup-concurrency': { type: 'string', default: '8' },
    'per-center': { type: 'string', default: '50' },
    'product-logins': { type: 'string', default: '24' },
    out: { type: 'string', default: path.join(ROOT, 'bench', 'results', 'sessions.json') },
    label: { type: 'string' },
    'other-bench-wait-s': { type: 'string', default: '1200' },
  },
});

const mode = args.mode === 'stress' ? 'stress' : args.mode === 'pace' ? 'pace' : (() => { throw new Error('--mode is pace or stress'); })();
const N = Number(args.sessions);
const WORKERS = Math.max(1, Math.min(Number(args.workers ?? Math.max(2, Math.ceil(N / 5000))), N));
const durationS = Number(args['duration-s'] ?? (mode === 'pace' ? 120 : 60));
const [imin, imax] = args['interval-s']!.split('-').map(Number) as [number, number];
const startWindowS = Number(args['start-window-s']);
const flow: StartFlow = args['start-flow'] === 'waiting-room' ? 'waiting-room' : 'cold';
const runPg = !args['no-pgbench'];
const inspectGc = !args['no-inspect-gc'];
const SERVER_ROOT = path.resolve(args['server-root'] ?? ROOT);
const TOKEN_SECRET = 'cpt-bench-sessions-token-secret-0123456789abcdef';
const START_LIMIT_MS = 180_000;
/**
 * PostgreSQL 15 backends flush their statistics at most once a second and, when idle with some pending, after 10 s
 * (PGSTAT_IDLE_INTERVAL); pg_stat_database is read this long after a phase so that it holds all of the phase.
 */
const STATS_FLUSH_MS = 11_000;
const xactBaselineS = Number(args['xact-baseline-s'] ?? startWindowS + 15);


/**
 * Garbage-collection pauses of the server, from `node --trace-gc` lines on its stdout (bench option --server-trace-gc),
 * e.g. "[123:0x...]  45678 ms: Mark-Compact 812.3 (850.1) -> 790.2 (851.0) MB, 45.6 / 0.0 ms  (average mu = ...".
 */
class GcTrace {
  private events: { atS: number; kind: string; pauseMs: number }[] = [];
  private partial = '';
  constructor(private readonly t0: number) {}
  feed(chunk: string) {
    const text = this.partial + chunk;
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) {
      const m = /\s(\d+) ms: (Scavenge|Mark-Compact|Mark-sweep|Minor Mark-Compact|Mark-Compact \(reduce\))[^,]*, ([\d.]+) \/ ([\d.]+) ms/.exec(line);
      if (m) this.events.push({ atS: Number(m[1]) / 1000, kind: m[2]!, pauseMs: Number(m[3]) });
    }
  }
  /** Pauses between two offsets (s since the server started). */
  summary(fromS: number, toS: number) {
    if (!this.events.length) return null;
    const ev = this.events.filter((e) => e.atS >= fromS && e.atS <= toS);
    const by = (k: string) => ev.filter((e) => e.kind.startsWith(k));
    const agg = (xs: typeof ev) => ({ count: xs.length, totalMs: Math.round(xs.reduce((a, e) => a + e.pauseMs, 0)), maxMs: Math.round(Math.max(0, ...xs.map((e) => e.pauseMs)) * 10) / 10 });
    return { scavenge: agg(by('Scavenge')), markCompact: agg(by('Mark')), pausesOver20ms: ev.filter((e) => e.pauseMs > 20).length, t0: this.t0 };
  }
}
let gc = new GcTrace(0);

function startBenchServer(databaseUrl: string, cpuProfDir: string | null): Promise<Server> {
  gc = new GcTrace(Date.now());
  return startServer({
    databaseUrl,
    tokenSecret: TOKEN_SECRET,
    cpuProfDir,
    root: SERVER_ROOT,
    nodeArgs: [...(args['server-trace-gc'] ? ['--trace-gc'] : []), ...(inspectGc ? [INSPECT_FLAG] : [])],
    onOutput: (chunk) => {
      if (!args['server-trace-gc']) return true;
      gc.feed(chunk);
      return !/ms: (Scavenge|Mark)/.test(chunk); // keep the log buffer for real output
    },
  });
}

type Worker = Child<ToWorker, FromWorker>;
const spawnWorker = (): Worker => spawnChild<ToWorker, FromWorker>(path.join(import.meta.dirname, 'worker.ts'));


/**
 * Waits (bounded) until the machine has at most `threshold` busy cores besides this benchmark, measured over 5 s
 * windows, so that other people's work on a shared machine does not end up in the figures. Returns what it saw.
 */
async function waitForQuiet(serverPid: number, workerPids: number[], dbName: string, maxWaitS: number, threshold: number) {
  const started = performance.now();
  let otherCores = Infinity;
  for (let i = 0; i < Math.ceil(maxWaitS / 5) + 1; i++) {
    const a = cpuSnapshot(serverPid, workerPids, dbName);
    await sleep(5000);
    otherCores = cpuBetween(a, cpuSnapshot(serverPid, workerPids, dbName)).otherCores;
    if (otherCores <= threshold) break;
    if (performance.now() - started > maxWaitS * 1000) break;
    if (i % 6 === 0) log(`waiting for a quiet machine: ${otherCores} cores busy with other work`);
  }
  return { waitedS: Math.round((performance.now() - started) / 1000), otherCores, threshold };
}

/** Answer acks restricted to the 5-s CPU sampling windows where other work stayed under `threshold` cores. */
function quietAcks(loads: LoadReport[], windows: { otherCores: number }[], threshold: number, offsetS: number) {
  // An ack in second s of the phase falls in CPU window floor((s + offsetS) / 5) (the windows start offsetS earlier).
  const kept: number[] = [];
  for (const l of loads) l.answerAck.forEach((ms, i) => (windows[Math.floor((l.answerAckSecond[i]! + offsetS) / 5)]?.otherCores ?? Infinity) <= threshold && kept.push(ms));
  return { ...summarize(kept), windowsQuiet: windows.filter((w) => w.otherCores <= threshold).length, windows: windows.length };
}

const kib = (n: number | null) => (n === null ? null : Math.round(n));

/** The server's VmRSS and V8 heap after a forced full GC (inspector), or null when the inspector is off or fails. */
async function memoryAfterGc(server: Server) {
  const url = inspectorUrl(server.output());
  if (!url) return null;
  try {
    const heap = await forcedGc(url);
    await sleep(1000); // pages the collection freed are unmapped by V8's background tasks
    return { ...heap, rssKiB: rssKiB(server.child.pid!) };
  } catch (e) {
    log(`forced GC failed: ${(e as Error).message}`);
    return null;
  }
}

async function main() {
  log(`exam sessions bench: ${N} sessions, mode ${mode}, load ${durationS} s, ${WORKERS} load-generator processes, node ${process.version}, ${os.availableParallelism()} cores`);
  const waitedForOthersS = await waitForOtherBenchmarks('sessions', Number(args['other-bench-wait-s']));
  const measured = serverCode(SERVER_ROOT);
  let db: BenchDatabase | undefined;
  let server: Server | undefined;
  const workers: Worker[] = [];
  const cleanup = async () => {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    await server?.stop();
    await db?.drop().catch((e) => log(`could not drop ${db?.name}: ${e}`));
  };
  const onSignal = () => void cleanup().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    db = await createBenchDatabase(args['admin-url']!, 'sessions');
    log(`database ${db.name} created`);
    // Profiles are large; they go to the temp directory (the path is in the results), not into the repository.
    const profDir = args['server-cpu-prof'] ? path.join(os.tmpdir(), 'cpt-bench-profiles', `${mode}-${N}-${Date.now()}`) : null;
    if (profDir) mkdirSync(profDir, { recursive: true });
    const spawnedAt = Date.now();
    const offset = () => Math.round((Date.now() - spawnedAt) / 100) / 10;
    const phaseOffsetsS: Record<string, number> = {};
    server = await startBenchServer(db.url, profDir);
    if (SERVER_ROOT !== ROOT) log(`NOTE: server runs from ${SERVER_ROOT} (an experiment, not this checkout)`);
    log(`server pid ${server.child.pid} at ${server.url} (migrated, sample bank loaded)`);
    const serverPid = server.child.pid!;
    // Every candidate holds a socket, and a cold start opens a REST connection too: raise the limits if they are short.
    const fdLimits: Record<string, ReturnType<typeof ensureOpenFilesLimit>> = { server: ensureOpenFilesLimit(serverPid, 2 * N + 2048) };
    // Each candidate's socket (and, cold, its REST connection) takes a local port of 127.0.0.1.
    const ports = localPortCount();
    if (ports !== null && 2 * N > ports) log(`WARNING: ${2 * N} loopback connections may be needed but net.ipv4.ip_local_port_range has ${ports} ports`);
    const pgVersion = await (async () => {
      const c = new pg.Client({ connectionString: db!.url });
      await c.connect();
      const r = await c.query<{ v: string }>('select version() as v');
      const s = await c.query<{ sc: string; sb: string }>(`select current_setting('synchronous_commit') as sc, current_setting('shared_buffers') as sb`);
      await c.end();
      return { version: r.rows[0]!.v.split(' on ')[0], synchronousCommit: s.rows[0]!.sc, sharedBuffers: s.rows[0]!.sb };
    })();

    log('setup: candidates, sign-in, schedule, check-in, admit (form assembly), handbook');
    const setupStart = performance.now();
    const setup = await prepareCandidates({ databaseUrl: db.url, tokenSecret: TOKEN_SECRET, serverUrl: server.url, sessions: N, perCenter: Number(args['per-center']), productLogins: Number(args['product-logins']), concurrency: Number(args['setup-concurrency']), admitBlockSize: Number(args['admit-block']), log });
    const setupS = (performance.now() - setupStart) / 1000;
    log(`setup done in ${setupS.toFixed(0)} s (${setup.centers} test centers of ${args['per-center']} seats, modules ${setup.modules.join(', ')})`);

    for (let i = 0; i < WORKERS; i++) workers.push(spawnWorker());
    await Promise.all(workers.map((w, i) => w.request({ type: 'init', url: server!.url, candidates: setup.candidates.filter((_, j) => j % WORKERS === i).map((c) => ({ sessionId: c.sessionId, token: c.token })) })));
    const workerPids = workers.map((w) => w.child.pid!);
    workerPids.forEach((pid, i) => (fdLimits[`loadGenerator${i}`] = ensureOpenFilesLimit(pid, 2 * Math.ceil(N / WORKERS) + 1024)));
    for (const [who, l] of Object.entries(fdLimits)) if (l.raisedFrom !== null || l.error) log(`open-files limit of ${who}: ${l.raisedFrom ?? l.limit} -> ${l.limit}${l.error ? ` (could not raise: ${l.error})` : ''}`);
    const dbName = db.name;

    // Memory sampling for the whole measured part.
    const rssSeries: [number, number][] = [];
    const t00 = performance.now();
    const sampler = setInterval(() => {
      const r = rssKiB(serverPid);
      if (r !== null) rssSeries.push([Math.round((performance.now() - t00) / 100) / 10, r]);
    }, 1000);
    await sleep(3000); // let setup's NOTIFY traffic and the server's sweeps settle
    const quiet = await waitForQuiet(serverPid, workerPids, dbName, Number(args['quiet-wait-s']), Number(args['quiet-threshold']));
    const rssBefore = rssKiB(serverPid);
    const gcBefore = inspectGc ? await memoryAfterGc(server) : null;
    // otherCores here includes pgbench's own client process (its backends count as PostgreSQL).
    const pgbenchRuns: (PgbenchResult & { when: string; otherCoresIncludingPgbenchClient: number })[] = [];
    const pgbenchOnce = async (when: string) => {
      log(`pgbench (${when}): one-row insert per transaction, -c 16 -j 2 -T 15, same PostgreSQL, server idle`);
      const a = cpuSnapshot(serverPid, workerPids, dbName);
      const r = await runPgbench(db!.url);
      const other = cpuBetween(a, cpuSnapshot(serverPid, workerPids, dbName)).otherCores;
      pgbenchRuns.push({ ...r, when, otherCoresIncludingPgbenchClient: other });
      log(`pgbench (${when}): ${fmt(r.tps, 0)} tps, commit p50 / p95 / p99 ${fmt(r.latencyP50Ms, 2)} / ${fmt(r.latencyP95Ms, 2)} / ${fmt(r.latencyP99Ms, 2)} ms${r.error ? ` (${r.error})` : ''}`);
    };
    if (runPg) await pgbenchOnce('before the start');

    let prepared: { ok: number; connectAndHelloMs: ReturnType<typeof summarize>; errors: Record<string, number> } | null = null;
    if (flow === 'waiting-room') {
      log(`waiting room: ${N} sockets connect and say hello before the start (64 at a time per process)`);
      const reps = await Promise.all(workers.map((w) => w.request<PrepareReport>({ type: 'prepare', limitMs: START_LIMIT_MS, concurrency: 64 })));
      prepared = { ok: reps.reduce((n, r) => n + r.ok, 0), connectAndHelloMs: summarize(concat(reps.map((r) => r.connectAndHelloMs))), errors: mergeCounts(reps.map((r) => r.errors)) };
      log(`waiting room: ${prepared.ok}/${N} connected`);
    }

    // Transactions the server commits with nothing starting (sweeps, heartbeats of open sockets): measured over a
    // quiet interval right before the start, after the statistics of earlier work are flushed, then subtracted.
    await sleep(STATS_FLUSH_MS);
    log(`quiet interval: ${xactBaselineS} s of the server's background transactions before the start`);
    const quiet0 = await dbCounters(db.url);
    const quiet0At = performance.now();
    await sleep(xactBaselineS * 1000);
    const quiet1 = await dbCounters(db.url);
    const quiet1At = performance.now();

    // 1. Synchronized start.
    const t0 = Date.now() + 1500;
    log(`start burst (${flow}): ${N} x (${flow === 'cold' ? 'POST /start, websocket upgrade, hello -> snapshot' : 'POST /start -> pushed snapshot'}) ${startWindowS > 0 ? `spread over ${startWindowS} s` : 'at the same instant'}`);
    const pgStart0 = quiet1;
    const pgStart0At = quiet1At;
    phaseOffsetsS.startBurst = offset() + 1.5;
    const cpuStart0 = cpuSnapshot(serverPid, workerPids, dbName);
    const overflows0 = listenOverflows();
    const starts = await Promise.all(workers.map((w) => w.request<StartReport>({ type: 'start', t0, windowMs: startWindowS * 1000, limitMs: START_LIMIT_MS, flow })));
    const cpuStart1 = cpuSnapshot(serverPid, workerPids, dbName);
    const overflows1 = listenOverflows();
    phaseOffsetsS.startBurstEnd = offset();
    await sleep(STATS_FLUSH_MS);
    const pgStart1 = await dbCounters(db.url);
    const pgStart1At = performance.now();
    const started = starts.reduce((n, s) => n + s.ok, 0);
    const makespanS = (Math.max(...starts.map((s) => s.lastDoneWall)) - t0) / 1000;
    const startDb = counterDelta(pgStart0, pgStart1);
    const quietDb = counterDelta(quiet0, quiet1);
    const startXacts = { xacts: startDb.commits + startDb.rollbacks, seconds: (pgStart1At - pgStart0At) / 1000 };
    const quietXacts = { xacts: quietDb.commits + quietDb.rollbacks, seconds: (quiet1At - quiet0At) / 1000 };
    const startSummary = {
      flow,
      waitingRoom: prepared,
      sessions: N,
      ok: started,
      failed: N - started,
      windowS: startWindowS,
      makespanS: Math.round(makespanS * 100) / 100,
      startToFirstItemMs: summarize(concat(starts.map((s) => s.total))),
      restStartMs: summarize(concat(starts.map((s) => s.rest))),
      wsUpgradeMs: summarize(concat(starts.map((s) => s.wsOpen))),
      helloToSnapshotMs: summarize(concat(starts.map((s) => s.helloToSnapshot))),
      snapshotBytes: summarize(concat(starts.map((s) => s.snapshotBytes))),
      errors: mergeCounts(starts.map((s) => s.errors)),
      loadGeneratorLoopDelayP99Ms: Math.max(...starts.map((s) => s.loopDelayP99Ms ?? 0)),
      /** Kernel listen-queue overflows during the burst (machine-wide TcpExt counter). */
      listenOverflows: overflows0 !== null && overflows1 !== null ? overflows1 - overflows0 : null,
      cpu: cpuBetween(cpuStart0, cpuStart1),
      /** pg_stat_database over the start (+11 s for the statistics to flush): every autocommit statement counts as a transaction. */
      database: startDb,
      /** The same over the quiet interval just before the start (the server's background work). */
      databaseQuietInterval: { ...quietDb, seconds: Math.round(quietXacts.seconds * 10) / 10 },
      databaseSeconds: Math.round(startXacts.seconds * 10) / 10,
      /** (commits + rollbacks over the start - quiet rate x its length) / completed starts. */
      xactPerStart: xactPerStart(startXacts, quietXacts, started),
      queue: {
        messages: starts.reduce((n, s) => n + s.queue.messages, 0),
        candidates: starts.reduce((n, s) => n + s.queue.candidates, 0),
        maxPosition: starts.reduce<number | null>((m, s) => (s.queue.maxPosition === null ? m : Math.max(m ?? 0, s.queue.maxPosition)), null),
        maxExpectedWaitMs: starts.reduce<number | null>((m, s) => (s.queue.maxExpectedWaitMs === null ? m : Math.max(m ?? 0, s.queue.maxExpectedWaitMs)), null),
      },
    };
    log(`started ${started}/${N} in ${makespanS.toFixed(1)} s; start-to-first-item p99 ${fmt(startSummary.startToFirstItemMs.p99, 0)} ms; ${fmt(startSummary.xactPerStart, 2)} transactions per start`);
    const rssAfterStart = rssKiB(serverPid);
    const serverLiveAfterStart = await liveConnections(db.url);

    // 2. Load.
    const config: LoadConfig = {
      mode,
      durationMs: durationS * 1000,
      intervalMinMs: imin * 1000,
      intervalMaxMs: imax * 1000,
      visits: mode === 'pace' && !args['no-visits'],
      timeSyncMs: 10_000, // HEARTBEAT_MS of the exam page
      inflight: Number(args.inflight),
      drainMs: 15_000,
    };
    const offered = mode === 'pace' ? started / (((imin + imax) / 2)) : null;
    log(mode === 'pace' ? `pace: ${started} candidates, an answer every ${imin}-${imax} s each (~${fmt(offered, 0)} answers/s offered${config.visits ? ', plus as many visits' : ''}) for ${durationS} s` : `stress: ${started} candidates x ${config.inflight} answers in flight, closed loop, ${durationS} s`);
    const startWall = Date.now() + 1000;
    phaseOffsetsS.load = offset() + 1;
    const cpuSeries: ReturnType<typeof cpuBetween>[] = [];
    const pgLoad0 = await dbCounters(db.url);
    let last: CpuSnapshot = cpuSnapshot(serverPid, workerPids, dbName);
    const cpuLoad0 = last;
    const cpuLoad0Wall = Date.now();
    const cpuSampler = setInterval(() => {
      const now = cpuSnapshot(serverPid, workerPids, dbName);
      cpuSeries.push(cpuBetween(last, now));
      last = now;
    }, 5000);
    const loads = await Promise.all(workers.map((w) => w.request<LoadReport>({ type: 'load', config, startWall })));
    clearInterval(cpuSampler);
    const cpuLoad1 = cpuSnapshot(serverPid, workerPids, dbName);
    phaseOffsetsS.loadEnd = offset();
    const rssAfterLoad = rssKiB(serverPid);
    await sleep(1000);
    const pgLoad1 = await dbCounters(db.url);
    const serverLiveAfterLoad = await liveConnections(db.url);
    const held = loads.reduce((n, l) => n + l.held, 0);
    const answersAcked = loads.reduce((n, l) => n + l.answersAcked, 0);
    const perSecond: number[] = [];
    for (const l of loads) l.ackedPerSecond.forEach((v, i) => (perSecond[i] = (perSecond[i] ?? 0) + v));
    const within = perSecond.slice(0, durationS).map((v) => v ?? 0);
    const ackMax: number[] = [];
    for (const l of loads) l.ackMaxPerSecond.forEach((v, i) => (ackMax[i] = Math.max(ackMax[i] ?? 0, v ?? 0)));
    const steady = within.slice(Math.min(5, Math.floor(durationS / 4)), Math.max(1, durationS - 2)).sort((a, b) => a - b);
    const durability = await verifyDurable(db.url, loads.flatMap((l) => l.acked));
    const cpuLoad = cpuBetween(cpuLoad0, cpuLoad1);
    const loadSummary = {
      mode,
      durationS,
      intervalS: mode === 'pace' ? [imin, imax] : null,
      visits: config.visits,
      inflightPerSession: mode === 'stress' ? config.inflight : null,
      offeredAnswersPerS: offered === null ? null : Math.round(offered),
      answersSent: loads.reduce((n, l) => n + l.answersSent, 0),
      answersAcked,
      visitsSent: loads.reduce((n, l) => n + l.visitsSent, 0),
      visitsAcked: loads.reduce((n, l) => n + l.visitsAcked, 0),
      durableAnswersPerS: Math.round((within.reduce((a, b) => a + b, 0) / durationS) * 10) / 10,
      steadyMedianAnswersPerS: steady.length ? steady[Math.floor(steady.length / 2)]! : null,
      bestSecondAnswersPerS: within.length ? Math.max(...within) : null,
      answerAckMs: summarize(concat(loads.map((l) => l.answerAck))),
      /**
       * The same, counting only 5-s windows in which other work on the (shared) machine used at most
       * --quiet-threshold cores: what the product does when it has the machine to itself.
       */
      answerAckMsQuietWindows: quietAcks(loads, cpuSeries, Number(args['quiet-threshold']), (startWall - cpuLoad0Wall) / 1000),
      visitAckMs: summarize(concat(loads.map((l) => l.visitAck))),
      timeSyncRttMs: summarize(concat(loads.map((l) => l.timeSyncRtt))),
      unacked: loads.reduce((n, l) => n + l.unacked, 0),
      errors: mergeCounts(loads.map((l) => l.errors)),
      loadGeneratorLoopDelayP99Ms: Math.max(...loads.map((l) => l.loopDelayP99Ms ?? 0)),
      cpu: cpuLoad,
      database: counterDelta(pgLoad0, pgLoad1),
      cpuEvery5s: cpuSeries,
      ackedPerSecond: within,
      ackMaxMsPerSecond: Array.from(ackMax.slice(0, durationS), (v) => v ?? 0),
      serverGc: gc.summary(phaseOffsetsS.load ?? 0, phaseOffsetsS.loadEnd ?? Infinity),
    };
    log(`load done: ${answersAcked} answers acked (${fmt(loadSummary.durableAnswersPerS)} /s), ack p50 ${fmt(loadSummary.answerAckMs.p50, 2)} ms p99 ${fmt(loadSummary.answerAckMs.p99, 2)} ms; durable check: ${durability.missing} of ${durability.checked} missing`);

    // Memory with every session still held, idle, after a forced full collection.
    const gcAfter = inspectGc ? await memoryAfterGc(server) : null;
    const closes = await Promise.all(workers.map((w) => w.request<{ type: 'closed'; closedCleanly: number }>({ type: 'close' })));
    clearInterval(sampler);
    await sleep(1000);

    if (runPg) await pgbenchOnce('after the load');
    // The database's ceiling is the better of the two runs (a shared machine only ever lowers a run).
    const pgbench = pgbenchRuns.reduce<(typeof pgbenchRuns)[number] | null>((best, r) => ((r.tps ?? 0) > (best?.tps ?? 0) ? r : best), null);

    const serverErrors = errorLines(server.output());
    await server.stop();
    server = undefined;
    await db.drop();
    log(`database ${db.name} dropped`);
    db = undefined;

    const perSessionFrom = (before: number | null | undefined, after: number | null | undefined) => (after != null && before != null && held > 0 ? Math.round(((after - before) / held) * 10) / 10 : null);
    const perSession = (after: number | null) => perSessionFrom(rssBefore, after);
    const peak = rssSeries.reduce((m, [, r]) => Math.max(m, r), 0);
    const result = {
      date: new Date().toISOString(),
      node: process.version,
      cores: os.availableParallelism(),
      cpu: os.cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      postgres: pgVersion,
      label: args.label ?? null,
      serverCode: measured,
      waitedForOtherBenchmarksS: waitedForOthersS,
      parameters: {
        sessions: N,
        testCenters: setup.centers,
        perCenter: Number(args['per-center']),
        mode,
        durationS,
        loadGeneratorProcesses: WORKERS,
        intervalS: [imin, imax],
        visits: config.visits,
        inflight: config.inflight,
        startWindowS,
        serverPool: 'pg.Pool max 20 (server/src/db/client.ts)',
        groupCommitMaxBatch: 1000,
        serverCpuProfile: profDir,
        serverTraceGc: !!args['server-trace-gc'],
        serverRoot: SERVER_ROOT === ROOT ? null : SERVER_ROOT,
        phaseOffsetsS,
        startFlow: flow,
        timeSyncEveryS: 10,
        xactBaselineS,
        openFilesLimits: fdLimits,
      },
      setup: { seconds: Math.round(setupS), ...setup.timings },
      start: startSummary,
      load: loadSummary,
      sessionsHeld: { clientSide: held, serverLiveConnectionsAfterStart: serverLiveAfterStart, serverLiveConnectionsAfterLoad: serverLiveAfterLoad, closedCleanlyAtEnd: closes.reduce((n, c) => n + c.closedCleanly, 0) },
      memory: {
        source: '/proc/<server pid>/status VmRSS',
        rssBeforeKiB: kib(rssBefore),
        rssAfterStartKiB: kib(rssAfterStart),
        rssAfterLoadKiB: kib(rssAfterLoad),
        rssPeakKiB: peak,
        perSessionKiBAfterStart: perSession(rssAfterStart),
        perSessionKiBAfterLoad: perSession(rssAfterLoad),
        /** After a forced full GC (HeapProfiler.collectGarbage through the server's inspector): idle before the start, and with every session held after the load. */
        afterGcBefore: gcBefore,
        afterGcWithSessions: gcAfter,
        perSessionKiBAfterGc: perSessionFrom(gcBefore?.rssKiB, gcAfter?.rssKiB),
        heapPerSessionKiBAfterGc: perSessionFrom(gcBefore?.heapUsedKiB, gcAfter?.heapUsedKiB),
        series: rssSeries,
      },
      durability,
      quietGate: quiet,
      serverErrorLogLines: serverErrors.total,
      serverErrors: serverErrors.byMessage,
      serverErrorSample: serverErrors.sample,
      pgbench,
      pgbenchRuns,
      stressVsPgbench: pgbench?.tps && mode === 'stress' ? Math.round((loadSummary.steadyMedianAnswersPerS ?? 0) / pgbench.tps * 100) / 100 : null,
      figures: [] as ReturnType<typeof runFigures>,
    };
    result.figures = runFigures({
      mode,
      sessions: N,
      startWindowS,
      flow,
      held,
      pgbench,
      start: { ok: started, startToFirstItemMs: startSummary.startToFirstItemMs, errors: Object.values(startSummary.errors).reduce((a, b) => a + b, 0), listenOverflows: startSummary.listenOverflows, xactPerStart: startSummary.xactPerStart, queue: startSummary.queue },
      load: { answerAckMs: loadSummary.answerAckMs, steadyMedianAnswersPerS: loadSummary.steadyMedianAnswersPerS },
      memory: { perSessionKiB: result.memory.perSessionKiBAfterLoad, perSessionKiBAfterGc: result.memory.perSessionKiBAfterGc, heapPerSessionKiBAfterGc: result.memory.heapPerSessionKiBAfterGc },
      admissions: { perS: setup.timings.admitPerS, perSByBlock: setup.timings.admitPerSByBlock, blockSize: setup.timings.admitBlockSize },
      durability,
    });

    // Table: issue 18's figures with targets first, then the details that explain them.
    const s = result.start;
    const l = result.load;
    const pgLine = (r: PgbenchResult) => `${fmt(r.tps, 0)} tps, p50 / p95 / p99 ${fmt(r.latencyP50Ms, 2)} / ${fmt(r.latencyP95Ms, 2)} / ${fmt(r.latencyP99Ms, 2)} ms`;
    const details: string[][] = [
      ['sessions held (client / server db)', `${held} / ${serverLiveAfterLoad}`],
      ['starts completed / last items received after t0', `${s.ok} in ${fmt(s.makespanS)} s`],
      ...(s.waitingRoom ? [['  (waiting room) connect + hello p50 / p99 before the start', `${fmt(s.waitingRoom.connectAndHelloMs.p50, 0)} / ${fmt(s.waitingRoom.connectAndHelloMs.p99, 0)} ms`]] : []),
      ['  REST POST /start p50 / p99', `${fmt(s.restStartMs.p50, 0)} / ${fmt(s.restStartMs.p99, 0)} ms`],
      ['  websocket upgrade p50 / p99', `${fmt(s.wsUpgradeMs.p50, 0)} / ${fmt(s.wsUpgradeMs.p99, 0)} ms`],
      ['  listen-queue overflows during the start', `${s.listenOverflows ?? '-'}`],
      [flow === 'cold' ? '  hello -> snapshot with items p50 / p99' : '  /start response -> pushed snapshot with items p50 / p99', `${fmt(s.helloToSnapshotMs.p50, 0)} / ${fmt(s.helloToSnapshotMs.p99, 0)} ms`],
      ['  snapshot with items p50 (bytes)', fmt(s.snapshotBytes.p50, 0)],
      ['  queue messages / candidates queued / max position / max expected wait', `${s.queue.messages} / ${s.queue.candidates} / ${s.queue.maxPosition ?? '-'} / ${s.queue.maxExpectedWaitMs ?? '-'} ms`],
      ['  transactions over the start / quiet interval before (commits + rollbacks)', `${s.database.commits + s.database.rollbacks} in ${fmt(s.databaseSeconds)} s / ${s.databaseQuietInterval.commits + s.databaseQuietInterval.rollbacks} in ${fmt(s.databaseQuietInterval.seconds)} s`],
      [`answer ack p50 / p95 / p99 (${mode})`, `${fmt(l.answerAckMs.p50, 2)} / ${fmt(l.answerAckMs.p95, 2)} / ${fmt(l.answerAckMs.p99, 2)} ms`],
      [`  same, quiet 5-s windows only (${l.answerAckMsQuietWindows.windowsQuiet} of ${l.answerAckMsQuietWindows.windows})`, `${fmt(l.answerAckMsQuietWindows.p50, 2)} / ${fmt(l.answerAckMsQuietWindows.p95, 2)} / ${fmt(l.answerAckMsQuietWindows.p99, 2)} ms`],
      ...(l.visits ? [['visit ack p50 / p99', `${fmt(l.visitAckMs.p50, 2)} / ${fmt(l.visitAckMs.p99, 2)} ms`]] : []),
      ['time-sync round trip p50 / p99', `${fmt(l.timeSyncRttMs.p50, 2)} / ${fmt(l.timeSyncRttMs.p99, 2)} ms`],
      ['durable answers/s: mean / steady median / best second', `${fmt(l.durableAnswersPerS)} / ${fmt(l.steadyMedianAnswersPerS, 0)} / ${fmt(l.bestSecondAnswersPerS, 0)}${mode === 'pace' ? ` (offered ~${fmt(l.offeredAnswersPerS, 0)})` : ''}`],
      ...pgbenchRuns.map((r) => [`pgbench ${r.when} (-c16 -j2 -T15 -l)`, r.tps === null ? `failed: ${r.error ?? ''}`.slice(0, 120) : pgLine(r)]),
      ['deadlocks (start, load) / checkpoints during the load (cluster-wide)', `${s.database.deadlocks}, ${l.database.deadlocks} / ${l.database.checkpoints}`],
      ['errors (start / load / unacked)', `${Object.values(s.errors).reduce((a, b) => a + b, 0)} / ${Object.values(l.errors).reduce((a, b) => a + b, 0)} / ${l.unacked}`],
      ['server RSS before / with sessions / peak (MiB)', `${fmt((rssBefore ?? 0) / 1024, 0)} / ${fmt((rssAfterLoad ?? 0) / 1024, 0)} / ${fmt(peak / 1024, 0)}`],
      ['after forced GC: RSS / V8 heap used, idle before -> with sessions (MiB)', gcBefore && gcAfter ? `${fmt((gcBefore.rssKiB ?? 0) / 1024, 0)} -> ${fmt((gcAfter.rssKiB ?? 0) / 1024, 0)} / ${fmt(gcBefore.heapUsedKiB / 1024, 0)} -> ${fmt(gcAfter.heapUsedKiB / 1024, 0)}` : '-'],
      ['setup: admission p50 / p99 each (8 at a time)', `${setup.timings.admitMsEachP50} / ${setup.timings.admitMsEachP99} ms`],
      [`CPU during load, cores of ${os.availableParallelism()}: server / postgres / load gen / other`, `${fmt(l.cpu.serverCores, 2)} / ${fmt(l.cpu.postgresCores, 2)} / ${fmt(l.cpu.loadGeneratorCores, 2)} / ${fmt(l.cpu.otherCores, 2)}`],
      [`CPU during the start, cores of ${os.availableParallelism()}: server / postgres / load gen / other`, `${fmt(s.cpu.serverCores, 2)} / ${fmt(s.cpu.postgresCores, 2)} / ${fmt(s.cpu.loadGeneratorCores, 2)} / ${fmt(s.cpu.otherCores, 2)}`],
    ];
    console.log(`\nExam sessions bench (${mode}, ${N} sessions, ${flow} start${startWindowS > 0 ? ` over ${startWindowS} s` : ' at once'}, ${durationS} s load), node ${process.version}, ${os.availableParallelism()} cores, ${pgVersion.version}\n`);
    printTable(['figure (issue 18)', 'measured', 'target', 'verdict'], result.figures.map((f) => [f.figure, f.measured, f.target, f.verdict]));
    console.log('');
    printTable(['detail', 'measured'], details);
    if (Object.keys(s.errors).length) console.log(`start errors: ${JSON.stringify(s.errors)}`);
    if (Object.keys(l.errors).length) console.log(`load errors: ${JSON.stringify(l.errors)}`);
    if (serverErrors.total) console.log(`server error log lines: ${JSON.stringify(serverErrors.byMessage)}`);
    if (quiet.otherCores > Number(args['quiet-threshold'])) console.log(`WARNING: the machine was busy with other work (${quiet.otherCores} cores) when the run started; see cpu.otherCores`);

    const out = args.out!;
    mkdirSync(path.dirname(out), { recursive: true });
    let file: { description?: string; runs?: Record<string, unknown>; [other: string]: unknown } = {};
    if (existsSync(out)) {
      try {
        file = JSON.parse(readFileSync(out, 'utf8'));
      } catch {
        file = {};
      }
    }
    const key = args.key ?? `${mode}-${N}${flow === 'waiting-room' ? '-waitingroom' : ''}${startWindowS > 0 ? `-window${startWindowS}s` : ''}${args.label ? `-${args.label}` : ''}`;
    const runs = { ...(file.runs ?? {}), [key]: result };
    writeFileSync(
      out,
      // Other top-level entries (suite summaries of suite.ts) are kept.
      JSON.stringify({ ...file, description: 'bench/sessions/run.ts: exam sessions over real websockets against the real server on PostgreSQL; one entry per mode and size (docs/performance.md, "Exam sessions"); suites: tables of bench/sessions/suite.ts', latest: key, runs }, null, 1) + '\n',
    );
    log(`wrote ${path.relative(process.cwd(), out)} (${key})`);
    return result;
  } finally {
    await cleanup();
  }
}

main()
  .then(() => process.exit(0))
  .catch((e) => {
    console.error(e);
    process.exit(1);
  });
