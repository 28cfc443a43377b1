import * as E from 'fp-ts/Either';
import { EventStore, StoreFailure } from '../store';

export interface SuggestedQuery {
  readonly negotiationId: string;
  /** The day its last recorded event was reported: a date at which the negotiation has a state to show. */
  readonly asOf: string;
}

/**
 * A query that answers something for the data the store holds, for the start banner: the negotiation with the
 * most events, as of the day its last recorded event was reported (one event read, whatever the log's length). None for an empty store.
 */
export const suggestedQuery = async (
  store: EventStore,
): Promise<E.Either<StoreFailure, SuggestedQuery | undefined>> => {
  const streams = await store.listStreams()();
  if (E.isLeft(streams)) return streams;
  const largest = [...streams.right].sort(
    (a, b) => b.eventCount - a.eventCount || a.negotiationId.localeCompare(b.negotiationId),
  )[0];
  if (largest === undefined) return E.right(undefined);
  const latest = await store.readStream(largest.negotiationId, {
    fromRevision: largest.revision,
    limit: 1,
  })();
  if (E.isLeft(latest)) return latest;
  const reportedAt = latest.right[0]?.reportedAt ?? largest.lastRecordedAt;
  return E.right({ negotiationId: largest.negotiationId, asOf: reportedAt.slice(0, 10) });
};
