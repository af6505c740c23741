/**
 * The documents a credential holder takes away: the certificate (landscape Letter, border, seal, signature block, QR to
 * the public verification page), the wallet card (CR80, 3.375 x 2.125 in, front and back) and the Key Work Activities
 * document for the credential's modules, to share with employers. Every link is built from config.publicUrl.
 */
import { COLORS, drawQr, formatCivilDate, renderPdf, type DocWriter, type Tagged } from '../../../platform/pdf-kit.ts';

export interface CredentialDocInput {
  holder: string;
  /** "Certified Production Technician (CPT)" or "CPT module certificate: Safety". */
  credential: string;
  kind: 'module' | 'full-cpt';
  issuedOn: string;
  validThrough: string;
  verificationCode: string;
  /** The public verification page of this credential. */
  verifyUrl: string;
  status: 'valid' | 'expired' | 'suspended' | 'revoked';
}

const STATUS_BANNER: Record<CredentialDocInput['status'], string | null> = {
  valid: null,
  expired: 'EXPIRED',
  suspended: 'ON HOLD',
  revoked: 'REVOKED',
};

function seal(doc: Tagged, cx: number, cy: number, r: number) {
  doc.save();
  doc.circle(cx, cy, r).fill(COLORS.gold);
  for (let i = 0; i < 48; i++) {
    const a = (i * Math.PI * 2) / 48;
    doc.circle(cx + Math.cos(a) * r, cy + Math.sin(a) * r, r * 0.07).fill(COLORS.gold);
  }
  doc.circle(cx, cy, r * 0.86).lineWidth(1.2).strokeColor('#ffffff').stroke();
  doc.circle(cx, cy, r * 0.62).fill('#ffffff');
  doc.circle(cx, cy, r * 0.56).fill(COLORS.navy);
  doc.font('serifBold').fontSize(r * 0.42).fillColor('#ffffff').text('CPT', cx - r, cy - r * 0.24, { width: 2 * r, align: 'center', lineBreak: false });
  doc.font('sansBold').fontSize(r * 0.13).fillColor('#ffffff').text('4.0', cx - r, cy + r * 0.2, { width: 2 * r, align: 'center', lineBreak: false });
  doc.restore();
}

function statusStamp(doc: Tagged, text: string, x: number, y: number, width: number) {
  doc.save().rotate(-12, { origin: [x + width / 2, y] });
  doc.font('sansBold').fontSize(44).fillColor(COLORS.fail).fillOpacity(0.35).text(text, x, y - 22, { width, align: 'center', lineBreak: false });
  doc.restore();
}

export function certificatePdf(c: CredentialDocInput): Promise<Buffer> {
  const W = 792;
  const H = 612;
  return renderPdf({ title: `Certificate: ${c.credential}`, subject: `${c.credential}, held by ${c.holder}`, size: 'LETTER', layout: 'landscape', margin: 36 }, (w) => {
    const { doc } = w;
    w.artifact(() => {
      doc.rect(18, 18, W - 36, H - 36).lineWidth(6).strokeColor(COLORS.navy).stroke();
      doc.rect(30, 30, W - 60, H - 60).lineWidth(1.5).strokeColor(COLORS.gold).stroke();
      doc.rect(36, 36, W - 72, H - 72).lineWidth(0.5).strokeColor(COLORS.gold).stroke();
      for (const [x, y] of [
        [30, 30],
        [W - 30, 30],
        [30, H - 30],
        [W - 30, H - 30],
      ] as const) {
        doc.save().translate(x, y).rotate(45).rect(-7, -7, 14, 14).fill(COLORS.gold).restore();
      }
    });
    const center = (tag: string, font: Parameters<DocWriter['font']>[0], size: number, text: string, y: number, color: string = COLORS.ink) =>
      w.add(w.el(tag, () => w.font(font, size).fillColor(color).text(text, 60, y, { width: W - 120, align: 'center' })));
    center('P', 'sansBold', 11, 'CERTIFIED PRODUCTION TECHNICIAN PROGRAM · CPT 4.0', 66, COLORS.navy);
    center('H1', 'serifBold', 44, 'Certificate of Achievement', 92, COLORS.navy);
    center('P', 'serifItalic', 16, 'This certifies that', 162, COLORS.muted);
    center('P', 'serifBold', 34, c.holder, 190);
    w.artifact(() => doc.moveTo(200, 236).lineTo(W - 200, 236).lineWidth(0.8).strokeColor(COLORS.gold).stroke());
    center('P', 'serifItalic', 16, c.kind === 'full-cpt' ? 'has met every requirement of, and is awarded the credential' : 'has passed the proctored module exam and is awarded the', 250, COLORS.muted);
    center('H2', 'serifBold', 24, c.credential, 278, COLORS.navy);
    center('P', 'sans', 12, `Issued ${formatCivilDate(c.issuedOn)}  ·  Valid through ${formatCivilDate(c.validThrough)}`, 322);

    w.add(w.el('Figure', () => seal(doc, 150, 440, 56), { alt: 'Seal of the CPT certification program' }));

    // Signature block.
    w.artifact(() => doc.moveTo(W / 2 - 120, 468).lineTo(W / 2 + 120, 468).lineWidth(0.8).strokeColor(COLORS.ink).stroke());
    w.add(
      w.el('P', () => {
        w.font('serifItalic', 15).fillColor(COLORS.navy).text('CPT Certification Board', W / 2 - 120, 446, { width: 240, align: 'center' });
        w.font('sansBold', 9.5).fillColor(COLORS.ink).text('Program Director, CPT Certification Program', W / 2 - 140, 474, { width: 280, align: 'center' });
        w.font('sans', 8.5).fillColor(COLORS.muted).text(`Verification code ${c.verificationCode}`, W / 2 - 140, 490, { width: 280, align: 'center' });
      }),
    );

    w.add(w.el('Figure', () => drawQr(doc, c.verifyUrl, W - 60 - 100, 396, 100), { alt: `QR code linking to ${c.verifyUrl}` }));
    w.add(w.el('P', () => w.font('sans', 7.5).fillColor(COLORS.muted).text('Scan or visit to verify:', W - 60 - 150, 500, { width: 150, align: 'right' })));
    w.add(w.el('P', () => w.font('sans', 7.5).fillColor(COLORS.navy).text(c.verifyUrl, W - 60 - 260, 511, { width: 260, align: 'right', link: c.verifyUrl })));
    w.add(w.el('P', () => w.font('sans', 7).fillColor(COLORS.muted).text('The status of this credential (valid, expired, on hold or revoked) is always the one on the verification page.', 60, H - 62, { width: W - 120, align: 'center' })));
    const banner = STATUS_BANNER[c.status];
    if (banner) w.add(w.el('P', () => statusStamp(doc, banner, 160, 230, W - 320)));
  });
}

/** CR80 card: 3.375 x 2.125 in. Page 1 the front, page 2 the back. */
export function walletCardPdf(c: CredentialDocInput & { modules: string[] }): Promise<Buffer> {
  const W = 243;
  const H = 153;
  return renderPdf({ title: `Wallet card: ${c.credential}`, subject: `${c.credential}, held by ${c.holder}`, size: [W, H], margin: 10 }, (w) => {
    const { doc } = w;
    w.artifact(() => {
      doc.roundedRect(1, 1, W - 2, H - 2, 9).lineWidth(0.6).strokeColor(COLORS.rule).stroke();
      doc.rect(0, 0, W, 30).fill(COLORS.navy);
      doc.rect(0, 30, W, 2).fill(COLORS.gold);
    });
    w.add(w.el('P', () => w.font('sansBold', 6).fillColor('#d8e1ee').text('CERTIFIED PRODUCTION TECHNICIAN · CPT 4.0', 12, 7, { width: W - 24, characterSpacing: 0.6 })));
    w.add(w.el('H1', () => w.font('sansBold', 9).fillColor('#ffffff').text(c.kind === 'full-cpt' ? 'CPT Credential Holder' : 'CPT Module Certificate', 12, 16, { width: W - 24 })));
    w.add(w.el('P', () => w.font('sansBold', 11).fillColor(COLORS.ink).text(c.holder, 12, 40, { width: 150 })));
    w.add(w.el('P', () => w.font('sans', 7.5).fillColor(COLORS.navy).text(c.credential, 12, doc.y + 2, { width: 150 })));
    w.add(
      w.el('P', () => {
        w.font('sans', 6.5).fillColor(COLORS.muted).text(`Issued ${formatCivilDate(c.issuedOn)}`, 12, 98, { width: 150 });
        w.font('sans', 6.5).text(`Valid through ${formatCivilDate(c.validThrough)}`, 12, doc.y + 1, { width: 150 });
        w.font('sansBold', 7).fillColor(COLORS.ink).text(c.verificationCode, 12, doc.y + 3, { width: 150 });
      }),
    );
    w.add(w.el('Figure', () => drawQr(doc, c.verifyUrl, W - 12 - 68, 42, 68), { alt: `QR code linking to ${c.verifyUrl}` }));
    w.add(w.el('P', () => w.font('sans', 5.5).fillColor(COLORS.muted).text('Scan to verify', W - 12 - 68, 112, { width: 68, align: 'center' })));
    const banner = STATUS_BANNER[c.status];
    if (banner) w.add(w.el('P', () => w.font('sansBold', 8).fillColor(COLORS.fail).text(banner, W - 12 - 68, 124, { width: 68, align: 'center' })));

    doc.addPage({ size: [W, H], margins: { top: 10, left: 10, right: 10, bottom: 4 } });
    w.artifact(() => doc.roundedRect(1, 1, W - 2, H - 2, 9).lineWidth(0.6).strokeColor(COLORS.rule).stroke());
    w.add(w.el('H2', () => w.font('sansBold', 8).fillColor(COLORS.navy).text(c.kind === 'full-cpt' ? 'Modules passed' : 'Module', 12, 12, { width: W - 24 })));
    w.add(w.group('L', c.modules.map((m) => w.el('LI', () => w.font('sans', 7).fillColor(COLORS.ink).text(`• ${m}`, 14, doc.y + 1, { width: W - 28 })))));
    w.add(w.el('P', () => w.font('sans', 6.5).fillColor(COLORS.ink).text('Verify this credential, and see its current status, at:', 12, 96, { width: W - 24 })));
    w.add(w.el('P', () => w.font('sansBold', 6.5).fillColor(COLORS.navy).text(c.verifyUrl, 12, doc.y + 1, { width: W - 24, link: c.verifyUrl })));
    w.add(w.el('P', () => w.font('sans', 5.5).fillColor(COLORS.muted).text('This card is not proof of status on its own; the verification page is.', 12, 134, { width: W - 24 })));
  });
}

export interface KwaSection {
  module: string;
  title: string;
  kwas: { code: string; title: string; weight: number }[];
}

/** The Key Work Activities the credential covers, for an employer. */
export function kwaDocumentPdf(c: CredentialDocInput | null, heading: string, criteria: string, sections: KwaSection[], verifyUrl: string): Promise<Buffer> {
  const W = 612;
  const M = 54;
  return renderPdf({ title: `Key Work Activities: ${heading}`, subject: 'CPT 4.0 Key Work Activities', size: 'LETTER', margin: M }, (w) => {
    const { doc } = w;
    w.artifact(() => {
      doc.rect(0, 0, W, 70).fill(COLORS.navy);
      doc.rect(0, 70, W, 3).fill(COLORS.gold);
    });
    w.add(w.el('P', () => w.font('sansBold', 9).fillColor('#d8e1ee').text('CERTIFIED PRODUCTION TECHNICIAN · CPT 4.0', M, 18, { characterSpacing: 1 })));
    w.add(w.el('H1', () => w.font('sansBold', 20).fillColor('#ffffff').text('Key Work Activities', M, 32)));
    let y = 90;
    w.add(w.el('H2', () => w.font('sansBold', 14).fillColor(COLORS.navy).text(heading, M, y, { width: W - 2 * M - 110 })));
    y = doc.y + 4;
    if (c) {
      const who = `Held by ${c.holder} · verification code ${c.verificationCode} · issued ${formatCivilDate(c.issuedOn)}, valid through ${formatCivilDate(c.validThrough)}`;
      const at = y;
      w.add(w.el('P', () => w.font('sans', 9.5).fillColor(COLORS.ink).text(who, M, at, { width: W - 2 * M - 110 })));
      y = doc.y + 4;
    }
    const crit = y;
    w.add(w.el('P', () => w.font('sans', 9).fillColor(COLORS.muted).text(`Earned by: ${criteria}`, M, crit, { width: W - 2 * M - 110 })));
    y = doc.y + 4;
    const intro = y;
    w.add(
      w.el('P', () =>
        w
          .font('sans', 9)
          .fillColor(COLORS.ink)
          .text('Each module exam samples the Key Work Activities (KWAs) below; the weight is the share of the exam\'s questions drawn from that activity. A certificate attests the holder met the module\'s cut score across them.', M, intro, { width: W - 2 * M - 110 }),
      ),
    );
    w.add(w.el('Figure', () => drawQr(doc, verifyUrl, W - M - 96, 86, 96), { alt: `QR code linking to ${verifyUrl}` }));
    y = Math.max(doc.y + 12, 196);
    for (const s of sections) {
      if (y > 640) {
        doc.addPage();
        y = M;
      }
      const hy = y;
      w.add(w.el('H3', () => w.font('sansBold', 12).fillColor(COLORS.navy).text(`${s.title} (${s.module})`, M, hy)));
      y = doc.y + 4;
      const headY = y;
      const rows: PDFKit.PDFStructureElement[] = [
        w.group('TR', [
          w.el('TH', () => w.font('sansBold', 8).fillColor(COLORS.muted).text('KWA', M, headY, { width: 50 })),
          w.el('TH', () => w.font('sansBold', 8).text('Key Work Activity', M + 56, headY, { width: 360 })),
          w.el('TH', () => w.font('sansBold', 8).text('Weight', W - M - 60, headY, { width: 60, align: 'right' })),
        ]),
      ];
      y = headY + 14;
      for (const k of s.kwas) {
        const h = Math.max(14, w.font('sans', 9).heightOfString(k.title, { width: 360 }) + 4);
        if (y + h > 760) {
          doc.addPage();
          y = M;
        }
        const ry = y;
        rows.push(
          w.group('TR', [
            w.el('TD', () => w.font('sansBold', 9).fillColor(COLORS.ink).text(k.code, M, ry, { width: 50 })),
            w.el('TD', () => w.font('sans', 9).fillColor(COLORS.ink).text(k.title, M + 56, ry, { width: 360 })),
            w.el('TD', () => w.font('sans', 9).text(`${k.weight.toFixed(1)}%`, W - M - 60, ry, { width: 60, align: 'right' })),
          ]),
        );
        w.artifact(() => doc.moveTo(M, ry + h - 2).lineTo(W - M, ry + h - 2).lineWidth(0.4).strokeColor(COLORS.rule).stroke());
        y = ry + h;
      }
      w.add(w.group('Table', rows));
      y += 14;
    }
    w.add(w.el('P', () => w.font('sans', 7.5).fillColor(COLORS.muted).text(`Check the credential's current status at ${verifyUrl}. KWA titles and weights are the program's published blueprint values.`, M, 756, { width: W - 2 * M, align: 'center' })));
  });
}
