/**
 * Our QTI XML reader (server/src/modules/item-bank/domain/xml-reader.ts: saxes plus our element tree, entity handling
 * and wording) against raw saxes, on (1) the malformed inputs of tests/unit/item-bank/qti-xml-reader.test.ts: which
 * are refused, with what message and at which line:column; (2) what our QTI files need: internal DTD entities, HTML
 * entities, an entity bomb, deep nesting; (3) time to read a large QTI-sized document (raw saxes building a tree like
 * ours, so the difference is the cost of our layer). Prints a table and writes bench/results/xml-reader.json.
 * node --import tsx bench/xml-reader/compare.ts
 *
 * History: until docs/decisions/0008-xml-reader-on-saxes.md the reader was hand-written, and this script measured
 * it against saxes for docs/decisions/0007-keep-xml-reader.md; bench/results/xml-reader.json holds that run until the
 * script is run again.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { SaxesParser } from 'saxes';
import { parseXml, XmlSyntaxError } from '../../server/src/modules/item-bank/domain/xml-reader.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

type Outcome = { ok: true } | { ok: false; line: number; column: number; message: string };

function ours(xml: string): Outcome {
  try {
    parseXml(xml);
    return { ok: true };
  } catch (e) {
    if (e instanceof XmlSyntaxError) return { ok: false, line: e.line, column: e.column, message: e.message };
    return { ok: false, line: 0, column: 0, message: `(crash) ${(e as Error).message}` };
  }
}

/** Raw saxes with namespaces and positions; builds a tree like ours so that timing compares like with like. */
function saxes(xml: string): Outcome {
  const p = new SaxesParser({ xmlns: true, position: true });
  let first: Outcome | null = null;
  type Node = { name: string; attrs: Record<string, unknown>; children: unknown[]; line: number; column: number };
  const stack: Node[] = [];
  p.on('error', (e) => {
    if (first) return;
    const m = /^(?:[^:]*:)?(\d+):(\d+): (.*)$/s.exec(e.message);
    first = m ? { ok: false, line: Number(m[1]), column: Number(m[2]), message: m[3]! } : { ok: false, line: 0, column: 0, message: e.message };
  });
  p.on('opentag', (t) => {
    const n: Node = { name: t.name, attrs: t.attributes, children: [], line: p.line, column: p.column };
    stack.at(-1)?.children.push(n);
    stack.push(n);
  });
  p.on('text', (t) => stack.at(-1)?.children.push(t));
  p.on('closetag', () => void (stack.length > 1 && stack.pop()));
  try {
    p.write(xml).close();
  } catch (e) {
    first ??= { ok: false, line: 0, column: 0, message: `(threw) ${(e as Error).message}` };
  }
  return first ?? { ok: true };
}

const cases: [string, string, boolean][] = [
  // [what, input, should be accepted]
  ['a mismatched end tag', '<a>\n  <b></a>', false],
  ['an unclosed element', '<a>\n<b>', false],
  ['an unquoted attribute', '<a x=1/>', false],
  ['an attribute without value', '<a x/>', false],
  ['a duplicate attribute', '<a x="1" x="2"/>', false],
  ['"<" in an attribute', '<a x="<"/>', false],
  ['a bare ampersand', '<a>fish & chips</a>', false],
  ['an unknown entity', '<a>&bogus;</a>', false],
  ['an external entity', '<!DOCTYPE a [<!ENTITY ext SYSTEM "file:///etc/passwd">]><a>&ext;</a>', false],
  ['a second root', '<a/>\n<b/>', false],
  ['an empty file', '  ', false],
  ['an unclosed comment', '<a><!-- x</a>', false],
  ['a forbidden character reference', '<a>&#1;</a>', false],
  ['an internal DTD entity (accepted by us)', '<!DOCTYPE a [<!ENTITY co "Acme">]><a>&co;</a>', true],
  ['an HTML entity &nbsp; (tolerated by us)', '<a>x&nbsp;y</a>', true],
  ['an entity-expansion bomb', `<!DOCTYPE a [<!ENTITY a0 "xxxxxxxxxx">${Array.from({ length: 9 }, (_, i) => `<!ENTITY a${i + 1} "${`&a${i};`.repeat(10)}">`).join('')}]><a>&a9;</a>`, false],
  ['nesting 5,000 deep', '<a>'.repeat(5000) + '</a>'.repeat(5000), false],
];

const rows = cases.map(([what, xml, accept]) => {
  const a = ours(xml);
  const b = saxes(xml);
  const right = (o: Outcome) => o.ok === accept;
  return { what, expected: accept ? 'accept' : 'refuse', ours: a, saxes: b, oursRight: right(a), saxesRight: right(b) };
});

// A large document shaped like a QTI item package: 2,000 items, about 2 MB.
const item = (i: number) =>
  `<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="SAF-${i}" title="Item ${i}" adaptive="false" timeDependent="false">` +
  `<responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier"><correctResponse><value>B</value></correctResponse></responseDeclaration>` +
  `<itemBody><p>Which of these is the safest way to lift a load of ${i} kg &amp; carry it?</p><choiceInteraction responseIdentifier="RESPONSE" shuffle="false" maxChoices="1">` +
  ['A', 'B', 'C', 'D'].map((o) => `<simpleChoice identifier="${o}">Option ${o} for item ${i}, with some text to make it realistic in length.</simpleChoice>`).join('') +
  `</choiceInteraction></itemBody></assessmentItem>\n`;
const big = `<?xml version="1.0" encoding="UTF-8"?>\n<items>\n${Array.from({ length: 2000 }, (_, i) => item(i)).join('')}</items>\n`;
const time = (f: () => unknown) => {
  for (let i = 0; i < 3; i++) f();
  const t: number[] = [];
  for (let i = 0; i < 10; i++) {
    const s = performance.now();
    f();
    t.push(performance.now() - s);
  }
  return Math.round(t.sort((x, y) => x - y)[5]! * 10) / 10;
};
const timing = { bytes: Buffer.byteLength(big), oursMedianMs: time(() => parseXml(big)), saxesMedianMs: time(() => saxes(big)) };

console.table(rows.map((r) => ({ input: r.what, expected: r.expected, ours: r.ours.ok ? 'accepted' : `${r.ours.line}:${r.ours.column} ${r.ours.message}`, saxes: r.saxes.ok ? 'accepted' : `${r.saxes.line}:${r.saxes.column} ${r.saxes.message}` })));
console.log(`right outcome: ours (on saxes) ${rows.filter((r) => r.oursRight).length}/${rows.length}, saxes ${rows.filter((r) => r.saxesRight).length}/${rows.length}`);
console.log(`read ${(timing.bytes / 1e6).toFixed(1)} MB: ours (on saxes) ${timing.oursMedianMs} ms, raw saxes (with a tree) ${timing.saxesMedianMs} ms (median of 10)`);
writeFileSync(path.join(ROOT, 'bench', 'results', 'xml-reader.json'), JSON.stringify({ at: new Date().toISOString(), node: process.version, saxes: '6.0.0', cases: rows, timing }, null, 2) + '\n');
