import { EventStoreDBClient, NO_STREAM, WrongExpectedVersionError } from '@eventstore/db-client';
import * as E from 'fp-ts/Either';
import { StoredEvent } from '../../domain';
import { Decide, PlanWriter, appendedEvent } from '../append-plan';
import { AppendResult, StoreFailure } from '../port';
import { streamNameOf, toEventData } from './event-mapping';
import { failure, failureOf } from './failures';
import { LogReplica } from './log-replica';

/**
 * Bounds the retries when other instances keep appending to the same negotiation in between (with the time
 * bound, catchUpTimeoutMs): a busy writer elsewhere can win many rounds in a row, so the bound is generous.
 */
const MAX_WRITE_ATTEMPTS = 100;

type StoreRecord = Omit<StoredEvent, 'position'>;

/** Whether the view can answer for a negotiation (a stream it could not read is named with its reason). */
export const readableIn = (replica: LogReplica, negotiationId: string): E.Either<StoreFailure, void> => {
  const reason = replica.unreadable(negotiationId);
  return reason === undefined
    ? E.right(undefined)
    : E.left(failure(`negotiation "${negotiationId}": ${reason}`));
};

export interface WritesOptions {
  readonly client: EventStoreDBClient;
  readonly prefix: string;
  readonly replica: LogReplica;
  readonly timeoutMs: number;
  readonly whenCaughtUp: () => Promise<E.Either<StoreFailure, void>>;
}

/** What one append at the view's head came to: written up to a revision, the stream had moved on, or a failure. */
type Attempted =
  { readonly written: number } | { readonly movedTo: number } | { readonly failed: StoreFailure };

/**
 * Decides against the view, writes at exactly the view's revision, and answers from what then arrives: an
 * EventStoreDB success can also stand for the same ids written before (its own idempotency), in which case the
 * plan decides again with them in view (a replay, or an id conflict if the content differs).
 */
export const createEventStoreDbWrites = ({
  client,
  prefix,
  replica,
  timeoutMs,
  whenCaughtUp,
}: WritesOptions) => {
  const writesInFlight = new Map<string, Promise<unknown>>();

  /** One write per negotiation at a time from this instance: its own writers queue instead of racing. */
  const oneAtATime = <A>(negotiationId: string, run: () => Promise<A>): Promise<A> => {
    const previous = writesInFlight.get(negotiationId) ?? Promise.resolve();
    const next = previous.then(run, run);
    writesInFlight.set(negotiationId, next);
    void next.finally(() => {
      if (writesInFlight.get(negotiationId) === next) writesInFlight.delete(negotiationId);
    });
    return next;
  };

  const appendAt = async (negotiationId: string, headRevision: number, records: readonly StoreRecord[]) => {
    try {
      const lastOfBatch = headRevision + records.length;
      const result = await client.appendToStream(
        streamNameOf(prefix, negotiationId),
        records.map((record) => toEventData(record, lastOfBatch)),
        { expectedRevision: headRevision < 0 ? NO_STREAM : BigInt(headRevision) },
      );
      return { written: Number(result.nextExpectedRevision) } as Attempted;
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) return { failed: failureOf(error) } as Attempted;
      return {
        movedTo: typeof error.actualVersion === 'bigint' ? Number(error.actualVersion) : -1,
      } as Attempted;
    }
  };

  /** The records as they arrived in the view, or undefined when what arrived there is not them. */
  const arrived = async (
    negotiationId: string,
    headRevision: number,
    records: readonly StoreRecord[],
    lastRevision: number,
  ): Promise<E.Either<StoreFailure, AppendResult | undefined>> => {
    const came = await replica.waitUntil(
      () =>
        replica.head(negotiationId).revision >= lastRevision ||
        replica.unreadable(negotiationId) !== undefined,
      timeoutMs,
    );
    if (!came)
      return E.left(
        failure(
          `stored in EventStoreDB up to revision ${lastRevision}, but not yet visible to this instance; a retry with the same event ids returns the original result`,
        ),
      );
    const stored = replica.stream(negotiationId).slice(headRevision + 1, headRevision + 1 + records.length);
    const same =
      stored.length === records.length && stored.every((event, index) => event.hash === records[index]?.hash);
    return E.right(
      same
        ? {
            negotiationId,
            revision: stored[stored.length - 1]?.revision ?? headRevision,
            events: stored.map(appendedEvent),
            replayed: false,
          }
        : undefined,
    );
  };

  const attemptWrite = async <L>(
    negotiationId: string,
    eventIds: readonly string[],
    decide: Decide<L>,
  ): Promise<E.Either<L | StoreFailure, AppendResult>> => {
    const ready = await whenCaughtUp();
    if (E.isLeft(ready)) return ready;
    const giveUpAt = Date.now() + timeoutMs;
    for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS && Date.now() < giveUpAt; attempt += 1) {
      const usable = readableIn(replica, negotiationId);
      if (E.isLeft(usable)) return usable;
      const head = replica.head(negotiationId);
      const plan = decide(
        head,
        eventIds.map((id) => replica.eventById(id)),
      );
      if (E.isLeft(plan)) return plan;
      if (plan.right.kind === 'replay') return E.right(plan.right.result);
      const { records } = plan.right;
      if (records.length === 0)
        return E.right({ negotiationId, revision: head.revision, events: [], replayed: false });
      const attempted = await appendAt(negotiationId, head.revision, records);
      if ('failed' in attempted) return E.left(attempted.failed);
      if ('movedTo' in attempted) {
        // The stream has moved on beyond this view: wait for the view to reach it, then decide again.
        const actual = attempted.movedTo;
        if (!(await replica.waitUntil(() => replica.head(negotiationId).revision >= actual, timeoutMs)))
          return E.left(
            failure(
              `"${negotiationId}" is at revision ${actual} but this instance has not received it yet; retry`,
            ),
          );
        continue;
      }
      const landed = await arrived(negotiationId, head.revision, records, attempted.written);
      if (E.isLeft(landed) || landed.right !== undefined)
        return landed as E.Either<StoreFailure, AppendResult>;
    }
    return E.left(failure(`"${negotiationId}" kept moving while appending; retry`));
  };

  const write: PlanWriter =
    <L>(negotiationId: string, eventIds: readonly string[], decide: Decide<L>) =>
    () =>
      oneAtATime(negotiationId, () => attemptWrite(negotiationId, eventIds, decide));
  return write;
};
