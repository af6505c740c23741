/** Percentiles over recorded latencies (ms), nearest-rank. Shared by the benchmarks under bench/. */
export interface Summary {
  count: number;
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
  p999: number | null;
  max: number | null;
  mean: number | null;
}

const round = (x: number) => Math.round(x * 100) / 100;

export function summarize(values: ArrayLike<number>): Summary {
  const s = Float64Array.from(values as ArrayLike<number>).sort();
  if (s.length === 0) return { count: 0, p50: null, p90: null, p95: null, p99: null, p999: null, max: null, mean: null };
  const q = (f: number) => round(s[Math.min(s.length - 1, Math.max(0, Math.ceil(f * s.length) - 1))]!);
  let sum = 0;
  for (let i = 0; i < s.length; i++) sum += s[i]!;
  return { count: s.length, p50: q(0.5), p90: q(0.9), p95: q(0.95), p99: q(0.99), p999: q(0.999), max: round(s[s.length - 1]!), mean: round(sum / s.length) };
}

/** Concatenates per-worker Float64Arrays. */
export function concat(parts: Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Adds count maps (error codes and the like). */
export function mergeCounts(parts: Record<string, number>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of parts) for (const [k, v] of Object.entries(p)) out[k] = (out[k] ?? 0) + v;
  return out;
}

/** A growable Float64Array, so 10^6 latencies cost 8 MB and cross the IPC channel as one buffer. */
export class Samples {
  private buf = new Float64Array(4096);
  length = 0;
  push(v: number) {
    if (this.length === this.buf.length) {
      const next = new Float64Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.length++] = v;
  }
  toArray(): Float64Array {
    return this.buf.slice(0, this.length);
  }
}

/** Completions per second per block of `size` (the last block may be shorter), from completion times in order (ms since the phase start). */
export function ratesPerBlock(doneAtMs: number[], size: number): number[] {
  const out: number[] = [];
  for (let from = 0; from < doneAtMs.length; from += size) {
    const to = Math.min(from + size, doneAtMs.length);
    const ms = doneAtMs[to - 1]! - (from === 0 ? 0 : doneAtMs[from - 1]!);
    out.push(Math.round(((to - from) / Math.max(ms, 1)) * 10_000) / 10);
  }
  return out;
}
