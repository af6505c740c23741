import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvCell, csvLine, detectCsvDelimiter, readCsv, readCsvRows, unguardCsvValue } from '../../../shared/csv.ts';

describe('shared CSV', () => {
  it('reads quoted fields with delimiters, doubled quotes and line breaks, keeping physical lines', () => {
    expect(readCsvRows('\uFEFFa,"b, ""quoted""",c\r\n"multi\nline", x ,y\n\n,,\nlast,1,2')).toEqual({
      rows: [
        { line: 1, cells: ['a', 'b, "quoted"', 'c'] },
        { line: 2, cells: ['multi\nline', 'x', 'y'] },
        { line: 6, cells: ['last', '1', '2'] },
      ],
      errors: [],
    });
  });

  it('reports an unclosed quote and text after a closing quote with line and field number', () => {
    expect(readCsv('a,b\n"x"y,c\nd,"e\nf').errors).toEqual([
      { line: 2, column: 1, message: 'text after the closing quote of a field; inside a quoted field write a quote as two quotes ("")' },
      { line: 3, column: 2, message: 'a quoted field is never closed: the quote that opens it has no closing quote' },
    ]);
    // The cut-short record is left out of the simple view.
    expect(readCsvRows('a,b\nd,"e\nf').rows).toEqual([{ line: 1, cells: ['a', 'b'] }]);
  });

  it('finds the delimiter of the header line (; and tab as some spreadsheets write)', () => {
    expect(detectCsvDelimiter('a;b;"c,d"\n1,2')).toBe(';');
    expect(detectCsvDelimiter('a\tb\tc')).toBe('\t');
    expect(detectCsvDelimiter('a,b')).toBe(',');
  });

  it('writes cells a spreadsheet would run as formulas as text, and reads them back unchanged', () => {
    expect(csvCell('=SUM(A1:A9)')).toBe("'=SUM(A1:A9)");
    expect(csvCell('@cmd')).toBe("'@cmd");
    expect(csvCell('-5', { formulaGuard: false })).toBe('-5');
    expect(csvCell(new Date('2026-11-22T10:00:00Z'))).toBe('2026-11-22T10:00:00.000Z');
    expect(csvCell(null)).toBe('');
    expect(csvLine(['a,b', 'say "hi"', ' pad'])).toBe('"a,b","say ""hi"""," pad"');
  });

  it('round-trips any row: write with the guard, read, unguard', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { minLength: 2, maxLength: 6 }), (cells) => {
        // A line break in a value is read back as LF.
        const expected = cells.map((c) => c.replace(/\r\n?/g, '\n'));
        const { records, errors } = readCsv(csvLine(cells) + '\r\n', ',');
        expect(errors).toEqual([]);
        expect(records.map((r) => r.fields.map((f) => unguardCsvValue(f.value)))).toEqual([expected]);
      }),
    );
  });
});

describe('shared CSV, as people type it', () => {
  it('takes spaces around a quoted field', () => {
    expect(readCsv('a, "b, c" ,d\n').records[0]!.fields.map((f) => f.value)).toEqual(['a', 'b, c', 'd']);
    expect(readCsv('a, "b" x\n').errors.map((e) => e.column)).toEqual([2]);
  });
});
