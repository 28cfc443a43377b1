import * as E from 'fp-ts/Either';
import { getHeapStatistics } from 'node:v8';
import { FieldViolation } from '../domain';
import { AppendError } from '../store';

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

/**
 * Heap one folded event takes in the cached log, checkpoints included, rounded up from the benchmark's
 * negotiation of 100,000 events. A log with every source's words (as of a past recording time) takes about three
 * times as much.
 */
const HEAP_BYTES_PER_FOLDED_EVENT = 1_500;
export const FULL_EVENT_WEIGHT = 3;

/**
 * The share of the heap one folded log may take: the cache (never more than one such log) plus one large load
 * or full read in flight (they run one at a time) stay within 80 % of the heap.
 */
const HEAP_SHARE = 0.4;

/** The longest negotiation whose folded log fits in HEAP_SHARE of this process's heap limit. */
export const defaultMaxLogEvents = (): number =>
  Math.floor((getHeapStatistics().heap_size_limit * HEAP_SHARE) / HEAP_BYTES_PER_FOLDED_EVENT);

/** How many events of a negotiation may be held at once: maxLogEvents folded, fewer when read in full. */
export const logLimits = (maxLogEvents: number) => {
  const limitFor = (weight: number) => Math.max(1, Math.floor(maxLogEvents / weight));
  return {
    maxLogEvents,
    limitFor,
    /** Refuses holding `held` events (weighted) of a negotiation whose stream is at `revision`. */
    tooLarge: (
      negotiationId: string,
      revision: number,
      weight: number,
      held = revision + 1,
    ): E.Either<TrackerError, void> => {
      const limit = limitFor(weight);
      return held > limit
        ? E.left({ _tag: 'NegotiationTooLarge', negotiationId, events: revision + 1, limit })
        : E.right(undefined);
    },
  };
};

export type LogLimits = ReturnType<typeof logLimits>;

/** Events read in one go below which a load needs no turn of its own. */
const SMALL_LOAD = 10_000;

/**
 * Loads of more than a page (a long log into the cache, a long stream in full) run one at a time: the cache
 * makes room for one before it starts, and two at once could together outgrow the heap.
 */
export const createLargeLoads = () => {
  let queue: Promise<unknown> = Promise.resolve();
  return {
    oneAtATime: <A>(events: number, load: () => Promise<A>): Promise<A> => {
      if (events <= SMALL_LOAD) return load();
      const turn = queue.then(load, load);
      queue = turn.catch(() => undefined);
      return turn;
    },
  };
};

export type LargeLoads = ReturnType<typeof createLargeLoads>;
