import { StoredEvent } from '../../domain';
import { EMPTY_HEAD, StreamHead } from '../append-plan';
import { MemoryTree } from '../merkle';
import { StreamSummary } from '../port';
import { AllPosition, EsdbRecord, batchEndOf, compareAllPositions, fromEsdbRecord } from './event-mapping';

export type Applied = 'applied' | 'pending' | 'duplicate' | 'not-ours' | 'unreadable';

/**
 * This instance's copy of the negotiation streams, fed in $all order by a catch-up subscription. An append shows
 * whole or not at all: its events wait until the one that ends it arrives. The checkpoint is the last $all
 * position fully taken into account (ours or not, never inside an unfinished append); a delivery at or before it
 * is a duplicate and is skipped, so a resubscription that overlaps never counts an event twice.
 */
export interface LogReplica {
  /** A subscription starts (again) from the checkpoint: an unfinished append will be delivered anew. */
  startDelivery(): void;
  apply(record: EsdbRecord): Applied;
  /** Everything up to this position has been considered (a filtered subscription's checkpoint). */
  advanceTo(position: AllPosition): void;
  readonly checkpoint: AllPosition | undefined;
  head(negotiationId: string): StreamHead;
  stream(negotiationId: string): readonly StoredEvent[];
  eventById(id: string): StoredEvent | undefined;
  /** Every event of every negotiation, in $all order. */
  all(): readonly StoredEvent[];
  /** The Merkle tree over all(), grown as appends land: leaf k is the k-th event in $all order. */
  readonly tree: MemoryTree;
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

interface UnfinishedAppend {
  readonly negotiationId: string;
  readonly events: StoredEvent[];
  readonly lastRevision: bigint;
}

export const createLogReplica = (streamPrefix: string): LogReplica => {
  const all: StoredEvent[] = [];
  const streams = new Map<string, StoredEvent[]>();
  const byId = new Map<string, StoredEvent>();
  const broken = new Map<string, string>();
  const tree = new MemoryTree();
  const waiters = new Set<{ condition: () => boolean; settle: (met: boolean) => void }>();
  let checkpoint: AllPosition | undefined;
  let unfinished: UnfinishedAppend | undefined;
  let duplicatesSkipped = 0;

  const notify = () => {
    for (const waiter of [...waiters]) if (waiter.condition()) waiter.settle(true);
  };

  const advanceTo = (position: AllPosition) => {
    if (checkpoint === undefined || compareAllPositions(position, checkpoint) > 0) checkpoint = position;
  };

  const markBroken = (negotiationId: string, reason: string): Applied => {
    broken.set(negotiationId, reason);
    if (unfinished?.negotiationId === negotiationId) unfinished = undefined;
    notify();
    return 'unreadable';
  };

  /** Appends are contiguous in $all: anything else arriving before an append's end means it will not end. */
  const abandonUnfinished = () => {
    if (unfinished !== undefined)
      markBroken(
        unfinished.negotiationId,
        `an append ending at revision ${unfinished.lastRevision} arrived incomplete`,
      );
  };

  const apply = (record: EsdbRecord): Applied => {
    if (checkpoint !== undefined && compareAllPositions(record.position, checkpoint) <= 0) {
      duplicatesSkipped += 1;
      return 'duplicate';
    }
    const decoded = fromEsdbRecord(streamPrefix, record);
    if (decoded.kind === 'not-ours') {
      abandonUnfinished();
      advanceTo(record.position);
      return 'not-ours';
    }
    const negotiationId = decoded.kind === 'event' ? decoded.event.negotiationId : decoded.negotiationId;
    if (unfinished !== undefined && unfinished.negotiationId !== negotiationId) abandonUnfinished();
    if (broken.has(negotiationId) || decoded.kind === 'undecodable') {
      advanceTo(record.position);
      return decoded.kind === 'undecodable' && !broken.has(negotiationId)
        ? markBroken(
            negotiationId,
            `the event at $all position ${record.position.commit} does not decode: ${decoded.reason}`,
          )
        : 'unreadable';
    }
    const stream = streams.get(negotiationId) ?? [];
    const waiting = unfinished?.events ?? [];
    const { event } = decoded;
    if (event.revision !== stream.length + waiting.length) {
      advanceTo(record.position);
      return markBroken(
        negotiationId,
        `revision ${event.revision} arrived where ${stream.length} was expected`,
      );
    }
    const lastRevision = unfinished?.lastRevision ?? batchEndOf(record);
    if (BigInt(event.revision) < lastRevision) {
      unfinished = { negotiationId, events: [...waiting, event], lastRevision };
      return 'pending';
    }
    unfinished = undefined;
    const landed = [...waiting, event];
    stream.push(...landed);
    streams.set(negotiationId, stream);
    all.push(...landed);
    for (const e of landed) tree.append(e.id, e.hash);
    // An id reused across streams (possible only in the consistency window, see the adapter) keeps its first use.
    for (const e of landed) if (!byId.has(e.id)) byId.set(e.id, e);
    advanceTo(record.position);
    notify();
    return 'applied';
  };

  return {
    startDelivery: () => {
      unfinished = undefined;
    },
    apply,
    advanceTo: (position) => {
      // A checkpoint inside an unfinished append would skip its first events on a resubscription.
      if (unfinished !== undefined) return;
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
    tree,
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
