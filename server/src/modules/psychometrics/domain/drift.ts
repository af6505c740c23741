/**
 * Drift of operational items' difficulties (docs/measurement.md §3): a fresh free calibration compared with the bank's
 * values after mean-mean linking (the Rasch scales may differ by a shift only). Pure.
 */

export interface DriftInput {
  itemId: string;
  bank: { difficulty: number; se: number };
  fresh: { difficulty: number; se: number };
}

export interface DriftRow {
  itemId: string;
  bankDifficulty: number;
  /** The fresh estimate moved onto the bank's scale. */
  freshOnBankScale: number;
  /** freshOnBankScale − bankDifficulty. */
  displacement: number;
  /** displacement / √(SE_bank² + SE_fresh²). */
  z: number;
  flagged: boolean;
}

export interface DriftThresholds {
  /** Flag only displacements at least this large, in logits (default 0.5). */
  minDisplacement: number;
  /** ... and at least this many standard errors (default 1.96). */
  minZ: number;
}

export const DEFAULT_DRIFT: DriftThresholds = { minDisplacement: 0.5, minZ: 1.96 };

/**
 * Links the fresh scale to the bank's by the mean difference over the common items, then flags an item whose
 * displacement is both large (≥ minDisplacement logits) and significant (|z| ≥ minZ).
 */
export function itemDrift(items: readonly DriftInput[], thresholds: DriftThresholds = DEFAULT_DRIFT): { shift: number; items: DriftRow[] } {
  if (items.length === 0) return { shift: 0, items: [] };
  const shift = items.reduce((s, i) => s + (i.fresh.difficulty - i.bank.difficulty), 0) / items.length;
  return {
    shift,
    items: items.map((i) => {
      const freshOnBankScale = i.fresh.difficulty - shift;
      const displacement = freshOnBankScale - i.bank.difficulty;
      const z = displacement / Math.sqrt(i.bank.se ** 2 + i.fresh.se ** 2 || 1e-12);
      return { itemId: i.itemId, bankDifficulty: i.bank.difficulty, freshOnBankScale, displacement, z, flagged: Math.abs(displacement) >= thresholds.minDisplacement && Math.abs(z) >= thresholds.minZ };
    }),
  };
}
