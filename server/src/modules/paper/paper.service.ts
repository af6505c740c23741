/**
 * Paper delivery (docs/paper.md): producing a scheduled exam's paper form, the booklet and answer sheet PDFs (the
 * only way a form's items leave the system, every download audited), double keyed entry with the differences shown,
 * the scanner's CSV, and recording the responses through the sessions module so that scoring, the KWA report and
 * credentials are exactly the online ones.
 */
import { randomInt } from 'node:crypto';
import type { Db } from '../../db/client.ts';
import type { Actor } from '../../platform/actor.ts';
import type { Clock } from '../../platform/clock.ts';
import { AppError, conflict, forbidden, notFound, validationFailed } from '../../platform/errors.ts';
import type { Problem } from '../../../../shared/errors.ts';
import { MEDIA_REF } from '../../../../shared/item-bank-format.ts';
import type { AssemblyService } from '../assembly/assembly.service.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { PaperSessions } from '../sessions/paper-sessions.service.ts';
import type { SessionsService } from '../sessions/sessions.service.ts';
import { answerSheetPdf, type BookletPicture, bookletPdf } from './documents/paper-pdfs.ts';
import { candidateCode, entryDifferences, marksText, MULTIPLE, newBookletCode, parseMarks, readScannerCsv, responsesOf, type SheetItem } from './domain/paper-sheet.ts';
import * as repo from './paper.repository.ts';

export interface PaperDeps {
  db: Db;
  clock: Clock;
  audit: Pick<AuditService, 'record'>;
  paperSessions: PaperSessions;
  sessions: Pick<SessionsService, 'scoreIfEnded'>;
  assembly: Pick<AssemblyService, 'blueprintFor'>;
}

const staffOnly = (actor: Actor) => {
  if (actor.role !== 'proctor' && actor.role !== 'admin') throw forbidden('Only proctors and admins handle paper exams');
};

export function createPaperService(deps: PaperDeps) {
  const { db, clock } = deps;
  const audit = (tx: Db, actor: Actor, sessionId: string, action: string, details: Record<string, unknown> = {}) =>
    deps.audit.record(actor, { action: `paper.${action}`, subjectType: 'session', subjectId: sessionId, details }, tx);

  async function loaded(tx: Db, actor: Actor, sessionId: string, lock = false) {
    const { session, items } = await deps.paperSessions.paperForm(tx, actor, sessionId);
    const booklet = await repo.findBooklet(tx, sessionId, lock);
    if (!booklet) throw notFound('paper booklet');
    return { session, items, booklet };
  }

  async function status(tx: Db, actor: Actor, sessionId: string) {
    const { session, items, booklet } = await loaded(tx, actor, sessionId);
    const names = await repo.printNames(tx, session.candidateId, session.testCenterId, session.module);
    const entries = await repo.entriesOf(tx, sessionId);
    const [a, b] = [entries.find((e) => e.entry === 1), entries.find((e) => e.entry === 2)];
    const differences = a && b ? entryDifferences(a.marks, b.marks) : [];
    return {
      sessionId,
      bookletCode: booklet.bookletCode,
      candidateCode: booklet.candidateCode,
      candidateName: names.candidateName,
      moduleTitle: names.moduleTitle,
      questions: items.length,
      producedAt: booklet.producedAt,
      recordedAt: booklet.recordedAt,
      source: booklet.source as 'keyed' | 'scanned' | null,
      state: booklet.recordedAt ? ('recorded' as const) : !a || !b ? ('awaiting-entries' as const) : differences.length ? ('differences' as const) : ('ready' as const),
      entries: await (async () => {
        const who = await repo.userNames(tx, entries.map((e) => e.keyedBy));
        return entries.map((e) => ({ entry: e.entry, marks: marksText(e.marks), keyedBy: e.keyedBy, keyedByName: who.get(e.keyedBy) ?? '', keyedAt: e.keyedAt }));
      })(),
      differences,
    };
  }

  const sheetItems = (items: { position: number; itemId: string; optionOrder: string[] }[]): SheetItem[] => items.map((i) => ({ position: i.position, itemId: i.itemId, optionOrder: i.optionOrder }));

  function satAtFor(scheduledAt: Date, satAt: string | undefined, now: Date): Date {
    if (satAt) return new Date(satAt);
    return scheduledAt.getTime() <= now.getTime() ? scheduledAt : now;
  }

  return {
    /** Produces the paper form of a scheduled exam (again: the same booklet, for a reprint). */
    async produce(actor: Actor, sessionId: string) {
      staffOnly(actor);
      await deps.paperSessions.checkEligibility(actor, sessionId, clock.now());
      return db.transaction(async (tx) => {
        const now = clock.now();
        const { session, formId } = await deps.paperSessions.assignPaperForm(tx, actor, sessionId);
        if (!(await repo.findBooklet(tx, sessionId))) {
          let code = newBookletCode(() => randomInt(0, 1_000_000) / 1_000_000);
          while (await repo.codeTaken(tx, code)) code = newBookletCode(() => randomInt(0, 1_000_000) / 1_000_000);
          await repo.insertBooklet(tx, { sessionId, bookletCode: code, candidateCode: candidateCode(session.candidateId), formId, producedAt: now, producedBy: actor.userId });
          await audit(tx, actor, sessionId, 'form-produced', { bookletCode: code, formId });
        }
        return status(tx, actor, sessionId);
      });
    },

    status: (actor: Actor, sessionId: string) => {
      staffOnly(actor);
      return status(db, actor, sessionId);
    },

    /** The test booklet PDF; every download is audited (the form's items leave the system here). */
    async bookletPdf(actor: Actor, sessionId: string) {
      staffOnly(actor);
      const { session, items, booklet } = await loaded(db, actor, sessionId);
      const names = await repo.printNames(db, session.candidateId, session.testCenterId, session.module);
      const blueprint = await deps.assembly.blueprintFor(session.module, session.blueprintVersion);
      // The pictures print as pictures (docs/paper.md); an image reference is `sha256:<hex>` of a stored image.
      const stored = await deps.paperSessions.formImages(db, session.formId!);
      const printed = (img?: { src: string; alt: string }): BookletPicture | undefined => {
        if (!img) return undefined;
        const picture = MEDIA_REF.test(img.src) ? stored.get(img.src.slice('sha256:'.length)) : undefined;
        return picture ? { alt: img.alt, picture } : { alt: img.alt };
      };
      const pdf = await bookletPdf({
        ...names,
        bookletCode: booklet.bookletCode,
        candidateCode: booklet.candidateCode,
        timeLimitMinutes: Math.round(blueprint.timeLimitMinutes * session.timeMultiplier),
        items: items.map((it, i) => {
          const text = new Map<string, { text: string; image?: BookletPicture }>(it.content.options.map((o) => [o.id, { text: o.text, image: printed(o.image) }]));
          return { number: i + 1, stem: it.content.stem, image: printed(it.content.image), options: it.optionOrder.map((o) => text.get(o) ?? { text: '' }) };
        }),
      });
      await audit(db, actor, sessionId, 'booklet-downloaded', { bookletCode: booklet.bookletCode, questions: items.length });
      return { pdf, filename: `booklet-${booklet.bookletCode}.pdf` };
    },

    async answerSheetPdf(actor: Actor, sessionId: string) {
      staffOnly(actor);
      const { session, items, booklet } = await loaded(db, actor, sessionId);
      const names = await repo.printNames(db, session.candidateId, session.testCenterId, session.module);
      const pdf = await answerSheetPdf({ bookletCode: booklet.bookletCode, candidateCode: booklet.candidateCode, candidateName: names.candidateName, moduleTitle: names.moduleTitle, optionCounts: items.map((i) => i.optionOrder.length) });
      await audit(db, actor, sessionId, 'answer-sheet-downloaded', { bookletCode: booklet.bookletCode });
      return { pdf, filename: `answer-sheet-${booklet.bookletCode}.pdf` };
    },

    /** One person's keying of the answer sheet (entry 1 or 2); the two entries must come from two people. */
    async keyEntry(actor: Actor, sessionId: string, entry: number, marksInput: string) {
      staffOnly(actor);
      return db.transaction(async (tx) => {
        const { items, booklet } = await loaded(tx, actor, sessionId, true);
        if (booklet.recordedAt) throw new AppError('INVALID_TRANSITION', 'The responses of this booklet are already recorded');
        const { marks, problems } = parseMarks(marksInput, sheetItems(items));
        if (problems.length) throw validationFailed(`Entry ${entry} does not match the answer sheet of ${items.length} questions`, problems);
        const other = (await repo.entriesOf(tx, sessionId)).find((e) => e.entry !== entry);
        if (other && other.keyedBy === actor.userId) throw conflict(`Double entry needs two people: you keyed entry ${other.entry}, so someone else keys entry ${entry}`);
        await repo.putEntry(tx, { sessionId, entry, marks, keyedBy: actor.userId, keyedAt: clock.now() });
        await audit(tx, actor, sessionId, 'entry-keyed', { entry, bookletCode: booklet.bookletCode, answered: marks.filter((x) => x && x !== MULTIPLE).length });
        return status(tx, actor, sessionId);
      });
    },

    /** Records the agreed double entry as the session's responses; the session is then scored like an online one. */
    async record(actor: Actor, sessionId: string, input: { satAt?: string }) {
      staffOnly(actor);
      const result = await db.transaction(async (tx) => {
        const { session, items, booklet } = await loaded(tx, actor, sessionId, true);
        if (booklet.recordedAt) throw new AppError('INVALID_TRANSITION', 'The responses of this booklet are already recorded');
        const entries = await repo.entriesOf(tx, sessionId);
        const [a, b] = [entries.find((e) => e.entry === 1), entries.find((e) => e.entry === 2)];
        if (!a || !b) throw conflict('Both entries must be keyed (by two people) before the responses are recorded');
        const diffs = entryDifferences(a.marks, b.marks);
        if (diffs.length) throw conflict(`The two entries differ on ${diffs.length} question${diffs.length === 1 ? '' : 's'} (${diffs.slice(0, 10).map((d) => d.question).join(', ')}); check the sheet and correct an entry`, { differences: diffs });
        const now = clock.now();
        await deps.paperSessions.recordPaperResponses(tx, actor, sessionId, { answers: responsesOf(sheetItems(items), a.marks), satAt: satAtFor(session.scheduledAt, input.satAt, now), source: 'keyed' }, now);
        await repo.markRecorded(tx, sessionId, actor.userId, now, 'keyed');
        await audit(tx, actor, sessionId, 'recorded', { bookletCode: booklet.bookletCode, source: 'keyed' });
        return status(tx, actor, sessionId);
      });
      await deps.sessions.scoreIfEnded(sessionId);
      return result;
    },

    /** The scanner's CSV: every sheet checked first (all or nothing), then recorded and scored. */
    async importScans(actor: Actor, input: { csv: string; satAt?: string }) {
      staffOnly(actor);
      const { sheets, problems } = readScannerCsv(input.csv);
      if (problems.length) throw validationFailed('The scanner file has problems; nothing was recorded', problems);
      if (!sheets.length) throw validationFailed('The scanner file has no answer sheets', [{ pointer: '/csv', message: 'no rows after the header' }]);
      const recorded = await db.transaction(async (tx) => {
        const booklets = new Map((await repo.bookletsByCode(tx, sheets.map((s) => s.bookletCode))).map((b) => [b.bookletCode, b]));
        const found: Problem[] = [];
        const plans: { sheet: (typeof sheets)[number]; booklet: repo.BookletRow; items: SheetItem[]; scheduledAt: Date }[] = [];
        for (const sheet of sheets) {
          const at = (column: number, message: string) => found.push({ pointer: '/csv', line: sheet.line, column, message });
          const booklet = booklets.get(sheet.bookletCode);
          if (!booklet) {
            at(1, `no paper booklet has the code ${sheet.bookletCode}`);
            continue;
          }
          if (booklet.candidateCode !== sheet.candidateCode) at(2, `candidate code ${sheet.candidateCode} does not belong to booklet ${sheet.bookletCode} (its candidate's code is ${booklet.candidateCode})`);
          if (booklet.recordedAt) at(1, `the responses of booklet ${sheet.bookletCode} are already recorded`);
          let form: Awaited<ReturnType<PaperSessions['paperForm']>>;
          try {
            form = await deps.paperSessions.paperForm(tx, actor, booklet.sessionId);
          } catch (e) {
            if (!(e instanceof AppError && e.code === 'FORBIDDEN')) throw e;
            at(1, `booklet ${sheet.bookletCode} belongs to a test center you do not proctor`);
            continue;
          }
          const { session, items } = form;
          if (sheet.cells.length !== items.length) at(3, `booklet ${sheet.bookletCode} has ${items.length} questions but the row has ${sheet.cells.length} answer columns`);
          plans.push({ sheet, booklet, items: sheetItems(items), scheduledAt: session.scheduledAt });
        }
        if (found.length) throw validationFailed('The scanner file has problems; nothing was recorded', found);
        const now = clock.now();
        const out = [];
        for (const p of plans) {
          const marks = p.sheet.cells.map((c) => c);
          await deps.paperSessions.recordPaperResponses(tx, actor, p.booklet.sessionId, { answers: responsesOf(p.items, marks), satAt: satAtFor(p.scheduledAt, input.satAt, now), source: 'scanned' }, now);
          await repo.markRecorded(tx, p.booklet.sessionId, actor.userId, now, 'scanned');
          await audit(tx, actor, p.booklet.sessionId, 'recorded', { bookletCode: p.booklet.bookletCode, source: 'scanned', line: p.sheet.line });
          out.push({ sessionId: p.booklet.sessionId, bookletCode: p.booklet.bookletCode, answered: marks.filter((m) => m && m !== MULTIPLE).length });
        }
        return out;
      });
      for (const r of recorded) await deps.sessions.scoreIfEnded(r.sessionId);
      return { recorded };
    },
  };
}
export type PaperService = ReturnType<typeof createPaperService>;
