import Database from 'better-sqlite3';
import * as E from 'fp-ts/Either';
import { isDeepStrictEqual } from 'node:util';
import { StoredEvent, decodeStoredEvent, occurredInterval, sameIntervalKey, toLeanEvent } from '../domain';
import { DerivedCopyProblem, StoreFailure } from './port';
import {
  STREAMS_GUARD,
  TREE_SCHEMA,
  buildMissingTree,
  missingTriggers,
  streamsDisagreements,
} from './sqlite-tree';

/** The SQLite file's layout, how older files are brought up to it, and the rows as read back. */

export const SCHEMA = `
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

export interface EventRow {
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

export interface StreamRow {
  readonly negotiation_id: string;
  readonly revision: number;
  readonly last_hash: string;
  readonly event_count: number;
  readonly last_recorded_at: string;
}

/** The columns derived from an event: its lean form, its occurrence interval, its report time. */
export const derivedColumns = (event: Omit<StoredEvent, 'position'>, canonicalText?: string) => {
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
export const migrateDerivedColumns = (db: Database.Database): void => {
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
export const migrateScanIndexes = (db: Database.Database): void => {
  const current = () => (db.pragma('user_version', { simple: true }) as number) >= SCAN_INDEXES_VERSION;
  if (current()) return;
  db.transaction(() => {
    if (current()) return;
    db.exec(SCAN_INDEXES);
    db.pragma(`user_version = ${SCAN_INDEXES_VERSION}`);
  }).immediate();
};

/** Files from before user_version 3 get their tree, built once from the events in position order. */
export const migrateTree = (db: Database.Database): void => {
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
export const refuseTampered = (db: Database.Database, file: string, phase: 'before' | 'after'): void => {
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

export const invariant = (message: string): never => {
  throw new Error(`invariant: ${message}`);
};

export const failure = (error: unknown): StoreFailure => ({
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

/** A stored row as the event it holds: data is the canonical JSON the hash covers; the hash has its column. */
export const rowToEvent = (row: EventRow): StoredEvent => {
  const decoded = decodeStoredEvent({ ...(JSON.parse(row.data) as object), hash: row.hash }, row.position);
  if (E.isLeft(decoded))
    throw new Error(
      `stored event at position ${row.position} does not decode: ${JSON.stringify(decoded.left)}`,
    );
  return decoded.right;
};
