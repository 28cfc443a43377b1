import { Worker } from 'node:worker_threads';

/**
 * Moves SQLite's WAL checkpoints off the event loop. By default the connection that commits copies the WAL back
 * into the database file every 1,000 pages, inside a commit, with an fsync: the appends and queries queued
 * behind it wait tens of milliseconds. Here the store turns that off (`wal_autocheckpoint = 0`) and a worker
 * thread with its own connection runs passive checkpoints instead, on the other core, while the event loop
 * goes on committing. Passive checkpoints never block a writer or a reader; the next writer restarts the WAL
 * from its start once all of it has been copied. Under writes that never pause, a checkpoint may never catch up
 * with the end of the WAL: the store keeps a far larger inline checkpoint as a safety net (the committing
 * connection then copies it all and the WAL restarts), and if the thread fails it goes back to inline
 * checkpoints altogether (onFailure).
 *
 * Durability is unchanged: a commit is durable once its WAL frames are synced (synchronous = FULL), whoever
 * copies them back later. A crash at any point leaves a WAL that SQLite replays on the next open.
 */
export interface Checkpointer {
  /** Called after each commit: asks for a checkpoint once enough commits or time have passed since the last. */
  readonly committed: () => void;
  /** Resolves when no checkpoint is running or asked for. */
  readonly idle: () => Promise<void>;
  readonly stats: () => CheckpointStats;
  /** Stops the thread (waiting for a running checkpoint); the store closes its own connection afterwards. */
  readonly close: () => Promise<void>;
}

export interface CheckpointStats {
  readonly completed: number;
  readonly failed: number;
  /** The last checkpoint's WAL size and the frames it copied back (equal when it copied everything). */
  readonly last?: { readonly walFrames: number; readonly checkpointedFrames: number };
  readonly lastError?: string;
}

/**
 * Commits between checkpoints at most, and the longest a committed WAL waits for one. Small and often: each
 * checkpoint's fsync of the database file holds up the commits' fsyncs of the WAL on the same disk, so the
 * longer the checkpoint, the longer the appends behind it wait. Measured with 50 writers on the benchmark store
 * (POST p99, alternating runs): 33 to 45 ms at 4 commits / 50 ms, 37 to 52 at 8 / 100, 59 to 71 at 16 / 200,
 * 164 to 211 at 64 / 1 s and more; 56 to 69 at every commit, where throughput also fell; 36 to 37 with no
 * checkpoint at all during the run.
 */
const COMMITS_PER_CHECKPOINT = 4;
const MAX_DELAY_MS = 50;

// The thread's code is a few lines, given as source so it runs the same under ts-jest and from dist/.
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
db.pragma('synchronous = FULL');
parentPort.on('message', (message) => {
  if (message === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ walFrames: result.log, checkpointedFrames: result.checkpointed });
  } catch (error) {
    parentPort.postMessage({ error: String(error && error.message ? error.message : error) });
  }
});
`;

export const startCheckpointer = (file: string, onFailure: (error: string) => void): Checkpointer => {
  const worker = new Worker(THREAD_SOURCE, {
    eval: true,
    workerData: { file, driver: require.resolve('better-sqlite3') },
  });
  // The thread never keeps the process alive on its own.
  worker.unref();
  let running = false;
  let commitsSince = 0;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let completed = 0;
  let failed = 0;
  let last: CheckpointStats['last'];
  let lastError: string | undefined;
  let waiting: Array<() => void> = [];
  let dead = false;

  const settleIdle = () => {
    if (running || timer !== undefined || commitsSince > 0) return;
    const resolvers = waiting;
    waiting = [];
    for (const resolve of resolvers) resolve();
  };

  const run = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (closed || running || dead) {
      if (closed || dead) commitsSince = 0;
      settleIdle();
      return;
    }
    running = true;
    commitsSince = 0;
    worker.postMessage('checkpoint');
  };

  worker.on('message', (message: { walFrames: number; checkpointedFrames: number } | { error: string }) => {
    running = false;
    if ('error' in message) {
      failed += 1;
      lastError = message.error;
    } else {
      completed += 1;
      last = message;
    }
    // Commits that came in while it ran are checkpointed next (unless the store is closing).
    if (closed) commitsSince = 0;
    else if (commitsSince >= COMMITS_PER_CHECKPOINT) run();
    else if (commitsSince > 0 && timer === undefined) timer = setTimeout(run, MAX_DELAY_MS).unref();
    settleIdle();
  });
  // A thread that fails or ends on its own takes no more checkpoints: the store goes back to inline ones.
  const died = (reason: string) => {
    if (dead) return;
    dead = true;
    running = false;
    commitsSince = 0;
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (!closed) {
      failed += 1;
      lastError = reason;
      onFailure(reason);
    }
    settleIdle();
  };
  worker.on('error', (error) => died(error.message));
  const exited = new Promise<void>((resolve) =>
    worker.once('exit', (code) => {
      died(`checkpoint thread exited (code ${code})`);
      resolve();
    }),
  );

  return {
    committed: () => {
      if (closed || dead) return;
      commitsSince += 1;
      if (running) return;
      if (commitsSince >= COMMITS_PER_CHECKPOINT) run();
      else if (timer === undefined) timer = setTimeout(run, MAX_DELAY_MS).unref();
    },
    idle: () =>
      new Promise<void>((resolve) => {
        waiting.push(resolve);
        if (!running && commitsSince > 0) run();
        settleIdle();
      }),
    stats: () => ({
      completed,
      failed,
      ...(last === undefined ? {} : { last }),
      ...(lastError === undefined ? {} : { lastError }),
    }),
    close: async () => {
      if (closed) return;
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      if (dead) return;
      // Unreferenced, the thread would let the process end before it exits, leaving this promise unsettled and
      // the store's own connection open: while closing, it holds the process.
      worker.ref();
      // Messages are handled in order: a checkpoint asked for before this finishes first.
      worker.postMessage('close');
      await exited;
      running = false;
      commitsSince = 0;
      settleIdle();
    },
  };
};
