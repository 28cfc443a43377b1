import { mkdtempSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src/api';
import { createTracker } from '../../src/application/tracker';
import { EventStore, createInMemoryEventStore, createSqliteEventStore } from '../../src/store';
import { manualClock } from './builders';

export interface Harness {
  readonly app: ReturnType<typeof createApp>;
  readonly store: EventStore;
  readonly clock: ReturnType<typeof manualClock>;
  readonly close: () => Promise<void>;
}

export type AdapterName = 'in-memory' | 'sqlite';
export const ADAPTERS: AdapterName[] = ['in-memory', 'sqlite'];

/** The HTTP app over a fresh store of the named adapter, with a controllable clock. */
export const harness = (adapter: AdapterName, options: { maxLogEvents?: number } = {}): Harness => {
  const clock = manualClock('2025-01-05T08:00:00.000Z');
  const dir = adapter === 'sqlite' ? mkdtempSync(join(tmpdir(), 'tracker-api-')) : undefined;
  const store = dir
    ? createSqliteEventStore({ file: join(dir, 'events.sqlite'), clock })
    : createInMemoryEventStore(clock);
  const tracker = createTracker({ store, newEventId: randomUUID, ...options });
  const app = createApp({ tracker, clock, storeName: adapter });
  return {
    app,
    store,
    clock,
    close: async () => {
      await store.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
};
