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
    const live = createLiveness({ pingMs: 5000, timeoutMs: 12_000, now: () => t });
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
});
