/**
 * The "progress" bus event: which sessions had answers saved, by test center, so that proctor consoles refresh those
 * rows. Pure; the sessions service publishes it after each answer batch commits and the proctor feed reads it.
 */

/** Test center id → ids of its sessions that changed. */
export type ProgressByCenter = Record<string, string[]>;

/** Splits a batch's changes into payloads of at most `maxIds` sessions each (a NOTIFY payload is limited to 8,000 bytes). */
export function progressPayloads(byCenter: ReadonlyMap<string, ReadonlySet<string>>, maxIds: number): ProgressByCenter[] {
  const out: ProgressByCenter[] = [];
  let current: ProgressByCenter = {};
  let size = 0;
  for (const [center, ids] of byCenter) {
    for (const id of ids) {
      if (size === maxIds) {
        out.push(current);
        current = {};
        size = 0;
      }
      (current[center] ??= []).push(id);
      size++;
    }
  }
  if (size) out.push(current);
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
