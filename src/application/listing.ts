import * as E from 'fp-ts/Either';
import * as TE from 'fp-ts/TaskEither';
import { pipe } from 'fp-ts/function';
import { NegotiationState, ScanFolded, boundQuery, stateAsOf } from '../projections';
import { EventStore, StoreFailure, StreamSummary } from '../store';
import type { LogCache } from './log-cache';
import { foldNegotiation } from './replay';
import { singleFlight } from './single-flight';
import type { LogLimits } from './tracker-limits';

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

/** Current states of negotiations not in the cache, kept for listings (one small state each, by revision). */
export const MAX_LISTED_STATES = 10_000;

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

export interface ListingDependencies {
  readonly store: EventStore;
  readonly logs: LogCache;
  readonly limits: LogLimits;
  readonly maxListedStates: number;
}

/**
 * Every negotiation with its state as of a moment, without loading logs into the cache: a listing of a large store
 * would otherwise read every negotiation into memory and push the ones being queried out. A cached log answers
 * when there is one; else the state is folded straight from the store (flat memory with a scanning store). A
 * listing as of the clock keeps each state with its revision and the instant until which it stays true, so the
 * next listing folds again only the negotiations that moved.
 */
export const createListing = ({ store, logs, limits, maxListedStates }: ListingDependencies) => {
  const listedStates = new Map<string, KeptListing>();
  const listingFolds = new Map<string, Promise<NegotiationState | undefined>>();

  /**
   * Kept by the listed revision. If an append landed during the fold, the state may already include it; it is then
   * never served again, since the stream has moved past the revision it is kept under.
   */
  const keep = (stream: StreamSummary, asOf: ListingMoment, folded: ScanFolded) => {
    const previous = listedStates.get(stream.negotiationId);
    // Once full, new negotiations are not kept: every listing walks them in the same order, so evicting the
    // oldest would evict the next one needed. A state kept at a later revision (an async store) stays.
    if (
      (previous === undefined && listedStates.size < maxListedStates) ||
      (previous !== undefined && previous.revision <= stream.revision)
    )
      listedStates.set(stream.negotiationId, { revision: stream.revision, asOf, ...folded });
  };

  const fold = async (stream: StreamSummary, asOf: ListingMoment): Promise<NegotiationState | undefined> => {
    // Each fold is one synchronous read on SQLite: requests queued meanwhile are served between two of them.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const folded = await foldNegotiation(store, stream.negotiationId, asOf);
    if (E.isLeft(folded)) return undefined;
    if (asOf.followsClock) keep(stream, asOf, folded.right);
    return folded.right.state;
  };

  const stateOf = async (
    stream: StreamSummary,
    asOf: ListingMoment,
  ): Promise<NegotiationState | undefined> => {
    // A negotiation in use has its log cached: brought up to the stream (only the new events are read), it answers
    // at once, where a fold from the store would read the whole negotiation again after every append.
    if (logs.has(stream.negotiationId)) {
      const current = await logs.currentLog(stream.negotiationId)();
      if (E.isRight(current) && current.right !== undefined)
        return stateAsOf(current.right, boundQuery(asOf)).state;
    }
    const kept = asOf.followsClock ? listedStates.get(stream.negotiationId) : undefined;
    if (kept !== undefined && kept.revision === stream.revision && stillTrue(kept, asOf)) return kept.state;
    // Without an occurrence scan the fold holds the whole log: not for one the views would refuse to fold.
    if (
      store.scanLeanByOccurrence === undefined &&
      E.isLeft(limits.tooLarge(stream.negotiationId, stream.revision, 1))
    )
      return undefined;
    // Listings running at once share the fold of a negotiation at a revision and moment.
    const key = `${stream.negotiationId}@${stream.revision}@${asOf.untilMs}@${asOf.include}`;
    return singleFlight(listingFolds, key, () => fold(stream, asOf));
  };

  /** Every negotiation with its state as of a moment, one after the other (a fold reads one at a time). */
  return (asOf: ListingMoment): TE.TaskEither<StoreFailure, readonly ListedNegotiation[]> =>
    pipe(
      store.listStreams(),
      TE.flatMap((streams) => async () => {
        const listed: ListedNegotiation[] = [];
        for (const stream of streams) listed.push({ stream, state: await stateOf(stream, asOf) });
        return E.right(listed);
      }),
    );
};
