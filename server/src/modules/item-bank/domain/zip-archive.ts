/**
 * Zip reading and writing for QTI content packages, over fflate (the only file in domain code that imports it).
 * Reading applies size limits so that a hostile upload cannot exhaust memory; writing is deterministic (fixed
 * timestamps, the given order), so the same bank always exports to the same bytes.
 */
import { unzipSync, zipSync, type Zippable } from 'fflate';

export const MAX_MEMBER_BYTES = 64 * 1024 * 1024;
export const MAX_TOTAL_BYTES = 256 * 1024 * 1024;

export interface ZipContents {
  /** Member path ("items/q1.xml", forward slashes, no leading "./" or "/") → bytes. Folders are left out. */
  members: Map<string, Uint8Array>;
  /** Members that were not extracted, each with the reason. */
  refused: { path: string; reason: string }[];
}

export class ZipFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZipFormatError';
  }
}

export function looksLikeZip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 0x03 || bytes[2] === 0x05) && (bytes[3] === 0x04 || bytes[3] === 0x06);
}

export function normaliseMemberPath(name: string): string {
  return name.replace(/\\/g, '/').replace(/^(\.\/|\/)+/, '');
}

/** The member path if it stays inside the package (no "..", no drive letter), else null. */
export function safeMemberPath(name: string): string | null {
  const p = normaliseMemberPath(name);
  if (p === '' || /^[A-Za-z]:/.test(p) || p.split('/').some((seg) => seg === '..')) return null;
  return p;
}

/** Operating-system litter that zip tools add; never package content. */
function isLitter(path: string): boolean {
  return path.startsWith('__MACOSX/') || /(^|\/)(\.DS_Store|Thumbs\.db|desktop\.ini)$/i.test(path);
}

export function readZip(bytes: Uint8Array): ZipContents {
  const refused: { path: string; reason: string }[] = [];
  let total = 0;
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, {
      filter: (f) => {
        const path = normaliseMemberPath(f.name);
        if (path.endsWith('/') || isLitter(path)) return false;
        if (safeMemberPath(f.name) === null) {
          refused.push({ path, reason: 'has a path that leaves the package (".." or a drive letter)' });
          return false;
        }
        if (f.compression !== 0 && f.compression !== 8) {
          refused.push({ path, reason: `uses compression method ${f.compression}; only stored and deflated members can be read` });
          return false;
        }
        if (f.originalSize > MAX_MEMBER_BYTES) {
          refused.push({ path, reason: `is larger than ${MAX_MEMBER_BYTES / 1024 / 1024} MB` });
          return false;
        }
        total += f.originalSize;
        if (total > MAX_TOTAL_BYTES) {
          refused.push({ path, reason: `takes the package over ${MAX_TOTAL_BYTES / 1024 / 1024} MB unpacked` });
          return false;
        }
        return true;
      },
    });
  } catch (e) {
    throw new ZipFormatError(e instanceof Error ? e.message : String(e));
  }
  const members = new Map<string, Uint8Array>();
  for (const [name, data] of Object.entries(entries)) members.set(normaliseMemberPath(name), data);
  return { members, refused };
}

/** Local midnight of a fixed day, so the DOS timestamps are the same whatever the time zone. */
const FIXED_MTIME = new Date(2026, 0, 1);

export function writeZip(files: { path: string; bytes: Uint8Array }[]): Uint8Array {
  const zippable: Zippable = {};
  for (const f of files) zippable[f.path] = [f.bytes, { mtime: FIXED_MTIME }];
  return zipSync(zippable, { level: 6, mtime: FIXED_MTIME });
}
