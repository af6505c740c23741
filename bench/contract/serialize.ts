/**
 * What response schemas cost per request: node --import tsx bench/contract/serialize.ts
 * Serializes representative responses with the route's serializer (fastify-type-provider-zod: zod encode, then
 * JSON.stringify) and with plain JSON.stringify (what Fastify did before routes declared response schemas), on the
 * hot and the largest routes: a session's status (candidates poll it before the exam), a candidate's sessions, a
 * 150-seat roster, and the whole sample bank as GET /api/bank/items returns it. Prints a table and writes
 * bench/results/contract-serialize.json.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serializerCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { bankItemSchema } from '../../shared/api/item-bank.ts';
import { rosterSchema, type RosterRow } from '../../shared/api/proctoring.ts';
import { mySessionSchema, sessionStatusSchema } from '../../shared/api/sessions.ts';
import { summarize } from '../lib/stats.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

function bankItems() {
  const dir = path.join(ROOT, 'item-bank');
  const items: unknown[] = [];
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
    const file = JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as { items?: { id: string; module: string; status: string; kwa: string; stem: string; options: unknown[]; key: string; rationale: string; topics: string[]; stats?: unknown }[] };
    for (const i of file.items ?? []) items.push({ id: i.id, module: i.module, status: i.status, version: 1, content: { kwa: i.kwa, stem: i.stem, options: i.options, key: i.key, rationale: i.rationale, topics: i.topics }, stats: i.stats ?? null });
  }
  return items;
}

const now = new Date('2026-12-01T15:00:00Z');
const row = (i: number): RosterRow => ({
  sessionId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  candidateId: `10000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  candidateName: `Candidate ${i}`,
  module: 'SAF',
  state: 'in_progress',
  endReason: null,
  disconnectCreditedMs: 0,
  scheduledAt: now.toISOString(),
  admitted: true,
  handbookAcknowledged: true,
  answered: i % 60,
  total: 60,
  deadline: now.toISOString(),
  remainingMs: 1_800_000,
  running: true,
  pauseReason: null,
  connected: true,
  lastSeenAt: now.toISOString(),
  rttMs: 40,
  pendingAnswers: 0,
  incidents: 0,
  lastIncident: null,
  lastAnswerAt: now.toISOString(),
  timeMultiplier: 1,
  accommodationNote: null,
  separateRoom: false,
  seat: null,
  breakEndsAt: null,
  camera: null,
  attention: [],
});

const cases: { route: string; schema: z.ZodType; data: unknown; iterations: number }[] = [
  {
    route: 'GET /api/sessions/:id',
    schema: sessionStatusSchema,
    data: { id: 'x', module: 'SAF', moduleTitle: 'Safety', testCenter: 'Center', state: 'checked_in', scheduledAt: now, admitted: true, handbookAcknowledged: true, pauseReason: null, endReason: null, timeMultiplier: 1, time: { deadline: null, remainingMs: 5_400_000, serverTime: now.toISOString(), running: false } },
    iterations: 20_000,
  },
  {
    route: 'GET /api/me/sessions (5)',
    schema: z.array(mySessionSchema),
    data: Array.from({ length: 5 }, (_, i) => ({ id: `s${i}`, module: 'SAF', moduleTitle: 'Safety', state: 'scored', scheduledAt: now, testCenterId: 'c', admittedAt: now, handbookAcknowledgedAt: now, endedAt: now, endReason: 'submitted' })),
    iterations: 20_000,
  },
  { route: 'GET /api/proctor/centers/:id/roster (150 seats)', schema: rosterSchema, data: { testCenterId: 'c', date: '2026-12-01', rows: Array.from({ length: 150 }, (_, i) => row(i)) }, iterations: 1_000 },
  { route: 'GET /api/bank/items (sample bank)', schema: z.array(bankItemSchema), data: bankItems(), iterations: 100 },
];

function time(fn: () => string, iterations: number): number[] {
  for (let i = 0; i < Math.min(200, iterations); i++) fn(); // warm up
  const out: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t = process.hrtime.bigint();
    fn();
    out.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return out;
}

const results = cases.map((c) => {
  const encode = serializerCompiler({ schema: c.schema, method: 'GET', url: c.route, httpStatus: '200' } as never) as (data: unknown) => string;
  const bytes = encode(c.data).length;
  const schemaTimes = time(() => encode(c.data), c.iterations);
  const plainTimes = time(() => JSON.stringify(c.data), c.iterations);
  const meanUs = (t: number[]) => Math.round((t.reduce((a, b) => a + b, 0) / t.length) * 1000 * 10) / 10;
  return { route: c.route, bytes, iterations: c.iterations, schemaMeanUs: meanUs(schemaTimes), plainMeanUs: meanUs(plainTimes), schemaMs: summarize(schemaTimes), plainMs: summarize(plainTimes) };
});

console.log('route'.padEnd(48), 'bytes'.padStart(9), 'schema mean µs'.padStart(15), 'p99 ms'.padStart(8), 'plain mean µs'.padStart(14), 'p99 ms'.padStart(8));
for (const r of results) console.log(r.route.padEnd(48), String(r.bytes).padStart(9), String(r.schemaMeanUs).padStart(15), String(r.schemaMs.p99).padStart(8), String(r.plainMeanUs).padStart(14), String(r.plainMs.p99).padStart(8));
mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
writeFileSync(path.join(ROOT, 'bench/results/contract-serialize.json'), JSON.stringify({ at: new Date().toISOString(), node: process.version, cpus: os.cpus().length, results }, null, 2) + '\n');
