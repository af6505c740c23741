/**
 * Paper delivery through the API (#21.2): a proctor produces a scheduled exam's paper form; the booklet PDF holds the
 * form's questions in the candidate's order and the answer sheet PDF carries the codes as filled bubbles and a QR code
 * (both read back with poppler); double keyed entry shows the differences and needs two people; the scanner's CSV is
 * all or nothing with located problems; and a paper sitting scores exactly like the same answers online.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, loginAs, type TestApp } from '../helpers/build-app.ts';
import { ExamClient } from '../helpers/exam-client.ts';
import { pdfPixels, pdfQr, pdfText } from '../helpers/pdf-tools.ts';
import { importSampleModule, scheduleSession, startedSession } from '../helpers/session-fixture.ts';
import { DB_KINDS } from '../helpers/test-db.ts';
import { codeGrids, LETTERS, luhnDigit, validCode } from '../../server/src/modules/paper/domain/paper-sheet.ts';
import { HANDBOOK_VERSION } from '../../shared/handbook.ts';

describe.each(DB_KINDS)('paper delivery on %s', { timeout: 180_000 }, (kind) => {
  let t: TestApp;
  let base: string;
  let keys: Map<string, { key: string; stem: string }>;
  beforeAll(async () => {
    t = await buildTestApp(kind);
    await importSampleModule(t.services, 'item-bank/safety.json');
    // One published fixed form: every session (paper or online) sits the same form, so their results can be compared.
    await t.services.assembly.buildParallel(null, { module: 'SAF', count: 1, maxOverlapPct: 100, publish: true, seed: 'paper-test' });
    const snapshot = await t.services.itemBank.snapshot();
    keys = new Map([...snapshot.items.values()].map((i) => [i.id, { key: i.content.key, stem: i.content.stem }]));
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    // Building the app and importing a bank takes minutes on a loaded machine.
  }, 300_000);
  afterAll(() => t?.close());

  /** The first 62 questions keyed right, the next 10 wrong, then blanks, one double mark. */
  const plan = (form: { itemId: string; optionOrder: string[] }[]) =>
    form.map((f, i) => {
      const key = keys.get(f.itemId)!.key;
      const right = LETTERS[f.optionOrder.indexOf(key)]!;
      if (i < 62) return { letter: right, optionId: key };
      if (i < 72) {
        const o = f.optionOrder.find((x) => x !== key)!;
        return { letter: LETTERS[f.optionOrder.indexOf(o)]!, optionId: o };
      }
      return i === 72 ? { letter: '*', optionId: null } : { letter: '-', optionId: null };
    });

  it('produces a booklet and an answer sheet, records double-keyed entries and scores them like the same answers online', async () => {
    const s = await scheduleSession(t.app);
    const produced = await t.app.inject({ method: 'POST', url: `/api/sessions/${s.sessionId}/paper`, headers: s.proctor, payload: {} });
    expect(produced.statusCode, produced.body).toBe(200);
    const st = produced.json();
    expect(st).toMatchObject({ state: 'awaiting-entries', questions: 86, entries: [], recordedAt: null });
    expect(validCode(st.bookletCode) && validCode(st.candidateCode)).toBe(true);
    // A reprint is the same booklet.
    expect((await t.app.inject({ method: 'POST', url: `/api/sessions/${s.sessionId}/paper`, headers: s.proctor, payload: {} })).json().bookletCode).toBe(st.bookletCode);

    // A paper exam never starts online.
    await t.app.inject({ method: 'POST', url: `/api/sessions/${s.sessionId}/check-in`, headers: s.candidate });
    await t.app.inject({ method: 'POST', url: `/api/sessions/${s.sessionId}/handbook`, headers: s.candidate, payload: { version: HANDBOOK_VERSION } });
    const start = await t.app.inject({ method: 'POST', url: `/api/sessions/${s.sessionId}/start`, headers: s.candidate });
    expect(start.statusCode).toBe(409);
    expect(start.json().message).toMatch(/delivered on paper/);
    // Candidates cannot reach the paper routes.
    expect((await t.app.inject({ url: `/api/sessions/${s.sessionId}/paper/booklet.pdf`, headers: s.candidate })).statusCode).toBe(403);

    const session = await t.services.sessions.find(s.sessionId);
    const form = await t.services.assembly.getForm(session!.formId!);
    const items = form.items;

    // The booklet: code on the cover, questions in the form's order with options in the candidate's order.
    const booklet = await t.app.inject({ url: `/api/sessions/${s.sessionId}/paper/booklet.pdf`, headers: s.proctor });
    expect(booklet.statusCode).toBe(200);
    expect(booklet.headers['content-type']).toBe('application/pdf');
    const cover = pdfText(booklet.rawPayload);
    expect(cover).toContain(`Booklet code ${st.bookletCode}`);
    expect(cover).toContain('Questions: 86');
    const page2 = pdfText(booklet.rawPayload, 2).replace(/\s+/g, ' ');
    const first = keys.get(items[0]!.itemId)!;
    expect(page2).toContain(`1. ${first.stem.slice(0, 40)}`);
    const firstOptions = (await t.services.itemBank.snapshot()).items.get(items[0]!.itemId)!.content.options;
    expect(page2).toContain(`A. ${firstOptions.find((o) => o.id === items[0]!.optionOrder[0])!.text.slice(0, 30)}`);
    expect(page2).not.toMatch(/rationale/i);

    // The answer sheet: the codes in text, in a QR code, and as filled bubbles a scanner reads.
    const sheet = (await t.app.inject({ url: `/api/sessions/${s.sessionId}/paper/answer-sheet.pdf`, headers: s.proctor })).rawPayload;
    expect(pdfText(sheet)).toContain(`Booklet code: ${st.bookletCode}`);
    expect(pdfQr(sheet)).toBe(`CPT-PAPER:${st.bookletCode}:${st.candidateCode}`);
    const px = pdfPixels(sheet);
    const grids = codeGrids();
    const readGrid = (g: typeof grids.booklet) =>
      Array.from({ length: 9 }, (_, i) => {
        const filled = Array.from({ length: 10 }, (_, d) => d).filter((d) => px.dark(g.at(i, d).x, g.at(i, d).y) > 0.8);
        return filled.length === 1 ? String(filled[0]) : '?';
      }).join('');
    expect(readGrid(grids.booklet)).toBe(st.bookletCode);
    expect(readGrid(grids.candidate)).toBe(st.candidateCode);
    const downloads = (await t.services.audit.forSubject('session', s.sessionId)).map((a) => a.action);
    expect(downloads).toEqual(expect.arrayContaining(['session.paper-form-assigned', 'paper.form-produced', 'paper.booklet-downloaded', 'paper.answer-sheet-downloaded']));

    // Double entry: two people; a difference is shown and blocks recording until corrected.
    const marks = plan(items);
    const text = marks.map((m) => m.letter).join('');
    const key1 = await t.app.inject({ method: 'PUT', url: `/api/sessions/${s.sessionId}/paper/entries/1`, headers: s.proctor, payload: { marks: text } });
    expect(key1.statusCode, key1.body).toBe(200);
    const same = await t.app.inject({ method: 'PUT', url: `/api/sessions/${s.sessionId}/paper/entries/2`, headers: s.proctor, payload: { marks: text } });
    expect(same.statusCode).toBe(409);
    expect(same.json().message).toMatch(/two people/);
    const short = await t.app.inject({ method: 'PUT', url: `/api/sessions/${s.sessionId}/paper/entries/2`, headers: s.admin, payload: { marks: text.slice(0, 80) + 'Z' } });
    expect(short.statusCode).toBe(400);
    expect(short.json().problems.map((p: { message: string }) => p.message)).toEqual(['expected 86 marks (one a question, \'-\' for none, \'*\' for a double mark), found 81', 'question 81: "Z" is not one of A, B, C, D, \'-\' or \'*\'']);
    const typo = text.slice(0, 4) + (text[4] === 'A' ? 'B' : 'A') + text.slice(5);
    const key2 = await t.app.inject({ method: 'PUT', url: `/api/sessions/${s.sessionId}/paper/entries/2`, headers: s.admin, payload: { marks: typo } });
    expect(key2.json()).toMatchObject({ state: 'differences', differences: [{ question: 5, first: text[4], second: typo[4] }] });
    const blocked = await t.app.inject({ method: 'POST', url: `/api/sessions/${s.sessionId}/paper/record`, headers: s.admin, payload: {} });
    expect(blocked.statusCode).toBe(409);
    expect(blocked.json().message).toMatch(/differ on 1 question \(5\)/);
    expect((await t.app.inject({ method: 'PUT', url: `/api/sessions/${s.sessionId}/paper/entries/2`, headers: s.admin, payload: { marks: text.toLowerCase() } })).json().state).toBe('ready');
    const recorded = await t.app.inject({ method: 'POST', url: `/api/sessions/${s.sessionId}/paper/record`, headers: s.admin, payload: {} });
    expect(recorded.statusCode, recorded.body).toBe(200);
    expect(recorded.json()).toMatchObject({ state: 'recorded', source: 'keyed' });
    const paperReport = (await t.app.inject({ url: `/api/sessions/${s.sessionId}/report`, headers: s.candidate })).json();
    expect(paperReport).toMatchObject({ status: 'scored', endReason: 'submitted' });
    expect(paperReport.result.rawScore).toBe(items.slice(0, 62).filter((f) => f.role === 'scored').length);
    expect((await t.app.inject({ method: 'POST', url: `/api/sessions/${s.sessionId}/paper/record`, headers: s.admin, payload: {} })).statusCode).toBe(409);

    // The same answers online, on the same fixed form: the same result, field by field.
    const online = await startedSession(t.app);
    const c = await ExamClient.open(base, online.candidate);
    const snap = await c.hello(online.sessionId);
    expect(snap.items.map((i) => i.itemId)).toEqual(items.map((i) => i.itemId));
    for (const [i, m] of marks.entries()) if (m.optionId) expect((await c.answer(items[i]!.itemId, m.optionId)).type).toBe('ack');
    await c.request({ type: 'submit' });
    await c.waitFor('result-ready');
    c.close();
    const onlineReport = (await t.app.inject({ url: `/api/sessions/${online.sessionId}/report`, headers: online.candidate })).json();
    expect(paperReport.result).toEqual(onlineReport.result);
    expect(paperReport.certificate === null).toBe(onlineReport.certificate === null);
  });

  it("records the scanner's CSV all or nothing, with every problem located", async () => {
    const a = await scheduleSession(t.app);
    const b = await scheduleSession(t.app);
    const sa = (await t.app.inject({ method: 'POST', url: `/api/sessions/${a.sessionId}/paper`, headers: a.proctor, payload: {} })).json();
    const sb = (await t.app.inject({ method: 'POST', url: `/api/sessions/${b.sessionId}/paper`, headers: a.proctor, payload: {} })).json();
    const formOf = async (id: string) => (await t.services.assembly.getForm((await t.services.sessions.find(id))!.formId!)).items as { itemId: string; optionOrder: string[] }[];
    const rowOf = (code: string, cand: string, form: { itemId: string; optionOrder: string[] }[]) => [code, cand, ...plan(form).map((m) => (m.letter === '-' ? '' : m.letter))].join(',');
    const header = ['booklet_code', 'candidate_code', ...Array.from({ length: 86 }, (_, i) => `q${i + 1}`)].join(',');
    const fa = await formOf(a.sessionId);
    const fb = await formOf(b.sessionId);

    const bad = [header, rowOf(sa.bookletCode, sa.candidateCode, fa), rowOf(sb.bookletCode, sa.candidateCode, fb), rowOf(`12345678${luhnDigit('12345678')}`, sb.candidateCode, fb), rowOf('123456789', sb.candidateCode, fb)].join('\n');
    // A code with a wrong check digit is refused before anything is looked up.
    const typo = await t.app.inject({ method: 'POST', url: '/api/paper/scans', headers: a.proctor, payload: { csv: bad } });
    expect(typo.statusCode).toBe(400);
    expect(typo.json().problems).toEqual([{ pointer: '/csv', line: 5, column: 1, message: 'booklet code "123456789" is not a 9-digit code with a valid check digit' }]);
    const refused = await t.app.inject({ method: 'POST', url: '/api/paper/scans', headers: a.proctor, payload: { csv: bad.split('\n').slice(0, 4).join('\n') } });
    expect(refused.statusCode).toBe(400);
    const problems = refused.json().problems as { line: number; column: number; message: string }[];
    expect(problems.map((p) => `${p.line}:${p.column}`)).toEqual(['3:2', '4:1']);
    expect(problems[0]!.message).toContain(`does not belong to booklet ${sb.bookletCode}`);
    expect((await t.app.inject({ url: `/api/sessions/${a.sessionId}/paper`, headers: a.proctor })).json().state).toBe('awaiting-entries');

    const good = [header, rowOf(sa.bookletCode, sa.candidateCode, fa), rowOf(sb.bookletCode, sb.candidateCode, fb)].join('\r\n');
    const ok = await t.app.inject({ method: 'POST', url: '/api/paper/scans', headers: a.proctor, payload: { csv: good } });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().recorded.map((r: { bookletCode: string; answered: number }) => [r.bookletCode, r.answered])).toEqual([
      [sa.bookletCode, 72],
      [sb.bookletCode, 72],
    ]);
    for (const s of [a, b]) {
      const report = (await t.app.inject({ url: `/api/sessions/${s.sessionId}/report`, headers: s.candidate })).json();
      expect(report.status).toBe('scored');
      expect((await t.app.inject({ url: `/api/sessions/${s.sessionId}/paper`, headers: s.proctor })).json()).toMatchObject({ state: 'recorded', source: 'scanned' });
    }
    const again = await t.app.inject({ method: 'POST', url: '/api/paper/scans', headers: a.proctor, payload: { csv: good } });
    expect(again.statusCode).toBe(400);
    expect(again.json().problems[0].message).toMatch(/already recorded/);
  });

  it('refuses a paper form for an exam already admitted online, and staff of other centers', async () => {
    const s = await startedSession(t.app);
    const r = await t.app.inject({ method: 'POST', url: `/api/sessions/${s.sessionId}/paper`, headers: s.proctor, payload: {} });
    expect(r.statusCode).toBe(409);
    const author = await loginAs(t.app, 'author');
    expect((await t.app.inject({ method: 'POST', url: `/api/sessions/${s.sessionId}/paper`, headers: author, payload: {} })).statusCode).toBe(403);
  });

  it("refuses a proctor of another test center every paper route of a session they do not serve, and records nothing", async () => {
    const s = await scheduleSession(t.app);
    const st = (await t.app.inject({ method: 'POST', url: `/api/sessions/${s.sessionId}/paper`, headers: s.proctor, payload: {} })).json();
    // A second center with its own proctor, made the way an administrator does it.
    const code = `PAPER-X${kind.length}`;
    expect((await t.app.inject({ method: 'POST', url: '/api/admin/test-centers', headers: s.admin, payload: { code, name: 'Another center', timeZone: 'America/Chicago' } })).statusCode).toBe(201);
    const username = `paperproctor${kind.length}`;
    const made = await t.app.inject({ method: 'POST', url: '/api/admin/users', headers: s.admin, payload: { username, displayName: 'Proctor Elsewhere', role: 'proctor', password: 'long-enough-pw', testCenterCodes: [code] } });
    expect(made.statusCode, made.body).toBe(201);
    const other = await loginAs(t.app, username, 'long-enough-pw');
    const before = (await t.services.audit.forSubject('session', s.sessionId)).length;

    const marks = 'A'.repeat(86);
    const tries = [
      { method: 'POST' as const, url: `/api/sessions/${s.sessionId}/paper`, payload: {} },
      { method: 'GET' as const, url: `/api/sessions/${s.sessionId}/paper` },
      { method: 'GET' as const, url: `/api/sessions/${s.sessionId}/paper/booklet.pdf` },
      { method: 'GET' as const, url: `/api/sessions/${s.sessionId}/paper/answer-sheet.pdf` },
      { method: 'PUT' as const, url: `/api/sessions/${s.sessionId}/paper/entries/1`, payload: { marks } },
      { method: 'PUT' as const, url: `/api/sessions/${s.sessionId}/paper/entries/2`, payload: { marks } },
      { method: 'POST' as const, url: `/api/sessions/${s.sessionId}/paper/record`, payload: {} },
    ];
    for (const r of tries) {
      const res = await t.app.inject({ ...r, headers: other });
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(403);
      expect(res.headers['content-type'], `${r.method} ${r.url}`).toMatch(/json/);
      expect(res.body).not.toContain(st.bookletCode);
    }
    // The scanner route takes a file of many booklets: the foreign booklet is a located problem and nothing is recorded.
    const form = (await t.services.assembly.getForm((await t.services.sessions.find(s.sessionId))!.formId!)).items;
    const header = ['booklet_code', 'candidate_code', ...form.map((_, i) => `q${i + 1}`)].join(',');
    const csv = [header, [st.bookletCode, st.candidateCode, ...form.map(() => 'A')].join(',')].join('\n');
    const scan = await t.app.inject({ method: 'POST', url: '/api/paper/scans', headers: other, payload: { csv } });
    expect(scan.statusCode).toBe(400);
    expect(scan.json().problems).toEqual([{ pointer: '/csv', line: 2, column: 1, message: `booklet ${st.bookletCode} belongs to a test center you do not proctor` }]);

    // Nothing happened: no entry, no download, no score; the session's own proctor still sees an untouched form.
    expect((await t.app.inject({ url: `/api/sessions/${s.sessionId}/paper`, headers: s.proctor })).json()).toMatchObject({ state: 'awaiting-entries', entries: [], recordedAt: null });
    expect((await t.services.audit.forSubject('session', s.sessionId)).length).toBe(before);
    expect((await t.app.inject({ url: `/api/sessions/${s.sessionId}/report`, headers: s.candidate })).json().status).not.toBe('scored');
  });
});
