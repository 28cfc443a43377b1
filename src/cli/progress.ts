import { Presets, SingleBar } from 'cli-progress';

/** A progress bar on standard error (standard output stays the command's answer), with an estimate. */
export const progressBar = (label: string, total: number) => {
  const bar = new SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {value}/{total} events | {eta_formatted} left`,
      stream: process.stderr,
      hideCursor: true,
      // Keep reporting when stderr is a file or a CI log, not only on a terminal.
      noTTYOutput: true,
      notTTYSchedule: 2000,
    },
    Presets.shades_classic,
  );
  bar.start(total, 0);
  return bar;
};
