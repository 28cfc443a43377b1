import Database from 'better-sqlite3';
import { LogTreeSnapshot, TreeFrontier, eventLeafHash, nodesCompletedBy } from './merkle';

/**
 * The Merkle tree's complete-subtree nodes, written in the same transaction as the events they cover, so a proof
 * or a root is a few point reads and a restart recomputes nothing. Leaf k is the event at position k + 1.
 */
export const TREE_SCHEMA = `
CREATE TABLE IF NOT EXISTS merkle_nodes (
  level INTEGER NOT NULL,
  idx   INTEGER NOT NULL,
  hash  BLOB NOT NULL,
  PRIMARY KEY (level, idx)
) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS merkle_nodes_are_immutable BEFORE UPDATE ON merkle_nodes
BEGIN SELECT RAISE(ABORT, 'tree nodes are immutable'); END;
CREATE TRIGGER IF NOT EXISTS merkle_nodes_are_never_deleted BEFORE DELETE ON merkle_nodes
BEGIN SELECT RAISE(ABORT, 'tree nodes are never deleted'); END;
`;

/** A streams row must name its negotiation's last stored event; the append path is the only writer that does. */
const headMatchesEvent = `EXISTS (SELECT 1 FROM events WHERE negotiation_id = NEW.negotiation_id
  AND revision = NEW.revision AND hash = NEW.last_hash AND recorded_at = NEW.last_recorded_at)`;

export const STREAMS_GUARD = `
CREATE TRIGGER IF NOT EXISTS streams_follow_events BEFORE INSERT ON streams
WHEN NEW.event_count <> NEW.revision + 1 OR NOT ${headMatchesEvent}
BEGIN SELECT RAISE(ABORT, 'a streams row must name its negotiation''s last event'); END;
CREATE TRIGGER IF NOT EXISTS streams_move_with_events BEFORE UPDATE ON streams
WHEN NEW.negotiation_id <> OLD.negotiation_id OR NEW.revision < OLD.revision
  OR NEW.event_count <> NEW.revision + 1 OR NOT ${headMatchesEvent}
BEGIN SELECT RAISE(ABORT, 'a streams row only moves forward to its negotiation''s last event'); END;
CREATE TRIGGER IF NOT EXISTS streams_are_never_deleted BEFORE DELETE ON streams
BEGIN SELECT RAISE(ABORT, 'streams are never deleted'); END;
`;

/** Every trigger a current store file has; verify reports the missing ones, the store refuses to open without. */
export const STORE_TRIGGERS = [
  'events_are_immutable',
  'events_are_never_deleted',
  'streams_follow_events',
  'streams_move_with_events',
  'streams_are_never_deleted',
  'merkle_nodes_are_immutable',
  'merkle_nodes_are_never_deleted',
] as const;

export const missingTriggers = (db: Database.Database): string[] => {
  const present = new Set(
    db.prepare<[], string>(`SELECT name FROM sqlite_master WHERE type = 'trigger'`).pluck().all(),
  );
  return STORE_TRIGGERS.filter((name) => !present.has(name));
};

export interface SqliteTree {
  /** Adds the leaves of events just inserted (in position order) and the nodes they complete. */
  appendLeaves(events: ReadonlyArray<{ readonly hash: string; readonly position: number }>): void;
  /** The tree as this connection sees it; call inside a read transaction for one consistent view. */
  snapshot(): LogTreeSnapshot;
}

export const createSqliteTree = (db: Database.Database): SqliteTree => {
  const selectSize = db
    .prepare<[], number>('SELECT coalesce(max(idx) + 1, 0) FROM merkle_nodes WHERE level = 0')
    .pluck();
  const selectNode = db
    .prepare<[number, number], Buffer>('SELECT hash FROM merkle_nodes WHERE level = ? AND idx = ?')
    .pluck();
  const insertNode = db.prepare('INSERT INTO merkle_nodes (level, idx, hash) VALUES (?, ?, ?)');
  const selectLeaf = db.prepare<[string], { position: number; hash: string }>(
    'SELECT position, hash FROM events WHERE event_id = ?',
  );
  const node = (level: number, index: number): Buffer => {
    const hash = selectNode.get(level, index);
    if (hash === undefined) throw new Error(`the tree has no node at level ${level}, index ${index}`);
    return hash;
  };
  return {
    appendLeaves: (events) => {
      let size = selectSize.get() ?? 0;
      for (const event of events) {
        // Positions count from 1 without gaps, so a leaf's index is its position less one.
        if (event.position !== size + 1)
          throw new Error(`invariant: the event at position ${event.position} would be leaf ${size}`);
        for (const { level, index, hash } of nodesCompletedBy(size, eventLeafHash(event.hash), node))
          insertNode.run(level, index, hash);
        size += 1;
      }
    },
    snapshot: () => {
      const size = selectSize.get() ?? 0;
      return {
        size,
        node,
        leafOf: (eventId) => {
          const row = selectLeaf.get(eventId);
          return row === undefined ? undefined : { index: row.position - 1, eventHash: row.hash };
        },
      };
    },
  };
};

/**
 * Builds the tree of a file written before it existed, from its events in position order (once). A file whose
 * positions have a gap cannot be given a tree: events are missing, and the store refuses it.
 */
export const buildMissingTree = (db: Database.Database): void => {
  const treeSize = db
    .prepare<[], number>('SELECT coalesce(max(idx) + 1, 0) FROM merkle_nodes WHERE level = 0')
    .pluck()
    .get();
  if (treeSize !== 0) return;
  const insertNode = db.prepare('INSERT INTO merkle_nodes (level, idx, hash) VALUES (?, ?, ?)');
  const frontier = new TreeFrontier();
  // Read a page at a time: this connection cannot write while a query of it is still stepping.
  const page = db.prepare<[number], { position: number; hash: string }>(
    'SELECT position, hash FROM events WHERE position > ? ORDER BY position LIMIT 10000',
  );
  for (let rows = page.all(0); rows.length > 0; rows = page.all(rows[rows.length - 1]?.position ?? Infinity))
    for (const row of rows) {
      if (row.position !== frontier.size + 1)
        throw new Error(
          `cannot build the log's tree: positions ${frontier.size + 1} to ${row.position - 1} are missing (events were deleted); run verify`,
        );
      for (const { level, index, hash } of frontier.push(eventLeafHash(row.hash)))
        insertNode.run(level, index, hash);
    }
};

/**
 * Where the streams rows disagree with the events, in point reads per negotiation: a row whose last event is not
 * there or says otherwise, and events no row counts (their total against the tree's size).
 */
export const streamsDisagreements = (db: Database.Database): string[] => {
  const problems: string[] = [];
  const lastOf = db.prepare<[string], { revision: number; hash: string; recorded_at: string }>(
    'SELECT revision, hash, recorded_at FROM events WHERE negotiation_id = ? ORDER BY revision DESC LIMIT 1',
  );
  let counted = 0;
  const rows = db
    .prepare<
      [],
      {
        negotiation_id: string;
        revision: number;
        last_hash: string;
        event_count: number;
        last_recorded_at: string;
      }
    >('SELECT * FROM streams ORDER BY negotiation_id')
    .all();
  for (const row of rows) {
    counted += row.event_count;
    const last = lastOf.get(row.negotiation_id);
    if (last === undefined) problems.push(`${row.negotiation_id}: a streams row with no events`);
    else if (last.revision !== row.revision)
      problems.push(
        `${row.negotiation_id}: the streams row says revision ${row.revision}, the last event is at ${last.revision}`,
      );
    else if (last.hash !== row.last_hash || last.recorded_at !== row.last_recorded_at)
      problems.push(`${row.negotiation_id}: the streams row does not name the last event's hash`);
    else if (row.event_count !== row.revision + 1)
      problems.push(
        `${row.negotiation_id}: the streams row counts ${row.event_count} events to revision ${row.revision}`,
      );
  }
  const stored = db.prepare<[], number>('SELECT coalesce(max(position), 0) FROM events').pluck().get() ?? 0;
  if (counted !== stored)
    problems.push(
      `the streams rows count ${counted} events, the log's positions run to ${stored} (a negotiation's row is missing)`,
    );
  return problems;
};
