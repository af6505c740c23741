/**
 * Pure helpers of the author workspace: file kinds and encodings for upload, problem locations and source excerpts,
 * edit patches, coverage levels, sorting and number formats. No React, no DOM (tests/unit/client/author-helpers.test.ts).
 */
import type { BankItem, ImageRef, ItemChange, ItemContent, ItemEdit, ItemOption, Problem } from './api.ts';

// ---------------------------------------------------------------------------------------------------------------------
// Upload

export type UploadKind = 'json' | 'csv' | 'qti-xml' | 'qti-zip' | 'image';

export const UPLOAD_ACCEPT = '.json,.csv,.tsv,.xml,.zip,.png,.jpg,.jpeg,.svg,application/json,text/csv,application/xml,text/xml,application/zip,image/png,image/jpeg,image/svg+xml';

/** The format of a chosen file by its extension (the server detects by content as well; this only routes the call). */
export function uploadKind(name: string): UploadKind | null {
  const ext = /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase();
  if (ext === 'json') return 'json';
  if (ext === 'csv' || ext === 'tsv') return 'csv';
  if (ext === 'xml') return 'qti-xml';
  if (ext === 'zip') return 'qti-zip';
  if (ext === 'png' || ext === 'jpg' || ext === 'jpeg' || ext === 'svg') return 'image';
  return null;
}

export const KIND_LABEL: Record<UploadKind, string> = { json: 'Bank file (JSON)', csv: 'CSV sheet', 'qti-xml': 'QTI item (XML)', 'qti-zip': 'QTI package (zip)', image: "Image (for the bank file's items)" };

/** Base64 of bytes, in chunks (String.fromCharCode with a huge spread overflows the stack). */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  return btoa(binary);
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

// ---------------------------------------------------------------------------------------------------------------------
// Problems

/** "bank.json:28:14", "bank.json:28", "bank.json" or "" when the problem names no place. */
export function problemLocation(p: Pick<Problem, 'file' | 'line' | 'column'>): string {
  const parts: string[] = [];
  if (p.file) parts.push(p.file);
  if (p.line !== undefined) {
    parts.push(String(p.line));
    if (p.column !== undefined) parts.push(String(p.column));
  }
  return parts.join(':');
}

/** Problems in file order, then by line and column; problems that name no file come last. Stable otherwise. */
export function sortProblems<T extends Pick<Problem, 'file' | 'line' | 'column'>>(problems: readonly T[], fileOrder: readonly string[]): T[] {
  const rank = (f: string | undefined) => {
    if (f === undefined) return Number.MAX_SAFE_INTEGER;
    const i = fileOrder.indexOf(f);
    return i === -1 ? fileOrder.length : i;
  };
  return problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) => rank(a.p.file) - rank(b.p.file) || (a.p.line ?? Infinity) - (b.p.line ?? Infinity) || (a.p.column ?? 0) - (b.p.column ?? 0) || a.i - b.i)
    .map((x) => x.p);
}

export interface SourceExcerpt {
  /** 1-based line number shown. */
  line: number;
  /** The line's text, clipped around the column when it is long. */
  text: string;
  /** 0-based position of the caret in `text`, or null when the problem has no column. */
  caret: number | null;
  clippedStart: boolean;
  clippedEnd: boolean;
}

/**
 * The line a problem points at, for showing under the message. Long lines (minified JSON) are cut to `width`
 * characters around the column. A line past the end (an unexpected end of file) shows the last line. Tabs become
 * spaces so the caret lines up.
 */
export function sourceExcerpt(text: string, line: number, column?: number, width = 100): SourceExcerpt | null {
  if (!Number.isInteger(line) || line < 1) return null;
  const lines = text.split(/\r\n|\r|\n/);
  while (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  const n = Math.min(line, lines.length);
  const raw = (lines[n - 1] ?? '').replace(/\t/g, ' ');
  let caret = column !== undefined && n === line ? Math.max(0, Math.min(column - 1, raw.length)) : column !== undefined ? raw.length : null;
  if (raw.length <= width) return { line: n, text: raw, caret, clippedStart: false, clippedEnd: false };
  const centre = caret ?? 0;
  const start = Math.max(0, Math.min(centre - Math.floor(width / 2), raw.length - width));
  if (caret !== null) caret -= start;
  return { line: n, text: raw.slice(start, start + width), caret, clippedStart: start > 0, clippedEnd: start + width < raw.length };
}

/**
 * The edit-form field a server problem belongs to. Request validation points into the body (/body/options/1/text);
 * bank validation of the edited item points into a one-item bank file (/items/0/key).
 */
export function fieldOfPointer(pointer: string): string | null {
  const m = /^\/(?:body|items\/\d+)\/([A-Za-z]+)(?:\/(\d+))?(\/image\b)?/.exec(pointer);
  if (!m) return null;
  const [, field, index, image] = m;
  // A picture's problem (its alt text, its src) belongs to the picture's own field, not the option's text.
  if (field === 'options' && index !== undefined) return image ? `option-${index}-image` : `option-${index}`;
  return field ?? null;
}

// ---------------------------------------------------------------------------------------------------------------------
// Items

export const CHANGE_LABEL: Record<ItemChange, string> = { new: 'New', changed: 'Changed (new version)', 'status-changed': 'Status changed', retired: 'Retired', unchanged: 'Unchanged' };

/** The first `max` characters of a stem, cut at a word where possible. */
export function excerpt(text: string, max = 90): string {
  const t = text.replace(/\s+/g, ' ').trim();
  if (t.length <= max) return t;
  const cut = t.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** Topic tags typed as a list separated by commas or spaces: trimmed, lower-cased, without repeats. */
export function parseTopics(s: string): string[] {
  const out: string[] = [];
  for (const t of s.split(/[,\s]+/)) {
    const v = t.trim().toLowerCase();
    if (v && !out.includes(v)) out.push(v);
  }
  return out;
}

/** Case-insensitive match of id and stem (and option texts) against a free-text search. */
export function matchesSearch(item: Pick<BankItem, 'id' | 'content'>, search: string): boolean {
  const q = search.trim().toLowerCase();
  if (!q) return true;
  return item.id.toLowerCase().includes(q) || item.content.stem.toLowerCase().includes(q) || item.content.options.some((o) => o.text.toLowerCase().includes(q));
}

export interface ItemDraft {
  kwa: string;
  status: BankItem['status'];
  stem: string;
  /** The stem's picture (`sha256:` src and alt text), or null for none. An option's picture sits in its option. */
  image: ImageRef | null;
  options: ItemOption[];
  key: string;
  rationale: string;
  topics: string;
}

export function draftOf(item: BankItem): ItemDraft {
  const c = item.content;
  return { kwa: c.kwa, status: item.status, stem: c.stem, image: c.image ? { ...c.image } : null, options: c.options.map((o) => ({ ...o, ...(o.image ? { image: { ...o.image } } : {}) })), key: c.key, rationale: c.rationale, topics: c.topics.join(', ') };
}

const sameImage = (a: ImageRef | null | undefined, b: ImageRef | null | undefined) => (a?.src ?? null) === (b?.src ?? null) && (a?.alt ?? null) === (b?.alt ?? null);

/**
 * The PUT body for a draft: only what differs from the item. `topics` is always sent with any change, because the
 * server's edit schema (zod 4 `.partial()` over a field with `.default([])`) reads a missing `topics` as [] and would
 * silently clear the item's topics and make a new version.
 */
export function editPatch(item: BankItem, draft: ItemDraft): ItemEdit {
  const c: ItemContent = item.content;
  const patch: ItemEdit = {};
  if (draft.kwa !== c.kwa) patch.kwa = draft.kwa;
  if (draft.status !== item.status) patch.status = draft.status;
  if (draft.stem !== c.stem) patch.stem = draft.stem;
  // null takes the stem's picture away (leaving `image` out would keep it).
  if (!sameImage(draft.image, c.image)) patch.image = draft.image;
  if (JSON.stringify(draft.options) !== JSON.stringify(c.options)) patch.options = draft.options;
  if (draft.key !== c.key) patch.key = draft.key;
  if (draft.rationale !== c.rationale) patch.rationale = draft.rationale;
  const topics = parseTopics(draft.topics);
  if (Object.keys(patch).length > 0 || JSON.stringify(topics) !== JSON.stringify(c.topics)) patch.topics = topics;
  return patch;
}

/** True when the patch changes versioned content (anything but status): the server will make a new version. */
export function makesNewVersion(item: BankItem, patch: ItemEdit): boolean {
  const c = item.content;
  return (
    (patch.kwa !== undefined && patch.kwa !== c.kwa) ||
    (patch.stem !== undefined && patch.stem !== c.stem) ||
    (patch.image !== undefined && !sameImage(patch.image, c.image)) ||
    (patch.options !== undefined && JSON.stringify(patch.options) !== JSON.stringify(c.options)) ||
    (patch.key !== undefined && patch.key !== c.key) ||
    (patch.rationale !== undefined && patch.rationale !== c.rationale) ||
    (patch.topics !== undefined && JSON.stringify(patch.topics) !== JSON.stringify(c.topics))
  );
}

// ---------------------------------------------------------------------------------------------------------------------
// Coverage

/** Operational items below need cannot fill a form; below 1.6× need, retake forms and exposure control run thin. */
export const COVERAGE_SHORT = 1.0;
export const COVERAGE_THIN = 1.6;
export type CoverageLevel = 'short' | 'thin' | 'ok';

export function coverageLevel(available: number, needed: number): CoverageLevel {
  if (needed <= 0) return 'ok';
  const ratio = available / needed;
  if (ratio < COVERAGE_SHORT) return 'short';
  if (ratio < COVERAGE_THIN) return 'thin';
  return 'ok';
}

export function coverageRatio(available: number, needed: number): number | null {
  return needed > 0 ? available / needed : null;
}

// ---------------------------------------------------------------------------------------------------------------------
// Numbers, sorting, scales

/** A statistic with fixed decimals and a true minus sign; null (undefined statistic) is an em dash. */
export function fmt(x: number | null | undefined, digits = 2): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  const s = x.toFixed(digits);
  return s.startsWith('-') ? (Number(s) === 0 ? s.slice(1) : `−${s.slice(1)}`) : s;
}

export function pct(x: number | null | undefined, digits = 0): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  return `${(x * 100).toFixed(digits)}%`;
}

export type SortDir = 'ascending' | 'descending';

/** Sorts by a numeric or text column; nulls always last, ties by the tie-breaker key ascending. */
export function sortBy<T>(rows: readonly T[], value: (r: T) => number | string | null, dir: SortDir, tie: (r: T) => string): T[] {
  const sign = dir === 'ascending' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    if (va === null && vb === null) return tie(a).localeCompare(tie(b));
    if (va === null) return 1;
    if (vb === null) return -1;
    const c = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb));
    return c !== 0 ? sign * c : tie(a).localeCompare(tie(b));
  });
}

/** A linear map from [d0, d1] onto [r0, r1]. */
export function scale(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}

/** The y range of the scatter plot: at least [-0.2, 0.8], widened to the data and the threshold, in steps of 0.2. */
export function discriminationDomain(values: readonly (number | null)[], threshold: number): [number, number] {
  const xs = values.filter((v): v is number => v !== null);
  const lo = Math.min(-0.2, threshold, ...xs);
  const hi = Math.max(0.8, threshold, ...xs);
  return [Math.max(-1, Math.floor(lo * 5 + 1e-9) / 5), Math.min(1, Math.ceil(hi * 5 - 1e-9) / 5)];
}
