/**
 * Token buckets keyed by caller (the public verification pages' per-address limit). Pure: time comes in as `nowMs`.
 * Buckets idle long enough to be full again are forgotten, so memory stays bounded by recent callers.
 */
export interface BucketLimits {
  /** Tokens a caller may spend at once. */
  burst: number;
  /** Tokens regained per second. */
  perSecond: number;
  /** At most this many callers are tracked; the stalest are dropped first. */
  maxKeys: number;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(private readonly limits: BucketLimits) {}

  /** Spends one token of `key`; returns 0 when allowed, else the seconds until a token is back. */
  take(key: string, nowMs: number): number {
    const { burst, perSecond } = this.limits;
    const b = this.buckets.get(key);
    const tokens = b ? Math.min(burst, b.tokens + ((nowMs - b.at) / 1000) * perSecond) : burst;
    if (tokens < 1) {
      this.buckets.set(key, { tokens, at: nowMs });
      return Math.ceil((1 - tokens) / perSecond);
    }
    this.buckets.delete(key); // re-insert: Map order is then least recently used first
    this.buckets.set(key, { tokens: tokens - 1, at: nowMs });
    if (this.buckets.size > this.limits.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
    return 0;
  }

  get size(): number {
    return this.buckets.size;
  }
}
