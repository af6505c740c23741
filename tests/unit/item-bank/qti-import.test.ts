import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importQti, itemIdFor, type QtiImportOptions } from '../../../server/src/modules/item-bank/domain/qti-import.ts';
import { QTI_FIXTURES, fixtureFile, xmlUpload, zippedFixture } from '../../fixtures/qti/load-fixtures.ts';

const defaults: QtiImportOptions = { kwaMapping: {} };

/** A QTI 2.1 item with sensible defaults; each part can be replaced. */
function item21(parts: { identifier?: string; label?: string; declaration?: string; body?: string; after?: string } = {}): string {
  const declaration =
    parts.declaration ??
    `<responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier"><correctResponse><value>B</value></correctResponse></responseDeclaration>`;
  const body =
    parts.body ??
    `<choiceInteraction responseIdentifier="RESPONSE" maxChoices="1">
      <prompt>Which colour marks a safety shower?</prompt>
      <simpleChoice identifier="A">Red</simpleChoice>
      <simpleChoice identifier="B">Green</simpleChoice>
      <simpleChoice identifier="C">Blue</simpleChoice>
    </choiceInteraction>`;
  const after = parts.after ?? `<modalFeedback outcomeIdentifier="FEEDBACK" identifier="correct" showHide="show">Green marks safety equipment.</modalFeedback>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="${parts.identifier ?? 'q1'}" title="t" label="${parts.label ?? 'SAF-04'}" adaptive="false" timeDependent="false">
  ${declaration}
  <itemBody>
    ${body}
  </itemBody>
  ${after}
</assessmentItem>
`;
}

describe('QTI import: TAO-style QTI 2.1 package', () => {
  it('imports the choice item it can map and reports the others one by one with file, line:column and identifier', () => {
    const r = importQti([zippedFixture('tao-qti21-package')], defaults);
    expect(r.problems).toEqual([
      {
        file: 'tao-qti21-package.zip/items/i1700000000000001/qti.xml',
        pointer: '/assessmentItem',
        line: 2,
        column: 1,
        message:
          'item "i1700000000000001": no KWA: neither the KWA mapping nor the item\'s metadata, test category, data-kwa or label gives a KWA code like "SAF-04" (values found: category "lockout-tagout", category "x-tao-option-reviewScreen", label "First lockout step")',
      },
      {
        file: 'tao-qti21-package.zip/items/i1700000000000003/qti.xml',
        pointer: '/assessmentItem/itemBody/div/div/p/textEntryInteraction',
        line: 13,
        column: 11,
        message: 'item "i1700000000000003": textEntryInteraction is not supported; only single-response choice interactions are imported',
      },
      {
        file: 'tao-qti21-package.zip/items/i1700000000000004/qti.xml',
        pointer: '/assessmentItem/responseDeclaration',
        line: 3,
        column: 3,
        message: 'item "i1700000000000004": response RESPONSE has cardinality multiple; only single-response items (cardinality single, maxChoices 1) are imported',
      },
    ]);
    expect(r.skipped).toEqual([]);
    // Whitespace in identifiers and in the correct value, CDATA, character references and &amp; are all tolerated.
    expect(r.bank.items).toEqual([
      {
        id: 'SAF-i1700000000000002',
        module: 'SAF',
        kwa: 'SAF-01', // from the LOM classification taxon in the manifest
        status: 'draft',
        stem: 'An operator will pour a solvent-based cleaner from a drum into a parts washer.\nThe safety data sheet lists \u201cchemical-resistant gloves\u201d for this task.\n\nWhich gloves should the operator wear?',
        options: [
          { id: 'A', text: 'Cotton work gloves' },
          { id: 'B', text: 'Leather gloves rated for <heat> & sparks' },
          { id: 'C', text: 'Gloves whose material the SDS or the glove maker\u2019s chart rates for that solvent' },
          { id: 'D', text: 'Any disposable gloves, as long as they are new' },
        ],
        key: 'C',
        rationale:
          'Glove materials resist some chemicals and not others.\n\nThe SDS (section 8) or the glove maker\u2019s compatibility chart says which material holds up to the solvent & for how long.',
        topics: [],
      },
    ]);
    expect(r.origins).toEqual([
      {
        itemId: 'SAF-i1700000000000002',
        file: 'tao-qti21-package.zip/items/i1700000000000002/qti.xml',
        line: 2,
        column: 1,
        identifier: 'i1700000000000002',
        choiceIdentifiers: ['choice_1', 'choice_2', 'choice_3', 'choice_4'],
      },
    ]);
  });

  it('maps test categories to KWAs, skips what it cannot convert in lenient mode, and returns the images', () => {
    const r = importQti([zippedFixture('tao-qti21-package')], { kwaMapping: { byCategory: { 'Lockout-Tagout': 'SAF-04' } }, lenient: true });
    expect(r.problems).toEqual([]);
    expect(r.skipped).toEqual([
      {
        file: 'tao-qti21-package.zip/items/i1700000000000003/qti.xml',
        itemId: 'i1700000000000003',
        reason: 'textEntryInteraction is not supported; only single-response choice interactions are imported',
      },
      {
        file: 'tao-qti21-package.zip/items/i1700000000000004/qti.xml',
        itemId: 'i1700000000000004',
        reason: 'response RESPONSE has cardinality multiple; only single-response items (cardinality single, maxChoices 1) are imported',
      },
    ]);
    expect(r.bank.items.map((i) => [i.id, i.kwa, i.key])).toEqual([
      ['SAF-i1700000000000001', 'SAF-04', 'B'],
      ['SAF-i1700000000000002', 'SAF-01', 'C'],
    ]);
    const first = r.bank.items[0]!;
    expect(first.stem).toBe(
      'A technician must replace a worn belt on a conveyor that is fed from the disconnect switch shown below.\n\nWhat should the technician do first?',
    );
    // The stem's image becomes the item's image, with its alt text; the package file is returned with its bytes.
    expect(first.image).toEqual({ src: 'items/i1700000000000001/assets/disconnect-switch.png', alt: 'Conveyor disconnect switch' });
    // The feedback set under match(RESPONSE, correct) is the rationale, not the one set under not(match(...)).
    expect(first.rationale).toBe('Lockout starts by preparing for shutdown and notifying affected employees; the lock goes on only after the machine is stopped and isolated.');
    expect(r.assets.map((a) => a.path)).toEqual(['items/i1700000000000001/assets/disconnect-switch.png']);
    expect(r.assets[0]!.bytes).toEqual(new Uint8Array(readFileSync(path.join(QTI_FIXTURES, 'tao-qti21-package/items/i1700000000000001/assets/disconnect-switch.png'))));
  });

  it('gives every item the module and status asked for', () => {
    const r = importQti([zippedFixture('tao-qti21-package')], { kwaMapping: { byCategory: { 'lockout-tagout': 'SAF-04' } }, lenient: true, status: 'pretest' });
    expect(r.bank.items.map((i) => i.status)).toEqual(['pretest', 'pretest']);
    const m = importQti([zippedFixture('tao-qti21-package')], { kwaMapping: { byCategory: { 'lockout-tagout': 'SAF-04' } }, lenient: true, module: 'QPM' });
    expect(m.bank.items).toEqual([]);
    expect(m.problems.map((p) => p.message)).toEqual([
      'item "i1700000000000001": KWA SAF-04 does not belong to module QPM',
      'item "i1700000000000002": KWA SAF-01 does not belong to module QPM',
    ]);
  });
});

describe('QTI import: loose QTI 2.2 item with BOM, CRLF and a vendor namespace', () => {
  it('keeps the stem text, drops vendor elements, reads data-kwa and picks the "correct" feedback', () => {
    const r = importQti([fixtureFile('qti22-loose-bom-vendor.xml')], defaults);
    expect(r.problems).toEqual([]);
    expect(r.bank.items).toEqual([
      {
        id: 'QPM-CAL-7', // the identifier, trimmed, is already one of ours
        module: 'QPM',
        kwa: 'QPM-02',
        status: 'draft',
        stem: 'Before measuring a shaft with a tolerance of \u00b10.002\u00a0in, an inspector closes the jaws of a digital caliper and the display reads 0.0015\u00a0in.\n\nWhat should the inspector do before taking the measurement?',
        options: [
          { id: 'A', text: 'Clean the jaws, close them again and zero the caliper' },
          { id: 'B', text: 'Subtract 0.0015\u00a0in from every reading by hand' },
          { id: 'C', text: 'Measure anyway; 0.0015\u00a0in is inside the tolerance' },
          { id: 'D', text: 'Switch the display from inches to millimetres' },
        ],
        key: 'A',
        rationale:
          'A caliper that does not read zero with clean, closed jaws gives a false reading. Dirt between the jaws is the usual cause, so clean, close and re-zero before measuring.',
        topics: [],
      },
    ]);
  });
});

describe('QTI import: QTI 3.0 package', () => {
  const mapping = { byMetadata: [{ path: 'lom/classification/taxonPath/taxon/entry/string', map: { 'monitor the production process': 'MPP-08' } }] };

  it('reads qti-* elements, object images, LOM keywords, a cptKwa element and percent-encoded hrefs', () => {
    const r = importQti([zippedFixture('qti30-package')], { kwaMapping: mapping });
    expect(r.problems).toEqual([
      {
        file: 'qti30-package.zip/items/sequence.xml',
        pointer: '/qti-assessment-item/qti-item-body/qti-order-interaction',
        line: 11,
        column: 5,
        message: 'item "item-sequence": qti-order-interaction is not supported; only single-response choice interactions are imported',
      },
    ]);
    expect(r.bank.items).toEqual([
      {
        id: 'MPP-item-oee',
        module: 'MPP',
        kwa: 'MPP-08',
        status: 'draft',
        stem: 'A press was scheduled to run for 480 minutes. It was down for 60 minutes for an unplanned die change.\n\nWhat is the availability of the press for this shift?',
        image: { src: 'media/oee-chart.svg', alt: 'Bar chart of planned and run time' },
        options: [
          { id: 'A', text: '12.5%' },
          { id: 'B', text: '80.0%' },
          { id: 'C', text: '87.5%' },
          { id: 'D', text: '100%' },
        ],
        key: 'C',
        rationale: 'Availability is run time divided by planned time: (480 \u2212 60) / 480 = 87.5%.',
        topics: ['oee', 'availability-loss'],
      },
      {
        id: 'MPP-item-takt',
        module: 'MPP',
        kwa: 'MPP-06',
        status: 'draft',
        stem: 'A cell has 420 minutes of working time per shift and customers order 210 units per shift. What is the takt time?',
        options: [
          { id: 'A', text: '0.5 minute per unit' },
          { id: 'B', text: '2 minutes per unit' },
          { id: 'C', text: '210 minutes per unit' },
        ],
        key: 'B',
        rationale: 'Takt time is available time divided by demand: 420 / 210 = 2 minutes per unit.',
        topics: [],
      },
    ]);
    expect(r.assets.map((a) => [a.path, a.bytes.length > 0])).toEqual([['media/oee-chart.svg', true]]);
  });

  it('maps test categories too, and the configured mapping wins over the built-in sources', () => {
    const r = importQti([zippedFixture('qti30-package')], { kwaMapping: { byCategory: { monitoring: 'MPP-08', workflow: 'MPP-07' } }, lenient: true });
    expect(r.bank.items.map((i) => [i.id, i.kwa])).toEqual([
      ['MPP-item-oee', 'MPP-08'],
      ['MPP-item-takt', 'MPP-07'],
    ]);
    const byItem = importQti([zippedFixture('qti30-package')], { kwaMapping: { byMetadata: [{ path: 'item:qti-assessment-item/@title', map: { 'OEE availability': 'MPP-09', 'Takt time': 'MPP-04' } }] }, lenient: true });
    expect(byItem.bank.items.map((i) => [i.id, i.kwa])).toEqual([
      ['MPP-item-oee', 'MPP-09'],
      ['MPP-item-takt', 'MPP-04'],
    ]);
  });
});

describe('QTI import: Moodle- and Canvas-style exports', () => {
  it('finds the rationale in per-choice feedback and the KWA in the label, and derives the id', () => {
    const r = importQti([fixtureFile('moodle-qti21-item.xml')], defaults);
    expect(r.problems).toEqual([]);
    expect(r.bank.items).toEqual([
      {
        id: 'QPM-question-417',
        module: 'QPM',
        kwa: 'QPM-08',
        status: 'draft',
        stem: 'Seven points in a row on an X-bar chart fall above the centre line, all inside the control limits.\n\nWhat does this pattern most likely mean?',
        options: [
          { id: 'A', text: 'The process is in control because no point is outside the limits' },
          { id: 'B', text: 'The process mean has probably shifted and should be investigated' },
          { id: 'C', text: 'The control limits were calculated wrongly and must be widened' },
        ],
        key: 'B',
        rationale:
          'A run of seven or more points on one side of the centre line is a common run rule: the process mean has likely shifted, so look for an assignable cause.',
        topics: [],
      },
    ]);
  });

  it('reports a QTI 1.2 package instead of passing over it', () => {
    const message = 'resource "g3f5a0c1d2e4b6a8c0e2f4a6b8c0d2e4f" is QTI 1.x (imsqti_xmlv1p2), which is not supported; export the items as QTI 2.1, 2.2 or 3.0';
    const r = importQti([zippedFixture('canvas-qti12-package')], defaults);
    expect(r.problems).toEqual([{ file: 'canvas-qti12-package.zip/imsmanifest.xml', pointer: '/manifest/resources/resource', line: 16, column: 5, message }]);
    expect(r.bank.items).toEqual([]);
    const lenient = importQti([zippedFixture('canvas-qti12-package')], { ...defaults, lenient: true });
    expect(lenient.problems).toEqual([]);
    expect(lenient.skipped).toEqual([{ file: 'canvas-qti12-package.zip/imsmanifest.xml', reason: message }]);
  });
});

describe('QTI import: files it must refuse', () => {
  const cases: [string, number, number, string][] = [
    ['bad/broken.xml', 7, 98, 'malformed XML: closing tag </div> does not match <p> opened at 7:5'],
    ['bad/template-processing.xml', 7, 3, 'item "cycle-time-calc": uses template processing (templateDeclaration); items with template variables are not imported'],
    ['bad/multiple-interactions.xml', 18, 7, 'item "fire-class-two-part": has 2 interactions (choiceInteraction, textEntryInteraction); only items with exactly one choice interaction are imported'],
    ['bad/no-correct-response.xml', 3, 3, 'item "survey-q1": response RESPONSE has no correct response'],
    ['bad/no-rationale.xml', 2, 1, 'item "MA-LUBE-3": no rationale: no modal feedback is shown for the correct answer'],
    ['bad/qti30-multiple-cardinality.xml', 3, 3, 'item "ppe-select-all": response RESPONSE has cardinality multiple; only single-response items (cardinality single, maxChoices 1) are imported'],
    ['bad/qti12-questestinterop.xml', 2, 1, 'QTI 1.x (questestinterop) is not supported; export the items as QTI 2.1, 2.2 or 3.0'],
    ['bad/interactions/text-entry.xml', 5, 35, 'item "unsupported-text-entry": textEntryInteraction is not supported; only single-response choice interactions are imported'],
    ['bad/interactions/extended-text.xml', 5, 5, 'item "unsupported-extended-text": extendedTextInteraction is not supported; only single-response choice interactions are imported'],
    ['bad/interactions/order.xml', 5, 5, 'item "unsupported-order": orderInteraction is not supported; only single-response choice interactions are imported'],
    ['bad/interactions/match.xml', 5, 5, 'item "unsupported-match": matchInteraction is not supported; only single-response choice interactions are imported'],
    ['bad/interactions/hotspot.xml', 5, 5, 'item "unsupported-hotspot": hotspotInteraction is not supported; only single-response choice interactions are imported'],
  ];

  it.each(cases)('%s → %i:%i %s', (file, line, column, message) => {
    const r = importQti([fixtureFile(file)], defaults);
    expect(r.problems.map((p) => ({ file: p.file, line: p.line, column: p.column, message: p.message }))).toEqual([{ file, line, column, message }]);
    expect(r.bank.items).toEqual([]);
  });

  it('reports all of them together, and in lenient mode lists the unconvertible ones as skipped while broken XML stays a problem', () => {
    const files = cases.map(([f]) => fixtureFile(f));
    expect(importQti(files, defaults).problems).toHaveLength(cases.length);
    const r = importQti(files, { ...defaults, lenient: true });
    expect(r.problems.map((p) => p.message)).toEqual(['malformed XML: closing tag </div> does not match <p> opened at 7:5']);
    expect(r.skipped.map((s) => [s.file, s.itemId ?? null])).toEqual(cases.slice(1).map(([f, , , m]) => [f, /^item "([^"]+)"/.exec(m)?.[1] ?? null]));
  });

  it('names the missing members of a package: a manifest file, a listed file and an image the item uses', () => {
    const r = importQti([zippedFixture('bad/missing-member-package')], defaults);
    expect(r.problems).toEqual([
      {
        file: 'missing-member-package.zip/imsmanifest.xml',
        pointer: '/manifest/resources/resource/file',
        line: 7,
        column: 7,
        message: 'resource "gauge-item" lists file "images/gauge.png", which is not in the package',
      },
      {
        file: 'missing-member-package.zip/imsmanifest.xml',
        pointer: '/manifest/resources/resource',
        line: 9,
        column: 5,
        message: 'resource "ladder-item" names file "items/ladder.xml", which is not in the package',
      },
      {
        file: 'missing-member-package.zip/items/gauge.xml',
        pointer: '/assessmentItem/itemBody/p/img',
        line: 7,
        column: 8,
        message: 'item "gauge-item": image "images/gauge.png" is not in the package',
      },
    ]);
    expect(r.bank.items).toEqual([]);
  });

  it('refuses a zip without a manifest and bytes that are not a zip', () => {
    const noManifest = zippedFixture('bad/missing-member-package', (files) => delete files['imsmanifest.xml']);
    expect(importQti([noManifest], defaults).problems).toEqual([
      { file: 'missing-member-package.zip', pointer: '', message: 'the package has no imsmanifest.xml at its root; a QTI content package lists its items in one' },
    ]);
    const junk = importQti([{ name: 'items.zip', bytes: new TextEncoder().encode('this is not a zip') }], defaults).problems;
    expect(junk).toHaveLength(1);
    expect(junk[0]!.message).toMatch(/^not a readable zip archive \(.+\)$/);
  });

  it('refuses a manifest that names a broken item file, with its line:column', () => {
    const pkg = zippedFixture('qti30-package', (files) => {
      files['items/oee.xml'] = new TextEncoder().encode('<qti-assessment-item xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0" identifier="x">\n  <qti-item-body attr=oops/>\n</qti-assessment-item>');
    });
    const r = importQti([pkg], { kwaMapping: {}, lenient: true });
    expect(r.problems).toEqual([{ file: 'qti30-package.zip/items/oee.xml', pointer: '', line: 2, column: 23, message: 'malformed XML: the value of attribute attr must be in quotes' }]);
  });
});

describe('QTI import: item-level rules', () => {
  const one = (xml: string, options: QtiImportOptions = defaults) => importQti([xmlUpload('item.xml', xml)], options);

  it('maps choice identifiers to A.. in document order and the key to the correct one', () => {
    const r = one(
      item21({
        declaration: `<responseDeclaration identifier="R1" cardinality="single" baseType="identifier"><correctResponse><value> z </value></correctResponse></responseDeclaration>`,
        body: `<choiceInteraction responseIdentifier="R1"><prompt>Count.</prompt><simpleChoice identifier="x">One</simpleChoice><simpleChoice identifier="y">Two</simpleChoice><simpleChoice identifier="z">Three</simpleChoice><simpleChoice identifier="w">Four</simpleChoice><simpleChoice identifier="v">Five</simpleChoice></choiceInteraction>`,
      }),
    );
    expect(r.problems).toEqual([]);
    expect(r.bank.items[0]!.options.map((o) => o.id)).toEqual(['A', 'B', 'C', 'D', 'E']);
    expect(r.bank.items[0]!.key).toBe('C');
    expect(r.origins[0]!.choiceIdentifiers).toEqual(['x', 'y', 'z', 'w', 'v']);
  });

  it('keeps paragraphs, line breaks, list items and table cells as plain text', () => {
    const r = one(
      item21({
        body: `<p>Line one<br/>line   two</p><ul><li>first</li><li>second</li></ul><table><tr><td>a</td><td>b</td></tr></table>
          <rubricBlock view="scorer"><p>Scorer notes</p></rubricBlock>
          <choiceInteraction responseIdentifier="RESPONSE"><prompt>Pick <b>one</b>.</prompt>
            <simpleChoice identifier="A">A<sub>1</sub></simpleChoice><simpleChoice identifier="B">B</simpleChoice><simpleChoice identifier="C">C<feedbackInline outcomeIdentifier="F" identifier="C">no</feedbackInline></simpleChoice>
          </choiceInteraction>
          <p>Read the label first.</p>`,
      }),
    );
    expect(r.problems).toEqual([]);
    const it0 = r.bank.items[0]!;
    expect(it0.stem).toBe('Line one\nline two\n\nfirst\n\nsecond\n\na | b\n\nPick one.\n\nRead the label first.');
    expect(it0.options.map((o) => o.text)).toEqual(['A1', 'B', 'C']);
  });

  const unsupported: [string, Parameters<typeof item21>[0], string][] = [
    ['two choices', { body: `<choiceInteraction responseIdentifier="RESPONSE"><simpleChoice identifier="A">a</simpleChoice><simpleChoice identifier="B">b</simpleChoice></choiceInteraction>` }, 'has 2 choices; items need 3 to 5 options'],
    [
      'six choices',
      { body: `<choiceInteraction responseIdentifier="RESPONSE">${'ABCDEF'.split('').map((c) => `<simpleChoice identifier="${c}">${c}</simpleChoice>`).join('')}</choiceInteraction>` },
      'has 6 choices; items need 3 to 5 options',
    ],
    ['a key that is no choice', { declaration: `<responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier"><correctResponse><value>Q</value></correctResponse></responseDeclaration>` }, 'the correct response "Q" is not one of the choices (A, B, C)'],
    [
      'two correct values',
      { declaration: `<responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier"><correctResponse><value>A</value><value>B</value></correctResponse></responseDeclaration>` },
      'response RESPONSE has 2 correct values; a single-response item has one',
    ],
    ['an undeclared response', { declaration: '' }, 'response "RESPONSE" is not declared'],
    [
      'maxChoices 0',
      { body: `<choiceInteraction responseIdentifier="RESPONSE" maxChoices="0"><simpleChoice identifier="A">a</simpleChoice><simpleChoice identifier="B">b</simpleChoice><simpleChoice identifier="C">c</simpleChoice></choiceInteraction>` },
      'choiceInteraction has maxChoices 0; only single-response items (cardinality single, maxChoices 1) are imported',
    ],
    [
      'a repeated choice identifier',
      { body: `<choiceInteraction responseIdentifier="RESPONSE"><simpleChoice identifier="A">a</simpleChoice><simpleChoice identifier="B">b</simpleChoice><simpleChoice identifier="A">c</simpleChoice></choiceInteraction>` },
      'choice identifier "A" appears twice',
    ],
    ['no interaction', { body: '<p>Just text.</p>' }, 'has no interaction; only items with one choice interaction are imported'],
    ['a shared stimulus', { body: `<assessmentStimulusRef identifier="s1" href="s1.xml"/>` }, 'refers to a shared stimulus (assessmentStimulusRef); items with shared stimuli are not imported'],
    ['a feedback only for wrong answers', { after: `<modalFeedback outcomeIdentifier="FEEDBACK" identifier="incorrect" showHide="show">Try again.</modalFeedback>` }, 'no rationale: no modal feedback is shown for the correct answer'],
    [
      'no KWA anywhere',
      { label: 'Safety showers' },
      'no KWA: neither the KWA mapping nor the item\'s metadata, test category, data-kwa or label gives a KWA code like "SAF-04" (values found: label "Safety showers")',
    ],
  ];
  it.each(unsupported)('reports %s', (_what, parts, reason) => {
    const r = one(item21(parts));
    expect(r.problems.map((p) => p.message)).toEqual([`item "q1": ${reason}`]);
    const lenient = one(item21(parts), { ...defaults, lenient: true });
    expect(lenient.problems).toEqual([]);
    expect(lenient.skipped).toEqual([{ file: 'item.xml', itemId: 'q1', reason }]);
  });

  it('checks the converted item against our format and names the choice', () => {
    const r = one(item21({ body: `<p>Stem.</p><choiceInteraction responseIdentifier="RESPONSE"><simpleChoice identifier="c1">a</simpleChoice><simpleChoice identifier="c2"> </simpleChoice><simpleChoice identifier="B">c</simpleChoice></choiceInteraction>` }));
    expect(r.problems.map((p) => p.message)).toEqual(['item "q1": choice "c2" (option B): option text must not be empty']);
  });

  it('reports an image missing from a loose upload and one embedded as a data: URI', () => {
    const missing = one(item21({ body: `<p><img src="img/shower.png" alt=""/></p>` + item21().match(/<choiceInteraction[\s\S]*<\/choiceInteraction>/)![0] }));
    expect(missing.problems.map((p) => [p.line, p.message])).toEqual([[5, 'item "q1": image "img/shower.png" is not in the package']]);
    const choices = item21().match(/<choiceInteraction[\s\S]*<\/choiceInteraction>/)![0];
    const withImage = importQti([xmlUpload('q/item.xml', item21({ body: `<p><img src="img/shower.png" alt="A green safety shower sign"/></p>` + choices })), { name: 'q/img/shower.png', bytes: new Uint8Array([1, 2, 3]) }], defaults);
    expect(withImage.problems).toEqual([]);
    expect(withImage.bank.items[0]!.stem).toBe('Which colour marks a safety shower?');
    expect(withImage.bank.items[0]!.image).toEqual({ src: 'q/img/shower.png', alt: 'A green safety shower sign' });
    expect(withImage.assets).toEqual([{ path: 'q/img/shower.png', bytes: new Uint8Array([1, 2, 3]) }]);
    const noAlt = importQti([xmlUpload('q/item.xml', item21({ body: `<p><img src="img/shower.png"/></p>` + choices })), { name: 'q/img/shower.png', bytes: new Uint8Array([1, 2, 3]) }], defaults);
    expect(noAlt.problems.map((p) => p.message)).toEqual(['item "q1": image "q/img/shower.png" in the stem has no alt text; write what it shows in alt="…" (screen readers read it)']);
    const two = importQti([xmlUpload('q/item.xml', item21({ body: `<p><img src="img/shower.png" alt="a"/><img src="img/shower.png" alt="b"/></p>` + choices })), { name: 'q/img/shower.png', bytes: new Uint8Array([1, 2, 3]) }], defaults);
    expect(two.problems.map((p) => p.message)).toEqual(['item "q1": the stem shows more than one image ("q/img/shower.png", "q/img/shower.png"); an item shows one image under its stem and one in each option']);
    const data = one(item21({ body: `<p><img src="data:image/png;base64,AAAA"/></p>` + choices }));
    expect(data.problems.map((p) => p.message)).toEqual(['item "q1": an image is embedded as a data: URI; put it in the package as a file and reference it']);
  });

  it('derives ids deterministically and reports collisions', () => {
    expect(itemIdFor('SAF', 'SAF-001')).toBe('SAF-001');
    expect(itemIdFor('QPM', 'SAF-001')).toBe('QPM-SAF-001');
    expect(itemIdFor('SAF', 'item_1')).toBe('SAF-item-1');
    expect(itemIdFor('SAF', ' ? ')).toBe('SAF-item');
    const long = 'i'.repeat(50);
    expect(itemIdFor('SAF', long)).toBe(`SAF-${'i'.repeat(31)}-${itemIdFor('SAF', long).slice(-8)}`);
    expect(itemIdFor('SAF', long)).toMatch(/^SAF-i{31}-[0-9a-f]{8}$/);
    expect(itemIdFor('SAF', long)).not.toBe(itemIdFor('SAF', long + 'j'));
    const r = importQti([xmlUpload('a.xml', item21({ identifier: 'item_1' })), xmlUpload('b.xml', item21({ identifier: 'item 1' }))], defaults);
    expect(r.bank.items.map((i) => i.id)).toEqual(['SAF-item-1']);
    expect(r.problems).toEqual([
      { file: 'b.xml', pointer: '/assessmentItem', line: 2, column: 1, message: 'item id SAF-item-1 (from identifier "item 1") is already used by the item with identifier "item_1" in a.xml' },
    ]);
  });

  it('refuses files that are not QTI items', () => {
    expect(one('<html><body/></html>').problems.map((p) => p.message)).toEqual(['not a QTI 2.1, 2.2 or 3.0 assessment item: the root element is <html>']);
    expect(one('<assessmentItem xmlns="urn:other" identifier="x"/>').problems.map((p) => p.message)).toEqual([
      'not a QTI 2.1, 2.2 or 3.0 assessment item: <assessmentItem> is in namespace "urn:other"',
    ]);
    expect(one('<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1"/>').problems.map((p) => p.message)).toEqual(['the assessment item has no identifier']);
    expect(importQti([{ name: 'x.xml', bytes: new Uint8Array([0x3c, 0x61, 0xff, 0x2f, 0x3e]) }], defaults).problems).toEqual([
      { file: 'x.xml', pointer: '', message: 'the file is not valid UTF-8 text; save it as UTF-8' },
    ]);
  });
});

describe('QTI import: package safety', () => {
  it('refuses members and upload names that leave the package', () => {
    const pkg = zippedFixture('qti30-package', (files) => (files['../evil.xml'] = new Uint8Array([1])));
    const r = importQti([pkg], { kwaMapping: { byCategory: { monitoring: 'MPP-08' } }, lenient: true });
    expect(r.problems).toEqual([{ file: 'qti30-package.zip/../evil.xml', pointer: '', message: 'package member ../evil.xml has a path that leaves the package (".." or a drive letter)' }]);
    expect(importQti([xmlUpload('../item.xml', item21())], defaults).problems).toEqual([{ file: '../item.xml', pointer: '', message: 'the file name must be a relative path without ".."' }]);
  });
});

describe('QTI import: loose uploads', () => {
  it('uses a loose test for categories, leaves loose images alone, and reads an extension-less XML upload', () => {
    const test = `<assessmentTest xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="t" title="t"><testPart identifier="p" navigationMode="linear" submissionMode="individual"><assessmentSection identifier="s" title="s" visible="true"><assessmentItemRef identifier="r" href="Items/Q1.XML" category="showers"/></assessmentSection></testPart></assessmentTest>`;
    const r = importQti(
      [xmlUpload('test.xml', test), xmlUpload('items/q1.xml', item21({ label: 'x' })), xmlUpload('items/chart.svg', '<svg xmlns="http://www.w3.org/2000/svg"/>'), xmlUpload('upload', item21({ identifier: 'q2' }))],
      { kwaMapping: { byCategory: { showers: 'SAF-08' } } },
    );
    expect(r.problems).toEqual([]);
    expect(r.bank.items.map((i) => [i.id, i.kwa])).toEqual([
      ['SAF-q1', 'SAF-08'],
      ['SAF-q2', 'SAF-04'],
    ]);
  });
});

describe('QTI import: remaining messages', () => {
  it('reports an item without body and an item resource without href', () => {
    const noBody = `<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="q9" label="SAF-04"><responseDeclaration identifier="RESPONSE" cardinality="single"/></assessmentItem>`;
    expect(importQti([xmlUpload('q9.xml', noBody)], defaults).problems.map((p) => p.message)).toEqual(['item "q9": has no item body']);
    const manifest = `<manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"><resources>\n  <resource identifier="r1" type="imsqti_item_xmlv2p1"><file href="q1.xml"/></resource>\n</resources></manifest>`;
    expect(importQti([xmlUpload('imsmanifest.xml', manifest), xmlUpload('q1.xml', item21())], defaults).problems).toEqual([
      { file: 'imsmanifest.xml', pointer: '/manifest/resources/resource', line: 2, column: 3, message: 'resource "r1" of type imsqti_item_xmlv2p1 has no href naming its item file' },
    ]);
    expect(importQti([xmlUpload('imsmanifest.xml', '<package/>')], defaults).problems.map((p) => p.message)).toEqual(['the root element is <package>, not <manifest>']);
  });
});
