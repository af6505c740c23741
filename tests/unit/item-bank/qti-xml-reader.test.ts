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
});
