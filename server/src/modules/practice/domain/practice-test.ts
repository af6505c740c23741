/**
 * Practice tests (docs/practice.md): drawn only from the practice pool, scored by the same scoring function as an
 * exam, and reviewed item by item with the key and rationale afterwards. Pure: the seed and the instants arrive as
 * arguments.
 */
import seedrandom from 'seedrandom';
import type { Blueprint, ItemContent } from '../../../../../shared/item-bank-format.ts';
import type { ItemStatus } from '../../../../../shared/vocabulary.ts';
import { scoreSession, type EndReason, type ScoreResult } from '../../scoring/domain/score-session.ts';
import { toCandidateItems } from '../../sessions/domain/candidate-view.ts';
import type { CandidateItem } from '../../../../../shared/protocol/session-protocol.ts';

/** Questions on a practice test when the pool holds at least that many. */
export const PRACTICE_LENGTH = 25;
/** Answers arriving this long after a timed test's deadline are still taken (they were sent in time). */
export const PRACTICE_GRACE_MS = 5_000;

export interface PracticePoolItem {
  id: string;
  version: number;
  kwa: string;
  status: ItemStatus;
  optionIds: string[];
}

export interface PracticeTestItem {
  itemId: string;
  version: number;
  kwa: string;
  optionOrder: string[];
}

export class NotPracticeItemError extends Error {}

function shuffle<T>(xs: readonly T[], random: () => number): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/**
 * Draws a practice test from the module's pool: only items whose status is `practice` (anything else in `pool` is
 * skipped, so an operational or pretest item can never appear), spread over the KWAs in turn so every KWA the pool
 * covers is represented, in a shuffled order with shuffled options. The same seed gives the same test.
 */
export function drawPracticeTest(pool: readonly PracticePoolItem[], seed: string, length = PRACTICE_LENGTH): PracticeTestItem[] {
  const random = seedrandom(`practice\u001f${seed}`);
  const practice = [...pool].filter((it) => it.status === 'practice').sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const byKwa = new Map<string, PracticePoolItem[]>();
  for (const it of practice) byKwa.set(it.kwa, [...(byKwa.get(it.kwa) ?? []), it]);
  const queues = shuffle([...byKwa.keys()].sort(), random).map((k) => shuffle(byKwa.get(k)!, random));
  const chosen: PracticePoolItem[] = [];
  while (chosen.length < Math.min(length, practice.length)) {
    for (const q of queues) {
      const next = q.shift();
      if (next && chosen.length < length) chosen.push(next);
    }
  }
  return shuffle(chosen, random).map((it) => ({ itemId: it.id, version: it.version, kwa: it.kwa, optionOrder: shuffle(it.optionIds, random) }));
}

/** The exam's time limit scaled to the practice test's length, in whole minutes (at least one). */
export function practiceTimeLimitMs(blueprint: Pick<Blueprint, 'timeLimitMinutes' | 'formLength'>, questions: number): number {
  return Math.max(1, Math.ceil((blueprint.timeLimitMinutes * questions) / blueprint.formLength)) * 60_000;
}

/** Whether a timed test's time is up at `now` (an untimed test never runs out). */
export const isTimeUp = (deadlineAt: Date | null, now: Date, graceMs = 0) => !!deadlineAt && now.getTime() > deadlineAt.getTime() + graceMs;

/**
 * Scores a practice test with the exam's scoring function: every practice item counts, against the module's cut.
 * The result is labelled practice by where it is kept (never a session's score), not by a different formula.
 */
export function scorePractice(input: {
  items: readonly PracticeTestItem[];
  keys: ReadonlyMap<string, string>;
  answers: Record<string, string>;
  cutScore: Blueprint['cutScore'];
  kwaTitles: Record<string, string>;
  endReason: Extract<EndReason, 'submitted' | 'expired'>;
}): ScoreResult {
  return scoreSession({
    items: input.items.map((it) => {
      const key = input.keys.get(it.itemId);
      if (key === undefined) throw new NotPracticeItemError(`no key for practice item ${it.itemId}`);
      return { itemId: it.itemId, version: it.version, kwa: it.kwa, role: 'scored' as const, key };
    }),
    responses: input.answers,
    cutScore: input.cutScore,
    kwaTitles: input.kwaTitles,
    endReason: input.endReason,
  });
}

/** One reviewed question: what was shown (as on the exam screen, pictures included), what the candidate chose, the key and why. */
export type ReviewedItem = CandidateItem & {
  kwa: string;
  kwaTitle: string;
  chosen: string | null;
  key: string;
  correct: boolean;
  rationale: string;
};

export function reviewOf(items: readonly PracticeTestItem[], contents: ReadonlyMap<string, Pick<ItemContent, 'stem' | 'image' | 'options' | 'key' | 'rationale'>>, answers: Record<string, string>, kwaTitles: Record<string, string>): ReviewedItem[] {
  return items.map((it, i) => {
    const c = contents.get(`${it.itemId}@${it.version}`);
    if (!c) throw new NotPracticeItemError(`practice item ${it.itemId} version ${it.version} is missing`);
    const [shown] = toCandidateItems([{ position: i + 1, itemId: it.itemId, optionOrder: it.optionOrder, content: c }]);
    const chosen = answers[it.itemId] ?? null;
    return { ...shown!, kwa: it.kwa, kwaTitle: kwaTitles[it.kwa] ?? it.kwa, chosen, key: c.key, correct: chosen === c.key, rationale: c.rationale };
  });
}
