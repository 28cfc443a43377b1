import Database from 'better-sqlite3';
import * as E from 'fp-ts/Either';
import { StoredEvent } from '../domain';
import { Decide, EMPTY_HEAD, PlanWriter, appendedEvent } from './append-plan';
import { AppendResult, StoreFailure } from './port';
import { EventRow, StreamRow, derivedColumns, failure, invariant, rowToEvent } from './sqlite-schema';
import { SqliteTree } from './sqlite-tree';

/** Appends committed together at most, so one transaction stays bounded. */
const MAX_GROUP = 500;

export interface WriteHooks {
  /** Runs just before each group commits (the reads' kept revisions go stale). */
  readonly beforeCommit: () => void;
  /** Runs after a group committed (the background checkpointer counts commits). */
  readonly committed: () => void;
}

/**
 * How appends reach a SQLite file: each append's plan decides against the head it reads, and the appends that
 * arrive within one turn of the event loop commit together (see commitGroup).
 */
export const createSqliteWrites = (db: Database.Database, tree: SqliteTree, hooks: WriteHooks) => {
  const selectHead = db.prepare<[string], StreamRow>('SELECT * FROM streams WHERE negotiation_id = ?');
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
        return row ? rowToEvent(row) : undefined;
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
    // This connection's commits do not move data_version: the revisions the reads knew are dropped here (the flush
    // runs in one go, so no read sees the store between the commit and this line).
    hooks.beforeCommit();
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
    hooks.committed();
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
    write,
    watchAppends: (listener: () => void) => {
      watchers.add(listener);
      return () => watchers.delete(listener);
    },
  };
};
