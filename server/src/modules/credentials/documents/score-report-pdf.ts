/**
 * The candidate's score report: program branding, who and what (name, candidate ID, module, center, date with the
 * center's zone, session and form reference for appeals), the result emphasized, the KWA diagnostic as a table with
 * bars (percent correct and its 95% range against the cut), the earliest retake date on a failed report, and a
 * verification link with its QR code. No item content, ever.
 */
import { KWA_LABEL_TEXT, type ScoreReport } from '../../../../../shared/api/score-report.ts';
import { COLORS, drawQr, formatCivilDate, formatInZone, renderPdf, type DocWriter } from '../../../platform/pdf-kit.ts';

export type ScoreReportPdfInput = ScoreReport & {
  result: NonNullable<ScoreReport['result']>;
  /** Public URL that confirms this report (or the certificate it earned). */
  verifyUrl: string;
  /** Failed reports: the first local date a retake may be scheduled. */
  earliestRetake: string | null;
};

const PAGE_W = 612;
const M = 48;

function header(w: DocWriter, title: string) {
  const { doc } = w;
  w.artifact(() => {
    doc.rect(0, 0, PAGE_W, 78).fill(COLORS.navy);
    doc.rect(0, 78, PAGE_W, 4).fill(COLORS.gold);
  });
  w.add(w.el('P', () => w.font('sansBold', 10).fillColor('#d8e1ee').text('CERTIFIED PRODUCTION TECHNICIAN · CPT 4.0', M, 20, { characterSpacing: 1.2 })));
  w.add(w.el('H1', () => w.font('sansBold', 24).fillColor('#ffffff').text(title, M, 36)));
}

function resultWords(r: ScoreReportPdfInput): { word: string; color: string; sub: string } {
  if (r.disposition?.state === 'void') return { word: 'RESULT VOID', color: COLORS.fail, sub: `This result was voided: ${r.disposition.reason}` };
  if (r.disposition?.state === 'on-hold') return { word: 'RESULT ON HOLD', color: COLORS.hold, sub: 'This result is under review and is not final.' };
  if (r.endReason === 'terminated') return { word: 'NOT PASSED', color: COLORS.fail, sub: 'The session was terminated by the proctor, which counts as a failed attempt.' };
  return r.result.passed ? { word: 'PASS', color: COLORS.pass, sub: 'Congratulations: you met the cut score for this module.' } : { word: 'NOT PASSED', color: COLORS.fail, sub: 'You did not reach the cut score this time.' };
}

export function scoreReportPdf(r: ScoreReportPdfInput): Promise<Buffer> {
  return renderPdf({ title: `CPT Score Report: ${r.moduleTitle}`, subject: `Score report for ${r.candidateName}`, size: 'LETTER', margin: M }, (w) => {
    const { doc } = w;
    header(w, 'Module Score Report');

    // Who, what, where, when.
    const facts: [string, string][] = [
      ['Candidate', r.candidateName],
      ['Candidate ID', r.candidateUsername],
      ['Module', r.moduleTitle],
      ['Test center', r.testCenter],
      ['Exam date', r.date ? formatInZone(r.date, r.timeZone) : '-'],
      ['Session reference', r.sessionId],
      ['Form reference', r.formId ?? '-'],
    ];
    let y = 104;
    const rows = facts.map(([k, v]) => {
      const rowY = y;
      y += 17;
      return w.group('TR', [w.el('TH', () => w.font('sansBold', 9.5).fillColor(COLORS.muted).text(k, M, rowY, { width: 110 })), w.el('TD', () => w.font('sans', 9.5).fillColor(COLORS.ink).text(v, M + 112, rowY, { width: 300 }))]);
    });
    w.add(w.group('Table', rows));

    // The verification QR, top right.
    w.add(
      w.el(
        'Figure',
        () => {
          drawQr(doc, r.verifyUrl, PAGE_W - M - 96, 100, 96);
        },
        { alt: `QR code linking to ${r.verifyUrl}` },
      ),
    );
    w.add(w.el('P', () => w.font('sans', 7.5).fillColor(COLORS.muted).text('Scan to verify', PAGE_W - M - 96, 198, { width: 96, align: 'center' })));

    // The result, emphasized.
    const res = r.result;
    const verdict = resultWords(r);
    y = Math.max(y, 214) + 8;
    w.artifact(() => {
      doc.roundedRect(M, y, PAGE_W - 2 * M, 86, 6).fill(COLORS.panel);
      doc.rect(M, y, 8, 86).fill(verdict.color);
    });
    const boxY = y;
    w.add(w.el('H2', () => w.font('sansBold', 30).fillColor(verdict.color).text(verdict.word, M + 24, boxY + 12)));
    w.add(w.el('P', () => w.font('sans', 10).fillColor(COLORS.ink).text(verdict.sub, M + 24, boxY + 50, { width: 300 })));
    w.add(
      w.el('P', () => {
        w.font('sansBold', 22).fillColor(COLORS.ink).text(`${res.rawScore} / ${res.scoredItems}`, PAGE_W - M - 190, boxY + 14, { width: 170, align: 'right' });
        w.font('sans', 9.5).fillColor(COLORS.muted).text(`${res.percent}% correct · cut score ${res.rawCut} (${res.cutPercent}%)`, PAGE_W - M - 230, boxY + 46, { width: 210, align: 'right' });
      }),
    );
    y = boxY + 98;

    // What follows from the result.
    const lines: string[] = [];
    if (r.certificate) lines.push(`Module certificate ${r.certificate.verificationCode}: issued ${formatCivilDate(r.certificate.issuedOn)}, valid through ${formatCivilDate(r.certificate.validThrough)}.`);
    if (r.earliestRetake) lines.push(`Earliest retake date: ${formatCivilDate(r.earliestRetake)} (retake waits are counted in calendar days in the test center's time zone).`);
    lines.push(`Verify this report: ${r.verifyUrl}`);
    for (const line of lines) {
      const ly = y;
      w.add(w.el('P', () => w.font(line.startsWith('Earliest') ? 'sansBold' : 'sans', 10).fillColor(COLORS.ink).text(line, M, ly, { width: PAGE_W - 2 * M })));
      y = doc.y + 4;
    }

    // The KWA diagnostic as a table with bars.
    y += 8;
    const headingY = y;
    w.add(w.el('H2', () => w.font('sansBold', 13).fillColor(COLORS.navy).text('Diagnostic by Key Work Activity', M, headingY)));
    y = doc.y + 2;
    const noteY = y;
    w.add(w.el('P', () => w.font('sans', 8).fillColor(COLORS.muted).text(res.diagnosticNote, M, noteY, { width: PAGE_W - 2 * M })));
    y = doc.y + 8;

    const cols = { kwa: M, title: M + 44, items: M + 252, pct: M + 300, bar: M + 352, label: M + 470 };
    const barW = 110;
    const headY = y;
    const headCells = [
      ['KWA', cols.kwa, 40],
      ['Key Work Activity', cols.title, 200],
      ['Correct', cols.items, 46],
      ['Percent', cols.pct, 48],
      ['Percent correct (bar) and 95% range', cols.bar, barW],
      ['Reading', cols.label, 66],
    ] as const;
    const tableRows: PDFKit.PDFStructureElement[] = [
      w.group(
        'TR',
        headCells.map(([t, x, width]) => w.el('TH', () => w.font('sansBold', 7.5).fillColor(COLORS.muted).text(t, x, headY, { width }))),
      ),
    ];
    y = headY + 22;
    const cutX = cols.bar + (barW * res.cutPercent) / 100;
    for (const k of res.kwas) {
      const titleHeight = w.font('sans', 8.5).heightOfString(k.title, { width: 200 });
      const rowH = Math.max(22, titleHeight + 8);
      if (y + rowH > 730) {
        doc.addPage();
        y = M;
      }
      const rowY = y;
      tableRows.push(
        w.group('TR', [
          w.el('TD', () => w.font('sansBold', 8.5).fillColor(COLORS.ink).text(k.kwa, cols.kwa, rowY, { width: 40 })),
          w.el('TD', () => w.font('sans', 8.5).fillColor(COLORS.ink).text(k.title, cols.title, rowY, { width: 200 })),
          w.el('TD', () => w.font('sans', 8.5).text(`${k.correct} of ${k.items}`, cols.items, rowY, { width: 46 })),
          w.el('TD', () => w.font('sansBold', 8.5).text(`${k.percent}%`, cols.pct, rowY, { width: 48 })),
          w.el(
            'TD',
            () => {
              // The bar: the light band is the 95% range, the dark bar the percent correct, the gold tick the cut.
              doc.rect(cols.bar, rowY + 1, barW, 9).fill('#eceff3');
              doc.rect(cols.bar + (barW * k.band.low) / 100, rowY + 1, (barW * (k.band.high - k.band.low)) / 100, 9).fill(COLORS.band);
              doc.rect(cols.bar, rowY + 3.5, (barW * k.percent) / 100, 4).fill(COLORS.navy);
              doc.rect(cutX - 0.75, rowY - 1, 1.5, 13).fill(COLORS.gold);
              w.font('sans', 6.5).fillColor(COLORS.muted).text(`range ${k.band.low}-${k.band.high}%`, cols.bar, rowY + 12, { width: barW });
            },
            { alt: `${k.percent}% correct; likely range ${k.band.low} to ${k.band.high}%; cut ${res.cutPercent}%` },
          ),
          w.el('TD', () => w.font('sans', 8).fillColor(k.label === 'review' ? COLORS.fail : k.label === 'strength' ? COLORS.pass : COLORS.muted).text(KWA_LABEL_TEXT[k.label], cols.label, rowY, { width: 66 })),
        ]),
      );
      w.artifact(() => doc.moveTo(M, rowY + rowH - 2).lineTo(PAGE_W - M, rowY + rowH - 2).lineWidth(0.5).strokeColor(COLORS.rule).stroke());
      y = rowY + rowH + 2;
    }
    w.add(w.group('Table', tableRows));
    if (y > 720) {
      doc.addPage();
      y = M;
    }
    const legendY = y + 2;
    w.add(w.el('P', () => w.font('sans', 7.5).fillColor(COLORS.muted).text(`Bars: dark = percent correct; light = 95% range; gold tick = the module's cut (${res.cutPercent}%). Scoring rules ${res.scoringVersion}.`, M, legendY, { width: PAGE_W - 2 * M })));

    // Footer.
    w.add(
      w.el('P', () =>
        w
          .font('sans', 7)
          .fillColor(COLORS.muted)
          .text('For an appeal, quote the session and form reference above. Sample content notice: the platform\'s sample questions are original practice content, not MSSC assessment items.', M, 752, { width: PAGE_W - 2 * M, align: 'center' }),
      ),
    );
  });
}
