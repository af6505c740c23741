import { afterEach, describe, expect, it, vi } from 'vitest';
import { createJobs } from '../../../server/src/platform/jobs.ts';

describe('jobs', () => {
  afterEach(() => vi.useRealTimers());

  it('runs a job every interval, never overlapping itself, and logs a failure instead of throwing', async () => {
    vi.useFakeTimers();
    const errors: string[] = [];
    const jobs = createJobs({ log: (m) => errors.push(m) });
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    jobs.every('slow', 100, async () => {
      running++;
      runs++;
      maxRunning = Math.max(maxRunning, running);
      await new Promise((r) => setTimeout(r, 350));
      running--;
      if (runs === 1) throw new Error('boom');
    });
    await vi.advanceTimersByTimeAsync(1000);
    expect(maxRunning).toBe(1);
    expect(runs).toBeGreaterThanOrEqual(2);
    expect(runs).toBeLessThanOrEqual(3);
    expect(errors).toEqual(['job slow failed']);
    const stopped = jobs.stop();
    await vi.advanceTimersByTimeAsync(400);
    await stopped;
  });

  it('stop waits for the run in flight and cancels the schedule', async () => {
    vi.useFakeTimers();
    const jobs = createJobs();
    let finished = 0;
    let started = 0;
    jobs.every('tx', 50, async () => {
      started++;
      await new Promise((r) => setTimeout(r, 200));
      finished++;
    });
    await vi.advanceTimersByTimeAsync(60);
    expect(started).toBe(1);
    const stopped = jobs.stop();
    await vi.advanceTimersByTimeAsync(500);
    await stopped;
    expect(finished).toBe(1);
    expect(started).toBe(1);
    expect(() => jobs.every('late', 10, async () => {})).toThrow('jobs are stopped');
  });

  it('refuses two jobs of one name', () => {
    const jobs = createJobs();
    jobs.every('a', 1000, async () => {});
    expect(() => jobs.every('a', 1000, async () => {})).toThrow('a job named a is already scheduled');
    void jobs.stop();
  });
});
