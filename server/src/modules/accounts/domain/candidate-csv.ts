/**
 * The candidate registration CSV: a header row, then one candidate per row. Columns (any order, case-insensitive):
 * username (required), display_name (required), password (optional: leave empty for candidates who sign in with
 * launch codes). Accommodations belong to each scheduled exam (extra time, a note), not to the registration. Every bad
 * row is reported with its line and column; pure.
 */
import type { Problem } from '../../../../../shared/errors.ts';
import { readCsvRows } from '../../../../../shared/csv.ts';

export interface CandidateRow {
  line: number;
  username: string;
  displayName: string;
  password: string | null;
}

const USERNAME = /^[a-z0-9][a-z0-9._@-]{2,99}$/;
const COLUMNS = ['username', 'display_name', 'password'] as const;

export function parseCandidateCsv(text: string, file: string): { rows: CandidateRow[]; problems: Problem[] } {
  const { rows: records, errors } = readCsvRows(text);
  const problems: Problem[] = errors.map((e) => ({ file, pointer: '', line: e.line, column: e.column, message: e.message }));
  const [header, ...body] = records;
  if (!header) return { rows: [], problems: [...problems, { file, pointer: '', line: 1, message: 'the file is empty; the first row must name the columns: username, display_name[, password]' }] };
  const index = new Map(header.cells.map((c, i) => [c.toLowerCase().replace(/[\s-]+/g, '_'), i]));
  for (const c of header.cells) {
    const name = c.toLowerCase().replace(/[\s-]+/g, '_');
    if (!(COLUMNS as readonly string[]).includes(name)) problems.push({ file, pointer: '', line: header.line, message: `unknown column "${c}" (expected ${COLUMNS.join(', ')})` });
  }
  for (const required of ['username', 'display_name']) {
    if (!index.has(required)) problems.push({ file, pointer: '', line: header.line, message: `missing column "${required}"` });
  }
  if (problems.length) return { rows: [], problems };
  const cell = (cells: string[], name: string) => {
    const i = index.get(name);
    return i === undefined ? '' : (cells[i] ?? '').trim();
  };
  const rows: CandidateRow[] = [];
  const seen = new Map<string, number>();
  for (const r of body) {
    const at = (column: string, message: string) => problems.push({ file, pointer: `/${column}`, line: r.line, message: `line ${r.line}, column ${column}: ${message}` });
    const username = cell(r.cells, 'username').toLowerCase();
    const displayName = cell(r.cells, 'display_name');
    const password = cell(r.cells, 'password');
    let ok = true;
    if (!USERNAME.test(username)) {
      at('username', username ? `"${username}" is not a valid username (3-100 characters: letters, digits, . _ @ -)` : 'is empty');
      ok = false;
    } else if (seen.has(username)) {
      at('username', `"${username}" appears again (first on line ${seen.get(username)})`);
      ok = false;
    }
    if (!displayName) {
      at('display_name', 'is empty');
      ok = false;
    }
    if (password && password.length < 10) {
      at('password', 'must be at least 10 characters, or empty for launch-code sign-in');
      ok = false;
    }
    if (r.cells.length > header.cells.length) {
      at('(end)', `has ${r.cells.length} cells but the header names ${header.cells.length} columns`);
      ok = false;
    }
    seen.set(username, r.line);
    if (ok) rows.push({ line: r.line, username, displayName, password: password || null });
  }
  return { rows, problems };
}
