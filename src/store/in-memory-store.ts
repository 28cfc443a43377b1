import * as E from 'fp-ts/Either';
import * as TE from 'fp-ts/TaskEither';
import { StoredEvent } from '../domain';
import { Decide, EMPTY_HEAD, appendedEvent, appendsThrough } from './append-plan';
import { MemoryTree } from './merkle';
import {
  AppendResult,
  Clock,
  EventStore,
  ReadAllOptions,
  ReadStreamOptions,
  StreamSummary,
  systemClock,
} from './port';

/** The store port in memory: for tests and for as-of engines that need no durability. */
export const createInMemoryEventStore = (clock: Clock = systemClock): EventStore => {
  const all: StoredEvent[] = [];
  const streams = new Map<string, StoredEvent[]>();
  const byId = new Map<string, StoredEvent>();
  const tree = new MemoryTree();
  const watchers = new Set<() => void>();

  /** Carries out what a plan decided, for both kinds of append. */
  const write = <L>(
    negotiationId: string,
    eventIds: readonly string[],
    decide: Decide<L>,
  ): E.Either<L, AppendResult> => {
    const stream = streams.get(negotiationId) ?? [];
    const last = stream[stream.length - 1];
    const head = last ? { revision: last.revision, lastHash: last.hash } : EMPTY_HEAD;
    const plan = decide(
      head,
      eventIds.map((id) => byId.get(id)),
    );
    if (E.isLeft(plan)) return plan;
    if (plan.right.kind === 'replay') return E.right(plan.right.result);
    const written = plan.right.records.map(
      (record, index) => ({ ...record, position: all.length + 1 + index }) as StoredEvent,
    );
    for (const event of written) {
      all.push(event);
      byId.set(event.id, event);
      tree.append(event.id, event.hash);
    }
    stream.push(...written);
    streams.set(negotiationId, stream);
    queueMicrotask(() => watchers.forEach((watcher) => watcher()));
    return E.right({
      negotiationId,
      revision: written[written.length - 1]?.revision ?? head.revision,
      events: written.map(appendedEvent),
      replayed: false,
    });
  };

  return {
    ...appendsThrough(
      (negotiationId, eventIds, decide) => () => Promise.resolve(write(negotiationId, eventIds, decide)),
      clock,
    ),
    readStream: (negotiationId, options: ReadStreamOptions = {}) =>
      TE.right(window(streams.get(negotiationId) ?? [], options.fromRevision ?? 0, options.limit)),
    readEvent: (negotiationId, eventId) =>
      TE.right((streams.get(negotiationId) ?? []).find((event) => event.id === eventId)),
    streamRevision: (negotiationId) => {
      const stream = streams.get(negotiationId);
      return TE.right(stream?.[stream.length - 1]?.revision ?? -1);
    },
    listStreams: () =>
      TE.right(
        [...streams.entries()].map(([negotiationId, events]): StreamSummary => ({
          negotiationId,
          revision: events.length - 1,
          eventCount: events.length,
          lastRecordedAt: events[events.length - 1]?.recordedAt ?? '',
        })),
      ),
    readAll: (options: ReadAllOptions = {}) =>
      TE.right(window(all, (options.fromPosition ?? 1) - 1, options.limit)),
    readTree: (read) =>
      TE.fromEither(
        E.tryCatch(
          () => read(tree),
          (error) => ({
            _tag: 'StoreFailure' as const,
            message: error instanceof Error ? error.message : String(error),
          }),
        ),
      ),
    watchAppends: (listener) => {
      watchers.add(listener);
      return () => watchers.delete(listener);
    },
    lastPosition: () => TE.right(all.length),
    close: () => Promise.resolve(),
  };
};

const window = <A>(items: readonly A[], from: number, limit: number | undefined): readonly A[] =>
  items.slice(Math.max(0, from), limit === undefined ? undefined : Math.max(0, from) + limit);
