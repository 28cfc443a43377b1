import * as E from 'fp-ts/Either';
import * as TE from 'fp-ts/TaskEither';
import { pipe } from 'fp-ts/function';
import { FieldViolation, LeanEvent, StoredEvent } from '../domain';
import {
  AnswerOf,
  EffectiveLog,
  Moment,
  MomentParams,
  SummaryView,
  ViewQuery,
  answerOf,
  momentOf,
  needsFullEvents,
  readsAsOf,
  summaryOf,
} from '../projections';
import { Clock } from '../store';
import { SlicedReads } from './sliced-reads';
import { LogSnapshot, Tracker, TrackerError } from './tracker';

/**
 * The read path (docs/read-path.md): a query (negotiation, view, moment) -> the log as known at the moment -> the
 * state as of its date -> the typed view, with the revision it was built from. Every edge reads through here.
 */

export interface ReadQuery<Q extends ViewQuery = ViewQuery> {
  readonly negotiationId: string;
  readonly moment: Moment;
  readonly view: Q;
}

export interface Answer<Q extends ViewQuery = ViewQuery> {
  readonly negotiationId: string;
  /** The revision of the log the answer was built from: for a knownAt, the last one recorded by then. */
  readonly revision: number;
  readonly body: AnswerOf<Q>;
}

/** A negotiation as listed, as of a moment. */
export interface ListingEntry extends Partial<Omit<SummaryView, 'title'>> {
  readonly negotiationId: string;
  readonly title: string;
  readonly revision: number;
  readonly eventCount: number;
  readonly lastRecordedAt?: string;
}

export interface ReadPathDependencies {
  readonly tracker: Tracker;
  readonly sliced: SlicedReads;
  readonly clock: Clock;
}

/** The key of a kept answer: undefined for answers that follow the clock, which are never kept. */
export const answerKey = (query: ReadQuery, revision: number): string | undefined =>
  query.moment.followsClock && readsAsOf(query.view)
    ? undefined
    : `${query.view.view} ${query.negotiationId} ${revision} ${JSON.stringify([query.moment, query.view])}`;

/** The listing entry of a negotiation: its log's counts (as known at the moment) and its summary. */
const entryOf = (
  negotiationId: string,
  log: Pick<EffectiveLog<LeanEvent>, 'revision' | 'recordedCount' | 'lastRecordedAt'>,
  summary: SummaryView | undefined,
): ListingEntry => ({
  negotiationId,
  ...summary,
  title: summary?.title ?? negotiationId,
  revision: log.revision,
  eventCount: log.recordedCount,
  ...(log.lastRecordedAt === undefined ? {} : { lastRecordedAt: log.lastRecordedAt }),
});

/** Every negotiation as of a moment, from the current logs (each folded or kept by the tracker's listing). */
const listAsOf = (tracker: Tracker, moment: Moment): TE.TaskEither<TrackerError, readonly ListingEntry[]> =>
  pipe(
    tracker.listNegotiations({
      untilMs: moment.asOfMs,
      include: moment.include,
      followsClock: moment.followsClock,
    }),
    TE.mapLeft((failure): TrackerError => failure),
    TE.map((listed) =>
      listed.map(({ stream, state }) =>
        entryOf(
          stream.negotiationId,
          {
            revision: stream.revision,
            recordedCount: stream.eventCount,
            lastRecordedAt: stream.lastRecordedAt,
          },
          // A negotiation too long to fold for a listing is listed by its stream alone.
          state === undefined ? undefined : summaryOf(state, moment.asOfMs),
        ),
      ),
    ),
  );

/**
 * Every negotiation as it stood at a recording time: each log is built as known then, and a negotiation nothing of
 * which had been recorded by then is left out (it did not exist in the log yet).
 */
const listKnownAt = (
  tracker: Tracker,
  sliced: SlicedReads,
  moment: Moment,
  knownAt: string,
): TE.TaskEither<TrackerError, readonly ListingEntry[]> =>
  pipe(
    tracker.listStreams(),
    TE.mapLeft((failure): TrackerError => failure),
    TE.flatMap((streams) => async () => {
      const listed: ListingEntry[] = [];
      for (const stream of streams) {
        const known = await sliced.knownSnapshot(stream.negotiationId, stream.revision, knownAt)();
        if (E.isLeft(known)) {
          if (known.left._tag === 'NotKnownAt') continue;
          return known;
        }
        const { log } = known.right;
        listed.push(entryOf(stream.negotiationId, log, answerOf(log, moment, { view: 'summary' })));
      }
      return E.right(listed);
    }),
  );

export const createReadPath = ({ tracker, sliced, clock }: ReadPathDependencies) => {
  const isBuilt = (query: ReadQuery) => query.moment.knownAt !== undefined || needsFullEvents(query.view);
  const kind = (query: ReadQuery) => (needsFullEvents(query.view) ? 'full' : 'lean');

  /** The log as known at the moment: the cached current log, or one built in slices (a knownAt, full events). */
  const logFor = (
    query: ReadQuery,
    revision: number,
  ): TE.TaskEither<TrackerError, LogSnapshot<LeanEvent> | LogSnapshot<StoredEvent>> => {
    const { negotiationId, moment } = query;
    if (needsFullEvents(query.view)) return sliced.fullSnapshot(negotiationId, revision, moment.knownAt);
    if (moment.knownAt !== undefined) return sliced.knownSnapshot(negotiationId, revision, moment.knownAt);
    return tracker.snapshot(negotiationId);
  };

  /** The revision an answer from this log is at: the last one recorded by knownAt, else the stream's. */
  const revisionOf = (query: ReadQuery, snapshot: LogSnapshot<LeanEvent> | LogSnapshot<StoredEvent>) =>
    query.moment.knownAt === undefined ? snapshot.revision : snapshot.log.revision;

  return {
    /** How far the negotiation's stream has got (what an answer is built at); NegotiationNotFound for none. */
    revision: tracker.existingRevision,

    /** The query for these parameters at the clock's instant, or what is wrong with its moment. */
    query: <Q extends ViewQuery>(
      negotiationId: string,
      params: MomentParams,
      view: Q,
    ): E.Either<FieldViolation[], ReadQuery<Q>> =>
      E.map((moment: Moment) => ({ negotiationId, moment, view }))(momentOf(params, clock().getTime())),

    /**
     * Events a read holds while it builds its log (what admission control counts), or undefined when it reads
     * the cached current log or joins a build already under way.
     */
    cost: (query: ReadQuery, revision: number): number | undefined => {
      if (
        !isBuilt(query) ||
        sliced.isBuilding(kind(query), query.negotiationId, revision, query.moment.knownAt)
      )
        return undefined;
      return kind(query) === 'full' ? sliced.fullCost(revision) : sliced.leanCost(revision);
    },

    /** The answer to a query, from the stream at `revision` (read just before, the answer's ETag). */
    answer: <Q extends ViewQuery>(
      query: ReadQuery<Q>,
      revision: number,
    ): TE.TaskEither<TrackerError, Answer<Q>> =>
      pipe(
        logFor(query, revision),
        TE.map((snapshot) => ({
          negotiationId: query.negotiationId,
          revision: revisionOf(query, snapshot),
          body: answerOf(snapshot.log as EffectiveLog<StoredEvent>, query.moment, query.view),
        })),
      ),

    /** One negotiation's listing entry as of the moment, from its own log only. */
    summary: (
      query: ReadQuery<{ view: 'summary' }>,
      revision: number,
    ): TE.TaskEither<TrackerError, ListingEntry> =>
      pipe(
        logFor(query, revision),
        TE.map(({ log }) => entryOf(query.negotiationId, log, answerOf(log, query.moment, query.view))),
      ),

    /**
     * Every negotiation as of a moment. With a knownAt, each log is built as it stood then, and a negotiation
     * nothing of which had been recorded by then is left out (it did not exist in the log yet).
     */
    list: (moment: Moment): TE.TaskEither<TrackerError, readonly ListingEntry[]> =>
      moment.knownAt === undefined
        ? listAsOf(tracker, moment)
        : listKnownAt(tracker, sliced, moment, moment.knownAt),
  };
};

export type ReadPath = ReturnType<typeof createReadPath>;
