/**
 * Breaks (#17.10), shared by the server (which decides) and the candidate's browser (which offers the button). Pure.
 *
 * A break is a pause whose reason says which kind it is and whether the exam clock stops or runs during it:
 * `break:scheduled:stops`, `break:scheduled:runs` (a blueprint's scheduled break) or `break:unscheduled:runs` (asked
 * for by the candidate or started by the proctor; the clock always runs).
 */
import { z } from 'zod';

/** Whether the exam clock stops during a scheduled break (the time is not charged) or runs (it is) (#17.10). */
export const BREAK_CLOCKS = ['stops', 'runs'] as const;
/** Most scheduled breaks a blueprint may set, and the longest one, in minutes. */
export const MAX_SCHEDULED_BREAKS = 5;
export const MAX_BREAK_MINUTES = 60;

/**
 * One scheduled break: offered to the candidate once they have moved past question `afterQuestion` (1-based), or once
 * `atMinute` minutes of exam time are used; exactly one of the two. It lasts at most `minutes`, and the clock stops or
 * runs during it.
 */
export const scheduledBreakSchema = z
  .strictObject({
    afterQuestion: z.number().int().min(1, { error: 'afterQuestion must be a question number, 1 or more' }).max(200).optional(),
    atMinute: z.number().int().min(1, { error: 'atMinute must be 1 or more' }).max(600).optional(),
    minutes: z.number().int().min(1, { error: `minutes must be between 1 and ${MAX_BREAK_MINUTES}` }).max(MAX_BREAK_MINUTES, { error: `minutes must be between 1 and ${MAX_BREAK_MINUTES}` }),
    clock: z.enum(BREAK_CLOCKS, { error: `clock must be one of ${BREAK_CLOCKS.join(', ')}` }),
  })
  .refine((b) => (b.afterQuestion === undefined) !== (b.atMinute === undefined), { error: 'a break needs exactly one of afterQuestion or atMinute' });
export type ScheduledBreak = z.infer<typeof scheduledBreakSchema>;

export type BreakKind = 'scheduled' | 'unscheduled';
export type BreakClock = 'stops' | 'runs';
export interface BreakInfo {
  kind: BreakKind;
  clock: BreakClock;
}

const BREAK_REASON = /^break:(scheduled|unscheduled):(stops|runs)$/;

export const breakReason = (b: BreakInfo): string => `break:${b.kind}:${b.clock}`;

/** The break a pause reason names, or null for any other pause. */
export function breakOf(pauseReason: string | null | undefined): BreakInfo | null {
  const m = BREAK_REASON.exec(pauseReason ?? '');
  return m ? { kind: m[1] as BreakKind, clock: m[2] as BreakClock } : null;
}

/** Where the candidate is: the 1-based number of the question they are on, and the exam time used so far. */
export interface BreakProgress {
  question: number;
  usedMs: number;
}

/**
 * The scheduled break the candidate may take now, or null. Scheduled breaks come in order: the next one not taken
 * (index `taken`) is due once its point is reached (moved past question `afterQuestion`, or `atMinute` minutes of
 * exam time used), and it stays on offer until taken.
 */
export function dueScheduledBreak(policy: readonly ScheduledBreak[] | undefined, taken: number, at: BreakProgress): { index: number; break: ScheduledBreak } | null {
  const next = policy?.[taken];
  if (!next) return null;
  const reached = next.afterQuestion !== undefined ? at.question > next.afterQuestion : at.usedMs >= next.atMinute! * 60_000;
  return reached ? { index: taken, break: next } : null;
}

/** How a break reads for people: "scheduled break (clock stopped)". */
export function breakLabel(b: BreakInfo): string {
  return `${b.kind} break (clock ${b.clock === 'stops' ? 'stopped' : 'running'})`;
}
