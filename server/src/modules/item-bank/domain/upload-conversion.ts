/**
 * One entry point for an author's upload: detects the format (bank JSON, CSV sheet, QTI item XML, QTI content
 * package) and returns bank-JSON sources for validateBankSources, together with every conversion problem. The dry
 * run then shows conversion and validation problems alike, and relocateProblems points validation problems on a
 * converted source back to the row, cell or QTI file they came from. Pure.
 */
import type { Problem } from '../../../../../shared/errors.ts';
import type { ItemStatus, ModuleCode } from '../../../../../shared/vocabulary.ts';
import { importBankCsv } from './bank-csv.ts';
import type { BankSource } from './bank-validation.ts';
import { importQti, type ImportedAsset, type ItemOrigin, type KwaMapping, type SkippedItem } from './qti-import.ts';
import { looksLikeZip } from './zip-archive.ts';
import { decodeText } from '../../../../../shared/decode-text.ts';

export interface UploadOptions {
  /** How QTI items get their KWA; the built-in sources apply without it (docs/qti-and-csv.md). */
  kwaMapping?: KwaMapping;
  /** QTI: skip and list unconvertible items instead of reporting them as problems. */
  lenient?: boolean;
  /** QTI: put every item in this module. */
  module?: ModuleCode;
  /** QTI: give every item this status. */
  status?: ItemStatus;
}

export interface SourceOrigin {
  file: string;
  line?: number;
  column?: number;
}

export type UploadFormat = 'json' | 'csv' | 'qti-xml' | 'qti-zip';

export interface UploadConversion {
  format: UploadFormat | null;
  /** Bank JSON for validateBankSources: the upload itself for .json, else one converted source. */
  sources: BankSource[];
  /** Conversion problems. Any problem means the upload must not be imported, whatever validation says. */
  problems: Problem[];
  skipped: SkippedItem[];
  assets: ImportedAsset[];
  /** For QTI: where each item came from, with its original choice identifiers. */
  itemOrigins: ItemOrigin[];
  /** Converted source name → JSON pointer → where that part of the converted bank came from in the upload. */
  origins: Record<string, Record<string, SourceOrigin>>;
}

export function detectUploadFormat(file: { name: string; bytes: Uint8Array }): UploadFormat | null {
  const ext = /\.([A-Za-z0-9]+)$/.exec(file.name)?.[1]?.toLowerCase();
  if (ext === 'json') return 'json';
  if (ext === 'csv' || ext === 'tsv') return 'csv';
  if (ext === 'xml') return 'qti-xml';
  if (ext === 'zip') return 'qti-zip';
  if (looksLikeZip(file.bytes)) return 'qti-zip';
  const head = new TextDecoder('utf-8').decode(file.bytes.subarray(0, 64)).replace(/^\uFEFF/, '').trimStart();
  if (head.startsWith('<')) return 'qti-xml';
  if (head.startsWith('{')) return 'json';
  return null;
}

/** The name of the bank JSON made from an upload, as validation problems will name it before relocation. */
export function convertedSourceName(uploadName: string): string {
  return `${uploadName}.bank.json`;
}

export function convertUpload(file: { name: string; bytes: Uint8Array }, options: UploadOptions = {}): UploadConversion {
  const format = detectUploadFormat(file);
  const result: UploadConversion = { format, sources: [], problems: [], skipped: [], assets: [], itemOrigins: [], origins: {} };
  if (format === null) {
    result.problems.push({
      file: file.name,
      pointer: '',
      message: `cannot tell the format of "${file.name}": upload a bank as .json, a spreadsheet as .csv, a QTI item as .xml or a QTI content package as .zip`,
    });
    return result;
  }
  if (format === 'json' || format === 'csv') {
    const text = decodeText(file.bytes);
    if (text === null) {
      const hint = format === 'csv' ? '; in Excel choose "Save as" → "CSV UTF-8 (Comma delimited)"' : '; save it as UTF-8';
      result.problems.push({ file: file.name, pointer: '', message: `the file is not valid UTF-8 text${hint}` });
      return result;
    }
    if (format === 'json') {
      result.sources.push({ name: file.name, text });
      return result;
    }
    const csv = importBankCsv(text, file.name);
    const name = convertedSourceName(file.name);
    result.problems.push(...csv.problems);
    result.sources.push({ name, text: JSON.stringify(csv.bank, null, 2) + '\n' });
    const table: Record<string, SourceOrigin> = { '': { file: file.name } };
    for (const [pointer, pos] of Object.entries(csv.positions)) table[pointer] = { file: file.name, ...pos };
    result.origins[name] = table;
    return result;
  }
  const qti = importQti([file], { kwaMapping: options.kwaMapping ?? {}, ...pick(options) });
  const name = convertedSourceName(file.name);
  result.problems.push(...qti.problems);
  result.skipped.push(...qti.skipped);
  result.assets.push(...qti.assets);
  result.itemOrigins.push(...qti.origins);
  // The package's images, by their path in the package: the converted items name them so (docs/qti-and-csv.md).
  result.sources.push({ name, text: JSON.stringify(qti.bank, null, 2) + '\n', files: new Map(qti.assets.map((a) => [a.path, a.bytes])) });
  const table: Record<string, SourceOrigin> = { '': { file: file.name } };
  qti.origins.forEach((o, i) => (table[`/items/${i}`] = { file: o.file, line: o.line, column: o.column }));
  Object.assign(table, qti.bankDataOrigins);
  result.origins[name] = table;
  return result;
}

function pick(options: UploadOptions): { lenient?: boolean; module?: ModuleCode; status?: ItemStatus } {
  return {
    ...(options.lenient !== undefined ? { lenient: options.lenient } : {}),
    ...(options.module !== undefined ? { module: options.module } : {}),
    ...(options.status !== undefined ? { status: options.status } : {}),
  };
}

/**
 * Points problems that validateBankSources found in a converted source back into the upload: the closest known
 * ancestor of the problem's JSON pointer gives the file, line and column (a CSV cell, a QTI item file, a place in
 * cpt-bank.json). The pointer is kept, so the field stays named. Problems on other sources pass through unchanged.
 */
export function relocateProblems(problems: Problem[], conversion: Pick<UploadConversion, 'origins'>): Problem[] {
  return problems.map((p) => {
    const table = p.file === undefined ? undefined : conversion.origins[p.file];
    if (!table) return p;
    for (let ptr = p.pointer; ; ptr = ptr.slice(0, ptr.lastIndexOf('/'))) {
      const o = table[ptr];
      if (o) {
        const { line: _l, column: _c, ...rest } = p;
        return { ...rest, file: o.file, ...(o.line !== undefined ? { line: o.line } : {}), ...(o.column !== undefined ? { column: o.column } : {}) };
      }
      if (ptr === '') return p;
    }
  });
}

/** Image files travel next to a bank file in an upload (or on disk) and are never bank files themselves. */
export function isImageFileName(name: string): boolean {
  return /\.(png|jpe?g|svg)$/i.test(name);
}

/**
 * A bank JSON upload's items (or a sheet's image column) name their images by paths relative to the bank file; the
 * other files of the same upload are those images (`media/gauge.svg` next to `bank.json`, or `banks/media/gauge.svg` next to
 * `banks/safety.json`). Other formats are returned as they are.
 */
export function withUploadedImages(conversion: UploadConversion, uploadName: string, images: { name: string; bytes: Uint8Array }[]): UploadConversion {
  if ((conversion.format !== 'json' && conversion.format !== 'csv') || images.length === 0) return conversion;
  const slash = uploadName.replaceAll('\\', '/').lastIndexOf('/');
  const dir = slash < 0 ? '' : uploadName.slice(0, slash + 1);
  const files = new Map<string, Uint8Array>();
  for (const img of images) {
    const n = img.name.replaceAll('\\', '/');
    files.set(dir && n.startsWith(dir) ? n.slice(dir.length) : n, img.bytes);
  }
  return { ...conversion, sources: conversion.sources.map((s) => ({ ...s, files })), assets: [...conversion.assets, ...images.map((i) => ({ path: i.name, bytes: i.bytes }))] };
}
