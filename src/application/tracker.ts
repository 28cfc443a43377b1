import * as E from 'fp-ts/Either';
import * as TE from 'fp-ts/TaskEither';
import { pipe } from 'fp-ts/function';
import { getHeapStatistics } from 'node:v8';
import { FieldViolation, LeanEvent, StoredEvent } from '../domain';
import { EffectiveLog, NegotiationState, ScanFolded, boundQuery, stateAsOf } from '../projections';
import { AppendError, EventStore, StoreFailure, StreamSummary } from '../store';
import { createAppend } from './append';
import { foldNegotiation, readFoldPage } from './replay';
import { singleFlight } from './single-flight';
import { LOAD_SLICE, nextTurn, warmCheckpoints } from './slices';

/** Everything that can go wrong in a use case, as values. The HTTP edge maps each tag to one status code. */
export type TrackerError =
  | AppendError
  | { readonly _tag: 'NegotiationNotFound'; readonly negotiationId: string }
  /** Folding it would take more memory than this process is given (see maxLogEvents). */
  | {
      readonly _tag: 'NegotiationTooLarge';
      readonly negotiationId: string;
      readonly events: number;
      readonly limit: number;
    }
  | { readonly _tag: 'RuleViolated'; readonly violations: readonly FieldViolation[] }
  /** Nothing of the negotiation had been recorded by the recording time asked about. */
  | {
      readonly _tag: 'NotKnownAt';
      readonly negotiationId: string;
      readonly knownAt: string;
      readonly firstRecordedAt?: string;
    };

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

/**
 * Heap one folded event takes in the cached log, checkpoints included, rounded up from the benchmark's
 * negotiation of 100,000 events (133 MB of heap, about 1,330 bytes each). A log with every source's words (as
 * of a past recording time) takes about three times as much.
 */
const HEAP_BYTES_PER_FOLDED_EVENT = 1_500;
const FULL_EVENT_WEIGHT = 3;

/**
 * The share of the heap one folded log may take: the cache (never more than one such log) plus one large load
 * or full read in flight (they run one at a time) stay within 80 % of the heap.
 */
const HEAP_SHARE = 0.4;

/** The longest negotiation whose folded log fits in HEAP_SHARE of this process's heap limit. */
export const defaultMaxLogEvents = (): number =>
  Math.floor((getHeapStatistics().heap_size_limit * HEAP_SHARE) / HEAP_BYTES_PER_FOLDED_EVENT);

/** A negotiation as listed: its stream, and its current state (undefined if it could not be read). */
export interface ListedNegotiation {
  readonly stream: StreamSummary;
  readonly state: NegotiationState | undefined;
}

/** The moment a listing is as of: the bound of the fold, and whether it follows the clock (then it is kept). */
export interface ListingMoment {
  readonly untilMs: number;
  readonly include: 'possible' | 'certain';
  readonly followsClock: boolean;
}

/** A state folded for a listing as of the clock: at a revision, as of a moment, true until `trueUntilMs`. */
type KeptListing = { readonly revision: number; readonly asOf: ListingMoment } & ScanFolded;

/**
 * Whether a kept state is the state as of a later moment too: counted the same way, not asked for before it was
 * folded, and no development it left out counts yet (when none was left out, at any moment).
 */
const stillTrue = (kept: KeptListing, asOf: ListingMoment): boolean =>
  kept.asOf.include === asOf.include &&
  kept.asOf.untilMs <= asOf.untilMs &&
  (asOf.untilMs < kept.trueUntilMs || kept.trueUntilMs === Number.POSITIVE_INFINITY);

/** Current states of negotiations not in the cache, kept for listings (one small state each, by revision). */
export const MAX_LISTED_STATES = 10_000;

export type { AppendCommand, TrackedAppend } from './append';
export { WARNED_BATCH_LIMIT } from './append';

export interface LogSnapshot<R extends LeanEvent = LeanEvent> {
  readonly negotiationId: string;
  /** The stream revision the answer is built from (the ETag of every view of it). */
  readonly revision: number;
  readonly log: EffectiveLog<R>;
}

/** How many recorded events the tracker keeps folded in memory, over all negotiations, before evicting. */
export const DEFAULT_CACHE_BUDGET = 200_000;

const REFRESH_PAGE = 10_000;
/** Events read per page while looking for one by its id in a store without an index of ids. */
const EVENT_SEARCH_PAGE = 1000;

/**
 * The use cases: append reported developments, and read a negotiation's log as of a recording time. The current
 * log of recently queried negotiations stays in memory (least recently used first out, within a budget of
 * events) and follows its stream: a query reads only the events recorded since the last one.
 */
export const createTracker = ({
  store,
  newEventId,
  maxLogEvents = defaultMaxLogEvents(),
  maxListedStates = MAX_LISTED_STATES,
  // The cache holds no more than one negotiation at the limit: both are the same share of the heap.
  cacheBudget = Math.min(DEFAULT_CACHE_BUDGET, maxLogEvents),
}: TrackerDependencies) => {
  /** Refuses holding `held` events (weighted) of a negotiation whose stream is at `revision`. */
  /** Events of a negotiation held at once: maxLogEvents folded, a third of it read in full. */
  const limitFor = (weight: number) => Math.max(1, Math.floor(maxLogEvents / weight));
  const tooLarge = (
    negotiationId: string,
    revision: number,
    weight: number,
    held = revision + 1,
  ): E.Either<TrackerError, void> => {
    const limit = limitFor(weight);
    return held > limit
      ? E.left({ _tag: 'NegotiationTooLarge', negotiationId, events: revision + 1, limit })
      : E.right(undefined);
  };

  /**
   * Loads of more than a page (a long log into the cache, a long stream in full) run one at a time: the cache
   * makes room for one before it starts, and two at once could together outgrow the heap.
   */
  let largeLoads: Promise<unknown> = Promise.resolve();
  const oneLargeLoadAtATime = <A>(events: number, load: () => Promise<A>): Promise<A> => {
    if (events <= REFRESH_PAGE) return load();
    const turn = largeLoads.then(load, load);
    largeLoads = turn.catch(() => undefined);
    return turn;
  };
  // Map order is recency order: a hit is deleted and set again.
  const cache = new Map<string, EffectiveLog>();
  const refreshing = new Map<string, Promise<E.Either<TrackerError, EffectiveLog | undefined>>>();

  const revisionOf = (negotiationId: string): TE.TaskEither<TrackerError, number> =>
    pipe(
      store.streamRevision(negotiationId),
      TE.mapLeft((failure): TrackerError => failure),
    );

  /** Evicts least recently used logs (never `keep`) until the cached events and `incoming` fit the budget. */
  const evictBeyondBudget = (keep: string, incoming = 0) => {
    let total = incoming + [...cache.values()].reduce((sum, log) => sum + log.revision + 1, 0);
    for (const [negotiationId, log] of cache) {
      if (total <= cacheBudget) break;
      if (negotiationId === keep) continue;
      cache.delete(negotiationId);
      total -= log.revision + 1;
    }
  };

  /** The current log of a negotiation, brought up to the stream's revision; undefined when it has no events. */
  const currentLog =
    (negotiationId: string): TE.TaskEither<TrackerError, EffectiveLog | undefined> =>
    () => {
      // One refresh per negotiation at a time: concurrent queries share it instead of reading the same events twice.
      return singleFlight(
        refreshing,
        negotiationId,
        async (): Promise<E.Either<TrackerError, EffectiveLog | undefined>> => {
          const revision = await store.streamRevision(negotiationId)();
          if (E.isLeft(revision)) return revision;
          if (revision.right < 0) return E.right(undefined);
          const fits = tooLarge(negotiationId, revision.right, 1);
          if (E.isLeft(fits)) {
            cache.delete(negotiationId);
            return fits;
          }
          const load = async (): Promise<E.Either<TrackerError, EffectiveLog>> => {
            const cached = cache.get(negotiationId);
            const reusable = cached !== undefined && cached.revision <= revision.right ? cached : undefined;
            // A log ahead of the store (a file restored under a running server) is dropped, not counted twice.
            if (cached !== undefined && reusable === undefined) cache.delete(negotiationId);
            // Room first: the others cached and this one at full length stay within the budget while it loads.
            evictBeyondBudget(negotiationId, revision.right - (reusable?.revision ?? -1));
            const log = reusable ?? new EffectiveLog();
            // In pages, so a first load of a long negotiation never holds its raw page and its log twice over.
            while (log.revision < revision.right) {
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
            cache.delete(negotiationId);
            cache.set(negotiationId, log);
            evictBeyondBudget(negotiationId);
            return E.right(log);
          };
          return oneLargeLoadAtATime(revision.right - (cache.get(negotiationId)?.revision ?? -1), load);
        },
      );
    };

  /** The current log (cached and lean), at the stream's revision: NegotiationNotFound for none. */
  const snapshot = (negotiationId: string): TE.TaskEither<TrackerError, LogSnapshot> =>
    pipe(
      currentLog(negotiationId),
      TE.flatMap((log) =>
        log === undefined
          ? TE.left<TrackerError, LogSnapshot>({ _tag: 'NegotiationNotFound', negotiationId })
          : TE.right({ negotiationId, revision: log.revision, log }),
      ),
    );

  /** Current states kept for listings as of the clock: each true until `trueUntilMs`, at `revision`. */
  const listedStates = new Map<string, KeptListing>();

  /**
   * The state of a negotiation as of a moment, for a listing, without loading its log into the cache: a listing of
   * a large store would otherwise read every negotiation into memory and push the ones being queried out. The
   * cached log answers when it is at the listed revision; else the state is folded straight from the store (flat
   * memory with a scanning store). A listing as of the clock keeps each state with its revision and the instant
   * until which it stays true, so the next listing folds again only the negotiations that moved.
   */
  const stateForListing = async (
    stream: StreamSummary,
    asOf: ListingMoment,
  ): Promise<NegotiationState | undefined> => {
    // A negotiation in use has its log cached: brought up to the stream (only the new events are read), it answers
    // at once, where a fold from the store would read the whole negotiation again after every append.
    if (cache.has(stream.negotiationId)) {
      const current = await currentLog(stream.negotiationId)();
      if (E.isRight(current) && current.right !== undefined)
        return stateAsOf(current.right, boundQuery(asOf)).state;
    }
    const kept = asOf.followsClock ? listedStates.get(stream.negotiationId) : undefined;
    if (kept !== undefined && kept.revision === stream.revision && stillTrue(kept, asOf)) return kept.state;
    // Without an occurrence scan the fold holds the whole log: not for one the views would refuse to fold.
    if (
      store.scanLeanByOccurrence === undefined &&
      E.isLeft(tooLarge(stream.negotiationId, stream.revision, 1))
    )
      return undefined;
    // Listings running at once share the fold of a negotiation at a revision and moment.
    const key = `${stream.negotiationId}@${stream.revision}@${asOf.untilMs}@${asOf.include}`;
    return singleFlight(listingFolds, key, () => foldForListing(stream, asOf));
  };

  const listingFolds = new Map<string, Promise<NegotiationState | undefined>>();

  const foldForListing = async (
    stream: StreamSummary,
    asOf: ListingMoment,
  ): Promise<NegotiationState | undefined> => {
    // Each fold is one synchronous read on SQLite: requests queued meanwhile are served between two of them.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const folded = await foldNegotiation(store, stream.negotiationId, asOf);
    if (E.isLeft(folded)) return undefined;
    if (asOf.followsClock) keepListed(stream, asOf, folded.right);
    return folded.right.state;
  };

  /**
   * Kept by the listed revision. If an append landed during the fold, the state may already include it; it is then
   * never served again, since the stream has moved past the revision it is kept under.
   */
  const keepListed = (stream: StreamSummary, asOf: ListingMoment, folded: ScanFolded) => {
    const previous = listedStates.get(stream.negotiationId);
    // Once full, new negotiations are not kept: every listing walks them in the same order, so evicting the
    // oldest would evict the next one needed. A state kept at a later revision (an async store) stays.
    if (
      (previous === undefined && listedStates.size < maxListedStates) ||
      (previous !== undefined && previous.revision <= stream.revision)
    )
      listedStates.set(stream.negotiationId, { revision: stream.revision, asOf, ...folded });
  };

  /** Every negotiation with its state as of a moment, one after the other (a fold reads one at a time). */
  const listNegotiations = (asOf: ListingMoment): TE.TaskEither<StoreFailure, readonly ListedNegotiation[]> =>
    pipe(
      store.listStreams(),
      TE.flatMap((streams) => async () => {
        const listed: ListedNegotiation[] = [];
        for (const stream of streams) listed.push({ stream, state: await stateForListing(stream, asOf) });
        return E.right(listed);
      }),
    );

  /** A page of a negotiation's stored events, with the stream's revision (NegotiationNotFound for none). */
  type EventsPage = { revision: number; events: readonly StoredEvent[] };

  /** A page of the stream's stored events at a revision just read (NegotiationNotFound for none). */
  const eventsAt = (
    negotiationId: string,
    revision: number,
    fromRevision: number,
    limit: number,
  ): TE.TaskEither<TrackerError, EventsPage> =>
    revision < 0
      ? TE.left({ _tag: 'NegotiationNotFound', negotiationId })
      : pipe(
          store.readStream(negotiationId, { fromRevision, limit }),
          TE.map((events) => ({ revision, events })),
          TE.mapLeft((failure): TrackerError => failure),
        );

  const scanForEvent =
    (
      negotiationId: string,
      eventId: string,
      upTo: number,
    ): TE.TaskEither<StoreFailure, StoredEvent | undefined> =>
    async () => {
      for (let fromRevision = 0; fromRevision <= upTo; fromRevision += EVENT_SEARCH_PAGE) {
        const page = await store.readStream(negotiationId, { fromRevision, limit: EVENT_SEARCH_PAGE })();
        if (E.isLeft(page)) return page;
        const found = page.right.find((event) => event.id === eventId);
        if (found !== undefined || page.right.length < EVENT_SEARCH_PAGE) return E.right(found);
        await nextTurn();
      }
      return E.right(undefined);
    };

  return {
    append: createAppend({
      store,
      newEventId,
      currentState: (negotiationId) =>
        pipe(
          currentLog(negotiationId),
          TE.map((log) => (log === undefined ? undefined : stateAsOf(log, {}).state)),
        ),
    }),
    snapshot,
    listNegotiations,
    /** Every negotiation's stream: its revision, event count and last recording time. */
    listStreams: (): TE.TaskEither<StoreFailure, readonly StreamSummary[]> => store.listStreams(),
    /** How far a negotiation's stream has got (-1: no such negotiation); what a kept answer is checked against. */
    streamRevision: (negotiationId: string): TE.TaskEither<StoreFailure, number> =>
      store.streamRevision(negotiationId),
    /** The most events read in full at once (knownAt, the timeline, the history): a third of maxLogEvents. */
    fullReadLimit: limitFor(FULL_EVENT_WEIGHT),
    /**
     * The first `count` events in full, for the audit history (each entry folds the log before it): refused as
     * too large when that many full events would not fit where a folded log with every source's words does.
     */
    readHistory: (negotiationId: string, count: number): TE.TaskEither<TrackerError, EventsPage> =>
      pipe(
        revisionOf(negotiationId),
        TE.flatMap((revision) => {
          const held = Math.min(revision + 1, count);
          return pipe(
            TE.fromEither(tooLarge(negotiationId, revision, FULL_EVENT_WEIGHT, held)),
            TE.flatMap(() => () => oneLargeLoadAtATime(held, eventsAt(negotiationId, revision, 0, count))),
          );
        }),
      ),
    /** A page of lean events (what folds read), for readers that fold a stream in slices. */
    readLeanPage: (negotiationId: string, fromRevision: number, limit: number) =>
      readFoldPage(store, negotiationId, { fromRevision, limit }),
    /** The longest negotiation folded in memory (see TrackerDependencies.maxLogEvents). */
    maxLogEvents,
    /** Whether an event is found by its id through the store's index (else by paging through the stream). */
    indexesEventIds: store.readEvent !== undefined,
    /**
     * One stored event by its id, with the stream's revision: NegotiationNotFound for no negotiation, undefined for
     * no such event in it. Without an index the stream is read in pages, other requests served between them.
     */
    findEvent: (
      negotiationId: string,
      eventId: string,
    ): TE.TaskEither<TrackerError, { revision: number; event: StoredEvent | undefined }> =>
      pipe(
        revisionOf(negotiationId),
        TE.flatMap((revision) =>
          revision < 0
            ? TE.left<TrackerError, { revision: number; event: StoredEvent | undefined }>({
                _tag: 'NegotiationNotFound',
                negotiationId,
              })
            : pipe(
                store.readEvent?.(negotiationId, eventId) ?? scanForEvent(negotiationId, eventId, revision),
                TE.mapLeft((failure): TrackerError => failure),
                TE.map((event) => ({ revision, event })),
              ),
        ),
      ),
    /** A page of a negotiation's stored events, with the stream's revision (NegotiationNotFound for none). */
    readEvents: (negotiationId: string, fromRevision: number, limit: number) =>
      pipe(
        revisionOf(negotiationId),
        TE.flatMap((revision) => eventsAt(negotiationId, revision, fromRevision, limit)),
      ),
  };
};

export type Tracker = ReturnType<typeof createTracker>;
