/**
 * The candidate's own marks on the questions (#17.3): options struck out (eliminated) and highlighted stretches of
 * the stem. They are the candidate's notes, not answers: they never go to the server and never count. Kept in the
 * browser per session next to the answer outbox, so they survive a reload. Pure functions here; the store is a
 * small key-value wrapper so tests run in node.
 */
import type { KeyValueStore } from '../../lib/outbox.ts';

/** A highlighted stretch of a stem, as [start, end) character offsets. */
export type Range = readonly [number, number];

export interface CandidateMarks {
  /** Struck-out option ids per item. */
  struck: Record<string, string[]>;
  /** Highlighted ranges per item, sorted and never overlapping. */
  highlights: Record<string, Range[]>;
}

export const emptyMarks = (): CandidateMarks => ({ struck: {}, highlights: {} });
export const marksKey = (sessionId: string) => `cpt-exam:marks:${sessionId}`;

export function toggleStrike(m: CandidateMarks, itemId: string, optionId: string): CandidateMarks {
  const now = m.struck[itemId] ?? [];
  const next = now.includes(optionId) ? now.filter((o) => o !== optionId) : [...now, optionId];
  const struck = { ...m.struck };
  if (next.length > 0) struck[itemId] = next;
  else delete struck[itemId];
  return { ...m, struck };
}

/** Adds a range to an item's highlights, merging any it touches or overlaps; empty or reversed ranges are ignored. */
export function addHighlight(m: CandidateMarks, itemId: string, range: Range, textLength: number): CandidateMarks {
  const start = Math.max(0, Math.min(range[0], range[1]));
  const end = Math.min(textLength, Math.max(range[0], range[1]));
  if (end <= start) return m;
  const all = [...(m.highlights[itemId] ?? []), [start, end] as Range].sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [s, e] of all) {
    const last = merged[merged.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else merged.push([s, e]);
  }
  return { ...m, highlights: { ...m.highlights, [itemId]: merged } };
}

export function clearHighlights(m: CandidateMarks, itemId: string): CandidateMarks {
  const highlights = { ...m.highlights };
  delete highlights[itemId];
  return { ...m, highlights };
}

/** The stem cut into plain and highlighted pieces, in order. */
export function segments(text: string, ranges: readonly Range[] = []): { text: string; marked: boolean; start: number }[] {
  const out: { text: string; marked: boolean; start: number }[] = [];
  let at = 0;
  for (const [s, e] of ranges) {
    if (s > at) out.push({ text: text.slice(at, s), marked: false, start: at });
    if (e > s) out.push({ text: text.slice(s, e), marked: true, start: s });
    at = Math.max(at, e);
  }
  if (at < text.length || out.length === 0) out.push({ text: text.slice(at), marked: false, start: at });
  return out;
}

export function loadMarks(store: KeyValueStore, sessionId: string): CandidateMarks {
  try {
    const raw = store.getItem(marksKey(sessionId));
    if (!raw) return emptyMarks();
    const v = JSON.parse(raw) as Partial<CandidateMarks>;
    return { struck: v.struck && typeof v.struck === 'object' ? v.struck : {}, highlights: v.highlights && typeof v.highlights === 'object' ? v.highlights : {} };
  } catch {
    return emptyMarks();
  }
}

export function saveMarks(store: KeyValueStore, sessionId: string, m: CandidateMarks): void {
  try {
    store.setItem(marksKey(sessionId), JSON.stringify(m));
  } catch {
    /* kept for this page only */
  }
}
