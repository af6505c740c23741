import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatCsvProblem, parseCsvRecords, parseResponseMatrix, type MatrixParseResult } from '../../../server/src/modules/psychometrics/domain/response-matrix-csv.ts';

const src = (text: string, name = 'responses.csv') => ({ name, text });

function ok(result: MatrixParseResult) {
  if (!result.ok) throw new Error(`expected success, got:\n${result.problems.map(formatCsvProblem).join('\n')}`);
  return result;
}

function problems(result: MatrixParseResult): string[] {
  if (result.ok) throw new Error('expected problems');
  return result.problems.map(formatCsvProblem);
}

const PLAIN = ['candidate,ITEM-1,ITEM-2,ITEM-3', 'KEY,A,B,C', 'c1,A,B,C', 'c2,B,,D', 'c3,A,C,.', ''].join('\n');

describe('response matrix CSV', () => {
  it('reads items, key, options A-D, omitted (empty) and not presented (. or -) cells', () => {
    const r = ok(parseResponseMatrix(src(PLAIN)));
    expect(r.items).toEqual([
      { itemId: 'ITEM-1', key: 'A', optionIds: ['A', 'B', 'C', 'D'] },
      { itemId: 'ITEM-2', key: 'B', optionIds: ['A', 'B', 'C', 'D'] },
      { itemId: 'ITEM-3', key: 'C', optionIds: ['A', 'B', 'C', 'D'] },
    ]);
    expect(r.rows).toEqual([
      { candidateId: 'c1', responses: { 'ITEM-1': 'A', 'ITEM-2': 'B', 'ITEM-3': 'C' } },
      { candidateId: 'c2', responses: { 'ITEM-1': 'B', 'ITEM-2': null, 'ITEM-3': 'D' } },
      { candidateId: 'c3', responses: { 'ITEM-1': 'A', 'ITEM-2': 'C' }, presented: ['ITEM-1', 'ITEM-2'] },
    ]);
  });

  it('tolerates a UTF-8 BOM, CRLF, quoted cells, spaces, lower case, a KEY row anywhere and trailing blank lines', () => {
    const messy =
      '\uFEFF"candidate","ITEM-1",ITEM-2 , "ITEM-3"\r\n' +
      '"c1", a ,"B","C"\r\n' +
      'c2,"B","",D\r\n' +
      '\r\n' +
      '"c3",A,C,"-"\r\n' +
      'key,A,B,C\r\n' +
      '\r\n\r\n';
    expect(ok(parseResponseMatrix(src(messy)))).toEqual(ok(parseResponseMatrix(src(PLAIN))));
  });

  it('reads quoted cells holding commas, doubled quotes and line breaks, and keeps physical line numbers', () => {
    const { records, problems: p } = parseCsvRecords(src('a,"b, ""quoted""",c\n"multi\nline",x,y\nlast,1,2'));
    expect(p).toEqual([]);
    expect(records).toEqual([
      { line: 1, cells: ['a', 'b, "quoted"', 'c'] },
      { line: 2, cells: ['multi\nline', 'x', 'y'] },
      { line: 4, cells: ['last', '1', '2'] },
    ]);
  });

  it('reports a bad cell with file, line and column', () => {
    const text = ['candidate,ITEM-1,ITEM-2,ITEM-3', 'KEY,A,B,C', 'c1,A,B,C', 'c2,A,B,C', 'c3,A,B,C', 'c4,A,B,C', 'c5,A,B,F'].join('\n');
    expect(problems(parseResponseMatrix(src(text)))).toEqual(["responses.csv line 7, column ITEM-3: 'F' is not an option (A-D)"]);
  });

  it('reports every problem in the file, not just the first', () => {
    const text = [
      'candidate,Q1,Q2,Q1,',
      'KEY,A,,.,B',
      'c1,A,B,C,D',
      ',A,B,C,D',
      'c1,A,B',
      'c1,AB,x,C,D',
      'KEY,A,B,C,D',
      'c9,.,-,.,-',
      'c8,"A"x,B,C,D',
    ].join('\n');
    expect(problems(parseResponseMatrix(src(text)))).toEqual([
      'responses.csv line 9: text after the closing quote of a field; inside a quoted field write a quote as two quotes ("")',
      'responses.csv line 1, column Q1: item Q1 appears twice in the header (columns 2 and 4)',
      'responses.csv line 1, column 5: the header names no item for this column',
      'responses.csv line 5: 3 cells, but the header has 5 columns',
      'responses.csv line 7: a second KEY row (the first is on line 2)',
      'responses.csv line 2, column Q2: no key for Q2',
      'responses.csv line 4, column candidate: no candidate id',
      'responses.csv line 6, column candidate: candidate c1 appears twice (also on line 3)',
      "responses.csv line 6, column Q1: 'AB' is not an option (A-D)",
      "responses.csv line 6, column Q2: 'x' is not an option (A-D)",
      'responses.csv line 8: candidate c9 was presented no items (every cell is . or -)',
      "responses.csv line 9, column Q1: 'Ax' is not an option (A-D)",
    ]);
  });

  it('reports a key of . and an unclosed quote', () => {
    expect(problems(parseResponseMatrix(src('candidate,Q1,Q2\nKEY,A,.\nc1,"A,B\n')))).toEqual([
      'responses.csv line 3: a quoted field is never closed: the quote that opens it has no closing quote',
      "responses.csv line 2, column Q2: the key of Q2 cannot be '.' (that marks an item not presented)",
      'responses.csv: no candidate rows',
    ]);
  });

  it('needs a key and candidates', () => {
    expect(problems(parseResponseMatrix(src('candidate,Q1\nc1,A\n')))).toEqual([
      'responses.csv: no key: add a row whose first cell is KEY, or give a key file (--key FILE)',
    ]);
    expect(problems(parseResponseMatrix(src('candidate,Q1\nKEY,A\n')))).toEqual(['responses.csv: no candidate rows']);
    expect(problems(parseResponseMatrix(src('\uFEFF\n\n')))).toEqual(['responses.csv: the file is empty (expected a header row: candidate,ITEM-1,ITEM-2,...)']);
    expect(problems(parseResponseMatrix(src('candidate\nKEY\nc1\n')))[0]).toBe('responses.csv line 1: the header names no items (expected candidate,ITEM-1,ITEM-2,...)');
  });

  describe('option ids', () => {
    const five = 'candidate,Q1,Q2\nKEY,E,A\nc1,E,B\nc2,A,A\n';

    it('A-D by default, so E is an error', () => {
      expect(problems(parseResponseMatrix(src(five)))).toEqual([
        "responses.csv line 2, column Q1: 'E' is not an option (A-D)",
        "responses.csv line 3, column Q1: 'E' is not an option (A-D)",
      ]);
    });

    it('a given set of letters', () => {
      const r = ok(parseResponseMatrix(src(five), undefined, { options: 'ABCDE' }));
      expect(r.items.map((i) => i.optionIds)).toEqual([['A', 'B', 'C', 'D', 'E'], ['A', 'B', 'C', 'D', 'E']]);
      expect(problems(parseResponseMatrix(src(five), undefined, { options: 'AB' }))[0]).toBe("responses.csv line 2, column Q1: 'E' is not an option (A, B)");
      expect(problems(parseResponseMatrix(src(five), undefined, { options: 'A1' }))).toEqual([
        `responses.csv: the options must be two or more distinct letters (e.g. ABCD) or "observed", not 'A1'`,
      ]);
    });

    it('"observed": the letters seen in each column plus its key', () => {
      const r = ok(parseResponseMatrix(src(five), undefined, { options: 'observed' }));
      expect(r.items.map((i) => i.optionIds)).toEqual([['A', 'E'], ['A', 'B']]);
      expect(problems(parseResponseMatrix(src('candidate,Q1\nKEY,A\nc1,F\n'), undefined, { options: 'observed' }))).toEqual([
        "responses.csv line 3, column Q1: 'F' is not an option (A-E)",
      ]);
    });
  });

  describe('separate key file', () => {
    const responses = src('candidate,Q1,Q2,Q3\nc1,A,B,C\nc2,B,B,.\n');

    it('item,key lines (extra items in the key file are ignored)', () => {
      const r = ok(parseResponseMatrix(responses, src('item,key\nQ1,A\nQ2,b\n"Q3",C\nQ99,D\n\n', 'key.csv')));
      expect(r.items.map((i) => [i.itemId, i.key])).toEqual([['Q1', 'A'], ['Q2', 'B'], ['Q3', 'C']]);
      expect(r.rows).toHaveLength(2);
    });

    it('the same header plus a KEY row, columns in any order', () => {
      const r = ok(parseResponseMatrix(responses, src('\uFEFFcandidate,Q3,Q2,Q1\r\nKEY,C,B,A\r\n', 'key.csv')));
      expect(r.items.map((i) => [i.itemId, i.key])).toEqual([['Q1', 'A'], ['Q2', 'B'], ['Q3', 'C']]);
    });

    it('reports problems in the key file and items it does not key', () => {
      expect(problems(parseResponseMatrix(responses, src('item,key\nQ1,A\nQ1,B\nQ2,F\n,A\nQ4\n', 'key.csv')))).toEqual([
        'key.csv line 3, column item: item Q1 has a second key (the first is on line 2)',
        "key.csv line 4, column key: 'F' is not an option (A-D)",
        'key.csv line 5, column item: no item id',
        'key.csv line 6: 1 cell, but a key line has 2: item,key',
        'responses.csv line 1, column Q3: no key for Q3 in key.csv',
      ]);
      expect(problems(parseResponseMatrix(responses, src('candidate,Q1,Q2,Q3\nc1,A,B,C\n', 'key.csv')))).toEqual([
        'key.csv line 2: a key file holds only the header and the KEY row (or item,key lines)',
        'key.csv: no KEY row (a row whose first cell is KEY), and the header is not item,key',
      ]);
    });

    it('refuses two keys', () => {
      expect(problems(parseResponseMatrix(src('candidate,Q1\nKEY,A\nc1,A\n'), src('item,key\nQ1,A\n', 'key.csv')))).toEqual([
        'responses.csv line 2: a KEY row, but a key file (key.csv) was also given: use one or the other',
      ]);
    });
  });

  it('reads the fixtures', () => {
    for (const [file, n, L] of [
      ['small.csv', 10, 6],
      ['loft.csv', 12, 5],
      ['lsat6.csv', 1000, 5],
    ] as const) {
      const r = ok(parseResponseMatrix(src(readFileSync(`tests/fixtures/psychometrics/${file}`, 'utf8'), file)));
      expect([r.rows.length, r.items.length]).toEqual([n, L]);
    }
  });
});
