import { StoredEvent } from '../domain';
import {
  AsOfQuery,
  Change,
  EffectiveLog,
  EventHeading,
  Evidence,
  diffDigests,
  digestOf,
  evidenceOf,
  stateAsOf,
} from '../projections';
import { GENESIS_HASH, hashVerifies } from '../store';

export interface HistoryEntry extends EventHeading {
  readonly revision: number;
  readonly position: number;
  readonly recordedBy: string;
  readonly hash: string;
  readonly previousHash: string;
  readonly verification: { readonly hashMatchesContent: boolean; readonly chainsToPrevious: boolean };
  /** What recording this event changed in the answers "as of now" (all occurred developments). */
  readonly changes: readonly Change[];
}

/**
 * The audit history of a page of a stream: each event in recorded order with who recorded it when, whether its
 * hash verifies, and the change it made. `stream` must hold every event from revision 0 up to the page's end,
 * since each change is the difference between the log before and after that event.
 */
export const historyPage = (
  stream: readonly StoredEvent[],
  fromRevision: number,
  limit: number,
): HistoryEntry[] => [...historyEntries(stream, fromRevision, limit)];

/** The entries of historyPage one at a time, for a caller that streams them (and lets other work run between). */
export function* historyEntries(
  stream: readonly StoredEvent[],
  fromRevision: number,
  limit: number,
): Generator<HistoryEntry> {
  // The log grows one recorded event at a time, so each change is a diff of two consecutive answers.
  const log = new EffectiveLog();
  for (const event of stream.slice(0, fromRevision)) log.record(event);
  let before = digestOf(stateAsOf(log, {}));
  const end = Math.min(stream.length, fromRevision + limit);
  for (let revision = fromRevision; revision < end; revision += 1) {
    const event = stream[revision];
    if (event === undefined) break;
    log.record(event);
    const after = digestOf(stateAsOf(log, {}));
    const previous = revision === 0 ? GENESIS_HASH : stream[revision - 1]?.hash;
    yield {
      revision: event.revision,
      position: event.position,
      eventId: event.id,
      type: event.type,
      occurredAt: event.occurredAt,
      precision: event.precision,
      reportedAt: event.reportedAt,
      recordedAt: event.recordedAt,
      recordedBy: event.recordedBy,
      ...(event.summary === undefined ? {} : { summary: event.summary }),
      hash: event.hash,
      previousHash: event.previousHash,
      verification: {
        hashMatchesContent: hashVerifies(event),
        chainsToPrevious: event.previousHash === previous,
      },
      changes: diffDigests(before, after),
    };
    before = after;
  }
}

export interface DiffView {
  readonly changes: readonly Change[];
  /** Developments counted at `to` but not at `from`: the events responsible for the changes. */
  readonly developments: readonly Evidence[];
}

/** What changed between two dates on the occurrence axis, for one version of the log. */
export const diffBetween = (log: EffectiveLog, from: AsOfQuery, to: AsOfQuery): DiffView => {
  const earlier = stateAsOf(log, from);
  const later = stateAsOf(log, to);
  const counted = new Set(earlier.included().map((d) => d.event.id));
  return {
    changes: diffDigests(digestOf(earlier), digestOf(later)),
    developments: later
      .included()
      .filter((d) => !counted.has(d.event.id))
      .map((d) => evidenceOf(d.event)),
  };
};
