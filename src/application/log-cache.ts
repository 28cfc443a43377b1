import * as E from 'fp-ts/Either';
import * as TE from 'fp-ts/TaskEither';
import { LRUCache } from 'lru-cache';
import { EffectiveLog } from '../projections';
import { EventStore } from '../store';
import { readFoldPage } from './replay';
import { singleFlight } from './single-flight';
import { LOAD_SLICE, nextTurn, warmCheckpoints } from './slices';
import type { LargeLoads, LogLimits, TrackerError } from './tracker-limits';

export interface LogCacheDependencies {
  readonly store: EventStore;
  /** Recorded events kept folded in memory, over all negotiations. */
  readonly budget: number;
  readonly limits: LogLimits;
  readonly largeLoads: LargeLoads;
}

/**
 * The current logs of recently queried negotiations, least recently used first out within a budget of events,
 * each following its stream: a query reads only the events recorded since the last one.
 */
export const createLogCache = ({ store, budget, limits, largeLoads }: LogCacheDependencies) => {
  // A log longer than the budget still fits, alone: it counts as the whole budget.
  const cache = new LRUCache<string, EffectiveLog>({
    maxSize: budget,
    sizeCalculation: (log) => Math.max(1, Math.min(budget, log.revision + 1)),
  });
  const refreshing = new Map<string, Promise<E.Either<TrackerError, EffectiveLog | undefined>>>();

  /** Evicts least recently used logs (never `keep`) until the cached events and `incoming` fit the budget. */
  const makeRoom = (keep: string, incoming: number) => {
    for (const negotiationId of [...cache.rkeys()]) {
      if (cache.calculatedSize + incoming <= budget) return;
      if (negotiationId !== keep) cache.delete(negotiationId);
    }
  };

  /** Reads the events recorded since the cached log (all of them for none), in pages, and caches the result. */
  const load = async (
    negotiationId: string,
    revision: number,
  ): Promise<E.Either<TrackerError, EffectiveLog>> => {
    const cached = cache.get(negotiationId);
    const reusable = cached !== undefined && cached.revision <= revision ? cached : undefined;
    // A log ahead of the store (a file restored under a running server) is dropped, not counted twice.
    if (cached !== undefined && reusable === undefined) cache.delete(negotiationId);
    // Room first: the others cached and this one at full length stay within the budget while it loads.
    makeRoom(negotiationId, revision - (reusable?.revision ?? -1));
    const log = reusable ?? new EffectiveLog();
    // In pages, so a first load of a long negotiation never holds its raw page and its log twice over.
    while (log.revision < revision) {
      const news = await readFoldPage(store, negotiationId, {
        fromRevision: log.revision + 1,
        limit: LOAD_SLICE,
      })();
      if (E.isLeft(news)) return news;
      for (const event of news.right) if (event.revision === log.revision + 1) log.record(event);
      if (news.right.length < LOAD_SLICE) break;
      // In slices: other requests are served between pages.
      await nextTurn();
    }
    await warmCheckpoints(log);
    // Set again: the log's size is counted anew, and it becomes the most recently used.
    cache.set(negotiationId, log);
    return E.right(log);
  };

  /** The current log of a negotiation, brought up to the stream's revision; undefined when it has no events. */
  const currentLog =
    (negotiationId: string): TE.TaskEither<TrackerError, EffectiveLog | undefined> =>
    () =>
      // One refresh per negotiation at a time: concurrent queries share it instead of reading the same events twice.
      singleFlight(
        refreshing,
        negotiationId,
        async (): Promise<E.Either<TrackerError, EffectiveLog | undefined>> => {
          const revision = await store.streamRevision(negotiationId)();
          if (E.isLeft(revision)) return revision;
          if (revision.right < 0) return E.right(undefined);
          const fits = limits.tooLarge(negotiationId, revision.right, 1);
          if (E.isLeft(fits)) {
            cache.delete(negotiationId);
            return fits;
          }
          const missing = revision.right - (cache.peek(negotiationId)?.revision ?? -1);
          return largeLoads.oneAtATime(missing, () => load(negotiationId, revision.right));
        },
      );

  return {
    currentLog,
    /** Whether the negotiation's log is cached (a listing then reads it rather than fold from the store). */
    has: (negotiationId: string): boolean => cache.has(negotiationId),
  };
};

export type LogCache = ReturnType<typeof createLogCache>;
