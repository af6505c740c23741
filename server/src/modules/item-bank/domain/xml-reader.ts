/**
 * The XML reader of the QTI exchange: saxes (a maintained, streaming, namespace-aware parser; exact version pinned in
 * package.json) does the tokenizing and the well-formedness checks; this file builds the small element tree the QTI
 * code walks, gives every element the line:column of its "<" so that import problems point into the file an author
 * can open, and words saxes's errors the way an author can act on (what is wrong, where it starts, how to fix it).
 * Pure. Why saxes and what stays ours: docs/decisions/0008-xml-reader-on-saxes.md.
 *
 * Accepted: the XML declaration, a UTF-8/UTF-16 BOM, comments, processing instructions, CDATA, the five XML entities,
 * character references, general entities declared in an internal DOCTYPE subset, and (as a tolerance for hand-edited
 * files) a short list of HTML entities such as &nbsp; and &ndash;. Rejected with line:column: everything saxes refuses
 * as not well-formed (unclosed or mismatched tags, unquoted or duplicate attributes, `<` in an attribute value, a bare
 * `&`, content after the root element, characters XML does not allow...), unknown or external entities, nesting deeper
 * than MAX_XML_DEPTH, entity expansion beyond a fixed budget. External DTDs and entities are never fetched (saxes
 * fetches nothing; we expand only entities whose value is written in the file).
 */
import { SaxesParser, type SaxesTagNS } from 'saxes';

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

/** Limits against entity-expansion bombs (billion laughs, one big entity referenced many times). */
const MAX_ENTITY_DEPTH = 8;
const MAX_EXPANDED_CHARS = 2_000_000;
/** Deeper nesting than any real item needs; keeps recursive consumers of the tree safe. */
export const MAX_XML_DEPTH = 1000;

const nameRe = /[A-Za-z_:\u00C0-\uFFFF][-A-Za-z0-9_:.\u00B7\u00C0-\uFFFF]*/y;
const spaceRe = /[ \t\n]*/y;

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

/** Parses XML text (a leading BOM is ignored). Throws XmlSyntaxError with line:column. */
export function parseXml(text: string): XmlElement {
  // Line breaks normalised up front (as XML does) so that saxes's offsets index this very string.
  const normalised = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  return new TreeBuilder(normalised).build();
}

/**
 * The saxes 6.0.0 parser state read to word an error (not in its typings). The version is pinned exactly in
 * package.json; tests/unit/item-bank/qti-xml-reader.test.ts checks every message and position, so an upgrade that
 * moves these fails there, not in front of an author.
 */
interface SaxesState {
  /** The element, attribute or closing-tag name being read. */
  name: string;
  /** The text after an "&" whose ";" has not come yet. */
  entity: string;
}

interface EntityDecl {
  value?: string;
  external?: boolean;
}

class TreeBuilder {
  private readonly lineStarts: number[] = [0];
  private readonly parser = new SaxesParser({
    xmlns: true,
    position: true,
    // An undeclared prefix is not fatal: the QTI import reports the element as in an unknown namespace.
    resolvePrefix: (prefix: string) => (prefix === '' ? undefined : `unbound:${prefix}`),
  });
  private readonly stack: XmlElement[] = [];
  private root: XmlElement | null = null;
  /** Offset of the "<" of the start tag being read. */
  private tagStart = 0;
  private inStartTag = false;
  /** Offset just after the last complete piece of markup: where to look for what an early end of file left open. */
  private markupEnd = 0;
  /** The element a closing tag just closed (saxes reports a mismatch after closing it). */
  private lastClosed: XmlElement | null = null;
  private readonly entities = new Map<string, EntityDecl>();
  private expanded = 0;

  constructor(private readonly s: string) {
    for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
  }

  build(): XmlElement {
    const p = this.parser;
    Object.assign(p.ENTITIES, HTML_ENTITIES);
    p.on('error', (e) => this.translate(e.message.replace(/^\d+:\d+: /, '')));
    p.on('doctype', (dtd) => {
      this.declareEntities(dtd);
      this.markupEnd = p.position;
    });
    p.on('opentagstart', (tag) => {
      // saxes has read "<", the name and the character after it.
      const guess = p.position - 2 - tag.name.length;
      this.tagStart = this.s.startsWith(`<${tag.name}`, guess) ? guess : this.s.lastIndexOf(`<${tag.name}`, p.position);
      this.inStartTag = true;
    });
    p.on('opentag', (tag) => this.open(tag));
    p.on('closetag', (tag) => {
      if (!tag.isSelfClosing) this.lastClosed = this.stack.pop() ?? null;
      this.markupEnd = p.position;
    });
    p.on('text', (value) => this.stack.at(-1)?.children.push({ type: 'text', value, cdata: false }));
    p.on('cdata', (value) => {
      this.stack.at(-1)?.children.push({ type: 'text', value, cdata: true });
      this.markupEnd = p.position;
    });
    const markupDone = () => void (this.markupEnd = p.position);
    p.on('comment', markupDone);
    p.on('processinginstruction', markupDone);
    p.on('xmldecl', markupDone);
    p.write(this.s).close();
    if (!this.root) this.fail('the file has no root element', this.s.length);
    return this.root;
  }

  private where(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.lineStarts[lo]! + 1 };
  }

  private fail(message: string, offset: number): never {
    const { line, column } = this.where(Math.max(0, Math.min(offset, this.s.length)));
    throw new XmlSyntaxError(message, line, column);
  }

  private open(tag: SaxesTagNS): void {
    this.inStartTag = false;
    this.markupEnd = this.parser.position;
    const parent = this.stack.at(-1) ?? null;
    const split = (qname: string) => {
      const colon = qname.indexOf(':');
      return colon > 0 ? { prefix: qname.slice(0, colon), local: qname.slice(colon + 1) } : { prefix: '', local: qname };
    };
    const { prefix, local } = split(tag.name);
    const element: XmlElement = {
      type: 'element',
      name: tag.name,
      prefix,
      local,
      ns: tag.uri,
      attributes: Object.values(tag.attributes).map((a) => {
        const parts = a.name === 'xmlns' ? { prefix: 'xmlns', local: '' } : split(a.name);
        return { name: a.name, prefix: parts.prefix, local: parts.local, ns: a.uri, value: a.value };
      }),
      children: [],
      parent,
      ...this.where(this.tagStart),
    };
    if (parent) parent.children.push(element);
    else this.root = element;
    if (!tag.isSelfClosing) {
      this.stack.push(element);
      if (this.stack.length > MAX_XML_DEPTH) this.fail(`elements are nested more than ${MAX_XML_DEPTH} deep`, this.parser.position - 1);
    }
  }

  /**
   * Reads the general entities of the internal DOCTYPE subset. Comments, processing instructions and quoted literals
   * are stepped over whole, so an "<!ENTITY" inside them declares nothing. Parameter entities are ignored (never
   * expanded); SYSTEM/PUBLIC ones are remembered as external so that a reference to one is refused by name.
   */
  private declareEntities(dtd: string): void {
    const token = /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|"[^"]*"|'[^']*'|<!ENTITY\s+(%\s+)?([^\s"'%>]+)\s*("[^"]*"|'[^']*')?/g;
    for (const m of dtd.matchAll(token)) {
      const name = m[2];
      if (name === undefined || m[1] !== undefined || this.entities.has(name)) continue;
      this.entities.set(name, m[3] === undefined ? { external: true } : { value: m[3].slice(1, -1) });
      if (name in XML_ENTITIES) continue;
      // saxes looks a reference up in ENTITIES once per use: a getter expands it then, within the budget.
      Object.defineProperty(this.parser.ENTITIES, name, { get: () => this.expandReference(name), configurable: true, enumerable: true });
    }
  }

  /**
   * The "&" of the reference saxes has just read up to its ";": the first "&" after the previous ";" (saxes reads
   * from an "&" to the next ";", whatever is between, so in `fish & chips &amp;` the culprit is the first one).
   */
  private referenceStart(): number {
    const semi = this.parser.position - 1;
    const amp = this.s.indexOf('&', Math.max(this.s.lastIndexOf(';', semi - 1) + 1, this.markupEnd));
    return amp >= 0 && amp < semi ? amp : this.s.lastIndexOf('&', semi);
  }

  private expandReference(name: string): string {
    const text = this.expandEntity(name, 0);
    this.count(text.length);
    return text;
  }

  private count(chars: number): void {
    this.expanded += chars;
    if (this.expanded > MAX_EXPANDED_CHARS) this.fail('entities expand to too much text', this.referenceStart());
  }

  /** The replacement text of a declared entity, its own references decoded (as text, as the XML spec's "included"). */
  private expandEntity(name: string, depth: number): string {
    const at = this.referenceStart();
    const decl = this.entities.get(name)!;
    if (decl.external) this.fail(`external entity &${name}; is not supported`, at);
    if (depth >= MAX_ENTITY_DEPTH) this.fail(`entity &${name}; nests too deeply`, at);
    return decl.value!.replace(/&([^;&]*);?/g, (whole, ref: string) => {
      if (!whole.endsWith(';') || !/^(#[0-9]+|#x[0-9A-Fa-f]+|[A-Za-z_:][-A-Za-z0-9_:.]*)$/.test(ref)) {
        this.fail(`the value of entity &${name}; has a "&" that does not start an entity`, at);
      }
      let text: string;
      if (ref.startsWith('#')) {
        const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
        if (!isXmlChar(code)) this.fail(`character reference &${ref}; is not a character XML allows`, at);
        text = String.fromCodePoint(code);
      } else if (ref in XML_ENTITIES) text = XML_ENTITIES[ref]!;
      else if (this.entities.has(ref)) text = this.expandEntity(ref, depth + 1);
      else if (ref in HTML_ENTITIES) text = HTML_ENTITIES[ref]!;
      else this.fail(`unknown entity &${ref}; in the value of entity &${name};`, at);
      this.count(text.length);
      return text;
    });
  }

  /** Throws saxes's first complaint as an XmlSyntaxError that names the mistake at its start. */
  private translate(message: string): never {
    const p = this.parser;
    const state = p as unknown as SaxesState;
    const s = this.s;
    const last = p.position - 1; // the character saxes has just read
    // Every fail() throws, so no case falls through; a message not matched here keeps saxes's wording.
    switch (message) {
      case 'undefined entity.': {
        const amp = this.referenceStart();
        this.fail(`unknown entity &${s.slice(amp + 1, p.position - 1)};`, amp);
      }
      case 'malformed character entity.': {
        const amp = this.referenceStart();
        this.fail(`character reference &${s.slice(amp + 1, p.position - 1)}; is not a character XML allows`, amp);
      }
      case 'disallowed character in entity name.':
      case 'empty entity name.':
        this.fail('"&" must start an entity such as &amp; (write a literal ampersand as &amp;)', this.referenceStart());
      case 'unexpected close tag.': {
        const closeAt = s.lastIndexOf('</', p.position - 1);
        const name = /^<\/([^\s>]*)/.exec(s.slice(closeAt))?.[1] ?? '';
        const open = this.lastClosed!;
        this.fail(`closing tag </${name}> does not match <${open.name}> opened at ${open.line}:${open.column}`, closeAt);
      }
      case 'documents may contain only one root.':
        this.fail('content after the end of the root element', this.tagStart);
      case 'text data outside of root node.': {
        const at = this.markupEnd + s.slice(this.markupEnd).search(/\S/);
        if (this.root) this.fail('content after the end of the root element', at);
        this.fail(`expected the root element, found ${describe(s[at]!)}`, at);
      }
      case 'document must contain a root element.':
      case 'unexpected end.':
        this.failAtEnd(state);
      case 'disallowed character in tag name':
        if (this.root && this.stack.length === 0) this.fail('content after the end of the root element', last - 1);
        this.fail(`expected an element name, found ${describe(s[last] ?? '')}`, last);
      case 'disallowed character in closing tag.':
        if (state.name === '') this.fail(`expected the name of the closing tag, found ${describe(s[last] ?? '')}`, last);
        this.fail(`expected ">" to end </${state.name}>`, last);
      case 'the string "]]>" is disallowed in char data.':
        this.fail('"]]>" is not allowed in text (write it as ]]&gt;)', last - 2);
      case 'malformed comment.':
        this.fail('"--" is not allowed inside a comment', s.lastIndexOf('--', last));
      case 'inappropriately located doctype declaration.':
      case 'incorrect syntax.':
        if (this.root) this.fail('unexpected "<!" inside an element (a DOCTYPE belongs before the root element)', s.lastIndexOf('<!', last));
    }
    if (message.startsWith('unclosed tag: ')) this.failAtEnd(state);
    if (message.startsWith('unmatched closing tag: ')) {
      const closeAt = s.lastIndexOf('</', last);
      this.fail(`closing tag </${state.name || message.slice(23, -1)}> has no matching start tag`, closeAt);
    }
    if (message.startsWith('malformed name: ')) {
      this.fail(`${message.slice(16, -1)} is not a valid name: a namespace prefix and a local name are joined by one ":"`, this.inStartTag ? this.tagStart : last);
    }
    if (this.inStartTag) {
      const problem = this.startTagProblem(this.tagStart);
      if (problem) this.fail(...problem);
    }
    if (/^\s*<\?xml\s/.test(s) && last < s.indexOf('?>') + 2) {
      // saxes checks the XML declaration (our own reader skipped it); its wording names the field.
      this.fail(`the XML declaration <?xml ...?> is malformed: ${message}`, last);
    }
    if (message === 'disallowed character.' && last < s.length) {
      const code = s.codePointAt(last)!;
      this.fail(`character U+${code.toString(16).toUpperCase().padStart(4, '0')} is not allowed in XML`, last);
    }
    this.fail(message, last);
  }

  /** The file ended early: names what it left open, innermost first. */
  private failAtEnd(state: SaxesState): never {
    const s = this.s;
    if (state.entity !== '') {
      this.fail('"&" must start an entity such as &amp; (write a literal ampersand as &amp;)', s.length - state.entity.length - 1);
    }
    const read = (re: RegExp, at: number) => readAt(re, s, at);
    const open = s.indexOf('<', this.markupEnd);
    if (open >= 0) {
      if (s.startsWith('<!--', open)) this.fail('comment is never closed (missing "-->")', open);
      if (s.startsWith('<![CDATA[', open)) this.fail('CDATA section is never closed (missing "]]>")', open);
      if (s.startsWith('<!DOCTYPE', open)) this.fail('DOCTYPE is never closed', open);
      if (s.startsWith('<?', open)) this.fail('processing instruction is never closed (missing "?>")', open);
      if (s.startsWith('</', open)) {
        const name = read(nameRe, open + 2);
        this.fail(name === '' ? 'unexpected end of file; expected the name of the closing tag' : `expected ">" to end </${name}>`, s.length);
      }
      if (open === s.length - 1) this.fail('unexpected end of file; expected an element name', s.length);
      const problem = this.startTagProblem(open);
      if (problem) this.fail(...problem);
    }
    const current = this.stack.at(-1);
    if (current) this.fail(`<${current.name}> (opened at ${current.line}:${current.column}) is never closed`, s.length);
    this.fail('the file has no root element', s.length);
  }

  /**
   * What is wrong in the start tag at `start`, with the offset where it begins (saxes notices a bad attribute only
   * at the character after it, and words duplicates by namespace URI). Null when the tag is well-formed.
   */
  private startTagProblem(start: number): [string, number] | null {
    const s = this.s;
    const read = (re: RegExp, at: number) => readAt(re, s, at);
    const name = read(nameRe, start + 1);
    if (name === '') return null;
    const seen = new Set<string>();
    let i = start + 1 + name.length;
    for (;;) {
      const hadSpace = read(spaceRe, i).length > 0;
      i = spaceRe.lastIndex;
      if (i >= s.length) return [`<${name}> start tag is never closed`, start];
      if (s[i] === '>' || s.startsWith('/>', i)) return null;
      if (!hadSpace) return [`expected whitespace, ">" or "/>" in <${name}>, found ${describe(s[i]!)}`, i];
      const at = i;
      const attrName = read(nameRe, i);
      if (attrName === '') return [`expected an attribute name, found ${describe(s[i]!)}`, i];
      i = at + attrName.length;
      i += read(spaceRe, i).length;
      if (s[i] !== '=') return [`attribute ${attrName} has no value (expected ="...")`, at];
      i++;
      i += read(spaceRe, i).length;
      const q = s[i];
      if (q !== '"' && q !== "'") return [`the value of attribute ${attrName} must be in quotes`, i];
      const end = s.indexOf(q, i + 1);
      if (end < 0) return [`the value of attribute ${attrName} is never closed`, i];
      const lt = s.indexOf('<', i + 1);
      if (lt >= 0 && lt < end) return [`"<" is not allowed in the value of attribute ${attrName} (write it as &lt;)`, lt];
      if (seen.has(attrName)) return [`attribute ${attrName} appears twice in <${name}>`, at];
      seen.add(attrName);
      i = end + 1;
    }
  }
}

/** The match of a sticky regular expression at `at` ("" when none); its lastIndex is left after the match. */
function readAt(re: RegExp, s: string, at: number): string {
  re.lastIndex = at;
  return re.exec(s)?.[0] ?? '';
}

function isXmlChar(code: number): boolean {
  return code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
}

function describe(c: string): string {
  if (c === '\n') return 'a line break';
  if (c === '') return 'the end of the file';
  return `"${c}"`;
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
