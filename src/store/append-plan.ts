import * as E from 'fp-ts/Either';
import * as TE from 'fp-ts/TaskEither';
import { StoredEvent, reportedFields } from '../domain';
import { canonicalJson, hashCanonicalText, GENESIS_HASH } from './hash-chain';
import {
  Clock,
  EventStore,
  StoreFailure,
  AppendError,
  AppendRequest,
  AppendResult,
  AppendedEvent,
  ExpectedRevision,
  RecordedAppendError,
  RecordedAppendRequest,
  RecordedEvent,
} from './port';

/** The head of a stream as a store sees it before an append. */
export interface StreamHead {
  readonly revision: number;
  readonly lastHash: string;
}

/**
 * The event and its recording metadata in one new object, keys in sorted order: decoded payloads are sorted
 * already, so the record serialises straight to its canonical JSON.
 */
const withSortedKeys = (event: object, metadata: Record<string, unknown>): Record<string, unknown> => {
  const reported = event as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(reported), ...Object.keys(metadata)])].sort();
  const record: Record<string, unknown> = {};
  for (const key of keys) record[key] = key in metadata ? metadata[key] : reported[key];
  return record;
};

export const EMPTY_HEAD: StreamHead = { revision: -1, lastHash: GENESIS_HASH };

export type AppendPlan =
  | { readonly kind: 'replay'; readonly result: AppendResult }
  | {
      readonly kind: 'write';
      readonly records: ReadonlyArray<Omit<StoredEvent, 'position'>>;
      /** Each record's canonical JSON without its hash (the bytes the hash covers), for stores that keep text. */
      readonly canonicalTexts: readonly string[];
    };

/** Whether a stream at revision `actual` (-1: none) meets a writer's expectation. */
export const revisionMatches = (expected: ExpectedRevision, actual: number): boolean => {
  switch (expected.kind) {
    case 'any':
      return true;
    case 'no-stream':
      return actual === -1;
    case 'stream-exists':
      return actual >= 0;
    case 'exact':
      return expected.revision === actual;
    default: {
      const exhaustive: never = expected;
      return exhaustive;
    }
  }
};

/** The reported part of an event, as a client sent it, for comparing a retry with what is stored. */
const reportedContent = (event: object): string =>
  canonicalJson(reportedFields(event as Omit<StoredEvent, 'position'>));

/**
 * When some ids of a batch are stored already, the batch is a retry: its original result if every event is stored
 * as sent, else the id conflict (a partly stored batch, or an event stored differently). Undefined when none is.
 */
const retryOutcome = <V extends { readonly id: string }>(
  negotiationId: string,
  events: readonly V[],
  existing: ReadonlyArray<StoredEvent | undefined>,
  reasons: {
    readonly partial: string;
    readonly differs: (previous: StoredEvent, event: V) => string | undefined;
  },
): E.Either<AppendError, AppendPlan> | undefined => {
  const stored = existing.filter((event): event is StoredEvent => event !== undefined);
  if (stored.length === 0) return undefined;
  for (let index = 0; index < events.length; index += 1) {
    const previous = existing[index];
    const event = events[index];
    if (event === undefined) continue;
    if (previous === undefined)
      return E.left({
        _tag: 'EventIdConflict',
        eventId: stored[0]?.id ?? '',
        index: existing.findIndex((e) => e !== undefined),
        reason: reasons.partial,
      });
    const reason = reasons.differs(previous, event);
    if (reason !== undefined) return E.left({ _tag: 'EventIdConflict', eventId: event.id, index, reason });
  }
  return E.right(replayOf(negotiationId, stored));
};

/** The original result of an append whose events are all stored already: what a retry gets back. */
const replayOf = (negotiationId: string, stored: readonly StoredEvent[]): AppendPlan => {
  const events = stored.map(appendedEvent);
  return {
    kind: 'replay',
    result: { negotiationId, revision: Math.max(...events.map((e) => e.revision)), events, replayed: true },
  };
};

export const appendedEvent = (event: StoredEvent): AppendedEvent => ({
  id: event.id,
  revision: event.revision,
  position: event.position,
  recordedAt: event.recordedAt,
  hash: event.hash,
});

/**
 * Decides what an append does, the same way for every adapter: replay a retried append, refuse a conflict, or
 * write these records. A retry is checked before the expected revision, so a client that retries after a lost
 * response gets its original result rather than a conflict.
 */
export const planAppend = (
  request: AppendRequest,
  head: StreamHead,
  existing: ReadonlyArray<StoredEvent | undefined>,
  recordedAt: string,
): E.Either<AppendError, AppendPlan> => {
  const { negotiationId, events } = request;
  const retry = retryOutcome(negotiationId, events, existing, {
    partial:
      'part of this batch is already stored: retry the original batch exactly, or send only new events',
    differs: (previous, event) =>
      previous.negotiationId !== negotiationId
        ? 'id is already used in another negotiation'
        : reportedContent(previous) !== reportedContent({ ...event, negotiationId })
          ? 'id is already stored with different content'
          : undefined,
  });
  if (retry !== undefined) return retry;
  if (!revisionMatches(request.expectedRevision, head.revision))
    return E.left({ _tag: 'RevisionConflict', expected: request.expectedRevision, actual: head.revision });
  const records: Array<Omit<StoredEvent, 'position'>> = [];
  const canonicalTexts: string[] = [];
  let previousHash = head.lastHash;
  events.forEach((event, index) => {
    const record = withSortedKeys(event, {
      negotiationId,
      revision: head.revision + 1 + index,
      recordedAt,
      recordedBy: request.recordedBy,
      previousHash,
    });
    const text = canonicalJson(record);
    const hash = hashCanonicalText(text);
    // The record is ours alone until returned: it takes its hash in place once the text is hashed.
    record['hash'] = hash;
    records.push(record as unknown as Omit<StoredEvent, 'position'>);
    canonicalTexts.push(text);
    previousHash = hash;
  });
  return E.right({ kind: 'write', records, canonicalTexts });
};

const withoutPosition = (event: RecordedEvent): RecordedEvent => {
  const { position: _position, ...recorded } = event as RecordedEvent & { position?: number };
  return recorded;
};

/**
 * Decides what writing already-recorded events does (a copy between stores): replay a copy that is already
 * stored, refuse events that do not continue the stream's chain, or write them exactly as they are.
 */
export const planRecordedAppend = (
  request: RecordedAppendRequest,
  head: StreamHead,
  existing: ReadonlyArray<StoredEvent | undefined>,
): E.Either<RecordedAppendError, AppendPlan> => {
  const { negotiationId } = request;
  const events = request.events.map(withoutPosition);
  const retry = retryOutcome(negotiationId, events, existing, {
    partial: 'part of this batch is already stored: copy from the first missing revision',
    differs: (previous, event) =>
      canonicalJson(withoutPosition(previous)) !== canonicalJson(event)
        ? 'id is already stored with a different recording'
        : undefined,
  });
  if (retry !== undefined) return retry;
  const first = events[0];
  if (first !== undefined && first.revision !== head.revision + 1)
    return E.left({
      _tag: 'RevisionConflict',
      expected: { kind: 'exact', revision: first.revision - 1 },
      actual: head.revision,
    });
  let previousHash = head.lastHash;
  const canonicalTexts: string[] = [];
  for (let index = 0; index < events.length; index += 1) {
    const event = events[index];
    if (event === undefined) continue;
    const mismatch = (reason: string) =>
      E.left({ _tag: 'ChainMismatch' as const, eventId: event.id, index, reason });
    if (event.negotiationId !== negotiationId)
      return mismatch(`belongs to negotiation "${event.negotiationId}", not "${negotiationId}"`);
    if (event.revision !== head.revision + 1 + index)
      return mismatch(`revision ${event.revision} does not follow revision ${head.revision + index}`);
    if (event.previousHash !== previousHash)
      return mismatch("previousHash is not the hash of the stream's previous event");
    const { hash, ...unhashed } = event;
    const text = canonicalJson(unhashed);
    if (hashCanonicalText(text) !== hash) return mismatch('hash does not match the recorded content');
    canonicalTexts.push(text);
    previousHash = hash;
  }
  return E.right({ kind: 'write', records: events, canonicalTexts });
};

/** What an append decides, given the stream's head and the events already stored under the batch's ids. */
export type Decide<L> = (
  head: StreamHead,
  existing: ReadonlyArray<StoredEvent | undefined>,
) => E.Either<L, AppendPlan>;

/** How an adapter carries out a plan: look up the head and ids, let `decide` plan, write what it says. */
export type PlanWriter = <L>(
  negotiationId: string,
  eventIds: readonly string[],
  decide: Decide<L>,
) => TE.TaskEither<L | StoreFailure, AppendResult>;

/** The port's two appends over an adapter's writer: every adapter decides them with the same plans. */
export const appendsThrough = (
  write: PlanWriter,
  clock: Clock,
): Pick<EventStore, 'append' | 'appendRecorded'> => ({
  append: (request) =>
    write(
      request.negotiationId,
      request.events.map((e) => e.id),
      (head, existing) => planAppend(request, head, existing, clock().toISOString()),
    ),
  appendRecorded: (request) =>
    write(
      request.negotiationId,
      request.events.map((e) => e.id),
      (head, existing) => planRecordedAppend(request, head, existing),
    ),
});
