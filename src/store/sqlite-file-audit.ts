import Database from 'better-sqlite3';
import { DerivedCopyProblem } from './port';
import { rootAt } from './merkle';
import { derivedCopyProblems } from './sqlite-store';
import { missingTriggers } from './sqlite-tree';

/** One events row as stored, for an audit that must not trust the store's own reading of it. */
export interface StoredEventRow {
  readonly position: number;
  readonly event_id: string;
  readonly negotiation_id: string;
  readonly revision: number;
  readonly recorded_at: string;
  readonly hash: string;
  readonly data: string;
}

export interface StoredStreamRow {
  readonly negotiation_id: string;
  readonly revision: number;
  readonly last_hash: string;
  readonly event_count: number;
  readonly last_recorded_at: string;
}

/** A store file opened for audit: read-only, never created, nothing in it re-created or migrated. */
export interface StoreFileReader {
  readonly missingTriggers: () => readonly string[];
  /** Every events row in position order; read a page at a time, so a long log is never held at once. */
  readonly rows: () => Iterable<StoredEventRow>;
  readonly streams: () => readonly StoredStreamRow[];
  /** False for a file from before the tree (user_version below 3): there is no stored tree to compare. */
  readonly hasTree: boolean;
  readonly storedLeaf: (index: number) => Buffer | undefined;
  /** The stored tree's size and root, or why it cannot be computed from the stored nodes. */
  readonly storedTree: () => { size: number; root: Buffer | string };
  /** How many events the table's AUTOINCREMENT has handed out: more than remain means some were deleted. */
  readonly appendedCount: () => number;
  readonly derivedCopyProblems: (negotiationId?: string) => readonly DerivedCopyProblem[];
  /** Runs `read` in one read transaction, so every part of the audit sees the same commit. */
  readonly snapshot: <A>(read: () => A) => A;
  readonly close: () => void;
}

const PAGE = 5_000;

export const openStoreFileForAudit = (file: string): StoreFileReader => {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  const hasTree =
    db
      .prepare<[], number>(
        `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'merkle_nodes'`,
      )
      .pluck()
      .get() === 1;
  const page = db.prepare<[number], StoredEventRow>(
    `SELECT position, event_id, negotiation_id, revision, recorded_at, hash, data FROM events WHERE position > ?
     ORDER BY position LIMIT ${PAGE}`,
  );
  const leaf = hasTree
    ? db.prepare<[number], Buffer>('SELECT hash FROM merkle_nodes WHERE level = 0 AND idx = ?').pluck()
    : undefined;
  const node = hasTree
    ? db
        .prepare<[number, number], Buffer>('SELECT hash FROM merkle_nodes WHERE level = ? AND idx = ?')
        .pluck()
    : undefined;
  const size = hasTree
    ? db.prepare<[], number>('SELECT coalesce(max(idx) + 1, 0) FROM merkle_nodes WHERE level = 0').pluck()
    : undefined;
  return {
    missingTriggers: () => missingTriggers(db),
    rows: function* () {
      for (let rows = page.all(0); rows.length > 0; rows = page.all(rows[rows.length - 1]?.position ?? 0))
        yield* rows;
    },
    streams: () => db.prepare<[], StoredStreamRow>('SELECT * FROM streams ORDER BY negotiation_id').all(),
    hasTree,
    storedLeaf: (index) => leaf?.get(index),
    storedTree: () => {
      if (node === undefined || size === undefined) return { size: 0, root: 'the file keeps no tree' };
      const treeSize = size.get() ?? 0;
      try {
        const nodes = {
          size: treeSize,
          node: (level: number, index: number) => {
            const hash = node.get(level, index);
            if (hash === undefined)
              throw new Error(`the stored tree lacks its node at level ${level}, index ${index}`);
            return hash;
          },
        };
        return { size: treeSize, root: rootAt(nodes, treeSize) };
      } catch (error) {
        return { size: treeSize, root: error instanceof Error ? error.message : String(error) };
      }
    },
    appendedCount: () =>
      db
        .prepare<[], number>(`SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = 'events'`)
        .pluck()
        .get() ?? 0,
    derivedCopyProblems: (negotiationId) => derivedCopyProblems(db, negotiationId),
    snapshot: (read) => db.transaction(read)(),
    close: () => db.close(),
  };
};
