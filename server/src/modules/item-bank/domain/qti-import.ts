/**
 * QTI 2.1 / 2.2 / 3.0 import: loose assessment-item XML files and IMS content packages (zip + imsmanifest.xml) become
 * one BankFile. Only single-response choice items convert; every other item is reported by file, line:column and
 * identifier (or, with `lenient`, listed as skipped) — an item is never silently cut down. Pure: bytes in, data out.
 * The accepted input, the KWA mapping and every message are documented in docs/qti-and-csv.md.
 */
import type { Problem } from '../../../../../shared/errors.ts';
import { bankFileSchema, itemSchema, BANK_FORMAT_VERSION, type BankFile, type EnemyGroup, type Item, type ItemStats } from '../../../../../shared/item-bank-format.ts';
import { JsonSyntaxError, locate, parseJsonWithPositions, toPointer } from '../../../../../shared/json-source-map.ts';
import { OPTION_IDS, type ItemStatus, type ModuleCode } from '../../../../../shared/vocabulary.ts';
import {
  BANK_DATA_FILE,
  CPT_DATA_PURPOSE,
  CPT_NS,
  ITEM_NAMESPACES,
  ITEM_RESOURCE_TYPES,
  MATHML_NS,
  QTI1_RESOURCE_TYPE,
  TEMPLATE_ELEMENTS,
  TEST_RESOURCE_TYPES,
  XHTML_NS,
  decodeHref,
  dirOf,
  isExternalHref,
  isInteraction,
  joinPath,
  qattr,
  qn,
  squash,
} from './qti-common.ts';
import { XML_NS, XmlEncodingError, XmlSyntaxError, attr, childElements, decodeXmlBytes, descendants, elementPath, parseXml, textContent, type XmlElement, type XmlNode } from './xml-reader.ts';
import { looksLikeZip, readZip, safeMemberPath, ZipFormatError } from './zip-archive.ts';

/**
 * Where an item's KWA comes from, besides the built-in sources (see resolveKwa):
 * - byCategory: a test's item-reference `category` token → KWA code;
 * - byMetadata: values found at `path` (slash-separated element local names below the manifest resource's
 *   <metadata>, `*` for any element, a last `@name` for an attribute; a path starting with `item:` is read from the
 *   item's own XML, from its root element down), each turned into a KWA code through `map` (or used as written).
 */
export interface KwaMapping {
  byCategory?: Record<string, string>;
  byMetadata?: { path: string; map?: Record<string, string> }[];
}

export interface QtiImportOptions {
  kwaMapping: KwaMapping;
  /** Skip (and list) unconvertible items instead of reporting them as problems. */
  lenient?: boolean;
  /** Every item goes to this module; otherwise the module is the KWA code's prefix. */
  module?: ModuleCode;
  /** Every item gets this status; otherwise the package's cpt:status, otherwise "draft". */
  status?: ItemStatus;
}

export interface SkippedItem {
  file: string;
  /** The QTI identifier of the item, when it has one. */
  itemId?: string;
  reason: string;
}

export interface ImportedAsset {
  /** Path inside the package (or the uploaded file name), as the stem's "[image: …]" text names it. */
  path: string;
  bytes: Uint8Array;
}

/** Where an imported item came from; our format has no field for the original choice identifiers, so they are here. */
export interface ItemOrigin {
  itemId: string;
  file: string;
  line: number;
  column: number;
  /** The item's QTI identifier. */
  identifier: string;
  /** The original choice identifiers, in order: the first became option A, the second B, and so on. */
  choiceIdentifiers: string[];
}

export interface QtiImportResult {
  bank: BankFile;
  problems: Problem[];
  skipped: SkippedItem[];
  assets: ImportedAsset[];
  /** One per item of `bank.items`, in the same order. */
  origins: ItemOrigin[];
  /** JSON pointer into `bank` (/modules/…, /blueprints/…, /enemyGroups/…) → where it is in a package's cpt-bank.json. */
  bankDataOrigins: Record<string, { file: string; line: number; column: number }>;
}

const KWA_RE = /^[A-Za-z]{2,4}-\d{2}$/;
const ID_RE = /^[A-Z]{2,4}-[A-Za-z0-9][A-Za-z0-9-]{0,39}$/;

/** An item that cannot be converted: a problem in strict mode, a skipped entry in lenient mode. */
interface Unsupported {
  at: XmlElement;
  reason: string;
}

interface ItemRefInfo {
  categories: string[];
}

interface Package {
  /** "pkg.zip/" for a zip, "" for loose files: prefixed to member paths in messages. */
  label: string;
  members: Map<string, Uint8Array>;
}

class ImportState {
  readonly problems: Problem[] = [];
  readonly skipped: SkippedItem[] = [];
  readonly items: Item[] = [];
  readonly origins: ItemOrigin[] = [];
  readonly assets = new Map<string, Uint8Array>();
  readonly ids = new Map<string, { identifier: string; file: string }>();
  readonly groupsFromMetadata = new Map<string, string[]>();
  bankData: Omit<BankFile, 'items'> | null = null;
  readonly bankDataOrigins: QtiImportResult['bankDataOrigins'] = {};

  constructor(readonly options: QtiImportOptions) {}

  problem(file: string, message: string, at?: XmlElement | { line: number; column: number }, pointer = ''): void {
    const where = at ? { line: at.line, column: at.column } : {};
    const ptr = pointer || (at && 'type' in at ? elementPath(at) : '');
    this.problems.push({ file, pointer: ptr, ...where, message });
  }
}

export function importQti(files: { name: string; bytes: Uint8Array }[], options: QtiImportOptions): QtiImportResult {
  const state = new ImportState(options);
  const loose: Package = { label: '', members: new Map() };
  for (const f of files) {
    if (/\.zip$/i.test(f.name) || looksLikeZip(f.bytes)) importZip(f, state);
    else {
      const path = safeMemberPath(f.name);
      if (path === null) state.problem(f.name, 'the file name must be a relative path without ".."');
      else loose.members.set(path, f.bytes);
    }
  }
  if (loose.members.size > 0) importPackage(loose, state, true);

  const meta = state.bankData;
  const enemyGroups: EnemyGroup[] =
    meta?.enemyGroups ?? [...state.groupsFromMetadata].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([id, itemIds]) => ({ id, itemIds }));
  const bank: BankFile = {
    ...(meta?.$schema !== undefined ? { $schema: meta.$schema } : {}),
    formatVersion: BANK_FORMAT_VERSION,
    modules: meta?.modules ?? [],
    blueprints: meta?.blueprints ?? [],
    enemyGroups,
    items: state.items,
  };
  return {
    bank,
    problems: state.problems,
    skipped: state.skipped,
    assets: [...state.assets].map(([path, bytes]) => ({ path, bytes })),
    origins: state.origins,
    bankDataOrigins: state.bankDataOrigins,
  };
}

function importZip(file: { name: string; bytes: Uint8Array }, state: ImportState): void {
  let contents;
  try {
    contents = readZip(file.bytes);
  } catch (e) {
    if (!(e instanceof ZipFormatError)) throw e;
    state.problem(file.name, `not a readable zip archive (${e.message})`);
    return;
  }
  for (const r of contents.refused) state.problem(`${file.name}/${r.path}`, `package member ${r.path} ${r.reason}`);
  importPackage({ label: `${file.name}/`, members: contents.members }, state, false);
}

// ---- package level ------------------------------------------------------------------------------------------------

function findMember(pkg: Package, path: string): string | undefined {
  if (pkg.members.has(path)) return path;
  const decoded = decodeHref(path);
  if (pkg.members.has(decoded)) return decoded;
  const lower = decoded.toLowerCase();
  const hits = [...pkg.members.keys()].filter((k) => k.toLowerCase() === lower);
  return hits.length === 1 ? hits[0] : undefined;
}

function readXml(pkg: Package, path: string, state: ImportState): XmlElement | null {
  const file = pkg.label + path;
  try {
    return parseXml(decodeXmlBytes(pkg.members.get(path)!));
  } catch (e) {
    if (e instanceof XmlSyntaxError) state.problem(file, `malformed XML: ${e.message}`, { line: e.line, column: e.column });
    else if (e instanceof XmlEncodingError) state.problem(file, e.message);
    else throw e;
    return null;
  }
}

function importPackage(pkg: Package, state: ImportState, loose: boolean): void {
  const manifests = [...pkg.members.keys()].filter((p) => p.split('/').pop()!.toLowerCase() === 'imsmanifest.xml');
  const manifest = manifests.find((p) => !p.includes('/')) ?? (manifests.length === 1 && manifests[0]!.split('/').length === 2 ? manifests[0] : undefined);
  if (manifest) return importWithManifest(pkg, manifest, state);
  if (!loose) {
    state.problem(pkg.label.replace(/\/$/, ''), 'the package has no imsmanifest.xml at its root; a QTI content package lists its items in one');
    return;
  }
  importLooseFiles(pkg, state);
}

function importLooseFiles(pkg: Package, state: ImportState): void {
  const docs: { path: string; root: XmlElement }[] = [];
  for (const path of pkg.members.keys()) {
    const bytes = pkg.members.get(path)!;
    // XML files, and extension-less uploads that start like XML; images (.svg too) and other assets are not parsed.
    const base = path.split('/').pop()!;
    if (!/\.xml$/i.test(base) && !(!base.includes('.') && startsLikeXml(bytes))) continue;
    const root = readXml(pkg, path, state);
    if (root) docs.push({ path, root });
  }
  const refs = new Map<string, ItemRefInfo>();
  for (const d of docs) if (qn(d.root) === 'assessmentTest') collectItemRefs(pkg, d.root, d.path, refs);
  for (const d of docs) {
    const name = qn(d.root);
    if (name === 'assessmentTest') continue;
    if (name === 'assessmentItem') importItem(pkg, d.path, d.root, null, refs.get(d.path), state);
    else if (d.root.local === 'questestinterop') unsupportedFile(pkg.label + d.path, d.root, 'QTI 1.x (questestinterop) is not supported; export the items as QTI 2.1, 2.2 or 3.0', state);
    else state.problem(pkg.label + d.path, `not a QTI 2.1, 2.2 or 3.0 assessment item: the root element is <${d.root.name}>`, d.root);
  }
}

function startsLikeXml(bytes: Uint8Array): boolean {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++;
  return bytes[i] === 0x3c;
}

/** A whole file or resource that cannot be converted (QTI 1.x): a problem, or in lenient mode a skipped entry. */
function unsupportedFile(file: string, at: XmlElement, reason: string, state: ImportState): void {
  if (state.options.lenient) state.skipped.push({ file, reason });
  else state.problem(file, reason, at);
}

/** Resolves xml:base on the element and its ancestors into a folder prefix. */
function xmlBase(el: XmlElement): string {
  let base = '';
  for (let e: XmlElement | null = el; e; e = e.parent) {
    const b = e.attributes.find((a) => a.ns === XML_NS && a.local === 'base')?.value;
    if (b) base = b.replace(/\/?$/, '/') + base;
  }
  return base;
}

function importWithManifest(pkg: Package, manifestPath: string, state: ImportState): void {
  const manifestFile = pkg.label + manifestPath;
  const root = readXml(pkg, manifestPath, state);
  if (!root) return;
  if (root.local !== 'manifest') {
    state.problem(manifestFile, `the root element is <${root.name}>, not <manifest>`, root);
    return;
  }
  const baseDir = dirOf(manifestPath);
  const resources = descendants(root).filter((e) => e.local === 'resource' && e.parent?.local === 'resources');
  const reported = new Set<string>();
  const itemResources: { resource: XmlElement; path: string }[] = [];
  const testPaths: string[] = [];
  for (const resource of resources) {
    const id = squash(attr(resource, 'identifier'));
    const type = squash(attr(resource, 'type'));
    const base = xmlBase(resource);
    const resolve = (href: string) => joinPath(baseDir, base + decodeHref(href.trim()));
    const check = (href: string, at: XmlElement, what: string): string | undefined => {
      if (isExternalHref(href)) return undefined;
      const path = resolve(href);
      const found = path === null ? undefined : findMember(pkg, path);
      if (!found && !reported.has(`${id}\u0000${path}`)) {
        reported.add(`${id}\u0000${path}`);
        state.problem(manifestFile, `resource "${id}" ${what} "${path ?? href}", which is not in the package`, at);
      }
      return found;
    };
    const href = attr(resource, 'href');
    const main = href ? check(href, resource, 'names file') : undefined;
    for (const f of childElements(resource).filter((e) => e.local === 'file')) {
      const fh = attr(f, 'href');
      if (fh) check(fh, f, 'lists file');
    }
    const isItemType = ITEM_RESOURCE_TYPES.has(type);
    if (isItemType && !href) state.problem(manifestFile, `resource "${id}" of type ${type} has no href naming its item file`, resource);
    if (QTI1_RESOURCE_TYPE.test(type)) {
      unsupportedFile(manifestFile, resource, `resource "${id}" is QTI 1.x (${type}), which is not supported; export the items as QTI 2.1, 2.2 or 3.0`, state);
      continue;
    }
    if (!main) continue;
    if (isItemType) itemResources.push({ resource, path: main });
    else if (TEST_RESOURCE_TYPES.has(type)) testPaths.push(main);
    else if (main.split('/').pop() === BANK_DATA_FILE) readBankData(pkg, main, state);
  }
  const refs = new Map<string, ItemRefInfo>();
  for (const path of testPaths) {
    const test = readXml(pkg, path, state);
    if (test) collectItemRefs(pkg, test, path, refs);
  }
  for (const { resource, path } of itemResources) {
    const item = readXml(pkg, path, state);
    if (!item) continue;
    const metadata = childElements(resource).find((e) => e.local === 'metadata') ?? null;
    if (qn(item) !== 'assessmentItem') {
      state.problem(pkg.label + path, `not a QTI 2.1, 2.2 or 3.0 assessment item: the root element is <${item.name}>`, item);
      continue;
    }
    importItem(pkg, path, item, metadata, refs.get(path), state);
  }
}

/** Category tokens of each item reference in a test, keyed by the package path of the item file. */
function collectItemRefs(pkg: Package, test: XmlElement, testPath: string, refs: Map<string, ItemRefInfo>): void {
  for (const ref of descendants(test).filter((e) => qn(e) === 'assessmentItemRef')) {
    const href = attr(ref, 'href');
    if (!href || isExternalHref(href)) continue;
    const resolved = joinPath(dirOf(testPath), decodeHref(href.trim()));
    const path = resolved === null ? undefined : (findMember(pkg, resolved) ?? resolved);
    if (path === undefined) continue;
    const categories = squash(qattr(ref, 'category')).split(' ').filter((c) => c !== '');
    const entry = refs.get(path) ?? { categories: [] };
    for (const c of categories) if (!entry.categories.includes(c)) entry.categories.push(c);
    refs.set(path, entry);
  }
}

const bankDataSchema = bankFileSchema.omit({ items: true });

function readBankData(pkg: Package, path: string, state: ImportState): void {
  const file = pkg.label + path;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(pkg.members.get(path)!).replace(/^\uFEFF/, '');
  } catch {
    state.problem(file, 'the file is not valid UTF-8 text; save it as UTF-8');
    return;
  }
  let json;
  try {
    json = parseJsonWithPositions(text);
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    state.problem(file, `malformed JSON: ${e.message.replace(/ at line \d+, column \d+$/, '')}`, { line: e.line, column: e.column });
    return;
  }
  const parsed = bankDataSchema.safeParse(json.value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const pointer = toPointer(issue.path);
      const pos = locate(json.positions, pointer);
      const message = issue.code === 'unrecognized_keys' ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}` : issue.message;
      state.problems.push({ file, pointer, ...(pos ?? {}), message });
    }
    return;
  }
  const prev = state.bankData;
  const offsets: Record<string, number> = { modules: prev?.modules.length ?? 0, blueprints: prev?.blueprints.length ?? 0, enemyGroups: prev?.enemyGroups.length ?? 0 };
  for (const [pointer, pos] of json.positions) {
    const m = /^\/(modules|blueprints|enemyGroups)\/(\d+)(.*)$/.exec(pointer);
    if (m) state.bankDataOrigins[`/${m[1]}/${Number(m[2]) + offsets[m[1]!]!}${m[3]}`] = { file, line: pos.line, column: pos.column };
  }
  state.bankData = prev
    ? { ...prev, modules: [...prev.modules, ...parsed.data.modules], blueprints: [...prev.blueprints, ...parsed.data.blueprints], enemyGroups: [...prev.enemyGroups, ...parsed.data.enemyGroups] }
    : parsed.data;
}

// ---- item level ---------------------------------------------------------------------------------------------------

function importItem(pkg: Package, path: string, root: XmlElement, metadata: XmlElement | null, ref: ItemRefInfo | undefined, state: ImportState): void {
  const file = pkg.label + path;
  if (!ITEM_NAMESPACES.has(root.ns) && root.ns !== '') {
    state.problem(file, `not a QTI 2.1, 2.2 or 3.0 assessment item: <${root.name}> is in namespace "${root.ns}"`, root);
    return;
  }
  const identifier = squash(attr(root, 'identifier'));
  if (identifier === '') {
    state.problem(file, 'the assessment item has no identifier', root);
    return;
  }
  const say = (m: string) => `item "${identifier}": ${m}`;
  const unsupported = checkStructure(root);
  if (unsupported.length === 0) {
    const conv = convertChoiceItem(pkg, path, root, metadata, ref, identifier, state);
    unsupported.push(...conv.unsupported);
    if (unsupported.length === 0 && conv.build) {
      const { item, choiceIds, assetProblems, enemyGroups } = conv.build();
      if (assetProblems) return; // missing images are reported; the item is not imported
      finishItem(item, { itemId: item.id, file, line: root.line, column: root.column, identifier, choiceIdentifiers: choiceIds }, enemyGroups, root, state);
      return;
    }
  }
  if (state.options.lenient) {
    state.skipped.push({ file, itemId: identifier, reason: unsupported.map((u) => u.reason).join('; ') });
  } else {
    for (const u of unsupported) state.problem(file, say(u.reason), u.at);
  }
}

/** Template processing, shared stimuli, and the interaction count and type. */
function checkStructure(root: XmlElement): Unsupported[] {
  const all = descendants(root);
  const template = all.find((e) => TEMPLATE_ELEMENTS.has(qn(e)));
  if (template) return [{ at: template, reason: `uses template processing (${template.name}); items with template variables are not imported` }];
  const stimulus = all.find((e) => qn(e) === 'assessmentStimulusRef');
  if (stimulus) return [{ at: stimulus, reason: `refers to a shared stimulus (${stimulus.name}); items with shared stimuli are not imported` }];
  const body = childElements(root).find((e) => qn(e) === 'itemBody');
  if (!body) return [{ at: root, reason: 'has no item body' }];
  const interactions = descendants(body).filter(isInteraction);
  if (interactions.length === 0) return [{ at: body, reason: 'has no interaction; only items with one choice interaction are imported' }];
  if (interactions.length > 1) {
    return [{ at: interactions[1]!, reason: `has ${interactions.length} interactions (${interactions.map((i) => i.name).join(', ')}); only items with exactly one choice interaction are imported` }];
  }
  const interaction = interactions[0]!;
  if (qn(interaction) !== 'choiceInteraction') return [{ at: interaction, reason: `${interaction.name} is not supported; only single-response choice interactions are imported` }];
  return [];
}

interface Conversion {
  unsupported: Unsupported[];
  build?: () => { item: Record<string, unknown> & { id: string }; choiceIds: string[]; assetProblems: boolean; enemyGroups: string[] };
}

function convertChoiceItem(
  pkg: Package,
  path: string,
  root: XmlElement,
  metadata: XmlElement | null,
  ref: ItemRefInfo | undefined,
  identifier: string,
  state: ImportState,
): Conversion {
  const unsupported: Unsupported[] = [];
  const body = childElements(root).find((e) => qn(e) === 'itemBody')!;
  const interaction = descendants(body).find(isInteraction)!;
  const responseId = squash(qattr(interaction, 'responseIdentifier'));
  const declaration = childElements(root).find((e) => qn(e) === 'responseDeclaration' && squash(attr(e, 'identifier')) === responseId);

  const maxChoices = squash(qattr(interaction, 'maxChoices')) || '1';
  let correct: string | undefined;
  if (!declaration) return { unsupported: [{ at: interaction, reason: `response "${responseId}" is not declared` }] };
  const cardinality = squash(attr(declaration, 'cardinality'));
  // A multiple-response item is unsupported as a whole: its key, choices and feedback are not looked at.
  if (cardinality !== 'single') {
    return { unsupported: [{ at: declaration, reason: `response ${responseId} has cardinality ${cardinality || '(none)'}; only single-response items (cardinality single, maxChoices 1) are imported` }] };
  }
  if (maxChoices !== '1') {
    return { unsupported: [{ at: interaction, reason: `${interaction.name} has maxChoices ${maxChoices}; only single-response items (cardinality single, maxChoices 1) are imported` }] };
  }
  const correctResponse = childElements(declaration).find((e) => qn(e) === 'correctResponse');
  const values = correctResponse ? childElements(correctResponse).filter((e) => qn(e) === 'value').map((v) => squash(textContent(v))) : [];
  if (values.length === 0 || values.every((v) => v === '')) unsupported.push({ at: declaration, reason: `response ${responseId} has no correct response` });
  else if (values.length > 1) unsupported.push({ at: correctResponse!, reason: `response ${responseId} has ${values.length} correct values; a single-response item has one` });
  else correct = values[0];

  const choices = childElements(interaction).filter((e) => qn(e) === 'simpleChoice');
  const choiceIds = choices.map((c) => squash(attr(c, 'identifier')));
  const dup = choiceIds.find((id, i) => choiceIds.indexOf(id) !== i);
  if (dup !== undefined) unsupported.push({ at: choices[choiceIds.lastIndexOf(dup)]!, reason: `choice identifier "${dup}" appears twice` });
  if (choices.length < 3 || choices.length > 5) unsupported.push({ at: interaction, reason: `has ${choices.length} choices; items need 3 to 5 options` });
  if (correct !== undefined && !choiceIds.includes(correct)) {
    unsupported.push({ at: declaration!, reason: `the correct response "${correct}" is not one of the choices (${choiceIds.join(', ')})` });
  }

  const feedback = correct !== undefined ? rationaleFeedback(root, responseId, correct) : [];
  if (correct !== undefined && feedback.length === 0) unsupported.push({ at: root, reason: 'no rationale: no modal feedback is shown for the correct answer' });

  const kwa = resolveKwa(root, metadata, ref, state.options.kwaMapping);
  if (!kwa.code) unsupported.push({ at: root, reason: kwa.why });

  if (unsupported.length > 0 || correct === undefined || !kwa.code) return { unsupported };
  const key = OPTION_IDS[choiceIds.indexOf(correct)]!;
  const kwaCode = kwa.code;
  return {
    unsupported,
    build: () => {
      let assetProblems = false;
      const file = pkg.label + path;
      /** Resolves an image to its package member; undefined when it is external or a problem was reported. */
      const member = (el: XmlElement, src: string): string | undefined => {
        const raw = src.trim();
        if (raw.startsWith('data:')) {
          state.problem(file, `item "${identifier}": an image is embedded as a data: URI; put it in the package as a file and reference it`, el);
          assetProblems = true;
          return undefined;
        }
        if (isExternalHref(raw)) return undefined;
        const resolved = joinPath(dirOf(path), decodeHref(raw));
        const found = resolved === null ? undefined : findMember(pkg, resolved);
        if (!found) {
          state.problem(file, `item "${identifier}": image "${resolved ?? raw}" is not in the package`, el);
          assetProblems = true;
          return undefined;
        }
        state.assets.set(found, pkg.members.get(found)!);
        return found;
      };
      // Rationale images stay text: our format shows images only under the stem and in options.
      const onImage = (el: XmlElement, src: string): string => {
        const m = member(el, src);
        return m ? `[image: ${m}]` : src.trim().startsWith('data:') ? '[image]' : `[image: ${src.trim()}]`;
      };
      /** Stem and option images become the item's `image` fields (with their alt text); more than one is a problem. */
      const collect = (where: string, list: { src: string; alt: string }[]) => (el: XmlElement, src: string): string => {
        const m = member(el, src);
        if (!m) return isExternalHref(src.trim()) ? `[image: ${src.trim()}]` : '';
        const alt = squash(qn(el) === 'img' ? attr(el, 'alt') : (attr(el, 'title') ?? textContent(el)));
        if (!alt) {
          state.problem(file, `item "${identifier}": image "${m}" in the ${where} has no alt text; write what it shows in alt="…" (screen readers read it)`, el);
          assetProblems = true;
        }
        if (list.length === 1) {
          state.problem(file, `item "${identifier}": the ${where} shows more than one image ("${list[0]!.src}", "${m}"); an item shows one image under its stem and one in each option`, el);
          assetProblems = true;
        }
        list.push({ src: m, alt });
        return '';
      };
      const markup = new Set([root.ns, '', XHTML_NS]);
      const stemImages: { src: string; alt: string }[] = [];
      const stem = renderBody(body, interaction, markup, collect('stem', stemImages));
      const options = choices.map((c, i) => {
        const imgs: { src: string; alt: string }[] = [];
        const text = renderFlow(c.children, markup, collect(`choice "${choiceIds[i]}"`, imgs));
        // An option that is only a picture takes its alt text as its text (our options always have text).
        return { id: OPTION_IDS[i]!, text: text || (imgs[0]?.alt ?? ''), ...(imgs[0] ? { image: imgs[0] } : {}) };
      });
      const rationale = feedback.map((f) => renderFlow(f.children, markup, onImage)).filter((t) => t !== '').join('\n\n');
      const cpt = cptMetadata(metadata);
      const module = state.options.module ?? (kwaCode.split('-')[0] as ModuleCode);
      const status = state.options.status ?? (cpt.status as ItemStatus | undefined) ?? 'draft';
      const item: Record<string, unknown> & { id: string } = {
        id: itemIdFor(module, identifier),
        module,
        kwa: kwaCode,
        status,
        stem,
        ...(stemImages[0] ? { image: stemImages[0] } : {}),
        options,
        key,
        rationale,
        topics: cpt.topics.length > 0 ? cpt.topics : lomTopics(metadata),
        ...(cpt.stats ? { stats: cpt.stats } : {}),
      };
      return { item, choiceIds, assetProblems, enemyGroups: cpt.enemyGroups };
    },
  };
}

/** Validates the converted item against our format and checks its id is unique, then keeps it. */
function finishItem(raw: Record<string, unknown> & { id: string }, origin: ItemOrigin, enemyGroups: string[], root: XmlElement, state: ImportState): void {
  const say = (m: string) => `item "${origin.identifier}": ${m}`;
  const parsed = itemSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [field, index] = issue.path;
      const where = field === 'options' && typeof index === 'number' ? `choice "${origin.choiceIdentifiers[index]}" (option ${OPTION_IDS[index]}): ` : '';
      state.problem(origin.file, say(`${where}${issue.message}`), root);
    }
    return;
  }
  const seen = state.ids.get(parsed.data.id);
  if (seen) {
    state.problem(origin.file, `item id ${parsed.data.id} (from identifier "${origin.identifier}") is already used by the item with identifier "${seen.identifier}" in ${seen.file}`, root);
    return;
  }
  state.ids.set(parsed.data.id, { identifier: origin.identifier, file: origin.file });
  state.items.push(parsed.data);
  state.origins.push({ ...origin, itemId: parsed.data.id });
  for (const g of enemyGroups) {
    const members = state.groupsFromMetadata.get(g) ?? [];
    members.push(parsed.data.id);
    state.groupsFromMetadata.set(g, members);
  }
}

/**
 * Our item id for a QTI identifier: the identifier itself when it already is one of ours for the module
 * ("SAF-001" in module SAF); otherwise "<MODULE>-" + the identifier with every run of characters other than letters,
 * digits and dashes turned into one dash, and, when that is longer than 40 characters, cut to 31 plus "-" and 8 hex
 * digits of a hash of the whole identifier. Deterministic, so re-importing the same package updates the same items.
 */
export function itemIdFor(module: string, identifier: string): string {
  if (ID_RE.test(identifier) && identifier.startsWith(`${module}-`)) return identifier;
  let tail = identifier.replace(/[^A-Za-z0-9-]+/g, '-').replace(/-{2,}/g, '-').replace(/^-+|-+$/g, '');
  if (tail === '') tail = 'item';
  if (tail.length > 40) tail = `${tail.slice(0, 31).replace(/-+$/, '')}-${fnv1a(identifier)}`;
  return `${module}-${tail}`;
}

function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

// ---- rationale ----------------------------------------------------------------------------------------------------

/**
 * The modal feedback shown when the answer is correct. Found from response processing: a setOutcomeValue inside a
 * responseIf/responseElseIf whose condition is match(variable RESPONSE, correct RESPONSE), match(variable RESPONSE,
 * baseValue <key>) or SCORE > 0 / SCORE >= n>0, setting an outcome to a baseValue; or a setOutcomeValue that copies
 * the RESPONSE variable (per-choice feedback, where the key's feedback is the one). A modalFeedback with that
 * outcomeIdentifier and identifier and showHide="show" is the rationale. Failing that, a modal feedback whose
 * identifier says "correct" (not "incorrect"/"wrong") or "rationale"/"explanation"/"solution".
 */
function rationaleFeedback(root: XmlElement, responseId: string, correct: string): XmlElement[] {
  const feedbacks = childElements(root).filter((e) => qn(e) === 'modalFeedback');
  if (feedbacks.length === 0) return [];
  const wanted = new Set<string>();
  const processing = childElements(root).find((e) => qn(e) === 'responseProcessing');
  if (processing) {
    for (const set of descendants(processing).filter((e) => qn(e) === 'setOutcomeValue')) {
      const outcome = squash(attr(set, 'identifier'));
      const expr = childElements(set)[0];
      if (!expr) continue;
      if (qn(expr) === 'variable' && squash(attr(expr, 'identifier')) === responseId) wanted.add(`${outcome}\u0000${correct}`);
      else if (qn(expr) === 'baseValue' && underCorrectBranch(set, processing, responseId, correct)) wanted.add(`${outcome}\u0000${squash(textContent(expr))}`);
    }
  }
  const shown = (f: XmlElement) => (squash(qattr(f, 'showHide')) || 'show') === 'show';
  const byRule = feedbacks.filter((f) => shown(f) && wanted.has(`${squash(qattr(f, 'outcomeIdentifier'))}\u0000${squash(attr(f, 'identifier'))}`));
  if (byRule.length > 0) return byRule;
  return feedbacks.filter((f) => {
    const id = squash(attr(f, 'identifier'));
    return shown(f) && ((/correct/i.test(id) && !/incorrect|wrong|false/i.test(id)) || /^(rationale|explanation|solution)$/i.test(id));
  });
}

function underCorrectBranch(el: XmlElement, stop: XmlElement, responseId: string, correct: string): boolean {
  for (let e = el.parent; e && e !== stop; e = e.parent) {
    const n = qn(e);
    if (n === 'responseElse') return false;
    if (n === 'responseIf' || n === 'responseElseIf') {
      const cond = childElements(e)[0];
      if (cond && isCorrectCondition(cond, responseId, correct)) return true;
      return false;
    }
  }
  return false;
}

function isCorrectCondition(cond: XmlElement, responseId: string, correct: string): boolean {
  const kids = childElements(cond);
  const n = qn(cond);
  const isVar = (e: XmlElement | undefined, id: string) => !!e && qn(e) === 'variable' && squash(attr(e, 'identifier')) === id;
  if (n === 'match' && kids.length === 2) {
    const [a, b] = kids as [XmlElement, XmlElement];
    const other = isVar(a, responseId) ? b : isVar(b, responseId) ? a : undefined;
    if (!other) return false;
    if (qn(other) === 'correct') return squash(attr(other, 'identifier')) === responseId;
    if (qn(other) === 'baseValue') return squash(textContent(other)) === correct;
    return false;
  }
  if ((n === 'gt' || n === 'gte') && kids.length === 2 && isVar(kids[0], 'SCORE') && qn(kids[1]!) === 'baseValue') {
    const v = Number(squash(textContent(kids[1]!)));
    return n === 'gt' ? v >= 0 : v > 0;
  }
  return false;
}

// ---- KWA and manifest metadata ------------------------------------------------------------------------------------

function normaliseKwa(value: string | undefined): string | undefined {
  const v = squash(value);
  return KWA_RE.test(v) ? v.toUpperCase() : undefined;
}

function lookup(map: Record<string, string>, value: string): string | undefined {
  if (Object.hasOwn(map, value)) return map[value];
  const lower = value.toLowerCase();
  const key = Object.keys(map).find((k) => squash(k).toLowerCase() === lower);
  return key === undefined ? undefined : map[key];
}

/** Values at a mapping path; see KwaMapping. */
export function selectValues(root: XmlElement, metadata: XmlElement | null, path: string): string[] {
  const onItem = path.startsWith('item:');
  const segments = (onItem ? path.slice(5) : path).split('/').filter((s) => s !== '');
  const last = segments.at(-1);
  const attribute = last?.startsWith('@') ? last.slice(1) : undefined;
  const steps = attribute !== undefined ? segments.slice(0, -1) : segments;
  let current: XmlElement[] = onItem ? [] : metadata ? [metadata] : [];
  steps.forEach((step, i) => {
    const matches = (e: XmlElement) => step === '*' || e.local === step;
    if (onItem && i === 0) current = matches(root) ? [root] : [];
    else current = current.flatMap((c) => childElements(c).filter(matches));
  });
  if (onItem && steps.length === 0) current = [root];
  if (attribute !== undefined) return current.map((e) => e.attributes.find((a) => a.local === attribute)?.value).filter((v): v is string => v !== undefined).map(squash);
  return current.map((e) => squash(textContent(e))).filter((v) => v !== '');
}

function cptElements(metadata: XmlElement | null, local: string): XmlElement[] {
  if (!metadata) return [];
  return descendants(metadata).filter((e) => e.ns === CPT_NS && e.local === local);
}

/**
 * Our own round-trip data in the manifest: the `cpt-exam item data` LOM classification (current exports), or `cpt:`
 * elements (exports before the QTI 3.0 manifest fix).
 */
function cptMetadata(metadata: XmlElement | null): { status?: string; topics: string[]; enemyGroups: string[]; stats?: ItemStats } {
  const fromLom = cptClassification(metadata);
  const text = (local: string) => cptElements(metadata, local).map((e) => squash(textContent(e))).filter((v) => v !== '');
  const taxa = (prefix: string) => fromLom.filter((v) => v.startsWith(prefix)).map((v) => v.slice(prefix.length)).filter((v) => v !== '');
  const status = taxa('status:')[0] ?? text('status')[0];
  const statsEl = cptElements(metadata, 'stats')[0];
  const statsTaxon = taxa('stats:')[0];
  const statsAttrs = new Map<string, string>(statsTaxon !== undefined ? statsTaxon.split(';').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)] as [string, string]) : []);
  let stats: ItemStats | undefined;
  if (statsEl || statsTaxon !== undefined) {
    const num = (name: string) => {
      const v = statsTaxon !== undefined ? statsAttrs.get(name) : attr(statsEl!, name);
      return v === undefined || squash(v) === '' ? undefined : Number(v);
    };
    const p = num('p');
    if (p !== undefined) {
      const pb = num('pointBiserial');
      const n = num('n');
      stats = { p, ...(pb !== undefined ? { pointBiserial: pb } : {}), ...(n !== undefined ? { n } : {}) };
    }
  }
  const topics = fromLom.length ? taxa('topic:') : text('topic');
  const enemyGroups = fromLom.length ? taxa('enemy-group:') : text('enemyGroup');
  return { ...(status ? { status } : {}), topics, enemyGroups, ...(stats ? { stats } : {}) };
}

/** The taxon ids of the `cpt-exam item data` LOM classification, in order (empty when there is none). */
function cptClassification(metadata: XmlElement | null): string[] {
  if (!metadata) return [];
  const ours = descendants(metadata).filter(
    (e) => e.local === 'classification' && childElements(e).some((p) => p.local === 'purpose' && childElements(p).some((v) => v.local === 'value' && squash(textContent(v)) === CPT_DATA_PURPOSE)),
  );
  return ours.flatMap((c) => descendants(c).filter((e) => e.local === 'taxon').flatMap((t) => childElements(t).filter((e) => e.local === 'id').map((e) => squash(textContent(e)))));
}

/** LOM general/keyword values as kebab-case topic tags, when no cpt:topic is given. */
function lomTopics(metadata: XmlElement | null): string[] {
  if (!metadata) return [];
  const out: string[] = [];
  for (const kw of descendants(metadata).filter((e) => e.local === 'keyword' && e.parent?.local === 'general')) {
    const strings = childElements(kw).filter((e) => e.local === 'string' || e.local === 'langstring');
    for (const s of strings.length > 0 ? strings : [kw]) {
      const tag = squash(textContent(s)).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
      if (/^[a-z0-9]+(-[a-z0-9]+)*$/.test(tag) && !out.includes(tag) && out.length < 12) out.push(tag);
    }
  }
  return out;
}

/**
 * The item's KWA, from the first source that gives a KWA code:
 * 1. kwaMapping.byMetadata paths, in order, each value through its map (or as written);
 * 2. kwaMapping.byCategory, over the item reference's category tokens in the package's tests;
 * 3. a cpt:kwa element (or a plain <cptKwa>) in the manifest resource's metadata;
 * 4. a category token that is itself a KWA code;
 * 5. a LOM classification taxon whose id or entry is a KWA code;
 * 6. a data-kwa attribute on the item, its body or the interaction;
 * 7. the item's label attribute, when it is a KWA code.
 */
function resolveKwa(root: XmlElement, metadata: XmlElement | null, ref: ItemRefInfo | undefined, mapping: KwaMapping): { code?: string; why: string } {
  const seen: string[] = [];
  const categories = ref?.categories ?? [];
  for (const rule of mapping.byMetadata ?? []) {
    for (const v of selectValues(root, metadata, rule.path)) {
      const code = normaliseKwa(rule.map ? lookup(rule.map, v) : v);
      if (code) return { code, why: '' };
      seen.push(`${rule.path} "${v}"`);
    }
  }
  if (mapping.byCategory) {
    for (const c of categories) {
      const code = normaliseKwa(lookup(mapping.byCategory, c));
      if (code) return { code, why: '' };
    }
  }
  const cpt = [...cptElements(metadata, 'kwa'), ...(metadata ? descendants(metadata).filter((e) => e.local === 'cptKwa') : [])];
  for (const e of cpt) {
    const v = squash(textContent(e));
    const code = normaliseKwa(v);
    if (code) return { code, why: '' };
    seen.push(`${e.name} "${v}"`);
  }
  for (const c of categories) {
    const code = normaliseKwa(c);
    if (code) return { code, why: '' };
  }
  seen.push(...categories.map((c) => `category "${c}"`));
  if (metadata) {
    for (const taxon of descendants(metadata).filter((e) => e.local === 'taxon')) {
      const values = childElements(taxon).flatMap((c) => (c.local === 'id' ? [squash(textContent(c))] : c.local === 'entry' ? [squash(textContent(c))] : []));
      for (const v of values) {
        const code = normaliseKwa(v);
        if (code) return { code, why: '' };
      }
    }
  }
  const body = childElements(root).find((e) => qn(e) === 'itemBody');
  const interaction = body ? descendants(body).find(isInteraction) : undefined;
  for (const e of [root, body, interaction]) {
    const v = e ? attr(e, 'data-kwa') : undefined;
    if (v === undefined) continue;
    const code = normaliseKwa(v);
    if (code) return { code, why: '' };
    seen.push(`data-kwa "${squash(v)}"`);
  }
  const label = attr(root, 'label');
  if (label !== undefined) {
    const code = normaliseKwa(label);
    if (code) return { code, why: '' };
    if (squash(label) !== '') seen.push(`label "${squash(label)}"`);
  }
  const unique = [...new Set(seen)];
  return {
    why: `no KWA: neither the KWA mapping nor the item's metadata, test category, data-kwa or label gives a KWA code like "SAF-04"${unique.length > 0 ? ` (values found: ${unique.join(', ')})` : ''}`,
  };
}

// ---- text rendering -----------------------------------------------------------------------------------------------

const BLOCK = new Set([
  'p', 'div', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'blockquote', 'pre', 'table', 'caption',
  'thead', 'tbody', 'tfoot', 'tr', 'hr', 'address', 'figure', 'figcaption', 'section', 'article', 'aside', 'header', 'footer',
  'nav', 'prompt', 'contentBody',
]);
const SKIP = new Set([
  'feedbackInline', 'feedbackBlock', 'rubricBlock', 'templateBlock', 'templateInline', 'printedVariable', 'infoControl',
  'stylesheet', 'catalogInfo', 'companionMaterialsInfo', 'script', 'style',
]);
const LINE_BREAK = '\uE000';

/**
 * Markup to plain text: block elements (p, div, li, tr, h1–h6, …) become paragraphs separated by a blank line, <br/>
 * a line break, inline markup (b, i, span, sub, sup, a, …) just its text, img/object "[image: path]", table cells
 * " | " between them, MathML its text. Runs of whitespace collapse to one space and lines are trimmed, as a browser
 * shows them. Feedback, rubric blocks and elements of other (vendor) namespaces are left out.
 */
class TextRenderer {
  private paras: string[] = [];
  private cur = '';

  constructor(
    private readonly markup: Set<string>,
    private readonly onImage: (el: XmlElement, src: string) => string,
  ) {}

  block(): void {
    const text = this.cur
      .replace(/[ \t\r\n]+/g, ' ')
      .split(LINE_BREAK)
      .map((l) => l.trim())
      .join('\n')
      .replace(/^\n+|\n+$/g, '');
    if (text.trim() !== '') this.paras.push(text);
    this.cur = '';
  }

  nodes(nodes: XmlNode[], interaction?: XmlElement): void {
    for (const n of nodes) {
      if (n.type === 'text') this.cur += n.value;
      else this.element(n, interaction);
    }
  }

  private element(el: XmlElement, interaction?: XmlElement): void {
    if (el === interaction) {
      this.block();
      for (const p of childElements(el).filter((e) => qn(e) === 'prompt')) {
        this.nodes(p.children);
        this.block();
      }
      return;
    }
    if (el.ns === MATHML_NS) {
      this.cur += squash(textContent(el));
      return;
    }
    if (!this.markup.has(el.ns)) return; // vendor extension
    const name = qn(el);
    if (SKIP.has(name)) return;
    if (name === 'br') {
      this.cur += LINE_BREAK;
      return;
    }
    if (name === 'img' || name === 'object') {
      const src = attr(el, name === 'img' ? 'src' : 'data');
      if (src) this.cur += ` ${this.onImage(el, src)} `;
      return;
    }
    if ((name === 'td' || name === 'th') && el.parent && childElements(el.parent).indexOf(el) > 0) this.cur += ' | ';
    const isBlock = BLOCK.has(name);
    if (isBlock) this.block();
    this.nodes(el.children, interaction);
    if (isBlock) this.block();
  }

  text(): string {
    this.block();
    return this.paras.join('\n\n');
  }
}

/** The stem: the body's text with the interaction replaced by its prompt (text after the interaction is kept too). */
function renderBody(body: XmlElement, interaction: XmlElement, markup: Set<string>, onImage: (el: XmlElement, src: string) => string): string {
  const r = new TextRenderer(markup, onImage);
  r.nodes(body.children, interaction);
  return r.text();
}

function renderFlow(nodes: XmlNode[], markup: Set<string>, onImage: (el: XmlElement, src: string) => string): string {
  const r = new TextRenderer(markup, onImage);
  r.nodes(nodes);
  return r.text();
}
