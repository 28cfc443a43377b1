import * as E from 'fp-ts/Either';
import * as TE from 'fp-ts/TaskEither';
import { pipe } from 'fp-ts/function';
import {
  FieldViolation,
  KnownEvent,
  NewEvent,
  checkAppend,
  idsConsulted,
  referencesOf,
  rememberConsulted,
} from '../domain';
import {
  NegotiationState,
  hasConsistencyRules,
  inconsistenciesInBatch,
  initialState,
  unresolvedInBatch,
} from '../projections';
import { AppendResult, EventStore, ExpectedRevision, StoreFailure, revisionMatches } from '../store';
import { readFoldPage } from './replay';
import type { TrackerError } from './tracker-limits';

/** The append use case: the append rules, the reference check, and the store's optimistic concurrency. */

export interface AppendCommand {
  readonly negotiationId: string;
  readonly events: readonly NewEvent[];
  readonly expectedRevision: ExpectedRevision;
  readonly recordedBy: string;
  /** Refuse the batch (RuleViolated) when a development names something no development defines by its date. */
  readonly strict?: boolean;
}

/** An append's result, with the references it made that nothing defines as of their dates (see unresolvedInBatch). */
export type TrackedAppend = AppendResult & { readonly warnings: readonly FieldViolation[] };

/** Batches longer than this (bulk imports) are checked for unresolved references only in strict mode. */
export const WARNED_BATCH_LIMIT = 1_000;

const MAX_RULE_RETRIES = 5;
const HISTORY_PAGE = 10_000;

export interface AppendDependencies {
  readonly store: EventStore;
  /** Generates ids for events that arrive without one. */
  readonly newEventId: () => string;
  /**
   * The negotiation's state as of a date (now when none is given), which a batch's references and consistency are
   * judged against; undefined for a new negotiation.
   */
  readonly stateOf: (
    negotiationId: string,
  ) => TE.TaskEither<TrackerError, ((asOf?: string) => NegotiationState) | undefined>;
}

export const createAppend = ({ store, newEventId, stateOf }: AppendDependencies) => {
  /**
   * The stream's history as the append rules need it for a batch: only the events it names (its own ids, the
   * targets of its amendments) and their retractions, read in pages of lean events, so checking a correction
   * against a negotiation of any length holds a few entries, not the negotiation. With the revision read up to.
   */
  const consultedHistory =
    (
      negotiationId: string,
      consulted: ReadonlySet<string>,
    ): TE.TaskEither<StoreFailure, { revision: number; known: Map<string, KnownEvent> }> =>
    async () => {
      const known = new Map<string, KnownEvent>();
      let revision = -1;
      for (;;) {
        const read = await readFoldPage(store, negotiationId, {
          fromRevision: revision + 1,
          limit: HISTORY_PAGE,
        })();
        if (E.isLeft(read)) return read;
        for (const event of read.right) {
          rememberConsulted(known, event, consulted);
          revision = event.revision;
        }
        if (read.right.length < HISTORY_PAGE) return E.right({ revision, known });
      }
    };

  /**
   * Corrections and retractions are checked against the stream; the append then expects the revision that was
   * checked, so a concurrent retraction cannot slip in between. On such a race the check runs again.
   */
  const appendChecked = (
    command: AppendCommand & { readonly events: ReadonlyArray<NewEvent & { readonly id: string }> },
    attempt: number,
  ): TE.TaskEither<TrackerError, AppendResult> => {
    const { events } = command;
    const needsHistory = events.some(
      (event) => event.type === 'EventCorrected' || event.type === 'EventRetracted',
    );
    const withinBatch = checkAppend(new Map(), events);
    if (!needsHistory)
      return E.isLeft(withinBatch)
        ? TE.left({ _tag: 'RuleViolated', violations: withinBatch.left })
        : store.append({ ...command, events });
    return pipe(
      consultedHistory(command.negotiationId, idsConsulted(events)),
      TE.mapLeft((failure): TrackerError => failure),
      TE.flatMap(({ revision, known }) => {
        const checked = checkAppend(known, events);
        if (E.isLeft(checked))
          return TE.left<TrackerError, AppendResult>({ _tag: 'RuleViolated', violations: checked.left });
        // Pin the append to the revision the rules were checked against, whatever the client expected (any,
        // stream-exists), as long as that revision meets its expectation; otherwise let the store answer the
        // client's own expectation (a conflict, or the original result of a retry).
        const pinned =
          command.expectedRevision.kind !== 'exact' && revisionMatches(command.expectedRevision, revision);
        const expectedRevision: ExpectedRevision = pinned
          ? { kind: 'exact', revision }
          : command.expectedRevision;
        return pipe(
          store.append({ ...command, events, expectedRevision }),
          TE.orElse((error): TE.TaskEither<TrackerError, AppendResult> =>
            error._tag === 'RevisionConflict' && pinned && attempt < MAX_RULE_RETRIES
              ? appendChecked(command, attempt + 1)
              : TE.left(error),
          ),
        );
      }),
    );
  };

  return (command: AppendCommand): TE.TaskEither<TrackerError, TrackedAppend> => {
    const events = command.events.map((event) => ({ ...event, id: event.id ?? newEventId() }));
    const withIds = { ...command, events };
    // Only developments that name something, or that the state may contradict, need the log read to be judged.
    const judged = events.some((event) => referencesOf(event).length > 0) || hasConsistencyRules(events);
    if (!judged || (command.strict !== true && events.length > WARNED_BATCH_LIMIT))
      return pipe(
        appendChecked(withIds, 0),
        TE.map((result) => ({ ...result, warnings: [] })),
      );
    return pipe(
      stateOf(command.negotiationId),
      TE.map((stateAt) => {
        const at = stateAt ?? (() => initialState);
        return [...unresolvedInBatch(at(), events), ...inconsistenciesInBatch(at, events)];
      }),
      // A log too long to fold here must not stop appends: without strict mode they go unchecked.
      TE.orElse((error) =>
        command.strict === true ? TE.left(error) : TE.right<TrackerError, FieldViolation[]>([]),
      ),
      TE.flatMap((warnings) =>
        command.strict === true && warnings.length > 0
          ? TE.left<TrackerError, TrackedAppend>({ _tag: 'RuleViolated', violations: warnings })
          : pipe(
              appendChecked(withIds, 0),
              TE.map((result) => ({ ...result, warnings: result.replayed ? [] : warnings })),
            ),
      ),
    );
  };
};
