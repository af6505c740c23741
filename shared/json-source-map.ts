/**
 * A small JSON parser that remembers where every value starts, so that validation errors can name both the JSON
 * pointer and the line:column in the file an author edits. JSON.parse only reports a character offset on failure
 * and nothing on success.
 */

export interface SourcePosition {
  line: number;
  column: number;
}

export interface ParsedJson {
  value: unknown;
  /** JSON pointer ("" for the root, "/items/3/key") -> position of the value (for keys: of the value after it). */
  positions: Map<string, SourcePosition>;
}

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${message} at line ${line}, column ${column}`);
    this.name = 'JsonSyntaxError';
  }
}

export function escapePointerToken(token: string | number): string {
  return String(token).replaceAll('~', '~0').replaceAll('/', '~1');
}

export function toPointer(path: readonly PropertyKey[]): string {
  return path.map((p) => '/' + escapePointerToken(String(p))).join('');
}

/** Finds the position of the deepest known ancestor of a pointer (a missing property points at its parent). */
export function locate(positions: Map<string, SourcePosition>, pointer: string): SourcePosition | undefined {
  let p = pointer;
  for (;;) {
    const hit = positions.get(p);
    if (hit) return hit;
    if (p === '') return undefined;
    p = p.slice(0, p.lastIndexOf('/'));
  }
}

export function parseJsonWithPositions(text: string): ParsedJson {
  const positions = new Map<string, SourcePosition>();
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let lineStart = 0;

  const pos = (): SourcePosition => ({ line, column: i - lineStart + 1 });
  const fail = (message: string): never => {
    const p = pos();
    throw new JsonSyntaxError(message, p.line, p.column);
  };
  const skipWs = () => {
    for (;;) {
      const c = text[i];
      if (c === '\n') {
        i++;
        line++;
        lineStart = i;
      } else if (c === ' ' || c === '\t' || c === '\r') i++;
      else return;
    }
  };
  const describe = () => (i >= text.length ? 'end of file' : `'${text[i]}'`);

  const parseString = (): string => {
    // Called on the opening quote.
    i++;
    let out = '';
    for (;;) {
      if (i >= text.length) fail('Unterminated string');
      const c = text[i]!;
      if (c === '"') {
        i++;
        return out;
      }
      if (c === '\n') fail('Unterminated string (line break inside a string)');
      if (c === '\\') {
        const e = text[i + 1];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e !== undefined && e in simple) {
          out += simple[e];
          i += 2;
        } else if (e === 'u') {
          const hex = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('Invalid \\u escape in string');
          out += String.fromCharCode(parseInt(hex, 16));
          i += 6;
        } else {
          i++;
          fail('Invalid escape in string');
        }
      } else {
        if (c.charCodeAt(0) < 0x20) fail('Control character in string');
        out += c;
        i++;
      }
    }
  };

  const parseValue = (pointer: string): unknown => {
    skipWs();
    positions.set(pointer, pos());
    const c = text[i];
    if (c === '{') {
      i++;
      const obj: Record<string, unknown> = {};
      skipWs();
      if (text[i] === '}') {
        i++;
        return obj;
      }
      for (;;) {
        skipWs();
        if (text[i] !== '"') fail(`Expected a property name in double quotes but found ${describe()}`);
        const keyStart = pos();
        const key = parseString();
        if (Object.prototype.hasOwnProperty.call(obj, key)) throw new JsonSyntaxError(`Duplicate property "${key}"`, keyStart.line, keyStart.column);
        skipWs();
        if (text[i] !== ':') fail(`Expected ':' after property name "${key}" but found ${describe()}`);
        i++;
        obj[key] = parseValue(`${pointer}/${escapePointerToken(key)}`);
        skipWs();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return obj;
        }
        fail(`Expected ',' or '}' in object but found ${describe()}`);
      }
    }
    if (c === '[') {
      i++;
      const arr: unknown[] = [];
      skipWs();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(parseValue(`${pointer}/${arr.length}`));
        skipWs();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return arr;
        }
        fail(`Expected ',' or ']' in array but found ${describe()}`);
      }
    }
    if (c === '"') return parseString();
    const rest = text.slice(i, i + 5);
    if (rest.startsWith('true')) {
      i += 4;
      return true;
    }
    if (rest.startsWith('false')) {
      i += 5;
      return false;
    }
    if (rest.startsWith('null')) {
      i += 4;
      return null;
    }
    const num = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 64));
    if (num) {
      i += num[0].length;
      return Number(num[0]);
    }
    return fail(`Unexpected ${describe()}; expected a JSON value`);
  };

  const value = parseValue('');
  skipWs();
  if (i < text.length) fail(`Unexpected ${describe()} after the end of the JSON document`);
  return { value, positions };
}
