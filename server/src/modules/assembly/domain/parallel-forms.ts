/**
 * K parallel fixed forms: the same blueprint, pairwise overlap at most maxOverlapPct of the form length, and (when every
 * scored candidate has p) mean difficulty within the tolerance of each other. Sequential assembly: form f treats each
 * earlier form as a budget set of at most B common items and prefers items used least so far; every form aims at the
 * same difficulty band around the pool's expected mean, and a balancing pass re-swaps any form that missed it against
 * all the others. On a calibrated bank with an ability cut, every form is built to the information target and the set
 * is then matched in its test characteristic curves (matchCurves). A counting bound proves impossibility up front when
 * the bank is too small for K forms.
 */
import { buildProblem, exposurePolicy, expectedMeanDifficulty, normalizeRequest, invalidRequest, stream, type NormalizedBank, type Problem } from './assembly-problem.ts';
import { repairJointly } from './parallel-repair.ts';
import {
  DEFAULT_DIFFICULTY_TOLERANCE,
  DEFAULT_TCC_GRID,
  DEFAULT_TCC_TOLERANCE,
  PRETEST_POOL,
  type AssembledForm,
  type ConstraintCheck,
  type Infeasibility,
  type KwaShortage,
  type ParallelRequest,
  type ParallelResult,
} from './assembly-types.ts';
import { buildSelection, capModes, finishForm, problemFor, type BuildSpec } from './form-builder.ts';
import { analyseShortages, excludedCounts, formName, shortageInfeasibility } from './infeasibility.ts';
import { improveDifficulty, meanDifficultyOf, stateOf, type SelectionState } from './selection-search.ts';
import { fmtP } from './verify-form.ts';
import { fmt, matchTcc, maxGap, resolveTarget, tccGrid, tccOf, type ResolvedTarget } from './information-target.ts';

/** Whole restarts of the sequence (with fresh seeds) before reporting failure. */
const SEQUENCE_ATTEMPTS = 3;
const BALANCE_ROUNDS = 3;
/** Rounds of moving every form towards the forms' mean characteristic curve. */
const TCC_ROUNDS = 6;
const EPS = 1e-9;

export function overlapShare(maxOverlapPct: number): number {
  return maxOverlapPct > 1 ? maxOverlapPct / 100 : maxOverlapPct;
}

interface Built {
  problem: Problem;
  state: SelectionState;
  seed: string;
  ids: Set<string>;
}

function overlapMatrix(forms: Array<{ items: { itemId: string }[] }>): number[][] {
  const sets = forms.map((f) => new Set(f.items.map((i) => i.itemId)));
  return sets.map((a) => sets.map((b) => [...a].filter((id) => b.has(id)).length));
}

/**
 * Necessary condition: K forms take K x need items of a bucket from `alive` distinct ones, so at least the difference
 * is shared between forms; summed over buckets that must fit the pairs' combined overlap allowance.
 */
function overlapBound(bank: NormalizedBank, pr: Problem, alive: number[], K: number, B: number, tag: string): Infeasibility | null {
  const pairs = (K * (K - 1)) / 2;
  const repeats = pr.buckets.map((b, bi) => Math.max(0, K * b.need - alive[bi]!));
  const needed = repeats.reduce((s, n) => s + n, 0);
  if (needed <= pairs * B) return null;
  const shortages: KwaShortage[] = [];
  pr.buckets.forEach((b, bi) => {
    if (repeats[bi]! === 0) return;
    const scored = b.role === 'scored';
    const what = scored ? `KWA ${b.kwa}: ${K} forms need ${K * b.need} scored items in total` : `Pretest: ${K} forms need ${K * b.need} pretest items in total`;
    shortages.push({
      kwa: scored ? b.kwa : PRETEST_POOL,
      role: b.role,
      needed: K * b.need,
      eligible: alive[bi]!,
      lostTo: { ...excludedCounts(bank, b), enemies: b.members.length - alive[bi]!, seenBefore: 0, exposureCap: b.removed.exposureCap },
      message: `${what} but only ${alive[bi]} ${scored ? 'operational' : 'pretest'} items are eligible, so at least ${repeats[bi]} must repeat across forms`,
    });
  });
  const bp = bank.blueprint;
  return {
    message: `Cannot assemble ${K} parallel ${bp.module} forms (blueprint ${bp.version})${tag}: from this bank the forms must share at least ${needed} items across their ${pairs} pair${pairs === 1 ? '' : 's'}, but at most ${B} per pair (${pairs * B} in all) is allowed. Add items to the KWAs listed, allow more overlap, or assemble fewer forms.`,
    shortages,
    details: shortages.map((s) => `${s.message}.`),
  };
}

/**
 * @example
 * const r = assembleParallelForms({ items, blueprint, seed: 'SAF-2026.1-fixed', count: 2, maxOverlapPct: 0.25 });
 * if (r.ok) publish(r.forms); else show(r.infeasibility);
 */
export function assembleParallelForms(req: ParallelRequest): ParallelResult {
  const problems: string[] = [];
  if (!Number.isInteger(req.count) || req.count < 1) problems.push(`The number of forms must be a whole number of at least 1, not ${req.count}.`);
  const share = overlapShare(req.maxOverlapPct);
  if (!(share >= 0 && share <= 1)) problems.push(`maxOverlapPct must be a share between 0 and 1 (or a percent up to 100), not ${req.maxOverlapPct}.`);
  const tol = req.difficultyTolerance ?? DEFAULT_DIFFICULTY_TOLERANCE;
  if (!(tol >= 0)) problems.push(`difficultyTolerance must be 0 or more, not ${tol}.`);
  const tccTol = req.tccTolerance ?? DEFAULT_TCC_TOLERANCE;
  if (!(tccTol >= 0)) problems.push(`tccTolerance must be 0 or more raw-score points, not ${tccTol}.`);
  if (req.tccGrid && (req.tccGrid.length === 0 || !req.tccGrid.every(Number.isFinite))) problems.push('tccGrid must be a non-empty list of θ values.');
  if (problems.length) return invalidRequest(problems);
  const norm = normalizeRequest(req);
  if (!norm.ok) return norm;
  const bank = norm.bank;
  const K = req.count;
  const L = bank.blueprint.formLength;
  const B = Math.floor(share * L + EPS);
  const exposure = exposurePolicy(req, bank);
  const modes = capModes(exposure);
  const { target, notes: targetNotes } = resolveTarget(bank, req);
  const matching: TccMatching | null = target ? { target, grid: tccGrid(req.tccGrid ?? DEFAULT_TCC_GRID, target.thetaCut), tol: tccTol, notes: targetNotes } : null;

  let failure: Infeasibility | undefined;
  for (const capMode of modes) {
    const base: BuildSpec = { seed: req.seed, seen: new Set(), seenMax: 0, exposure, capMode, others: [], otherMax: B, band: null, target };
    const pr0 = problemFor(bank, base, 0);
    const analysis = analyseShortages(pr0, bank, 0);
    if (analysis.shortages.length) {
      failure = shortageInfeasibility(bank, analysis);
      continue;
    }
    const bound = overlapBound(bank, pr0, analysis.alive, K, B, capMode === 'hard' ? ' under the exposure cap' : '');
    if (bound) {
      failure = bound;
      continue;
    }
    const result = sequence(bank, req, base, pr0, analysis.alive, K, B, tol, matching);
    if (result.ok) {
      if (capMode === 'relaxed' && failure) {
        for (const f of result.forms) f.notes.push(`The exposure cap was lifted for this set of forms: ${failure.message}`);
      }
      return result;
    }
    failure = result.infeasibility;
  }
  const out = failure!;
  if (modes.length > 1) out.details.push('The exposure cap was lifted and the forms are still not possible, so the cap is not the cause.');
  return { ok: false, infeasibility: out };
}

function difficultyBand(pr0: Problem, req: ParallelRequest, tol: number): { min: number; max: number } | null {
  const expected = expectedMeanDifficulty(pr0);
  if (expected === null) return req.difficultyTarget ?? null;
  let c = expected;
  const t = req.difficultyTarget;
  if (t) c = t.max - t.min >= tol ? Math.min(Math.max(c, t.min + tol / 2), t.max - tol / 2) : (t.min + t.max) / 2;
  // A band of width tol: every form inside it means every pair within tol. Slightly inside, against rounding.
  return { min: c - tol / 2 + EPS * 10, max: c + tol / 2 - EPS * 10 };
}

/**
 * When the bank is too small for disjoint forms, the repeats R_b = K·need_b − items_b of each bucket are spread so
 * that form f (1-based) reuses about R_b·(f−1)/pairs items: each new form overlaps each earlier one about equally, and
 * the last form is not left to absorb every repeat alone (it would need more than its pairs allow). Returns, per
 * bucket, the most new items each form may take, or null when no bucket needs repeats.
 */
function freshQuotas(pr0: Problem, alive: number[], K: number): number[][] | null {
  const pairs = (K * (K - 1)) / 2;
  if (pairs === 0) return null;
  const repeats = pr0.buckets.map((b, bi) => Math.max(0, K * b.need - alive[bi]!));
  if (repeats.every((r) => r === 0)) return null;
  return pr0.buckets.map((b, bi) => {
    const cumulative = (f: number) => Math.round(f * b.need - (repeats[bi]! * ((f * (f - 1)) / 2)) / pairs);
    return Array.from({ length: K }, (_, f) => (repeats[bi]! === 0 ? b.need : cumulative(f + 1) - cumulative(f)));
  });
}

/** Parallel forms on a calibrated bank: the information target and how closely the TCCs must agree. */
interface TccMatching {
  target: ResolvedTarget;
  grid: number[];
  tol: number;
  notes: string[];
}

function sequence(
  bank: NormalizedBank,
  req: ParallelRequest,
  base: BuildSpec,
  pr0: Problem,
  alive: number[],
  K: number,
  B: number,
  tol: number,
  matching: TccMatching | null,
): ParallelResult {
  const band = difficultyBand(pr0, req, tol);
  const applies = pr0.difficultyApplies;
  const quotas = freshQuotas(pr0, alive, K);
  let last: Infeasibility | undefined;
  for (let attempt = 0; attempt < SEQUENCE_ATTEMPTS; attempt++) {
    const built: Built[] = [];
    // The last attempt drops the quotas: plain "fresh items first", in case the quotas clash with enemy groups.
    const useQuotas = quotas !== null && attempt < SEQUENCE_ATTEMPTS - 1;
    for (let f = 0; f < K; f++) {
      const seed = `${req.seed}/${f + 1}${attempt ? `~${attempt}` : ''}`;
      const spec: BuildSpec = {
        ...base,
        seed,
        band,
        others: built.map((g, gi) => ({ label: `items of form ${gi + 1}`, ids: g.ids })),
        ...(useQuotas && f > 0 ? { freshQuota: quotas.map((q) => q[f]!) } : {}),
        ...(quotas !== null && f < K - 1 ? { preferGrouped: true } : {}),
      };
      const r = buildSelection(bank, spec, 2);
      if (r.ok) {
        built.push({ problem: r.problem, state: r.state, seed, ids: new Set(r.state.list.map((i) => r.problem.pool[i]!.item.id)) });
        continue;
      }
      const joint = r.partial ? jointly(bank, base, built, r.partial, seed, B) : null;
      if (!joint) {
        last = { ...r.infeasibility, message: `Form ${f + 1} of ${K}: ${r.infeasibility.message}` };
        break;
      }
      built.splice(0, built.length, ...joint);
    }
    if (built.length < K) continue;
    if (applies && band) balance(bank, base, built, band, B);
    if (matching) matchCurves(bank, base, built, matching, B);

    const forms: AssembledForm[] = [];
    for (const b of built) {
      const fin = finishForm(b.problem, b.state, req, b.seed, [...bank.notes, ...(matching?.notes ?? [])], matching?.target ?? null);
      if (!fin.ok) return fin;
      forms.push(fin.form);
    }
    const pairwiseOverlap = overlapMatrix(forms);
    const checks = parallelChecks(forms, pairwiseOverlap, K, B, bank.blueprint.formLength, applies, tol);
    if (matching) checks.splice(checks.length - 1, 0, tccCheck(forms, req, matching));
    if (checks.every((c) => c.met)) return { ok: true, forms, pairwiseOverlap, checks };
    const failed = checks.filter((c) => !c.met);
    last = {
      message: `Cannot assemble ${K} parallel forms like ${formName(bank)}: ${failed.map((c) => `${c.description.toLowerCase()} required ${c.required}, achieved ${c.achieved}`).join('; ')}.`,
      shortages: [],
      details: [
        matching
          ? 'Widen the TCC or difficulty tolerance, allow more overlap, or add calibrated items near the difficulties the forms share.'
          : 'Widen the difficulty tolerance, allow more overlap, or add items with p values near the pool mean.',
      ],
    };
  }
  return { ok: false, infeasibility: last! };
}

/** Repairs the earlier forms and the failed one together; the new forms carry their own seeds for layout. */
function jointly(
  bank: NormalizedBank,
  base: BuildSpec,
  built: Built[],
  partial: { problem: Problem; state: SelectionState },
  seed: string,
  B: number,
): Built[] | null {
  const pr = buildProblem(bank, {
    prioritySeed: `${seed}\u001fjoint`,
    seen: base.seen,
    seenMax: 0,
    exposure: base.exposure,
    capMode: base.capMode,
    others: [],
    otherMax: B,
  });
  const index = new Map(pr.pool.map((pi, i) => [pi.item.id, i]));
  const forms = [...built.map((b) => [...b.ids]), partial.state.list.map((i) => partial.problem.pool[i]!.item.id)].map((ids) =>
    ids.map((id) => index.get(id)!).sort((a, b) => a - b),
  );
  const repaired = repairJointly(pr, forms, B, stream(seed, 'joint'));
  if (!repaired) return null;
  return repaired.map((indices, f) => {
    const state = stateOf(pr, indices);
    return { problem: pr, state, seed: built[f]?.seed ?? seed, ids: new Set(indices.map((i) => pr.pool[i]!.item.id)) };
  });
}

/** Re-swaps any form whose mean p is outside the band, now against every other form's overlap budget. */
function balance(bank: NormalizedBank, base: BuildSpec, built: Built[], band: { min: number; max: number }, B: number): void {
  const inBand = (b: Built) => {
    const m = meanDifficultyOf(b.problem, b.state)!;
    return m >= band.min - EPS && m <= band.max + EPS;
  };
  for (let round = 0; round < BALANCE_ROUNDS && !built.every(inBand); round++) {
    built.forEach((b, f) => {
      if (inBand(b)) return;
      const others = built.filter((_, g) => g !== f).map((g, gi) => ({ label: `items of form ${gi + 1}`, ids: g.ids }));
      const pr = buildProblem(bank, {
        prioritySeed: `${b.seed}\u001fbalance-${round}`,
        seen: base.seen,
        seenMax: 0,
        exposure: base.exposure,
        capMode: base.capMode,
        others,
        otherMax: B,
      });
      const index = new Map(pr.pool.map((pi, i) => [pi.item.id, i]));
      const st = stateOf(pr, [...b.ids].map((id) => index.get(id)!));
      if (st.conflicts !== 0) return;
      improveDifficulty(pr, st, band);
      built[f] = { problem: pr, state: st, seed: b.seed, ids: new Set(st.list.map((i) => pr.pool[i]!.item.id)) };
    });
  }
}

/**
 * Swaps each form towards the forms' mean test characteristic curve until every one is within half the tolerance of it
 * (so any two are within the tolerance), against every other form's overlap budget and without losing information at
 * the cut below the target.
 */
function matchCurves(bank: NormalizedBank, base: BuildSpec, built: Built[], m: TccMatching, B: number): void {
  const curveOf = (b: Built) =>
    tccOf(
      b.state.list.filter((i) => b.problem.buckets[b.problem.pool[i]!.bucket]!.role === 'scored').sort((x, y) => x - y).map((i) => b.problem.pool[i]!.b!),
      m.grid,
    );
  const half = m.tol / 2;
  for (let round = 0; round < TCC_ROUNDS; round++) {
    // The common reference is the forms' mean curve, so every form moves part of the way (not all onto form 1).
    const curves = built.map(curveOf);
    const ref = m.grid.map((_, g) => curves.reduce((s, c) => s + c[g]!, 0) / curves.length);
    if (curves.every((c) => maxGap(c, ref) <= half + EPS)) return;
    built.forEach((b, f) => {
      if (maxGap(curveOf(b), ref) <= half + EPS) return;
      const others = built.filter((_, g) => g !== f).map((g, gi) => ({ label: `items of form ${gi + 1}`, ids: g.ids }));
      const pr = buildProblem(bank, { prioritySeed: `${b.seed}\u001ftcc-${round}`, seen: base.seen, seenMax: 0, exposure: base.exposure, capMode: base.capMode, others, otherMax: B });
      const index = new Map(pr.pool.map((pi, i) => [pi.item.id, i]));
      const st = stateOf(pr, [...b.ids].map((id) => index.get(id)!));
      if (st.conflicts !== 0) return;
      matchTcc(pr, st, ref, m.grid, half, m.target);
      built[f] = { problem: pr, state: st, seed: b.seed, ids: new Set(st.list.map((i) => pr.pool[i]!.item.id)) };
    });
  }
}

/** The largest gap between any two forms' TCCs over the grid, from the forms and the request alone. */
function tccCheck(forms: AssembledForm[], req: ParallelRequest, m: TccMatching): ConstraintCheck {
  const b = new Map<string, number>();
  for (const it of req.items) if (it.status === 'operational' && typeof it.difficulty === 'number') b.set(`${it.id}@${it.version}`, it.difficulty);
  const curves = forms.map((f) =>
    tccOf(
      f.items
        .filter((i) => i.role === 'scored')
        .map((i) => b.get(`${i.itemId}@${i.version}`)!)
        .sort((x, y) => x - y),
      m.grid,
    ),
  );
  let worst = 0;
  for (let i = 0; i < curves.length; i++) for (let j = i + 1; j < curves.length; j++) worst = Math.max(worst, maxGap(curves[i]!, curves[j]!));
  return {
    id: 'tcc-match',
    description: `Test characteristic curves across forms (θ ${fmt(m.grid[0]!)} to ${fmt(m.grid[m.grid.length - 1]!)}, ${m.grid.length} points)`,
    required: `expected raw scores within ${fmt(m.tol)} of each other`,
    achieved: forms.length > 1 ? `largest gap ${fmt(worst)}` : 'one form',
    met: worst <= m.tol + EPS,
  };
}

function parallelChecks(forms: AssembledForm[], overlap: number[][], K: number, B: number, L: number, applies: boolean, tol: number): ConstraintCheck[] {
  const checks: ConstraintCheck[] = [];
  checks.push({ id: 'form-count', description: 'Parallel forms assembled', required: `${K}`, achieved: `${forms.length}`, met: forms.length === K });
  let worst = 0;
  for (let i = 0; i < K; i++) for (let j = i + 1; j < K; j++) worst = Math.max(worst, overlap[i]![j]!);
  checks.push({
    id: 'pairwise-overlap',
    description: 'Items shared by any two forms',
    required: `at most ${B} (${Math.round((B / L) * 1000) / 10}% of ${L})`,
    achieved: K > 1 ? `at most ${worst}` : 'one form',
    met: worst <= B,
  });
  if (applies && forms.every((f) => f.meanDifficulty !== null)) {
    const means = forms.map((f) => f.meanDifficulty!);
    const lo = Math.min(...means);
    const hi = Math.max(...means);
    checks.push({
      id: 'difficulty-balance',
      description: 'Mean p of scored items across forms',
      required: `within ${fmtP(tol)} of each other`,
      achieved: `${means.map(fmtP).join(', ')} (range ${fmtP(hi - lo)})`,
      met: hi - lo <= tol + EPS,
    });
  }
  checks.push({
    id: 'forms-verified',
    description: 'Every form meets every hard constraint of the blueprint',
    required: 'all checks met',
    achieved: forms.every((f) => f.checks.every((c) => c.met)) ? 'all checks met' : 'a form failed a check',
    met: forms.every((f) => f.checks.every((c) => c.met)),
  });
  return checks;
}
