import * as E from 'fp-ts/Either';
import { availableParallelism } from 'node:os';
import { replayFileInParallel } from '../../src/application/parallel-replay';
import { memoryOf } from './measure';

/**
 * `node replay-child.js <file> [threads]`: rebuilds every projection (on all cores by default) and prints
 * events, seconds and the peak RSS of the whole process, worker threads included, as JSON.
 */
const main = async () => {
  const file = process.argv[2];
  if (file === undefined) throw new Error('usage: replay-child <sqlite file>');
  const threads = Number(process.argv[3] ?? availableParallelism());
  const started = process.hrtime.bigint();
  const replayed = await replayFileInParallel(file, Date.UTC(2026, 0, 1), threads);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (E.isLeft(replayed)) throw new Error(replayed.left.message);
  console.log(
    JSON.stringify({
      events: replayed.right.events,
      negotiations: replayed.right.negotiations.length,
      seconds,
      peakRssMb: memoryOf('self').peakRssMb,
    }),
  );
};

main().catch((error: unknown) => {
  console.log(JSON.stringify({ error: error instanceof Error ? error.message : String(error) }));
});
