import Database from 'better-sqlite3';
import * as E from 'fp-ts/Either';
import * as TE from 'fp-ts/TaskEither';
import { mkdirSync, statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import {
  LeanEvent,
  StoredEvent,
  decodeStoredEvent,
  occurredInterval,
  sameIntervalKey,
  toLeanEvent,
} from '../domain';
import { Decide, EMPTY_HEAD, PlanWriter, appendedEvent, appendsThrough } from './append-plan';
import { Checkpointer, startCheckpointer } from './sqlite-checkpointer';
import {
  STREAMS_GUARD,
  TREE_SCHEMA,
  buildMissingTree,
  createSqliteTree,
  missingTriggers,
  streamsDisagreements,
} from './sqlite-tree';
import {
  AppendResult,
  Clock,
  DerivedCopyProblem,
  EventStore,
  ReadAllOptions,
  ReadStreamOptions,
  StoreFailure,
  StreamSummary,
  systemClock,
} from './port';

export interface SqliteStoreOptions {
  readonly file: string;
  readonly clock?: Clock;
  /**
   * WAL checkpoints on a worker thread instead of inside commits (see sqlite-checkpointer.ts): the server's
   * choice, so no request waits behind a checkpoint. Off by default (one-shot commands, tests).
   */
  readonly checkpointInBackground?: boolean;
  /** Opens the file for reading only (a file the process cannot write): reads work, writes fail. */
  readonly readonly?: boolean;
}

/** The SQLite adapter: the store port, and its checkpointer when checkpoints run in the background. */
export type SqliteEventStore = EventStore & { readonly checkpointer?: Checkpointer };

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  position       INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id       TEXT NOT NULL UNIQUE,
  negotiation_id TEXT NOT NULL,
  revision       INTEGER NOT NULL,
  type           TEXT NOT NULL,
  recorded_at    TEXT NOT NULL,
  hash           TEXT NOT NULL,
  -- The canonical JSON of the event without its hash: the exact bytes the hash covers.
  data           TEXT NOT NULL,
  -- Derived from data at append (and by the migration below), never by clients: the event without its sources'
  -- words, so folds can skip the quotes, and its occurrence interval and report time, so a replay can stream a
  -- negotiation in occurrence order straight from SQLite.
  lean           TEXT,
  occurred_start INTEGER,
  occurred_end   INTEGER,
  reported_at    TEXT,
  UNIQUE (negotiation_id, revision)
);
CREATE TABLE IF NOT EXISTS streams (
  negotiation_id TEXT PRIMARY KEY,
  revision       INTEGER NOT NULL,
  last_hash      TEXT NOT NULL,
  event_count    INTEGER NOT NULL,
  last_recorded_at TEXT NOT NULL
);
-- The log is append-only: the database itself refuses edits and deletions of recorded events.
CREATE TRIGGER IF NOT EXISTS events_are_immutable BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are immutable'); END;
CREATE TRIGGER IF NOT EXISTS events_are_never_deleted BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are never deleted'); END;
${TREE_SCHEMA}
${STREAMS_GUARD}
`;

interface EventRow {
  readonly position: number;
  readonly hash: string;
  readonly data: string;
}

interface DerivedRow {
  readonly event_id: string;
  readonly negotiation_id: string;
  readonly revision: number;
  readonly type: string;
  readonly hash: string;
  readonly data: string;
  readonly lean: string | null;
  readonly occurred_start: number | null;
  readonly occurred_end: number | null;
  readonly reported_at: string | null;
}

interface StreamRow {
  readonly negotiation_id: string;
  readonly revision: number;
  readonly last_hash: string;
  readonly event_count: number;
  readonly last_recorded_at: string;
}

/** The columns derived from an event: its lean form, its occurrence interval, its report time. */
const derivedColumns = (event: Omit<StoredEvent, 'position'>, canonicalText?: string) => {
  const interval = occurredInterval(event);
  return {
    lean: canonicalText === undefined ? JSON.stringify(toLeanEvent(event)) : leanText(event, canonicalText),
    occurredStart: interval.startMs,
    occurredEnd: interval.endMs,
    // The column keeps its name; it holds the order within an interval, which is the report time unless the
    // reports give an explicit sequence (never so in files written before sequences existed).
    reportedAt: sameIntervalKey(event),
  };
};

/**
 * The lean JSON cut out of the canonical text: the sources' segment swapped for their attributions, and the
 * negotiation id and previous hash dropped. Much cheaper than building and serialising a second object on every
 * append; falls back to that if the segment is not found.
 */
const leanText = (event: Omit<StoredEvent, 'position'>, canonicalText: string): string => {
  const segment = `"sources":${JSON.stringify(event.sources)}`;
  const at = canonicalText.indexOf(segment);
  if (at < 0) return JSON.stringify(toLeanEvent(event));
  const attributions = `"sources":${JSON.stringify(event.sources.map(({ attribution }) => ({ attribution })))}`;
  // Keys are sorted and neither of these is ever first, so each goes with its leading comma; a JSON string cannot
  // hold the sequence unescaped, so the first match is the top-level field.
  return without(
    without(
      canonicalText.slice(0, at) + attributions + canonicalText.slice(at + segment.length),
      `,"negotiationId":${JSON.stringify(event.negotiationId)}`,
    ),
    `,"previousHash":${JSON.stringify(event.previousHash)}`,
  );
};

const without = (text: string, part: string): string => {
  const at = text.indexOf(part);
  return at < 0 ? text : text.slice(0, at) + text.slice(at + part.length);
};

/**
 * Files written before a derived column existed get it, filled from data. The immutability trigger is lifted
 * for that one transaction only; data, hashes and the chain are untouched.
 */
const migrateDerivedColumns = (db: Database.Database): void => {
  // user_version 1: every row has its derived columns. Checked first so opening a large file scans nothing.
  const current = () => (db.pragma('user_version', { simple: true }) as number) >= DERIVED_COLUMNS_VERSION;
  if (current()) return;
  // Under the write lock, looked at again: another process may have migrated the file meanwhile.
  db.transaction(() => {
    if (current()) return;
    const present = new Set(
      (db.pragma('table_info(events)') as Array<{ name: string }>).map((column) => column.name),
    );
    const missing = [
      'lean TEXT',
      'occurred_start INTEGER',
      'occurred_end INTEGER',
      'reported_at TEXT',
    ].filter((column) => !present.has(column.split(' ')[0] ?? ''));
    for (const column of missing) db.exec(`ALTER TABLE events ADD COLUMN ${column}`);
    db.exec('DROP TRIGGER IF EXISTS events_are_immutable');
    const update = db.prepare(
      'UPDATE events SET lean = @lean, occurred_start = @occurredStart, occurred_end = @occurredEnd, reported_at = @reportedAt WHERE position = @position',
    );
    const rows = db
      .prepare('SELECT position, hash, data FROM events WHERE occurred_start IS NULL')
      .all() as EventRow[];
    for (const row of rows) {
      const event = { ...(JSON.parse(row.data) as object), hash: row.hash } as StoredEvent;
      update.run({ position: row.position, ...derivedColumns(event) });
    }
    db.exec(SCHEMA);
    db.pragma(`user_version = ${DERIVED_COLUMNS_VERSION}`);
  }).immediate();
};

const DERIVED_COLUMNS_VERSION = 1;

/** The first of SCAN_INDEXES (below); the benchmark's floor breakdown measures it on its own. */
export const SQLITE_OCCURRENCE_INDEX = `CREATE INDEX IF NOT EXISTS events_by_occurrence
  ON events (negotiation_id, occurred_start, occurred_end, reported_at, event_id, type, lean)
  WHERE type NOT IN ('EventCorrected', 'EventRetracted');`;

/**
 * The indexes an occurrence scan reads (see scanLeanByOccurrence), as of user_version 2: the developments of a
 * negotiation in the order of compareDevelopments, carrying their type and lean text, so a replay streams them
 * from the index alone (no sort, and none of the table's rows, each about three times the size with its full
 * data); and the corrections and retractions alone, so looking for them does not read every event of the
 * negotiation. The WHERE terms are those of the queries word for word: SQLite uses a partial index only for a
 * query that repeats them. The price is paid at append: the lean text is written twice (about 12 % of the
 * store's ingest throughput when it was added; alone on a plain table, about 40 % fewer inserts per second in
 * the benchmark's floor breakdown; and about 0.8 GB more file per million events) for a replay about 30 %
 * faster, and faster still when the file is not in the page cache.
 */
const SCAN_INDEXES = `
${SQLITE_OCCURRENCE_INDEX}
CREATE INDEX IF NOT EXISTS events_amendments
  ON events (negotiation_id, revision)
  WHERE type IN ('EventCorrected', 'EventRetracted');
`;

/** Every table, trigger and index of a current store file (the benchmark's storage floor uses the same). */
export const SQLITE_STORE_SCHEMA = SCHEMA + SCAN_INDEXES;

const SCAN_INDEXES_VERSION = 2;
/** user_version 3: the log's Merkle tree is stored, and the streams table is guarded like the events table. */
const TREE_VERSION = 3;

/** The user_version of a current store file: every migration above has run. */
export const SQLITE_STORE_VERSION = TREE_VERSION;

/** Files from before user_version 2 get the scan indexes (once: building them reads every event). */
const migrateScanIndexes = (db: Database.Database): void => {
  const current = () => (db.pragma('user_version', { simple: true }) as number) >= SCAN_INDEXES_VERSION;
  if (current()) return;
  db.transaction(() => {
    if (current()) return;
    db.exec(SCAN_INDEXES);
    db.pragma(`user_version = ${SCAN_INDEXES_VERSION}`);
  }).immediate();
};

/** Files from before user_version 3 get their tree, built once from the events in position order. */
const migrateTree = (db: Database.Database): void => {
  const current = () => (db.pragma('user_version', { simple: true }) as number) >= TREE_VERSION;
  if (current()) return;
  db.transaction(() => {
    if (current()) return;
    buildMissingTree(db);
    db.pragma(`user_version = ${TREE_VERSION}`);
  }).immediate();
};

/**
 * A file that has had its tree refuses to open with a trigger gone (creating it again would hide that someone
 * dropped it) or with streams rows that disagree with its events; verify says what happened, read-only.
 */
const refuseTampered = (db: Database.Database, file: string, phase: 'before' | 'after'): void => {
  const problems =
    phase === 'before'
      ? (db.pragma('user_version', { simple: true }) as number) >= TREE_VERSION
        ? missingTriggers(db).map((name) => `trigger ${name} is missing`)
        : []
      : streamsDisagreements(db);
  if (problems.length > 0) {
    db.close();
    throw new Error(
      `refusing to open ${file}: ${problems.join('; ')}. Run "npm run cli -- verify" to see what changed`,
    );
  }
};

/** SQLite's default inline checkpoint, and the far larger one kept under background checkpoints (pages). */
const INLINE_CHECKPOINT_PAGES = 1000;
const SAFETY_CHECKPOINT_PAGES = 20_000;
/** A WAL restarted after a checkpoint is truncated to this size. */
const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

/** Appends committed together at most, so one transaction stays bounded. */
const MAX_GROUP = 500;

const invariant = (message: string): never => {
  throw new Error(`invariant: ${message}`);
};

const failure = (error: unknown): StoreFailure => ({
  _tag: 'StoreFailure',
  message: error instanceof Error ? error.message : String(error),
});

const DERIVED_SELECTION = `SELECT event_id, negotiation_id, revision, type, hash, data, lean, occurred_start,
  occurred_end, reported_at FROM events`;

/**
 * The events whose derived copies (lean text, occurrence columns, the index entries built on them) do not say what
 * their hashed data says, in one read transaction. Opens on any connection, read-only ones too (verify's); a row
 * whose data does not parse is left to the chain audit, which names it.
 */
export const derivedCopyProblems = (db: Database.Database, negotiationId?: string): DerivedCopyProblem[] =>
  db.transaction(() => {
    const problems: DerivedCopyProblem[] = [];
    const rows =
      negotiationId === undefined
        ? db.prepare<[], DerivedRow>(`${DERIVED_SELECTION} ORDER BY position`).iterate()
        : db
            .prepare<[string], DerivedRow>(`${DERIVED_SELECTION} WHERE negotiation_id = ? ORDER BY revision`)
            .iterate(negotiationId);
    for (const row of rows) {
      let event: StoredEvent;
      let expected: ReturnType<typeof derivedColumns>;
      try {
        event = { ...(JSON.parse(row.data) as object), hash: row.hash } as StoredEvent;
        expected = derivedColumns(event);
      } catch {
        continue;
      }
      const differs = [
        // Built another way than at append (a second object, not cut from the text), and compared as values.
        row.lean !== null && isDeepStrictEqual(JSON.parse(expected.lean), safeParse(row.lean))
          ? []
          : ['lean'],
        // The columns the scans select and order by.
        event.type === row.type ? [] : ['type'],
        event.id === row.event_id ? [] : ['event_id'],
        event.negotiationId === row.negotiation_id ? [] : ['negotiation_id'],
        event.revision === row.revision ? [] : ['revision'],
        expected.occurredStart === row.occurred_start ? [] : ['occurred_start'],
        expected.occurredEnd === row.occurred_end ? [] : ['occurred_end'],
        expected.reportedAt === row.reported_at ? [] : ['reported_at'],
      ].flat();
      if (differs.length > 0)
        problems.push({
          eventId: row.event_id,
          negotiationId: row.negotiation_id,
          revision: row.revision,
          reason: `derived copy differs from the hashed data: ${differs.join(', ')}`,
        });
    }
    // Index entries against the rows they index (a changed copy inside an index shows here).
    for (const message of db.prepare<[], string>('PRAGMA integrity_check(events)').pluck().all())
      if (message !== 'ok') problems.push({ reason: `integrity check: ${message}` });
    return problems;
  })();

const safeParse = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
};

/** Below this much free space on the store's disk, the store says it cannot take writes. */
const MIN_FREE_BYTES = 64 * 1024 * 1024;

/**
 * Takes the write lock and starts a write, then rolls back: nothing reaches the file. It fails as a real append
 * would on a read-only file or a file another process holds locked (without waiting for it: the probe must not
 * stall the event loop).
 */
const probeWrite = (db: Database.Database): void => {
  const timeout = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma('busy_timeout = 0');
  try {
    db.exec('BEGIN IMMEDIATE');
    try {
      db.exec('UPDATE streams SET revision = revision WHERE 0');
    } finally {
      db.exec('ROLLBACK');
    }
  } finally {
    db.pragma(`busy_timeout = ${timeout}`);
  }
};

const freeBytes = (file: string): number | undefined => {
  if (file === ':memory:') return undefined;
  try {
    const stats = statfsSync(dirname(file));
    return stats.bavail * stats.bsize;
  } catch {
    return undefined;
  }
};

/**
 * The embedded durable default: one SQLite file in WAL mode with synchronous=FULL, so an acknowledged append
 * survives a crash; each append is one IMMEDIATE transaction, so a batch lands whole or not at all.
 */
export const createSqliteEventStore = (options: SqliteStoreOptions): SqliteEventStore => {
  const clock = options.clock ?? systemClock;
  if (options.file !== ':memory:') mkdirSync(dirname(options.file), { recursive: true });
  const db = new Database(options.file, { readonly: options.readonly === true });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  refuseTampered(db, options.file, 'before');
  db.exec(SCHEMA);
  // Files written before the derived columns existed get them, filled from data (once, see migrateDerivedColumns).
  migrateDerivedColumns(db);
  migrateScanIndexes(db);
  migrateTree(db);
  refuseTampered(db, options.file, 'after');
  const tree = createSqliteTree(db);
  const checkpointer =
    options.checkpointInBackground === true && options.file !== ':memory:' && options.readonly !== true
      ? startCheckpointer(options.file, (reason) => {
          // Inline checkpoints again, as SQLite does by default, so the WAL stays bounded without the thread.
          console.error(`background checkpoints stopped (${reason}); checkpointing inline`);
          if (db.open) db.pragma(`wal_autocheckpoint = ${INLINE_CHECKPOINT_PAGES}`);
        })
      : undefined;
  if (checkpointer !== undefined) {
    // The thread checkpoints; inline ones only if the WAL outgrows what the thread keeps up with.
    db.pragma(`wal_autocheckpoint = ${SAFETY_CHECKPOINT_PAGES}`);
    db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
  }

  const selectHead = db.prepare<[string], StreamRow>('SELECT * FROM streams WHERE negotiation_id = ?');
  const selectDataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
  const selectLastPosition = db.prepare<[], number>('SELECT max(position) FROM events').pluck();

  /**
   * Stream revisions as last read, for queries that only ask how far a stream has got (every GET does). Valid
   * while SQLite's data_version stays put, i.e. while no other connection (another process, another store on
   * the file) has committed; this connection's own commits drop them (see flush).
   */
  const knownRevisions = new Map<string, number>();
  let knownAtVersion = -1;
  const MAX_KNOWN_REVISIONS = 10_000;
  const revisionOf = (negotiationId: string): number => {
    const version = selectDataVersion.get() ?? -1;
    if (version !== knownAtVersion || knownRevisions.size > MAX_KNOWN_REVISIONS) {
      knownRevisions.clear();
      knownAtVersion = version;
    }
    const known = knownRevisions.get(negotiationId);
    if (known !== undefined) return known;
    const revision = selectHead.get(negotiationId)?.revision ?? -1;
    knownRevisions.set(negotiationId, revision);
    return revision;
  };
  const selectByIds = db.prepare<[string], EventRow & { readonly event_id: string }>(
    'SELECT event_id, position, hash, data FROM events WHERE event_id IN (SELECT value FROM json_each(?))',
  );
  const insertEvent = db.prepare(
    `INSERT INTO events (event_id, negotiation_id, revision, type, recorded_at, hash, data, lean, occurred_start,
       occurred_end, reported_at)
     VALUES (@id, @negotiationId, @revision, @type, @recordedAt, @hash, @data, @lean, @occurredStart, @occurredEnd,
       @reportedAt)`,
  );
  const upsertHead = db.prepare(
    `INSERT INTO streams (negotiation_id, revision, last_hash, event_count, last_recorded_at)
     VALUES (@negotiationId, @revision, @lastHash, @revision + 1, @recordedAt)
     ON CONFLICT (negotiation_id) DO UPDATE SET revision = excluded.revision, last_hash = excluded.last_hash,
       event_count = excluded.event_count, last_recorded_at = excluded.last_recorded_at`,
  );
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
  const selectAll = db.prepare<[number, number], EventRow>(
    'SELECT position, hash, data FROM events WHERE position >= ? ORDER BY position LIMIT ?',
  );
  const selectStreams = db.prepare<[], StreamRow>('SELECT * FROM streams ORDER BY negotiation_id');
  const toEvent = (row: EventRow): StoredEvent => {
    // data is the canonical JSON the hash covers; the hash lives in its own column.
    const decoded = decodeStoredEvent({ ...(JSON.parse(row.data) as object), hash: row.hash }, row.position);
    if (E.isLeft(decoded))
      throw new Error(
        `stored event at position ${row.position} does not decode: ${JSON.stringify(decoded.left)}`,
      );
    return decoded.right;
  };

  /**
   * Reads the head and the stored ids, lets the plan decide, and writes its records. Runs as a savepoint inside a
   * group commit, so it sees the writes of the appends committed with it, and an exception undoes only its own.
   */
  const writeOne = db.transaction(
    (
      negotiationId: string,
      eventIds: readonly string[],
      decide: Decide<unknown>,
    ): E.Either<unknown, AppendResult> => {
      const row = selectHead.get(negotiationId);
      const head = row ? { revision: row.revision, lastHash: row.last_hash } : EMPTY_HEAD;
      // One lookup for the whole batch: a retried or conflicting id is rare, the query for it is not.
      const found = new Map(selectByIds.all(JSON.stringify(eventIds)).map((row) => [row.event_id, row]));
      const existing = eventIds.map((id) => {
        const row = found.get(id);
        return row ? toEvent(row) : undefined;
      });
      const plan = decide(head, existing);
      if (E.isLeft(plan)) return plan;
      if (plan.right.kind === 'replay') return E.right(plan.right.result);
      const texts = plan.right.canonicalTexts;
      const written = plan.right.records.map((record, index) => {
        const info = insertEvent.run({
          id: record.id,
          negotiationId: record.negotiationId,
          revision: record.revision,
          type: record.type,
          recordedAt: record.recordedAt,
          hash: record.hash,
          data: texts[index] ?? invariant(`no canonical text for ${record.id}`),
          ...derivedColumns(record, texts[index]),
        });
        return { ...record, position: Number(info.lastInsertRowid) } as StoredEvent;
      });
      const last = written[written.length - 1];
      if (last === undefined)
        return E.right({ negotiationId, revision: head.revision, events: [], replayed: false });
      tree.appendLeaves(written);
      upsertHead.run({
        negotiationId,
        revision: last.revision,
        lastHash: last.hash,
        recordedAt: last.recordedAt,
      });
      return E.right({
        negotiationId,
        revision: last.revision,
        events: written.map(appendedEvent),
        replayed: false,
      });
    },
  );

  const attempt = <A>(run: () => A): TE.TaskEither<StoreFailure, A> =>
    TE.fromEither(E.tryCatch(run, failure));

  interface PendingWrite {
    readonly args: Parameters<typeof writeOne>;
    readonly settle: (outcome: E.Either<unknown, AppendResult>) => void;
  }
  let pending: PendingWrite[] = [];
  /** Told after each commit that stored something (live feeds). */
  const watchers = new Set<() => void>();

  /**
   * Group commit: the appends that arrive within one turn of the event loop are written in one IMMEDIATE
   * transaction, so concurrent writers share one fsync instead of queueing for one each. Each append is its own
   * savepoint: its result or failure is its own, and none is acknowledged before the group's commit returns.
   */
  const commitGroup = db.transaction((writes: readonly PendingWrite[]) =>
    writes.map((job) => {
      const outcome = E.flatten(E.tryCatch(() => writeOne(...job.args), failure));
      // Some failures (disk full, I/O error) make SQLite roll back the whole transaction, not just the savepoint:
      // then nothing of the group may run on outside it, and every writer must hear that nothing was stored.
      if (!db.inTransaction) throw new Error('the group transaction was rolled back');
      return outcome;
    }),
  );
  const flush = () => {
    const writes = pending.slice(0, MAX_GROUP);
    pending = pending.slice(MAX_GROUP);
    if (pending.length > 0) setImmediate(flush);
    // This connection's commits do not move data_version: the revisions it knew are dropped here (the flush runs
    // in one go, so no read sees the store between the commit and this line).
    knownRevisions.clear();
    let outcomes: Array<E.Either<unknown, AppendResult>>;
    try {
      // A lone append needs no savepoint: its own transaction is the group.
      const [single] = writes;
      outcomes =
        writes.length === 1 && single ? [writeOne.immediate(...single.args)] : commitGroup.immediate(writes);
    } catch (error) {
      // The commit itself failed: nothing of the group is stored, and every writer hears so.
      for (const job of writes) job.settle(E.left(failure(error)));
      return;
    }
    checkpointer?.committed();
    writes.forEach((job, index) => job.settle(outcomes[index] ?? E.left(failure('no outcome'))));
    if (outcomes.some(E.isRight)) watchers.forEach((watcher) => watcher());
  };

  /** Runs when the task runs; the plan's errors pass through, an exception becomes a StoreFailure. */
  const write: PlanWriter =
    <L>(negotiationId: string, eventIds: readonly string[], decide: Decide<L>) =>
    () =>
      new Promise<E.Either<L | StoreFailure, AppendResult>>((resolve) => {
        pending.push({
          args: [negotiationId, eventIds, decide],
          settle: (outcome) => resolve(outcome as E.Either<L | StoreFailure, AppendResult>),
        });
        if (pending.length === 1) setImmediate(flush);
      });

  return {
    ...appendsThrough(write, clock),
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
    // One read transaction: the three queries see the same snapshot even while another process appends.
    scanLeanByOccurrence: (negotiationId, visitor) =>
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
      ),
    checkDerivedCopies: (negotiationId) => attempt(() => derivedCopyProblems(db, negotiationId)),
    // One read transaction: the size and every node come from the same commit.
    readTree: (read) => attempt(db.transaction(() => read(tree.snapshot()))),
    streamRevision: (negotiationId) => attempt(() => revisionOf(negotiationId)),
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
    watchAppends: (listener) => {
      watchers.add(listener);
      return () => watchers.delete(listener);
    },
    lastPosition: () => attempt(() => selectLastPosition.get() ?? 0),
    probeWrites: () =>
      attempt(() => {
        probeWrite(db);
        const free = freeBytes(options.file);
        if (free !== undefined && free < MIN_FREE_BYTES)
          throw new Error(
            `only ${Math.floor(free / 1024 / 1024)} MB free on the disk holding ${options.file}: free some space`,
          );
      }),
    close: async () => {
      // The thread's connection goes first, so this one is the last and leaves no WAL behind.
      await checkpointer?.close();
      db.close();
    },
    ...(checkpointer === undefined ? {} : { checkpointer }),
  };
};
