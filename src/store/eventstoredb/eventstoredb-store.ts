import {
  AllStreamResolvedEvent,
  AllStreamSubscription,
  EventStoreDBClient,
  MaxAppendSizeExceededError,
  NO_STREAM,
  START,
  WrongExpectedVersionError,
  streamNameFilter,
} from '@eventstore/db-client';
import { toClientConnectionString } from './connection-string';
import * as E from 'fp-ts/Either';
import * as TE from 'fp-ts/TaskEither';
import { StoredEvent } from '../../domain';
import { Decide, PlanWriter, appendedEvent, appendsThrough } from '../append-plan';
import {
  AppendResult,
  Clock,
  EventStore,
  ReadAllOptions,
  ReadStreamOptions,
  StoreFailure,
  systemClock,
} from '../port';
import { streamNameOf, toEventData } from './event-mapping';
import { LogReplica, createLogReplica } from './log-replica';

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

/** How this instance's view of the log is doing (for health reports and tests). */
export interface ReplicaStatus {
  readonly caughtUp: boolean;
  readonly subscribed: boolean;
  readonly checkpoint: { readonly commit: bigint; readonly prepare: bigint } | undefined;
  readonly resubscriptions: number;
  readonly duplicatesSkipped: number;
  readonly lastError: string | undefined;
}

export type EventStoreDbStore = EventStore & { readonly status: () => ReplicaStatus };

/**
 * Bounds the retries when other instances keep appending to the same negotiation in between (with the time
 * bound, catchUpTimeoutMs): a busy writer elsewhere can win many rounds in a row, so the bound is generous.
 */
const MAX_WRITE_ATTEMPTS = 100;

/** A connection string fit for logs and messages: any user name and password taken out. */
export const withoutCredentials = (connectionString: string): string =>
  connectionString.replace(/\/\/[^@/]*@/, '//');

const failure = (message: string): StoreFailure => ({ _tag: 'StoreFailure', message });

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

const failureOf = (error: unknown): StoreFailure =>
  error instanceof MaxAppendSizeExceededError
    ? failure(
        `the batch exceeds EventStoreDB's maximum append size (${error.maxAppendSize} bytes): send fewer events, or raise the server's MaxAppendSize`,
      )
    : failure(`EventStoreDB: ${describe(error)}`);

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
  const baseDelay = options.reconnectDelayMs ?? 200;
  const client = EventStoreDBClient.connectionString(toClientConnectionString(options.connectionString));
  const serverName = withoutCredentials(options.connectionString);
  const replica: LogReplica = createLogReplica(prefix);

  let closed = false;
  let caughtUp = false;
  let current: AllStreamSubscription | undefined;
  let resubscriptions = 0;
  let lastError: string | undefined;
  let wakeFromPause: (() => void) | undefined;
  const writesInFlight = new Map<string, Promise<unknown>>();
  /** Told whenever the subscription lands an append (from any instance). */
  const watchers = new Set<() => void>();

  /** One write per negotiation at a time from this instance: its own writers queue instead of racing. */
  const oneAtATime = <A>(negotiationId: string, run: () => Promise<A>): Promise<A> => {
    const previous = writesInFlight.get(negotiationId) ?? Promise.resolve();
    const next = previous.then(run, run);
    writesInFlight.set(negotiationId, next);
    void next.finally(() => {
      if (writesInFlight.get(negotiationId) === next) writesInFlight.delete(negotiationId);
    });
    return next;
  };

  /**
   * One subscription from the checkpoint (exclusive) until it drops. The client announces caught-up and
   * checkpoints as soon as it parses them, possibly before the events ahead of them have left its buffer, so each
   * marker takes effect only once those events have been applied.
   */
  const followOnce = () =>
    new Promise<void>((resolve) => {
      let delivered = 0;
      const markers: Array<{ due: number; run: () => void }> = [];
      replica.startDelivery();
      const subscription = client.subscribeToAll({
        fromPosition: replica.checkpoint ?? START,
        filter: streamNameFilter({
          prefixes: [prefix],
          checkpointReached: (_subscription, position) => inOrder(() => replica.advanceTo(position)),
        }),
      });
      const inOrder = (run: () => void) => {
        const due = delivered + subscription.readableLength;
        if (due <= delivered) run();
        else markers.push({ due, run });
      };
      current = subscription;
      subscription.on('data', (resolved: AllStreamResolvedEvent) => {
        const event = resolved.event;
        if (
          event !== undefined &&
          replica.apply({
            streamId: event.streamId,
            id: event.id,
            type: event.type,
            revision: event.revision,
            data: event.data,
            metadata: event.metadata,
            position: event.position,
          }) === 'applied'
        )
          watchers.forEach((watcher) => watcher());
        delivered += 1;
        while (markers[0] !== undefined && markers[0].due <= delivered) markers.shift()?.run();
      });
      subscription.on('caughtUp', () =>
        inOrder(() => {
          caughtUp = true;
          lastError = undefined;
          replica.notify();
        }),
      );
      let finished = false;
      const finish = (error?: unknown) => {
        if (finished) return;
        finished = true;
        if (error !== undefined) lastError = describe(error);
        current = undefined;
        subscription.removeAllListeners('data');
        // A subscription that never got a connection rejects its unsubscribe too: there is nothing left to cancel.
        void subscription
          .unsubscribe()
          .catch(() => undefined)
          .finally(() => subscription.destroy());
        resolve();
      };
      // `on`, not `once`: a failing call can report more than one error, and an unheard one would end the process.
      subscription.on('error', finish);
      subscription.once('end', () => finish());
      subscription.once('close', () => finish());
    });

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wakeFromPause = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const follow = async () => {
    let delay = baseDelay;
    while (!closed) {
      const checkpointBefore = replica.checkpoint;
      await followOnce();
      if (closed) return;
      resubscriptions += 1;
      delay = replica.checkpoint !== checkpointBefore ? baseDelay : Math.min(delay * 2, baseDelay * 10);
      await pause(delay);
    }
  };
  void follow();

  const whenCaughtUp = async (): Promise<E.Either<StoreFailure, void>> => {
    if (!caughtUp) await replica.waitUntil(() => caughtUp || closed, timeoutMs);
    if (caughtUp && !closed) return E.right(undefined);
    const reason = closed ? 'the store is closed' : (lastError ?? `no answer within ${timeoutMs} ms`);
    return E.left(failure(`EventStoreDB at ${serverName} is not caught up: ${reason}`));
  };

  const readable = (negotiationId: string): E.Either<StoreFailure, void> => {
    const reason = replica.unreadable(negotiationId);
    return reason === undefined
      ? E.right(undefined)
      : E.left(failure(`negotiation "${negotiationId}": ${reason}`));
  };

  /** A read answered from the view once it has caught up. */
  const fromView =
    <A>(answer: () => E.Either<StoreFailure, A>): TE.TaskEither<StoreFailure, A> =>
    async () => {
      const ready = await whenCaughtUp();
      return E.isLeft(ready) ? ready : answer();
    };

  /**
   * Decides against the view, writes at exactly the view's revision, and answers from what then arrives: an
   * EventStoreDB success can also stand for the same ids written before (its own idempotency), in which case the
   * plan decides again with them in view (a replay, or an id conflict if the content differs).
   */
  const write: PlanWriter =
    <L>(negotiationId: string, eventIds: readonly string[], decide: Decide<L>) =>
    () =>
      oneAtATime(negotiationId, () => attemptWrite(negotiationId, eventIds, decide));

  const attemptWrite = async <L>(
    negotiationId: string,
    eventIds: readonly string[],
    decide: Decide<L>,
  ): Promise<E.Either<L | StoreFailure, AppendResult>> => {
    const ready = await whenCaughtUp();
    if (E.isLeft(ready)) return ready;
    const streamName = streamNameOf(prefix, negotiationId);
    const giveUpAt = Date.now() + timeoutMs;
    for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS && Date.now() < giveUpAt; attempt += 1) {
      const usable = readable(negotiationId);
      if (E.isLeft(usable)) return usable;
      const head = replica.head(negotiationId);
      const plan = decide(
        head,
        eventIds.map((id) => replica.eventById(id)),
      );
      if (E.isLeft(plan)) return plan;
      if (plan.right.kind === 'replay') return E.right(plan.right.result);
      const { records } = plan.right;
      if (records.length === 0)
        return E.right({ negotiationId, revision: head.revision, events: [], replayed: false });
      let lastRevision: number;
      try {
        const lastOfBatch = head.revision + records.length;
        const events = records.map((record) => toEventData(record, lastOfBatch));
        const result = await client.appendToStream(streamName, events, {
          expectedRevision: head.revision < 0 ? NO_STREAM : BigInt(head.revision),
        });
        lastRevision = Number(result.nextExpectedRevision);
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) return E.left(failureOf(error));
        // The stream has moved on beyond this view: wait for the view to reach it, then decide again.
        const actual = typeof error.actualVersion === 'bigint' ? Number(error.actualVersion) : -1;
        const reached = await replica.waitUntil(
          () => replica.head(negotiationId).revision >= actual,
          timeoutMs,
        );
        if (!reached)
          return E.left(
            failure(
              `"${negotiationId}" is at revision ${actual} but this instance has not received it yet; retry`,
            ),
          );
        continue;
      }
      const arrived = await replica.waitUntil(
        () =>
          replica.head(negotiationId).revision >= lastRevision ||
          replica.unreadable(negotiationId) !== undefined,
        timeoutMs,
      );
      if (!arrived)
        return E.left(
          failure(
            `stored in EventStoreDB up to revision ${lastRevision}, but not yet visible to this instance; a retry with the same event ids returns the original result`,
          ),
        );
      const stored = replica
        .stream(negotiationId)
        .slice(head.revision + 1, head.revision + 1 + records.length);
      if (
        stored.length === records.length &&
        stored.every((event, index) => event.hash === records[index]?.hash)
      )
        return E.right({
          negotiationId,
          revision: stored[stored.length - 1]?.revision ?? head.revision,
          events: stored.map(appendedEvent),
          replayed: false,
        });
    }
    return E.left(failure(`"${negotiationId}" kept moving while appending; retry`));
  };

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
    watchAppends: (listener) => {
      watchers.add(listener);
      return () => watchers.delete(listener);
    },
    lastPosition: () => fromView(() => E.right(replica.all().at(-1)?.position ?? 0)),
    status: () => ({
      caughtUp,
      subscribed: current !== undefined,
      checkpoint: replica.checkpoint,
      resubscriptions,
      duplicatesSkipped: replica.duplicatesSkipped,
      lastError,
    }),
    close: async () => {
      closed = true;
      wakeFromPause?.();
      replica.abandonWaits();
      const subscription = current;
      if (subscription !== undefined) {
        await subscription.unsubscribe().catch(() => undefined);
        subscription.destroy();
      }
      await client.dispose();
    },
  };
};
