import { describe, expect, it } from 'vitest';
import { timeRuns } from '../../src/bench/timing-loop.js';

/** A fake clock that only the fake runner moves: run k (from 0) takes durations[k] ms. */
function fake(durations: number[]) {
  let now = 0;
  let k = 0;
  return {
    clock: () => now,
    run: async () => {
      now += durations[k] ?? durations[durations.length - 1];
      k += 1;
    },
    calls: () => k,
  };
}

describe('timing loop', () => {
  it('excludes the warm-up runs and reports the first one apart', async () => {
    const f = fake([500, 40, 30, 10, 11, 12]);
    const t = await timeRuns(f.run, { warmup: 3, runs: 3, clock: f.clock });
    expect(t.firstRunMs).toBe(500);
    expect(t.samples).toEqual([10, 11, 12]);
    expect(f.calls()).toBe(6);
  });

  it('with no warm-up the first run is timed, and still reported apart', async () => {
    const f = fake([100, 5]);
    const t = await timeRuns(f.run, { warmup: 0, runs: 2, clock: f.clock });
    expect(t.firstRunMs).toBe(100);
    expect(t.samples).toEqual([100, 5]);
    expect(f.calls()).toBe(2);
  });

  it('--seconds stops at the run that spends the budget', async () => {
    // budget 1 s = 1000 ms; each timed run 300 ms: after 3 runs 900 < 1000, the 4th makes 1200 -> stop at 4.
    const f = fake([50, 300]);
    const t = await timeRuns(f.run, { warmup: 1, seconds: 1, clock: f.clock });
    expect(t.samples).toHaveLength(4);
  });

  it('runs and seconds together: whichever limit comes first', async () => {
    const slow = fake([1, 400]); // 3 runs = 1200 ms >= 1000 ms before 20 runs
    expect((await timeRuns(slow.run, { warmup: 1, runs: 20, seconds: 1, clock: slow.clock })).samples).toHaveLength(3);
    const fast = fake([1, 2]); // 20 runs = 40 ms, well inside 1 s
    expect((await timeRuns(fast.run, { warmup: 1, runs: 20, seconds: 1, clock: fast.clock })).samples).toHaveLength(20);
  });

  it('a budget shorter than one run still times one run', async () => {
    const f = fake([1, 5000]);
    expect((await timeRuns(f.run, { warmup: 1, seconds: 0.001, clock: f.clock })).samples).toEqual([5000]);
  });

  it('minRuns overrides the budget, never the run count', async () => {
    const f = fake([1, 5000]); // every run alone spends the 10 s budget
    expect((await timeRuns(f.run, { warmup: 1, runs: 20, seconds: 10, minRuns: 3, clock: f.clock })).samples).toHaveLength(3);
    const g = fake([1, 5000]);
    expect((await timeRuns(g.run, { warmup: 1, runs: 2, seconds: 10, minRuns: 3, clock: g.clock })).samples).toHaveLength(2);
  });

  it('calls afterRun after every run, warm-up included', async () => {
    const f = fake([1]);
    let n = 0;
    await timeRuns(f.run, { warmup: 2, runs: 3, clock: f.clock, afterRun: () => (n += 1) });
    expect(n).toBe(5);
  });
});
