import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bankFileSchema, type BankFile } from '../../../shared/item-bank-format.ts';
import { CSV_COLUMNS, exportBankCsv, importBankCsv } from '../../../server/src/modules/item-bank/domain/bank-csv.ts';
import { readCsv } from '../../../shared/csv.ts';

const loadBank = (name: string): BankFile => bankFileSchema.parse(JSON.parse(readFileSync(`item-bank/${name}.json`, 'utf8')));
const HEADER = CSV_COLUMNS.join(',');
const ROW = 'SAF-901,SAF,SAF-04,operational,"Before servicing a conveyor, what comes first?",Apply your lock,Notify affected employees,Test the start button,Bleed stored air,,B,"Notification comes first, then shutdown, isolation and locks.",lockout-tagout; ppe,';
const messages = (csv: string) => importBankCsv(csv, 'bank.csv').problems.map((p) => [p.line, p.column ?? null, p.message]);

describe('CSV export → import', () => {
  it.each(['safety', 'quality', 'production', 'maintenance', 'green', 'diagrams'])('gives back the items and enemy groups of item-bank/%s.json', (name) => {
    const bank = loadBank(name);
    const r = importBankCsv(exportBankCsv(bank), `${name}.csv`);
    expect(r.problems).toEqual([]);
    expect(r.bank.items).toEqual(bank.items);
    // Membership survives; reasons are not part of the sheet.
    const groups = (gs: BankFile['enemyGroups']) => gs.map((g) => ({ id: g.id, itemIds: [...g.itemIds].sort() })).sort((a, b) => a.id.localeCompare(b.id));
    expect(groups(r.bank.enemyGroups)).toEqual(groups(bank.enemyGroups));
  });

  it('keeps multi-line text, quotes, five options, statistics and formula-like text', () => {
    const bank = loadBank('green');
    const item = {
      ...bank.items[0]!,
      stem: 'Line one, with a comma\nLine "two"\n\n=SUM(A1:A2) is not a formula here',
      options: [...bank.items[0]!.options, { id: 'E' as const, text: '-40 \u00b0C' }],
      rationale: "'=already guarded",
      stats: { p: 0.4, pointBiserial: 0.21, n: 120 },
    };
    const withStats: BankFile = { ...bank, items: [item, bank.items[1]!], enemyGroups: [] };
    const csv = exportBankCsv(withStats);
    expect(csv.startsWith('\uFEFF' + HEADER + ',stats_p,stats_point_biserial,stats_n\r\n')).toBe(true);
    expect(csv).toContain(`,'-40 \u00b0C,B,''=already guarded,`);
    expect(importBankCsv(csv, 'x.csv')).toMatchObject({ problems: [], bank: { items: withStats.items } });
  });
});

describe('CSV import', () => {
  it('accepts any column order and case, a BOM, CRLF, quoted commas, line breaks and doubled quotes, and ignores an empty option_e', () => {
    const csv =
      '\uFEFFKey,Stem,ID,Module,KWA,Status,Option A,option_b,OPTION_C,option-d,Option_E,Rationale,Topics,Enemy Group\r\n' +
      'b,"Which sign means ""danger""?\r\nPick one.",SAF-902,saf,saf-04,Operational,"Yellow, black",Red,Green,Blue,,Red signs mean danger.,hazard-signs,SAF-EG-90\r\n' +
      'C,Second?,SAF-903,SAF,SAF-04,pretest,One,Two,Three,,  ,Why.,,SAF-EG-90\r\n' +
      ',,,,,,,,,,,,,\r\n';
    const r = importBankCsv(csv, 'bank.csv');
    expect(r.problems).toEqual([]);
    expect(r.bank).toEqual({
      formatVersion: 1,
      modules: [],
      blueprints: [],
      enemyGroups: [{ id: 'SAF-EG-90', itemIds: ['SAF-902', 'SAF-903'] }],
      items: [
        {
          id: 'SAF-902',
          module: 'SAF',
          kwa: 'SAF-04',
          status: 'operational',
          stem: 'Which sign means "danger"?\nPick one.',
          options: [
            { id: 'A', text: 'Yellow, black' },
            { id: 'B', text: 'Red' },
            { id: 'C', text: 'Green' },
            { id: 'D', text: 'Blue' },
          ],
          key: 'B',
          rationale: 'Red signs mean danger.',
          topics: ['hazard-signs'],
        },
        {
          id: 'SAF-903',
          module: 'SAF',
          kwa: 'SAF-04',
          status: 'pretest',
          stem: 'Second?',
          options: [
            { id: 'A', text: 'One' },
            { id: 'B', text: 'Two' },
            { id: 'C', text: 'Three' },
          ],
          key: 'C',
          rationale: 'Why.',
          topics: [],
        },
      ],
    });
    expect(r.positions['/items/1/key']).toEqual({ line: 4, column: 1 });
    expect(r.positions['/items/0/stem']).toEqual({ line: 2, column: 2 });
  });

  it('reads a semicolon-separated sheet as Excel writes it in some locales', () => {
    const csv = HEADER.replaceAll(',', ';') + '\n' + 'SAF-904;SAF;SAF-04;draft;Stem?;a;b;c;;;A;Because.;"x; y";\n';
    expect(importBankCsv(csv, 'x.csv')).toMatchObject({ problems: [], bank: { items: [{ id: 'SAF-904', topics: ['x', 'y'] }] } });
  });

  it('reports every bad cell with its line, column number and column name', () => {
    const csv = [
      HEADER,
      ROW,
      'SAF-905,SAF,SAF-4,operational,Stem?,a,b,c,d,,F,Because.,Lockout Tagout,',
      'SAF-906,SAF,SAF-04,sometimes,,a,,c,d,,A,Because.,,',
      'SAF-901,QPM,SAF-04,operational,Stem?,a,b,c,d,,A,,,',
      'SAF-907,SAF,SAF-04,draft,Stem?,a,b,a,,,A,Because.,,SAF-EG-91',
    ].join('\n');
    expect(messages(csv)).toEqual([
      [3, 3, 'column "kwa": KWA code must look like "SAF-04": module letters, a dash, two digits'],
      [3, 11, 'column "key": key "F" is not one of the options (A, B, C, D)'],
      [3, 13, 'column "topics": "Lockout Tagout": topic tags are lowercase kebab-case words, e.g. "lockout-tagout"'],
      [4, 4, 'column "status": status must be one of draft, in-review, approved, pretest, operational, retired, practice'],
      [4, 5, 'column "stem": stem must not be empty'],
      [4, 7, 'column "option_b": option B is empty but option D is not; fill the options from A without gaps'],
      [5, 1, 'column "id": duplicate item id SAF-901 (first on line 2)'],
      [5, 3, 'column "kwa": KWA SAF-04 does not belong to module QPM'],
      [5, 12, 'column "rationale": rationale must not be empty'],
      [6, 8, 'column "option_c": two options have the same text'],
      [6, 14, 'column "enemy_group": enemy group SAF-EG-91 has only one item (SAF-907); items sharing a value form a group, so a group needs at least two rows'],
    ]);
    const r = importBankCsv(csv, 'bank.csv');
    expect(r.bank.items.map((i) => i.id)).toEqual(['SAF-901']);
    expect(r.problems[0]).toEqual({ file: 'bank.csv', pointer: '/kwa', line: 3, column: 3, message: 'column "kwa": KWA code must look like "SAF-04": module letters, a dash, two digits' });
  });

  it('reports too few options, an empty key, a bad enemy group id and a bad number', () => {
    const csv = [HEADER + ',stats_p', 'SAF-908,SAF,SAF-04,draft,Stem?,a,b,,,,,Because.,,loto,high'].join('\r\n');
    expect(messages(csv)).toEqual([
      [2, 11, 'column "key": key must be the id of one option, e.g. "B"'],
      [2, 14, 'column "enemy_group": "loto": enemy group id must look like "SAF-EG-01"'],
      [2, 15, 'column "stats_p": "high" is not a number'],
      [2, 8, 'column "option_c": an item needs 3 to 5 options'],
    ].sort((a, b) => (a[0] as number) - (b[0] as number) || (a[1] as number) - (b[1] as number)));
  });

  it('reports header problems: missing, unknown and repeated columns, and an empty file', () => {
    expect(messages('id,module,kwa,status,stem,option_a,option_b,option_c,option_d,key,topics,notes,Topics\n')).toEqual([
      [1, null, 'missing column "rationale"; the header row must name id, module, kwa, status, stem, option_a, option_b, option_c, option_d, key, rationale'],
      [1, 12, 'unknown column "notes"; the columns are id, module, kwa, status, stem, option_a, option_b, option_c, option_d, option_e, key, rationale, topics, enemy_group, stats_p, stats_point_biserial, stats_n, image, image_alt'],
      [1, 13, 'column "topics" appears twice (first as column 11)'],
    ]);
    expect(messages('')).toEqual([[1, null, 'the file is empty; the first row must name the columns (id, module, kwa, status, stem, option_a, option_b, option_c, option_d, option_e, key, rationale, topics, enemy_group)']]);
  });

  it('reports CSV syntax problems: an unclosed quote, text after a closing quote, extra fields, values under an unnamed column', () => {
    expect(messages(`${HEADER}\n${ROW}\n"SAF-909,SAF`)).toEqual([[3, 1, 'a quoted field is never closed: the quote that opens it has no closing quote']]);
    expect(messages(`${HEADER}\n${ROW.replace('"Before servicing a conveyor, what comes first?"', '"Before servicing"x')}`)).toEqual([
      [2, 5, 'text after the closing quote of a field; inside a quoted field write a quote as two quotes ("")'],
    ]);
    expect(messages(`${HEADER}\n${ROW},extra`)).toEqual([[2, null, 'the row has 15 fields but the header names 14 columns (a comma in a text cell needs the cell in quotes)']]);
    expect(messages(`${HEADER},\n${ROW},note`)).toEqual([[2, 15, 'column 15 has no name in the header row but this row has a value in it']]);
  });

  it('reads CSV records with the line each field starts on', () => {
    expect(readCsv('a,"b\nc",d\r\ne,f,g')).toEqual({
      records: [
        { line: 1, fields: [{ value: 'a', line: 1 }, { value: 'b\nc', line: 1 }, { value: 'd', line: 2 }] },
        { line: 3, fields: [{ value: 'e', line: 3 }, { value: 'f', line: 3 }, { value: 'g', line: 3 }] },
      ],
      errors: [],
    });
  });
});
