import { monitorEventLoopDelay } from 'node:perf_hooks';

/** How long the event loop was held up, over the last completed window: what every request waited on top of its own. */
export interface EventLoopDelay {
  readonly windowSeconds: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

const WINDOW_MS = 10_000;

/** Samples the event loop's delay; each window's figures replace the last. */
export const createEventLoopMonitor = (): { readonly stats: () => EventLoopDelay } => {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const round = (ns: number) => Math.round(ns / 1e5) / 10;
  let last: EventLoopDelay = { windowSeconds: WINDOW_MS / 1000, p99Ms: 0, maxMs: 0 };
  const timer = setInterval(() => {
    last = {
      windowSeconds: WINDOW_MS / 1000,
      p99Ms: round(histogram.percentile(99)),
      maxMs: round(histogram.max),
    };
    histogram.reset();
  }, WINDOW_MS);
  timer.unref();
  return { stats: () => last };
};
