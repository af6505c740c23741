/**
 * Paper delivery's pure rules (docs/paper.md): booklet and candidate codes with a check digit, the answer sheet's
 * layout (where every bubble is, shared by the PDF and by anyone reading a scan), turning marks into responses, double
 * entry comparison, and the scanner's CSV. No clock and no randomness of its own.
 */
import { readCsvRows } from '../../../../../shared/csv.ts';
import type { Problem } from '../../../../../shared/errors.ts';

/** Letters printed on the booklet and the sheet: the n-th option as shown to this candidate is the n-th letter. */
export const LETTERS = ['A', 'B', 'C', 'D', 'E'] as const;
/** A mark as keyed or scanned: a letter, '' for no mark, '*' for more than one mark (both score as no answer). */
export type Mark = string;
export const BLANK = '-';
export const MULTIPLE = '*';

// ---------------------------------------------------------------------------------------------------------------
// Codes

/** The Luhn check digit of a string of digits (catches every single-digit error and most transpositions). */
export function luhnDigit(digits: string): string {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

export const CODE_DIGITS = 9;
/** A 9-digit code: 8 digits from `random` (0 ≤ r < 1) and a Luhn check digit. */
export function newBookletCode(random: () => number): string {
  const body = Array.from({ length: CODE_DIGITS - 1 }, () => String(Math.floor(random() * 10))).join('');
  return body + luhnDigit(body);
}
export const validCode = (code: string) => /^\d{9}$/.test(code) && luhnDigit(code.slice(0, -1)) === code.at(-1);

/**
 * The candidate's 9-digit code on every answer sheet: a 64-bit FNV-1a hash of their account id (every character, so
 * time-ordered ids differ too) to 8 digits, and a check digit; the same on every sheet they fill. It cross-checks a
 * sheet against its booklet; the booklet code is what identifies the sitting.
 */
export function candidateCode(candidateId: string): string {
  let h = 0xcbf29ce484222325n;
  for (const ch of candidateId.toLowerCase()) h = ((h ^ BigInt(ch.charCodeAt(0))) * 0x100000001b3n) & 0xffffffffffffffffn;
  const body = String(h % 100_000_000n).padStart(8, '0');
  return body + luhnDigit(body);
}

// ---------------------------------------------------------------------------------------------------------------
// Answer sheet layout (PDF points, origin top-left, US Letter 612 × 792)

export const SHEET = { width: 612, height: 792, margin: 40 } as const;
export const BUBBLE_R = 5.5;
const CODE_TOP = 150;
const CODE_ROW = 14;
const CODE_COL = 16;
const Q_TOP = 330;
const Q_ROW = 15.5;
const Q_BUBBLE = 19;
const Q_COL_W = 132;
const ROWS_PER_COL = 28;

export interface CodeGrid {
  label: string;
  left: number;
  /** Bubble centre of digit `d` (0-9) in column `i`. */
  at(i: number, d: number): { x: number; y: number };
}

export function codeGrids(): { booklet: CodeGrid; candidate: CodeGrid } {
  const grid = (label: string, left: number): CodeGrid => ({ label, left, at: (i, d) => ({ x: left + 10 + i * CODE_COL, y: CODE_TOP + 12 + d * CODE_ROW }) });
  return { booklet: grid('Booklet code', SHEET.margin + 10), candidate: grid('Candidate code', SHEET.margin + 290) };
}

/** Bubble centre of option `o` (0-based) of question `q` (1-based); 28 questions a column, 4 columns a page. */
export function questionBubble(q: number, o: number): { page: number; x: number; y: number; labelX: number } {
  const i = q - 1;
  const page = Math.floor(i / (ROWS_PER_COL * 4));
  const inPage = i % (ROWS_PER_COL * 4);
  const col = Math.floor(inPage / ROWS_PER_COL);
  const row = inPage % ROWS_PER_COL;
  const labelX = SHEET.margin + col * Q_COL_W;
  return { page, x: labelX + 30 + o * Q_BUBBLE, y: (page === 0 ? Q_TOP : SHEET.margin + 40) + row * Q_ROW, labelX };
}

// ---------------------------------------------------------------------------------------------------------------
// Marks → responses

export interface SheetItem {
  position: number;
  itemId: string;
  /** Option ids in the order printed (letter A is optionOrder[0]). */
  optionOrder: string[];
}

/**
 * Normalizes keyed marks: one character a question, a letter (any case), '-' or ' ' for none, '*' for a double mark.
 * Problems name the question.
 */
export function parseMarks(text: string, items: readonly SheetItem[], pointer = '/marks'): { marks: Mark[]; problems: Problem[] } {
  const chars = [...text.replace(/\s+$/, '')];
  const problems: Problem[] = [];
  if (chars.length !== items.length) problems.push({ pointer, message: `expected ${items.length} marks (one a question, '-' for none, '*' for a double mark), found ${chars.length}` });
  const marks = items.map((it, i) => {
    const c = (chars[i] ?? BLANK).toUpperCase();
    if (c === BLANK || c === ' ') return '';
    if (c === MULTIPLE) return MULTIPLE;
    const o = LETTERS.indexOf(c as (typeof LETTERS)[number]);
    if (o < 0 || o >= it.optionOrder.length) {
      problems.push({ pointer, message: `question ${i + 1}: "${chars[i]}" is not one of ${LETTERS.slice(0, it.optionOrder.length).join(', ')}, '-' or '*'` });
      return '';
    }
    return c;
  });
  return { marks, problems };
}

/** Item id → option id (null for no mark or a double mark), through each question's printed option order. */
export function responsesOf(items: readonly SheetItem[], marks: readonly Mark[]): Record<string, string | null> {
  return Object.fromEntries(
    items.map((it, i) => {
      const o = LETTERS.indexOf(marks[i] as (typeof LETTERS)[number]);
      return [it.itemId, o >= 0 ? (it.optionOrder[o] ?? null) : null];
    }),
  );
}

/** Questions (1-based) where two keyed entries differ. */
export function entryDifferences(a: readonly Mark[], b: readonly Mark[]): { question: number; first: Mark; second: Mark }[] {
  const out: { question: number; first: Mark; second: Mark }[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) if ((a[i] ?? '') !== (b[i] ?? '')) out.push({ question: i + 1, first: a[i] ?? '', second: b[i] ?? '' });
  return out;
}

export const marksText = (marks: readonly Mark[]) => marks.map((m) => m || BLANK).join('');

// ---------------------------------------------------------------------------------------------------------------
// The scanner's CSV

export interface ScannedSheet {
  line: number;
  bookletCode: string;
  candidateCode: string;
  /** The cells of q1…qN as read (letter, empty, or '*'). */
  cells: string[];
}

/**
 * Reads the scanner's export: a header `booklet_code,candidate_code,q1,q2,…` and one row a sheet. Cells are a
 * letter, empty (no mark) or `*` (several marks). Every problem is reported with its line and column.
 */
export function readScannerCsv(text: string): { sheets: ScannedSheet[]; problems: Problem[] } {
  const { rows, errors } = readCsvRows(text);
  const problems: Problem[] = errors.map((e) => ({ pointer: '/csv', line: e.line, column: e.column, message: e.message }));
  const [header, ...data] = rows;
  if (!header) return { sheets: [], problems: [...problems, { pointer: '/csv', message: 'the file is empty: expected a header booklet_code,candidate_code,q1,q2,…' }] };
  const names = header.cells.map((c) => c.toLowerCase());
  if (names[0] !== 'booklet_code' || names[1] !== 'candidate_code' || names.slice(2).some((n, i) => n !== `q${i + 1}`)) {
    problems.push({ pointer: '/csv', line: header.line, column: 1, message: `the header must be booklet_code,candidate_code,q1,q2,… (found ${header.cells.slice(0, 4).join(',')}${header.cells.length > 4 ? ',…' : ''})` });
    return { sheets: [], problems };
  }
  const sheets: ScannedSheet[] = [];
  const seen = new Map<string, number>();
  for (const r of data) {
    const [booklet = '', candidate = '', ...cells] = r.cells;
    if (!validCode(booklet)) problems.push({ pointer: '/csv', line: r.line, column: 1, message: `booklet code "${booklet}" is not a 9-digit code with a valid check digit` });
    if (!validCode(candidate)) problems.push({ pointer: '/csv', line: r.line, column: 2, message: `candidate code "${candidate}" is not a 9-digit code with a valid check digit` });
    if (seen.has(booklet)) problems.push({ pointer: '/csv', line: r.line, column: 1, message: `booklet ${booklet} appears twice (also on line ${seen.get(booklet)})` });
    seen.set(booklet, r.line);
    cells.forEach((c, i) => {
      if (c !== '' && c !== MULTIPLE && !LETTERS.includes(c.toUpperCase() as (typeof LETTERS)[number])) problems.push({ pointer: '/csv', line: r.line, column: i + 3, message: `q${i + 1}: "${c}" is not a letter A–E, empty or *` });
    });
    sheets.push({ line: r.line, bookletCode: booklet, candidateCode: candidate, cells: cells.map((c) => c.toUpperCase()) });
  }
  return { sheets, problems };
}
