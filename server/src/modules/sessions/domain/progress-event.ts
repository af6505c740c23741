/**
 * The "progress" bus event: which sessions had answers saved, by test center, so that proctor consoles refresh those
 * rows. Pure; the sessions service publishes it after each answer batch commits and the proctor feed reads it.
 */

/** Test center id → ids of its sessions that changed. */
export type ProgressByCenter = Record<string, string[]>;

/**
 * Bytes of the `by` map per NOTIFY. PostgreSQL refuses a payload of 8,000 bytes or more; the envelope
 * ({"t":"progress","by":…}) adds 22, and the rest is margin.
 */
export const PROGRESS_PAYLOAD_BYTES = 7_000;

const bytes = (s: string) => new TextEncoder().encode(s).length;

/** Splits a batch's changes into `by` maps whose JSON is at most `maxBytes` each (a map never splits one id). */
export function progressPayloads(byCenter: ReadonlyMap<string, ReadonlySet<string>>, maxBytes: number): ProgressByCenter[] {
  const out: ProgressByCenter[] = [];
  let current: ProgressByCenter = {};
  let size = 2; // {}
  for (const [center, ids] of byCenter) {
    const key = bytes(JSON.stringify(center)) + 3; // "center":[] and, but for the first, a comma
    for (const id of ids) {
      const idBytes = bytes(JSON.stringify(id)) + 1; // "id" and a comma
      const opens = !current[center];
      const grow = idBytes + (opens ? key : 0);
      if (size + grow > maxBytes && Object.keys(current).length) {
        out.push(current);
        current = {};
        size = 2;
      }
      if (!current[center]) {
        current[center] = [];
        size += key;
      }
      current[center].push(id);
      size += idBytes;
    }
  }
  if (Object.keys(current).length) out.push(current);
  return out;
}

/** The changed sessions of an event's payload, keeping only centers that `watched` accepts; malformed parts are skipped. */
export function progressIdsFor(by: unknown, watched: (center: string) => boolean): string[] {
  if (!by || typeof by !== 'object' || Array.isArray(by)) return [];
  const ids: string[] = [];
  for (const [center, list] of Object.entries(by)) {
    if (!watched(center) || !Array.isArray(list)) continue;
    for (const id of list) if (typeof id === 'string') ids.push(id);
  }
  return ids;
}
