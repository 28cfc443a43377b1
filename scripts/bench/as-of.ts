import Database from 'better-sqlite3';
import { loadEmmettSqlite } from './baseline';
import * as E from 'fp-ts/Either';
import { createTracker } from '../../src/application/tracker';
import { Development, evolve, initialState, stateAsOf, statusView } from '../../src/projections';
import { createSqliteEventStore } from '../../src/store';
import { endOfDateOrDateTime, occurredInterval, StoredEvent } from '../../src/domain';
import { percentile, seededRandom } from './index';

export interface LatencyFigures {
  readonly queries: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

const randomDates = (count: number, spanDays: number, seed: number): string[] => {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () =>
    new Date(Date.UTC(2020, 0, 1) + Math.floor(random() * spanDays) * 86_400_000).toISOString().slice(0, 10),
  );
};

const latencies = (samplesMs: number[]): LatencyFigures => {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  return { queries: sorted.length, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99) };
};

const timed = (run: () => unknown): number => {
  const started = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - started) / 1e6;
};

/** Status as of random dates through the tracker (warm cache), as the API computes it. */
export const trackerLatency = async (
  file: string,
  negotiationId: string,
  queries: number,
  spanDays: number,
): Promise<LatencyFigures> => {
  const store = createSqliteEventStore({ file });
  const tracker = createTracker({ store, newEventId: () => 'unused' });
  const samples: number[] = [];
  for (const asOf of randomDates(queries + 50, spanDays, 7)) {
    const started = process.hrtime.bigint();
    const snapshot = await tracker.snapshot(negotiationId)();
    if (E.isLeft(snapshot)) throw new Error(`no ${negotiationId}`);
    statusView(stateAsOf(snapshot.right.log, { asOf }), endOfDateOrDateTime(asOf));
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  await store.close();
  // The first queries load the stream into the cache; the figure is for a warm server.
  return latencies(samples.slice(50));
};

/** The peer approach: an indexed SQLite read of the events up to the date, then a fold, on every query. */
export const readAndFoldLatency = (
  file: string,
  negotiationId: string,
  queries: number,
  spanDays: number,
): LatencyFigures => {
  const db = new Database(file);
  db.exec(`CREATE TABLE IF NOT EXISTS bench_occurrence (negotiation_id TEXT, occurred_start INTEGER, lean TEXT);
    CREATE INDEX IF NOT EXISTS bench_occurrence_at ON bench_occurrence (negotiation_id, occurred_start)`);
  const present = db
    .prepare('SELECT count(*) AS n FROM bench_occurrence WHERE negotiation_id = ?')
    .get(negotiationId) as { n: number };
  if (present.n === 0) {
    const insert = db.prepare('INSERT INTO bench_occurrence VALUES (?, ?, ?)');
    const rows = db.prepare('SELECT lean FROM events WHERE negotiation_id = ?').all(negotiationId) as Array<{
      lean: string;
    }>;
    db.transaction(() => {
      for (const { lean } of rows)
        insert.run(negotiationId, occurredInterval(JSON.parse(lean) as StoredEvent).startMs, lean);
    })();
  }
  const select = db.prepare(
    'SELECT lean FROM bench_occurrence WHERE negotiation_id = ? AND occurred_start <= ? ORDER BY occurred_start',
  );
  const samples = randomDates(queries, spanDays, 11).map((asOf) =>
    timed(() => {
      let state = initialState;
      for (const { lean } of select.all(negotiationId, endOfDateOrDateTime(asOf)) as Array<{ lean: string }>)
        state = evolve(state, JSON.parse(lean) as Development);
      return state;
    }),
  );
  db.close();
  return latencies(samples);
};

interface EmmettStore {
  appendToStream: (stream: string, events: Array<{ type: string; data: unknown }>) => Promise<unknown>;
  aggregateStream: <S>(
    stream: string,
    options: { evolve: (state: S, event: { type: string; data: unknown }) => S; initialState: () => S },
  ) => Promise<{ state: S }>;
}

/** emmett-sqlite's aggregateStream: the whole stream read and folded per query (dates after asOf skipped). */
export const emmettAggregateLatency = async (
  workFile: string,
  source: string,
  negotiationId: string,
  queries: number,
  spanDays: number,
): Promise<LatencyFigures | undefined> => {
  const loaded = loadEmmettSqlite<{
    getSQLiteEventStore: (options: {
      fileName: string;
      schema: { autoMigration: 'CreateOrUpdate' };
    }) => EmmettStore;
  }>();
  if ('missing' in loaded) {
    console.warn(loaded.missing);
    return undefined;
  }
  const emmett = loaded.module;
  const store = emmett.getSQLiteEventStore({
    fileName: workFile,
    schema: { autoMigration: 'CreateOrUpdate' },
  });
  const db = new Database(source, { readonly: true });
  const rows = db
    .prepare('SELECT lean FROM events WHERE negotiation_id = ? ORDER BY revision')
    .all(negotiationId) as Array<{ lean: string }>;
  db.close();
  for (let start = 0; start < rows.length; start += 1000)
    await store.appendToStream(
      negotiationId,
      rows.slice(start, start + 1000).map(({ lean }) => {
        const event = JSON.parse(lean) as Development;
        return { type: event.type, data: event };
      }),
    );
  const samples: number[] = [];
  for (const asOf of randomDates(queries, spanDays, 13)) {
    const untilMs = endOfDateOrDateTime(asOf);
    const started = process.hrtime.bigint();
    await store.aggregateStream<typeof initialState>(negotiationId, {
      initialState: () => initialState,
      evolve: (state, { data }) => {
        const event = data as Development;
        return occurredInterval(event).startMs <= untilMs ? evolve(state, event) : state;
      },
    });
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return latencies(samples);
};
