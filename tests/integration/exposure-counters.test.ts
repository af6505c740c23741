/**
 * Exposure counters (docs/decisions/0009-exposure-counters.md): after every way a form becomes published — LOFT
 * admissions (in parallel, a retaker's, a paper form's), parallel fixed forms built published, drafts proposed,
 * rejected and published — the counters equal the aggregate over published forms that admissions used to compute,
 * on PGlite and PostgreSQL, and with two server instances admitting at once on one PostgreSQL database. The
 * migration's backfill gives the same figures from the forms alone.
 */
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/src/db/client.ts';
import { exposureCounts } from '../../server/src/modules/assembly/assembly.repository.ts';
import { MODULE_CODES } from '../../shared/vocabulary.ts';
import { buildTestApp, loginAs, type TestApp } from '../helpers/build-app.ts';
import { fakeClock } from '../helpers/fake-clock.ts';
import { apiLogin, newCandidateOverApi, twoInstances } from '../helpers/server-process.ts';
import { importSampleModule, newCandidate, scheduleSession, startedSession } from '../helpers/session-fixture.ts';
import { DB_KINDS } from '../helpers/test-db.ts';

const DAY = 86_400_000;
type Counts = Record<string, { forms: number; items: Record<string, number> }>;

/** The oracle: the aggregate over every published form, per module (what admissions computed before the counters). */
const AGGREGATE = `
  select f.module::text as module, null as item_id, count(*)::int as n from forms f where f.status = 'published' group by f.module
  union all
  select f.module::text, fi.item_id, count(*)::int from form_items fi join forms f on f.id = fi.form_id where f.status = 'published' group by f.module, fi.item_id`;
const COUNTERS = `
  select module::text as module, null as item_id, forms as n from exposure_modules
  union all
  select module::text, item_id, forms from exposure_items`;

function shape(rows: { module: string; item_id: string | null; n: number }[]): Counts {
  const out: Counts = {};
  for (const r of rows) {
    const m = (out[r.module] ??= { forms: 0, items: {} });
    if (r.item_id === null) m.forms = r.n;
    else m.items[r.item_id] = r.n;
  }
  return out;
}

async function query(db: Db, text: string) {
  const r = (await db.execute(sql.raw(text))) as unknown as { rows: { module: string; item_id: string | null; n: number }[] };
  return shape(r.rows);
}

/** The migration's backfill statements (everything after its CREATE TABLEs), as the migrator runs them. */
function backfillStatements(): string[] {
  const file = readFileSync('migrations/0021_exposure-counters.sql', 'utf8');
  return file
    .split('--> statement-breakpoint')
    .map((s) => s.trim())
    .filter((s) => !s.startsWith('CREATE TABLE'));
}

describe.each(DB_KINDS)('exposure counters on %s', { timeout: 900_000 }, (kind) => {
  let t: TestApp;
  let db: Db;
  const clock = fakeClock(new Date());
  beforeAll(async () => {
    t = await buildTestApp(kind, { clock });
    db = t.database.db;
    await importSampleModule(t.services, 'item-bank/safety.json');
    await importSampleModule(t.services, 'item-bank/green.json');
  }, 300_000);
  afterAll(() => t?.close());

  /** Counters = aggregate, and what an admission reads (exposureCounts) is that, for every module. */
  async function expectExact(): Promise<Counts> {
    const counters = await query(db, COUNTERS);
    const aggregate = await query(db, AGGREGATE);
    expect(counters).toEqual(aggregate);
    for (const m of MODULE_CODES) {
      const read = await exposureCounts(db, m);
      expect(read).toEqual({ forms: aggregate[m]?.forms ?? 0, counts: aggregate[m]?.items ?? {} });
    }
    return aggregate;
  }

  const post = async (url: string, headers: { cookie: string }, payload?: Record<string, unknown>) => {
    const r = await t.app.inject({ method: 'POST', url, headers, ...(payload === undefined ? {} : { payload }) });
    if (r.statusCode >= 300) throw new Error(`${url}: ${r.statusCode} ${r.body}`);
    return r.body ? r.json() : null;
  };

  it('count LOFT forms admitted at once, a paper form once (a reprint is the same form), and a retaker’s form', async () => {
    expect(await expectExact()).toEqual({});

    // Eight LOFT admissions at once.
    const scheduled = [];
    for (let i = 0; i < 8; i++) scheduled.push(await scheduleSession(t.app));
    for (const s of scheduled) await post(`/api/sessions/${s.sessionId}/check-in`, s.candidate);
    await Promise.all(scheduled.map((s) => post(`/api/sessions/${s.sessionId}/admit`, s.proctor, { idConfirmed: true })));
    expect((await expectExact()).SAF!.forms).toBe(8);

    const paper = await scheduleSession(t.app);
    const first = await post(`/api/sessions/${paper.sessionId}/paper`, paper.proctor);
    const reprint = await post(`/api/sessions/${paper.sessionId}/paper`, paper.proctor);
    expect(reprint.bookletCode).toBe(first.bookletCode);
    expect((await expectExact()).SAF!.forms).toBe(9);

    // A retaker (the first sitting ended by the proctor, the wait over) gets a form drawn away from the one they saw.
    const cand = await newCandidate(t.app);
    const sat = await startedSession(t.app, { candidate: cand });
    await post(`/api/sessions/${sat.sessionId}/terminate`, sat.proctor, { category: 'identity', note: 'test sitting ended' });
    clock.advance(120 * DAY);
    const retake = await startedSession(t.app, { candidate: cand });
    const formOf = async (sessionId: string) => (await t.services.audit.forSubject('session', sessionId)).find((a) => a.action === 'session.admitted')!.details.formId as string;
    const [one, two] = [await t.services.assembly.getForm(await formOf(sat.sessionId)), await t.services.assembly.getForm(await formOf(retake.sessionId))];
    const shared = two.items.filter((it) => one.items.some((o) => o.itemId === it.itemId)).length;
    expect(shared).toBeLessThanOrEqual(Math.floor((two.items.length * t.config.assembly.retakeMaxSharedPercent) / 100));
    expect((await expectExact()).SAF!.forms).toBe(11);
  });

  it('count fixed forms when they are published, never as drafts, proposals or rejected proposals', async () => {
    const author = await loginAs(t.app, 'author');
    const admin = await loginAs(t.app, 'admin');
    const built = await post('/api/forms/build', author, { module: 'GRN', count: 2, maxOverlapPct: 25, publish: false });
    expect(await expectExact()).not.toHaveProperty('GRN');
    for (const id of built.formIds) await post(`/api/forms/${id}/publish`, author);
    expect(await expectExact()).not.toHaveProperty('GRN');
    await post(`/api/authoring/proposals/form/${built.formIds[0]}/reject`, admin, { note: 'KWA 3 reads badly' });
    expect(await expectExact()).not.toHaveProperty('GRN');
    await post(`/api/forms/${built.formIds[0]}/publish`, admin);
    expect((await expectExact()).GRN!.forms).toBe(1);
    await post(`/api/authoring/proposals/form/${built.formIds[1]}/approve`, admin, {});
    expect((await expectExact()).GRN!.forms).toBe(2);
    await t.services.assembly.buildParallel(null, { module: 'SAF', count: 2, maxOverlapPct: 100, publish: true, seed: 'exposure-fixed' });
    expect((await expectExact()).SAF!.forms).toBe(13);
    // A GRN admission is given one of its published fixed forms: no new form, nothing to count.
    const grn = await scheduleSession(t.app, { module: 'GRN' });
    await post(`/api/sessions/${grn.sessionId}/check-in`, grn.candidate);
    await post(`/api/sessions/${grn.sessionId}/admit`, grn.proctor, { idConfirmed: true });
    expect((await expectExact()).GRN!.forms).toBe(2);
  });

  it("the migration's backfill gives the same counters from the forms alone", async () => {
    const kept = await expectExact();
    await db.transaction(async (tx) => {
      await tx.execute(sql`delete from exposure_items`);
      await tx.execute(sql`delete from exposure_modules`);
      for (const s of backfillStatements()) await tx.execute(sql.raw(s));
    });
    expect(await expectExact()).toEqual(kept);
  });
});

describe.skipIf(!process.env.DATABASE_URL)('exposure counters with two instances admitting at once', () => {
  const instances = twoInstances();
  afterAll(() => instances.stop());

  it('lose no increment and deadlock no admission', async () => {
    const { a, b, databaseUrl } = await instances.start();
    const admin = await apiLogin(a.url, 'admin');
    const proctors = [await apiLogin(a.url, 'proctor'), await apiLogin(b.url, 'proctor')];
    const [center] = await proctors[0]!.call('GET', '/api/test-centers');
    const sessions: { id: string; proctor: (typeof proctors)[number] }[] = [];
    for (let i = 0; i < 16; i++) {
      const { id: candidateId, api } = await newCandidateOverApi(admin, a.url, `exposure-${process.pid}-${i}`);
      const module = i % 4 === 0 ? 'GRN' : 'SAF';
      const { id } = await proctors[0]!.call('POST', '/api/sessions', { candidateId, module, testCenterId: center.id, scheduledAt: new Date().toISOString() });
      await api.call('POST', `/api/sessions/${id}/check-in`);
      sessions.push({ id, proctor: proctors[i % 2]! });
    }
    await Promise.all(sessions.map((s) => s.proctor.call('POST', `/api/sessions/${s.id}/admit`, { idConfirmed: true })));

    const c = new pg.Client({ connectionString: databaseUrl });
    await c.connect();
    try {
      const counters = shape((await c.query(COUNTERS)).rows);
      expect(counters).toEqual(shape((await c.query(AGGREGATE)).rows));
      expect(counters.SAF!.forms).toBe(12);
      expect(counters.GRN!.forms).toBe(4);
    } finally {
      await c.end();
    }
  }, 600_000);
});
