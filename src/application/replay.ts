import * as E from 'fp-ts/Either';
import {
  EffectiveLog,
  ScanBound,
  ScanFolded,
  boundQuery,
  countsFrom,
  createScanFold,
  issuesView,
  phasesView,
  stateAsOf,
  statusView,
} from '../projections';
import { EventStore, StoreFailure } from '../store';

export interface ReplayedNegotiation {
  readonly negotiationId: string;
  readonly events: number;
  readonly developments: number;
  readonly stage: string;
  readonly activity: string;
  readonly openIssues: number;
  readonly phases: ReadonlyArray<{ readonly phaseId: string; readonly state: string }>;
}

export interface ReplaySummary {
  readonly events: number;
  readonly negotiations: readonly ReplayedNegotiation[];
}

const PAGE = 20_000;

/** A page of a stream as folds read it: lean when the store keeps lean copies, else in full. */
export const readFoldPage = (
  store: EventStore,
  negotiationId: string,
  page: { readonly fromRevision: number; readonly limit: number },
) =>
  store.readLeanStream ? store.readLeanStream(negotiationId, page) : store.readStream(negotiationId, page);

/**
 * The state of one negotiation (as of `asOf`, or with every development): streamed in occurrence order when the
 * store can scan that way (memory stays flat), else read in pages into an effective log.
 */
export const foldNegotiation = async (
  store: EventStore,
  negotiationId: string,
  asOf?: ScanBound,
): Promise<E.Either<StoreFailure, ScanFolded>> => {
  if (store.scanLeanByOccurrence) {
    const fold = createScanFold(asOf);
    const scanned = await store.scanLeanByOccurrence(negotiationId, fold)();
    return E.isLeft(scanned) ? scanned : E.right(fold.finish());
  }
  const log = new EffectiveLog();
  for (let fromRevision = 0; ; fromRevision += PAGE) {
    const options = { fromRevision, limit: PAGE };
    const page = await readFoldPage(store, negotiationId, options)();
    if (E.isLeft(page)) return page;
    for (const event of page.right) log.record(event);
    if (page.right.length < PAGE) break;
  }
  if (asOf === undefined)
    return E.right({
      state: stateAsOf(log, {}).state,
      developments: log.developments.length,
      trueUntilMs: Number.POSITIVE_INFINITY,
    });
  const result = stateAsOf(log, boundQuery(asOf));
  return E.right({
    state: result.state,
    developments: result.state.developmentCount,
    trueUntilMs: trueUntil(log, asOf),
  });
};

/** The earliest instant at which a development of the log that does not count as of the bound would count. */
const trueUntil = (log: EffectiveLog, asOf: ScanBound): number => {
  let earliest = Number.POSITIVE_INFINITY;
  for (const { interval } of log.developments) {
    const from = countsFrom(interval, asOf.include);
    if (from > asOf.untilMs) earliest = Math.min(earliest, from);
  }
  return earliest;
};

/**
 * Rebuilds every projection from the stored log, one negotiation at a time, so memory never holds the whole log
 * (with a scanning store, not even one negotiation). The answers are those of the views "now".
 */
export const replayAll = async (
  store: EventStore,
  nowMs: number,
  onProgress: (eventsDone: number) => void = () => undefined,
): Promise<E.Either<StoreFailure, ReplaySummary>> => {
  const streams = await store.listStreams()();
  if (E.isLeft(streams)) return streams;
  return replayNegotiations(store, streams.right, nowMs, onProgress);
};

/** Replays the given negotiations (each with its event count, from listStreams) one after the other. */
export const replayNegotiations = async (
  store: EventStore,
  streams: ReadonlyArray<{ readonly negotiationId: string; readonly eventCount: number }>,
  nowMs: number,
  onProgress: (eventsDone: number) => void = () => undefined,
): Promise<E.Either<StoreFailure, ReplaySummary>> => {
  const negotiations: ReplayedNegotiation[] = [];
  let events = 0;
  for (const { negotiationId, eventCount } of streams) {
    const folded = await foldNegotiation(store, negotiationId);
    if (E.isLeft(folded)) return folded;
    events += eventCount;
    onProgress(events);
    const result = { state: folded.right.state, included: () => [], uncertain: [], uncertainCount: 0 };
    const status = statusView(result, nowMs);
    negotiations.push({
      negotiationId,
      events: eventCount,
      developments: folded.right.developments,
      stage: status.stage,
      activity: status.activity,
      openIssues: issuesView(result, true).issues.length,
      phases: phasesView(result, nowMs).phases.map(({ phaseId, state }) => ({ phaseId, state })),
    });
  }
  return E.right({ events, negotiations });
};
