/**
 * PDF score reports and certificates (pdfkit). No item content ever goes into a score report: only totals and the
 * per-KWA diagnostic.
 */
import PDFDocument from 'pdfkit';
import type { ScoreReport } from '../../../../shared/api/score-report.ts';
import { KWA_LABEL_TEXT } from '../../../../shared/kwa-labels.ts';

function render(draw: (doc: PDFKit.PDFDocument) => void, layout: 'portrait' | 'landscape' = 'portrait'): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'LETTER', layout, margin: 54, info: { Title: 'cpt-exam', Producer: 'cpt-exam' } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    draw(doc);
    doc.end();
  });
}

/** What the PDF prints of a scored report (the API's report, once it has a result). */
export type ReportData = Pick<ScoreReport, 'candidateName' | 'moduleTitle' | 'testCenter' | 'date' | 'endReason' | 'certificate'> & { result: NonNullable<ScoreReport['result']> };

export function scoreReportPdf(r: ReportData): Promise<Buffer> {
  return render((doc) => {
    doc.fontSize(18).text('CPT Module Score Report', { align: 'left' });
    doc.moveDown(0.5).fontSize(11);
    doc.text(`Candidate: ${r.candidateName}`);
    doc.text(`Module: ${r.moduleTitle}`);
    doc.text(`Test center: ${r.testCenter}`);
    doc.text(`Date: ${r.date ? r.date.slice(0, 10) : '-'}${r.endReason === 'terminated' ? '  (session terminated)' : ''}`);
    doc.moveDown();
    const res = r.result;
    doc.fontSize(16).text(res.passed ? 'Result: PASS' : 'Result: NOT PASSED');
    doc.fontSize(11).text(`Score: ${res.rawScore} of ${res.scoredItems} scored questions (${res.percent}%). Cut score: ${res.rawCut} (${res.cutPercent}%).`);
    if (r.certificate) doc.text(`Module certificate ${r.certificate.verificationCode}, issued ${r.certificate.issuedOn}, valid through ${r.certificate.expiresOn}.`);
    doc.moveDown();
    doc.fontSize(13).text('Diagnostic by Key Work Activity');
    doc.fontSize(9).text(res.diagnosticNote);
    doc.moveDown(0.5).fontSize(10);
    for (const k of res.kwas) {
      doc.text(`${k.kwa}  ${k.title}`, { continued: false });
      doc.text(`    ${k.correct} of ${k.items} correct (${k.percent}%, likely range ${k.band.low}-${k.band.high}%): ${KWA_LABEL_TEXT[k.label]}`);
    }
    doc.moveDown().fontSize(8).fillColor('#555').text('Sample content notice: this platform\'s sample questions are original practice content, not MSSC assessment items.');
  });
}

export function certificatePdf(c: { holder: string; credential: string; issuedOn: string; validThrough: string; verificationCode: string; verifyUrl: string }): Promise<Buffer> {
  return render((doc) => {
    doc.fontSize(28).text('Certificate', { align: 'center' });
    doc.moveDown().fontSize(14).text('This certifies that', { align: 'center' });
    doc.moveDown(0.5).fontSize(24).text(c.holder, { align: 'center' });
    doc.moveDown(0.5).fontSize(14).text('has earned the', { align: 'center' });
    doc.moveDown(0.5).fontSize(18).text(c.credential, { align: 'center' });
    doc.moveDown().fontSize(12).text(`Issued ${c.issuedOn}. Valid through ${c.validThrough}.`, { align: 'center' });
    doc.moveDown().fontSize(11).text(`Verification code ${c.verificationCode} — verify at ${c.verifyUrl}`, { align: 'center' });
  }, 'landscape');
}
