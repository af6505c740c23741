/**
 * W3C Bitstring Status List v1.0 (revocation): every credential owns one bit in a published list of 131,072 bits
 * (16 KB, the minimum the specification sets for herd privacy). The bit is derived from the credential's issue order
 * (statusSeq) by a fixed permutation, so neighbours in time are not neighbours in the list, and no index is ever
 * handed out twice. Pure: gzip is fflate's.
 */
import { gzipSync, gunzipSync } from 'fflate';

export const STATUS_LIST_BITS = 131_072; // 2^17
/** Odd, so multiplication by it modulo 2^17 is a bijection. */
const SPREAD = 40_503;

export interface StatusPosition {
  /** 1-based number of the list (its URL ends in it). */
  list: number;
  /** The credential's bit in that list, 0 = the leftmost bit of the first byte. */
  index: number;
}

/** statusSeq counts from 1 (a PostgreSQL serial). */
export function statusPosition(statusSeq: number): StatusPosition {
  if (!Number.isSafeInteger(statusSeq) || statusSeq < 1) throw new RangeError(`statusSeq must be a positive integer, got ${statusSeq}`);
  const n = statusSeq - 1;
  const list = Math.floor(n / STATUS_LIST_BITS) + 1;
  const index = Number((BigInt(n % STATUS_LIST_BITS) * BigInt(SPREAD)) % BigInt(STATUS_LIST_BITS));
  return { list, index };
}

/** The encodedList of a list with these bits set: multibase base64url (no padding, "u" prefix) of the gzipped bits. */
export function encodeStatusList(setIndexes: Iterable<number>): string {
  const bits = new Uint8Array(STATUS_LIST_BITS / 8);
  for (const i of setIndexes) {
    if (!Number.isInteger(i) || i < 0 || i >= STATUS_LIST_BITS) throw new RangeError(`status index out of range: ${i}`);
    bits[i >> 3]! |= 0x80 >> (i & 7);
  }
  // mtime 0: the same bits always encode to the same string.
  return 'u' + base64url(gzipSync(bits, { level: 9, mtime: 0 }));
}

/** Reads one bit of an encodedList (what a verifier does); throws on a malformed list. */
export function statusBit(encodedList: string, index: number): boolean {
  if (!encodedList.startsWith('u')) throw new Error('encodedList must be multibase base64url (start with "u")');
  const bits = gunzipSync(fromBase64url(encodedList.slice(1)));
  if (index < 0 || index >= bits.length * 8) throw new RangeError(`status index ${index} is outside the list (${bits.length * 8} bits)`);
  return (bits[index >> 3]! & (0x80 >> (index & 7))) !== 0;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export function base64url(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = i + 1 >= bytes.length ? 2 : i + 2 >= bytes.length ? 3 : 4;
    for (let c = 0; c < chars; c++) out += B64[(n >> (18 - 6 * c)) & 63];
  }
  return out;
}

export function fromBase64url(text: string): Uint8Array {
  const out: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const ch of text) {
    const v = B64.indexOf(ch);
    if (v < 0) throw new Error(`not base64url: "${ch}"`);
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push((acc >> bits) & 0xff);
    }
  }
  return Uint8Array.from(out);
}
