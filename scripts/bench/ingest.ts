import Database from 'better-sqlite3';
import { loadEmmettSqlite } from './baseline';
import * as E from 'fp-ts/Either';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { newEventId } from '../../src/application/event-ids';
import { decodeNewEvent, occurredInterval, toLeanEvent } from '../../src/domain';
import {
  EventToAppend,
  GENESIS_HASH,
  SQLITE_OCCURRENCE_INDEX,
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

type Batches = ReturnType<typeof batchesOf>;

/** The rows the store would write for the batches, serialised up front (a floor measures SQLite alone). */
const rowsOf = (batches: Batches) => {
  const revisions = new Map<string, number>();
  return batches.map(({ negotiationId, events }) =>
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
};

/**
 * Plain better-sqlite3 inserting `rows` into a fresh file with `schema` (a table named events with at least the
 * columns named here), 100 per transaction in WAL mode with synchronous=FULL; events per second.
 */
const plainInserts = (file: string, schema: string, rows: ReturnType<typeof rowsOf>): number => {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(schema);
  const columns = new Set((db.pragma('table_info(events)') as Array<{ name: string }>).map((c) => c.name));
  const values = {
    event_id: (r: Row) => r.id,
    negotiation_id: (r: Row) => r.negotiationId,
    revision: (r: Row) => r.revision,
    type: (r: Row) => r.type,
    recorded_at: (r: Row) => r.recordedAt,
    hash: (r: Row) => r.hash,
    data: (r: Row) => r.data,
    lean: (r: Row) => r.lean,
    occurred_start: (r: Row) => r.occurredStart,
    occurred_end: (r: Row) => r.occurredEnd,
    reported_at: (r: Row) => r.reportedAt,
  };
  const present = Object.entries(values).filter(([name]) => columns.has(name));
  const insert = db.prepare(
    `INSERT INTO events (${present.map(([name]) => name).join(', ')}) VALUES (${present.map(() => '?').join(', ')})`,
  );
  // Each row's values in column order, built before the clock starts: the floor times SQLite alone.
  const bound = rows.map((batch) => batch.map((r) => present.map(([, value]) => value(r))));
  const insertBatch = db.transaction((batch: ReadonlyArray<ReadonlyArray<unknown>>) => {
    for (const r of batch) insert.run(r);
  });
  const started = process.hrtime.bigint();
  for (const batch of bound) insertBatch(batch);
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  db.close();
  return rows.flat().length / elapsed;
};
type Row = ReturnType<typeof rowsOf>[number][number];

/** The storage floor: the store's own tables, indexes and pragmas, and the same rows, 100 per transaction. */
const storageFloor = (file: string, batches: Batches): number =>
  plainInserts(file, SQLITE_STORE_SCHEMA, rowsOf(batches));

const COLUMNS = `position INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL, negotiation_id TEXT NOT NULL,
  revision INTEGER NOT NULL, type TEXT NOT NULL`;
const STORE_COLUMNS = `${COLUMNS}, recorded_at TEXT NOT NULL, hash TEXT NOT NULL, data TEXT NOT NULL, lean TEXT,
  occurred_start INTEGER, occurred_end INTEGER, reported_at TEXT`;
/**
 * What the floor pays for, one part at a time, on the same rows: a table holding only the canonical JSON and the
 * key columns (position, id, negotiation, revision, type); the store's events columns (adding the lean copy, the
 * hash, the occurrence interval) without any index; then each of the store's indexes alone on that table; then
 * the whole schema, the floor itself (with the streams table, which plain inserts leave empty, and the triggers,
 * which fire only on updates and deletions).
 */
const FLOOR_PARTS: ReadonlyArray<{
  readonly part: string;
  readonly schema: string;
  readonly idIndex: boolean;
}> = [
  {
    part: 'the canonical JSON and the key columns only, no index',
    schema: `CREATE TABLE events (${COLUMNS}, data TEXT NOT NULL);`,
    idIndex: false,
  },
  {
    part: "the store's columns, no index",
    schema: `CREATE TABLE events (${STORE_COLUMNS});`,
    idIndex: false,
  },
  {
    part: '+ unique (negotiation, revision)',
    schema: `CREATE TABLE events (${STORE_COLUMNS}, UNIQUE (negotiation_id, revision));`,
    idIndex: false,
  },
  {
    part: '+ unique event id',
    schema: `CREATE TABLE events (${STORE_COLUMNS}, UNIQUE (event_id));`,
    idIndex: true,
  },
  {
    part: '+ occurrence index with the lean text',
    schema: `CREATE TABLE events (${STORE_COLUMNS});${SQLITE_OCCURRENCE_INDEX}`,
    idIndex: false,
  },
  { part: "the store's whole schema (the floor)", schema: SQLITE_STORE_SCHEMA, idIndex: true },
];

export interface FloorPart {
  readonly part: string;
  readonly ids: IdSource;
  readonly perSecond: number;
}

/** Each of FLOOR_PARTS with both kinds of ids (the parts without an id index once), each on a fresh file. */
export const runFloorBreakdown = (workDir: string, total: number): FloorPart[] => {
  const rows = { sent: rowsOf(batchesOf(total, 10, 'sent')), minted: rowsOf(batchesOf(total, 10, 'minted')) };
  return FLOOR_PARTS.flatMap(({ part, schema, idIndex }, index) =>
    (idIndex ? (['sent', 'minted'] as const) : (['sent'] as const)).map((ids) => {
      const dir = join(workDir, `part-${index}-${ids}`);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      const perSecond = plainInserts(join(dir, 'floor.sqlite'), schema, rows[ids]);
      rmSync(dir, { recursive: true, force: true });
      return { part, ids, perSecond };
    }),
  );
};

const ourStore = async (file: string, batches: Batches): Promise<number> => {
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
const emmett = async (file: string, batches: Batches): Promise<number | undefined> => {
  const loaded = loadEmmettSqlite<EmmettModule>();
  if ('missing' in loaded) {
    console.warn(loaded.missing);
    return undefined;
  }
  const store = loaded.module.getSQLiteEventStore({
    fileName: file,
    schema: { autoMigration: 'CreateOrUpdate' },
  });
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
