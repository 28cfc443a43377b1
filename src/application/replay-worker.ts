import * as E from 'fp-ts/Either';
import { parentPort, workerData } from 'node:worker_threads';
import { createSqliteEventStore } from '../store';
import { ReplayWorkerInput, ReplayWorkerMessage, ReplayWorkerOutput } from './parallel-replay';
import { replayNegotiations } from './replay';

/** One thread of replayFileInParallel: replays its share of the negotiations and posts the summary. */
const run = async ({ file, streams, nowMs }: ReplayWorkerInput): Promise<ReplayWorkerOutput> => {
  const store = createSqliteEventStore({ file });
  try {
    const replayed = await replayNegotiations(store, streams, nowMs, (progress) =>
      parentPort?.postMessage({ progress } satisfies ReplayWorkerMessage),
    );
    return E.isLeft(replayed) ? { failed: replayed.left.message } : { ok: replayed.right };
  } finally {
    await store.close();
  }
};

run(workerData as ReplayWorkerInput).then(
  (output) => parentPort?.postMessage(output),
  (error: unknown) =>
    parentPort?.postMessage({ failed: error instanceof Error ? error.message : String(error) }),
);
