import { EventStoreDBClient } from '@eventstore/db-client';
import { toClientConnectionString } from './connection-string';
import * as E from 'fp-ts/Either';
import * as TE from 'fp-ts/TaskEither';
import { StoredEvent } from '../../domain';
import { appendsThrough } from '../append-plan';
import { Clock, EventStore, ReadAllOptions, ReadStreamOptions, StoreFailure, systemClock } from '../port';
import { describe, failure } from './failures';
import { ReplicaStatus, startFollower } from './follower';
import { LogReplica, createLogReplica } from './log-replica';
import { createEventStoreDbWrites, readableIn } from './writes';

export type { ReplicaStatus } from './follower';

export const DEFAULT_STREAM_PREFIX = 'negotiation-';

export interface EventStoreDbStoreOptions {
  /** e.g. esdb://localhost:2113?tls=false (single node) or esdb+discover://... (cluster). */
  readonly connectionString: string;
  readonly clock?: Clock;
  /** Streams are `<prefix><negotiationId>`; a separate prefix keeps deployments or test runs on one database apart. */
  readonly streamPrefix?: string;
  /** How long an operation waits for this instance's view: the first catch-up, and its own appends to arrive. */
  readonly catchUpTimeoutMs?: number;
  /** First pause before resubscribing after a dropped subscription; doubles up to ten times that. */
  readonly reconnectDelayMs?: number;
}

export type EventStoreDbStore = EventStore & { readonly status: () => ReplicaStatus };

/** A connection string fit for logs and messages: any user name and password taken out. */
export const withoutCredentials = (connectionString: string): string =>
  connectionString.replace(/\/\/[^@/]*@/, '//');

/** First index whose position is at least `from` (positions grow along $all). */
const firstAtOrAfter = (events: readonly StoredEvent[], from: number): number => {
  let low = 0;
  let high = events.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((events[middle]?.position ?? Infinity) < from) low = middle + 1;
    else high = middle;
  }
  return low;
};

const window = <A>(items: readonly A[], from: number, limit: number | undefined): readonly A[] =>
  items.slice(Math.max(0, from), limit === undefined ? undefined : Math.max(0, from) + limit);

/**
 * The store port on EventStoreDB, for several stateless API instances over one database.
 *
 * Writes go to the server with the exact revision this instance's view holds, so a write computed from a stale
 * view (a wrong hash chain, a missed retry) is refused by the server and decided again once the view has caught
 * up. Reads are answered from the view, which a catch-up subscription to $all keeps current: a write through
 * another instance shows here within the subscription's delay, a write through this one before it is acknowledged.
 * EventStoreDB only recognises a retried id in the same stream at the same revision; the port's wider idempotency
 * (a retry after the stream moved on) is decided from the view. An id reused in another negotiation is refused
 * when the view already holds its first use: two such writes racing through two instances within the delay
 * would both be stored, and the view keeps the first.
 */
export const createEventStoreDbStore = (options: EventStoreDbStoreOptions): EventStoreDbStore => {
  const clock = options.clock ?? systemClock;
  const prefix = options.streamPrefix ?? DEFAULT_STREAM_PREFIX;
  const timeoutMs = options.catchUpTimeoutMs ?? 10_000;
  const client = EventStoreDBClient.connectionString(toClientConnectionString(options.connectionString));
  const replica: LogReplica = createLogReplica(prefix);
  const follower = startFollower({
    client,
    prefix,
    replica,
    serverName: withoutCredentials(options.connectionString),
    timeoutMs,
    baseDelay: options.reconnectDelayMs ?? 200,
  });
  const readable = (negotiationId: string) => readableIn(replica, negotiationId);

  /** A read answered from the view once it has caught up. */
  const fromView =
    <A>(answer: () => E.Either<StoreFailure, A>): TE.TaskEither<StoreFailure, A> =>
    async () => {
      const ready = await follower.whenCaughtUp();
      return E.isLeft(ready) ? ready : answer();
    };
  const write = createEventStoreDbWrites({
    client,
    prefix,
    replica,
    timeoutMs,
    whenCaughtUp: follower.whenCaughtUp,
  });

  return {
    ...appendsThrough(write, clock),
    readStream: (negotiationId, readOptions: ReadStreamOptions = {}) =>
      fromView(() =>
        E.map(() => window(replica.stream(negotiationId), readOptions.fromRevision ?? 0, readOptions.limit))(
          readable(negotiationId),
        ),
      ),
    streamRevision: (negotiationId) =>
      fromView(() => E.map(() => replica.head(negotiationId).revision)(readable(negotiationId))),
    listStreams: () => fromView(() => E.right(replica.summaries())),
    readAll: (readOptions: ReadAllOptions = {}) =>
      fromView(() => {
        const all = replica.all();
        return E.right(window(all, firstAtOrAfter(all, readOptions.fromPosition ?? 1), readOptions.limit));
      }),
    readTree: (read) =>
      fromView(() =>
        E.tryCatch(
          () => read(replica.tree),
          (error) => failure(describe(error)),
        ),
      ),
    watchAppends: follower.watchAppends,
    lastPosition: () => fromView(() => E.right(replica.all().at(-1)?.position ?? 0)),
    status: follower.status,
    close: async () => {
      await follower.close();
      await client.dispose();
    },
  };
};
