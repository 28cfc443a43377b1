import * as E from 'fp-ts/Either';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeNewEvent } from '../../src/domain';
import { STORE_FILE_NAME } from '../../src/composition';
import { EventToAppend, createSqliteEventStore } from '../../src/store';
import { negotiationEvents, take } from './workload';

/** The stored log the query, replay, HTTP and memory figures run on: one big negotiation, one small, many more. */
export interface DatasetSpec {
  readonly dir: string;
  readonly total: number;
  readonly big: number;
  readonly small: number;
  readonly spanDays: number;
}

export const BIG = 'bench-big';
export const SMALL = 'bench-small';

const decoded = (event: EventToAppend): EventToAppend => {
  const result = decodeNewEvent(event);
  if (E.isLeft(result)) throw new Error(`workload event does not decode: ${JSON.stringify(result.left)}`);
  return result.right as EventToAppend;
};

/** Builds the dataset through the store's own append (1,000 events per append), or reuses one built before. */
export const ensureDataset = async (spec: DatasetSpec, log: (line: string) => void): Promise<string> => {
  const file = join(spec.dir, STORE_FILE_NAME);
  const marker = join(spec.dir, 'dataset.json');
  const wanted = JSON.stringify({ ...spec, version: 5 });
  if (existsSync(marker) && readFileSync(marker, 'utf8') === wanted && existsSync(file)) return file;
  rmSync(spec.dir, { recursive: true, force: true });
  mkdirSync(spec.dir, { recursive: true });
  const store = createSqliteEventStore({ file });
  const negotiations = [
    { id: BIG, events: spec.big },
    { id: SMALL, events: spec.small },
    ...Array.from({ length: Math.ceil((spec.total - spec.big - spec.small) / 10_000) }, (_, n) => ({
      id: `bench-${String(n).padStart(3, '0')}`,
      events: Math.min(10_000, spec.total - spec.big - spec.small - n * 10_000),
    })),
  ];
  let written = 0;
  for (const [index, { id, events }] of negotiations.entries()) {
    // Every negotiation is reported at the big one's rate (events per day), so the small one differs only in the
    // length of its history: that is what the 1,000-versus-100,000 comparison is about.
    const spanDays = Math.max(1, Math.round((spec.spanDays * events) / spec.big));
    const iterator = negotiationEvents({ seed: 1000 + index, spanDays, events });
    for (let batch = take(iterator, 1000); batch.length > 0; batch = take(iterator, 1000)) {
      const result = await store.append({
        negotiationId: id,
        events: batch.map(decoded),
        expectedRevision: { kind: 'any' },
        recordedBy: 'bench',
      })();
      if (E.isLeft(result)) throw new Error(`dataset append failed: ${JSON.stringify(result.left)}`);
      written += batch.length;
    }
    if (index % 10 === 0) log(`  dataset: ${written} of ${spec.total} events stored`);
  }
  await store.close();
  writeFileSync(marker, wanted);
  return file;
};
