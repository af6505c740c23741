/**
 * Seat / workstation labels (#17.7), shared by the server (validation, uniqueness per center and day) and the
 * proctor's console (sorting, the room map). Pure.
 */
import { z } from 'zod';

/** "12", "A-03", "Lab 2-14": 1-12 characters, letters, digits, spaces and dashes, starting with a letter or digit. */
export const SEAT_LABEL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 -]{0,11}$/;
export const seatLabelSchema = z
  .string()
  .trim()
  .regex(SEAT_LABEL_PATTERN, { error: 'a seat is 1-12 letters, digits, spaces or dashes, starting with a letter or digit (e.g. 12 or B-03)' });

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** Seat order as on the floor plan: numbers by value ("2" before "10"), labelled seats before unlabelled ones. */
export function compareSeatLabels(a: string | null | undefined, b: string | null | undefined): number {
  if (!a || !b) return a ? -1 : b ? 1 : 0;
  return collator.compare(a, b);
}

/** The calendar day (YYYY-MM-DD) of `at` in the zone `timeZone`: a sitting's day at its center. */
export function dayInZone(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}
