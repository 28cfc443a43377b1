import * as E from 'fp-ts/Either';
import * as TE from 'fp-ts/TaskEither';
import { pipe } from 'fp-ts/function';
import { FieldViolation, NewEvent, StoredEvent, checkAppend, knownEventsOf } from '../domain';
import { EffectiveLog, effectiveLog } from '../projections';
import {
  AppendError,
  AppendResult,
  EventStore,
  ExpectedRevision,
  StoreFailure,
  StreamSummary,
} from '../store';

/** Everything that can go wrong in a use case, as values. The HTTP edge maps each tag to one status code. */
export type TrackerError =
  | AppendError
  | { readonly _tag: 'NegotiationNotFound'; readonly negotiationId: string }
  | { readonly _tag: 'RuleViolated'; readonly violations: readonly FieldViolation[] };

export interface TrackerDependencies {
  readonly store: EventStore;
  /** Generates ids for events that arrive without one. */
  readonly newEventId: () => string;
}

export interface AppendCommand {
  readonly negotiationId: string;
  readonly events: readonly NewEvent[];
  readonly expectedRevision: ExpectedRevision;
  readonly recordedBy: string;
}

export interface LogSnapshot {
  readonly negotiationId: string;
  /** The stream revision the answer is built from (the ETag of every view of it). */
  readonly revision: number;
  readonly log: EffectiveLog;
}

const MAX_RULE_RETRIES = 5;

/**
 * The use cases: append reported developments, and read a negotiation's log as of a recording time. Keeps the
 * current effective log of each stream in memory, keyed by revision, so repeated queries do not re-read the store.
 */
export const createTracker = ({ store, newEventId }: TrackerDependencies) => {
  const latest = new Map<string, { revision: number; stream: readonly StoredEvent[]; log: EffectiveLog }>();

  const readStream = (
    negotiationId: string,
  ): TE.TaskEither<StoreFailure, { revision: number; stream: readonly StoredEvent[] }> =>
    pipe(
      store.streamRevision(negotiationId),
      TE.flatMap((revision) => {
        const cached = latest.get(negotiationId);
        if (cached !== undefined && cached.revision === revision) return TE.right(cached);
        return pipe(
          store.readStream(negotiationId),
          TE.map((stream) => ({ revision: stream[stream.length - 1]?.revision ?? -1, stream })),
        );
      }),
    );

  const snapshot = (negotiationId: string, knownAt?: string): TE.TaskEither<TrackerError, LogSnapshot> =>
    pipe(
      readStream(negotiationId),
      TE.flatMap(({ revision, stream }) => {
        if (revision < 0)
          return TE.left<TrackerError, LogSnapshot>({ _tag: 'NegotiationNotFound', negotiationId });
        if (knownAt !== undefined)
          return TE.right({ negotiationId, revision, log: effectiveLog(stream, knownAt) });
        const cached = latest.get(negotiationId);
        const log = cached !== undefined && cached.revision === revision ? cached.log : effectiveLog(stream);
        latest.set(negotiationId, { revision, stream, log });
        return TE.right({ negotiationId, revision, log });
      }),
    );

  /**
   * Corrections and retractions are checked against the stream; the append then expects the revision that was
   * checked, so a concurrent retraction cannot slip in between. On such a race the check runs again.
   */
  const appendChecked = (
    command: AppendCommand,
    attempt: number,
  ): TE.TaskEither<TrackerError, AppendResult> => {
    const events = command.events.map((event) => ({ ...event, id: event.id ?? newEventId() }));
    const needsHistory = events.some(
      (event) => event.type === 'EventCorrected' || event.type === 'EventRetracted',
    );
    const withinBatch = checkAppend(new Map(), events);
    if (!needsHistory)
      return E.isLeft(withinBatch)
        ? TE.left({ _tag: 'RuleViolated', violations: withinBatch.left })
        : store.append({ ...command, events });
    return pipe(
      readStream(command.negotiationId),
      TE.mapLeft((failure): TrackerError => failure),
      TE.flatMap(({ revision, stream }) => {
        const checked = checkAppend(knownEventsOf(stream), events);
        if (E.isLeft(checked))
          return TE.left<TrackerError, AppendResult>({ _tag: 'RuleViolated', violations: checked.left });
        const expectedRevision: ExpectedRevision =
          command.expectedRevision.kind === 'any' ? { kind: 'exact', revision } : command.expectedRevision;
        return pipe(
          store.append({ ...command, events, expectedRevision }),
          TE.orElse((error): TE.TaskEither<TrackerError, AppendResult> =>
            error._tag === 'RevisionConflict' &&
            command.expectedRevision.kind === 'any' &&
            attempt < MAX_RULE_RETRIES
              ? appendChecked(command, attempt + 1)
              : TE.left(error),
          ),
        );
      }),
    );
  };

  return {
    append: (command: AppendCommand) => appendChecked(command, 0),
    snapshot,
    listNegotiations: (): TE.TaskEither<StoreFailure, readonly StreamSummary[]> => store.listStreams(),
    readEvents: (negotiationId: string, fromRevision: number, limit: number) =>
      pipe(
        store.streamRevision(negotiationId),
        TE.mapLeft((failure): TrackerError => failure),
        TE.flatMap((revision) =>
          revision < 0
            ? TE.left<TrackerError, { revision: number; events: readonly StoredEvent[] }>({
                _tag: 'NegotiationNotFound',
                negotiationId,
              })
            : pipe(
                store.readStream(negotiationId, { fromRevision, limit }),
                TE.map((events) => ({ revision, events })),
                TE.mapLeft((failure): TrackerError => failure),
              ),
        ),
      ),
  };
};

export type Tracker = ReturnType<typeof createTracker>;
