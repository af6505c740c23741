/**
 * The paper form's two documents (docs/paper.md): the test booklet (the form's questions in the candidate's order,
 * options lettered in the candidate's option order) and the answer sheet (pre-filled bubble grids and a QR code for
 * the booklet and candidate codes, one bubble row a question). Bubble positions come from domain/paper-sheet.ts, so a
 * scan can be read against the same layout.
 */
import { COLORS, drawPicture, drawQr, type Picture, pictureSize, renderPdf, type Tagged } from '../../../platform/pdf-kit.ts';
import { BUBBLE_R, codeGrids, LETTERS, questionBubble, SHEET } from '../domain/paper-sheet.ts';

export interface BookletInput {
  bookletCode: string;
  candidateCode: string;
  candidateName: string;
  candidateUsername: string;
  moduleTitle: string;
  testCenter: string;
  timeLimitMinutes: number;
  /** In booklet order; `number` is what the candidate marks on the answer sheet (1…N). */
  items: { number: number; stem: string; image?: BookletPicture; options: { text: string; image?: BookletPicture }[] }[];
}

/** An item's picture with its alt text; `picture` is absent only when the stored image cannot be found. */
export interface BookletPicture {
  alt: string;
  picture?: Picture;
}

/** A stem's picture may use the column's width; its height is capped so a question with its options fits a page. */
const STEM_PICTURE_MAX_HEIGHT = 300;
const OPTION_PICTURE_MAX = { width: 200, height: 130 };

export const sheetQrText = (bookletCode: string, candidateCode: string) => `CPT-PAPER:${bookletCode}:${candidateCode}`;

export function bookletPdf(b: BookletInput): Promise<Buffer> {
  return renderPdf({ title: `Test booklet ${b.bookletCode}: ${b.moduleTitle}`, subject: `CPT paper exam booklet for ${b.candidateName}`, size: 'LETTER', margin: 54 }, (w) => {
    const { doc } = w;
    const width = SHEET.width - 108;
    w.add(w.el('P', () => w.font('sansBold', 10).fillColor(COLORS.navy).text('CERTIFIED PRODUCTION TECHNICIAN · CPT 4.0 · PAPER EXAM', 54, 54, { width })));
    w.add(w.el('H1', () => w.font('sansBold', 24).fillColor(COLORS.ink).text(`Test booklet: ${b.moduleTitle}`, 54, 74, { width })));
    w.add(w.el('P', () => w.font('sansBold', 16).fillColor(COLORS.ink).text(`Booklet code ${b.bookletCode}`, 54, 112, { width })));
    w.add(
      w.el('P', () =>
        w
          .font('sans', 11)
          .fillColor(COLORS.ink)
          .text(`Candidate: ${b.candidateName} (${b.candidateUsername}), candidate code ${b.candidateCode}\nTest center: ${b.testCenter}\nQuestions: ${b.items.length} · Time: ${b.timeLimitMinutes} minutes`, 54, 140, { width }),
      ),
    );
    w.add(w.el('H2', () => w.font('sansBold', 13).text('Instructions', 54, 200, { width })));
    w.add(
      w.el('P', () =>
        w
          .font('sans', 11)
          .text(
            'Mark every answer on the answer sheet whose booklet code matches this booklet: fill one bubble a question completely with a dark pencil or pen. Do not write in this booklet. Some questions are being tried out and do not count; you cannot tell which. This booklet is confidential and stays in the test room: hand it to the proctor with your answer sheet.',
            54,
            220,
            { width },
          ),
      ),
    );
    doc.addPage();
    doc.y = 54;
    const optionWidth = width - 18;
    // A picture's size on the page: a stem's spans the column, an option's is smaller; a missing one prints its alt text.
    const sized = (p: BookletPicture | undefined, maxWidth: number, maxHeight: number) => (p?.picture ? { ...p, picture: p.picture, ...pictureSize(doc, p.picture, maxWidth, maxHeight) } : undefined);
    const withAlt = (text: string, p: BookletPicture | undefined) => (p && !p.picture ? `${text} [Picture: ${p.alt}]` : text);
    for (const it of b.items) {
      const stem = `${it.number}. ${withAlt(it.stem, it.image)}`;
      const stemPicture = sized(it.image, width, STEM_PICTURE_MAX_HEIGHT);
      const options = it.options.map((o, i) => ({ text: `${LETTERS[i]}. ${withAlt(o.text, o.image)}`, picture: sized(o.image, OPTION_PICTURE_MAX.width, OPTION_PICTURE_MAX.height) }));
      // Keep a question, its pictures and its options on one page.
      w.font('sansBold', 11);
      let need = doc.heightOfString(stem, { width }) + 24 + (stemPicture ? stemPicture.height + 8 : 0);
      w.font('sans', 11);
      for (const o of options) need += doc.heightOfString(o.text, { width: optionWidth }) + 2 + (o.picture ? o.picture.height + 6 : 0);
      if (doc.y + need > SHEET.height - 54) {
        doc.addPage();
        doc.y = 54;
      }
      const figure = (p: NonNullable<ReturnType<typeof sized>>, x: number) => {
        // A Figure with the alt text: what a screen reader or a reading aid says for the picture.
        const top = doc.y + 4;
        w.add(w.el('Figure', () => drawPicture(doc, p.picture, x, top, p.width, p.height), { alt: p.alt }));
        restoreText(doc);
        doc.y = top + p.height + 2;
      };
      w.add(w.el('P', () => w.font('sansBold', 11).fillColor(COLORS.ink).text(stem, 54, doc.y, { width })));
      if (stemPicture) figure(stemPicture, 54);
      for (const o of options) {
        w.add(w.el('P', () => w.font('sans', 11).fillColor(COLORS.ink).text(o.text, 72, doc.y + 2, { width: optionWidth })));
        if (o.picture) figure(o.picture, 90);
      }
      doc.y += 12;
    }
  }, { pictures: b.items.some((it) => it.image?.picture || it.options.some((o) => o.image?.picture)) });
}

/** svg-to-pdfkit leaves its own font, colour and line settings behind; the booklet's text goes on as before. */
function restoreText(doc: Tagged): void {
  doc.font('sans').fontSize(11).fillColor(COLORS.ink).fillOpacity(1).strokeOpacity(1);
}

export interface SheetInput {
  bookletCode: string;
  candidateCode: string;
  candidateName: string;
  moduleTitle: string;
  /** Options a question, in booklet order. */
  optionCounts: number[];
}

export function answerSheetPdf(s: SheetInput): Promise<Buffer> {
  return renderPdf({ title: `Answer sheet ${s.bookletCode}: ${s.moduleTitle}`, subject: `CPT paper exam answer sheet for ${s.candidateName}`, size: 'LETTER', margin: SHEET.margin }, (w) => {
    const { doc } = w;
    const m = SHEET.margin;
    const marks = () =>
      w.artifact(() => {
        // Corner marks a scanner aligns the page by.
        for (const [x, y] of [
          [14, 14],
          [SHEET.width - 26, 14],
          [14, SHEET.height - 26],
          [SHEET.width - 26, SHEET.height - 26],
        ] as const)
          doc.rect(x, y, 12, 12).fill('#000000');
      });
    marks();
    w.add(w.el('H1', () => w.font('sansBold', 16).fillColor(COLORS.ink).text(`Answer sheet: ${s.moduleTitle}`, m, m, { width: 400 })));
    w.add(w.el('P', () => w.font('sans', 10).text(`Candidate: ${s.candidateName}`, m, m + 24, { width: 400 })));
    w.add(w.el('P', () => w.font('sansBold', 11).text(`Booklet code: ${s.bookletCode}    Candidate code: ${s.candidateCode}`, m, m + 40, { width: 420 })));
    w.add(w.el('P', () => w.font('sans', 8.5).fillColor(COLORS.muted).text('Fill one bubble a question completely. Erase changes cleanly. Use this sheet only with the booklet of the same code.', m, m + 58, { width: 420 })));
    w.add(w.el('Figure', () => drawQr(doc, sheetQrText(s.bookletCode, s.candidateCode), SHEET.width - m - 96, m - 8, 96), { alt: `QR code: booklet ${s.bookletCode}, candidate ${s.candidateCode}` }));

    const grids = codeGrids();
    for (const [grid, code] of [
      [grids.booklet, s.bookletCode],
      [grids.candidate, s.candidateCode],
    ] as const) {
      w.add(
        w.el(
          'Figure',
          () => {
            w.font('sansBold', 8.5).fillColor(COLORS.ink).text(grid.label, grid.left, grid.at(0, 0).y - 30, { width: 160 });
            [...code].forEach((digit, i) => {
              const top = grid.at(i, 0);
              w.font('sansBold', 9).text(digit, top.x - 4, top.y - 17, { width: 8, align: 'center' });
              for (let d = 0; d < 10; d++) {
                const c = grid.at(i, d);
                if (String(d) === digit) doc.circle(c.x, c.y, BUBBLE_R).fill('#000000');
                else {
                  doc.circle(c.x, c.y, BUBBLE_R).lineWidth(0.6).strokeColor('#333333').stroke();
                  w.font('sans', 5.5).fillColor('#555555').text(String(d), c.x - 3, c.y - 2.4, { width: 6, align: 'center', lineBreak: false });
                }
              }
            });
          },
          { alt: `${grid.label} ${code} as filled bubbles` },
        ),
      );
    }

    let page = 0;
    w.add(
      w.el(
        'Figure',
        () => {
          s.optionCounts.forEach((n, i) => {
            const q = i + 1;
            const first = questionBubble(q, 0);
            if (first.page > page) {
              doc.addPage();
              marks();
              page = first.page;
              w.font('sansBold', 10).fillColor(COLORS.ink).text(`Answer sheet ${s.bookletCode} (continued)`, m, m - 14, { width: 400 });
            }
            w.font('sansBold', 8).fillColor(COLORS.ink).text(String(q), first.labelX, first.y - 3.5, { width: 22, align: 'right', lineBreak: false });
            for (let o = 0; o < n; o++) {
              const b = questionBubble(q, o);
              doc.circle(b.x, b.y, BUBBLE_R).lineWidth(0.6).strokeColor('#333333').stroke();
              w.font('sans', 6).fillColor('#555555').text(LETTERS[o]!, b.x - 3, b.y - 2.6, { width: 6, align: 'center', lineBreak: false });
            }
          });
        },
        { alt: `${s.optionCounts.length} questions, one row of lettered bubbles each` },
      ),
    );
  });
}
