/**
 * The inputs and the terminal report of a Rasch calibration (`cpt-exam calibrate`, docs/measurement.md §2): a scored
 * 0/1 matrix or a lettered response matrix with its key turned into RaschData, an anchor file read, and the result
 * rendered as text. Problems are located by file, line and column, every one of them. Pure.
 */
import type { AnalysisItem, ResponseRow } from './item-analysis.ts';
import { parseCsvRecords, type CsvProblem, type CsvSource } from './response-matrix-csv.ts';
import type { RaschCalibration, RaschData, Score } from './rasch.ts';

/** Lettered responses scored against their key: correct 1, wrong or omitted 0, not presented null. */
export function scoreResponses(items: AnalysisItem[], rows: ResponseRow[]): RaschData {
  return {
    itemIds: items.map((i) => i.itemId),
    persons: rows.map((r) => {
      const shown = r.presented ? new Set(r.presented) : null;
      return {
        personId: r.candidateId,
        scores: items.map((i): Score => (shown && !shown.has(i.itemId) ? null : r.responses[i.itemId] === i.key ? 1 : 0)),
      };
    }),
  };
}

const NOT_PRESENTED = new Set(['', '.', '-']);

/** A scored matrix: header `candidate,ITEM...`, cells 1 or 0, and `.`, `-` or empty for "not presented". */
export function parseScoredMatrix(source: CsvSource): { ok: true; data: RaschData } | { ok: false; problems: CsvProblem[] } {
  const { records, problems } = parseCsvRecords(source);
  const [header, ...body] = records;
  if (!header) return { ok: false, problems: [...problems, { file: source.name, message: 'the file has no header row' }] };
  const itemIds = header.cells.slice(1);
  const seen = new Set<string>();
  itemIds.forEach((id, c) => {
    if (!id) problems.push({ file: source.name, line: header.line, column: String(c + 2), message: 'an item column has no name' });
    else if (seen.has(id)) problems.push({ file: source.name, line: header.line, column: id, message: `item ${id} appears twice in the header` });
    seen.add(id);
  });
  if (itemIds.length < 2) problems.push({ file: source.name, line: header.line, message: `need at least 2 item columns, found ${itemIds.length}` });
  const persons = body.map((rec) => {
    if (rec.cells.length !== header.cells.length) {
      problems.push({ file: source.name, line: rec.line, message: `${rec.cells.length} cells where the header has ${header.cells.length}` });
    }
    const scores = itemIds.map((id, c): Score => {
      const cell = rec.cells[c + 1] ?? '';
      if (cell === '1') return 1;
      if (cell === '0') return 0;
      if (NOT_PRESENTED.has(cell)) return null;
      problems.push({ file: source.name, line: rec.line, column: id, message: `'${cell}' is not a score (1, 0, or . for not presented)` });
      return null;
    });
    return { personId: rec.cells[0] ?? '', scores };
  });
  if (!persons.length) problems.push({ file: source.name, message: 'the file has no candidate rows' });
  return problems.length ? { ok: false, problems } : { ok: true, data: { itemIds, persons } };
}

/** Anchors: `item,difficulty` lines (a header line `item,difficulty` is allowed), difficulties in logits. */
export function parseAnchors(source: CsvSource): { ok: true; anchors: Record<string, number> } | { ok: false; problems: CsvProblem[] } {
  const { records, problems } = parseCsvRecords(source);
  const anchors: Record<string, number> = {};
  records.forEach((rec, k) => {
    const [id = '', value = ''] = rec.cells;
    if (k === 0 && /^item$/i.test(id) && !/^-?[\d.]/.test(value)) return;
    const b = Number(value);
    if (!id) problems.push({ file: source.name, line: rec.line, column: '1', message: 'no item id' });
    else if (value === '' || !Number.isFinite(b)) problems.push({ file: source.name, line: rec.line, column: '2', message: `'${value}' is not a difficulty in logits` });
    else if (Object.hasOwn(anchors, id)) problems.push({ file: source.name, line: rec.line, column: '1', message: `item ${id} is anchored twice` });
    else anchors[id] = b;
  });
  if (!records.length) problems.push({ file: source.name, message: 'the anchor file is empty' });
  return problems.length ? { ok: false, problems } : { ok: true, anchors };
}

const num = (v: number | null, digits = 3) => (v === null ? '—' : v.toFixed(digits));

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

export function renderCalibrationReport(cal: RaschCalibration, options: { persons?: boolean } = {}): string {
  const out = table(
    ['item', 'status', 'N', 'p', 'b', 'SE', 'infit', 'outfit'],
    cal.items.map((i) => [i.itemId, i.status, String(i.n), i.n ? num(i.correct / i.n) : '—', num(i.difficulty), num(i.se), num(i.infit, 2), num(i.outfit, 2)]),
  );
  if (options.persons) {
    out.push('', ...table(['person', 'status', 'raw', 'of', 'theta', 'WLE', 'SE'], cal.persons.map((p) => [p.personId, p.status, String(p.raw), String(p.presented), num(p.theta), num(p.wle), num(p.se)])));
  }
  const measured = cal.persons.filter((p) => p.status === 'estimated').length;
  out.push(
    '',
    `Rasch model, conditional maximum likelihood; scale: ${cal.scale === 'anchored' ? 'fixed by the anchored items' : 'mean item difficulty 0'} (logits)`,
    `  persons ${cal.persons.length} (${measured} with a score between zero and perfect), items ${cal.items.length}, iterations ${cal.iterations}, conditional log-likelihood ${cal.logLikelihood.toFixed(3)}`,
    `  person separation reliability ${num(cal.personSeparationReliability)}`,
    '  infit/outfit: mean-squares, expected 1; above 1.3 the item is noisier than the model predicts, below 0.7 more predictable',
  );
  for (const note of cal.notes) out.push(`  note: ${note}`);
  return out.join('\n') + '\n';
}
