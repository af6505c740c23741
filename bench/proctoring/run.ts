/**
 * Proctor feed latency benchmark:
 *   node --import tsx bench/proctoring/run.ts [--proctors 100] [--per-proctor 50] [--duration-s 120]
 *
 * P proctors, each a member of one test center of N candidates (P x N candidates), watch their center's live roster
 * over /ws/proctor while the candidates answer at a human pace over /ws/session. Three kinds of process on one host:
 * the real server (node --import tsx server/src/main.ts, LOG_LEVEL=warn, on a fresh PostgreSQL database), one
 * candidate load generator (candidates.ts) and one proctor load generator (proctors.ts).
 *
 * Latency of an event = the proctor process's receive time of the first `rows` message whose row for that session
 * shows it (answered >= k for the candidate's k-th answer, incidents >= k for its k-th incident signal) minus the
 * candidate process's send time. Both are performance.timeOrigin + performance.now() on the same host clock; events are
 * joined by candidate index (session) and k. An event not seen within --limit-s (10 s) is dropped.
 *
 * The database's own one-row commit figures come from pgbench in the same run (bench/sessions/pgbench.ts, on the bench
 * database), once right before the load and once after it with the server stopped, and are printed next to the feed
 * latency: a figure is read against the day's PostgreSQL (issue 18).
 *
 * Setup reuses bench/sessions/setup.ts (bulk candidates, auth tokens, schedule/check-in/admit/handbook through the
 * services); the proctors are created through accounts.createUser and sign in through POST /api/auth/token.
 * Writes bench/results/proctoring.json (one entry per size) and prints a table. The database is dropped at the end.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { parseConfig } from '../../server/src/config/env.ts';
import { composeServices } from '../../server/src/compose.ts';
import { openDatabase } from '../../server/src/db/client.ts';
import { systemClock } from '../../server/src/platform/clock.ts';
import { rssKiB } from '../lib/proc-stats.ts';
import { BENCH_PASSWORD, pool, prepareCandidates } from '../sessions/setup.ts';
import { runPgbench, type PgbenchResult } from '../sessions/pgbench.ts';
import { FLUSH_WINDOW_POLICY } from '../../server/src/modules/proctoring/domain/flush-window.ts';
import { FULL_REFRESH_MS } from '../../server/src/modules/proctoring/proctoring.feed.ts';
import { MAX_ANSWERS, MAX_INCIDENTS, type CandidateLoadConfig, type CandidateLoadReport, type FromCandidates, type FromProctors, type ProctorOpenReport, type ProctorReport, type ProctorSpec, type StartReport } from './ipc.ts';
import { createBenchDatabase, type BenchDatabase } from '../lib/bench-database.ts';
import { Child, spawnChild } from '../lib/child-process.ts';
import { summarize as percentiles, type Summary as Percentiles } from '../lib/stats.ts';
import { join, type JoinResult } from './join.ts';
import { summarizeProfileWindow } from '../lib/cpu-profile.ts';
import { between, combine, snapshot, waitForQuiet, type CpuWindow } from './cpu.ts';
import { errorLines, log, otherBenchmarks, ROOT, serverCode, sleep, startServer, waitForOtherBenchmarks, type Server } from '../lib/server-process.ts';

const { values: args } = parseArgs({
  options: {
    proctors: { type: 'string', default: '100' },
    'per-proctor': { type: 'string', default: '50' },
    'duration-s': { type: 'string', default: '120' },
    'interval-s': { type: 'string', default: '10-20' },
    'no-visits': { type: 'boolean', default: false },
    'signal-share': { type: 'string', default: '0.2' },
    'limit-s': { type: 'string', default: '10' },
    'pgbench-s': { type: 'string', default: '15' },
    'admin-url': { type: 'string', default: process.env.BENCH_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test' },
    'server-cpu-prof': { type: 'boolean', default: false },
    'prof-dir': { type: 'string' },
    'quiet-wait-s': { type: 'string', default: '300' },
    'quiet-threshold': { type: 'string', default: '0.3' },
    'other-bench-wait-s': { type: 'string', default: '1200' },
    'setup-concurrency': { type: 'string', default: '8' },
    'start-concurrency': { type: 'string', default: '32' },
    'product-logins': { type: 'string', default: '24' },
    out: { type: 'string', default: path.join(ROOT, 'bench', 'results', 'proctoring.json') },
    label: { type: 'string' },
  },
});

const P = Number(args.proctors);
const PER = Number(args['per-proctor']);
const N = P * PER;
const durationS = Number(args['duration-s']);
const [imin, imax] = args['interval-s']!.split('-').map(Number) as [number, number];
const limitMs = Number(args['limit-s']) * 1000;
const signalShare = Number(args['signal-share']);
const TOKEN_SECRET = 'cpt-bench-proctoring-token-secret-0123456789abcdef';
/** Issue 18: proctor event -> console at 100 proctors x 50. */
const TARGETS = { p95Ms: 200, p99Ms: 500 };
const pgbenchS = Number(args['pgbench-s']);
const FEED_PING_MS = 20_000; // PING_EVERY_MS of client/src/features/proctoring/use-proctor-feed.ts

if (!(P >= 1 && PER >= 1 && durationS >= 10 && imin > 0 && imax >= imin && pgbenchS >= 1)) throw new Error('bad arguments');
if (P > 999) throw new Error('--proctors is at most 999 (center codes BENCH-001..999 of bench/sessions/setup.ts)');

/** Proctors through the product: one user per center (accounts.createUser), signed in through POST /api/auth/token. */
async function prepareProctors(databaseUrl: string, serverUrl: string): Promise<{ specs: ProctorSpec[]; index: Map<string, number>; ms: number }> {
  const t0 = performance.now();
  const config = parseConfig({ DATABASE_URL: databaseUrl, TOKEN_SECRET, LOG_LEVEL: 'warn' });
  const database = await openDatabase(config.database);
  const services = composeServices({ config, database, clock: systemClock });
  const sql = new pg.Client({ connectionString: databaseUrl });
  await sql.connect();
  try {
    const centers = (await sql.query<{ id: string; code: string }>(`select id, code from test_centers where code like 'BENCH-%' order by code`)).rows;
    // Candidate usernames sort in index order (bench-cand-000000...), which is the index prepareCandidates returns.
    const seats = (
      await sql.query<{ id: string; center: string; username: string }>(`select s.id, s.test_center_id as center, u.username from exam_sessions s join users u on u.id = s.candidate_id order by u.username`)
    ).rows;
    const index = new Map(seats.map((s, i) => [s.id, i]));
    const byCenter = new Map<string, { sessionId: string; index: number }[]>();
    for (const s of seats) {
      if (!byCenter.has(s.center)) byCenter.set(s.center, []);
      byCenter.get(s.center)!.push({ sessionId: s.id, index: index.get(s.id)! });
    }
    const specs = await pool(centers, 4, async (c, i) => {
      const username = `bench-proctor-${String(i + 1).padStart(3, '0')}`;
      await services.accounts.createUser(null, { username, displayName: `Bench Proctor ${i + 1}`, role: 'proctor', password: BENCH_PASSWORD, testCenterCodes: [c.code] });
      const r = await fetch(`${serverUrl}/api/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: BENCH_PASSWORD }) });
      if (!r.ok) throw new Error(`POST /api/auth/token ${username}: ${r.status} ${await r.text()}`);
      const body = (await r.json()) as { token: string; user: { testCenterIds: string[] } };
      if (body.user.testCenterIds.length !== 1 || body.user.testCenterIds[0] !== c.id) throw new Error(`${username} is not a member of exactly ${c.code}`);
      return { token: body.token, testCenterId: c.id, seats: byCenter.get(c.id) ?? [] };
    });
    return { specs, index, ms: Math.round(performance.now() - t0) };
  } finally {
    await sql.end();
    await database.close();
  }
}

/**
 * The latency figures of a pgbench run, whatever runPgbench returns: every `latency*` field, a number (latencyAvgMs) or
 * an object of numbers (percentiles), flattened to [name, ms].
 */
function pgbenchLatencies(r: PgbenchResult): [string, number][] {
  const out: [string, number][] = [];
  for (const [k, v] of Object.entries(r)) {
    if (!k.startsWith('latency')) continue;
    if (typeof v === 'number') out.push([k, v]);
    else if (v && typeof v === 'object') for (const [k2, v2] of Object.entries(v)) if (typeof v2 === 'number') out.push([`${k}.${k2}`, v2]);
  }
  return out;
}

const fmt = (v: number | null | undefined, d = 0) => (v === null || v === undefined ? '-' : v.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }));
const p4 = (s: Percentiles) => `${fmt(s.p50)} / ${fmt(s.p95)} / ${fmt(s.p99)} / ${fmt(s.max)}`;

function joinSummary(j: JoinResult) {
  return {
    sent: j.sent,
    refused: j.refused,
    measured: j.measured,
    dropped: j.dropped,
    droppedLate: j.late,
    negativeLatencies: j.negative,
    latencyMs: percentiles(j.latencyMs),
    decompositionMs: { sendToAck: percentiles(j.ackMs), ackToServerFlush: percentiles(j.ackToFlushMs), serverFlushToProctorReceive: percentiles(j.flushToReceiveMs) },
    latencyCountingRosterRefreshesMs: percentiles(j.latencyAnyMs),
    firstShownByRosterRefresh: j.firstByRoster,
    bySecond: j.bySecond,
    droppedSample: j.droppedSample,
  };
}

async function main() {
  log(`proctor feed bench: ${P} proctors x ${PER} candidates = ${N} candidates, load ${durationS} s, answer every ${imin}-${imax} s, node ${process.version}, ${os.availableParallelism()} cores`);
  const waitedForOthersS = await waitForOtherBenchmarks('proctoring', Number(args['other-bench-wait-s']));
  let db: BenchDatabase | undefined;
  let server: Server | undefined;
  const children: Child<unknown, { type: string }>[] = [];
  const cleanup = async () => {
    for (const c of children) if (c.child.exitCode === null) c.child.kill('SIGKILL');
    await server?.stop();
    await db?.drop().catch((e) => log(`could not drop ${db?.name}: ${e}`));
  };
  const onSignal = () => void cleanup().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    db = await createBenchDatabase(args['admin-url']!, 'proctoring');
    log(`database ${db.name} created`);
    const profDir = args['server-cpu-prof'] ? (args['prof-dir'] ?? path.join(os.tmpdir(), `cpt-proctoring-prof-${P}x${PER}-${Date.now()}`)) : null;
    if (profDir) mkdirSync(profDir, { recursive: true });
    const measured = serverCode(ROOT);
    server = await startServer({ databaseUrl: db.url, tokenSecret: TOKEN_SECRET, cpuProfDir: profDir });
    const serverPid = server.child.pid!;
    log(`server pid ${serverPid} at ${server.url}${profDir ? ` (--cpu-prof into ${profDir})` : ''}`);
    const pgInfo = await (async () => {
      const c = new pg.Client({ connectionString: db!.url });
      await c.connect();
      const r = await c.query<{ v: string; sc: string; sb: string }>(`select version() as v, current_setting('synchronous_commit') as sc, current_setting('shared_buffers') as sb`);
      await c.end();
      return { version: r.rows[0]!.v.split(' on ')[0], synchronousCommit: r.rows[0]!.sc, sharedBuffers: r.rows[0]!.sb };
    })();

    // Setup.
    const setupStart = performance.now();
    log('setup (bench/sessions/setup.ts): candidates, sign-in, schedule, check-in, admit (form assembly), handbook');
    const setup = await prepareCandidates({ databaseUrl: db.url, tokenSecret: TOKEN_SECRET, serverUrl: server.url, sessions: N, perCenter: PER, productLogins: Number(args['product-logins']), concurrency: Number(args['setup-concurrency']), log });
    const proctorSetup = await prepareProctors(db.url, server.url);
    if (proctorSetup.specs.length !== P) throw new Error(`expected ${P} centers, found ${proctorSetup.specs.length}`);
    for (const c of setup.candidates) if (proctorSetup.index.get(c.sessionId) !== c.index) throw new Error('candidate index mismatch between setup and the seat list');
    const setupS = Math.round((performance.now() - setupStart) / 1000);
    log(`setup done in ${setupS} s: ${setup.centers} centers, ${P} proctors (one center each, ${proctorSetup.ms} ms), modules ${setup.modules.join(', ')}`);

    // Load generators.
    const cands = spawnChild<import('./ipc.ts').ToCandidates, FromCandidates>(path.join(import.meta.dirname, 'candidates.ts'));
    const procs = spawnChild<import('./ipc.ts').ToProctors, FromProctors>(path.join(import.meta.dirname, 'proctors.ts'));
    children.push(cands as Child<unknown, { type: string }>, procs as Child<unknown, { type: string }>);
    await cands.request({ type: 'init', url: server.url, candidates: setup.candidates.map((c) => ({ index: c.index, sessionId: c.sessionId, token: c.token })) });
    await procs.request({ type: 'init', url: server.url, proctors: proctorSetup.specs, totalCandidates: N });
    const pids = { server: serverPid, candidates: cands.child.pid!, proctors: procs.child.pid!, parent: process.pid };

    const opened = await procs.request<ProctorOpenReport>({ type: 'open', limitMs: 120_000 });
    log(`proctors: ${opened.ok}/${P} subscribed in ${opened.ms} ms, ${opened.rosterRows} roster rows${opened.nonZeroBaseline ? `, ${opened.nonZeroBaseline} seats not at zero` : ''}`);
    if (opened.ok !== P) throw new Error(`only ${opened.ok} of ${P} proctors subscribed: ${JSON.stringify(opened.errors)}`);
    const started = await cands.request<StartReport>({ type: 'start', concurrency: Number(args['start-concurrency']), limitMs: 600_000 });
    log(`candidates: ${started.ok}/${N} started and connected in ${(started.ms / 1000).toFixed(1)} s${started.failed ? ` (${JSON.stringify(started.errors)})` : ''}`);

    const rssSeries: [number, number][] = [];
    const t00 = performance.now();
    const sampler = setInterval(() => {
      const r = rssKiB(serverPid);
      if (r !== null) rssSeries.push([Math.round((performance.now() - t00) / 100) / 10, r]);
    }, 1000);
    await sleep(3000);
    // Another benchmark may have started while this one was setting up (their check does not see bench/proctoring):
    // wait for it again, then for a quiet machine, and check once more right before the load.
    let quiet = await waitForQuiet(pids, db.name, Number(args['quiet-wait-s']), Number(args['quiet-threshold']), log);
    for (let i = 0; i < 3 && otherBenchmarks('proctoring').length; i++) {
      await waitForOtherBenchmarks('proctoring', Number(args['other-bench-wait-s']));
      quiet = await waitForQuiet(pids, db.name, Number(args['quiet-wait-s']), Number(args['quiet-threshold']), log);
    }
    const pgbenchRuns: (PgbenchResult & { when: string })[] = [];
    const pgbenchOnce = async (when: string) => {
      log(`pgbench (${when}): one-row insert per transaction, -c 16 -j 2 -T ${pgbenchS}, same PostgreSQL`);
      const r = await runPgbench(db!.url, { clients: 16, threads: 2, seconds: pgbenchS });
      pgbenchRuns.push({ ...r, when });
      log(`pgbench (${when}): ${fmt(r.tps)} tps, ${pgbenchLatencies(r).map(([k, v]) => `${k} ${fmt(v, 2)} ms`).join(', ')}${r.error ? ` (${r.error})` : ''}`);
    };
    await pgbenchOnce('before the load, server idle');
    const rssBefore = rssKiB(serverPid);

    // Load.
    const config: CandidateLoadConfig = { durationMs: durationS * 1000, intervalMinMs: imin * 1000, intervalMaxMs: imax * 1000, visits: !args['no-visits'], timeSyncMs: 10_000, signalShare, drainMs: 15_000 };
    const offered = started.ok / ((imin + imax) / 2);
    log(`load: ${started.ok} candidates, an answer every ${imin}-${imax} s each (~${fmt(offered)} answers/s${config.visits ? ', each after a visit' : ''}, a time-sync every 10 s), ${Math.round(signalShare * 100)}% send one incident signal + its back signal; ${durationS} s`);
    const startWall = Date.now() + 1500;
    await procs.request({ type: 'measure', startWall, pingEveryMs: FEED_PING_MS });
    const loadDone = cands.request<CandidateLoadReport>({ type: 'load', config, startWall });
    loadDone.catch(() => {}); // awaited below; a dead child must not crash the run before cleanup
    // Another benchmark starting during the load spoils it from then on: note when each was first seen (every 2 s).
    const othersDuringLoad = new Map<string, number>();
    const othersWatch = setInterval(() => {
      for (const o of otherBenchmarks('proctoring')) if (!othersDuringLoad.has(o)) othersDuringLoad.set(o, Math.round((Date.now() - startWall) / 100) / 10);
    }, 2000);
    await sleep(startWall - Date.now());
    const monoStartUs = Number(process.hrtime.bigint() / 1000n);
    const cpuEvery5s: CpuWindow[] = [];
    let last = snapshot(pids, db.name);
    const cpuSampler = setInterval(() => {
      const now = snapshot(pids, db!.name);
      cpuEvery5s.push(between(last, now));
      last = now;
    }, 5000);
    await sleep(startWall + durationS * 1000 - Date.now());
    clearInterval(cpuSampler);
    cpuEvery5s.push(between(last, snapshot(pids, db.name)));
    clearInterval(othersWatch);
    const monoEndUs = Number(process.hrtime.bigint() / 1000n);
    const cpu = combine(cpuEvery5s);
    const rssAfterLoad = rssKiB(serverPid);
    const load = await loadDone;
    // Everything sent gets the full limit to show up before the proctors report.
    let lastSend = startWall;
    for (const t of [...load.answers.sentAt, ...load.signals.sentAt]) lastSend = Math.max(lastSend, t);
    await sleep(Math.max(0, lastSend + limitMs + 1000 - Date.now()));
    const seen = await procs.request<ProctorReport>({ type: 'report' });
    clearInterval(sampler);
    const closedC = await cands.request<{ type: 'closed'; closedCleanly: number }>({ type: 'close' });
    const closedP = await procs.request<{ type: 'closed'; closedCleanly: number }>({ type: 'close' });
    const serverErrors = errorLines(server.output());
    const stopWall = Date.now();
    const monoStopUs = Number(process.hrtime.bigint() / 1000n);
    await server.stop();
    server = undefined;
    await pgbenchOnce('after the load, server stopped');
    await db.drop();
    log(`database ${db.name} dropped`);
    db = undefined;

    // Join.
    const answers = join(load.answers, seen.answerSeenRows, seen.answerSentAtRows, seen.answerSeenAny, MAX_ANSWERS, limitMs, startWall);
    const signals = join(load.signals, seen.incidentSeenRows, seen.incidentSentAtRows, seen.incidentSeenAny, MAX_INCIDENTS, limitMs, startWall);
    const all = percentiles([...answers.latencyMs, ...signals.latencyMs]);
    const cleanUntilS = othersDuringLoad.size ? Math.min(...othersDuringLoad.values()) : null;
    const cleanBefore = (cols: typeof load.answers, seenRows: Float64Array, max: number) => {
      const keep = (i: number) => cols.sentAt[i]! < startWall + (cleanUntilS ?? Infinity) * 1000;
      const idx = [...cols.sentAt.keys()].filter(keep);
      const sub = { index: Int32Array.from(idx.map((i) => cols.index[i]!)), k: Int32Array.from(idx.map((i) => cols.k[i]!)), sentAt: Float64Array.from(idx.map((i) => cols.sentAt[i]!)), ackAt: Float64Array.from(idx.map((i) => cols.ackAt[i]!)), refused: Uint8Array.from(idx.map((i) => cols.refused[i]!)) };
      return join(sub, seenRows, new Float64Array(seenRows.length), seenRows, max, limitMs, startWall);
    };
    const cleanA = cleanUntilS === null ? null : cleanBefore(load.answers, seen.answerSeenRows, MAX_ANSWERS);
    const cleanS = cleanUntilS === null ? null : cleanBefore(load.signals, seen.incidentSeenRows, MAX_INCIDENTS);
    const cleanAnswers = cleanA?.latencyMs ?? new Float64Array(0);
    const cleanSignals = cleanS?.latencyMs ?? new Float64Array(0);
    const cleanDropped = cleanA?.dropped ?? 0;
    const within = seen.rowsPerSecond.slice(0, durationS);
    const rowsMsgsPerS = within.reduce((a, b) => a + b, 0) / durationS;
    const peak = rssSeries.reduce((m, [, r]) => Math.max(m, r), 0);
    const answersPerS = load.answersPerSecond.reduce((a, b) => a + b, 0) / durationS;

    let profile: ReturnType<typeof summarizeProfileWindow> | null = null;
    if (profDir) {
      const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
      if (file) profile = summarizeProfileWindow(path.join(profDir, file), monoStartUs, monoEndUs, 25);
      else log(`no .cpuprofile in ${profDir}`);
    }

    const result = {
      date: new Date().toISOString(),
      node: process.version,
      cores: os.availableParallelism(),
      cpu: os.cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      postgres: pgInfo,
      label: args.label ?? null,
      serverCode: measured,
      parameters: {
        proctors: P,
        candidatesPerProctor: PER,
        candidates: N,
        testCenters: setup.centers,
        durationS,
        answerIntervalS: [imin, imax],
        visitBeforeEachAnswer: config.visits,
        timeSyncEveryS: 10,
        signalShare,
        proctorPingEveryS: FEED_PING_MS / 1000,
        dropLimitS: limitMs / 1000,
        processes: 'server (node --import tsx server/src/main.ts) + 1 candidate load generator + 1 proctor load generator + this parent, one host',
        clock: 'performance.timeOrigin + performance.now() in both load generators (same host clock)',
        feed: `adaptive window (server/src/modules/proctoring/domain/flush-window.ts): at once when quiet, else flush starts min(${FLUSH_WINDOW_POLICY.maxMs} ms, ${1 + FLUSH_WINDOW_POLICY.gapPerCost} x running flush cost) apart; FULL_REFRESH_MS ${FULL_REFRESH_MS}`,
        serverCpuProfile: profDir,
      },
      setup: { seconds: setupS, waitedForOtherBenchmarksS: waitedForOthersS, proctorsMs: proctorSetup.ms, candidatesStarted: started.ok, startMs: started.ms, ...setup.timings },
      load: {
        offeredAnswersPerS: Math.round(offered * 10) / 10,
        answersPerS: Math.round(answersPerS * 10) / 10,
        answersSent: load.answersSent,
        answersAcked: load.answersAcked,
        visitsSent: load.visitsSent,
        timeSyncsSent: load.timeSyncsSent,
        incidentSignalsSent: load.signals.index.length,
        backSignalsSent: load.backSignalsSent,
        candidatesHeld: load.held,
        errors: load.errors,
      },
      pgbench: pgbenchRuns,
      latency: {
        definition: 'candidate send (answer / incident signal) -> proctor process receives the first rows message showing answered >= k / incidents >= k',
        answersAndSignalsMs: all,
        answers: joinSummary(answers),
        signals: joinSummary(signals),
      },
      feed: {
        rowsMessagesPerS: Math.round(rowsMsgsPerS * 10) / 10,
        rowsMessagesPerProctorPerS: Math.round((rowsMsgsPerS / P) * 100) / 100,
        rowsMessagesLoadAndDrain: seen.rowsMessages,
        rowsPerMessage: percentiles(seen.rowsPerMessage),
        rowsBytesPerS: Math.round(seen.rowsBytesPerSecond.slice(0, durationS).reduce((a, b) => a + b, 0) / durationS),
        meanRowsMessageBytes: seen.rowsMessages ? Math.round(seen.rowsBytes / seen.rowsMessages) : null,
        rosterRefreshMessages: seen.rosterMessages,
        meanRosterMessageBytes: seen.rosterMessages ? Math.round(seen.rosterBytes / seen.rosterMessages) : null,
        serverFlushToReceiveMs: percentiles(seen.deliveryMs),
        rowsMessagesPerSecond: seen.rowsPerSecond,
        pongs: seen.pongs,
        errors: seen.errors,
        openSocketsAtEnd: seen.openSockets,
      },
      resources: {
        cpu: { ...cpu, note: 'time-weighted mean of 5 s windows; postgres = shared processes + backends of the bench database (bench/proctoring/cpu.ts)' },
        cpuEvery5s,
        loadGeneratorLoopDelayP99Ms: { candidates: load.loopDelayP99Ms, proctors: seen.loopDelayP99Ms },
        clockSkewMs: { candidates: Math.round(load.clockSkewMs * 100) / 100, proctors: Math.round(seen.clockSkewMs * 100) / 100 },
        memory: { source: '/proc/<server pid>/status VmRSS', rssBeforeLoadKiB: rssBefore, rssAfterLoadKiB: rssAfterLoad, rssPeakKiB: peak, series: rssSeries },
      },
      quietGate: quiet,
      otherBenchmarksDuringLoad: [...othersDuringLoad].map(([command, firstSeenS]) => ({ command, firstSeenS })),
      /** When another benchmark ran during the load: the events sent before it was first seen, on their own. */
      beforeOtherBenchmark: cleanUntilS === null ? null : { untilS: cleanUntilS, answers: percentiles(cleanAnswers), signals: percentiles(cleanSignals), answersDropped: cleanDropped },
      closedCleanly: { candidates: closedC.closedCleanly, proctors: closedP.closedCleanly },
      serverErrorLogLines: serverErrors.total,
      serverErrors: serverErrors.byMessage,
      serverErrorSample: serverErrors.sample,
      profile: profile ? { window: 'load phase only (samples between the load start and end, CLOCK_MONOTONIC)', ...profile } : null,
      stoppedAt: new Date(stopWall).toISOString(),
      profileClock: { monoStartUs, monoEndUs, monoStopUs },
    };

    // Table.
    const ok = (b: boolean) => (b ? 'met' : 'MISSED');
    const A = result.latency.answers;
    const S = result.latency.signals;
    const rows: [string, string, string, string][] = [
      ['candidates / proctors (one center each)', `${started.ok} / ${opened.ok}`, `${N} / ${P}`, ''],
      ['answers/s (offered / sent)', `${fmt(offered, 1)} / ${fmt(answersPerS, 1)}`, '', ''],
      [
        'proctor event -> console (answers + signals)  p50 / p95 / p99 / max ms',
        p4(all),
        `p95 <= ${TARGETS.p95Ms}, p99 <= ${TARGETS.p99Ms}${P === 100 && PER === 50 ? '' : ' (at 100 x 50)'}`,
        ok((all.p95 ?? Infinity) <= TARGETS.p95Ms && (all.p99 ?? Infinity) <= TARGETS.p99Ms),
      ],
      ...pgbenchRuns.map((r): [string, string, string, string] => [
        `  database one-row commit, pgbench ${r.when}`,
        r.error ? `failed: ${r.error.split('\n')[0]}` : `${fmt(r.tps)} tps; ${pgbenchLatencies(r).map(([k, v]) => `${k} ${fmt(v, 2)}`).join(', ')} ms`,
        '',
        '',
      ]),
      ['answer -> proctor rows  p50 / p95 / p99 / max ms', p4(A.latencyMs), `p95 <= ${TARGETS.p95Ms}, p99 <= ${TARGETS.p99Ms}`, ok((A.latencyMs.p95 ?? Infinity) <= TARGETS.p95Ms && (A.latencyMs.p99 ?? Infinity) <= TARGETS.p99Ms)],
      ['  answers measured / dropped (>10 s or never) / refused', `${A.measured} / ${A.dropped} / ${A.refused}`, '0 dropped', ok(A.dropped === 0)],
      ['  send -> ack (commit)  p50 / p95 / p99 / max ms', p4(A.decompositionMs.sendToAck), '', ''],
      ['  ack -> server flush   p50 / p95 / p99 / max ms', p4(A.decompositionMs.ackToServerFlush), '', ''],
      ['  flush -> proctor      p50 / p95 / p99 / max ms', p4(A.decompositionMs.serverFlushToProctorReceive), '', ''],
      ['signal -> proctor rows  p50 / p95 / p99 / max ms', p4(S.latencyMs), `p95 <= ${TARGETS.p95Ms}, p99 <= ${TARGETS.p99Ms}`, S.measured ? ok((S.latencyMs.p95 ?? Infinity) <= TARGETS.p95Ms && (S.latencyMs.p99 ?? Infinity) <= TARGETS.p99Ms) : '-'],
      ['  signals measured / dropped / refused', `${S.measured} / ${S.dropped} / ${S.refused}`, '0 dropped', ok(S.dropped === 0)],
      ['negative latencies (clock/join check)', `${A.negativeLatencies + S.negativeLatencies}`, '0', ok(A.negativeLatencies + S.negativeLatencies === 0)],
      ['proctor rows messages/s (total / per proctor)', `${fmt(rowsMsgsPerS, 1)} / ${fmt(rowsMsgsPerS / P, 2)}`, '', ''],
      ['rows per message p50 / p95 / max; mean bytes', `${fmt(result.feed.rowsPerMessage.p50)} / ${fmt(result.feed.rowsPerMessage.p95)} / ${fmt(result.feed.rowsPerMessage.max)}; ${fmt(result.feed.meanRowsMessageBytes)}`, '', ''],
      ['CPU during load, cores: server / postgres / cand gen / proctor gen / other', `${fmt(cpu.cores.server, 2)} / ${fmt(cpu.postgresCores, 2)} / ${fmt(cpu.cores.candidates, 2)} / ${fmt(cpu.cores.proctors, 2)} / ${fmt(cpu.otherCores, 2)}`, `of ${os.availableParallelism()}`, ''],
      ['server RSS before / after load / peak (MiB)', `${fmt((rssBefore ?? 0) / 1024)} / ${fmt((rssAfterLoad ?? 0) / 1024)} / ${fmt(peak / 1024)}`, '', ''],
      ['load generator loop delay p99 ms (cand / proctor)', `${fmt(load.loopDelayP99Ms, 1)} / ${fmt(seen.loopDelayP99Ms, 1)}`, '', ''],
      ['errors (candidates / feed / server log lines)', `${Object.values(load.errors).reduce((a, b) => a + b, 0)} / ${Object.values(seen.errors).reduce((a, b) => a + b, 0)} / ${serverErrors.total}`, '0', ok(!Object.keys(load.errors).length && !Object.keys(seen.errors).length && !serverErrors.total)],
    ];
    const w = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
    console.log(`\nProctor feed bench (${P} proctors x ${PER} candidates, ${durationS} s), node ${process.version}, ${os.availableParallelism()} cores, ${pgInfo.version}`);
    console.log(`${'figure'.padEnd(w[0]!)}  ${'measured'.padEnd(w[1]!)}  ${'target'.padEnd(w[2]!)}  verdict`);
    for (const r of rows) console.log(`${r[0].padEnd(w[0]!)}  ${r[1].padEnd(w[1]!)}  ${r[2].padEnd(w[2]!)}  ${r[3]}`);
    if (Object.keys(load.errors).length) console.log(`candidate errors: ${JSON.stringify(load.errors)}`);
    if (Object.keys(seen.errors).length) console.log(`feed errors: ${JSON.stringify(seen.errors)}`);
    if (serverErrors.total) console.log(`server error log lines: ${JSON.stringify(serverErrors.byMessage)}`);
    if (quiet.otherCores > Number(args['quiet-threshold'])) console.log(`WARNING: the machine was busy with other work (${quiet.otherCores} cores) when the load started; see resources.cpu.otherCores`);
    if (othersDuringLoad.size) {
      console.log(`WARNING: another benchmark ran during the load; the figures are contaminated from ${cleanUntilS} s on:\n  ${[...othersDuringLoad].map(([c, t]) => `(${t} s) ${c}`).join('\n  ')}`);
      console.log(`  before it (${cleanUntilS} s): answers p50 / p95 / p99 / max ${p4(result.beforeOtherBenchmark!.answers)} ms (${cleanAnswers.length} measured, ${cleanDropped} dropped); signals ${p4(result.beforeOtherBenchmark!.signals)} ms`);
    }
    if (profile) {
      console.log(`\nserver CPU profile, load window only (${profile.sampledS} s sampled of ${profile.windowS} s):`);
      for (const [k, v] of profile.inclusive.slice(0, 12)) console.log(`  ${v.toFixed(1).padStart(5)}%  ${k}`);
    }

    const out = args.out!;
    mkdirSync(path.dirname(out), { recursive: true });
    let file: { runs?: Record<string, unknown> } = {};
    if (existsSync(out)) {
      try {
        file = JSON.parse(readFileSync(out, 'utf8'));
      } catch {
        file = {};
      }
    }
    const key = `${P}x${PER}-${durationS}s${profDir ? '-cpuprof' : ''}${args.label ? `-${args.label}` : ''}${othersDuringLoad.size ? `-contaminated-${new Date().toISOString().slice(11, 16).replace(':', '')}` : ''}`;
    writeFileSync(
      out,
      JSON.stringify({ description: 'bench/proctoring/run.ts: proctor feed latency (candidate event -> proctor rows message) against the real server on PostgreSQL; one entry per size (docs/performance.md, "Proctor feed")', latest: key, runs: { ...(file.runs ?? {}), [key]: result } }, null, 1) + '\n',
    );
    log(`wrote ${path.relative(process.cwd(), out)} (${key})`);
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
