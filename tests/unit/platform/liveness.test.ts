import { describe, expect, it } from 'vitest';
import { createLiveness } from '../../../server/src/platform/ws/liveness.ts';

class Sock {
  pings = 0;
  terminated = false;
  private pong: (() => void) | null = null;
  ping() {
    this.pings++;
  }
  terminate() {
    this.terminated = true;
  }
  close() {
    this.terminated = true;
  }
  on(_e: 'pong', l: () => void) {
    this.pong = l;
  }
  answerPong() {
    this.pong?.();
  }
}

describe('socket liveness', () => {
  it('pings live sockets and terminates one silent past the timeout; a pong or a message keeps it alive', () => {
    let t = 0;
    const live = createLiveness({ pingMs: 5000, timeoutMs: 12_000, now: () => t, random: () => 0 });
    const frozen = new Sock();
    const answering = new Sock();
    const talking = new Sock();
    live.track(frozen);
    live.track(answering);
    const tk = live.track(talking);
    for (let i = 1; i <= 3; i++) {
      t = i * 5000;
      answering.answerPong();
      tk.heard();
      live.sweep();
    }
    // t = 15 s: the frozen socket was last heard at 0 and is gone; the others stay and were pinged each round.
    expect(frozen.terminated).toBe(true);
    expect(frozen.pings).toBe(2);
    expect(answering.terminated).toBe(false);
    expect(talking.terminated).toBe(false);
    expect(answering.pings).toBe(3);
    expect(live.size).toBe(2);
    expect(tk.alive()).toBe(true);
    t += 12_001;
    expect(tk.alive()).toBe(false);
  });

  it('spreads the pings: each socket once per interval at its own phase, a fiftieth of them per round, never all at once (#18)', () => {
    let t = 0;
    let k = 0;
    // Phases spread evenly, as Math.random spreads them on average.
    const live = createLiveness({ pingMs: 5000, timeoutMs: 12_000, now: () => t, random: () => (k++ % 1000) / 1000 });
    const socks = Array.from({ length: 1000 }, () => new Sock());
    const pingedAt = new Map<Sock, number[]>(socks.map((s) => [s, []]));
    // All connected in the same instant (a start storm) and all answer their pings.
    for (const s of socks) live.track(s);
    let most = 0;
    for (t = 100; t <= 20_000; t += 100) {
      const before = socks.map((s) => s.pings);
      live.sweep();
      let now = 0;
      socks.forEach((s, i) => {
        if (s.pings > before[i]!) {
          now++;
          pingedAt.get(s)!.push(t);
        }
        s.answerPong();
      });
      most = Math.max(most, now);
    }
    // No round pinged more than about its fiftieth (20 of 1,000, a round boundary can add one), and every socket was pinged every 5 s (one round's
    // slack) at least four times in 20 s.
    expect(most).toBeLessThanOrEqual(25);
    for (const times of pingedAt.values()) {
      expect(times.length).toBeGreaterThanOrEqual(4);
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(4900);
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeLessThanOrEqual(5100);
    }
    expect(socks.some((s) => s.terminated)).toBe(false);
  });

  it('terminates a silent socket in the first round after its timeout', () => {
    let t = 0;
    const live = createLiveness({ pingMs: 5000, timeoutMs: 12_000, now: () => t, random: () => 0.5 });
    const frozen = new Sock();
    live.track(frozen);
    for (t = 100; t <= 12_000; t += 100) live.sweep();
    expect(frozen.terminated).toBe(false);
    t = 12_100;
    live.sweep();
    expect(frozen.terminated).toBe(true);
    // Pinged at its phase (2.5 s) and every 5 s after: 2.5, 7.5 (12.5 never came).
    expect(frozen.pings).toBe(2);
  });
});
