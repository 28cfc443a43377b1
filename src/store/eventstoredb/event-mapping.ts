import { EventData, jsonEvent } from '@eventstore/db-client';
import * as E from 'fp-ts/Either';
import { StoredEvent, decodeStoredEvent } from '../../domain';
import { RecordedEvent } from '../port';

/**
 * How a recorded event lives in EventStoreDB. The stream is `<prefix><negotiationId>`; the EventStoreDB event id,
 * event type and stream revision are the event's id, type and revision. The data is what was reported (the
 * clocks occurredAt and reportedAt, the sources, the payload); the metadata is what the store recorded
 * (recordedAt, recordedBy and the hash chain) and where the event's append ends. The hash covers all of it but
 * that last mark and the position.
 */

/** A place in $all: EventStoreDB orders by commit, then prepare position (both uint64). */
export interface AllPosition {
  readonly commit: bigint;
  readonly prepare: bigint;
}

export const compareAllPositions = (a: AllPosition, b: AllPosition): number => {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
};

/**
 * The port's global position: the prepare position, unique per event even where a batch shares one commit
 * position. Exact as a JS number up to 2^53 bytes of transaction log.
 */
export const portPosition = (position: AllPosition): number => Number(position.prepare);

/** One event as a $all read or subscription delivers it, stripped of the client's types. */
export interface EsdbRecord {
  readonly streamId: string;
  readonly id: string;
  readonly type: string;
  readonly revision: bigint;
  readonly data: unknown;
  readonly metadata: unknown;
  readonly position: AllPosition;
}

export const streamNameOf = (prefix: string, negotiationId: string): string => `${prefix}${negotiationId}`;

/**
 * Metadata key naming the revision that ends the append an event was written in. EventStoreDB writes an append
 * contiguously in $all but does not mark where it ends; with this, a view shows an append whole or not at all.
 */
export const BATCH_END_KEY = 'batchLastRevision';

/** The revision ending the event's append; an event written without the key counts as an append of its own. */
export const batchEndOf = (record: EsdbRecord): bigint => {
  const metadata = record.metadata;
  const end =
    typeof metadata === 'object' && metadata !== null
      ? (metadata as Record<string, unknown>)[BATCH_END_KEY]
      : undefined;
  return typeof end === 'number' && Number.isSafeInteger(end) ? BigInt(end) : record.revision;
};

export const toEventData = (record: RecordedEvent, batchLastRevision: number): EventData => {
  const {
    id,
    type,
    negotiationId: _negotiationId,
    revision: _revision,
    recordedAt,
    recordedBy,
    previousHash,
    hash,
    ...reported
  } = record;
  return jsonEvent({
    id,
    type,
    data: reported,
    metadata: { recordedAt, recordedBy, previousHash, hash, [BATCH_END_KEY]: batchLastRevision },
  });
};

export type Decoded =
  | { readonly kind: 'not-ours' }
  | { readonly kind: 'event'; readonly event: StoredEvent }
  | { readonly kind: 'undecodable'; readonly negotiationId: string; readonly reason: string };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads an event back through the domain's codecs, as every store does: what does not decode is not trusted. */
export const fromEsdbRecord = (prefix: string, record: EsdbRecord): Decoded => {
  if (!record.streamId.startsWith(prefix)) return { kind: 'not-ours' };
  const negotiationId = record.streamId.slice(prefix.length);
  const { data, metadata } = record;
  if (!isObject(data) || !isObject(metadata))
    return { kind: 'undecodable', negotiationId, reason: 'data and metadata must be JSON objects' };
  const decoded = decodeStoredEvent(
    {
      id: record.id,
      negotiationId,
      type: record.type,
      ...data,
      revision: Number(record.revision),
      recordedAt: metadata.recordedAt,
      recordedBy: metadata.recordedBy,
      previousHash: metadata.previousHash,
      hash: metadata.hash,
    },
    portPosition(record.position),
  );
  return E.isLeft(decoded)
    ? {
        kind: 'undecodable',
        negotiationId,
        reason: decoded.left.map((v) => `${v.field} ${v.reason}`).join('; '),
      }
    : { kind: 'event', event: decoded.right };
};
