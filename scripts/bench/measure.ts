/** Small measuring helpers for the benchmark: wall time, percentiles, the process's resident memory. */
import { readFileSync } from 'node:fs';

export const seconds = async <A>(run: () => Promise<A> | A): Promise<{ result: A; seconds: number }> => {
  const started = process.hrtime.bigint();
  const result = await run();
  return { result, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
};

export const percentile = (sortedMs: readonly number[], p: number): number =>
  sortedMs[Math.min(sortedMs.length - 1, Math.floor((p / 100) * sortedMs.length))] ?? Number.NaN;

/** Resident and peak resident memory of a process, in MB, from /proc (Linux). */
export const memoryOf = (pid: number | 'self'): { rssMb: number; peakRssMb: number } => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? Number.NaN);
  return { rssMb: kb('VmRSS') / 1024, peakRssMb: kb('VmHWM') / 1024 };
};

/** The middle value (the upper middle of an even count): the figure of repeated runs on a noisy machine. */
export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

export const round = (value: number, digits = 0): number => Number(value.toFixed(digits));
