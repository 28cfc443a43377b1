import * as E from 'fp-ts/Either';
import { EffectiveLog, issuesView, phasesView, stateAsOf, statusView } from '../projections';
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

/**
 * Rebuilds every projection from the stored log: one negotiation at a time, read in pages of lean events, so
 * memory holds one negotiation's developments, never the whole log. The answers are those of the views "now".
 */
export const replayAll = async (
  store: EventStore,
  nowMs: number,
  onProgress: (eventsDone: number) => void = () => undefined,
): Promise<E.Either<StoreFailure, ReplaySummary>> => {
  const streams = await store.listStreams()();
  if (E.isLeft(streams)) return streams;
  const negotiations: ReplayedNegotiation[] = [];
  let events = 0;
  for (const { negotiationId } of streams.right) {
    const log = new EffectiveLog();
    for (let fromRevision = 0; ;) {
      const options = { fromRevision, limit: PAGE };
      const page = await (
        store.readLeanStream
          ? store.readLeanStream(negotiationId, options)
          : store.readStream(negotiationId, options)
      )();
      if (E.isLeft(page)) return page;
      for (const event of page.right) log.record(event);
      events += page.right.length;
      onProgress(events);
      if (page.right.length < PAGE) break;
      fromRevision += PAGE;
    }
    const result = stateAsOf(log, {});
    const status = statusView(result, nowMs);
    negotiations.push({
      negotiationId,
      events: log.revision + 1,
      developments: log.developments.length,
      stage: status.stage,
      activity: status.activity,
      openIssues: issuesView(result, true).issues.length,
      phases: phasesView(result).phases.map(({ phaseId, state }) => ({ phaseId, state })),
    });
  }
  return E.right({ events, negotiations });
};
