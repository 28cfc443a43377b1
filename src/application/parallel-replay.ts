import * as E from 'fp-ts/Either';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { StoreFailure, StreamSummary, createSqliteEventStore } from '../store';
import { ReplaySummary, ReplayedNegotiation } from './replay';

export interface ReplayWorkerInput {
  readonly file: string;
  readonly streams: readonly StreamSummary[];
  readonly nowMs: number;
}

export type ReplayWorkerOutput = { readonly ok: ReplaySummary } | { readonly failed: string };
/** What a replay thread posts: progress (events done so far by that thread) as it goes, then its output. */
export type ReplayWorkerMessage = ReplayWorkerOutput | { readonly progress: number };

/** Young generation of each replay thread, in MB (V8's default is 16): fewer scavenges, a few percent faster. */
const YOUNG_GENERATION_MB = 64;

/** Splits negotiations into `parts` groups of about equal event counts, largest first. */
export const balance = <S extends { readonly eventCount: number }>(
  streams: readonly S[],
  parts: number,
): S[][] => {
  const groups = Array.from({ length: Math.max(1, parts) }, () => ({ events: 0, streams: [] as S[] }));
  for (const stream of [...streams].sort((a, b) => b.eventCount - a.eventCount)) {
    const lightest = groups.reduce((min, group) => (group.events < min.events ? group : min));
    lightest.streams.push(stream);
    lightest.events += stream.eventCount;
  }
  return groups.map((group) => group.streams).filter((group) => group.length > 0);
};

/**
 * Replays an embedded store file on several threads, each opening the file itself and replaying its share of
 * the negotiations (SQLite in WAL mode serves concurrent readers). Needs the built JavaScript (the worker runs
 * replay-worker.js beside this file); answers are those of replayAll, in listStreams order.
 */
export const replayFileInParallel = async (
  file: string,
  nowMs: number,
  threads = availableParallelism(),
  onProgress: (eventsDone: number) => void = () => undefined,
): Promise<E.Either<StoreFailure, ReplaySummary>> => {
  const store = createSqliteEventStore({ file });
  const streams = await store.listStreams()();
  await store.close();
  if (E.isLeft(streams)) return streams;
  const done: number[] = [];
  const runs = balance(streams.right, threads).map(
    (share, thread) =>
      new Promise<ReplayWorkerOutput>((resolve) => {
        const input: ReplayWorkerInput = { file, streams: share, nowMs };
        const worker = new Worker(join(__dirname, 'replay-worker.js'), {
          workerData: input,
          // A replay makes mostly short-lived garbage (the parsed events, their evidence).
          resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
        });
        worker.on('message', (message: ReplayWorkerMessage) => {
          if (!('progress' in message)) return resolve(message);
          done[thread] = message.progress;
          onProgress(done.reduce((sum, n) => sum + (n ?? 0), 0));
        });
        worker.once('error', (error) => resolve({ failed: error.message }));
        // A thread that ends without a word (killed, out of memory) must not leave the replay waiting forever.
        worker.once('exit', (code) =>
          resolve({ failed: `replay thread exited with code ${code} before answering` }),
        );
      }),
  );
  const outputs = await Promise.all(runs);
  const byId = new Map<string, ReplayedNegotiation>();
  for (const output of outputs) {
    if ('failed' in output) return E.left({ _tag: 'StoreFailure', message: output.failed });
    for (const negotiation of output.ok.negotiations) byId.set(negotiation.negotiationId, negotiation);
  }
  const negotiations = streams.right.flatMap(({ negotiationId }) => byId.get(negotiationId) ?? []);
  return E.right({ events: negotiations.reduce((sum, n) => sum + n.events, 0), negotiations });
};
