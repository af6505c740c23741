/**
 * Bank files on disk (the CLI, first-start loading of item-bank/) name their images by paths relative to the bank
 * file; this reads those files so validation can check and hash them. A path that is missing, absolute or leaves
 * the folder is simply not read: validation then reports it with the file, line and pointer.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { MEDIA_REF } from '../../../../shared/item-bank-format.ts';

function imagePaths(text: string): string[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return [];
  }
  const items = (json as { items?: unknown }).items;
  if (!Array.isArray(items)) return [];
  const srcOf = (x: unknown) => (x && typeof x === 'object' ? (x as { image?: { src?: unknown } }).image?.src : undefined);
  const out = new Set<string>();
  for (const item of items) {
    for (const src of [srcOf(item), ...(Array.isArray((item as { options?: unknown })?.options) ? (item as { options: unknown[] }).options.map(srcOf) : [])]) {
      if (typeof src === 'string' && !MEDIA_REF.test(src)) out.add(src);
    }
  }
  return [...out];
}

export async function readBankImages(bankPath: string, text: string): Promise<Map<string, Uint8Array>> {
  const dir = path.dirname(bankPath);
  const files = new Map<string, Uint8Array>();
  for (const src of imagePaths(text)) {
    const full = path.resolve(dir, src);
    if (path.isAbsolute(src) || !full.startsWith(path.resolve(dir) + path.sep)) continue;
    try {
      files.set(src, new Uint8Array(await readFile(full)));
    } catch {
      // Reported by validation as a missing image file.
    }
  }
  return files;
}
