/**
 * The irregularity report of one exam session (#17.8), for the certification body: who sat what where (session,
 * candidate, center, form), how the session ended, every incident in order with its category, severity, who recorded
 * it and the note, and every proctor and admin action from the audit trail. Every time is given in the test center's
 * zone and names it. Built on the shared PDF machinery (embedded fonts, tagged structure) like the score report.
 */
import { INCIDENT_CATEGORY_TEXT, INCIDENT_KIND_TEXT, type IncidentCategory, type IncidentKind, type IncidentSeverity } from '../../../../../shared/incidents.ts';
import { COLORS, formatInZone, renderPdf, type DocWriter } from '../../../platform/pdf-kit.ts';

export interface IrregularityReportInput {
  sessionId: string;
  formId: string | null;
  module: string;
  moduleTitle: string;
  candidateName: string;
  candidateUsername: string;
  testCenter: string;
  testCenterCode: string;
  timeZone: string;
  state: string;
  endReason: string | null;
  endNote: string | null;
  scheduledAt: Date;
  startedAt: Date | null;
  endedAt: Date | null;
  generatedAt: Date;
  generatedBy: string;
  incidents: { at: Date; kind: IncidentKind; category: IncidentCategory; severity: IncidentSeverity; source: string; recordedBy: string | null; note: string | null }[];
  actions: { at: Date; action: string; actor: string; role: string | null; reason: string | null }[];
}

const PAGE_W = 612;
const PAGE_BOTTOM = 740;
const M = 40;
const SEVERITY_COLOR: Record<IncidentSeverity, string> = { low: COLORS.muted, medium: COLORS.hold, high: COLORS.fail };

/** "7 Dec 14:05:12 CST": a row's time in the center's zone, with the zone's abbreviation (the year is in the header). */
export function rowTime(d: Date, timeZone: string): string {
  const date = new Intl.DateTimeFormat('en-GB', { timeZone, day: 'numeric', month: 'short' }).format(d);
  const time = new Intl.DateTimeFormat('en-US', { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZoneName: 'short' }).format(d);
  return `${date} ${time}`;
}

const actionText = (action: string) => {
  const a = action.replace(/^session\./, '').replace(/^proctor\./, '');
  return a.charAt(0).toUpperCase() + a.slice(1).replaceAll('-', ' ');
};

interface Column {
  title: string;
  x: number;
  width: number;
}

/** A table that continues on the next page with its header repeated; each cell is tagged TH/TD in a TR. */
function table(w: DocWriter, startY: number, columns: Column[], rows: { cells: string[]; colors?: (string | undefined)[]; bold?: boolean[] }[]): number {
  const { doc } = w;
  const out: PDFKit.PDFStructureElement[] = [];
  let y = startY;
  const head = () => {
    const hy = y;
    out.push(w.group('TR', columns.map((c) => w.el('TH', () => w.font('sansBold', 7.5).fillColor(COLORS.muted).text(c.title, c.x, hy, { width: c.width })))));
    w.artifact(() => doc.moveTo(M, hy + 11).lineTo(PAGE_W - M, hy + 11).lineWidth(0.7).strokeColor(COLORS.navy).stroke());
    y = hy + 15;
  };
  head();
  for (const r of rows) {
    w.font('sans', 8);
    const h = Math.max(12, ...r.cells.map((text, i) => doc.heightOfString(text || '-', { width: columns[i]!.width }))) + 5;
    if (y + h > PAGE_BOTTOM) {
      doc.addPage();
      y = M;
      head();
    }
    const ry = y;
    out.push(
      w.group(
        'TR',
        r.cells.map((text, i) => w.el('TD', () => w.font(r.bold?.[i] ? 'sansBold' : 'sans', 8).fillColor(r.colors?.[i] ?? COLORS.ink).text(text || '-', columns[i]!.x, ry, { width: columns[i]!.width }))),
      ),
    );
    w.artifact(() => doc.moveTo(M, ry + h - 2).lineTo(PAGE_W - M, ry + h - 2).lineWidth(0.4).strokeColor(COLORS.rule).stroke());
    y = ry + h;
  }
  w.add(w.group('Table', out));
  return y;
}

function heading(w: DocWriter, text: string, y: number): number {
  if (y + 40 > PAGE_BOTTOM) {
    w.doc.addPage();
    y = M;
  }
  const hy = y;
  w.add(w.el('H2', () => w.font('sansBold', 12).fillColor(COLORS.navy).text(text, M, hy)));
  return w.doc.y + 4;
}

export function irregularityReportPdf(r: IrregularityReportInput): Promise<Buffer> {
  return renderPdf({ title: `Irregularity report: session ${r.sessionId}`, subject: `Irregularity report for ${r.candidateName}, ${r.moduleTitle}`, keywords: 'CPT 4.0, irregularity report', size: 'LETTER', margin: M }, (w) => {
    const { doc } = w;
    w.artifact(() => {
      doc.rect(0, 0, PAGE_W, 70).fill(COLORS.navy);
      doc.rect(0, 70, PAGE_W, 4).fill(COLORS.gold);
    });
    w.add(w.el('P', () => w.font('sansBold', 9).fillColor('#d8e1ee').text('CERTIFIED PRODUCTION TECHNICIAN · CPT 4.0 · FOR THE CERTIFICATION BODY', M, 18)));
    w.add(w.el('H1', () => w.font('sansBold', 22).fillColor('#ffffff').text('Irregularity Report', M, 34)));

    const zone = (d: Date | null) => (d ? formatInZone(d, r.timeZone) : '-');
    const ended = r.endReason ? `${r.endReason}${r.endNote ? ` (${r.endNote})` : ''}` : r.state.replaceAll('_', ' ');
    const facts: [string, string][] = [
      ['Session', r.sessionId],
      ['Candidate', `${r.candidateName} (ID ${r.candidateUsername})`],
      ['Module', `${r.moduleTitle} (${r.module})`],
      ['Form', r.formId ?? 'not assigned'],
      ['Test center', `${r.testCenter} (${r.testCenterCode}), time zone ${r.timeZone}`],
      ['Scheduled', zone(r.scheduledAt)],
      ['Started', zone(r.startedAt)],
      ['Ended', r.endedAt ? `${zone(r.endedAt)}: ${ended}` : ended],
    ];
    let y = 90;
    const factRows = facts.map(([k, v]) => {
      const ry = y;
      const h = w.font('sans', 9).heightOfString(v, { width: PAGE_W - 2 * M - 100 });
      y += Math.max(14, h + 3);
      return w.group('TR', [w.el('TH', () => w.font('sansBold', 9).fillColor(COLORS.muted).text(k, M, ry, { width: 96 })), w.el('TD', () => w.font('sans', 9).fillColor(COLORS.ink).text(v, M + 100, ry, { width: PAGE_W - 2 * M - 100 }))]);
    });
    w.add(w.group('Table', factRows));

    // The summary the reader looks for first: how many incidents, how serious.
    const irregular = r.incidents.filter((i) => i.category !== 'administrative');
    const count = (s: IncidentSeverity) => irregular.filter((i) => i.severity === s).length;
    y += 6;
    const sy = y;
    w.add(
      w.el('P', () =>
        w
          .font('sansBold', 10)
          .fillColor(count('high') ? COLORS.fail : COLORS.ink)
          .text(`${irregular.length} irregularit${irregular.length === 1 ? 'y' : 'ies'} (high ${count('high')}, medium ${count('medium')}, low ${count('low')}); ${r.incidents.length - irregular.length} administrative record${r.incidents.length - irregular.length === 1 ? '' : 's'}.`, M, sy, { width: PAGE_W - 2 * M }),
      ),
    );
    y = doc.y + 10;

    y = heading(w, 'Incidents', y);
    const tzNote = `Times in ${r.timeZone}.`;
    const ny = y;
    w.add(w.el('P', () => w.font('sans', 8).fillColor(COLORS.muted).text(`${tzNote} Category and severity: chosen by the proctor for notes and terminations, set by the system for the events it records.`, M, ny, { width: PAGE_W - 2 * M })));
    y = doc.y + 6;
    if (r.incidents.length) {
      const cols: Column[] = [
        { title: 'Time', x: M, width: 92 },
        { title: 'Incident', x: M + 96, width: 84 },
        { title: 'Category', x: M + 184, width: 70 },
        { title: 'Severity', x: M + 258, width: 42 },
        { title: 'Recorded by', x: M + 304, width: 70 },
        { title: 'Note', x: M + 378, width: PAGE_W - 2 * M - 378 },
      ];
      y = table(
        w,
        y,
        cols,
        r.incidents.map((i) => ({
          cells: [rowTime(i.at, r.timeZone), INCIDENT_KIND_TEXT[i.kind] ?? i.kind, INCIDENT_CATEGORY_TEXT[i.category] ?? i.category, i.severity, i.recordedBy ?? (i.source === 'system' ? 'System' : i.source), i.note ?? ''],
          colors: [undefined, undefined, undefined, SEVERITY_COLOR[i.severity]],
          bold: [false, false, false, i.severity === 'high'],
        })),
      );
    } else {
      const ey = y;
      w.add(w.el('P', () => w.font('sans', 9).fillColor(COLORS.ink).text('No incidents were recorded for this session.', M, ey)));
      y = doc.y;
    }

    y = heading(w, 'Proctor and admin actions', y + 12);
    if (r.actions.length) {
      const cols: Column[] = [
        { title: 'Time', x: M, width: 92 },
        { title: 'Action', x: M + 96, width: 110 },
        { title: 'By', x: M + 210, width: 110 },
        { title: 'Reason or note', x: M + 324, width: PAGE_W - 2 * M - 324 },
      ];
      y = table(
        w,
        y,
        cols,
        r.actions.map((a) => ({ cells: [rowTime(a.at, r.timeZone), actionText(a.action), `${a.actor}${a.role ? ` (${a.role})` : ''}`, a.reason ?? ''] })),
      );
    } else {
      const ey = y;
      w.add(w.el('P', () => w.font('sans', 9).fillColor(COLORS.ink).text('No proctor or admin action is on record.', M, ey)));
      y = doc.y;
    }

    if (y + 30 > PAGE_BOTTOM) {
      doc.addPage();
      y = M;
    }
    const fy = y + 14;
    w.add(w.el('P', () => w.font('sans', 7.5).fillColor(COLORS.muted).text(`Generated ${formatInZone(r.generatedAt, r.timeZone)} by ${r.generatedBy} from the session's incident log and audit trail.`, M, fy, { width: PAGE_W - 2 * M })));
  });
}
