import { spawn } from 'node:child_process';
import * as E from 'fp-ts/Either';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Clock, EventStore, systemClock } from '../store';
import { CheckpointSigner, SignedCheckpoint, currentCheckpoint } from './checkpoints';

export interface PublisherOptions {
  readonly store: EventStore;
  readonly signer: CheckpointSigner;
  /** A file to (re)write with each new checkpoint; "{size}" in it is replaced by the tree size. */
  readonly file?: string;
  /** A shell command run with each new checkpoint on its standard input (and CHECKPOINT_SIZE set). */
  readonly command?: string;
  /** Publish once this many events have been added since the last checkpoint... */
  readonly everyEvents: number;
  /** ...or once this long has passed with any added. */
  readonly everySeconds: number;
  /** How often the tree's size is looked at. */
  readonly pollMs?: number;
  readonly clock?: Clock;
  readonly onError?: (message: string) => void;
}

export interface CheckpointPublisher {
  /** The tree size of the last checkpoint published, -1 before the first. */
  readonly publishedSize: () => number;
  stop(): Promise<void>;
}

const writeAtomically = (file: string, text: string) => {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
};

const runHook = (command: string, checkpoint: SignedCheckpoint): Promise<string | undefined> =>
  new Promise((resolve) => {
    const child = spawn('sh', ['-c', command], {
      stdio: ['pipe', 'ignore', 'inherit'],
      env: { ...process.env, CHECKPOINT_SIZE: String(checkpoint.size) },
    });
    child.on('error', (error) => resolve(`the publish command did not start: ${error.message}`));
    child.on('close', (code) => resolve(code === 0 ? undefined : `the publish command exited ${code}`));
    child.stdin.on('error', () => undefined);
    child.stdin.end(checkpoint.note);
  });

/**
 * Copies each new checkpoint out of the process (a file elsewhere, a command that uploads it), so the history
 * has witnesses that someone with the store file cannot reach. The first is published at start.
 */
export const startCheckpointPublisher = (options: PublisherOptions): CheckpointPublisher => {
  const clock = options.clock ?? systemClock;
  const report = options.onError ?? ((message) => console.error(`checkpoint publisher: ${message}`));
  let published = -1;
  let publishedAt = 0;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  const due = (size: number, now: number) =>
    size > published &&
    (published < 0 ||
      size - published >= options.everyEvents ||
      now - publishedAt >= options.everySeconds * 1000);

  const tick = async () => {
    const checkpoint = await currentCheckpoint(options.store, options.signer)();
    if (E.isLeft(checkpoint)) return report(`cannot read the tree: ${JSON.stringify(checkpoint.left)}`);
    const now = clock().getTime();
    if (stopped || !due(checkpoint.right.size, now)) return;
    try {
      if (options.file !== undefined)
        writeAtomically(
          options.file.replaceAll('{size}', String(checkpoint.right.size)),
          checkpoint.right.note,
        );
    } catch (error) {
      return report(
        `cannot write ${options.file}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const failed =
      options.command === undefined ? undefined : await runHook(options.command, checkpoint.right);
    if (failed !== undefined) return report(failed);
    published = checkpoint.right.size;
    publishedAt = now;
  };

  const pollMs = options.pollMs ?? Math.min(1000, options.everySeconds * 1000);
  // One look at a time: a slow hook delays the next, never runs beside it.
  const schedule = () => {
    running = running.then(tick).catch((error: unknown) => report(String(error)));
  };
  schedule();
  const timer = setInterval(schedule, pollMs);
  timer.unref();
  return {
    publishedSize: () => published,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
};
