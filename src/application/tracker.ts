import * as TE from 'fp-ts/TaskEither';
import { pipe } from 'fp-ts/function';
import { LeanEvent } from '../domain';
import { EffectiveLog, stateAsOf } from '../projections';
import { EventStore, StoreFailure, StreamSummary } from '../store';
import { createAppend } from './append';
import { createEventReads } from './event-reads';
import { MAX_LISTED_STATES, createListing } from './listing';
import { createLogCache } from './log-cache';
import { readFoldPage } from './replay';
import {
  FULL_EVENT_WEIGHT,
  TrackerError,
  createLargeLoads,
  defaultMaxLogEvents,
  logLimits,
} from './tracker-limits';

export type { TrackerError } from './tracker-limits';
export { defaultMaxLogEvents } from './tracker-limits';
export type { ListedNegotiation, ListingMoment } from './listing';
export { MAX_LISTED_STATES } from './listing';
export type { EventsPage } from './event-reads';
export type { AppendCommand, TrackedAppend } from './append';
export { WARNED_BATCH_LIMIT } from './append';

export interface TrackerDependencies {
  readonly store: EventStore;
  /** Generates ids for events that arrive without one. */
  readonly newEventId: () => string;
  /** Recorded events kept folded in memory across negotiations (default DEFAULT_CACHE_BUDGET). */
  readonly cacheBudget?: number;
  /**
   * The longest negotiation folded in memory (default: what 40 % of the heap holds, see defaultMaxLogEvents).
   * A longer one is refused with NegotiationTooLarge rather than run the process out of memory; its events can
   * still be appended, read in pages, listed and replayed (those stream).
   */
  readonly maxLogEvents?: number;
  /** Negotiations whose current state is kept for listings (default MAX_LISTED_STATES). */
  readonly maxListedStates?: number;
}

export interface LogSnapshot<R extends LeanEvent = LeanEvent> {
  readonly negotiationId: string;
  /** The stream revision the answer is built from (the ETag of every view of it). */
  readonly revision: number;
  readonly log: EffectiveLog<R>;
}

/** How many recorded events the tracker keeps folded in memory, over all negotiations, before evicting. */
export const DEFAULT_CACHE_BUDGET = 200_000;

/**
 * The use cases: append reported developments, read a negotiation's log (cached, see log-cache), list
 * negotiations with their states (see listing) and read stored events as recorded (see event-reads).
 */
export const createTracker = ({
  store,
  newEventId,
  maxLogEvents = defaultMaxLogEvents(),
  maxListedStates = MAX_LISTED_STATES,
  // The cache holds no more than one negotiation at the limit: both are the same share of the heap.
  cacheBudget = Math.min(DEFAULT_CACHE_BUDGET, maxLogEvents),
}: TrackerDependencies) => {
  const limits = logLimits(maxLogEvents);
  const largeLoads = createLargeLoads();
  const logs = createLogCache({ store, budget: cacheBudget, limits, largeLoads });

  /** The current log (cached and lean), at the stream's revision: NegotiationNotFound for none. */
  const snapshot = (negotiationId: string): TE.TaskEither<TrackerError, LogSnapshot> =>
    pipe(
      logs.currentLog(negotiationId),
      TE.flatMap((log) =>
        log === undefined
          ? TE.left<TrackerError, LogSnapshot>({ _tag: 'NegotiationNotFound', negotiationId })
          : TE.right({ negotiationId, revision: log.revision, log }),
      ),
    );

  return {
    append: createAppend({
      store,
      newEventId,
      stateOf: (negotiationId) =>
        pipe(
          logs.currentLog(negotiationId),
          TE.map((log) =>
            log === undefined
              ? undefined
              : (asOf?: string) => stateAsOf(log, asOf === undefined ? {} : { asOf }).state,
          ),
        ),
    }),
    snapshot,
    listNegotiations: createListing({ store, logs, limits, maxListedStates }),
    /** Every negotiation's stream: its revision, event count and last recording time. */
    listStreams: (): TE.TaskEither<StoreFailure, readonly StreamSummary[]> => store.listStreams(),
    /** How far a negotiation's stream has got (-1: no such negotiation); what a kept answer is checked against. */
    streamRevision: (negotiationId: string): TE.TaskEither<StoreFailure, number> =>
      store.streamRevision(negotiationId),
    /** The most events read in full at once (knownAt, the timeline, the history): a third of maxLogEvents. */
    fullReadLimit: limits.limitFor(FULL_EVENT_WEIGHT),
    /** A page of lean events (what folds read), for readers that fold a stream in slices. */
    readLeanPage: (negotiationId: string, fromRevision: number, limit: number) =>
      readFoldPage(store, negotiationId, { fromRevision, limit }),
    /** The longest negotiation folded in memory (see TrackerDependencies.maxLogEvents). */
    maxLogEvents,
    ...createEventReads({ store, limits, largeLoads }),
  };
};

export type Tracker = ReturnType<typeof createTracker>;
