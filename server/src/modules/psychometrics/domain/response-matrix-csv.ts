/**
 * Reads a response matrix and its key from CSV text (layout in docs/item-analysis.md) into the input of
 * analyzeResponses. Reports every bad row and cell with file, line and column, never just the first. Pure: the caller
 * reads the files.
 */
import { readCsvRows, type CsvRow } from '../../../../../shared/csv.ts';
import type { AnalysisItem, ResponseRow } from './item-analysis.ts';

export interface CsvSource {
  /** A name for messages, usually the path as typed. */
  name: string;
  text: string;
}

export interface CsvProblem {
  file: string;
  /** 1-based physical line where the record starts; absent for a problem with the whole file. */
  line?: number;
  /** The header name of the column, or its 1-based number when it has no name. */
  column?: string;
  message: string;
}

export interface MatrixOptions {
  /**
   * The option ids of every item: a string of letters (default "ABCD"), or "observed": per item, the letters A–E seen
   * in its column plus its key.
   */
  options?: string;
}

export type MatrixParseResult = { ok: true; items: AnalysisItem[]; rows: ResponseRow[] } | { ok: false; problems: CsvProblem[] };

export const DEFAULT_OPTION_LETTERS = 'ABCD';
/** The letters a cell may hold when the options are "observed". */
const OBSERVED_LETTERS = 'ABCDE';
const NOT_PRESENTED = new Set(['.', '-']);

/** "responses.csv line 7, column ITEM-3: 'F' is not an option (A-D)". */
export function formatCsvProblem(p: CsvProblem): string {
  const where = [p.file, p.line !== undefined ? ` line ${p.line}` : '', p.column !== undefined ? `, column ${p.column}` : ''].join('');
  return `${where}: ${p.message}`;
}

// ---------------------------------------------------------------------------------------------------------------------
// Rows of the shared CSV reader (shared/csv.ts) with the delimiter fixed to a comma: cells trimmed, blank lines
// skipped, a record cut short by an unclosed quote left out (the quote is reported).

export type CsvRecord = CsvRow;

export function parseCsvRecords(source: CsvSource): { records: CsvRecord[]; problems: CsvProblem[] } {
  const { rows, errors } = readCsvRows(source.text, ',');
  return { records: rows, problems: errors.map((e) => ({ file: source.name, line: e.line, message: e.message })) };
}

// ---------------------------------------------------------------------------------------------------------------------

interface OptionRule {
  /** Letters a cell may hold. */
  allowed: string;
  /** How the allowed letters read in messages: "A-D". */
  label: string;
  observed: boolean;
}

function optionRule(spec: string | undefined): OptionRule | string {
  const raw = (spec ?? DEFAULT_OPTION_LETTERS).trim();
  if (raw.toLowerCase() === 'observed') return { allowed: OBSERVED_LETTERS, label: rangeLabel(OBSERVED_LETTERS), observed: true };
  const letters = raw.toUpperCase().replace(/[\s,]/g, '');
  if (!/^[A-Z]+$/.test(letters) || new Set(letters).size !== letters.length || letters.length < 2) {
    return `the options must be two or more distinct letters (e.g. ABCD) or "observed", not '${spec}'`;
  }
  return { allowed: letters, label: rangeLabel(letters), observed: false };
}

function rangeLabel(letters: string): string {
  const codes = [...letters].map((c) => c.charCodeAt(0));
  const contiguous = codes.every((c, k) => k === 0 || c === codes[k - 1]! + 1);
  return contiguous && letters.length > 2 ? `${letters[0]}-${letters[letters.length - 1]}` : [...letters].join(', ');
}

/** A cell's letter (uppercased) if it is a valid option; otherwise the message. */
function readLetter(cell: string, rule: OptionRule): { letter: string } | { error: string } {
  const upper = cell.toUpperCase();
  if (upper.length === 1 && rule.allowed.includes(upper)) return { letter: upper };
  return { error: `'${cell}' is not an option (${rule.label})` };
}

interface Matrix {
  source: CsvSource;
  headerLine: number;
  candidateColumn: string;
  /** Item ids in header order with their 0-based cell index. */
  columns: { itemId: string; index: number }[];
  keyRow: CsvRecord | null;
  rows: CsvRecord[];
}

/** Splits records into header, KEY row and candidate rows; reports header and shape problems. */
function readMatrix(source: CsvSource, records: CsvRecord[], problems: CsvProblem[]): Matrix | null {
  const [header, ...body] = records;
  if (!header) {
    problems.push({ file: source.name, message: 'the file is empty (expected a header row: candidate,ITEM-1,ITEM-2,...)' });
    return null;
  }
  const candidateColumn = header.cells[0] || 'candidate';
  const columns: Matrix['columns'] = [];
  const seen = new Map<string, number>();
  header.cells.slice(1).forEach((name, k) => {
    const index = k + 1;
    if (name === '') {
      problems.push({ file: source.name, line: header.line, column: String(index + 1), message: 'the header names no item for this column' });
      return;
    }
    const first = seen.get(name);
    if (first !== undefined) {
      problems.push({ file: source.name, line: header.line, column: name, message: `item ${name} appears twice in the header (columns ${first + 1} and ${index + 1})` });
      return;
    }
    seen.set(name, index);
    columns.push({ itemId: name, index });
  });
  if (header.cells.length < 2) problems.push({ file: source.name, line: header.line, message: 'the header names no items (expected candidate,ITEM-1,ITEM-2,...)' });
  let keyRow: CsvRecord | null = null;
  const rows: CsvRecord[] = [];
  for (const rec of body) {
    if (rec.cells.length !== header.cells.length) {
      problems.push({
        file: source.name,
        line: rec.line,
        message: `${rec.cells.length} cell${rec.cells.length === 1 ? '' : 's'}, but the header has ${header.cells.length} columns`,
      });
      continue;
    }
    if (rec.cells[0]!.toUpperCase() === 'KEY') {
      if (keyRow) problems.push({ file: source.name, line: rec.line, message: `a second KEY row (the first is on line ${keyRow.line})` });
      else keyRow = rec;
      continue;
    }
    rows.push(rec);
  }
  return { source, headerLine: header.line, candidateColumn, columns, keyRow, rows };
}

/** Key letter per item id (null when the key cell is bad, already reported), with the line it came from. */
type KeyMap = Map<string, { letter: string | null; line: number }>;

function readKeyRow(m: Matrix, rule: OptionRule, problems: CsvProblem[]): KeyMap {
  const keys: KeyMap = new Map();
  const row = m.keyRow!;
  for (const { itemId, index } of m.columns) {
    const cell = row.cells[index]!;
    const at = { file: m.source.name, line: row.line, column: itemId };
    let letter: string | null = null;
    if (cell === '') problems.push({ ...at, message: `no key for ${itemId}` });
    else if (NOT_PRESENTED.has(cell)) problems.push({ ...at, message: `the key of ${itemId} cannot be '${cell}' (that marks an item not presented)` });
    else {
      const r = readLetter(cell, rule);
      if ('error' in r) problems.push({ ...at, message: r.error });
      else letter = r.letter;
    }
    keys.set(itemId, { letter, line: row.line });
  }
  return keys;
}

function isPairHeader(rec: CsvRecord | undefined): boolean {
  return !!rec && rec.cells.length === 2 && rec.cells[0]!.toLowerCase() === 'item' && rec.cells[1]!.toLowerCase() === 'key';
}

/** A separate key file: either `item,key` lines, or the response header plus a KEY row. */
function readKeyFile(source: CsvSource, rule: OptionRule, problems: CsvProblem[]): KeyMap | null {
  const { records, problems: syntax } = parseCsvRecords(source);
  problems.push(...syntax);
  const keys: KeyMap = new Map();
  if (isPairHeader(records[0])) {
    for (const rec of records.slice(1)) {
      if (rec.cells.length !== 2) {
        problems.push({ file: source.name, line: rec.line, message: `${rec.cells.length} cell${rec.cells.length === 1 ? '' : 's'}, but a key line has 2: item,key` });
        continue;
      }
      const [itemId, cell] = rec.cells as [string, string];
      if (itemId === '') {
        problems.push({ file: source.name, line: rec.line, column: 'item', message: 'no item id' });
        continue;
      }
      const prior = keys.get(itemId);
      if (prior) {
        problems.push({ file: source.name, line: rec.line, column: 'item', message: `item ${itemId} has a second key (the first is on line ${prior.line})` });
        continue;
      }
      let letter: string | null = null;
      if (cell === '') problems.push({ file: source.name, line: rec.line, column: 'key', message: `no key for ${itemId}` });
      else {
        const r = readLetter(cell, rule);
        if ('error' in r) problems.push({ file: source.name, line: rec.line, column: 'key', message: r.error });
        else letter = r.letter;
      }
      keys.set(itemId, { letter, line: rec.line });
    }
    return keys;
  }
  const m = readMatrix(source, records, problems);
  if (!m) return null;
  for (const rec of m.rows) {
    problems.push({ file: source.name, line: rec.line, message: 'a key file holds only the header and the KEY row (or item,key lines)' });
  }
  if (!m.keyRow) {
    problems.push({ file: source.name, message: 'no KEY row (a row whose first cell is KEY), and the header is not item,key' });
    return null;
  }
  return readKeyRow(m, rule, problems);
}

/**
 * Parses the response matrix and the key (a KEY row in the matrix, or a separate key file) into items and rows for
 * analyzeResponses. On any problem returns them all and no data.
 */
export function parseResponseMatrix(responses: CsvSource, keyFile?: CsvSource, options: MatrixOptions = {}): MatrixParseResult {
  const problems: CsvProblem[] = [];
  const rule = optionRule(options.options);
  if (typeof rule === 'string') return { ok: false, problems: [{ file: responses.name, message: rule }] };

  const { records, problems: syntax } = parseCsvRecords(responses);
  problems.push(...syntax);
  const m = readMatrix(responses, records, problems);
  if (!m) return { ok: false, problems };

  let keys: KeyMap | null = null;
  if (keyFile) {
    if (m.keyRow) {
      problems.push({ file: responses.name, line: m.keyRow.line, message: `a KEY row, but a key file (${keyFile.name}) was also given: use one or the other` });
    }
    keys = readKeyFile(keyFile, rule, problems);
    if (keys) {
      for (const { itemId } of m.columns) {
        if (!keys.has(itemId)) {
          problems.push({ file: responses.name, line: m.headerLine, column: itemId, message: `no key for ${itemId} in ${keyFile.name}` });
        }
      }
    }
  } else if (m.keyRow) {
    keys = readKeyRow(m, rule, problems);
  } else {
    problems.push({ file: responses.name, message: 'no key: add a row whose first cell is KEY, or give a key file (--key FILE)' });
  }

  const rows: ResponseRow[] = [];
  const seenCandidates = new Map<string, number>();
  const observed = new Map<string, Set<string>>(m.columns.map((c) => [c.itemId, new Set<string>()]));
  for (const rec of m.rows) {
    const candidateId = rec.cells[0]!;
    const at = { file: responses.name, line: rec.line };
    if (candidateId === '') {
      problems.push({ ...at, column: m.candidateColumn, message: 'no candidate id' });
    } else {
      const first = seenCandidates.get(candidateId);
      if (first !== undefined) problems.push({ ...at, column: m.candidateColumn, message: `candidate ${candidateId} appears twice (also on line ${first})` });
      else seenCandidates.set(candidateId, rec.line);
    }
    const answers: Record<string, string | null> = {};
    const presented: string[] = [];
    for (const { itemId, index } of m.columns) {
      const cell = rec.cells[index]!;
      if (NOT_PRESENTED.has(cell)) continue;
      presented.push(itemId);
      if (cell === '') {
        answers[itemId] = null;
        continue;
      }
      const r = readLetter(cell, rule);
      if ('error' in r) problems.push({ ...at, column: itemId, message: r.error });
      else {
        answers[itemId] = r.letter;
        observed.get(itemId)!.add(r.letter);
      }
    }
    if (presented.length === 0 && m.columns.length > 0) problems.push({ ...at, message: `candidate ${candidateId || '(no id)'} was presented no items (every cell is . or -)` });
    rows.push({ candidateId, responses: answers, ...(presented.length < m.columns.length ? { presented } : {}) });
  }
  if (m.rows.length === 0) problems.push({ file: responses.name, message: 'no candidate rows' });

  if (problems.length > 0 || !keys) return { ok: false, problems };
  const items: AnalysisItem[] = m.columns.map(({ itemId }) => {
    const key = keys.get(itemId)!.letter!;
    const optionIds = rule.observed ? [...new Set([...observed.get(itemId)!, key])].sort() : [...rule.allowed];
    return { itemId, key, optionIds };
  });
  return { ok: true, items, rows };
}
