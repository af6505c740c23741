import { describe, expect, it } from 'vitest';
import { admitSignal, newSignalLimiter, SIGNAL_WINDOW_MS } from '../../../server/src/modules/sessions/domain/signal-limiter.ts';

describe('candidate signal limiter', () => {
  it('records one signal per kind per window and reports the dropped ones with the next', () => {
    const l = newSignalLimiter();
    expect(admitSignal(l, 'focus-lost', 0)).toEqual({ record: true, coalesced: 0 });
    for (let i = 1; i <= 5; i++) expect(admitSignal(l, 'focus-lost', i * 100)).toEqual({ record: false });
    expect(admitSignal(l, 'page-hidden', 600)).toEqual({ record: true, coalesced: 0 });
    expect(admitSignal(l, 'focus-lost', SIGNAL_WINDOW_MS - 1)).toEqual({ record: false });
    expect(admitSignal(l, 'focus-lost', SIGNAL_WINDOW_MS)).toEqual({ record: true, coalesced: 6 });
    expect(admitSignal(l, 'focus-lost', 2 * SIGNAL_WINDOW_MS)).toEqual({ record: true, coalesced: 0 });
  });

  it('lets a raised hand be raised again after a short window', () => {
    const l = newSignalLimiter();
    expect(admitSignal(l, 'raise-hand', 0).record).toBe(true);
    expect(admitSignal(l, 'raise-hand', 2999).record).toBe(false);
    expect(admitSignal(l, 'raise-hand', 3000)).toEqual({ record: true, coalesced: 1 });
  });
});
