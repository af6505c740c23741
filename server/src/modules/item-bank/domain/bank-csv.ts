/**
 * CSV exchange for spreadsheet authors: one item per row under a header row naming the columns (any order, any
 * case). Import reports every bad row and cell with its line and column name; export writes the same layout back,
 * so export → import gives the same items. Pure. Layout and messages: docs/qti-and-csv.md.
 */
import type { Problem } from '../../../../../shared/errors.ts';
import { BANK_FORMAT_VERSION, enemyGroupSchema, itemSchema, type BankFile, type EnemyGroup, type Item } from '../../../../../shared/item-bank-format.ts';
import { OPTION_IDS } from '../../../../../shared/vocabulary.ts';
import { csvCell, isBlankCsvRecord, readCsv, unguardCsvValue } from '../../../../../shared/csv.ts';

export const CSV_COLUMNS = [
  'id', 'module', 'kwa', 'status', 'stem', 'option_a', 'option_b', 'option_c', 'option_d', 'option_e', 'key', 'rationale', 'topics', 'enemy_group',
] as const;
/** Written only when an item has statistics; read when present. */
export const CSV_STATS_COLUMNS = ['stats_p', 'stats_point_biserial', 'stats_n'] as const;
/** The stem's image: its path (relative to the sheet, or sha256:<hex> of a stored image) and its alt text. */
export const CSV_IMAGE_COLUMNS = ['image', 'image_alt'] as const;
const OPTIONAL_COLUMNS: ReadonlySet<string> = new Set(['option_e', 'topics', 'enemy_group', ...CSV_STATS_COLUMNS, ...CSV_IMAGE_COLUMNS]);
const KNOWN_COLUMNS: ReadonlySet<string> = new Set([...CSV_COLUMNS, ...CSV_STATS_COLUMNS, ...CSV_IMAGE_COLUMNS]);
const OPTION_COLUMNS = ['option_a', 'option_b', 'option_c', 'option_d', 'option_e'] as const;

// ---- import ---------------------------------------------------------------------------------------------------------

export interface CsvImportResult {
  bank: BankFile;
  problems: Problem[];
  /** JSON pointer into `bank` ("/items/3", "/items/3/key") → where it came from in the CSV. */
  positions: Record<string, { line: number; column?: number }>;
}

function normaliseHeader(h: string): string {
  return h.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

export function importBankCsv(text: string, name: string): CsvImportResult {
  const problems: Problem[] = [];
  const positions: CsvImportResult['positions'] = {};
  const bank: BankFile = { formatVersion: BANK_FORMAT_VERSION, modules: [], blueprints: [], enemyGroups: [], items: [] };
  const done = () => {
    problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
    return { bank, problems, positions };
  };
  const { records, errors } = readCsv(text);
  for (const e of errors) problems.push({ file: name, pointer: '', line: e.line, column: e.column, message: e.message });
  const header = records[0];
  if (!header || header.incomplete) {
    if (!header) problems.push({ file: name, pointer: '', line: 1, message: `the file is empty; the first row must name the columns (${CSV_COLUMNS.join(', ')})` });
    return done();
  }

  // Header: which field holds which column.
  const columnAt = new Map<string, number>();
  const unnamed: number[] = [];
  header.fields.forEach((f, index) => {
    const col = normaliseHeader(f.value);
    const at = { file: name, line: header.line, column: index + 1 };
    if (col === '') unnamed.push(index);
    else if (!KNOWN_COLUMNS.has(col)) problems.push({ ...at, pointer: '', message: `unknown column "${f.value.trim()}"; the columns are ${[...CSV_COLUMNS, ...CSV_STATS_COLUMNS, ...CSV_IMAGE_COLUMNS].join(', ')}` });
    else if (columnAt.has(col)) problems.push({ ...at, pointer: `/${col}`, message: `column "${col}" appears twice (first as column ${columnAt.get(col)! + 1})` });
    else columnAt.set(col, index);
  });
  const missing = CSV_COLUMNS.filter((c) => !OPTIONAL_COLUMNS.has(c) && !columnAt.has(c));
  for (const c of missing) problems.push({ file: name, pointer: '', line: header.line, message: `missing column "${c}"; the header row must name ${CSV_COLUMNS.filter((x) => !OPTIONAL_COLUMNS.has(x)).join(', ')}` });
  if (missing.length > 0) return done();

  interface Row {
    line: number;
    cell: (col: string) => string;
    where: (col: string) => { line: number; column?: number };
  }
  const seenIds = new Map<string, number>();
  const groups = new Map<string, { members: { id: string; kept: boolean }[]; firstAt: { line: number; column?: number } }>();
  const kept: { item: Item; row: Row }[] = [];

  for (const record of records.slice(1)) {
    if (record.incomplete) continue; // reported as a syntax problem
    if (isBlankCsvRecord(record)) continue; // blank rows, or ",,,," left by a spreadsheet
    const row: Row = {
      line: record.line,
      cell: (col) => {
        const index = columnAt.get(col);
        const raw = index === undefined ? '' : (record.fields[index]?.value ?? '');
        const v = raw.trim();
        return unguardCsvValue(v);
      },
      where: (col) => {
        const index = columnAt.get(col);
        return index === undefined ? { line: record.line } : { line: record.fields[index]?.line ?? record.line, column: index + 1 };
      },
    };
    const problem = (col: string | null, message: string) =>
      problems.push({ file: name, pointer: col ? `/${col}` : '', ...(col ? row.where(col) : { line: record.line }), message: col ? `column "${col}": ${message}` : message });
    let bad = false;

    if (record.fields.length > header.fields.length) {
      const extra = record.fields.slice(header.fields.length).filter((f) => f.value.trim() !== '');
      if (extra.length > 0) {
        problem(null, `the row has ${record.fields.length} fields but the header names ${header.fields.length} columns (a comma in a text cell needs the cell in quotes)`);
        bad = true;
      }
    }
    for (const index of unnamed) {
      if ((record.fields[index]?.value.trim() ?? '') !== '') {
        problems.push({ file: name, pointer: '', line: record.line, column: index + 1, message: `column ${index + 1} has no name in the header row but this row has a value in it` });
        bad = true;
      }
    }

    // Options: filled from A, no gaps.
    const optionTexts = OPTION_COLUMNS.map((c) => row.cell(c));
    const lastFilled = optionTexts.reduce((last, t, i) => (t !== '' ? i : last), -1);
    const options: { id: string; text: string }[] = [];
    let gap = false;
    for (let i = 0; i <= lastFilled; i++) {
      if (optionTexts[i] === '') {
        problem(OPTION_COLUMNS[i]!, `option ${OPTION_IDS[i]} is empty but option ${OPTION_IDS[lastFilled]} is not; fill the options from A without gaps`);
        bad = gap = true;
        break;
      }
      options.push({ id: OPTION_IDS[i]!, text: optionTexts[i]! });
    }

    const stats: Record<string, number> = {};
    for (const [col, field] of [['stats_p', 'p'], ['stats_point_biserial', 'pointBiserial'], ['stats_n', 'n']] as const) {
      const v = row.cell(col);
      if (v === '') continue;
      const n = Number(v);
      if (!Number.isFinite(n)) {
        problem(col, `"${v}" is not a number`);
        bad = true;
      } else stats[field] = n;
    }

    const image = row.cell('image');
    if (!image && row.cell('image_alt')) {
      problem('image_alt', 'alt text is given but the image column is empty');
      bad = true;
    }
    const key = row.cell('key').toUpperCase();
    const raw = {
      id: row.cell('id'),
      module: row.cell('module').toUpperCase(),
      kwa: row.cell('kwa').toUpperCase(),
      status: row.cell('status').toLowerCase(),
      stem: row.cell('stem'),
      ...(image ? { image: { src: image, alt: row.cell('image_alt') } } : {}),
      options,
      key,
      rationale: row.cell('rationale'),
      topics: row.cell('topics').split(/[;,]/).map((t) => t.trim()).filter((t) => t !== ''),
      ...(Object.keys(stats).length > 0 ? { stats } : {}),
    };
    const parsed = itemSchema.safeParse(raw);
    if (!parsed.success) {
      bad = true;
      for (const issue of parsed.error.issues) {
        const [field, index] = issue.path;
        if (gap && field === 'options' && issue.path.length === 1) continue; // the gap is the problem
        let col: string;
        if (field === 'options') col = typeof index === 'number' ? OPTION_COLUMNS[index]! : (OPTION_COLUMNS[Math.min(options.length, 4)] ?? 'option_a');
        else if (field === 'stats') col = index === 'pointBiserial' ? 'stats_point_biserial' : index === 'n' ? 'stats_n' : 'stats_p';
        else if (field === 'image') col = index === 'alt' ? 'image_alt' : 'image';
        else col = String(field ?? 'id');
        let message = issue.message;
        if (field === 'key' && key === '') message = 'key must be the id of one option, e.g. "B"';
        if (field === 'topics' && typeof index === 'number') message = `"${raw.topics[index]}": ${message}`;
        problem(col, message);
      }
    }

    // Duplicate ids.
    const id = raw.id;
    const first = seenIds.get(id);
    if (id !== '' && first !== undefined) {
      problem('id', `duplicate item id ${id} (first on line ${first})`);
      bad = true;
    } else if (id !== '') seenIds.set(id, record.line);

    // Enemy groups.
    const groupIds = row.cell('enemy_group').split(/[;,]/).map((g) => g.trim()).filter((g) => g !== '');
    const validGroupIds = groupIds.filter((g) => {
      const ok = enemyGroupSchema.shape.id.safeParse(g);
      if (!ok.success) {
        problem('enemy_group', `"${g}": ${ok.error.issues[0]!.message}`);
        bad = true;
      }
      return ok.success;
    });
    for (const g of validGroupIds) {
      const entry = groups.get(g) ?? { members: [], firstAt: row.where('enemy_group') };
      if (!entry.members.some((m) => m.id === id)) entry.members.push({ id, kept: !bad });
      groups.set(g, entry);
    }

    if (!bad && parsed.success) {
      kept.push({ item: parsed.data, row });
    }
  }

  kept.forEach(({ item, row }, i) => {
    bank.items.push(item);
    positions[`/items/${i}`] = { line: row.line };
    for (const col of [...CSV_COLUMNS, ...CSV_STATS_COLUMNS, ...CSV_IMAGE_COLUMNS]) {
      const field = col.startsWith('option_') ? `options/${OPTION_COLUMNS.indexOf(col as (typeof OPTION_COLUMNS)[number])}/text` : col.startsWith('stats_') ? 'stats' : col === 'image' ? 'image/src' : col === 'image_alt' ? 'image/alt' : col;
      if (columnAt.has(col)) positions[`/items/${i}/${field}`] = row.where(col);
    }
  });
  for (const [id, g] of groups) {
    if (g.members.length < 2) {
      problems.push({ file: name, pointer: '/enemy_group', ...g.firstAt, message: `column "enemy_group": enemy group ${id} has only one item (${g.members[0]!.id}); items sharing a value form a group, so a group needs at least two rows` });
      continue;
    }
    const itemIds = g.members.filter((m) => m.kept).map((m) => m.id);
    if (itemIds.length < 2) continue; // the other rows are reported already
    positions[`/enemyGroups/${bank.enemyGroups.length}`] = g.firstAt;
    bank.enemyGroups.push({ id, itemIds } satisfies EnemyGroup);
  }
  return done();
}

// ---- export ---------------------------------------------------------------------------------------------------------


/**
 * The bank's items as CSV (UTF-8 with a BOM so that Excel reads it as UTF-8, CRLF line ends). Catalogs, blueprints
 * and enemy-group reasons are not part of the sheet; enemy-group membership is, in the enemy_group column.
 */
export function exportBankCsv(bank: BankFile): string {
  const withStats = bank.items.some((i) => i.stats);
  const withImages = bank.items.some((i) => i.image);
  const pictured = bank.items.find((i) => i.options.some((o) => o.image));
  if (pictured) throw new Error(`item ${pictured.id}: an option has an image, which a CSV sheet cannot carry; export the bank as QTI or JSON`);
  const columns: string[] = [...CSV_COLUMNS, ...(withStats ? CSV_STATS_COLUMNS : []), ...(withImages ? CSV_IMAGE_COLUMNS : [])];
  const lines = [columns.join(',')];
  for (const item of bank.items) {
    const groups = bank.enemyGroups.filter((g) => g.itemIds.includes(item.id)).map((g) => g.id);
    const values: Record<string, string> = {
      id: item.id,
      module: item.module,
      kwa: item.kwa,
      status: item.status,
      stem: item.stem,
      key: item.key,
      rationale: item.rationale,
      topics: item.topics.join('; '),
      enemy_group: groups.join('; '),
      stats_p: item.stats ? String(item.stats.p) : '',
      stats_point_biserial: item.stats?.pointBiserial !== undefined ? String(item.stats.pointBiserial) : '',
      stats_n: item.stats?.n !== undefined ? String(item.stats.n) : '',
      image: item.image?.src ?? '',
      image_alt: item.image?.alt ?? '',
    };
    OPTION_COLUMNS.forEach((c, i) => (values[c] = item.options[i]?.text ?? ''));
    lines.push(columns.map((c) => csvCell(values[c] ?? '')).join(','));
  }
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}
