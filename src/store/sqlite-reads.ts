import Database from 'better-sqlite3';
import * as E from 'fp-ts/Either';
import * as TE from 'fp-ts/TaskEither';
import { LeanEvent } from '../domain';
import { EventStore, ReadAllOptions, ReadStreamOptions, StoreFailure, StreamSummary } from './port';
import { EventRow, StreamRow, derivedCopyProblems, failure, rowToEvent as toEvent } from './sqlite-schema';
import { SqliteTree } from './sqlite-tree';

/** What reads a SQLite file: the port's reads, each one statement or one read transaction. */
export type SqliteReads = Pick<
  EventStore,
  | 'readStream'
  | 'readEvent'
  | 'readLeanStream'
  | 'scanLeanByOccurrence'
  | 'checkDerivedCopies'
  | 'readTree'
  | 'streamRevision'
  | 'listStreams'
  | 'readAll'
  | 'lastPosition'
>;

const MAX_KNOWN_REVISIONS = 10_000;

export const attempt = <A>(run: () => A): TE.TaskEither<StoreFailure, A> =>
  TE.fromEither(E.tryCatch(run, failure));

/**
 * Stream revisions as last read, for queries that only ask how far a stream has got (every GET does). Valid
 * while SQLite's data_version stays put, i.e. while no other connection (another process, another store on
 * the file) has committed; this connection's own commits drop them (`forget`, called by the writer).
 */
const knownRevisions = (db: Database.Database) => {
  const selectHead = db.prepare<[string], StreamRow>('SELECT * FROM streams WHERE negotiation_id = ?');
  const selectDataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
  const known = new Map<string, number>();
  let knownAtVersion = -1;
  return {
    forget: () => known.clear(),
    revisionOf: (negotiationId: string): number => {
      const version = selectDataVersion.get() ?? -1;
      if (version !== knownAtVersion || known.size > MAX_KNOWN_REVISIONS) {
        known.clear();
        knownAtVersion = version;
      }
      const kept = known.get(negotiationId);
      if (kept !== undefined) return kept;
      const revision = selectHead.get(negotiationId)?.revision ?? -1;
      known.set(negotiationId, revision);
      return revision;
    },
  };
};

/**
 * The lean events in occurrence order, amendments first with the originals they amend. One read transaction: the
 * three queries see the same snapshot even while another process appends.
 */
const occurrenceScan = (db: Database.Database): NonNullable<EventStore['scanLeanByOccurrence']> => {
  const selectLeanAmendments = db
    .prepare<[string], string>(
      `SELECT lean FROM events WHERE negotiation_id = ? AND type IN ('EventCorrected', 'EventRetracted') ORDER BY revision`,
    )
    .pluck();
  const selectLeanByIds = db
    .prepare<[string, string], string>(
      // The unary plus keeps SQLite from walking the negotiation's rows: the few ids are looked up by their index.
      'SELECT lean FROM events WHERE +negotiation_id = ? AND event_id IN (SELECT value FROM json_each(?))',
    )
    .pluck();
  // The order of compareDevelopments (interval start, end, reportedAt, id), from the derived columns.
  const selectLeanByOccurrence = db
    .prepare<[string], string>(
      `SELECT lean FROM events WHERE negotiation_id = ? AND type NOT IN ('EventCorrected', 'EventRetracted')
       ORDER BY occurred_start, occurred_end, reported_at, event_id`,
    )
    .pluck();
  return (negotiationId, visitor) =>
    attempt(
      db.transaction(() => {
        let visited = 0;
        const targets: string[] = [];
        for (const lean of selectLeanAmendments.iterate(negotiationId)) {
          const amendment = JSON.parse(lean) as LeanEvent;
          if (amendment.type === 'EventCorrected' || amendment.type === 'EventRetracted')
            targets.push(amendment.payload.targetEventId);
          visitor.amendment(amendment);
          visited += 1;
        }
        if (targets.length > 0)
          for (const lean of selectLeanByIds.iterate(negotiationId, JSON.stringify(targets)))
            visitor.amendedOriginal(JSON.parse(lean) as LeanEvent);
        for (const lean of selectLeanByOccurrence.iterate(negotiationId)) {
          visitor.development(JSON.parse(lean) as LeanEvent);
          visited += 1;
        }
        return visited;
      }),
    );
};

export const createSqliteReads = (db: Database.Database, tree: SqliteTree) => {
  const revisions = knownRevisions(db);
  const selectLastPosition = db.prepare<[], number>('SELECT max(position) FROM events').pluck();
  const selectEvent = db.prepare<[string, string], EventRow>(
    // The unary plus: looked up by the event id's unique index, then checked against the negotiation.
    'SELECT position, hash, data FROM events WHERE event_id = ? AND +negotiation_id = ?',
  );
  const selectStream = db.prepare<[string, number, number], EventRow>(
    'SELECT position, hash, data FROM events WHERE negotiation_id = ? AND revision >= ? ORDER BY revision LIMIT ?',
  );
  const selectLeanStream = db
    .prepare<[string, number, number], string>(
      'SELECT lean FROM events WHERE negotiation_id = ? AND revision >= ? ORDER BY revision LIMIT ?',
    )
    .pluck();
  const selectAll = db.prepare<[number, number], EventRow>(
    'SELECT position, hash, data FROM events WHERE position >= ? ORDER BY position LIMIT ?',
  );
  const selectStreams = db.prepare<[], StreamRow>('SELECT * FROM streams ORDER BY negotiation_id');
  const reads: SqliteReads = {
    readStream: (negotiationId, options: ReadStreamOptions = {}) =>
      attempt(() =>
        selectStream.all(negotiationId, options.fromRevision ?? 0, options.limit ?? -1).map(toEvent),
      ),
    readEvent: (negotiationId, eventId) =>
      attempt(() => {
        const row = selectEvent.get(eventId, negotiationId);
        return row === undefined ? undefined : toEvent(row);
      }),
    // The lean column is derived by this adapter at append time; the full data stays the decoded source of truth.
    readLeanStream: (negotiationId, options: ReadStreamOptions = {}) =>
      attempt(() =>
        selectLeanStream
          .all(negotiationId, options.fromRevision ?? 0, options.limit ?? -1)
          .map((lean) => JSON.parse(lean) as LeanEvent),
      ),
    scanLeanByOccurrence: occurrenceScan(db),
    checkDerivedCopies: (negotiationId) => attempt(() => derivedCopyProblems(db, negotiationId)),
    // One read transaction: the size and every node come from the same commit.
    readTree: (read) => attempt(db.transaction(() => read(tree.snapshot()))),
    streamRevision: (negotiationId) => attempt(() => revisions.revisionOf(negotiationId)),
    listStreams: () =>
      attempt(() =>
        selectStreams.all().map((row): StreamSummary => ({
          negotiationId: row.negotiation_id,
          revision: row.revision,
          eventCount: row.event_count,
          lastRecordedAt: row.last_recorded_at,
        })),
      ),
    readAll: (options: ReadAllOptions = {}) =>
      attempt(() => selectAll.all(options.fromPosition ?? 1, options.limit ?? -1).map(toEvent)),
    lastPosition: () => attempt(() => selectLastPosition.get() ?? 0),
  };
  return { reads, forgetRevisions: revisions.forget };
};
