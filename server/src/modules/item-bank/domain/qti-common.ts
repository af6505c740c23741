/**
 * Names shared by the QTI import and export: namespaces, resource types, our `cpt:` manifest extension, and the
 * mapping between QTI 2.x element names (choiceInteraction) and QTI 3.0 ones (qti-choice-interaction).
 * See docs/qti-and-csv.md.
 */
import type { XmlElement } from './xml-reader.ts';

export const QTI_NS = {
  v2p0: 'http://www.imsglobal.org/xsd/imsqti_v2p0',
  v2p1: 'http://www.imsglobal.org/xsd/imsqti_v2p1',
  v2p2: 'http://www.imsglobal.org/xsd/imsqti_v2p2',
  v3p0: 'http://www.imsglobal.org/xsd/imsqtiasi_v3p0',
} as const;
export const ITEM_NAMESPACES: ReadonlySet<string> = new Set(Object.values(QTI_NS));

export const MATHML_NS = 'http://www.w3.org/1998/Math/MathML';
export const XHTML_NS = 'http://www.w3.org/1999/xhtml';
export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
export const LOM_NS = 'http://ltsc.ieee.org/xsd/LOM';
export const CP_V3_NS = 'http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1';
export const QTI_METADATA_V3_NS = 'http://www.imsglobal.org/xsd/imsqti_metadata_v3p0';

/**
 * Our extension namespace for the manifest metadata (module, KWA, status, topics, enemy groups, statistics).
 * A URN, so it names no host; documented in docs/qti-and-csv.md.
 */
export const CPT_NS = 'urn:cpt-exam:qti-bank:1';

/**
 * Exports since the QTI 3.0 manifest fix carry the same data as a LOM classification (purpose source/value below) whose
 * taxa are `status:…`, `topic:…`, `enemy-group:…` and `stats:p=…;pointBiserial=…;n=…`: the content-package profile
 * allows no foreign element in a resource's metadata. The importer reads both forms.
 */
export const CPT_DATA_SOURCE = 'cpt-exam';
export const CPT_DATA_PURPOSE = 'cpt-exam item data';

export const ITEM_RESOURCE_TYPES: ReadonlySet<string> = new Set(['imsqti_item_xmlv2p0', 'imsqti_item_xmlv2p1', 'imsqti_item_xmlv2p2', 'imsqti_item_xmlv3p0']);
export const TEST_RESOURCE_TYPES: ReadonlySet<string> = new Set(['imsqti_test_xmlv2p1', 'imsqti_test_xmlv2p2', 'imsqti_test_xmlv3p0']);
/** QTI 1.x resources ("imsqti_xmlv1p2", "imsqti_item_xmlv1p2"...): reported, never silently passed over. */
export const QTI1_RESOURCE_TYPE = /^imsqti_(item_)?xmlv1/i;

/** The bank data resource that makes an export lossless: the BankFile without its items. */
export const BANK_DATA_FILE = 'cpt-bank.json';

/**
 * The QTI 2.x camelCase name for an element or attribute name as written in either version:
 * "qti-choice-interaction" → "choiceInteraction", "max-choices" → "maxChoices"; 2.x names and HTML names unchanged.
 */
const canonicalCache = new Map<string, string>();
export function canonicalName(local: string): string {
  let name = canonicalCache.get(local);
  if (name === undefined) {
    const bare = local.startsWith('qti-') ? local.slice(4) : local;
    name = !bare.includes('-') || bare.startsWith('data-') ? bare : bare.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    if (canonicalCache.size < 10_000) canonicalCache.set(local, name);
  }
  return name;
}

/** The element's QTI 2.x name. */
export function qn(el: XmlElement): string {
  return canonicalName(el.local);
}

/** An unprefixed attribute by its QTI 2.x name, accepting the QTI 3.0 kebab-case spelling too. */
export function qattr(el: XmlElement, name: string): string | undefined {
  for (const a of el.attributes) {
    if (a.prefix === '' && canonicalName(a.local) === name) return a.value;
  }
  return undefined;
}

/** Collapses whitespace inside a value such as an identifier (real files carry `identifier=" A "`). */
export function squash(value: string | undefined): string {
  return (value ?? '').replace(/[ \t\r\n]+/g, ' ').trim();
}

/** Elements whose presence means template processing: such items are reported, never imported. */
export const TEMPLATE_ELEMENTS: ReadonlySet<string> = new Set([
  'templateDeclaration',
  'templateProcessing',
  'templateBlock',
  'templateInline',
  'templateVariable',
  'templateDefault',
  'templateConstraint',
  'setTemplateValue',
  'setCorrectResponse',
  'setDefaultValue',
]);

/** QTI 2.x interaction names that are not called "...Interaction". */
export function isInteraction(el: XmlElement): boolean {
  const n = qn(el);
  return n.endsWith('Interaction') || n === 'positionObjectStage';
}

/** Percent-decodes a URI reference leniently (a malformed escape is kept as written). */
export function decodeHref(href: string): string {
  try {
    return decodeURIComponent(href);
  } catch {
    return href;
  }
}

export function isExternalHref(href: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('//');
}

/** Joins a relative reference onto a folder ("items" + "../img/a.png" → "img/a.png"); null if it climbs out. */
export function joinPath(dir: string, href: string): string | null {
  const clean = href.replace(/\\/g, '/').replace(/[?#].*$/, '');
  const parts = clean.startsWith('/') ? [] : dir.split('/').filter((p) => p !== '');
  for (const seg of clean.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (parts.length === 0) return null;
      parts.pop();
    } else parts.push(seg);
  }
  return parts.join('/');
}

export function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

/** XML text escaping for element content and double-quoted attribute values. */
export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
