/**
 * Delivery order and option order. Scored items go in seeded random order. Pretest items must be indistinguishable, so
 * they are never first or last and are spread evenly: the positions between the first and the last are cut into as
 * many equal stretches as there are pretest items, and each pretest item takes a random position in its own stretch.
 */
import type { Rng } from './assembly-problem.ts';
import type { AssemblyItem, FormItem } from './assembly-types.ts';

/** The stretches (0-based, inclusive) of positions 1 .. formLength-2 that each hold exactly one pretest item. */
export function pretestStretches(formLength: number, pretestCount: number): Array<[number, number]> {
  const interior = formLength - 2;
  const out: Array<[number, number]> = [];
  if (pretestCount <= 0 || interior < pretestCount) return out;
  for (let s = 0; s < pretestCount; s++) {
    out.push([1 + Math.floor((s * interior) / pretestCount), Math.floor(((s + 1) * interior) / pretestCount)]);
  }
  return out;
}

export function shuffle<T>(xs: readonly T[], rng: Rng): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

export function layoutForm(scored: AssemblyItem[], pretest: AssemblyItem[], rng: Rng): FormItem[] {
  const length = scored.length + pretest.length;
  const scoredOrder = shuffle(scored, rng);
  const pretestOrder = shuffle(pretest, rng);
  const slots = new Array<AssemblyItem | undefined>(length);
  const pretestIds = new Set(pretest.map((p) => p.id));
  pretestStretches(length, pretest.length).forEach(([from, to], s) => {
    slots[from + Math.floor(rng() * (to - from + 1))] = pretestOrder[s];
  });
  let next = 0;
  for (let i = 0; i < length; i++) if (!slots[i]) slots[i] = scoredOrder[next++];
  return slots.map((it) => ({
    itemId: it!.id,
    version: it!.version,
    kwa: it!.kwa,
    role: pretestIds.has(it!.id) ? ('pretest' as const) : ('scored' as const),
    optionOrder: shuffle(it!.optionIds, rng),
  }));
}
