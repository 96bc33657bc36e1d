/**
 * The timing loop: warm-up runs (not counted; the first one reported on its own, as it
 * pays for kernel compilation, weight layout and allocation), then timed runs until the
 * run count is reached and/or the time budget is spent. With no warm-up (0) the first
 * run is the first timed one, and it is reported on its own too. Clock and runner are injected so
 * the loop is testable without timing anything.
 */

export type Clock = () => number;

export const defaultClock: Clock = () => performance.now();

export interface TimingOptions {
  /** Warm-up runs, 0 or more (the first run is always reported separately, warm-up or not). */
  warmup: number;
  /** Timed runs. With `seconds` too, the loop stops at whichever limit comes first. */
  runs?: number;
  /** Time budget for the timed runs, in seconds (time inside runs); at least `minRuns` runs are made. */
  seconds?: number;
  /** Runs made whatever the time budget says (default 1); never more than `runs`. */
  minRuns?: number;
  clock?: Clock;
  /** Called after every run (warm-up ones too), e.g. to sample memory. */
  afterRun?: () => void;
  /** Progress: done and total runs (total is an estimate when only seconds are given). */
  onRun?: (done: number, total: number) => void;
}

export interface Timing {
  firstRunMs: number;
  /** Latency of each timed run, in ms, in order. */
  samples: number[];
}

export async function timeRuns(run: () => Promise<unknown>, opts: TimingOptions): Promise<Timing> {
  const clock = opts.clock ?? defaultClock;
  const warmup = Math.max(0, opts.warmup);
  if (opts.runs === undefined && opts.seconds === undefined) throw new RangeError('timeRuns needs runs or seconds');
  const maxRuns = opts.runs ?? Number.POSITIVE_INFINITY;
  const budgetMs = opts.seconds === undefined ? Number.POSITIVE_INFINITY : opts.seconds * 1000;
  const once = async (): Promise<number> => {
    const t0 = clock();
    await run();
    const dt = clock() - t0;
    opts.afterRun?.();
    return dt;
  };

  let firstRunMs = 0;
  for (let i = 0; i < warmup; i++) {
    const dt = await once();
    if (i === 0) firstRunMs = dt;
  }
  const samples: number[] = [];
  let spent = 0;
  const minRuns = Math.max(1, opts.minRuns ?? 1);
  while (samples.length < maxRuns && (samples.length < minRuns || spent < budgetMs)) {
    const dt = await once();
    if (warmup === 0 && samples.length === 0) firstRunMs = dt;
    samples.push(dt);
    spent += dt;
    const estimate = Number.isFinite(maxRuns) ? maxRuns : Math.max(samples.length, Math.ceil(budgetMs / (spent / samples.length)));
    opts.onRun?.(samples.length, estimate);
  }
  return { firstRunMs, samples };
}
