import Database from 'better-sqlite3';
import * as E from 'fp-ts/Either';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { newEventId } from '../../src/application/event-ids';
import { decodeNewEvent, occurredInterval, toLeanEvent } from '../../src/domain';
import {
  EventToAppend,
  GENESIS_HASH,
  SQLITE_STORE_SCHEMA,
  createSqliteEventStore,
  hashEvent,
} from '../../src/store';
import { seconds } from './measure';
import { negotiationEvents } from './workload';

const BATCH = 100;

const decoded = (event: EventToAppend): EventToAppend => {
  const result = decodeNewEvent(event);
  if (E.isLeft(result)) throw new Error(`workload event does not decode: ${JSON.stringify(result.left)}`);
  return result.right as EventToAppend;
};

/**
 * Where the events' ids come from: `sent`, the workload's own random (version 4) ids, as clients that send ids
 * for idempotent retries do; `minted`, ids minted in append order as the tracker mints them for events sent
 * without one (time-ordered, see event-ids.ts), the default path.
 */
export type IdSource = 'sent' | 'minted';

/** The same batches of 100 events for every contender: `negotiations` streams, interleaved batch by batch. */
const batchesOf = (
  total: number,
  negotiations: number,
  ids: IdSource,
): Array<{ negotiationId: string; events: EventToAppend[] }> => {
  const perNegotiation = Math.ceil(total / negotiations);
  const sources = Array.from({ length: negotiations }, (_, n) => ({
    negotiationId: `ingest-${n}`,
    // Decoded, as the HTTP edge hands them to the store.
    events: [...negotiationEvents({ seed: 100 + n, spanDays: 1500, events: perNegotiation })].map(decoded),
  }));
  const batches: Array<{ negotiationId: string; events: EventToAppend[] }> = [];
  for (let start = 0; start < perNegotiation; start += BATCH)
    for (const { negotiationId, events } of sources) {
      const batch = events.slice(start, start + BATCH);
      batches.push({
        negotiationId,
        events: ids === 'sent' ? batch : batch.map((event) => ({ ...event, id: newEventId() })),
      });
    }
  return batches;
};

/**
 * Plain better-sqlite3: the store's own tables, indexes and pragmas, and the same (pre-serialised) rows, inserted
 * 100 per transaction.
 */
const storageFloor = (file: string, batches: ReturnType<typeof batchesOf>): number => {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(SQLITE_STORE_SCHEMA);
  const revisions = new Map<string, number>();
  const rows = batches.map(({ negotiationId, events }) =>
    events.map((event) => {
      const revision = (revisions.get(negotiationId) ?? -1) + 1;
      revisions.set(negotiationId, revision);
      const record = {
        ...event,
        negotiationId,
        revision,
        recordedAt: new Date().toISOString(),
        recordedBy: 'bench',
        previousHash: GENESIS_HASH,
      };
      const stored = { ...record, hash: hashEvent(record) };
      const interval = occurredInterval(stored);
      return {
        ...stored,
        data: JSON.stringify(stored),
        lean: JSON.stringify(toLeanEvent(stored)),
        occurredStart: interval.startMs,
        occurredEnd: interval.endMs,
      };
    }),
  );
  const insert = db.prepare(
    `INSERT INTO events (event_id, negotiation_id, revision, type, recorded_at, hash, data, lean, occurred_start,
       occurred_end, reported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertBatch = db.transaction((batch: (typeof rows)[number]) => {
    for (const r of batch)
      insert.run(
        r.id,
        r.negotiationId,
        r.revision,
        r.type,
        r.recordedAt,
        r.hash,
        r.data,
        r.lean,
        r.occurredStart,
        r.occurredEnd,
        r.reportedAt,
      );
  });
  const started = process.hrtime.bigint();
  for (const batch of rows) insertBatch(batch);
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  db.close();
  return rows.flat().length / elapsed;
};

const ourStore = async (file: string, batches: ReturnType<typeof batchesOf>): Promise<number> => {
  // As the server runs it: checkpoints on their own thread.
  const store = createSqliteEventStore({ file, checkpointInBackground: true });
  const { seconds: elapsed } = await seconds(async () => {
    for (const { negotiationId, events } of batches) {
      const result = await store.append({
        negotiationId,
        events,
        expectedRevision: { kind: 'any' },
        recordedBy: 'bench',
      })();
      if (E.isLeft(result)) throw new Error(`append failed: ${JSON.stringify(result.left)}`);
    }
  });
  await store.close();
  return batches.reduce((sum, b) => sum + b.events.length, 0) / elapsed;
};

interface EmmettModule {
  getSQLiteEventStore: (options: { fileName: string; schema: { autoMigration: 'CreateOrUpdate' } }) => {
    appendToStream: (stream: string, events: Array<{ type: string; data: unknown }>) => Promise<unknown>;
  };
}

/** @event-driven-io/emmett-sqlite appending the same events, 100 per call; undefined if it cannot be loaded. */
const emmett = async (file: string, batches: ReturnType<typeof batchesOf>): Promise<number | undefined> => {
  let module: EmmettModule;
  try {
    module = (await import('@event-driven-io/emmett-sqlite')) as unknown as EmmettModule;
  } catch (error) {
    console.warn(`emmett-sqlite baseline unavailable: ${(error as Error).message}`);
    return undefined;
  }
  const store = module.getSQLiteEventStore({ fileName: file, schema: { autoMigration: 'CreateOrUpdate' } });
  const { seconds: elapsed } = await seconds(async () => {
    for (const { negotiationId, events } of batches)
      await store.appendToStream(
        negotiationId,
        events.map(({ type, ...data }) => ({ type, data })),
      );
  });
  return batches.reduce((sum, b) => sum + b.events.length, 0) / elapsed;
};

export type IngestContender = 'floor' | 'store' | 'emmett';

/** Runs one contender on a fresh file; each runs in its own process (see ingest-child.ts) for a fresh heap. */
export const runIngestContender = async (
  contender: IngestContender,
  workDir: string,
  total: number,
  ids: IdSource,
): Promise<number | undefined> => {
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  const batches = batchesOf(total, 10, ids);
  switch (contender) {
    case 'floor':
      return storageFloor(join(workDir, 'floor.sqlite'), batches);
    case 'store':
      return ourStore(join(workDir, 'store.sqlite'), batches);
    case 'emmett':
      return emmett(join(workDir, 'emmett.sqlite'), batches);
    default: {
      const exhaustive: never = contender;
      return exhaustive;
    }
  }
};
