/**
 * #14.9 through HTTP: recertification points a candidate reports count only once an admin approved them; evidence
 * files are checked by their bytes and size and shown only to their candidate and admins; a reject needs a reason the
 * candidate reads; each decision is audited with both people.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentials } from '../../server/src/db/schema/index.ts';
import { buildTestApp, loginAs, type TestApp } from '../helpers/build-app.ts';
import { fakeClock } from '../helpers/fake-clock.ts';
import { newCandidate } from '../helpers/session-fixture.ts';
import { DB_KINDS } from '../helpers/test-db.ts';

const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from('1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n')]);
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

describe.each(DB_KINDS)('recertification activities on %s', (kind) => {
  let t: TestApp;
  let admin: { cookie: string };
  const clock = fakeClock(new Date('2026-06-01T15:00:00Z'));
  beforeAll(async () => {
    t = await buildTestApp(kind, { clock });
    admin = await loginAs(t.app, 'admin');
  });
  afterAll(() => t?.close());

  /** A candidate holding a full CPT credential (issued directly: sitting four exams is not what this file tests). */
  async function certifiedCandidate() {
    const c = await newCandidate(t.app);
    const policy = await t.services.scoring.policy();
    const suffix = c.id.replace(/-/g, '').slice(0, 4).toUpperCase();
    await t.database.db.insert(credentials).values({
      candidateId: c.id,
      kind: 'full-cpt',
      verificationCode: `CPT-${suffix}-RCRT-${Math.floor(1000 + Math.random() * 8999)}`,
      issuedAt: new Date('2025-01-01T12:00:00Z'),
      expiresAt: new Date('2030-01-01T06:00:00Z'),
      issuedOn: '2025-01-01',
      validThrough: '2029-12-31',
      timeZone: 'UTC',
      policyVersion: policy.version,
    });
    return c;
  }
  const report = (c: { id: string; auth: { cookie: string } }, body: Record<string, unknown>, headers = c.auth) =>
    t.app.inject({ method: 'POST', url: `/api/candidates/${c.id}/recertification-activities`, headers, payload: { category: 'continuing-education', points: 60, completedAt: '2026-05-01', description: 'Lean manufacturing course', ...body } });
  const history = async (c: { auth: { cookie: string } }) => (await t.app.inject({ url: '/api/me/history', headers: c.auth })).json();
  const evidence = (fileName: string, bytes: Buffer) => ({ evidence: { fileName, base64: bytes.toString('base64') } });

  it("a candidate's report counts only after an admin approves it; the candidate cannot approve; the approval is audited with both people", async () => {
    const c = await certifiedCandidate();
    const res = await report(c, evidence('course-certificate.pdf', PDF));
    expect(res.statusCode).toBe(201);
    const act = res.json();
    expect(act).toMatchObject({ status: 'pending', decidedBy: null, evidence: { fileName: 'course-certificate.pdf', contentType: 'application/pdf', size: PDF.length } });

    let h = await history(c);
    expect(h.recertification).toMatchObject({ pointsEarned: 0, pointsPending: 60, requirementMet: false });
    expect(h.recertification.notCounted).toEqual([expect.objectContaining({ reason: 'awaiting-approval', activity: expect.objectContaining({ id: act.id, status: 'pending' }) })]);
    expect(h.recertActivities).toEqual([expect.objectContaining({ id: act.id, status: 'pending' })]);

    // Neither the candidate nor a proctor may decide; the role guard refuses before the body is read.
    expect((await t.app.inject({ method: 'POST', url: `/api/admin/recertification-activities/${act.id}/approve`, headers: c.auth })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'POST', url: `/api/admin/recertification-activities/${act.id}/approve`, headers: await loginAs(t.app, 'proctor') })).statusCode).toBe(403);
    expect((await history(c)).recertification.pointsEarned).toBe(0);

    // The admin's queue shows it with the evidence, and the admin can open the file.
    const queue = (await t.app.inject({ url: '/api/admin/recertification-activities', headers: admin })).json();
    expect(queue.find((q: { id: string }) => q.id === act.id)).toMatchObject({ candidateUsername: c.username, evidence: { contentType: 'application/pdf' } });
    const file = await t.app.inject({ url: `/api/candidates/${c.id}/recertification-activities/${act.id}/evidence`, headers: admin });
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('application/pdf');
    expect(file.headers['content-disposition']).toMatch(/^attachment;/);
    expect(file.rawPayload.equals(PDF)).toBe(true);

    const approved = await t.app.inject({ method: 'POST', url: `/api/admin/recertification-activities/${act.id}/approve`, headers: admin });
    expect(approved.statusCode).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'approved', decisionReason: null });
    h = await history(c);
    expect(h.recertification).toMatchObject({ pointsEarned: 60, pointsPending: 0 });
    expect(h.recertActivities[0]).toMatchObject({ status: 'approved' });
    // One decision: a second one is a conflict, not a silent change.
    expect((await t.app.inject({ method: 'POST', url: `/api/admin/recertification-activities/${act.id}/reject`, headers: admin, payload: { reason: 'changed my mind' } })).statusCode).toBe(409);

    const audit = await t.services.audit.forSubject('recert-activity', act.id);
    const adminId = (await t.app.inject({ url: '/api/auth/me', headers: admin })).json().userId;
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['recertification.activity-reported', 'recertification.activity-approved']));
    const decision = audit.find((a) => a.action === 'recertification.activity-approved')!;
    expect(decision.actorId).toBe(adminId);
    expect(decision.details).toMatchObject({ candidateId: c.id, reportedBy: c.id, decidedBy: adminId });
  });

  it('a reject needs a reason, which the candidate then reads; rejected points never count', async () => {
    const c = await certifiedCandidate();
    const act = (await report(c, { points: 40, category: 'employment', description: 'Shift lead' })).json();
    const noReason = await t.app.inject({ method: 'POST', url: `/api/admin/recertification-activities/${act.id}/reject`, headers: admin, payload: {} });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().message).toMatch(/reason/);
    const rejected = await t.app.inject({ method: 'POST', url: `/api/admin/recertification-activities/${act.id}/reject`, headers: admin, payload: { reason: 'No employer letter: attach one and report again' } });
    expect(rejected.statusCode).toBe(200);
    const h = await history(c);
    expect(h.recertification).toMatchObject({ pointsEarned: 0, pointsPending: 0 });
    expect(h.recertification.notCounted[0]).toMatchObject({ reason: 'rejected' });
    expect(h.recertActivities[0]).toMatchObject({ status: 'rejected', decisionReason: 'No employer letter: attach one and report again' });
    const decision = (await t.services.audit.forSubject('recert-activity', act.id)).find((a) => a.action === 'recertification.activity-rejected')!;
    expect(decision.reason).toBe('No employer letter: attach one and report again');
    expect(decision.details).toMatchObject({ candidateId: c.id, reportedBy: c.id });
  });

  it('an activity an admin records is approved at once', async () => {
    const c = await certifiedCandidate();
    const res = await report(c, { points: 25, category: 'extra' }, admin);
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ status: 'approved' });
    expect((await history(c)).recertification.pointsEarned).toBe(25);
  });

  it("another candidate's evidence is not found, and nobody reports for someone else", async () => {
    const a = await certifiedCandidate();
    const b = await newCandidate(t.app);
    const act = (await report(a, evidence('badge.png', PNG))).json();
    expect((await t.app.inject({ url: `/api/candidates/${a.id}/recertification-activities/${act.id}/evidence`, headers: a.auth })).headers['content-type']).toBe('image/png');
    expect((await t.app.inject({ url: `/api/candidates/${a.id}/recertification-activities/${act.id}/evidence`, headers: b.auth })).statusCode).toBe(404);
    expect((await t.app.inject({ url: `/api/candidates/${b.id}/recertification-activities/${act.id}/evidence`, headers: b.auth })).statusCode).toBe(404);
    expect((await t.app.inject({ url: `/api/candidates/${a.id}/recertification-activities/${act.id}/evidence`, headers: await loginAs(t.app, 'proctor') })).statusCode).toBe(403);
    expect((await t.app.inject({ url: `/api/candidates/${a.id}/recertification-activities/${act.id}/evidence` })).statusCode).toBe(401);
    expect((await report(a, {}, b.auth)).statusCode).toBe(404);
    expect((await history(a)).recertActivities).toHaveLength(1);
  });

  it('refuses oversized and wrong-type evidence with a clear error, and keeps nothing', async () => {
    const c = await certifiedCandidate();
    const big = Buffer.concat([PDF, Buffer.alloc(5 * 1024 * 1024 + 1 - PDF.length)]);
    const tooBig = await report(c, evidence('scan.pdf', big));
    expect(tooBig.statusCode).toBe(400);
    expect(tooBig.json().message).toMatch(/"scan\.pdf" is 5\.0 MB; the limit is 5\.0 MB|larger than 5 MB/);

    const html = await report(c, evidence('certificate.pdf', Buffer.from('<html><script>alert(1)</script></html>')));
    expect(html.statusCode).toBe(400);
    expect(html.json().message).toMatch(/"certificate\.pdf" is not a PDF, PNG or JPEG file/);
    expect(html.json().problems[0].pointer).toBe('/evidence/base64');

    const notBase64 = await report(c, { evidence: { fileName: 'x.pdf', base64: 'not base64!' } });
    expect(notBase64.statusCode).toBe(400);
    expect(notBase64.json().message).toMatch(/evidence\/base64/);

    expect((await history(c)).recertActivities).toEqual([]);
  });
});
