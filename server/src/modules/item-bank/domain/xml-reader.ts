/**
 * A small, strict, namespace-aware XML reader for the QTI exchange: every element remembers its line:column so that
 * import problems point into the file an author can open. Pure; no library.
 *
 * Accepted: the XML declaration, a UTF-8/UTF-16 BOM, comments, processing instructions, CDATA, the five XML entities,
 * character references, general entities declared in an internal DOCTYPE subset, and (as a tolerance for hand-edited
 * files) a short list of HTML entities such as &nbsp; and &ndash;. Rejected with line:column: unclosed or mismatched
 * tags, unquoted or duplicate attributes, `<` in an attribute value, a bare `&`, unknown or external entities,
 * content after the root element, nesting deeper than MAX_XML_DEPTH, entity expansion beyond a fixed budget.
 * External DTDs and entities are never fetched.
 */

export interface XmlAttribute {
  /** The name as written, e.g. "xml:lang". */
  name: string;
  prefix: string;
  local: string;
  /** Resolved namespace URI; "" for unprefixed attributes. */
  ns: string;
  value: string;
}

export interface XmlElement {
  type: 'element';
  name: string;
  prefix: string;
  local: string;
  /** Resolved namespace URI; "" when none is in scope; "unbound:<prefix>" for an undeclared prefix. */
  ns: string;
  attributes: XmlAttribute[];
  children: XmlNode[];
  parent: XmlElement | null;
  line: number;
  column: number;
}

export interface XmlText {
  type: 'text';
  value: string;
  cdata: boolean;
}

export type XmlNode = XmlElement | XmlText;

export class XmlSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
    this.name = 'XmlSyntaxError';
  }
}

export class XmlEncodingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XmlEncodingError';
  }
}

export const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

/** HTML entities seen in hand-edited or HTML-escaped QTI; anything else undeclared is an error. */
const HTML_ENTITIES: Record<string, string> = {
  nbsp: '\u00a0', ndash: '\u2013', mdash: '\u2014', lsquo: '\u2018', rsquo: '\u2019', ldquo: '\u201c', rdquo: '\u201d',
  hellip: '\u2026', bull: '\u2022', middot: '\u00b7', copy: '\u00a9', reg: '\u00ae', trade: '\u2122', deg: '\u00b0',
  plusmn: '\u00b1', times: '\u00d7', divide: '\u00f7', micro: '\u00b5', minus: '\u2212', le: '\u2264', ge: '\u2265',
  ne: '\u2260', asymp: '\u2248', frac12: '\u00bd', frac14: '\u00bc', frac34: '\u00be', sup2: '\u00b2', sup3: '\u00b3',
  laquo: '\u00ab', raquo: '\u00bb', shy: '\u00ad', sect: '\u00a7', para: '\u00b6', euro: '\u20ac', pound: '\u00a3',
  cent: '\u00a2', rarr: '\u2192', larr: '\u2190', ohm: '\u2126', Omega: '\u03a9', mu: '\u03bc', pi: '\u03c0',
  theta: '\u03b8', Delta: '\u0394', delta: '\u03b4', sigma: '\u03c3', Sigma: '\u03a3',
};
const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Limits against entity-expansion bombs. */
const MAX_ENTITY_DEPTH = 8;
const MAX_EXPANDED_CHARS = 2_000_000;
/** Deeper nesting than any real item needs; keeps recursive consumers of the tree safe. */
export const MAX_XML_DEPTH = 1000;

const nameRe = /[A-Za-z_:\u00C0-\uFFFF][-A-Za-z0-9_:.\u00B7\u00C0-\uFFFF]*/y;

/**
 * Turns file bytes into text: a UTF-8 or UTF-16 BOM wins; otherwise the encoding named in the XML declaration
 * (UTF-8 when there is none). Invalid bytes are an error, never silently replaced.
 */
export function decodeXmlBytes(bytes: Uint8Array): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return decodeStrict('utf-8', bytes.subarray(3));
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return decodeStrict('utf-16le', bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return decodeStrict('utf-16be', bytes.subarray(2));
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 200));
  const declared = /^\s*<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head)?.[1];
  const label = declared?.toLowerCase() ?? 'utf-8';
  return decodeStrict(label, bytes);
}

function decodeStrict(label: string, bytes: Uint8Array): string {
  let decoder: InstanceType<typeof TextDecoder>;
  try {
    decoder = new TextDecoder(label, { fatal: true, ignoreBOM: true });
  } catch {
    throw new XmlEncodingError(`unsupported character encoding "${label}"; save the file as UTF-8`);
  }
  try {
    return decoder.decode(bytes);
  } catch {
    throw new XmlEncodingError(`the file is not valid ${decoder.encoding.toUpperCase()} text; save it as UTF-8`);
  }
}

interface EntityDecl {
  value?: string;
  external?: boolean;
}

class Reader {
  private pos = 0;
  private readonly lineStarts: number[] = [0];
  private readonly entities = new Map<string, EntityDecl>();
  private expanded = 0;

  constructor(private readonly s: string) {
    for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
  }

  where(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.lineStarts[lo]! + 1 };
  }

  fail(message: string, offset = this.pos): never {
    const { line, column } = this.where(Math.min(offset, this.s.length));
    throw new XmlSyntaxError(message, line, column);
  }

  private startsWith(t: string): boolean {
    return this.s.startsWith(t, this.pos);
  }

  private skipSpace(): boolean {
    const start = this.pos;
    for (let c = this.s.charCodeAt(this.pos); c === 32 || c === 9 || c === 10; c = this.s.charCodeAt(this.pos)) this.pos++;
    return this.pos > start;
  }

  private readName(what: string): string {
    nameRe.lastIndex = this.pos;
    const m = nameRe.exec(this.s);
    if (!m) this.fail(this.pos >= this.s.length ? `unexpected end of file; expected ${what}` : `expected ${what}, found ${describe(this.s[this.pos]!)}`);
    this.pos += m[0].length;
    return m[0];
  }

  private skipPast(terminator: string, what: string): string {
    const end = this.s.indexOf(terminator, this.pos);
    if (end < 0) this.fail(`${what} is never closed (missing "${terminator}")`);
    const body = this.s.slice(this.pos, end);
    this.pos = end + terminator.length;
    return body;
  }

  /** Comments, processing instructions and whitespace between markup. */
  private skipMisc(): void {
    for (;;) {
      this.skipSpace();
      if (this.startsWith('<!--')) {
        const start = this.pos;
        this.pos += 4;
        const end = this.s.indexOf('-->', this.pos);
        if (end < 0) this.fail('comment is never closed (missing "-->")', start);
        this.pos = end + 3;
      } else if (this.startsWith('<?')) {
        const start = this.pos;
        this.pos += 2;
        const end = this.s.indexOf('?>', this.pos);
        if (end < 0) this.fail('processing instruction is never closed (missing "?>")', start);
        this.pos = end + 2;
      } else return;
    }
  }

  parseDocument(): XmlElement {
    this.skipMisc();
    if (this.startsWith('<!DOCTYPE')) {
      this.parseDoctype();
      this.skipMisc();
    }
    if (this.pos >= this.s.length) this.fail('the file has no root element');
    if (this.s[this.pos] !== '<') this.fail(`expected the root element, found ${describe(this.s[this.pos]!)}`);
    const root = this.parseElementTree();
    this.skipMisc();
    if (this.pos < this.s.length) this.fail('content after the end of the root element');
    return root;
  }

  private parseDoctype(): void {
    const start = this.pos;
    this.pos += '<!DOCTYPE'.length;
    this.skipSpace();
    this.readName('the DOCTYPE name');
    for (;;) {
      this.skipSpace();
      if (this.pos >= this.s.length) this.fail('DOCTYPE is never closed', start);
      const c = this.s[this.pos]!;
      if (c === '>') {
        this.pos++;
        return;
      }
      if (c === '"' || c === "'") {
        this.readQuoted();
        continue;
      }
      if (c === '[') {
        this.pos++;
        this.parseInternalSubset();
        continue;
      }
      this.readName('SYSTEM, PUBLIC or [');
    }
  }

  private readQuoted(): string {
    const q = this.s[this.pos]!;
    const start = this.pos;
    const end = this.s.indexOf(q, this.pos + 1);
    if (end < 0) this.fail('quoted value is never closed', start);
    this.pos = end + 1;
    return this.s.slice(start + 1, end);
  }

  private parseInternalSubset(): void {
    for (;;) {
      this.skipSpace();
      if (this.pos >= this.s.length) this.fail('DOCTYPE internal subset is never closed (missing "]")');
      if (this.s[this.pos] === ']') {
        this.pos++;
        return;
      }
      if (this.startsWith('<!--') || this.startsWith('<?')) {
        this.skipMisc();
        continue;
      }
      if (this.s[this.pos] === '%') {
        this.pos++;
        this.readName('a parameter entity name');
        if (this.s[this.pos] !== ';') this.fail('expected ";" after the parameter entity name');
        this.pos++;
        continue;
      }
      if (this.startsWith('<!ENTITY')) {
        this.pos += '<!ENTITY'.length;
        this.skipSpace();
        let parameter = false;
        if (this.s[this.pos] === '%') {
          parameter = true;
          this.pos++;
          this.skipSpace();
        }
        const name = this.readName('an entity name');
        this.skipSpace();
        const decl: EntityDecl = {};
        if (this.s[this.pos] === '"' || this.s[this.pos] === "'") decl.value = this.readQuoted();
        else decl.external = true;
        this.skipDeclarationRest();
        if (!parameter && !this.entities.has(name)) this.entities.set(name, decl);
        continue;
      }
      if (this.startsWith('<!')) {
        this.pos += 2;
        this.skipDeclarationRest();
        continue;
      }
      this.fail(`unexpected ${describe(this.s[this.pos]!)} in the DOCTYPE`);
    }
  }

  /** Skips to the ">" that closes a markup declaration, stepping over quoted literals. */
  private skipDeclarationRest(): void {
    const start = this.pos;
    while (this.pos < this.s.length) {
      const c = this.s[this.pos]!;
      if (c === '"' || c === "'") this.readQuoted();
      else if (c === '>') {
        this.pos++;
        return;
      } else this.pos++;
    }
    this.fail('markup declaration is never closed (missing ">")', start);
  }

  /** Decodes entity and character references in raw text; `base` is the offset of raw[0] in the file. */
  private decode(raw: string, base: number, depth = 0): string {
    if (!raw.includes('&')) return raw;
    let out = '';
    let i = 0;
    while (i < raw.length) {
      const amp = raw.indexOf('&', i);
      if (amp < 0) {
        out += raw.slice(i);
        break;
      }
      out += raw.slice(i, amp);
      const semi = raw.indexOf(';', amp + 1);
      const ref = semi < 0 ? '' : raw.slice(amp + 1, semi);
      if (semi < 0 || !/^(#[0-9]+|#x[0-9A-Fa-f]+|[A-Za-z_:][-A-Za-z0-9_:.]*)$/.test(ref)) {
        this.fail('"&" must start an entity such as &amp; (write a literal ampersand as &amp;)', base + amp);
      }
      let text: string;
      if (ref.startsWith('#')) {
        const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
        if (!isXmlChar(code)) this.fail(`character reference &${ref}; is not a character XML allows`, base + amp);
        text = String.fromCodePoint(code);
      } else if (ref in XML_ENTITIES) text = XML_ENTITIES[ref]!;
      else {
        const decl = this.entities.get(ref);
        if (decl?.external) this.fail(`external entity &${ref}; is not supported`, base + amp);
        if (decl?.value !== undefined) {
          if (depth >= MAX_ENTITY_DEPTH) this.fail(`entity &${ref}; nests too deeply`, base + amp);
          text = this.decode(decl.value, base + amp, depth + 1);
        } else if (ref in HTML_ENTITIES) text = HTML_ENTITIES[ref]!;
        else this.fail(`unknown entity &${ref};`, base + amp);
      }
      this.expanded += text.length;
      if (this.expanded > MAX_EXPANDED_CHARS) this.fail('entities expand to too much text', base + amp);
      out += text;
      i = semi + 1;
    }
    return out;
  }

  /** Parses one element and everything inside it, iteratively so that deep nesting cannot overflow the stack. */
  private parseElementTree(): XmlElement {
    const scopes: Map<string, string>[] = [new Map([['xml', XML_NS]])];
    const stack: XmlElement[] = [];
    let root: XmlElement | null = null;
    for (;;) {
      // At "<" of a start tag.
      const { element, selfClosing } = this.parseStartTag(scopes, stack.at(-1) ?? null);
      if (stack.length > 0) stack.at(-1)!.children.push(element);
      else root = element;
      if (selfClosing) {
        scopes.pop();
        if (stack.length === 0) return root!;
      } else {
        stack.push(element);
        if (stack.length > MAX_XML_DEPTH) this.fail(`elements are nested more than ${MAX_XML_DEPTH} deep`, this.pos - 1);
      }
      // Content until the next start tag, or until the stack empties.
      for (;;) {
        const current = stack.at(-1)!;
        const textStart = this.pos;
        const lt = this.s.indexOf('<', this.pos);
        if (lt < 0) {
          this.pos = this.s.length;
          this.fail(`<${current.name}> (opened at ${current.line}:${current.column}) is never closed`);
        }
        if (lt > textStart) {
          current.children.push({ type: 'text', value: this.decode(this.s.slice(textStart, lt), textStart), cdata: false });
        }
        this.pos = lt;
        if (this.startsWith('</')) {
          const closeAt = this.pos;
          this.pos += 2;
          const name = this.readName('the name of the closing tag');
          this.skipSpace();
          if (this.s[this.pos] !== '>') this.fail(`expected ">" to end </${name}>`);
          this.pos++;
          if (name !== current.name) {
            this.fail(`closing tag </${name}> does not match <${current.name}> opened at ${current.line}:${current.column}`, closeAt);
          }
          stack.pop();
          scopes.pop();
          if (stack.length === 0) return root!;
          continue;
        }
        if (this.startsWith('<!--')) {
          const start = this.pos;
          const end = this.s.indexOf('-->', this.pos + 4);
          if (end < 0) this.fail('comment is never closed (missing "-->")', start);
          this.pos = end + 3;
          continue;
        }
        if (this.startsWith('<![CDATA[')) {
          const start = this.pos;
          const end = this.s.indexOf(']]>', this.pos + 9);
          if (end < 0) this.fail('CDATA section is never closed (missing "]]>")', start);
          current.children.push({ type: 'text', value: this.s.slice(this.pos + 9, end), cdata: true });
          this.pos = end + 3;
          continue;
        }
        if (this.startsWith('<?')) {
          const start = this.pos;
          const end = this.s.indexOf('?>', this.pos + 2);
          if (end < 0) this.fail('processing instruction is never closed (missing "?>")', start);
          this.pos = end + 2;
          continue;
        }
        if (this.startsWith('<!')) this.fail('unexpected "<!" inside an element (a DOCTYPE belongs before the root element)');
        break; // a child start tag
      }
    }
  }

  private parseStartTag(scopes: Map<string, string>[], parent: XmlElement | null): { element: XmlElement; selfClosing: boolean } {
    const start = this.pos;
    this.pos++; // "<"
    const name = this.readName('an element name');
    const raw: { name: string; value: string; at: number }[] = [];
    let selfClosing = false;
    for (;;) {
      const hadSpace = this.skipSpace();
      if (this.pos >= this.s.length) this.fail(`<${name}> start tag is never closed`, start);
      if (this.startsWith('/>')) {
        this.pos += 2;
        selfClosing = true;
        break;
      }
      if (this.s[this.pos] === '>') {
        this.pos++;
        break;
      }
      if (!hadSpace) this.fail(`expected whitespace, ">" or "/>" in <${name}>, found ${describe(this.s[this.pos]!)}`);
      const at = this.pos;
      const attrName = this.readName('an attribute name');
      this.skipSpace();
      if (this.s[this.pos] !== '=') this.fail(`attribute ${attrName} has no value (expected ="...")`, at);
      this.pos++;
      this.skipSpace();
      const q = this.s[this.pos];
      if (q !== '"' && q !== "'") this.fail(`the value of attribute ${attrName} must be in quotes`);
      const valueStart = this.pos + 1;
      const end = this.s.indexOf(q, valueStart);
      if (end < 0) this.fail(`the value of attribute ${attrName} is never closed`, this.pos);
      const rawValue = this.s.slice(valueStart, end);
      const lt = rawValue.indexOf('<');
      if (lt >= 0) this.fail(`"<" is not allowed in the value of attribute ${attrName} (write it as &lt;)`, valueStart + lt);
      if (raw.some((a) => a.name === attrName)) this.fail(`attribute ${attrName} appears twice in <${name}>`, at);
      // Attribute-value normalisation: literal whitespace characters become spaces; references are decoded after.
      raw.push({ name: attrName, value: this.decode(rawValue.replace(/[\t\n]/g, ' '), valueStart), at });
      this.pos = end + 1;
    }
    const scope = new Map(scopes.at(-1)!);
    for (const a of raw) {
      if (a.name === 'xmlns') scope.set('', a.value);
      else if (a.name.startsWith('xmlns:')) scope.set(a.name.slice(6), a.value);
    }
    scopes.push(scope);
    const split = (qname: string) => {
      const colon = qname.indexOf(':');
      return colon > 0 ? { prefix: qname.slice(0, colon), local: qname.slice(colon + 1) } : { prefix: '', local: qname };
    };
    const resolve = (prefix: string, isAttribute: boolean) => {
      if (prefix === '') return isAttribute ? '' : (scope.get('') ?? '');
      if (prefix === 'xmlns') return XMLNS_NS;
      return scope.get(prefix) ?? `unbound:${prefix}`;
    };
    const { prefix, local } = split(name);
    const { line, column } = this.where(start);
    const element: XmlElement = {
      type: 'element',
      name,
      prefix,
      local,
      ns: resolve(prefix, false),
      attributes: raw.map((a) => {
        const parts = a.name === 'xmlns' ? { prefix: 'xmlns', local: '' } : split(a.name);
        return { name: a.name, prefix: parts.prefix, local: parts.local, ns: resolve(parts.prefix, true), value: a.value };
      }),
      children: [],
      parent,
      line,
      column,
    };
    return { element, selfClosing };
  }
}

function isXmlChar(code: number): boolean {
  return code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
}

function describe(c: string): string {
  if (c === '\n') return 'a line break';
  return `"${c}"`;
}

/** Parses XML text (a leading BOM is ignored). Throws XmlSyntaxError with line:column. */
export function parseXml(text: string): XmlElement {
  const normalised = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  return new Reader(normalised).parseDocument();
}

// ---- navigation helpers -------------------------------------------------------------------------------------------

export function childElements(el: XmlElement): XmlElement[] {
  return el.children.filter((c): c is XmlElement => c.type === 'element');
}

/** All descendant elements in document order (not including `el`). */
export function descendants(el: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  const stack: XmlElement[] = [...childElements(el)].reverse();
  while (stack.length > 0) {
    const e = stack.pop()!;
    out.push(e);
    const kids = childElements(e);
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
  }
  return out;
}

/** An unprefixed attribute's value, or undefined. */
export function attr(el: XmlElement, local: string): string | undefined {
  return el.attributes.find((a) => a.prefix === '' && a.local === local)?.value;
}

/** The concatenated text of an element and its descendants. */
export function textContent(el: XmlElement): string {
  let out = '';
  const stack: XmlNode[] = [el];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.type === 'text') out += n.value;
    else for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
  }
  return out;
}

/** "/assessmentItem/itemBody/div/choiceInteraction": the element names from the root, for messages. */
export function elementPath(el: XmlElement): string {
  const names: string[] = [];
  for (let e: XmlElement | null = el; e; e = e.parent) names.unshift(e.name);
  return '/' + names.join('/');
}
