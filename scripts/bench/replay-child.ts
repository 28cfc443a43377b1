import * as E from 'fp-ts/Either';
import { replayAll } from '../../src/application/replay';
import { createSqliteEventStore } from '../../src/store';
import { memoryOf } from './measure';

/** `node replay-child.js <file>`: rebuilds every projection and prints events, seconds and peak RSS as JSON. */
const main = async () => {
  const file = process.argv[2];
  if (file === undefined) throw new Error('usage: replay-child <sqlite file>');
  const store = createSqliteEventStore({ file });
  const started = process.hrtime.bigint();
  const replayed = await replayAll(store, Date.UTC(2026, 0, 1));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await store.close();
  if (E.isLeft(replayed)) throw new Error(replayed.left.message);
  console.log(
    JSON.stringify({
      events: replayed.right.events,
      negotiations: replayed.right.negotiations.length,
      seconds,
      peakRssMb: memoryOf('self').peakRssMb,
    }),
  );
};

main().catch((error: unknown) => {
  console.log(JSON.stringify({ error: error instanceof Error ? error.message : String(error) }));
});
