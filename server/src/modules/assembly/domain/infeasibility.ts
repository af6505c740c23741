/**
 * Why a form cannot be built, in words a content author can act on. The analysis proves infeasibility from counts
 * before any search runs: per KWA (and for the pretest slots) it counts what is eligible, takes out items whose enemy
 * is on every possible form (a KWA with exactly as many items as slots forces all of them), bounds what enemy groups
 * inside the KWA allow together (a clique cover), and checks the retaker budget across KWAs. Every item it takes out is
 * attributed to one reason, so the numbers in a message add up.
 */
import { SEEN_SET_LABEL, type Bucket, type NormalizedBank, type Problem } from './assembly-problem.ts';
import { PRETEST_POOL, type Infeasibility, type KwaShortage } from './assembly-types.ts';

const MAX_DETAILS = 40;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function shortageMessage(s: Omit<KwaShortage, 'message'>): string {
  const scored = s.role === 'scored';
  const pool = scored ? 'operational' : 'pretest';
  const what = scored ? `KWA ${s.kwa} needs ${plural(s.needed, 'scored item')}` : `The blueprint needs ${plural(s.needed, 'pretest item')}`;
  const reasons: string[] = [];
  if (s.lostTo.retired) reasons.push(`${s.lostTo.retired} retired`);
  if (s.lostTo.draft) reasons.push(`${s.lostTo.draft} still in draft`);
  if (s.lostTo.seenBefore) reasons.push(`${s.lostTo.seenBefore} seen by this candidate before`);
  if (s.lostTo.exposureCap) reasons.push(`${s.lostTo.exposureCap} over the exposure cap`);
  if (s.lostTo.enemies) reasons.push(`${s.lostTo.enemies} ruled out by enemy groups`);
  if (reasons.length === 0) {
    const where = scored ? ' in this KWA' : '';
    return s.eligible === 0 ? `${what} but the bank has no ${pool} items${where}` : `${what} but the bank has only ${plural(s.eligible, `${pool} item`)}${where}`;
  }
  const eligible = s.eligible === 0 ? `no ${pool} items are eligible` : `only ${s.eligible} ${pool} ${s.eligible === 1 ? 'item is' : 'items are'} eligible`;
  return `${what} but ${eligible}: ${reasons.join(', ')}`;
}

export interface ShortageAnalysis {
  shortages: KwaShortage[];
  /** Overrides the generic summary when the cause spans KWAs (the retaker budget). */
  summary?: string;
  details: string[];
  /** Per bucket: an upper bound on the items of it that can be on one form together. */
  effective: number[];
  /** Per bucket: pool members not ruled out by forced enemies. */
  alive: number[];
}

/** Components up to this size get an exact maximum independent set; larger ones a clique-cover bound. */
const EXACT_COMPONENT = 24;

function maxIndependent(adj: number[], mask: number): number {
  if (mask === 0) return 0;
  const v = 31 - Math.clz32(mask & -mask);
  const rest = mask & ~(1 << v);
  if ((adj[v]! & rest) === 0) return 1 + maxIndependent(adj, rest);
  return Math.max(maxIndependent(adj, rest), 1 + maxIndependent(adj, rest & ~adj[v]!));
}

/**
 * The most items of the bucket that can be on one form together. Items are linked when they share an enemy group;
 * each linked component counts its maximum independent set (exact up to EXACT_COMPONENT items, else an upper bound
 * from a clique cover by groups). `note` receives the components that lose items, in words.
 */
function maxTogether(pr: Problem, members: number[], usable: (m: number) => boolean, note: (text: string) => void): number {
  const inBucket = new Set(members.filter(usable));
  const seen = new Set<number>();
  let total = 0;
  for (const start of [...inBucket].sort((a, b) => a - b)) {
    if (seen.has(start)) continue;
    const comp: number[] = [];
    const queue = [start];
    seen.add(start);
    while (queue.length) {
      const m = queue.pop()!;
      comp.push(m);
      for (const g of pr.pool[m]!.groups) {
        for (const o of pr.groups[g]!.members) {
          if (inBucket.has(o) && !seen.has(o)) {
            seen.add(o);
            queue.push(o);
          }
        }
      }
    }
    if (comp.length === 1) {
      total++;
      continue;
    }
    comp.sort((a, b) => a - b);
    const groupIds = [...new Set(comp.flatMap((m) => pr.pool[m]!.groups))].sort((a, b) => a - b);
    let best: number;
    if (comp.length <= EXACT_COMPONENT) {
      const at = new Map(comp.map((m, i) => [m, i]));
      const adj = comp.map(() => 0);
      for (const g of groupIds) {
        const local = pr.groups[g]!.members.filter((m) => at.has(m)).map((m) => at.get(m)!);
        for (const a of local) for (const b of local) if (a !== b) adj[a]! |= 1 << b;
      }
      best = maxIndependent(adj, comp.length === 31 ? 0x7fffffff : (1 << comp.length) - 1);
    } else {
      const covered = new Set<number>();
      best = 0;
      const cliques = groupIds.map((g) => pr.groups[g]!.members.filter((m) => inBucket.has(m))).sort((a, b) => b.length - a.length);
      for (const clique of cliques) {
        const fresh = clique.filter((m) => !covered.has(m));
        if (fresh.length === 0) continue;
        best++;
        for (const m of fresh) covered.add(m);
      }
      best += comp.length - covered.size;
    }
    total += best;
    const ids = comp.map((m) => pr.pool[m]!.item.id).join(', ');
    const names = groupIds.map((g) => pr.groups[g]!.id);
    note(
      names.length === 1 && best === 1
        ? `Enemy group ${names[0]} allows only one of ${ids} on a form.`
        : `At most ${best} of ${ids} can be on one form together (enemy groups ${andList(names)}).`,
    );
  }
  return total;
}

/**
 * Per bucket, the most enemy groups can take away: Σ over groups of (members in the bucket - 1). When the live count
 * minus this still covers the need, the exact cover is not needed (the common case on a large bank).
 */
function enemyLossBound(pr: Problem, usable: (m: number) => boolean): number[] {
  const loss = pr.buckets.map(() => 0);
  const perBucket = new Int32Array(pr.buckets.length);
  const touched: number[] = [];
  for (const g of pr.groups) {
    for (const m of g.members) {
      if (!usable(m)) continue;
      const b = pr.pool[m]!.bucket;
      if (perBucket[b]!++ === 0) touched.push(b);
    }
    for (const b of touched) {
      loss[b]! += perBucket[b]! - 1;
      perBucket[b] = 0;
    }
    touched.length = 0;
  }
  return loss;
}

export function analyseShortages(pr: Problem, bank: NormalizedBank, seenMax: number): ShortageAnalysis {
  const details: string[] = [];
  const alive = new Uint8Array(pr.pool.length).fill(1);
  const live = pr.buckets.map((b) => b.members.length);
  const forcedBucket = new Uint8Array(pr.buckets.length);
  const enemyLost = pr.buckets.map(() => 0);
  const label = (b: number) => (pr.buckets[b]!.role === 'scored' ? `KWA ${pr.buckets[b]!.kwa}` : 'the pretest pool');

  // Forced items: a bucket with exactly as many live items as slots uses all of them, so their enemies are out.
  for (let changed = true; changed; ) {
    changed = false;
    pr.buckets.forEach((b, bi) => {
      if (b.need === 0 || forcedBucket[bi] || live[bi] !== b.need) return;
      forcedBucket[bi] = 1;
      for (const i of b.members) {
        if (!alive[i]) continue;
        for (const g of pr.pool[i]!.groups) {
          for (const m of pr.groups[g]!.members) {
            if (m === i || !alive[m]) continue;
            alive[m] = 0;
            changed = true;
            const mb = pr.pool[m]!.bucket;
            live[mb]!--;
            enemyLost[mb]!++;
            details.push(
              `${pr.pool[m]!.item.id} (${label(mb)}) cannot be used: it is an enemy of ${pr.pool[i]!.item.id} (group ${pr.groups[g]!.id}), which every form needs because ${label(bi)} has exactly ${plural(b.need, 'eligible item')} for its ${b.need} slots.`,
            );
          }
        }
      }
    });
  }

  const shortages: KwaShortage[] = [];
  let summary: string | undefined;
  const effective: number[] = [];
  const lostCounts = (bi: number, eligible: number, enemies: number, seenBefore: number): KwaShortage => {
    const b = pr.buckets[bi]!;
    const scored = b.role === 'scored';
    const { retired, draft } = excludedCounts(bank, b);
    const base = {
      kwa: scored ? b.kwa : PRETEST_POOL,
      role: b.role,
      needed: b.need,
      eligible,
      lostTo: { retired, draft, enemies, seenBefore, exposureCap: b.removed.exposureCap },
    };
    return { ...base, message: shortageMessage(base) };
  };
  const pretestHint = (bi: number) => {
    const b = pr.buckets[bi]!;
    if (b.role !== 'scored') return;
    const waiting = bank.items.filter((it) => it.status === 'pretest' && it.kwa === b.kwa).length;
    if (waiting > 0) details.push(`KWA ${b.kwa} also has ${plural(waiting, 'item')} in pretest; promoting those with good statistics would add operational items.`);
  };

  const isAlive = (m: number) => alive[m] === 1;
  const lossBound = enemyLossBound(pr, isAlive);
  pr.buckets.forEach((b, bi) => {
    if (live[bi]! - lossBound[bi]! >= b.need) {
      effective.push(live[bi]!);
      return;
    }
    const notes: string[] = [];
    const eff = maxTogether(pr, b.members, isAlive, (text) => notes.push(text));
    effective.push(eff);
    if (eff >= b.need) return;
    shortages.push(lostCounts(bi, eff, enemyLost[bi]! + (live[bi]! - eff), b.removed.seenBefore));
    details.push(...notes);
    pretestHint(bi);
  });

  // The retaker budget spans KWAs: the KWAs short of unseen items together may reuse at most seenMax seen items.
  if (shortages.length === 0 && seenMax > 0 && pr.sets.some((s) => s.label === SEEN_SET_LABEL)) {
    const fresh = (m: number) => alive[m] === 1 && !pr.pool[m]!.seen;
    const freshLoss = enemyLossBound(pr, fresh);
    const freshCount = pr.buckets.map((b) => b.members.filter(fresh).length);
    const unseen = pr.buckets.map((b, bi) => (freshCount[bi]! - freshLoss[bi]! >= b.need ? freshCount[bi]! : maxTogether(pr, b.members, fresh, () => {})));
    const shortfall = pr.buckets.reduce((s, b, bi) => s + Math.max(0, b.need - unseen[bi]!), 0);
    if (shortfall > seenMax) {
      pr.buckets.forEach((b, bi) => {
        if (unseen[bi]! >= b.need) return;
        const seenHere = b.members.filter((m) => alive[m] && pr.pool[m]!.seen).length;
        shortages.push(lostCounts(bi, unseen[bi]!, enemyLost[bi]! + freshCount[bi]! - unseen[bi]!, b.removed.seenBefore + seenHere));
        pretestHint(bi);
      });
      summary = `this candidate has already seen too many of the eligible items: the form would need ${shortfall} of them again, but at most ${seenMax} may be repeated (maxOverlapWithSeen); short of unseen items: ${andList(shortages.map(shortageWhere))}.`;
      details.unshift(`This candidate may see at most ${plural(seenMax, 'item')} again, but the blueprint would need ${shortfall} of the items they have seen.`);
    }
  }
  return { shortages, ...(summary ? { summary } : {}), details: details.slice(0, MAX_DETAILS), effective, alive: live };
}

/** Retired and draft items the caller listed as excluded: per KWA for scored slots, drafts of any KWA for pretest. */
export function excludedCounts(bank: NormalizedBank, b: Bucket): { retired: number; draft: number } {
  let retired = 0;
  let draft = 0;
  for (const e of bank.excluded) {
    if (b.role === 'scored' ? e.kwa !== b.kwa : e.reason !== 'draft') continue;
    if (e.reason === 'retired') retired++;
    else draft++;
  }
  return { retired, draft };
}

export function andList(xs: string[]): string {
  return xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`;
}

const shortageWhere = (s: KwaShortage) => (s.role === 'scored' ? `KWA ${s.kwa}` : 'the pretest pool');

export function formName(bank: NormalizedBank): string {
  return `a ${bank.blueprint.module} form (blueprint ${bank.blueprint.version})`;
}

export function shortageInfeasibility(bank: NormalizedBank, analysis: Pick<ShortageAnalysis, 'shortages' | 'details' | 'summary'>): Infeasibility {
  const { shortages, details, summary } = analysis;
  const head = `Cannot assemble ${formName(bank)}`;
  const message = summary
    ? `${head}: ${summary}`
    : shortages.length === 1
      ? `${head}: ${shortages[0]!.message}.`
      : `${head}: not enough eligible items in ${andList(shortages.map(shortageWhere))}.`;
  return { message, shortages, details: [...shortages.map((s) => `${s.message}.`), ...details] };
}

/** The counts allow a form but the search found none within its budget (enemy groups interlocking across KWAs). */
export function searchFailure(pr: Problem, bank: NormalizedBank, analysis: ShortageAnalysis): Infeasibility {
  const tight = pr.buckets
    .map((b, bi) => ({ b, slack: analysis.effective[bi]! - b.need, eff: analysis.effective[bi]! }))
    .sort((x, y) => x.slack - y.slack || (x.b.kwa < y.b.kwa ? -1 : 1))
    .slice(0, 3)
    .map(({ b, eff }) => `${b.role === 'scored' ? `KWA ${b.kwa}` : 'the pretest pool'} (${b.need} needed, at most ${eff} usable together)`);
  const spanning = pr.groups
    .filter((g) => new Set(g.members.map((m) => pr.pool[m]!.bucket)).size > 1)
    .map((g) => g.id);
  const details = [`The tightest parts of the blueprint are ${andList(tight)}.`];
  if (spanning.length) details.push(`Enemy groups that span KWAs: ${spanning.slice(0, 12).join(', ')}${spanning.length > 12 ? ` and ${spanning.length - 12} more` : ''}.`);
  if (pr.sets.length) details.push(`Limits in force: ${pr.sets.map((s) => `at most ${s.max} of the ${s.label}`).join('; ')}.`);
  const limits = pr.sets.length ? ' and overlap limits' : '';
  const advice = spanning.length ? 'Add items to the tightest KWAs or split enemy groups that span KWAs.' : 'Add items to the tightest KWAs or review their enemy groups.';
  return {
    message: `Cannot assemble ${formName(bank)}: each KWA has enough eligible items on its own, but no combination satisfying all enemy groups${limits} was found. ${advice}`,
    shortages: [],
    details,
  };
}
