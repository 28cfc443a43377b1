import * as E from 'fp-ts/Either';
import * as TE from 'fp-ts/TaskEither';
import { pipe } from 'fp-ts/function';
import { StoredEvent } from '../domain';
import { EventStore, StoreFailure } from '../store';
import { nextTurn } from './slices';
import { FULL_EVENT_WEIGHT, LargeLoads, LogLimits, TrackerError } from './tracker-limits';

/** A page of a negotiation's stored events, with the stream's revision. */
export interface EventsPage {
  readonly revision: number;
  readonly events: readonly StoredEvent[];
}

/** Events read per page while looking for one by its id in a store without an index of ids. */
const EVENT_SEARCH_PAGE = 1000;

export interface EventReadsDependencies {
  readonly store: EventStore;
  readonly limits: LogLimits;
  readonly largeLoads: LargeLoads;
}

/** Reads of stored events as recorded (the history, pages, one by its id): each NegotiationNotFound for none. */
export const createEventReads = ({ store, limits, largeLoads }: EventReadsDependencies) => {
  /** How far a negotiation's stream has got; NegotiationNotFound for none. */
  const existingRevision = (negotiationId: string): TE.TaskEither<TrackerError, number> =>
    pipe(
      store.streamRevision(negotiationId),
      TE.mapLeft((failure): TrackerError => failure),
      TE.filterOrElse(
        (revision) => revision >= 0,
        (): TrackerError => ({ _tag: 'NegotiationNotFound', negotiationId }),
      ),
    );

  const eventsAt = (negotiationId: string, revision: number, fromRevision: number, limit: number) =>
    pipe(
      store.readStream(negotiationId, { fromRevision, limit }),
      TE.map((events): EventsPage => ({ revision, events })),
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
    existingRevision,
    /**
     * The first `count` events in full, for the audit history (each entry folds the log before it): refused as
     * too large when that many full events would not fit where a folded log with every source's words does.
     */
    readHistory: (negotiationId: string, count: number): TE.TaskEither<TrackerError, EventsPage> =>
      pipe(
        existingRevision(negotiationId),
        TE.flatMap((revision) => {
          const held = Math.min(revision + 1, count);
          return pipe(
            TE.fromEither(limits.tooLarge(negotiationId, revision, FULL_EVENT_WEIGHT, held)),
            TE.flatMap(() => () => largeLoads.oneAtATime(held, eventsAt(negotiationId, revision, 0, count))),
          );
        }),
      ),
    /** Whether an event is found by its id through the store's index (else by paging through the stream). */
    indexesEventIds: store.readEvent !== undefined,
    /**
     * One stored event by its id, with the stream's revision: undefined for no such event in the negotiation.
     * Without an index the stream is read in pages, other requests served between them.
     */
    findEvent: (
      negotiationId: string,
      eventId: string,
    ): TE.TaskEither<TrackerError, { revision: number; event: StoredEvent | undefined }> =>
      pipe(
        existingRevision(negotiationId),
        TE.flatMap((revision) =>
          pipe(
            store.readEvent?.(negotiationId, eventId) ?? scanForEvent(negotiationId, eventId, revision),
            TE.mapLeft((failure): TrackerError => failure),
            TE.map((event) => ({ revision, event })),
          ),
        ),
      ),
    /** A page of a negotiation's stored events, with the stream's revision. */
    readEvents: (negotiationId: string, fromRevision: number, limit: number) =>
      pipe(
        existingRevision(negotiationId),
        TE.flatMap((revision) => eventsAt(negotiationId, revision, fromRevision, limit)),
      ),
  };
};
