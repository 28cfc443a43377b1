import * as E from 'fp-ts/Either';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInMemoryEventStore } from '../../src/store';
import {
  checkpointSigner,
  loadOrCreateSigningKey,
  openCheckpoint,
  startCheckpointPublisher,
} from '../../src/transparency';
import { appendAll, manualClock, reported } from '../support/builders';
import { eventually } from '../support/eventually';

jest.setTimeout(60_000);

describe('publishing checkpoints out of the process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tracker-publish-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('publishes at start, then every N events or after T seconds with any new, to a file and a command', async () => {
    const clock = manualClock('2025-01-01T00:00:00.000Z');
    const store = createInMemoryEventStore(clock);
    const key = loadOrCreateSigningKey(join(dir, 'key.pem'), 'example.test/log');
    const published = (size: number) => join(dir, `checkpoint-${size}.txt`);
    const hooked = (size: number) => join(dir, `hook-${size}.txt`);
    const publisher = startCheckpointPublisher({
      store,
      signer: checkpointSigner(key),
      file: join(dir, 'checkpoint-{size}.txt'),
      command: `cat > "${dir}/hook-$CHECKPOINT_SIZE.txt"`,
      everyEvents: 3,
      everySeconds: 600,
      pollMs: 10,
      clock,
    });
    try {
      await eventually(30_000, () => publisher.publishedSize() === 0);
      await appendAll(store, [
        reported('TalksResumed', { venue: 'Doha' }),
        reported('TalksStalled', { reason: 'gaps' }),
      ]);
      // Two new events, fewer than three, and no time has passed: nothing yet.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(publisher.publishedSize()).toBe(0);
      await appendAll(store, [reported('TalksResumed', { venue: 'Cairo' })]);
      await eventually(30_000, () => publisher.publishedSize() === 3);
      await appendAll(store, [reported('TalksStalled', { reason: 'again' })]);
      clock.advance(600_000);
      await eventually(30_000, () => publisher.publishedSize() === 4);
    } finally {
      await publisher.stop();
    }
    for (const size of [0, 3, 4]) {
      const note = readFileSync(published(size), 'utf8');
      expect(readFileSync(hooked(size), 'utf8')).toBe(note);
      const opened = openCheckpoint(note, key.verifier);
      expect(E.isRight(opened) && opened.right.size).toBe(size);
    }
    expect(existsSync(published(2))).toBe(false);
  });
});
