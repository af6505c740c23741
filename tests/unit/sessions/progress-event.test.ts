import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PROGRESS_PAYLOAD_BYTES, progressIdsFor, progressPayloads } from '../../../server/src/modules/sessions/domain/progress-event.ts';

const uuid = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
const bytes = (v: unknown) => new TextEncoder().encode(JSON.stringify(v)).length;

describe('progress event payloads', () => {
  it('keeps a batch touching 150 centers under the NOTIFY limit (one center key per session is the worst case)', () => {
    const byCenter = new Map(Array.from({ length: 150 }, (_, c) => [uuid(c), new Set([uuid(1000 + c)])]));
    const payloads = progressPayloads(byCenter, PROGRESS_PAYLOAD_BYTES);
    expect(payloads.length).toBeGreaterThan(1);
    for (const p of payloads) expect(bytes({ t: 'progress', by: p })).toBeLessThan(8000);
    expect(payloads.flatMap((p) => Object.values(p).flat()).sort()).toEqual([...byCenter.values()].flatMap((s) => [...s]).sort());
  });

  it('never exceeds the byte budget and loses or repeats no session, for any batch', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(30), fc.string({ minLength: 1, maxLength: 40 })), { maxLength: 300 }), fc.integer({ min: 120, max: 2000 }), (pairs, max) => {
        const byCenter = new Map<string, Set<string>>();
        for (const [c, id] of pairs) byCenter.set(`c${c}`, (byCenter.get(`c${c}`) ?? new Set()).add(id));
        const payloads = progressPayloads(byCenter, max);
        for (const p of payloads) expect(bytes(p)).toBeLessThanOrEqual(max);
        const got = payloads.flatMap((p) => Object.entries(p).flatMap(([c, ids]) => ids.map((id) => `${c}/${id}`))).sort();
        expect(got).toEqual([...byCenter].flatMap(([c, ids]) => [...ids].map((id) => `${c}/${id}`)).sort());
      }),
    );
  });

  it('reads only watched centers and skips malformed parts', () => {
    expect(progressIdsFor({ a: ['1', 2, '3'], b: ['4'], c: 'x' }, (c) => c !== 'b')).toEqual(['1', '3']);
    expect(progressIdsFor(['a'], () => true)).toEqual([]);
    expect(progressIdsFor(null, () => true)).toEqual([]);
  });
});
