/**
 * The in-memory log behind the protocol double: streams with revisions from 0, one global order ($all) with
 * positions that grow by each record's size (so they are sparse, as in EventStoreDB's transaction file), and the
 * server's expected-version and idempotency rules (IndexWriter.CheckCommit in EventStoreDB's source).
 */

/** A place in $all. Both parts are equal here: every gRPC append is one implicit transaction. */
export interface LogPosition {
  readonly commit: bigint;
  readonly prepare: bigint;
}

export const comparePositions = (a: LogPosition, b: LogPosition): number =>
  a.commit !== b.commit
    ? a.commit < b.commit
      ? -1
      : 1
    : a.prepare === b.prepare
      ? 0
      : a.prepare < b.prepare
        ? -1
        : 1;

export interface ProposedEvent {
  readonly id: string;
  readonly type: string;
  readonly contentType: string;
  readonly data: Uint8Array;
  readonly customMetadata: Uint8Array;
}

export interface LoggedEvent extends ProposedEvent {
  readonly streamName: string;
  readonly revision: number;
  readonly position: LogPosition;
  /** .NET ticks (100 ns) since the Unix epoch, as the server reports `created`. */
  readonly created: bigint;
}

export type ExpectedState =
  | { readonly kind: 'any' }
  | { readonly kind: 'no-stream' }
  | { readonly kind: 'stream-exists' }
  | { readonly kind: 'revision'; readonly revision: number };

export type AppendOutcome =
  /** Written, or recognised as a retry of events already there (idempotent): the same answer either way. */
  | { readonly kind: 'success'; readonly currentRevision: number; readonly position: LogPosition | undefined }
  /** currentRevision is -1 when the stream does not exist. */
  | { readonly kind: 'wrong-expected-version'; readonly currentRevision: number };

const RECORD_OVERHEAD = 80n;
const FIRST_POSITION = 1_000n;
const TICKS_PER_MILLISECOND = 10_000n;

export interface TransactionLog {
  append(streamName: string, expected: ExpectedState, events: readonly ProposedEvent[]): AppendOutcome;
  /** Undefined when the stream has never been written. */
  stream(streamName: string): readonly LoggedEvent[] | undefined;
  /** Every event in $all order. */
  all(): readonly LoggedEvent[];
  /** Called synchronously after each append with the new events; returns the unsubscribe function. */
  onAppended(listener: (events: readonly LoggedEvent[]) => void): () => void;
  /** How appends were decided so far, so tests can tell a race happened. */
  readonly decisions: Readonly<Record<'written' | 'idempotent' | 'wrongExpectedVersion', number>>;
}

export const createTransactionLog = (now: () => Date = () => new Date()): TransactionLog => {
  const all: LoggedEvent[] = [];
  const streams = new Map<string, LoggedEvent[]>();
  const byId = new Map<string, LoggedEvent>();
  const listeners = new Set<(events: readonly LoggedEvent[]) => void>();
  let nextPosition = FIRST_POSITION;
  const decisions = { written: 0, idempotent: 0, wrongExpectedVersion: 0 };

  const lastRevision = (streamName: string): number => (streams.get(streamName)?.length ?? 0) - 1;

  const idempotent = (last: LoggedEvent): AppendOutcome => ({
    kind: 'success',
    currentRevision: last.revision,
    position: last.position,
  });

  /** What the server decides before writing: write (undefined), a wrong expected version, or a replayed retry. */
  const check = (
    streamName: string,
    expected: ExpectedState,
    events: readonly ProposedEvent[],
  ): AppendOutcome | undefined => {
    const current = lastRevision(streamName);
    if (expected.kind === 'stream-exists' && current < 0)
      return { kind: 'wrong-expected-version', currentRevision: current };
    if (expected.kind === 'any' || expected.kind === 'stream-exists') {
      // The server remembers recent ids only (a bounded cache); this double remembers all of them.
      let last: LoggedEvent | undefined;
      for (const [index, event] of events.entries()) {
        const stored = byId.get(event.id);
        if (stored === undefined || stored.streamName !== streamName)
          return index === 0 ? undefined : { kind: 'wrong-expected-version', currentRevision: current };
        last = stored;
      }
      return last === undefined ? undefined : idempotent(last);
    }
    const expectedRevision = expected.kind === 'no-stream' ? -1 : expected.revision;
    if (expectedRevision < current) {
      // The same ids at the same revisions after the expected one: a retry, answered as a success.
      const stream = streams.get(streamName) ?? [];
      let last: LoggedEvent | undefined;
      for (const [index, event] of events.entries()) {
        const stored = stream[expectedRevision + 1 + index];
        if (stored === undefined || stored.id !== event.id)
          return { kind: 'wrong-expected-version', currentRevision: current };
        last = stored;
      }
      return last === undefined
        ? { kind: 'wrong-expected-version', currentRevision: current }
        : idempotent(last);
    }
    if (expectedRevision > current) return { kind: 'wrong-expected-version', currentRevision: current };
    return undefined;
  };

  return {
    append: (streamName, expected, events) => {
      const decided = check(streamName, expected, events);
      if (decided !== undefined) {
        if (decided.kind === 'success') decisions.idempotent += 1;
        else decisions.wrongExpectedVersion += 1;
        return decided;
      }
      decisions.written += 1;
      const stream = streams.get(streamName) ?? [];
      const created = BigInt(now().getTime()) * TICKS_PER_MILLISECOND;
      const written = events.map((event, index): LoggedEvent => {
        const position = { commit: nextPosition, prepare: nextPosition };
        nextPosition +=
          RECORD_OVERHEAD +
          BigInt(streamName.length + event.type.length + event.data.length + event.customMetadata.length);
        return { ...event, streamName, revision: stream.length + index, position, created };
      });
      stream.push(...written);
      streams.set(streamName, stream);
      all.push(...written);
      for (const event of written) byId.set(event.id, event);
      for (const listener of [...listeners]) listener(written);
      return {
        kind: 'success',
        currentRevision: stream.length - 1,
        position: written[written.length - 1]?.position,
      };
    },
    decisions,
    stream: (streamName) => streams.get(streamName),
    all: () => all,
    onAppended: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
};
