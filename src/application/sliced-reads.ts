import * as E from 'fp-ts/Either';
import * as TE from 'fp-ts/TaskEither';
import { LeanEvent, StoredEvent, endOfDateOrDateTime, parseInstant } from '../domain';
import { EffectiveLog } from '../projections';
import { StoreFailure } from '../store';
import { HistoryEntry, createHistoryFold } from './audit';
import { FULL_LOAD_SLICE, LOAD_SLICE, Slicer, createSlicer, warmCheckpoints } from './slices';
import { singleFlight } from './single-flight';
import { LogSnapshot, Tracker, TrackerError } from './tracker';
import { FULL_EVENT_WEIGHT, LogLimits, logLimits } from './tracker-limits';

/**
 * Reads that fold a whole log (a past `knownAt`, the timeline, the audit history), done in slices so that other
 * requests are served meanwhile, and shared: requests for the same log at the same revision wait for one build.
 * Each takes the stream revision its caller read (the answer's ETag); events recorded after it are left out.
 */

type PageReader<R> = (
  fromRevision: number,
  limit: number,
) => TE.TaskEither<StoreFailure | TrackerError, readonly R[]>;

/** How to read a stream's pages, and how many events a page holds (a few milliseconds of reading). */
interface Pages<R> {
  readonly read: PageReader<R>;
  readonly size: number;
}

/**
 * Visits the stream's events from revision 0 up to `upTo` in pages, yielding to the event loop as it goes. A
 * visit may return a promise (awaited before the next event) or 'stop'.
 */
const eachEvent = async <R extends { readonly revision: number }>(
  { read: readPage, size }: Pages<R>,
  upTo: number,
  visit: (event: R) => Visited | Promise<Visited>,
  slicer: Slicer,
): Promise<E.Either<TrackerError, void>> => {
  for (let from = 0; from <= upTo;) {
    const page = await readPage(from, Math.min(size, upTo - from + 1))();
    if (E.isLeft(page)) return page;
    for (const event of page.right) {
      if (event.revision > upTo) return E.right(undefined);
      const visited = visit(event);
      if ((visited instanceof Promise ? await visited : visited) === 'stop') return E.right(undefined);
      from = event.revision + 1;
      const pause = slicer.tick();
      if (pause !== undefined) await pause;
    }
    if (page.right.length === 0) break;
  }
  return E.right(undefined);
};

type Visited = void | 'stop';

/** History entries handed over at once. */
const HISTORY_BATCH = 100;

/**
 * The log as it stood at `knownAt` (every event recorded by then), built in slices. Before the negotiation's first
 * event was recorded the log knew nothing of it: NotKnownAt, not an empty answer.
 */
const foldKnownLog = async <R extends LeanEvent>(
  pages: Pages<R>,
  negotiationId: string,
  upTo: number,
  knownAt: string | undefined,
): Promise<E.Either<TrackerError, EffectiveLog<R>>> => {
  const knownUntil = knownAt === undefined ? Number.POSITIVE_INFINITY : endOfDateOrDateTime(knownAt);
  const log = new EffectiveLog<R>();
  const slicer = createSlicer();
  let firstRecordedAt: string | undefined;
  const read = await eachEvent(
    pages,
    upTo,
    (event) => {
      firstRecordedAt ??= event.recordedAt;
      // Filter rather than stop: recordedAt follows a wall clock, which is not guaranteed to be monotonic.
      if ((parseInstant(event.recordedAt) ?? 0) <= knownUntil) log.record(event);
    },
    slicer,
  );
  if (E.isLeft(read)) return read;
  if (knownAt !== undefined && log.revision < 0)
    return E.left({
      _tag: 'NotKnownAt',
      negotiationId,
      knownAt,
      ...(firstRecordedAt === undefined ? {} : { firstRecordedAt }),
    });
  await warmCheckpoints(log, slicer);
  return E.right(log);
};

interface HistoryRange {
  readonly fromRevision: number;
  readonly limit: number;
}

/** The audit history entries of a range, folded from the stream's start, handed over in batches (see history). */
const foldHistory = async (
  pages: Pages<StoredEvent>,
  limits: LogLimits,
  { negotiationId, revision, range }: { negotiationId: string; revision: number; range: HistoryRange },
  onEntries: (entries: readonly HistoryEntry[]) => Promise<boolean>,
): Promise<E.Either<TrackerError, void>> => {
  if (revision < 0) return E.left({ _tag: 'NegotiationNotFound', negotiationId });
  const upTo = Math.min(revision, range.fromRevision + range.limit - 1);
  // Refused by what it would hold (the events up to the page's end), named by the negotiation's whole count.
  const fits = limits.tooLarge(negotiationId, revision, 1, upTo + 1);
  if (E.isLeft(fits)) return fits;
  const fold = createHistoryFold();
  let pending: HistoryEntry[] = [];
  let wanted = true;
  const handOver = async (): Promise<Visited> => {
    const batch = pending;
    pending = [];
    wanted = await onEntries(batch);
    return wanted ? undefined : 'stop';
  };
  const read = await eachEvent(
    pages,
    upTo,
    (event) => {
      if (event.revision < range.fromRevision) return fold.skip(event);
      pending.push(fold.entry(event));
      return pending.length < HISTORY_BATCH ? undefined : handOver();
    },
    createSlicer(),
  );
  if (E.isLeft(read)) return read;
  if (wanted && pending.length > 0) await handOver();
  return E.right(undefined);
};

const buildKey = (kind: string, negotiationId: string, revision: number, knownAt: string | undefined) =>
  `${kind} ${negotiationId} ${revision} ${knownAt ?? ''}`;

/** A stream's events in full, read in pages (the sources' words make a page heavier). */
const fullPagesOf =
  (tracker: Tracker) =>
  (negotiationId: string): Pages<StoredEvent> => ({
    read: (fromRevision, limit) =>
      TE.map((page: { readonly events: readonly StoredEvent[] }) => page.events)(
        tracker.readEvents(negotiationId, fromRevision, limit),
      ),
    size: FULL_LOAD_SLICE,
  });

/** A stream's lean events (what the as-of views fold), read in pages. */
const leanPagesOf =
  (tracker: Tracker) =>
  (negotiationId: string): Pages<LeanEvent> => ({
    read: (fromRevision, limit) => tracker.readLeanPage(negotiationId, fromRevision, limit),
    size: LOAD_SLICE,
  });

export const createSlicedReads = (tracker: Tracker) => {
  const building = new Map<string, Promise<E.Either<TrackerError, LogSnapshot<LeanEvent | StoredEvent>>>>();
  // Requests for the same log at the same revision wait for one build. A key names its kind of events (lean or
  // full), so the promise shared under it is of the kind asked for.
  const shared = <R extends LeanEvent>(
    key: string,
    build: () => Promise<E.Either<TrackerError, LogSnapshot<R>>>,
  ): Promise<E.Either<TrackerError, LogSnapshot<R>>> =>
    singleFlight(building, key, build) as Promise<E.Either<TrackerError, LogSnapshot<R>>>;

  const fullPages = fullPagesOf(tracker);
  const leanPages = leanPagesOf(tracker);

  const limits = logLimits(tracker.maxLogEvents);

  /** The log of one kind of events at `knownAt` (every event when undefined), built once for all who ask. */
  const built =
    <R extends LeanEvent>(
      kind: 'lean' | 'full',
      pagesOf: (negotiationId: string) => Pages<R>,
      weight: number,
    ) =>
    (
      negotiationId: string,
      revision: number,
      knownAt: string | undefined,
    ): TE.TaskEither<TrackerError, LogSnapshot<R>> =>
    () => {
      if (revision < 0) return Promise.resolve(E.left({ _tag: 'NegotiationNotFound', negotiationId }));
      const fits = limits.tooLarge(negotiationId, revision, weight);
      if (E.isLeft(fits)) return Promise.resolve(fits);
      return shared(buildKey(kind, negotiationId, revision, knownAt), async () =>
        E.map((log: EffectiveLog<R>) => ({ negotiationId, revision, log }))(
          await foldKnownLog(pagesOf(negotiationId), negotiationId, revision, knownAt),
        ),
      );
    };

  return {
    /** Events (weighted) a build of this kind holds at this revision: what admission control counts. */
    leanCost: (revision: number): number => revision + 1,
    fullCost: (revision: number): number => (revision + 1) * FULL_EVENT_WEIGHT,
    fullReadLimit: tracker.fullReadLimit,
    /** Whether a build of this log is under way (a request for it then waits for that one, for free). */
    isBuilding: (
      kind: 'lean' | 'full',
      negotiationId: string,
      revision: number,
      knownAt: string | undefined,
    ) => building.has(buildKey(kind, negotiationId, revision, knownAt)),

    /** The lean log at `knownAt`, for the as-of views (which never read the sources' words). */
    knownSnapshot: built('lean', leanPages, 1),
    /** The log with every event in full (the timeline quotes its sources), at `knownAt` or now. */
    fullSnapshot: built('full', fullPages, FULL_EVENT_WEIGHT),

    /**
     * The audit history up to `revision`, from `fromRevision` (at most `limit` entries), handed to `onEntries` a
     * batch at a time. It is awaited, so a caller that streams the entries holds back the reading until its client
     * has taken them; it answers false when nobody wants more. Holds the lean log only, never the events read.
     */
    history: (
      negotiationId: string,
      revision: number,
      range: HistoryRange,
      onEntries: (entries: readonly HistoryEntry[]) => Promise<boolean>,
    ) => foldHistory(fullPages(negotiationId), limits, { negotiationId, revision, range }, onEntries),
  };
};

export type SlicedReads = ReturnType<typeof createSlicedReads>;
