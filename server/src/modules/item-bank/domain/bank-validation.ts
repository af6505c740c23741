/**
 * Validates item-bank documents against the format and against each other and the bank they are going into, and plans
 * the import. Reports every problem with its file, JSON pointer and line:column, never just the first. Pure.
 */
import { z, type ZodError } from 'zod';
import {
  bankFileSchema,
  blueprintSchema,
  contentOf,
  enemyGroupSchema,
  imagesOf,
  MEDIA_REF,
  itemSchema,
  moduleDefinitionSchema,
  type BankFile,
  type Blueprint,
  type EnemyGroup,
  type Item,
  type KwaCatalog,
  type ModuleDefinition,
} from '../../../../../shared/item-bank-format.ts';
import type { Problem } from '../../../../../shared/errors.ts';
import type { ImportSummary, ItemChange } from '../../../../../shared/api/item-bank.ts';
export type { ItemChange };
import { JsonSyntaxError, locate, parseJsonWithPositions, toPointer, type SourcePosition } from '../../../../../shared/json-source-map.ts';
import type { ModuleCode } from '../../../../../shared/vocabulary.ts';
import { canonicalJson, type BankSnapshot, type SnapshotItem } from './bank-snapshot.ts';
import { checkImage, type MediaType } from './media-check.ts';

export interface BankSource {
  /** A name for messages, usually the file path. */
  name: string;
  text: string;
  /** The image files its items name, by their `src` path (relative to the bank file). */
  files?: ReadonlyMap<string, Uint8Array>;
}

/**
 * How images are resolved: the hash function (the domain has none of its own) and the hashes the bank stores
 * (absent when validating offline, without a bank: `sha256:` references are then not checked).
 */
export interface MediaContext {
  sha256: (bytes: Uint8Array) => string;
  stored?: ReadonlySet<string>;
}

/** An image the import stores (content-addressed: storing one twice is no change). */
export interface PlannedMedia {
  sha256: string;
  mediaType: MediaType;
  bytes: Uint8Array;
}

export type DefinitionChange = 'new' | 'unchanged';

export interface ImportPlan {
  modules: { definition: ModuleDefinition; catalogChange: DefinitionChange }[];
  blueprints: { blueprint: Blueprint; change: DefinitionChange }[];
  items: { item: Item; change: ItemChange; fromVersion: number | null }[];
  enemyGroups: { group: EnemyGroup; change: 'new' | 'changed' | 'unchanged' }[];
  /** Images the items reference that came with the files (by path); each item's `src` now names its hash. */
  media: PlannedMedia[];
  summary: ImportSummary;
}

export type ValidationResult = { ok: true; plan: ImportPlan; files: BankFile[] } | { ok: false; problems: Problem[] };

type Section = 'modules' | 'blueprints' | 'enemyGroups' | 'items';

interface ParsedSource {
  name: string;
  file: BankFile;
  positions: Map<string, SourcePosition>;
  /** For each section, the index in the file of each element that passed the format check. */
  indexes: Record<Section, number[]>;
}

function at(src: { name: string; positions: Map<string, SourcePosition> }, path: readonly PropertyKey[], message: string): Problem {
  const pointer = toPointer(path);
  const pos = locate(src.positions, pointer);
  return { file: src.name, pointer, ...(pos ? { line: pos.line, column: pos.column } : {}), message };
}

function zodProblems(src: { name: string; positions: Map<string, SourcePosition> }, error: ZodError): Problem[] {
  return error.issues.map((issue) => {
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') message = `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    return at(src, issue.path, message);
  });
}

/** The file's envelope; each element is then checked on its own so one bad item does not hide the others. */
const envelopeSchema = bankFileSchema.extend({
  modules: z.array(z.unknown()).default([]),
  blueprints: z.array(z.unknown()).default([]),
  enemyGroups: z.array(z.unknown()).default([]),
  items: z.array(z.unknown()).default([]),
});

/**
 * Resolves an item's image paths against its file's images: each is checked (media-check.ts) and hashed, and its
 * `src` becomes `sha256:<hex>`, so an unchanged image is no content change and a changed one makes a new version.
 * A `sha256:` src must name an image the bank stores or this import brings.
 */
function resolveImages(
  item: Item,
  source: BankSource,
  loc: { name: string; positions: Map<string, SourcePosition> },
  index: number,
  media: MediaContext | undefined,
  planned: Map<string, PlannedMedia>,
  problems: Problem[],
): Item {
  const refs = imagesOf(item);
  if (refs.length === 0) return item;
  const out: Item = { ...item, options: item.options.map((o) => ({ ...o })) };
  for (const { path, ref } of refs) {
    const where = ['items', index, ...path, 'src'];
    let src = ref.src;
    if (!MEDIA_REF.test(src)) {
      // A browser sends chosen files by name without their folder: `gauge.svg` stands for `media/gauge.svg`.
      const bytes = source.files?.get(src) ?? source.files?.get(src.slice(src.replaceAll('\\', '/').lastIndexOf('/') + 1));
      if (!bytes) {
        problems.push(at(loc, where, `image file "${src}" is not in the upload; image paths are relative to the bank file`));
        continue;
      }
      const check = checkImage(bytes, src);
      if (!check.ok) {
        problems.push(at(loc, where, check.message));
        continue;
      }
      if (!media) continue; // offline validation without a hash function: the file is checked, nothing is stored
      src = `sha256:${media.sha256(bytes)}`;
      if (!planned.has(src)) planned.set(src, { sha256: src.slice(7), mediaType: check.mediaType, bytes });
    } else if (media?.stored && !media.stored.has(src.slice(7)) && !planned.has(src)) {
      problems.push(at(loc, where, `image ${src} is not stored in the bank; give the file's path instead`));
      continue;
    }
    const resolved = { src, alt: ref.alt };
    if (path[0] === 'image') out.image = resolved;
    else out.options[path[1] as number]!.image = resolved;
  }
  return out;
}

function parseSources(sources: BankSource[], problems: Problem[], media?: MediaContext, planned = new Map<string, PlannedMedia>()): { parsed: ParsedSource[]; rawItemIds: Set<string> } {
  const parsed: ParsedSource[] = [];
  const rawItemIds = new Set<string>();
  for (const source of sources) {
    let json;
    try {
      json = parseJsonWithPositions(source.text);
    } catch (e) {
      if (!(e instanceof JsonSyntaxError)) throw e;
      problems.push({ file: source.name, pointer: '', line: e.line, column: e.column, message: `malformed JSON: ${e.message.replace(/ at line \d+, column \d+$/, '')}` });
      continue;
    }
    const loc = { name: source.name, positions: json.positions };
    const envelope = envelopeSchema.safeParse(json.value);
    if (!envelope.success) {
      problems.push(...zodProblems(loc, envelope.error));
      continue;
    }
    const indexes: Record<Section, number[]> = { modules: [], blueprints: [], enemyGroups: [], items: [] };
    const each = <T>(field: Section, schema: z.ZodType<T>): T[] => {
      const out: T[] = [];
      envelope.data[field].forEach((raw, index) => {
        if (field === 'items' && raw && typeof raw === 'object' && typeof (raw as { id?: unknown }).id === 'string') rawItemIds.add((raw as { id: string }).id);
        const r = schema.safeParse(raw);
        if (r.success) {
          out.push(r.data);
          indexes[field].push(index);
        }
        else problems.push(...zodProblems(loc, r.error).map((p) => ({ ...p, ...relocate(loc, [field, index], p.pointer) })));
      });
      return out;
    };
    const file: BankFile = {
      ...envelope.data,
      modules: each('modules', moduleDefinitionSchema),
      blueprints: each('blueprints', blueprintSchema),
      enemyGroups: each('enemyGroups', enemyGroupSchema),
      items: each('items', itemSchema).map((item, i) => resolveImages(item, source, loc, indexes.items[i]!, media, planned, problems)),
    };
    parsed.push({ name: source.name, file, positions: json.positions, indexes });
  }
  return { parsed, rawItemIds };
}

/** An element's problems carry pointers relative to the element; make them absolute and re-locate them. */
function relocate(loc: { name: string; positions: Map<string, SourcePosition> }, prefix: PropertyKey[], relative: string) {
  const pointer = toPointer(prefix) + relative;
  const pos = locate(loc.positions, pointer);
  return { pointer, ...(pos ? { line: pos.line, column: pos.column } : {}) };
}

const weightTolerance = 0.5;

/**
 * Checks the documents and plans their import into `bank`. Files are validated together, so one file may hold the
 * catalog and another the items that use it.
 */
export function validateBankSources(sources: BankSource[], bank: BankSnapshot, media?: MediaContext): ValidationResult {
  const problems: Problem[] = [];
  const planned = new Map<string, PlannedMedia>();
  const { parsed, rawItemIds } = parseSources(sources, problems, media, planned);

  // Modules and their current catalogs after this import.
  const currentCatalog = new Map<ModuleCode, KwaCatalog>();
  for (const [code, m] of bank.modules) {
    const last = m.catalogs.at(-1);
    if (last) currentCatalog.set(code, last);
  }
  const allCatalogs = new Map<string, KwaCatalog>();
  for (const m of bank.modules.values()) for (const c of m.catalogs) allCatalogs.set(`${m.code}@${c.version}`, c);

  const plan: ImportPlan = {
    modules: [],
    blueprints: [],
    items: [],
    enemyGroups: [],
    media: [...planned.values()].filter((m) => !media?.stored?.has(m.sha256)),
    summary: { itemsNew: 0, itemsChanged: 0, itemsUnchanged: 0, itemsStatusChanged: 0, itemsRetired: 0, catalogsNew: 0, blueprintsNew: 0, enemyGroupsChanged: 0 },
  };

  const seenModules = new Map<string, string>();
  for (const src of parsed) {
    src.file.modules.forEach((m, i) => {
      const mi = src.indexes.modules[i]!;
      const key = `${m.code}@${m.kwaCatalog.version}`;
      const where = ['modules', mi];
      if (seenModules.has(key)) problems.push(at(src, [...where, 'kwaCatalog', 'version'], `KWA catalog ${key} is defined twice (also in ${seenModules.get(key)})`));
      seenModules.set(key, src.name);
      const codes = new Set<string>();
      m.kwaCatalog.kwas.forEach((k, ki) => {
        if (!k.code.startsWith(`${m.code}-`)) problems.push(at(src, [...where, 'kwaCatalog', 'kwas', ki, 'code'], `KWA ${k.code} does not belong to module ${m.code}`));
        if (codes.has(k.code)) problems.push(at(src, [...where, 'kwaCatalog', 'kwas', ki, 'code'], `KWA code ${k.code} appears twice`));
        codes.add(k.code);
      });
      const total = m.kwaCatalog.kwas.reduce((s, k) => s + k.weight, 0);
      if (Math.abs(total - 100) > weightTolerance) problems.push(at(src, [...where, 'kwaCatalog', 'kwas'], `KWA weights add up to ${total.toFixed(2)}%, not 100%`));
      const existing = allCatalogs.get(key);
      if (existing && canonicalJson(existing) !== canonicalJson(m.kwaCatalog)) {
        problems.push(at(src, [...where, 'kwaCatalog', 'version'], `KWA catalog ${key} is already in the bank with different content; a stored catalog never changes, so give this one a new version`));
      }
      plan.modules.push({ definition: m, catalogChange: existing ? 'unchanged' : 'new' });
      allCatalogs.set(key, m.kwaCatalog);
      currentCatalog.set(m.code, m.kwaCatalog);
    });
  }

  // Items: duplicates, module and KWA membership, and how each compares with the bank.
  const merged = new Map<string, SnapshotItem | Item>(bank.items);
  const itemOrigin = new Map<string, string>();
  const incoming: { src: ParsedSource; item: Item; index: number }[] = [];
  for (const src of parsed) {
    src.file.items.forEach((item, i) => {
      const index = src.indexes.items[i]!;
      const where = ['items', index];
      const dup = itemOrigin.get(item.id);
      if (dup) problems.push(at(src, [...where, 'id'], `duplicate item id ${item.id} (first defined at ${dup})`));
      itemOrigin.set(item.id, `${src.name}#${toPointer(where)}`);
      const catalog = currentCatalog.get(item.module);
      if (!catalog) problems.push(at(src, [...where, 'module'], `module ${item.module} has no KWA catalog in this file or in the bank`));
      else if (!catalog.kwas.some((k) => k.code === item.kwa)) {
        problems.push(at(src, [...where, 'kwa'], `unknown KWA code ${item.kwa} for module ${item.module} (catalog ${catalog.version} has ${catalog.kwas.map((k) => k.code).join(', ')})`));
      }
      const before = bank.items.get(item.id);
      if (before && before.module !== item.module) {
        problems.push(at(src, [...where, 'module'], `item ${item.id} belongs to module ${before.module} in the bank; an item cannot move to another module (give it a new id)`));
      }
      // The practice pool and the exam pool never share an item (docs/practice.md): candidates review practice items
      // with their keys, so a practice item must never become scorable, and an exam item never becomes reviewable.
      if (before && (before.status === 'practice') !== (item.status === 'practice')) {
        problems.push(
          at(src, [...where, 'status'], before.status === 'practice'
            ? `item ${item.id} is a practice item; practice items stay practice (candidates have seen their keys), so write a new item for exams`
            : `item ${item.id} is ${before.status} in the bank; an exam item can never become a practice item (give the practice item a new id)`),
        );
      }
      merged.set(item.id, item);
      incoming.push({ src, item, index });
    });
  }

  // Enemy groups name items that exist after the import.
  const groupOrigin = new Map<string, string>();
  for (const src of parsed) {
    src.file.enemyGroups.forEach((g, i) => {
      const gi = src.indexes.enemyGroups[i]!;
      const where = ['enemyGroups', gi];
      if (groupOrigin.has(g.id)) problems.push(at(src, [...where, 'id'], `enemy group ${g.id} is defined twice (also in ${groupOrigin.get(g.id)})`));
      groupOrigin.set(g.id, src.name);
      const members = new Set<string>();
      g.itemIds.forEach((id, ii) => {
        if (!merged.has(id) && !rawItemIds.has(id)) problems.push(at(src, [...where, 'itemIds', ii], `enemy group ${g.id} names item ${id}, which is not in this file or the bank`));
        if (members.has(id)) problems.push(at(src, [...where, 'itemIds', ii], `enemy group ${g.id} names item ${id} twice`));
        members.add(id);
      });
      const before = bank.enemyGroups.get(g.id);
      const change = !before ? 'new' : canonicalJson(before) === canonicalJson(g) ? 'unchanged' : 'changed';
      plan.enemyGroups.push({ group: g, change });
    });
  }

  // Blueprints: catalog known, KWAs in it, and enough items in the bank after the import to fill a form.
  const statusCount = (module: string, status: string, kwa?: string) => {
    let n = 0;
    for (const it of merged.values()) {
      const k = 'content' in it ? it.content.kwa : it.kwa;
      if (it.module === module && it.status === status && (kwa === undefined || k === kwa)) n++;
    }
    return n;
  };
  const existingBlueprints = new Map(bank.blueprints.map((b) => [`${b.module}@${b.version}`, b]));
  const seenBlueprints = new Set<string>();
  for (const src of parsed) {
    src.file.blueprints.forEach((bp, i) => {
      const bi = src.indexes.blueprints[i]!;
      const where = ['blueprints', bi];
      const key = `${bp.module}@${bp.version}`;
      if (seenBlueprints.has(key)) problems.push(at(src, [...where, 'version'], `blueprint ${key} is defined twice`));
      seenBlueprints.add(key);
      const catalog = allCatalogs.get(`${bp.module}@${bp.kwaCatalogVersion}`);
      if (!catalog) {
        problems.push(at(src, [...where, 'kwaCatalogVersion'], `blueprint ${key} uses KWA catalog ${bp.module}@${bp.kwaCatalogVersion}, which is not in this file or the bank`));
      } else {
        for (const [kwa, count] of Object.entries(bp.kwaCounts)) {
          if (!catalog.kwas.some((k) => k.code === kwa)) {
            problems.push(at(src, [...where, 'kwaCounts', kwa], `blueprint ${key} asks for KWA ${kwa}, which is not in catalog ${bp.kwaCatalogVersion}`));
            continue;
          }
          const available = statusCount(bp.module, 'operational', kwa);
          if (available < count) {
            problems.push(at(src, [...where, 'kwaCounts', kwa], `blueprint ${key} asks for ${count} scored items of ${kwa}, but the bank holds only ${available} operational items for it`));
          }
        }
      }
      const pretest = statusCount(bp.module, 'pretest');
      if (pretest < bp.pretestCount) {
        problems.push(at(src, [...where, 'pretestCount'], `blueprint ${key} asks for ${bp.pretestCount} pretest items, but the bank holds only ${pretest} pretest items for ${bp.module}`));
      }
      const existing = existingBlueprints.get(key);
      if (existing && canonicalJson(existing) !== canonicalJson(bp)) {
        problems.push(at(src, [...where, 'version'], `blueprint ${key} is already in the bank with different content; a stored blueprint never changes, so give this one a new version`));
      }
      plan.blueprints.push({ blueprint: bp, change: existing ? 'unchanged' : 'new' });
    });
  }

  if (problems.length > 0) {
    const order = new Map(sources.map((s, i) => [s.name, i]));
    problems.sort((a, b) => (order.get(a.file ?? '') ?? 0) - (order.get(b.file ?? '') ?? 0) || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
    return { ok: false, problems };
  }

  for (const { item } of incoming) {
    const before = bank.items.get(item.id);
    let change: ItemChange;
    if (!before) change = 'new';
    else if (canonicalJson(before.content) !== canonicalJson(contentOf(item))) change = 'changed';
    else if (before.status !== item.status) change = item.status === 'retired' ? 'retired' : 'status-changed';
    else change = 'unchanged';
    plan.items.push({ item, change, fromVersion: before?.version ?? null });
  }
  const s = plan.summary;
  for (const { change } of plan.items) {
    if (change === 'new') s.itemsNew++;
    else if (change === 'changed') s.itemsChanged++;
    else if (change === 'unchanged') s.itemsUnchanged++;
    else if (change === 'retired') s.itemsRetired++;
    else s.itemsStatusChanged++;
  }
  s.catalogsNew = plan.modules.filter((m) => m.catalogChange === 'new').length;
  s.blueprintsNew = plan.blueprints.filter((b) => b.change === 'new').length;
  s.enemyGroupsChanged = plan.enemyGroups.filter((g) => g.change !== 'unchanged').length;
  return { ok: true, plan, files: parsed.map((p) => p.file) };
}

export function planChangesAnything(plan: ImportPlan): boolean {
  const s = plan.summary;
  return s.itemsNew + s.itemsChanged + s.itemsStatusChanged + s.itemsRetired + s.catalogsNew + s.blueprintsNew + s.enemyGroupsChanged > 0;
}

export function formatProblem(p: Problem): string {
  const where = `${p.file ?? ''}${p.line ? `:${p.line}:${p.column}` : ''}`;
  return `${where}${where ? ' ' : ''}${p.pointer || '/'}: ${p.message}`;
}
