import type { Clock } from '../../server/src/platform/clock.ts';

/** A clock tests move by hand. */
export function fakeClock(start = new Date('2026-11-02T14:00:00Z')) {
  let t = start.getTime();
  const clock: Clock & { advance(ms: number): void; set(d: Date): void } = {
    now: () => new Date(t),
    advance: (ms) => {
      t += ms;
    },
    set: (d) => {
      t = d.getTime();
    },
  };
  return clock;
}
