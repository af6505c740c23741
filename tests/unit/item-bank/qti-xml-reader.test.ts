import { describe, expect, it } from 'vitest';
import { attr, childElements, decodeXmlBytes, parseXml, textContent, XmlEncodingError, XmlSyntaxError } from '../../../server/src/modules/item-bank/domain/xml-reader.ts';

function syntaxError(xml: string): [number, number, string] {
  try {
    parseXml(xml);
  } catch (e) {
    if (e instanceof XmlSyntaxError) return [e.line, e.column, e.message];
    throw e;
  }
  throw new Error('parsed');
}

describe('XML reader', () => {
  it('reads namespaces, attributes, CDATA, references and internal DTD entities', () => {
    const root = parseXml(
      '\uFEFF<?xml version="1.0"?>\r\n<!DOCTYPE a [\r\n  <!ENTITY co "Acme &amp; Sons">\r\n  <!ELEMENT a ANY>\r\n]>\r\n<a xmlns="urn:q" xmlns:v="urn:v" id=" x\ty ">&co; &#169;&#x2014;&nbsp;<![CDATA[<b>&amp;</b>]]><v:x v:k="1"/><!-- note --><?pi x?></a>',
    );
    expect([root.local, root.ns, root.line, root.column]).toEqual(['a', 'urn:q', 6, 1]);
    expect(attr(root, 'id')).toBe(' x y ');
    expect(textContent(root)).toBe('Acme & Sons \u00a9\u2014\u00a0<b>&amp;</b>');
    const [child] = childElements(root);
    expect([child!.prefix, child!.local, child!.ns, child!.attributes[0]!.ns]).toEqual(['v', 'x', 'urn:v', 'urn:v']);
  });

  const errors: [string, string, number, number, string][] = [
    ['a mismatched end tag', '<a>\n  <b></a>', 2, 6, 'closing tag </a> does not match <b> opened at 2:3'],
    ['an unclosed element', '<a>\n<b>', 2, 4, '<b> (opened at 2:1) is never closed'],
    ['an unquoted attribute', '<a x=1/>', 1, 6, 'the value of attribute x must be in quotes'],
    ['an attribute without value', '<a x/>', 1, 4, 'attribute x has no value (expected ="...")'],
    ['a duplicate attribute', '<a x="1" x="2"/>', 1, 10, 'attribute x appears twice in <a>'],
    ['"<" in an attribute', '<a x="<"/>', 1, 7, '"<" is not allowed in the value of attribute x (write it as &lt;)'],
    ['a bare ampersand', '<a>fish & chips</a>', 1, 9, '"&" must start an entity such as &amp; (write a literal ampersand as &amp;)'],
    ['an unknown entity', '<a>&bogus;</a>', 1, 4, 'unknown entity &bogus;'],
    ['an external entity', '<!DOCTYPE a [<!ENTITY ext SYSTEM "file:///etc/passwd">]><a>&ext;</a>', 1, 60, 'external entity &ext; is not supported'],
    ['a second root', '<a/>\n<b/>', 2, 1, 'content after the end of the root element'],
    ['an empty file', '  ', 1, 3, 'the file has no root element'],
    ['an unclosed comment', '<a><!-- x</a>', 1, 4, 'comment is never closed (missing "-->")'],
    ['a forbidden character reference', '<a>&#1;</a>', 1, 4, 'character reference &#1; is not a character XML allows'],
  ];
  it.each(errors)('reports %s with line:column', (_what, xml, line, column, message) => {
    expect(syntaxError(xml)).toEqual([line, column, message]);
  });

  it('stops an entity-expansion bomb', () => {
    let dtd = '<!ENTITY e0 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">';
    for (let i = 1; i < 8; i++) dtd += `<!ENTITY e${i} "${`&e${i - 1};`.repeat(10)}">`;
    expect(syntaxError(`<!DOCTYPE a [${dtd}]><a>&e7;</a>`)[2]).toBe('entities expand to too much text');
  });

  it('reads nesting up to 1000 levels and refuses deeper nesting instead of overflowing the stack', () => {
    expect(textContent(parseXml('<a>'.repeat(1000) + 'x' + '</a>'.repeat(1000)))).toBe('x');
    expect(syntaxError('<a>'.repeat(50_000) + '</a>'.repeat(50_000))).toEqual([1, 3003, 'elements are nested more than 1000 deep']);
  });

  it('decodes UTF-8 with or without a BOM, UTF-16 with a BOM and a declared single-byte encoding, and refuses bad bytes', () => {
    expect(decodeXmlBytes(new Uint8Array([0xef, 0xbb, 0xbf, 0x3c, 0x61, 0x2f, 0x3e]))).toBe('<a/>');
    expect(decodeXmlBytes(new Uint8Array([0xff, 0xfe, 0x3c, 0, 0x61, 0, 0x2f, 0, 0x3e, 0]))).toBe('<a/>');
    const latin1 = new Uint8Array([...new TextEncoder().encode('<?xml version="1.0" encoding="ISO-8859-1"?><a>'), 0xb0, ...new TextEncoder().encode('</a>')]);
    expect(textContent(parseXml(decodeXmlBytes(latin1)))).toBe('\u00b0');
    expect(() => decodeXmlBytes(new Uint8Array([0x3c, 0x61, 0xc3, 0x28, 0x2f, 0x3e]))).toThrow(new XmlEncodingError('the file is not valid UTF-8 text; save it as UTF-8'));
    expect(() => decodeXmlBytes(new TextEncoder().encode('<?xml version="1.0" encoding="x-klingon"?><a/>'))).toThrow(
      new XmlEncodingError('unsupported character encoding "x-klingon"; save the file as UTF-8'),
    );
  });

  // The reader is saxes plus our tree, entity handling and wording (docs/decisions/0008-xml-reader-on-saxes.md):
  // the protections below go through that path, each refused at the reference or construct that causes it.
  describe('protections', () => {
    it('stops a billion-laughs bomb at the reference that sets it off, before building the text', () => {
      let dtd = `<!ENTITY e0 "${'a'.repeat(100)}">`;
      for (let i = 1; i < 8; i++) dtd += `<!ENTITY e${i} "${`&e${i - 1};`.repeat(10)}">`;
      expect(syntaxError(`<!DOCTYPE a [${dtd}]>\n<a>&e7;</a>`)).toEqual([2, 4, 'entities expand to too much text']);
    });

    it('stops one large entity referenced many times (quadratic blow-up) at the first reference over the budget', () => {
      const xml = `<!DOCTYPE a [<!ENTITY big "${'x'.repeat(100_000)}">]>\n<a>${'&big;'.repeat(30)}</a>`;
      // 20 references make 2,000,000 characters, the budget; the 21st (column 4 + 20 × 5) is refused.
      expect(syntaxError(xml)).toEqual([2, 104, 'entities expand to too much text']);
    });

    it('refuses entities nested more than 8 deep', () => {
      const dtd = Array.from({ length: 10 }, (_, i) => `<!ENTITY d${i} "${i === 9 ? 'end' : `&d${i + 1};`}">`).join('');
      expect(syntaxError(`<!DOCTYPE a [${dtd}]>\n<a>&d0;</a>`)).toEqual([2, 4, 'entity &d8; nests too deeply']);
    });

    it('refuses an external entity in an attribute value too', () => {
      expect(syntaxError('<!DOCTYPE a [<!ENTITY ext SYSTEM "file:///etc/passwd">]>\n<a x="&ext;"/>')).toEqual([2, 7, 'external entity &ext; is not supported']);
    });

    it('never fetches an external DTD or parameter entity: what they would declare stays unknown', () => {
      expect(textContent(parseXml('<!DOCTYPE a SYSTEM "http://127.0.0.1:9/evil.dtd">\n<a>ok</a>'))).toBe('ok');
      expect(syntaxError('<!DOCTYPE a [<!ENTITY % p SYSTEM "http://127.0.0.1:9/evil.dtd"> %p;]>\n<a>&fromEvil;</a>')).toEqual([2, 4, 'unknown entity &fromEvil;']);
    });

    it('keeps markup inside an entity value as text (an entity cannot inject elements)', () => {
      const root = parseXml('<!DOCTYPE a [<!ENTITY m "<b>bold</b> &amp; more">]><a>&m;</a>');
      expect([textContent(root), childElements(root).length]).toEqual(['<b>bold</b> & more', 0]);
    });

    it('refuses a DOCTYPE inside the root element', () => {
      expect(syntaxError('<a><!DOCTYPE a></a>')).toEqual([1, 4, 'unexpected "<!" inside an element (a DOCTYPE belongs before the root element)']);
    });

    const more: [string, string, number, number, string][] = [
      ['a character XML does not allow', '<a>bell\u0007</a>', 1, 8, 'character U+0007 is not allowed in XML'],
      ['text after the root element', '<a/>\ntext', 2, 1, 'content after the end of the root element'],
      ['a bare ampersand in an attribute', '<a x="fish & chips"/>', 1, 12, '"&" must start an entity such as &amp; (write a literal ampersand as &amp;)'],
      ['the first of two ampersands', '<a>fish & chips &amp; peas</a>', 1, 9, '"&" must start an entity such as &amp; (write a literal ampersand as &amp;)'],
      ['an unclosed CDATA section', '<a><![CDATA[x</a>', 1, 4, 'CDATA section is never closed (missing "]]>")'],
      ['an unclosed processing instruction', '<a><?pi x</a>', 1, 4, 'processing instruction is never closed (missing "?>")'],
      ['a file ending in "<"', '<a><', 1, 5, 'unexpected end of file; expected an element name'],
      ['a file ending inside a closing tag', '<a></a', 1, 7, 'expected ">" to end </a>'],
      ['a malformed XML declaration', '<?xml version="2.0"?><a/>', 1, 19, 'the XML declaration <?xml ...?> is malformed: version number must match /^1\\.[0-9]+$/.'],
    ];
    it.each(more)('reports %s with line:column', (_what, xml, line, column, message) => {
      expect(syntaxError(xml)).toEqual([line, column, message]);
    });

    it('keeps an undeclared prefix readable as an unknown namespace instead of refusing the file', () => {
      expect(parseXml('<p:a/>').ns).toBe('unbound:p');
    });
  });
});
