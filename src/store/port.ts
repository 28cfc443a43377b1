import * as TE from 'fp-ts/TaskEither';
import { LeanEvent, NewEvent, StoredEvent } from '../domain';
import { LogTreeSnapshot } from './merkle';

/** What the writer expects the stream's last revision to be (revisions count from 0, like EventStoreDB). */
export type ExpectedRevision =
  | { readonly kind: 'any' }
  | { readonly kind: 'no-stream' }
  | { readonly kind: 'stream-exists' }
  | { readonly kind: 'exact'; readonly revision: number };

export const ANY_REVISION: ExpectedRevision = { kind: 'any' };

/** An event ready to be stored: the client's report with its id settled. */
export type EventToAppend = NewEvent & { readonly id: string };

export interface AppendRequest {
  readonly negotiationId: string;
  readonly events: readonly EventToAppend[];
  readonly expectedRevision: ExpectedRevision;
  /** The authenticated principal; never taken from the request body. */
  readonly recordedBy: string;
}

export interface AppendedEvent {
  readonly id: string;
  readonly revision: number;
  readonly position: number;
  readonly recordedAt: string;
  readonly hash: string;
}

export interface AppendResult {
  readonly negotiationId: string;
  /** Revision of the last event of this append (for a replayed retry: of the original append). */
  readonly revision: number;
  readonly events: readonly AppendedEvent[];
  /** True when every event id was already stored with the same content: nothing new was written. */
  readonly replayed: boolean;
}

export type AppendError =
  | {
      readonly _tag: 'RevisionConflict';
      readonly expected: ExpectedRevision;
      /** -1 when the stream does not exist. */
      readonly actual: number;
    }
  | {
      readonly _tag: 'EventIdConflict';
      readonly eventId: string;
      readonly index: number;
      readonly reason: string;
    }
  | StoreFailure;

export interface StoreFailure {
  readonly _tag: 'StoreFailure';
  readonly message: string;
}

/** An event exactly as some store recorded it (position aside): what a copy between stores carries. */
export type RecordedEvent = Omit<StoredEvent, 'position'>;

/** Recorded events to write unchanged, continuing the stream's hash chain (copying a log between stores). */
export interface RecordedAppendRequest {
  readonly negotiationId: string;
  /** Consecutive revisions of this negotiation, in order, each chained to the one before. */
  readonly events: readonly RecordedEvent[];
}

export type RecordedAppendError =
  | AppendError
  | {
      readonly _tag: 'ChainMismatch';
      readonly eventId: string;
      readonly index: number;
      readonly reason: string;
    };

export interface StreamSummary {
  readonly negotiationId: string;
  readonly revision: number;
  readonly eventCount: number;
  readonly lastRecordedAt: string;
}

export interface ReadStreamOptions {
  readonly fromRevision?: number;
  readonly limit?: number;
}

export interface ReadAllOptions {
  readonly fromPosition?: number;
  readonly limit?: number;
}

/**
 * The store port. Adapters: in-memory (tests), SQLite on one file (the embedded default), EventStoreDB (several
 * machines). Events are immutable: there is no update and no delete. Every append is atomic: all of its events
 * land, or none.
 */
export interface EventStore {
  append(request: AppendRequest): TE.TaskEither<AppendError, AppendResult>;
  /**
   * Writes events recorded elsewhere as they are (recordedAt, recordedBy and hashes kept), atomically, after
   * checking that they continue the stream's chain; a repeated copy of stored events returns the original result.
   */
  appendRecorded(request: RecordedAppendRequest): TE.TaskEither<RecordedAppendError, AppendResult>;
  /** Events of one negotiation in revision order; an unknown negotiation reads as empty. */
  readStream(
    negotiationId: string,
    options?: ReadStreamOptions,
  ): TE.TaskEither<StoreFailure, readonly StoredEvent[]>;
  /**
   * Optional, for stores that can serve it cheaper than readStream: the events of one negotiation in revision
   * order, without their sources' words (what folds need). Readers fall back to readStream without it.
   */
  readLeanStream?(
    negotiationId: string,
    options?: ReadStreamOptions,
  ): TE.TaskEither<StoreFailure, readonly LeanEvent[]>;
  /**
   * Optional, for stores that keep the occurrence order at hand: streams a negotiation as lean events, holding
   * none of them: first its corrections and retractions (revision order), then the events those target, then
   * every development in occurrence order (the order of compareDevelopments). Replays use it instead of sorting.
   */
  scanLeanByOccurrence?(
    negotiationId: string,
    visitor: OccurrenceScanVisitor,
  ): TE.TaskEither<StoreFailure, number>;
  /**
   * Optional, for stores that keep copies derived from each event (the lean text and occurrence columns, and the
   * index entries built on them, that folds and replays read instead of the hashed data): the events whose copies
   * do not say what their hashed data says, and any index that does not match its table. The hash chain proves
   * the data; this proves what the projections are built from.
   */
  checkDerivedCopies?(negotiationId?: string): TE.TaskEither<StoreFailure, readonly DerivedCopyProblem[]>;
  /**
   * Optional, for stores that keep the log's Merkle tree (see merkle.ts): runs `read` on one consistent view of
   * it, for roots and proofs. Every adapter here keeps one; test doubles need not.
   */
  readTree?<A>(read: (tree: LogTreeSnapshot) => A): TE.TaskEither<StoreFailure, A>;
  /**
   * Optional: whether the store can take a write now (a write started and rolled back, free space), for
   * readiness. Left with the cause: a read-only file, a lock another process holds, a disk nearly full.
   */
  probeWrites?(): TE.TaskEither<StoreFailure, void>;
  /**
   * Optional: one event of a negotiation by its id, read through an index (undefined when the negotiation has no
   * such event). Without it, a lookup pages through the stream.
   */
  readEvent?(negotiationId: string, eventId: string): TE.TaskEither<StoreFailure, StoredEvent | undefined>;
  /** Last revision of a stream, -1 when it does not exist. */
  streamRevision(negotiationId: string): TE.TaskEither<StoreFailure, number>;
  listStreams(): TE.TaskEither<StoreFailure, readonly StreamSummary[]>;
  /** Every event in global (position) order, for replay and export. */
  readAll(options?: ReadAllOptions): TE.TaskEither<StoreFailure, readonly StoredEvent[]>;
  /**
   * Optional: calls `listener` whenever new events may have become readable through readAll (appended through
   * this adapter or, for a replica, seen arriving from elsewhere). Returns the way to stop listening. Live
   * feeds use it instead of polling; without it they poll.
   */
  watchAppends?(listener: () => void): () => void;
  /** Optional: the global position of the last stored event (0 for an empty store). */
  lastPosition?(): TE.TaskEither<StoreFailure, number>;
  close(): Promise<void>;
}

export interface DerivedCopyProblem {
  /** The event whose copy differs, when the problem is one event's (an index problem names none). */
  readonly eventId?: string;
  readonly negotiationId?: string;
  readonly revision?: number;
  readonly reason: string;
}

export interface OccurrenceScanVisitor {
  readonly amendment: (event: LeanEvent) => void;
  readonly amendedOriginal: (event: LeanEvent) => void;
  readonly development: (event: LeanEvent) => void;
}

/** Wall-clock source for recordedAt; injected so tests control time. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();
