/**
 * Employer verification at scale (#21.4) through the API: organization API keys (admin-managed, stored hashed,
 * audited), one code or a CSV of codes per request, per-organization rate limits, and signed webhooks when a verified
 * credential is revoked or expires: delivered at least once with retries and backoff, enqueued exactly once across
 * instances, surviving a restart (the last two on real PostgreSQL, where two instances can share a database).
 */
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/src/app.ts';
import { buildTestApp, loginAs, testConfig, type TestApp } from '../helpers/build-app.ts';
import { ExamClient } from '../helpers/exam-client.ts';
import { fakeClock } from '../helpers/fake-clock.ts';
import { importSampleModule, newCandidate, startedSession } from '../helpers/session-fixture.ts';
import { DB_KINDS } from '../helpers/test-db.ts';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../../server/src/db/client.ts';

const DAY = 86_400_000;

interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A webhook receiver that answers `failFirst` requests with 503, then 204. */
async function receiver(failFirst = 0) {
  const got: Received[] = [];
  let seen = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      res.statusCode = ++seen <= failFirst ? 503 : 204;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { got, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/cpt`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** What a receiver does: recompute the HMAC over "t.body" with the shared secret. */
function signatureValid(r: Received, secret: string): boolean {
  const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(r.headers['cpt-signature'])) ?? [];
  return !!t && createHmac('sha256', secret).update(`${t}.${r.body}`).digest('hex') === v1;
}

describe.each(DB_KINDS)('employer API on %s', (kind) => {
  let t: TestApp;
  let base: string;
  const clock = fakeClock(new Date('2026-03-02T15:00:00Z'));
  const keys = new Map<string, string>();
  const admin = () => loginAs(t.app, 'admin');
  beforeAll(async () => {
    t = await buildTestApp(kind, { clock });
    await importSampleModule(t.services, 'item-bank/safety.json');
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const author = await loginAs(t.app, 'author');
    for (const it of (await t.app.inject({ url: '/api/bank/items', headers: author })).json() as { id: string; content: { key: string } }[]) keys.set(it.id, it.content.key);
  }, 180_000);
  afterAll(() => t?.close(), 60_000);

  const expiredEvents = async () => Number(((await t.database.db.execute(sql`select count(*)::int as n from credential_events where kind = 'expired'`)) as unknown as { rows: { n: number }[] }).rows[0]!.n);

  async function passSafety() {
    const cand = await newCandidate(t.app);
    const s = await startedSession(t.app, { module: 'SAF', candidate: cand, scheduledAt: clock.now() });
    const c = await ExamClient.open(base, s.candidate);
    const snap = await c.hello(s.sessionId);
    await Promise.all(snap.items.map((it) => c.answer(it.itemId, keys.get(it.itemId)!)));
    await c.request({ type: 'submit' });
    await c.waitFor('result-ready');
    c.close();
    return (await t.app.inject({ url: `/api/sessions/${s.sessionId}/report`, headers: s.candidate })).json().certificate.verificationCode as string;
  }

  async function org(name: string, webhookUrl?: string) {
    const created = await t.app.inject({ method: 'POST', url: '/api/admin/employers', headers: await admin(), payload: { name, contactEmail: 'hr@example.com' } });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    const key = (await t.app.inject({ method: 'POST', url: `/api/admin/employers/${id}/keys`, headers: await admin(), payload: { label: 'HR system' } })).json();
    let secret: string | null = null;
    if (webhookUrl) secret = (await t.app.inject({ method: 'PUT', url: `/api/admin/employers/${id}/webhook`, headers: await admin(), payload: { url: webhookUrl } })).json().secret;
    return { id, key: key.key as string, keyId: key.id as string, secret, auth: { authorization: `Bearer ${key.key}` } };
  }

  it('verifies one code and a CSV of codes with an organization key; keys are hashed, revocable and audited', async () => {
    const code = await passSafety();
    const o = await org(`Acme Manufacturing ${kind}`);
    expect(o.key).toMatch(/^cptk_[A-Za-z0-9_-]{43}$/);

    expect((await t.app.inject({ url: `/api/employer/v1/credentials/${code}` })).statusCode).toBe(401);
    expect((await t.app.inject({ url: `/api/employer/v1/credentials/${code}`, headers: { authorization: 'Bearer cptk_wrong' } })).statusCode).toBe(401);
    const one = await t.app.inject({ url: `/api/employer/v1/credentials/${code.toLowerCase()}`, headers: o.auth });
    expect(one.statusCode, one.body).toBe(200);
    expect(one.json()).toMatchObject({ result: 'found', verificationCode: code, status: 'valid', credential: 'CPT module certificate: Safety', holder: expect.stringMatching(/^Candidate /) });

    const csv = `code\n${code}\nCPT-0000-0000-0000\nnot a code\n`;
    const batch = await t.app.inject({ method: 'POST', url: '/api/employer/v1/verify', headers: { ...o.auth, 'content-type': 'text/csv' }, payload: csv });
    expect(batch.statusCode, batch.body).toBe(200);
    expect(batch.json()).toMatchObject({ count: 3, found: 1 });
    expect(batch.json().results.map((r: { line: number; result: string }) => [r.line, r.result])).toEqual([
      [2, 'found'],
      [3, 'not-found'],
      [4, 'invalid'],
    ]);
    const asCsv = await t.app.inject({ method: 'POST', url: '/api/employer/v1/verify?format=csv', headers: { ...o.auth, 'content-type': 'text/csv' }, payload: csv });
    expect(asCsv.headers['content-type']).toMatch(/text\/csv/);
    expect(asCsv.body.split('\n')[0]).toBe('line,input,result,verification_code,holder,credential,issued_on,valid_through,status,status_reason');
    const json = await t.app.inject({ method: 'POST', url: '/api/employer/v1/verify', headers: o.auth, payload: { codes: [code, 'CPT-1111-1111-1111'] } });
    expect(json.json()).toMatchObject({ count: 2, found: 1 });
    expect((await t.app.inject({ method: 'POST', url: '/api/employer/v1/verify', headers: { ...o.auth, 'content-type': 'text/csv' }, payload: 'code\n' })).statusCode).toBe(400);

    // Admin-only management, checked before the body is read; the key itself is never stored or listed.
    expect((await t.app.inject({ method: 'POST', url: '/api/admin/employers', headers: await loginAs(t.app, 'proctor'), payload: { bogus: true } })).statusCode).toBe(403);
    const listed = (await t.app.inject({ url: '/api/admin/employers', headers: await admin() })).json();
    expect(JSON.stringify(listed)).not.toContain(o.key);
    expect(listed.find((x: { id: string }) => x.id === o.id).keys[0]).toMatchObject({ prefix: o.key.slice(0, 12), lastUsedAt: expect.any(String) });
    const stored = await t.database.db.execute(sql`select key_hash from employer_api_keys where id = ${o.keyId}`);
    expect(JSON.stringify(stored)).not.toContain(o.key);
    expect((await t.app.inject({ method: 'DELETE', url: `/api/admin/employers/${o.id}/keys/${o.keyId}`, headers: await admin() })).statusCode).toBe(200);
    expect((await t.app.inject({ url: `/api/employer/v1/credentials/${code}`, headers: o.auth })).statusCode).toBe(401);
    const audit = await t.services.audit.forSubject('employer', o.id);
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['employer.created', 'employer.key-created', 'employer.key-revoked']));
  }, 120_000);

  it('documents the employer and Open Badges endpoints in the OpenAPI description', async () => {
    const doc = await t.app.inject({ url: '/docs/json' });
    expect(doc.statusCode).toBe(200);
    expect(Object.keys(doc.json().paths)).toEqual(expect.arrayContaining(['/api/employer/v1/verify', '/api/employer/v1/credentials/{code}', '/api/ob/status/{list}', '/.well-known/jwks.json']));
  });

  it('rate-limits each organization per minute, across requests and codes', async () => {
    const o = await org(`Rate Co ${kind}`);
    clock.set(new Date(Math.ceil(clock.now().getTime() / 60_000) * 60_000 + 1000)); // the start of a fresh minute
    let last = 0;
    for (let i = 0; i < 121; i++) last = (await t.app.inject({ url: '/api/employer/v1/credentials/CPT-0000-0000-0000', headers: o.auth })).statusCode;
    expect(last).toBe(429);
    const limited = await t.app.inject({ url: '/api/employer/v1/credentials/CPT-0000-0000-0000', headers: o.auth });
    expect(limited.json().code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    clock.advance(60_000);
    expect((await t.app.inject({ url: '/api/employer/v1/credentials/CPT-0000-0000-0000', headers: o.auth })).statusCode).toBe(200);
    // Codes: 5 batches of 1000 fill the minute's 5000; the sixth is refused.
    const codes = Array.from({ length: 1000 }, () => 'CPT-0000-0000-0000');
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await t.app.inject({ method: 'POST', url: '/api/employer/v1/verify', headers: o.auth, payload: { codes } })).statusCode);
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
  }, 120_000);

  it('signs webhooks when a verified credential is revoked or expires, retrying with backoff until delivered', async () => {
    const hook = await receiver(1);
    try {
      const o = await org(`Hooked Inc ${kind}`, hook.url);
      const code = await passSafety();
      const other = await passSafety(); // never verified by this organization: no webhook for it
      await t.app.inject({ url: `/api/employer/v1/credentials/${code}`, headers: o.auth });

      for (const c of [code, other]) await t.app.inject({ method: 'POST', url: `/api/admin/credentials/${c}/revoke`, headers: await admin(), payload: { reason: 'Certificate obtained by fraud' } });
      const first = await t.services.employer.deliverDue();
      expect(first).toEqual([expect.objectContaining({ status: 503, state: 'pending' })]);
      expect(await t.services.employer.deliverDue()).toEqual([]); // backing off
      const d = (await t.app.inject({ url: `/api/admin/employers/${o.id}/deliveries`, headers: await admin() })).json()[0];
      const wait = Date.parse(d.nextAttemptAt) - clock.now().getTime();
      expect(wait).toBeGreaterThanOrEqual(15_000);
      expect(wait).toBeLessThanOrEqual(30_000);
      clock.advance(31_000);
      expect(await t.services.employer.deliverDue()).toEqual([expect.objectContaining({ status: 204, state: 'delivered' })]);
      expect(hook.got).toHaveLength(2);
      for (const r of hook.got) {
        expect(signatureValid(r, o.secret!)).toBe(true);
        expect(signatureValid(r, 'whsec_wrong')).toBe(false);
      }
      expect(hook.got[0]!.headers['cpt-event-id']).toBe(hook.got[1]!.headers['cpt-event-id']); // same event: receivers dedupe
      expect(JSON.parse(hook.got[1]!.body)).toMatchObject({ type: 'credential.revoked', reason: 'Certificate obtained by fraud', credential: { verificationCode: code, status: 'revoked' } });

      // Expiry: announced once, however often (and from however many instances) the sweep runs.
      const later = await passSafety();
      await t.app.inject({ method: 'POST', url: '/api/employer/v1/verify', headers: o.auth, payload: { codes: [later] } });
      clock.advance(5 * 366 * DAY);
      const counts = await Promise.all([t.services.employer.announceExpiries(), t.services.employer.announceExpiries()]);
      expect(counts[0]! + counts[1]!).toBe(await expiredEvents());
      expect(await t.services.employer.announceExpiries()).toBe(0);
      await t.services.employer.deliverDue();
      expect(JSON.parse(hook.got.at(-1)!.body)).toMatchObject({ type: 'credential.expired', credential: { verificationCode: later, status: 'expired' } });
      expect(hook.got.filter((r) => JSON.parse(r.body).type === 'credential.expired')).toHaveLength(1);
    } finally {
      await hook.close();
    }
  }, 180_000);

  it.runIf(kind === 'postgres')('two instances: an event is enqueued once, and a delivery left by a stopped instance is sent by the other', async () => {
    const hook = await receiver(0);
    const secondDb = await openDatabase({ kind: 'postgres', url: t.database.url! });
    const second = await buildApp({ config: testConfig(), database: secondDb, clock, clientDist: '/nonexistent', sweeps: false });
    try {
      const o = await org(`Two Instances ${kind}`, hook.url);
      const code = await passSafety();
      await t.app.inject({ url: `/api/employer/v1/credentials/${code}`, headers: o.auth });
      clock.advance(5 * 366 * DAY);
      const before = await expiredEvents();
      const counts = await Promise.all([t.services.employer.announceExpiries(), second.services.employer.announceExpiries(), t.services.employer.announceExpiries()]);
      expect(counts.reduce((a, b) => a + b, 0)).toBe((await expiredEvents()) - before);
      expect(await second.services.employer.announceExpiries()).toBe(0);
      // An instance claimed the delivery and died before sending (its lease is set, nothing sent): nobody sends it
      // until the lease runs out; then the other instance does.
      await t.database.db.execute(sql`update webhook_deliveries set locked_until = ${new Date(clock.now().getTime() + 60_000).toISOString()}::timestamptz where state = 'pending'`);
      expect(await second.services.employer.deliverDue()).toEqual([]);
      clock.advance(61_000);
      // Both instances try to send at once: the claim (SKIP LOCKED + lease) gives the delivery to one of them.
      const sent = await Promise.all([t.services.employer.deliverDue(), second.services.employer.deliverDue()]);
      expect(sent.flat()).toHaveLength(1);
      expect(hook.got.filter((r) => JSON.parse(r.body).credential.verificationCode === code)).toHaveLength(1);
    } finally {
      await second.app.close();
      await secondDb.close();
      await hook.close();
    }
  }, 120_000);
});
