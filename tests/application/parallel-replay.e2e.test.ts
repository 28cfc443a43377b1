import * as E from 'fp-ts/Either';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replayAll } from '../../src/application/replay';
import { createSqliteEventStore } from '../../src/store';
import { appendAll, manualClock, unwrap } from '../support/builders';
import { referenceLines } from '../support/reference-story';

// Spawns processes (servers, workers, a child Node): generous on a busy machine, never a speed check.
jest.setTimeout(120_000);

// The worker threads run the built JavaScript (they cannot load TypeScript), so the built module is tested.
const BUILT = join(__dirname, '..', '..', 'dist', 'src', 'application', 'parallel-replay.js');
const describeIfBuilt = existsSync(BUILT) ? describe : describe.skip;
if (!existsSync(BUILT))
  console.warn(`parallel replay e2e skipped: ${BUILT} missing; run "npm run build" (npm test does)`);

describeIfBuilt('replaying the embedded file on several threads', () => {
  it('gives exactly the answers of a single-threaded replay, in the same order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tracker-parallel-'));
    const file = join(dir, 'events.sqlite');
    const store = createSqliteEventStore({ file, clock: manualClock() });
    // The reference story under five ids, cut at different lengths so the threads get unequal shares.
    const lines = referenceLines();
    for (let copy = 0; copy < 5; copy += 1)
      await appendAll(
        store,
        lines
          .slice(0, 20 + copy * 9)
          .map((line) => ({ ...line.event, id: line.event.id?.replace(/^.{8}/, `0000000${copy}`) ?? '' })),
        { negotiationId: `story-${copy}` },
      );
    const single = unwrap(await replayAll(store, Date.UTC(2026, 0, 1)));
    await store.close();
    const { replayFileInParallel } = (await import(
      BUILT
    )) as typeof import('../../src/application/parallel-replay');
    const parallel = await replayFileInParallel(file, Date.UTC(2026, 0, 1), 3);
    expect(E.isRight(parallel) && parallel.right).toEqual(single);
    expect(single.negotiations.map((n) => n.events)).toEqual([20, 29, 38, 47, 56]);
    rmSync(dir, { recursive: true, force: true });
  });
});
