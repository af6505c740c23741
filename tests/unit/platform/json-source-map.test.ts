import { describe, expect, it } from 'vitest';
import { JsonSyntaxError, locate, parseJsonWithPositions } from '../../../shared/json-source-map.ts';

describe('parseJsonWithPositions', () => {
  it('parses like JSON.parse and records where each value starts', () => {
    const text = '{\n  "a": [1, {"b": "x/y"}],\n  "c~d": true\n}';
    const { value, positions } = parseJsonWithPositions(text);
    expect(value).toEqual(JSON.parse(text));
    expect(positions.get('/a/1/b')).toEqual({ line: 2, column: 18 });
    expect(positions.get('/c~0d')).toEqual({ line: 3, column: 10 });
    expect(locate(positions, '/a/1/missing')).toEqual({ line: 2, column: 12 });
  });

  it('accepts a byte-order mark and every escape', () => {
    expect(parseJsonWithPositions('\ufeff{"s":"\\u00e9\\n\\"\\\\"}').value).toEqual({ s: 'é\n"\\' });
  });

  it.each([
    ['{"a": 1,}', 1, 9, /Expected a property name/],
    ['[1 2]', 1, 4, /Expected ',' or '\]'/],
    ['{"a": tru}', 1, 7, /Unexpected 't'/],
    ['{"a": "x', 1, 9, /Unterminated string/],
    ['{"a": 1, "a": 2}', 1, 10, /Duplicate property "a"/],
    ['{}\n[]', 2, 1, /after the end/],
  ])('reports %j with line and column', (text, line, column, message) => {
    try {
      parseJsonWithPositions(text);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(JsonSyntaxError);
      expect((e as JsonSyntaxError).line).toBe(line);
      expect((e as JsonSyntaxError).column).toBe(column);
      expect((e as Error).message).toMatch(message);
    }
  });
});
