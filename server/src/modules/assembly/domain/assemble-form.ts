/**
 * Linear-on-the-fly assembly: one form per admission, determined by (bank, blueprint, seed). Pure: the seed is the only
 * source of randomness and the items are sorted by id first, so the same request always gives byte-identical JSON.
 * The algorithm and why it is not a MIP: docs/decisions/0002-form-assembly-algorithm.md.
 */
import { exposurePolicy, normalizeRequest } from './assembly-problem.ts';
import { DEFAULT_MAX_OVERLAP_WITH_SEEN, type AssemblyRequest, type AssemblyResult, type Infeasibility } from './assembly-types.ts';
import { buildSelection, capModes, finishForm } from './form-builder.ts';
import { resolveTarget } from './information-target.ts';

export { ASSEMBLY_ALGORITHM_VERSION } from './assembly-types.ts';

/**
 * Assembles one form, or explains why none exists.
 * @example
 * const r = assembleForm({ items, excluded, blueprint, seed: admissionId, previouslySeen, maxOverlapWithSeen: 0 });
 * if (r.ok) store(r.form); else reject(r.infeasibility.message);
 */
export function assembleForm(req: AssemblyRequest): AssemblyResult {
  const norm = normalizeRequest(req);
  if (!norm.ok) return norm;
  const bank = norm.bank;
  const seen = new Set(req.previouslySeen ?? []);
  const seenMax = Math.floor(req.maxOverlapWithSeen ?? DEFAULT_MAX_OVERLAP_WITH_SEEN);
  const exposure = exposurePolicy(req, bank);
  const modes = capModes(exposure);
  const { target, notes: targetNotes } = resolveTarget(bank, req);
  let failure: Infeasibility | undefined;
  for (const capMode of modes) {
    const built = buildSelection(bank, { seed: req.seed, seen, seenMax, exposure, capMode, others: [], otherMax: 0, band: req.difficultyTarget ?? null, target });
    if (!built.ok) {
      failure = built.infeasibility;
      continue;
    }
    const notes = [...bank.notes, ...targetNotes];
    if (capMode === 'relaxed' && failure) {
      const over = built.state.list.filter((i) => built.problem.pool[i]!.capped).length;
      notes.push(
        `The exposure cap was lifted because it left too few items (${failure.shortages.map((s) => s.message).join('; ') || failure.message}); the form uses ${over} item${over === 1 ? '' : 's'} over the cap.`,
      );
    }
    return finishForm(built.problem, built.state, req, req.seed, notes, target);
  }
  const out = failure!;
  if (modes.length > 1) out.details.push('The exposure cap was lifted and the form is still not possible, so the cap is not the cause.');
  return { ok: false, infeasibility: out };
}
