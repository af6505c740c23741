/**
 * The one CSV reader and cell writer of the project (server imports and exports, the browser's incident view). RFC
 * 4180 with what spreadsheets really write: a leading UTF-8 BOM, CRLF or LF, quoted fields holding delimiters, line
 * breaks and doubled quotes, and ; or tab as the delimiter in some locales. Pure, no dependencies.
 */

export interface CsvField {
  value: string;
  /** Line where the field starts (a quoted field may run over several lines). */
  line: number;
}

export interface CsvRecord {
  /** 1-based physical line where the record starts. */
  line: number;
  fields: CsvField[];
  /** Cut short by a quote that is never closed; its fields are not to be trusted. */
  incomplete?: boolean;
}

export interface CsvSyntaxProblem {
  message: string;
  line: number;
  /** 1-based field number within the record. */
  column: number;
}

export const CSV_UNCLOSED_QUOTE = 'a quoted field is never closed: the quote that opens it has no closing quote';
export const CSV_TEXT_AFTER_QUOTE = 'text after the closing quote of a field; inside a quoted field write a quote as two quotes ("")';

/** The delimiter of the header line: the most frequent of , ; and tab outside quotes (Excel in some locales uses ;). */
export function detectCsvDelimiter(text: string): string {
  const counts = new Map<string, number>([[',', 0], [';', 0], ['\t', 0]]);
  let quoted = false;
  for (const c of text) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) break;
    else if (!quoted && counts.has(c)) counts.set(c, counts.get(c)! + 1);
  }
  let best = ',';
  for (const [d, n] of counts) if (n > counts.get(best)!) best = d;
  return best;
}

/**
 * Reads CSV text into records. Quoted fields may hold delimiters, line breaks (CRLF becomes LF) and doubled quotes; a
 * quote inside an unquoted field is kept as written. Problems (text after a closing quote, an unterminated quote) are
 * collected with line and field number; an unterminated quote ends the reading, its record marked incomplete. Spaces
 * around a quoted field are dropped; unquoted values are not trimmed, and blank lines are kept as records of one empty
 * field: callers decide what blank means to them.
 */
export function readCsv(text: string, delimiter = detectCsvDelimiter(text)): { records: CsvRecord[]; errors: CsvSyntaxProblem[] } {
  const s = text.replace(/^\uFEFF/, '');
  const records: CsvRecord[] = [];
  const errors: CsvSyntaxProblem[] = [];
  let line = 1;
  let i = 0;
  let fields: CsvField[] = [];
  let recordLine = 1;
  while (i <= s.length) {
    // Start of a field.
    const fieldLine = line;
    let value = '';
    // Spaces before an opening quote are tolerated (people type `a, "b, c"`), as are spaces after the closing one.
    let lead = i;
    while (s[lead] === ' ' && delimiter !== ' ') lead++;
    if (s[lead] === '"') i = lead;
    if (s[i] === '"') {
      const openLine = line;
      const openCol = fields.length + 1;
      i++;
      let closed = false;
      while (i < s.length) {
        const c = s[i]!;
        if (c === '"') {
          if (s[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i++;
          closed = true;
          break;
        }
        if (c === '\r') {
          value += '\n';
          i += s[i + 1] === '\n' ? 2 : 1;
          line++;
          continue;
        }
        if (c === '\n') line++;
        value += c;
        i++;
      }
      if (!closed) {
        errors.push({ message: CSV_UNCLOSED_QUOTE, line: openLine, column: openCol });
        fields.push({ value, line: fieldLine });
        records.push({ line: recordLine, fields, incomplete: true });
        return { records, errors };
      }
      let trail = i;
      while (s[trail] === ' ' && delimiter !== ' ') trail++;
      if (trail >= s.length || s[trail] === delimiter || s[trail] === '\n' || s[trail] === '\r') i = trail;
      if (i < s.length && s[i] !== delimiter && s[i] !== '\n' && s[i] !== '\r') {
        errors.push({ message: CSV_TEXT_AFTER_QUOTE, line, column: fields.length + 1 });
        while (i < s.length && s[i] !== delimiter && s[i] !== '\n' && s[i] !== '\r') value += s[i++];
      }
    } else {
      while (i < s.length && s[i] !== delimiter && s[i] !== '\n' && s[i] !== '\r') value += s[i++];
    }
    fields.push({ value, line: fieldLine });
    if (i >= s.length) {
      if (!(fields.length === 1 && fields[0]!.value === '')) records.push({ line: recordLine, fields });
      break;
    }
    if (s[i] === delimiter) {
      i++;
      continue;
    }
    // End of record.
    i += s[i] === '\r' && s[i + 1] === '\n' ? 2 : 1;
    line++;
    records.push({ line: recordLine, fields });
    fields = [];
    recordLine = line;
    if (i >= s.length) break;
  }
  return { records, errors };
}

/** A record with no value in any field (a blank line, or ",,,," left by a spreadsheet). */
export const isBlankCsvRecord = (r: CsvRecord) => r.fields.every((f) => f.value.trim() === '');

/** A record as trimmed cells. */
export interface CsvRow {
  line: number;
  cells: string[];
}

/** The simple view for tabular files: trimmed cells, blank records skipped, a record cut short by an unclosed quote left out (the quote is among the errors). */
export function readCsvRows(text: string, delimiter?: string): { rows: CsvRow[]; errors: CsvSyntaxProblem[] } {
  const { records, errors } = readCsv(text, delimiter);
  return { rows: records.filter((r) => !r.incomplete && !isBlankCsvRecord(r)).map((r) => ({ line: r.line, cells: r.fields.map((f) => f.value.trim()) })), errors };
}

/** What a spreadsheet would run as a formula: =, +, -, @, tab or CR first (after any apostrophes already there). */
const FORMULA_START = /^'*[=+\-@\t\r]/;
/** A guarded cell as read back: one apostrophe, then a formula start. */
const GUARDED = /^'+[=+\-@\t\r]/;

/**
 * One CSV cell. Dates are written as ISO 8601, null and undefined as empty. A cell that a spreadsheet would run as a
 * formula (a candidate named "=HYPERLINK(…)") gets a leading apostrophe unless `formulaGuard` is false (files made for
 * a program, not a person); readers of our own files remove it with `unguardCsvValue`.
 */
export function csvCell(value: unknown, options: { formulaGuard?: boolean } = {}): string {
  const s = value instanceof Date ? value.toISOString() : value === null || value === undefined ? '' : String(value);
  const guarded = options.formulaGuard !== false && FORMULA_START.test(s) ? `'${s}` : s;
  return /[",;\t\r\n]|^\s|\s$/.test(guarded) ? `"${guarded.replaceAll('"', '""')}"` : guarded;
}

/** One CSV line (no line end) from values. */
export const csvLine = (values: readonly unknown[], options?: { formulaGuard?: boolean }) => values.map((v) => csvCell(v, options)).join(',');

/** Undoes the formula guard of `csvCell` on a value read back. */
export const unguardCsvValue = (v: string) => (GUARDED.test(v) ? v.slice(1) : v);
