import Database from 'better-sqlite3';
import { closeSync, existsSync, mkdirSync, openSync, statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import { appendsThrough } from './append-plan';
import { Clock, EventStore, systemClock } from './port';
import { Checkpointer, startCheckpointer } from './sqlite-checkpointer';
import { attempt, createSqliteReads } from './sqlite-reads';
import {
  SCHEMA,
  migrateDerivedColumns,
  migrateScanIndexes,
  migrateTree,
  refuseTampered,
} from './sqlite-schema';
import { createSqliteTree } from './sqlite-tree';
import { createSqliteWrites } from './sqlite-writes';

export {
  SQLITE_OCCURRENCE_INDEX,
  SQLITE_STORE_SCHEMA,
  SQLITE_STORE_VERSION,
  derivedCopyProblems,
} from './sqlite-schema';
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

/** SQLite's default inline checkpoint, and the far larger one kept under background checkpoints (pages). */
const INLINE_CHECKPOINT_PAGES = 1000;
const SAFETY_CHECKPOINT_PAGES = 20_000;
/** A WAL restarted after a checkpoint is truncated to this size. */
const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

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
 * A new store file (and its folder) readable by this user alone: the log names sources and who recorded what.
 * SQLite gives its WAL and shared-memory files the main file's permissions.
 */
const createOwnerOnly = (file: string): void => {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
};

/**
 * The embedded durable default: one SQLite file in WAL mode with synchronous=FULL, so an acknowledged append
 * survives a crash; each append is one IMMEDIATE transaction, so a batch lands whole or not at all.
 */
export const createSqliteEventStore = (options: SqliteStoreOptions): SqliteEventStore => {
  const clock = options.clock ?? systemClock;
  if (options.file !== ':memory:' && options.readonly !== true) createOwnerOnly(options.file);
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

  const { reads, forgetRevisions } = createSqliteReads(db, tree);
  const { write, watchAppends } = createSqliteWrites(db, tree, {
    beforeCommit: forgetRevisions,
    committed: () => checkpointer?.committed(),
  });

  return {
    ...appendsThrough(write, clock),
    ...reads,
    watchAppends,
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
