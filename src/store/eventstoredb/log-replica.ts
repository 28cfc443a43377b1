import { StoredEvent } from '../../domain';
import { EMPTY_HEAD, StreamHead } from '../append-plan';
import { StreamSummary } from '../port';
import { AllPosition, EsdbRecord, compareAllPositions, fromEsdbRecord } from './event-mapping';

export type Applied = 'applied' | 'duplicate' | 'not-ours' | 'unreadable';

/**
 * This instance's copy of the negotiation streams, fed in $all order by a catch-up subscription. The checkpoint is
 * the last $all position taken into account (ours or not); a delivery at or before it is a duplicate and is
 * skipped, so a resubscription that overlaps never counts an event twice.
 */
export interface LogReplica {
  apply(record: EsdbRecord): Applied;
  /** Everything up to this position has been considered (a filtered subscription's checkpoint). */
  advanceTo(position: AllPosition): void;
  readonly checkpoint: AllPosition | undefined;
  head(negotiationId: string): StreamHead;
  stream(negotiationId: string): readonly StoredEvent[];
  eventById(id: string): StoredEvent | undefined;
  /** Every event of every negotiation, in $all order. */
  all(): readonly StoredEvent[];
  /** Why a stream cannot be served (an event under the prefix that does not decode, or a revision gap). */
  unreadable(negotiationId: string): string | undefined;
  summaries(): StreamSummary[];
  readonly duplicatesSkipped: number;
  /** Resolves true as soon as the condition holds (re-checked after every change), false after the timeout. */
  waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean>;
  /** Re-checks waiting conditions that depend on more than the replica. */
  notify(): void;
  /** Fails every wait at once (closing). */
  abandonWaits(): void;
}

export const createLogReplica = (streamPrefix: string): LogReplica => {
  const all: StoredEvent[] = [];
  const streams = new Map<string, StoredEvent[]>();
  const byId = new Map<string, StoredEvent>();
  const broken = new Map<string, string>();
  const waiters = new Set<{ condition: () => boolean; settle: (met: boolean) => void }>();
  let checkpoint: AllPosition | undefined;
  let duplicatesSkipped = 0;

  const notify = () => {
    for (const waiter of [...waiters]) if (waiter.condition()) waiter.settle(true);
  };

  const advanceTo = (position: AllPosition) => {
    if (checkpoint === undefined || compareAllPositions(position, checkpoint) > 0) checkpoint = position;
  };

  const apply = (record: EsdbRecord): Applied => {
    if (checkpoint !== undefined && compareAllPositions(record.position, checkpoint) <= 0) {
      duplicatesSkipped += 1;
      return 'duplicate';
    }
    advanceTo(record.position);
    const decoded = fromEsdbRecord(streamPrefix, record);
    if (decoded.kind === 'not-ours') return 'not-ours';
    const negotiationId = decoded.kind === 'event' ? decoded.event.negotiationId : decoded.negotiationId;
    if (broken.has(negotiationId)) return 'unreadable';
    if (decoded.kind === 'undecodable') {
      broken.set(
        negotiationId,
        `the event at $all position ${record.position.commit} does not decode: ${decoded.reason}`,
      );
      notify();
      return 'unreadable';
    }
    const stream = streams.get(negotiationId) ?? [];
    const { event } = decoded;
    if (event.revision !== stream.length) {
      broken.set(negotiationId, `revision ${event.revision} arrived where ${stream.length} was expected`);
      notify();
      return 'unreadable';
    }
    stream.push(event);
    streams.set(negotiationId, stream);
    all.push(event);
    // An id reused across streams (possible only in the consistency window, see the adapter) keeps its first use.
    if (!byId.has(event.id)) byId.set(event.id, event);
    notify();
    return 'applied';
  };

  return {
    apply,
    advanceTo: (position) => {
      advanceTo(position);
      notify();
    },
    get checkpoint() {
      return checkpoint;
    },
    head: (negotiationId) => {
      const last = streams.get(negotiationId)?.at(-1);
      return last === undefined ? EMPTY_HEAD : { revision: last.revision, lastHash: last.hash };
    },
    stream: (negotiationId) => streams.get(negotiationId) ?? [],
    eventById: (id) => byId.get(id),
    all: () => all,
    unreadable: (negotiationId) => broken.get(negotiationId),
    summaries: () =>
      [...streams.entries()]
        .map(([negotiationId, events]): StreamSummary => ({
          negotiationId,
          revision: events.length - 1,
          eventCount: events.length,
          lastRecordedAt: events.at(-1)?.recordedAt ?? '',
        }))
        .sort((a, b) => (a.negotiationId < b.negotiationId ? -1 : a.negotiationId > b.negotiationId ? 1 : 0)),
    get duplicatesSkipped() {
      return duplicatesSkipped;
    },
    waitUntil: (condition, timeoutMs) => {
      if (condition()) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const waiter = {
          condition,
          settle: (met: boolean) => {
            clearTimeout(timer);
            waiters.delete(waiter);
            resolve(met);
          },
        };
        const timer = setTimeout(() => waiter.settle(false), timeoutMs);
        waiters.add(waiter);
      });
    },
    notify,
    abandonWaits: () => {
      for (const waiter of [...waiters]) waiter.settle(false);
    },
  };
};
