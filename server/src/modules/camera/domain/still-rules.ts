/**
 * The rules for a seat-camera still (#17.11). Pure: bytes, times and the setting come in, a decision goes out.
 */
import { sniffFileType } from '../../../../../shared/file-signature.ts';

/** A JPEG starts with SOI (FF D8) followed by a marker (FF). The declared type is never trusted; the bytes are. */
export function isJpeg(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && sniffFileType(bytes) === 'image/jpeg';
}

/**
 * The shortest gap between two stills (or two failure reports) of one session: the interval, less some slack for
 * the browser's timers and the network (at most 5 s, at most a fifth of the interval), so a client that keeps to the
 * interval is never refused while one that sends faster is.
 */
export function minimumGapMs(intervalSeconds: number): number {
  const intervalMs = intervalSeconds * 1000;
  return intervalMs - Math.min(5000, intervalMs / 5);
}

/** How long until the next still is accepted; 0 when it is accepted now. */
export function waitBeforeNextMs(last: Date | null, now: Date, intervalSeconds: number): number {
  if (!last) return 0;
  return Math.max(0, last.getTime() + minimumGapMs(intervalSeconds) - now.getTime());
}
