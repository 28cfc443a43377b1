import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteEventStore, findChainBreak } from '../../src/store';
import { startCheckpointer } from '../../src/store/sqlite-checkpointer';
import { appendAll, manualClock, reported, unwrap } from '../support/builders';
import { describeEventStoreConformance } from './event-store-conformance';

// Spawns processes (servers, workers, a child Node): generous on a busy machine, never a speed check.
jest.setTimeout(120_000);

const tempDir = () => mkdtempSync(join(tmpdir(), 'tracker-checkpoint-'));

describeEventStoreConformance('SQLite store with checkpoints on a worker thread', (clock) => {
  const dir = tempDir();
  return Promise.resolve({
    store: createSqliteEventStore({ file: join(dir, 'events.sqlite'), clock, checkpointInBackground: true }),
    cleanup: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
  });
});

describe('WAL checkpoints on a worker thread', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const batch = (size: number, from: number) =>
    Array.from({ length: size }, (_, i) =>
      reported(
        'PositionStated',
        { issueId: 'corridors', party: 'Hamas', position: `position ${from + i}` },
        { occurredAt: '2024-07-05' },
      ),
    );

  it('copy the committed WAL back into the database file while appends go on', async () => {
    const file = join(dir, 'events.sqlite');
    const store = createSqliteEventStore({ file, clock: manualClock(), checkpointInBackground: true });
    expect(store.checkpointer).toBeDefined();
    const sizeBefore = statSync(file).size;
    for (let round = 0; round < 40; round += 1) await appendAll(store, batch(25, round * 25));
    await store.checkpointer?.idle();
    const stats = store.checkpointer?.stats();
    expect(stats?.failed).toBe(0);
    expect(stats?.completed).toBeGreaterThanOrEqual(1);
    // The last checkpoint copied every frame of the WAL: the events are in the database file itself.
    expect(stats?.last?.checkpointedFrames).toBe(stats?.last?.walFrames);
    expect(statSync(file).size).toBeGreaterThan(sizeBefore);
    // Another connection reads them all, in one unbroken chain.
    const reader = new Database(file, { readonly: true });
    expect((reader.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n).toBe(1000);
    reader.close();
    expect(findChainBreak(unwrap(await store.readStream('n')()))).toBeUndefined();
    await store.close();
    // The thread's connection closed first, so the store's was the last and removed the WAL.
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  it('leave nothing behind and lose nothing when the store closes right after appending', async () => {
    const file = join(dir, 'events.sqlite');
    const store = createSqliteEventStore({ file, clock: manualClock(), checkpointInBackground: true });
    await appendAll(store, batch(10, 0));
    await store.close();
    const reopened = createSqliteEventStore({ file });
    expect(unwrap(await reopened.readStream('n')())).toHaveLength(10);
    await reopened.close();
  });

  it('let a process that closes its store and has nothing else to do finish the close', () => {
    // The built store (npm test builds before jest), in a process of its own: nothing else keeps it alive.
    const storeModule = join(__dirname, '..', '..', 'dist', 'src', 'store', 'index.js');
    const file = join(dir, 'events.sqlite');
    const script = `
      const { createSqliteEventStore } = require(${JSON.stringify(storeModule)});
      const store = createSqliteEventStore({ file: ${JSON.stringify(file)}, checkpointInBackground: true });
      store.close().then(() => console.log('closed'));
    `;
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20_000 });
    expect(child.stderr).toBe('');
    expect(child.stdout.trim()).toBe('closed');
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  it('hand checkpoints back to the store when the thread fails, and still close', async () => {
    const failures: string[] = [];
    // A file the thread cannot open: its connection fails as it starts.
    const checkpointer = startCheckpointer(join(dir, 'missing', 'events.sqlite'), (reason) =>
      failures.push(reason),
    );
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (failures.length > 0) {
          clearInterval(poll);
          resolve();
        }
      }, 10);
    });
    expect(failures[0]).toMatch(/directory does not exist|unable to open|cannot open/i);
    expect(checkpointer.stats()).toMatchObject({ failed: 1 });
    // Asking for more does nothing and waits for nothing.
    checkpointer.committed();
    await checkpointer.idle();
    await checkpointer.close();
    expect(failures).toHaveLength(1);
  });

  it('are not started for an in-memory database or by default', async () => {
    const memory = createSqliteEventStore({ file: ':memory:', checkpointInBackground: true });
    const plain = createSqliteEventStore({ file: join(dir, 'plain.sqlite') });
    expect(memory.checkpointer).toBeUndefined();
    expect(plain.checkpointer).toBeUndefined();
    await memory.close();
    await plain.close();
  });
});
