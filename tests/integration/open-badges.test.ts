/**
 * Credentials that travel (#21.3) and oversight of results (#17.9), through the API: every module certificate and the
 * full CPT as an Open Badges 3.0 credential that validates against 1EdTech's JSON schema and verifies with an
 * independent library (jose), baked into PNG and SVG; revocation published in a bitstring status list; holds and voids
 * with their effect on certificates, the full CPT and retake eligibility; and the PDFs, read back with poppler.
 */
import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import Ajv2019 from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';
import { createLocalJWKSet, decodeProtectedHeader, importJWK, jwtVerify } from 'jose';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, loginAs, type TestApp } from '../helpers/build-app.ts';
import { ExamClient } from '../helpers/exam-client.ts';
import { fakeClock } from '../helpers/fake-clock.ts';
import { pdfFonts, pdfInfo, pdfQr, pdfText } from '../helpers/pdf-tools.ts';
import { importSampleModule, newCandidate, scheduleSession, startedSession } from '../helpers/session-fixture.ts';
import { DB_KINDS } from '../helpers/test-db.ts';

const DAY = 86_400_000;
const PUBLIC_URL = 'https://exams.example.org';
const schema = JSON.parse(readFileSync('tests/fixtures/open-badges/ob_v3p0_achievementcredential_schema.json', 'utf8'));
// Both are CommonJS: under ESM their classes arrive as the default export's `default`.
const interop = <T>(m: T) => ((m as { default?: T }).default ?? m) as T;
const ajv = new (interop(Ajv2019))({ strict: false, allErrors: true });
interop(addFormats)(ajv);
const validateOb = ajv.compile(schema);

/** Reads the iTXt chunks of a PNG without our baking code: keyword → text. */
function pngTextChunks(png: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let at = 8;
  while (at < png.length) {
    const len = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    if (type === 'iTXt') {
      const data = png.subarray(at + 8, at + 8 + len);
      const k = data.indexOf(0);
      let p = k + 3;
      p = data.indexOf(0, p) + 1;
      p = data.indexOf(0, p) + 1;
      out.set(data.toString('latin1', 0, k), data.toString('utf8', p));
    }
    at += 12 + len;
  }
  return out;
}

describe.each(DB_KINDS)('Open Badges 3.0 credentials and result oversight on %s', (kind) => {
  let t: TestApp;
  let base: string;
  const clock = fakeClock(new Date('2026-03-02T15:00:00Z'));
  const keys = new Map<string, string>();
  beforeAll(async () => {
    t = await buildTestApp(kind, { clock, env: { PUBLIC_URL } });
    for (const f of ['safety', 'quality', 'production', 'maintenance', 'green']) await importSampleModule(t.services, `item-bank/${f}.json`);
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const author = await loginAs(t.app, 'author');
    for (const it of (await t.app.inject({ url: '/api/bank/items', headers: author })).json() as { id: string; content: { key: string } }[]) keys.set(it.id, it.content.key);
  }, 180_000);
  afterAll(() => t?.close(), 60_000);

  async function sit(module: string, candidate: Awaited<ReturnType<typeof newCandidate>>, correctShare: number) {
    const s = await startedSession(t.app, { module, candidate, scheduledAt: clock.now() });
    const c = await ExamClient.open(base, s.candidate);
    const snap = await c.hello(s.sessionId);
    const n = Math.round(snap.items.length * correctShare);
    await Promise.all(snap.items.map((it, i) => c.answer(it.itemId, i < n ? keys.get(it.itemId)! : it.options.find((o) => o.id !== keys.get(it.itemId))!.id)));
    await c.request({ type: 'submit' });
    await c.waitFor('result-ready');
    c.close();
    const report = (await t.app.inject({ url: `/api/sessions/${s.sessionId}/report`, headers: s.candidate })).json();
    return { ...s, report };
  }

  /** Signs in afresh: the fake clock moves by days, past the sign-in lifetime. */
  const as = (c: { username: string }) => loginAs(t.app, c.username, 'candidate-pass-1');
  const verify = async (code: string) => (await t.app.inject({ url: `/api/verify/${code}` })).json();
  async function statusBit(code: string): Promise<boolean> {
    const v = await verify(code);
    const res = await t.app.inject({ url: v.badge.statusList.replace(PUBLIC_URL, '') });
    expect(res.headers['content-type']).toMatch(/application\/vc\+jwt/);
    const jwks = createLocalJWKSet((await t.app.inject({ url: '/.well-known/jwks.json' })).json());
    const { payload } = await jwtVerify(res.body, jwks, { issuer: `${PUBLIC_URL}/api/ob/issuer` });
    const subject = payload.credentialSubject as { type: string; statusPurpose: string; encodedList: string };
    expect(subject).toMatchObject({ type: 'BitstringStatusList', statusPurpose: 'revocation' });
    const bits = gunzipSync(Buffer.from(subject.encodedList.slice(1), 'base64url'));
    expect(bits.length).toBe(16_384);
    const i = v.badge.statusListIndex as number;
    return (bits[i >> 3]! & (0x80 >> (i & 7))) !== 0;
  }

  it('issues each certificate and the full CPT as a schema-valid Open Badges 3.0 credential that jose verifies, baked into PNG and SVG', async () => {
    const cand = await newCandidate(t.app);
    const modules = ['SAF', 'QPM', 'MPP', 'MA'];
    for (const m of modules) {
      expect((await sit(m, cand, 0.95)).report.result.passed).toBe(true);
      clock.advance(7 * DAY);
    }
    const history = (await t.app.inject({ url: '/api/me/history', headers: await as(cand) })).json();
    expect(history.credentials).toHaveLength(5);
    for (const c of history.credentials as { verificationCode: string; kind: string; module: string | null }[]) {
      const res = await t.app.inject({ url: `/api/credentials/${c.verificationCode}/open-badge.json`, headers: await as(cand) });
      expect(res.statusCode, res.body).toBe(200);
      const { credential, proof } = res.json();
      expect(validateOb(credential), JSON.stringify(validateOb.errors)).toBe(true);
      expect(credential.type).toEqual(['VerifiableCredential', 'OpenBadgeCredential']);
      expect(credential.credentialSubject.identifier[0]).toMatchObject({ identityType: 'name', hashed: false, identityHash: expect.stringMatching(/^Candidate /) });
      expect(credential.credentialSubject.achievement.id).toBe(`${PUBLIC_URL}/api/ob/achievements/${c.kind === 'full-cpt' ? 'CPT' : c.module}`);
      expect(credential.credentialSubject.achievement.alignment.length).toBeGreaterThan(5);

      // Independent verification: jose, with the key from the JOSE header (offline) and from the published JWKS.
      const header = decodeProtectedHeader(proof.jwt);
      expect(header).toMatchObject({ alg: 'RS256', typ: 'JWT' });
      expect(header.jwk).not.toHaveProperty('d');
      const { payload } = await jwtVerify(proof.jwt, await importJWK(header.jwk!, 'RS256'), { currentDate: clock.now() });
      expect(payload).toMatchObject({ iss: credential.issuer.id, jti: credential.id, sub: credential.credentialSubject.id, nbf: Date.parse(credential.validFrom) / 1000, exp: Date.parse(credential.validUntil) / 1000 });
      const jwks = createLocalJWKSet((await t.app.inject({ url: '/.well-known/jwks.json' })).json());
      await jwtVerify(proof.jwt, jwks, { currentDate: clock.now() });
      expect((await t.app.inject({ url: `/api/ob/keys/${header.jwk!.kid}` })).json()).toEqual(header.jwk);
      // A tampered payload fails.
      const [h, p, sig] = proof.jwt.split('.');
      const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), validUntil: '2099-01-01T00:00:00Z' })).toString('base64url');
      await expect(jwtVerify(`${h}.${forged}.${sig}`, jwks)).rejects.toThrow(/signature/);

      const png = await t.app.inject({ url: `/api/credentials/${c.verificationCode}/open-badge.png`, headers: await as(cand) });
      expect(png.headers['content-type']).toBe('image/png');
      expect(PNG.sync.read(png.rawPayload).width).toBe(512); // still a valid PNG (CRCs checked by pngjs)
      expect(pngTextChunks(png.rawPayload).get('openbadgecredential')).toBe(proof.jwt);
      const svg = await t.app.inject({ url: `/api/credentials/${c.verificationCode}/open-badge.svg`, headers: await as(cand) });
      expect(svg.body).toMatch(/<svg xmlns:openbadges="https:\/\/purl\.imsglobal\.org\/ob\/v3p0"/);
      const baked = /<openbadges:credential verify="([^"]+)"><\/openbadges:credential>/.exec(svg.body)![1]!;
      await jwtVerify(baked, jwks, { currentDate: clock.now() });
    }
    // The issuer profile and achievements a verifier dereferences.
    expect((await t.app.inject({ url: '/api/ob/issuer' })).json()).toMatchObject({ id: `${PUBLIC_URL}/api/ob/issuer`, type: ['Profile'] });
    expect((await t.app.inject({ url: '/api/ob/achievements/CPT' })).json()).toMatchObject({ type: ['Achievement'], achievementType: 'Certification' });
    expect((await t.app.inject({ url: '/api/ob/achievements/NOPE' })).statusCode).toBe(404);
    // Someone else's badge is not found; a proctor has no badges.
    const other = await newCandidate(t.app);
    expect((await t.app.inject({ url: `/api/credentials/${history.credentials[0].verificationCode}/open-badge.json`, headers: other.auth })).statusCode).toBe(404);
    expect((await t.app.inject({ url: `/api/credentials/${history.credentials[0].verificationCode}/open-badge.json`, headers: await loginAs(t.app, 'proctor') })).statusCode).toBe(403);
  }, 480_000);

  it('an admin revokes a certificate with a reason: the status list says revoked, the page shows it, the full CPT resting on it goes too', async () => {
    const cand = await newCandidate(t.app);
    for (const m of ['SAF', 'QPM', 'MPP', 'MA']) {
      await sit(m, cand, 0.95);
      clock.advance(DAY);
    }
    const creds = (await t.app.inject({ url: '/api/me/history', headers: await as(cand) })).json().credentials as { verificationCode: string; kind: string; module: string }[];
    const saf = creds.find((c) => c.module === 'SAF')!;
    const full = creds.find((c) => c.kind === 'full-cpt')!;
    expect(await statusBit(saf.verificationCode)).toBe(false);

    // Roles are checked before the body is read: a proctor with a bad body gets 403, not 400.
    const proctor = await loginAs(t.app, 'proctor');
    expect((await t.app.inject({ method: 'POST', url: `/api/admin/credentials/${saf.verificationCode}/revoke`, headers: proctor, payload: { nonsense: 1 } })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'POST', url: `/api/admin/credentials/${saf.verificationCode}/revoke`, payload: { reason: 'x' } })).statusCode).toBe(401);
    const revoke = await t.app.inject({ method: 'POST', url: `/api/admin/credentials/${saf.verificationCode}/revoke`, headers: await loginAs(t.app, 'admin'), payload: { reason: 'Identity fraud established by the program' } });
    expect(revoke.statusCode, revoke.body).toBe(200);

    expect(await verify(saf.verificationCode)).toMatchObject({ status: 'revoked', statusReason: 'Identity fraud established by the program' });
    expect(await statusBit(saf.verificationCode)).toBe(true);
    expect(await verify(full.verificationCode)).toMatchObject({ status: 'revoked', statusReason: expect.stringMatching(/rests on was withdrawn: Identity fraud/) });
    expect(await statusBit(full.verificationCode)).toBe(true);
    expect(await statusBit(creds.find((c) => c.module === 'QPM')!.verificationCode)).toBe(false);
    expect((await t.app.inject({ url: `/api/credentials/${saf.verificationCode}/open-badge.png`, headers: await as(cand) })).statusCode).toBe(409);
    const audit = await t.services.audit.forSubject('credential', (await t.services.scoring.verify(saf.verificationCode)).credentialId);
    expect(audit.map((a) => a.action)).toContain('credential.revoked');
    expect((await t.app.inject({ method: 'POST', url: `/api/admin/credentials/${saf.verificationCode}/revoke`, headers: await loginAs(t.app, 'admin'), payload: { reason: 'again and again' } })).statusCode).toBe(409);
    // Revoked: the module is no longer "already certified", so it may be taken again.
    const again = await t.app.inject({ method: 'POST', url: '/api/sessions', headers: proctor, payload: { candidateId: cand.id, module: 'SAF', testCenterId: (await t.app.inject({ url: '/api/test-centers', headers: proctor })).json()[0].id, scheduledAt: clock.now().toISOString() } });
    expect(again.statusCode, again.body).toBe(201);
  }, 180_000);

  it('a hold suspends the certificate and the full CPT and blocks scheduling; release reinstates; a void revokes and counts only for misconduct', async () => {
    const cand = await newCandidate(t.app);
    const passes = [];
    for (const m of ['SAF', 'QPM', 'MPP', 'MA']) {
      passes.push(await sit(m, cand, 0.95));
      clock.advance(DAY);
    }
    const ma = passes[3]!;
    const creds = async () => t.app.inject({ url: '/api/me/history', headers: await as(cand) }).then((r) => r.json().credentials as { verificationCode: string; kind: string; module: string; status: string }[]);
    const fullCode = (await creds()).find((c) => c.kind === 'full-cpt')!.verificationCode;

    const hold = await t.app.inject({ method: 'POST', url: `/api/admin/sessions/${ma.sessionId}/hold`, headers: await loginAs(t.app, 'admin'), payload: { reason: 'Irregularity report under review' } });
    expect(hold.statusCode, hold.body).toBe(200);
    expect(await verify(ma.report.certificate.verificationCode)).toMatchObject({ status: 'suspended', statusReason: 'result on hold: Irregularity report under review' });
    expect(await verify(fullCode)).toMatchObject({ status: 'suspended' });
    expect(await statusBit(fullCode)).toBe(false); // a hold is not a revocation
    const report = (await t.app.inject({ url: `/api/sessions/${ma.sessionId}/report`, headers: await as(cand) })).json();
    expect(report.disposition).toMatchObject({ state: 'on-hold', reason: 'Irregularity report under review' });
    const history = (await t.app.inject({ url: '/api/me/history', headers: await as(cand) })).json();
    expect(history.eligibility.MA).toMatchObject({ eligible: false, code: 'RESULT_ON_HOLD' });
    expect((await t.app.inject({ url: `/api/credentials/${fullCode}/open-badge.jwt`, headers: await as(cand) })).statusCode).toBe(409);

    const release = await t.app.inject({ method: 'POST', url: `/api/admin/sessions/${ma.sessionId}/release`, headers: await loginAs(t.app, 'admin'), payload: { reason: 'Review found no irregularity' } });
    expect(release.statusCode, release.body).toBe(200);
    expect(await verify(fullCode)).toMatchObject({ status: 'valid', statusReason: null });
    expect(await verify(ma.report.certificate.verificationCode)).toMatchObject({ status: 'valid' });

    // A technical void: no attempt at all, so no retake wait; the certificate and the full CPT are revoked.
    const voided = await t.app.inject({ method: 'POST', url: `/api/admin/sessions/${ma.sessionId}/void`, headers: await loginAs(t.app, 'admin'), payload: { reason: 'Workstation fault during the exam', countsAsAttempt: false } });
    expect(voided.statusCode, voided.body).toBe(200);
    expect(await verify(ma.report.certificate.verificationCode)).toMatchObject({ status: 'revoked' });
    expect(await verify(fullCode)).toMatchObject({ status: 'revoked' });
    const after = (await t.app.inject({ url: '/api/me/history', headers: await as(cand) })).json();
    expect(after.eligibility.MA).toMatchObject({ eligible: true, attemptNumber: 1 });
    expect(after.fullCpt.complete).toBe(false);
    expect(after.attempts.find((a: { sessionId: string }) => a.sessionId === ma.sessionId).disposition).toMatchObject({ state: 'void', countsAsAttempt: false });
    expect((await t.app.inject({ method: 'POST', url: `/api/admin/sessions/${ma.sessionId}/hold`, headers: await loginAs(t.app, 'admin'), payload: { reason: 'too late for this one' } })).statusCode).toBe(409);
    const audit = await t.services.audit.forSubject('session', ma.sessionId);
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['result.held', 'result.released', 'result.voided']));

    // Passing MA again completes a new full CPT.
    expect((await sit('MA', cand, 0.95)).report.result.passed).toBe(true);
    expect((await creds()).filter((c) => c.kind === 'full-cpt' && c.status === 'valid')).toHaveLength(1);

    // Misconduct: a voided failure... here a voided pass for misconduct counts as a failed attempt: 15-day wait.
    const grn = await sit('GRN', cand, 0.95);
    await t.app.inject({ method: 'POST', url: `/api/admin/sessions/${grn.sessionId}/void`, headers: await loginAs(t.app, 'admin'), payload: { reason: 'Candidate used a phone (incident report)', countsAsAttempt: true } });
    const elig = (await t.app.inject({ url: '/api/me/history', headers: await as(cand) })).json().eligibility.GRN;
    expect(elig).toMatchObject({ eligible: false, code: 'RETAKE_WAIT' });
  }, 240_000);

  it('PDFs: score report, certificate, wallet card and KWA document, with embedded fonts, tags and a QR to the public URL', async () => {
    clock.set(new Date('2026-09-01T15:00:00Z')); // later than every earlier test's clock
    const cand = await newCandidate(t.app);
    const fail = await sit('SAF', cand, 0.3);
    const pdf = await t.app.inject({ url: `/api/sessions/${fail.sessionId}/report.pdf`, headers: await as(cand) });
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const text = pdfText(pdf.rawPayload);
    expect(text).toMatch(/Module Score Report/);
    expect(text).toContain(fail.report.candidateName);
    expect(text).toMatch(new RegExp(`Candidate ID\\s+${cand.username}`));
    expect(text).toContain(fail.sessionId);
    expect(text).toContain(fail.report.formId);
    expect(text).toMatch(/Exam date\s+1 September 2026, \d\d:\d\d (EST|EDT|CST|CDT|[A-Z]{3,4}|GMT[+-]\d+) \(America\/[A-Za-z_]+\)/);
    expect(text).toMatch(/NOT PASSED/);
    expect(text).toMatch(/Earliest retake date: 16 September 2026/);
    expect(text).toMatch(/Diagnostic by Key Work Activity/);
    expect(text).toMatch(/SAF-04/);
    const reportUrl = `${PUBLIC_URL}/verify/report/${fail.sessionId}`;
    expect(text).toContain(reportUrl);
    expect(pdfQr(pdf.rawPayload)).toBe(reportUrl);
    expect(pdfInfo(pdf.rawPayload)).toMatch(/Tagged:\s+yes/);
    const fonts = pdfFonts(pdf.rawPayload);
    expect(fonts).toMatch(/LiberationSans/);
    expect(fonts.split('\n').slice(2).filter(Boolean).every((l) => / yes yes /.test(l))).toBe(true); // embedded, subset
    const summary = (await t.app.inject({ url: `/api/verify/report/${fail.sessionId}` })).json();
    expect(summary).toMatchObject({ outcome: 'not-passed', moduleTitle: 'Safety', candidateName: fail.report.candidateName });

    clock.advance(16 * DAY);
    const pass = await sit('SAF', cand, 0.95);
    const code = pass.report.certificate.verificationCode;
    // #17.14: expiresOn is the first day the certificate is no longer valid, the day after validThrough.
    expect(pass.report.certificate.expiresOn).toBe(new Date(Date.parse(`${pass.report.certificate.validThrough}T00:00:00Z`) + DAY).toISOString().slice(0, 10));
    const passText = pdfText((await t.app.inject({ url: `/api/sessions/${pass.sessionId}/report.pdf`, headers: await as(cand) })).rawPayload);
    expect(passText).toMatch(/PASS/);
    expect(passText).not.toMatch(/Earliest retake/);
    expect(passText).toContain(`${PUBLIC_URL}/verify/${code}`);

    const cert = await t.app.inject({ url: `/api/credentials/${code}/certificate.pdf`, headers: await as(cand) });
    const certText = pdfText(cert.rawPayload);
    expect(certText).toMatch(/Certificate of Achievement/);
    expect(certText).toContain(fail.report.candidateName);
    expect(certText).toMatch(/CPT Module Certificate: Safety/);
    expect(certText).toMatch(/Program Director, CPT Certification Program/);
    expect(pdfQr(cert.rawPayload)).toBe(`${PUBLIC_URL}/verify/${code}`);
    // Built from PUBLIC_URL, never from the request's Host.
    const spoofed = await t.app.inject({ url: `/api/credentials/${code}/certificate.pdf`, headers: { ...(await as(cand)), host: 'attacker.example' } });
    expect(pdfQr(spoofed.rawPayload)).toBe(`${PUBLIC_URL}/verify/${code}`);

    const card = await t.app.inject({ url: `/api/credentials/${code}/wallet-card.pdf`, headers: await as(cand) });
    expect(pdfInfo(card.rawPayload)).toMatch(/Page size:\s+243 x 153 pts/);
    expect(pdfText(card.rawPayload)).toContain(code);
    expect(pdfQr(card.rawPayload, 600)).toBe(`${PUBLIC_URL}/verify/${code}`);

    const kwa = await t.app.inject({ url: `/api/credentials/${code}/key-work-activities.pdf`, headers: await as(cand) });
    const kwaText = pdfText(kwa.rawPayload);
    expect(kwaText).toMatch(/Key Work Activities/);
    expect(kwaText).toMatch(/SAF-04\s+Identify unsafe conditions and take corrective action/);
    expect(pdfQr(kwa.rawPayload)).toBe(`${PUBLIC_URL}/verify/${code}`);
    expect((await t.app.inject({ url: `/api/credentials/${code}/key-work-activities.pdf`, headers: (await newCandidate(t.app)).auth })).statusCode).toBe(404);
  }, 480_000);

  it('rate-limits the public verification per peer address, ignoring X-Forwarded-For', async () => {
    let limited = 0;
    for (let i = 0; i < 40; i++) {
      const r = await t.app.inject({ url: '/api/verify/CPT-0000-0000-0000', headers: { 'x-forwarded-for': `10.0.0.${i}` }, remoteAddress: '203.0.113.9' });
      if (r.statusCode === 429) {
        limited++;
        expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
      }
    }
    expect(limited).toBeGreaterThanOrEqual(9);
    expect((await t.app.inject({ url: '/api/verify/CPT-0000-0000-0000', remoteAddress: '203.0.113.10' })).statusCode).toBe(404);
  });

  it('publishes a schedule refusal with the hold reason', async () => {
    const cand = await newCandidate(t.app);
    const s = await sit('QPM', cand, 0.2);
    await t.app.inject({ method: 'POST', url: `/api/admin/sessions/${s.sessionId}/hold`, headers: await loginAs(t.app, 'admin'), payload: { reason: 'Answer pattern review' } });
    clock.advance(20 * DAY);
    const r = await scheduleSession(t.app, { module: 'QPM', candidate: cand, scheduledAt: clock.now() }).catch((e: Error) => e);
    expect(String(r)).toMatch(/on hold while it is reviewed/);
  });
});
