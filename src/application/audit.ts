import { LeanEvent, StoredEvent, endOfDateOrDateTime, occurredInterval, toLeanEvent } from '../domain';
import { Change, Digest, EffectiveLog, EventHeading, diffDigests, digestOf, stateAsOf } from '../projections';
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
  /**
   * The earliest date whose answers recording this event could change (the development's own date, or that of
   * the development a correction or retraction amends), and what it changed in the answers as of that date. A late
   * report, a correction or a retraction changes the past: this is where it shows.
   */
  readonly affectsFrom?: string;
  readonly changesAsOfAffected?: readonly Change[];
}

const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** The earliest occurrence, in ms, that recording this event moves: its own, or the old and new ones of its target. */
const affectedStart = (log: EffectiveLog, event: StoredEvent): number | undefined => {
  if (event.type === 'EventRetracted' || event.type === 'EventCorrected') {
    const target = log.find(event.payload.targetEventId);
    if (target === undefined) return undefined;
    if (event.type === 'EventRetracted') return target.interval.startMs;
    const { occurredAt, precision } = event.payload.corrections;
    const moved =
      occurredAt === undefined && precision === undefined
        ? target.interval
        : occurredInterval({
            occurredAt: occurredAt ?? target.event.occurredAt,
            precision: precision ?? target.event.precision,
          });
    return Math.min(target.interval.startMs, moved.startMs);
  }
  return occurredInterval(event).startMs;
};

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

/** The entries of historyPage one at a time. */
export function* historyEntries(
  stream: readonly StoredEvent[],
  fromRevision: number,
  limit: number,
): Generator<HistoryEntry> {
  const fold = createHistoryFold();
  for (const event of stream.slice(0, fromRevision)) fold.skip(event);
  const end = Math.min(stream.length, fromRevision + limit);
  for (let revision = fromRevision; revision < end; revision += 1) {
    const event = stream[revision];
    if (event === undefined) break;
    yield fold.entry(event);
  }
}

/**
 * The history built one recorded event at a time, for readers that take the stream in pages: it keeps only the
 * lean log (no projection reads the sources' words) and the last hash. Events must come in revision order from 0.
 */
export const createHistoryFold = () => {
  // The log grows one recorded event at a time, so each change is a diff of two consecutive answers.
  const log = new EffectiveLog<LeanEvent>();
  let before: Digest | undefined;
  let previousHash = GENESIS_HASH;
  return {
    /** An event before the page asked for: folded into the log, no entry built. */
    skip: (event: StoredEvent): void => {
      log.record(toLeanEvent(event));
      before = undefined;
      previousHash = event.hash;
    },
    entry: (event: StoredEvent): HistoryEntry => {
      const earlier = before ?? digestOf(stateAsOf(log, {}));
      const start = affectedStart(log, event);
      const affectsFrom = start === undefined ? undefined : dayOf(start);
      const thenMs = affectsFrom === undefined ? undefined : endOfDateOrDateTime(affectsFrom);
      const beforeThen =
        affectsFrom === undefined ? undefined : digestOf(stateAsOf(log, { asOf: affectsFrom }), thenMs);
      log.record(toLeanEvent(event));
      const after = digestOf(stateAsOf(log, {}));
      const changesAsOfAffected =
        affectsFrom === undefined || beforeThen === undefined
          ? undefined
          : diffDigests(beforeThen, digestOf(stateAsOf(log, { asOf: affectsFrom }), thenMs));
      const chainsToPrevious = event.previousHash === previousHash;
      before = after;
      previousHash = event.hash;
      return {
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
        verification: { hashMatchesContent: hashVerifies(event), chainsToPrevious },
        changes: diffDigests(earlier, after),
        ...(affectsFrom === undefined ? {} : { affectsFrom, changesAsOfAffected }),
      };
    },
  };
};
