/**
 * QTI 3.0 export of a bank: an IMS content package (zip) holding
 * - imsmanifest.xml: one resource per item, its metadata qtiMetadata then LOM (the order the QTI 3.0 content-package
 *   profile requires): a classification module → KWA, and a `cpt-exam` classification whose taxa carry status, topics,
 *   enemy groups and statistics for the round trip; a test resource and the bank-data resource;
 * - items/<id>.xml: one qti-assessment-item per item (qti-choice-interaction, the correct response, and the rationale
 *   as a qti-modal-feedback shown for the correct answer);
 * - tests/cpt-bank.xml: a qti-assessment-test with one section per KWA, `category` on every item reference;
 * - cpt-bank.json: the BankFile without its items (catalogs, blueprints, enemy groups with reasons).
 * - the images items show (media/<sha256>.<ext> for stored images, else their path), as <img> in the item body.
 * importQti(export(bank)) gives the bank back unchanged. Deterministic: the same bank gives the same bytes. Pure.
 */
import { imagesOf, MEDIA_REF, type BankFile, type ImageRef, type Item } from '../../../../../shared/item-bank-format.ts';
import { EXTENSION, type MediaType } from './media-check.ts';
import { BANK_DATA_FILE, CP_V3_NS, CPT_DATA_PURPOSE, CPT_DATA_SOURCE, LOM_NS, QTI_METADATA_V3_NS, QTI_NS, XSI_NS, esc } from './qti-common.ts';
import { writeZip } from './zip-archive.ts';

const XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>\n';
const TEST_PATH = 'tests/cpt-bank.xml';
const itemPath = (item: Item) => `items/${item.id}.xml`;

/** Characters XML 1.0 cannot carry, even as references. */
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function checkText(item: Item, field: string, text: string): void {
  const bad = FORBIDDEN.exec(text);
  if (bad) {
    const code = bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    throw new Error(`item ${item.id}: the ${field} contains U+${code}, which XML cannot carry; remove it before exporting`);
  }
}

/** Text → <p> paragraphs: a blank line separates paragraphs, a single line break becomes <br/>. */
function paragraphs(text: string, indent: string): string {
  return text
    .split(/\n[ \t]*\n\s*/)
    .map((para) => `${indent}<p>${para.split('\n').map((line) => esc(line.trim())).join('<br/>')}</p>`)
    .join('\n');
}

/** Bytes of an item's image by its `src` (stored images: `sha256:<hex>`). */
export type ImageSource = (src: string) => { mediaType: string; bytes: Uint8Array } | undefined;

/** Where an image sits in the package: stored images by hash, images named by path (an unstored bank file) there. */
export function packagePath(ref: ImageRef, mediaType: string): string {
  return MEDIA_REF.test(ref.src) ? `media/${ref.src.slice(7)}.${EXTENSION[mediaType as MediaType] ?? 'bin'}` : ref.src.replaceAll('\\', '/');
}

const imgTag = (ref: ImageRef, paths: Map<string, string>) => `<img src="${esc(encodeURI(`../${paths.get(ref.src)!}`))}" alt="${esc(ref.alt)}"/>`;

export function itemXml(item: Item, paths: Map<string, string> = new Map()): string {
  checkText(item, 'stem', item.stem);
  checkText(item, 'rationale', item.rationale);
  item.options.forEach((o) => checkText(item, `option ${o.id} text`, o.text));
  imagesOf(item).forEach((m) => checkText(item, 'image alt text', m.ref.alt));
  const choices = item.options
    .map((o) => `      <qti-simple-choice identifier="${o.id}">${o.text.split('\n').map((l) => esc(l.trim())).join('<br/>')}${o.image ? ` ${imgTag(o.image, paths)}` : ''}</qti-simple-choice>`)
    .join('\n');
  return `${XML_DECL}<qti-assessment-item xmlns="${QTI_NS.v3p0}" xmlns:xsi="${XSI_NS}"
    xsi:schemaLocation="${QTI_NS.v3p0} https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqti_asiv3p0_v1p0.xsd"
    identifier="${esc(item.id)}" title="${esc(item.id)}" adaptive="false" time-dependent="false" xml:lang="en">
  <qti-response-declaration identifier="RESPONSE" cardinality="single" base-type="identifier">
    <qti-correct-response>
      <qti-value>${esc(item.key)}</qti-value>
    </qti-correct-response>
  </qti-response-declaration>
  <qti-outcome-declaration identifier="SCORE" cardinality="single" base-type="float">
    <qti-default-value>
      <qti-value>0</qti-value>
    </qti-default-value>
  </qti-outcome-declaration>
  <qti-outcome-declaration identifier="FEEDBACK" cardinality="single" base-type="identifier"/>
  <qti-item-body>
${paragraphs(item.stem, '    ')}${item.image ? `\n    <p>${imgTag(item.image, paths)}</p>` : ''}
    <qti-choice-interaction response-identifier="RESPONSE" shuffle="false" max-choices="1">
${choices}
    </qti-choice-interaction>
  </qti-item-body>
  <qti-response-processing>
    <qti-response-condition>
      <qti-response-if>
        <qti-match>
          <qti-variable identifier="RESPONSE"/>
          <qti-correct identifier="RESPONSE"/>
        </qti-match>
        <qti-set-outcome-value identifier="SCORE">
          <qti-base-value base-type="float">1</qti-base-value>
        </qti-set-outcome-value>
        <qti-set-outcome-value identifier="FEEDBACK">
          <qti-base-value base-type="identifier">CORRECT</qti-base-value>
        </qti-set-outcome-value>
      </qti-response-if>
      <qti-response-else>
        <qti-set-outcome-value identifier="FEEDBACK">
          <qti-base-value base-type="identifier">INCORRECT</qti-base-value>
        </qti-set-outcome-value>
      </qti-response-else>
    </qti-response-condition>
  </qti-response-processing>
  <qti-modal-feedback outcome-identifier="FEEDBACK" identifier="CORRECT" show-hide="show" title="Rationale">
    <qti-content-body>
${paragraphs(item.rationale, '      ')}
    </qti-content-body>
  </qti-modal-feedback>
</qti-assessment-item>
`;
}

function kwaTitles(bank: BankFile): Map<string, string> {
  const titles = new Map<string, string>();
  for (const m of bank.modules) {
    titles.set(m.code, m.title);
    for (const k of m.kwaCatalog.kwas) titles.set(k.code, k.title);
  }
  return titles;
}

/** KWA codes in the order the catalogs list them, then any others in item order. */
function kwaOrder(bank: BankFile): string[] {
  const order: string[] = [];
  for (const m of bank.modules) for (const k of m.kwaCatalog.kwas) if (!order.includes(k.code)) order.push(k.code);
  for (const item of bank.items) if (!order.includes(item.kwa)) order.push(item.kwa);
  return order.filter((k) => bank.items.some((i) => i.kwa === k));
}

function itemMetadata(item: Item, bank: BankFile, titles: Map<string, string>): string {
  const groups = bank.enemyGroups.filter((g) => g.itemIds.includes(item.id)).map((g) => g.id);
  const taxon = (id: string) => {
    const title = titles.get(id);
    return `              <lom:taxon>
                <lom:id>${esc(id)}</lom:id>${title ? `\n                <lom:entry><lom:string language="en">${esc(title)}</lom:string></lom:entry>` : ''}
              </lom:taxon>`;
  };
  // Our own round-trip data (status, topics, enemy groups, statistics) rides in a second LOM classification: the QTI 3.0
  // content-package profile allows only qtiMetadata, curriculumStandardsMetadataSet and lom (in that order) in a
  // resource's metadata, so a custom element there makes the manifest invalid.
  const stats = item.stats ? [`p=${item.stats.p}`, ...(item.stats.pointBiserial !== undefined ? [`pointBiserial=${item.stats.pointBiserial}`] : []), ...(item.stats.n !== undefined ? [`n=${item.stats.n}`] : [])].join(';') : null;
  const dataTaxa = [`status:${item.status}`, ...item.topics.map((t) => `topic:${t}`), ...groups.map((g) => `enemy-group:${g}`), ...(stats ? [`stats:${stats}`] : [])];
  return `      <metadata>
        <qti:qtiMetadata>
          <qti:interactionType>choiceInteraction</qti:interactionType>
          <qti:feedbackType>nonadaptive</qti:feedbackType>
          <qti:solutionAvailable>true</qti:solutionAvailable>
        </qti:qtiMetadata>
        <lom:lom>
          <lom:general>
            <lom:identifier><lom:catalog>cpt-exam</lom:catalog><lom:entry>${esc(item.id)}</lom:entry></lom:identifier>${item.topics.map((t) => `\n            <lom:keyword><lom:string language="en">${esc(t)}</lom:string></lom:keyword>`).join('')}
          </lom:general>
          <lom:classification>
            <lom:purpose><lom:source>LOMv1.0</lom:source><lom:value>discipline</lom:value></lom:purpose>
            <lom:taxonPath>
              <lom:source><lom:string language="en">MSSC CPT Key Work Activities</lom:string></lom:source>
${taxon(item.module)}
${taxon(item.kwa)}
            </lom:taxonPath>
          </lom:classification>
          <lom:classification>
            <lom:purpose><lom:source>${CPT_DATA_SOURCE}</lom:source><lom:value>${CPT_DATA_PURPOSE}</lom:value></lom:purpose>
            <lom:taxonPath>
              <lom:source><lom:string language="en">${CPT_DATA_SOURCE}</lom:string></lom:source>
${dataTaxa.map((id) => `              <lom:taxon><lom:id>${esc(id)}</lom:id></lom:taxon>`).join('\n')}
            </lom:taxonPath>
          </lom:classification>
        </lom:lom>
      </metadata>`;
}

export function manifestXml(bank: BankFile, paths: Map<string, string> = new Map()): string {
  const titles = kwaTitles(bank);
  const resources: string[] = [];
  if (bank.items.length > 0) {
    resources.push(`    <resource identifier="CPT-BANK-TEST" type="imsqti_test_xmlv3p0" href="${TEST_PATH}">
      <file href="${TEST_PATH}"/>
${bank.items.map((i) => `      <dependency identifierref="${esc(i.id)}"/>`).join('\n')}
    </resource>`);
  }
  for (const item of bank.items) {
    resources.push(`    <resource identifier="${esc(item.id)}" type="imsqti_item_xmlv3p0" href="${itemPath(item)}">
${itemMetadata(item, bank, titles)}
      <file href="${itemPath(item)}"/>${[...new Set(imagesOf(item).map((m) => paths.get(m.ref.src)!))].map((p) => `\n      <file href="${esc(encodeURI(p))}"/>`).join('')}
    </resource>`);
  }
  resources.push(`    <resource identifier="CPT-BANK-DATA" type="webcontent" href="${BANK_DATA_FILE}">
      <file href="${BANK_DATA_FILE}"/>
    </resource>`);
  return `${XML_DECL}<manifest xmlns="${CP_V3_NS}" xmlns:lom="${LOM_NS}" xmlns:qti="${QTI_METADATA_V3_NS}"
    xmlns:xsi="${XSI_NS}"
    xsi:schemaLocation="${CP_V3_NS} https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqtiv3p0_imscpv1p2_v1p0.xsd ${LOM_NS} https://purl.imsglobal.org/spec/md/v1p3/schema/xsd/imsmd_loose_v1p3p2.xsd"
    identifier="CPT-BANK-PACKAGE">
  <metadata>
    <schema>QTI Package</schema>
    <schemaversion>3.0.0</schemaversion>
  </metadata>
  <organizations/>
  <resources>
${resources.join('\n')}
  </resources>
</manifest>
`;
}

export function testXml(bank: BankFile): string {
  const titles = kwaTitles(bank);
  const sections = kwaOrder(bank).map((kwa) => {
    const refs = bank.items
      .filter((i) => i.kwa === kwa)
      .map((i) => `      <qti-assessment-item-ref identifier="${esc(i.id)}" href="../${itemPath(i)}" category="${esc(kwa)}"/>`)
      .join('\n');
    const title = titles.get(kwa);
    return `    <qti-assessment-section identifier="S-${esc(kwa)}" title="${esc(title ? `${kwa} ${title}` : kwa)}" visible="true">
${refs}
    </qti-assessment-section>`;
  });
  return `${XML_DECL}<qti-assessment-test xmlns="${QTI_NS.v3p0}" xmlns:xsi="${XSI_NS}"
    xsi:schemaLocation="${QTI_NS.v3p0} https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqti_asiv3p0_v1p0.xsd"
    identifier="CPT-BANK" title="CPT item bank">
  <qti-test-part identifier="P1" navigation-mode="nonlinear" submission-mode="simultaneous">
${sections.join('\n')}
  </qti-test-part>
</qti-assessment-test>
`;
}

/** The bank-data resource: the whole BankFile except its items. */
export function bankDataJson(bank: BankFile): string {
  const { items: _items, ...rest } = bank;
  return JSON.stringify(rest, null, 2) + '\n';
}

export function exportQtiPackage(bank: BankFile, images: ImageSource = () => undefined): Uint8Array {
  const enc = new TextEncoder();
  // Every image once, in bank order: the package is deterministic.
  const paths = new Map<string, string>();
  const media: { path: string; bytes: Uint8Array }[] = [];
  for (const item of bank.items) {
    for (const { ref } of imagesOf(item)) {
      if (paths.has(ref.src)) continue;
      const found = images(ref.src);
      if (!found) throw new Error(`item ${item.id}: image ${ref.src} has no stored bytes to export`);
      const path = packagePath(ref, found.mediaType);
      paths.set(ref.src, path);
      if (!media.some((m) => m.path === path)) media.push({ path, bytes: found.bytes });
    }
  }
  const files: { path: string; bytes: Uint8Array }[] = [{ path: 'imsmanifest.xml', bytes: enc.encode(manifestXml(bank, paths)) }];
  if (bank.items.length > 0) files.push({ path: TEST_PATH, bytes: enc.encode(testXml(bank)) });
  for (const item of bank.items) files.push({ path: itemPath(item), bytes: enc.encode(itemXml(item, paths)) });
  files.push(...media);
  files.push({ path: BANK_DATA_FILE, bytes: enc.encode(bankDataJson(bank)) });
  return writeZip(files);
}
