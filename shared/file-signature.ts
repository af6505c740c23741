/**
 * What a file is, read from its first bytes (never from its name or the type a browser claims): the one place that
 * knows the signatures of the kinds the product accepts from users (item images, recertification evidence, camera
 * stills).
 */
export type SniffedType = 'application/pdf' | 'image/png' | 'image/jpeg';

const SIGNATURES: Array<[SniffedType, number[]]> = [
  ['application/pdf', [0x25, 0x50, 0x44, 0x46, 0x2d]], // %PDF-
  ['image/png', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  ['image/jpeg', [0xff, 0xd8, 0xff]], // SOI, then a marker
];

export function sniffFileType(bytes: Uint8Array): SniffedType | null {
  for (const [type, sig] of SIGNATURES) if (bytes.length >= sig.length && sig.every((b, i) => bytes[i] === b)) return type;
  return null;
}
