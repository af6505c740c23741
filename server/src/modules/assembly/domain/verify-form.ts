/**
 * Re-verification of a finished form against the request, written independently of the search (it looks only at the
 * form and the request), so a bug in the assembler cannot certify its own output. The result is the form's certificate:
 * every hard constraint with what was required and what was achieved.
 */
import { DEFAULT_MAX_OVERLAP_WITH_SEEN, type AssembledForm, type AssemblyItem, type AssemblyRequest, type ConstraintCheck } from './assembly-types.ts';
import { pretestStretches } from './form-layout.ts';

const LIST = 5;
const list = (ids: string[]) => (ids.length <= LIST ? ids.join(', ') : `${ids.slice(0, LIST).join(', ')} and ${ids.length - LIST} more`);
const s = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
export const fmtP = (x: number) => x.toFixed(3);
const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;

/** The request's items with the given ids (every version passed), found in one scan of the bank. */
function itemsById(req: AssemblyRequest, ids: Iterable<string>): Map<string, AssemblyItem[]> {
  const wanted = new Set(ids);
  const m = new Map<string, AssemblyItem[]>();
  for (const it of req.items) {
    if (!wanted.has(it.id)) continue;
    const l = m.get(it.id);
    if (l) l.push(it);
    else m.set(it.id, [it]);
  }
  return m;
}

function check(id: string, description: string, required: string, achieved: string, met: boolean): ConstraintCheck {
  return { id, description, required, achieved, met };
}

export function verifyForm(form: Pick<AssembledForm, 'items'>, req: AssemblyRequest): ConstraintCheck[] {
  const bp = req.blueprint;
  const items = form.items;
  const byId = itemsById(req, items.map((f) => f.itemId));
  const out: ConstraintCheck[] = [];
  const scored = items.filter((f) => f.role === 'scored');
  const pretest = items.filter((f) => f.role === 'pretest');
  const scoredNeeded = bp.formLength - bp.pretestCount;

  out.push(check('form-length', 'Items on the form', s(bp.formLength, 'item'), s(items.length, 'item'), items.length === bp.formLength));
  out.push(check('scored-count', 'Scored items', `${scoredNeeded}`, `${scored.length}`, scored.length === scoredNeeded));
  out.push(check('pretest-count', 'Pretest (unscored) items', `${bp.pretestCount}`, `${pretest.length}`, pretest.length === bp.pretestCount));

  const perKwa = new Map<string, number>();
  for (const f of scored) perKwa.set(f.kwa, (perKwa.get(f.kwa) ?? 0) + 1);
  const kwas = [...new Set([...Object.keys(bp.kwaCounts).filter((k) => (bp.kwaCounts[k] ?? 0) > 0), ...perKwa.keys()])].sort();
  for (const kwa of kwas) {
    const want = bp.kwaCounts[kwa] ?? 0;
    const got = perKwa.get(kwa) ?? 0;
    out.push(check(`kwa:${kwa}`, `Scored items in KWA ${kwa}`, `${want}`, `${got}`, want === got));
  }

  const resolved = new Map<string, AssemblyItem>();
  const notInPool: string[] = [];
  for (const f of items) {
    const it = byId.get(f.itemId)?.find((c) => c.version === f.version && c.kwa === f.kwa && (c.status === 'operational' || c.status === 'pretest'));
    if (it) resolved.set(f.itemId, it);
    else notInPool.push(`${f.itemId} v${f.version}`);
  }
  out.push(
    check(
      'items-in-pool',
      'Every item is an eligible version from the bank, with its own KWA',
      'all items eligible',
      notInPool.length ? `not eligible: ${list(notInPool)}` : 'all items eligible',
      notInPool.length === 0,
    ),
  );
  const badScored = scored.filter((f) => resolved.get(f.itemId)?.status !== 'operational').map((f) => f.itemId);
  out.push(check('scored-operational', 'Only operational items are scored', 'all scored items operational', badScored.length ? `not operational: ${list(badScored)}` : 'all scored items operational', badScored.length === 0));
  const badPretest = pretest.filter((f) => resolved.get(f.itemId)?.status !== 'pretest').map((f) => f.itemId);
  out.push(check('pretest-status', 'Only pretest items fill pretest slots', 'all pretest slots hold pretest items', badPretest.length ? `not pretest items: ${list(badPretest)}` : 'all pretest slots hold pretest items', badPretest.length === 0));

  const counts = new Map<string, number>();
  for (const f of items) counts.set(f.itemId, (counts.get(f.itemId) ?? 0) + 1);
  const dupes = [...counts].filter(([, n]) => n > 1).map(([id]) => id).sort();
  out.push(check('no-duplicates', 'No item appears twice', 'each item once', dupes.length ? `repeated: ${list(dupes)}` : 'each item once', dupes.length === 0));

  const groups = new Map<string, string[]>();
  for (const f of items) {
    for (const g of new Set(resolved.get(f.itemId)?.enemyGroupIds ?? [])) {
      const l = groups.get(g);
      if (l) l.push(f.itemId);
      else groups.set(g, [f.itemId]);
    }
  }
  const clashes = [...groups].filter(([, ids]) => ids.length > 1).sort(([a], [b]) => (a < b ? -1 : 1)).map(([g, ids]) => `${g} (${[...ids].sort().join(', ')})`);
  out.push(check('enemies', 'At most one item of any enemy group', 'no enemy group used twice', clashes.length ? `used twice: ${list(clashes)}` : 'no enemy group used twice', clashes.length === 0));

  if (req.previouslySeen) {
    const seen = new Set(req.previouslySeen);
    const max = Math.floor(req.maxOverlapWithSeen ?? DEFAULT_MAX_OVERLAP_WITH_SEEN);
    const again = items.filter((f) => seen.has(f.itemId)).length;
    out.push(check('retaker-overlap', 'Items this candidate saw on earlier forms', `at most ${max}`, `${again}`, again <= max));
  }

  const badOptions = items
    .filter((f) => {
      const own = resolved.get(f.itemId)?.optionIds;
      if (!own || own.length !== f.optionOrder.length) return true;
      return [...own].sort().join('\u0000') !== [...f.optionOrder].sort().join('\u0000') || new Set(f.optionOrder).size !== own.length;
    })
    .map((f) => f.itemId);
  out.push(check('option-order', "Each option order is a permutation of the item's options", 'all permutations', badOptions.length ? `not a permutation: ${list(badOptions)}` : 'all permutations', badOptions.length === 0));

  const positions = items.flatMap((f, i) => (f.role === 'pretest' ? [i] : []));
  const atEnds = positions.filter((i) => i === 0 || i === items.length - 1).map((i) => `position ${i + 1}`);
  out.push(
    check(
      'pretest-not-at-ends',
      'No pretest item is first or last',
      'none first or last',
      positions.length === 0 ? 'no pretest items' : atEnds.length ? `pretest at ${atEnds.join(', ')}` : 'none first or last',
      atEnds.length === 0,
    ),
  );
  if (positions.length > 0) {
    const stretches = pretestStretches(items.length, positions.length);
    const perStretch = stretches.map(([from, to]) => positions.filter((p) => p >= from && p <= to).length);
    const ok = stretches.length === positions.length && perStretch.every((n) => n === 1);
    out.push(
      check(
        'pretest-spread',
        `Pretest items spread: one in each of ${positions.length} equal stretches of positions 2-${items.length - 1}`,
        'one per stretch',
        ok ? 'one per stretch' : `per stretch: ${perStretch.join(' ')}`,
        ok,
      ),
    );
  } else {
    out.push(check('pretest-spread', 'Pretest items spread across the form', 'one per stretch', 'no pretest items', true));
  }

  const ex = req.exposure;
  if (ex && ex.maxRate !== undefined && ex.relaxCap === false) out.push(exposureCapCheck(items.map((f) => f.itemId), req));
  return out;
}

function exposureCapCheck(ids: string[], req: AssemblyRequest): ConstraintCheck {
  const ex = req.exposure!;
  const over = ex.forms > 0 ? ids.filter((id) => (ex.counts[id] ?? 0) / ex.forms >= ex.maxRate!).sort() : [];
  return check(
    'exposure-cap',
    `No item already on ${pct(ex.maxRate!)} or more of the ${ex.forms} forms counted`,
    'no item over the cap',
    over.length ? `${s(over.length, 'item')} over the cap: ${list(over)}` : 'no item over the cap',
    over.length === 0,
  );
}

/** The soft goals as achieved; `met: false` is allowed on a returned form, with the reason in `achieved`. */
export function evaluateSoftGoals(form: Pick<AssembledForm, 'items'>, req: AssemblyRequest): ConstraintCheck[] {
  const out: ConstraintCheck[] = [];
  const ids = form.items.map((f) => f.itemId);
  const ex = req.exposure;
  if (ex && ex.maxRate !== undefined && ex.relaxCap !== false) out.push(exposureCapCheck(ids, req));
  if (ex && ex.forms > 0) {
    // Sums of whole counts are exact, so the figures do not depend on the order of req.items.
    const uses = (id: string) => Math.min(ex.forms, Math.max(0, Math.floor(ex.counts[id] ?? 0)));
    const counts = req.blueprint.kwaCounts;
    let poolUses = 0;
    let poolN = 0;
    for (const it of req.items) {
      if ((it.status === 'operational' && (counts[it.kwa] ?? 0) > 0) || (it.status === 'pretest' && req.blueprint.pretestCount > 0)) {
        poolUses += uses(it.id);
        poolN++;
      }
    }
    const onForm = ids.length ? ids.reduce((t, id) => t + uses(id), 0) / ids.length / ex.forms : 0;
    const inPool = poolN ? poolUses / poolN / ex.forms : 0;
    out.push(
      check(
        'exposure-preference',
        'Prefer items used on fewer forms',
        `mean exposure at most the pool's ${pct(inPool)}`,
        `mean exposure ${pct(onForm)}`,
        onForm <= inPool + 1e-9,
      ),
    );
  }
  if (req.difficultyTarget) {
    const band = req.difficultyTarget;
    const required = `mean p of scored items between ${fmtP(band.min)} and ${fmtP(band.max)}`;
    const mean = meanDifficulty(form, req);
    out.push(
      mean === null
        ? check('difficulty-band', 'Mean difficulty of the scored items', required, 'not applicable: not every scored candidate has a p value', false)
        : check('difficulty-band', 'Mean difficulty of the scored items', required, fmtP(mean), mean >= band.min - 1e-9 && mean <= band.max + 1e-9),
    );
  }
  return out;
}

/**
 * Mean p of the form's scored items when the difficulty goal applies: every operational item of the blueprint's KWAs
 * in the request has p (so a form does not get a mean from a lucky subset). Otherwise null.
 */
export function meanDifficulty(form: Pick<AssembledForm, 'items'>, req: AssemblyRequest): number | null {
  const counts = req.blueprint.kwaCounts;
  let candidates = 0;
  for (const it of req.items) {
    if (it.status !== 'operational' || !((counts[it.kwa] ?? 0) > 0)) continue;
    if (typeof it.p !== 'number' || !Number.isFinite(it.p)) return null;
    candidates++;
  }
  const scored = form.items.filter((f) => f.role === 'scored');
  if (candidates === 0 || scored.length === 0) return null;
  const wanted = new Map(scored.map((f) => [f.itemId, f.version]));
  const p = new Map<string, number>();
  for (const it of req.items) if (it.status === 'operational' && wanted.get(it.id) === it.version) p.set(it.id, it.p!);
  // Summed in form order, so the result does not depend on the order of req.items (byte-identical JSON).
  let sum = 0;
  for (const f of scored) {
    const v = p.get(f.itemId);
    if (v === undefined) return null;
    sum += v;
  }
  return sum / scored.length;
}
