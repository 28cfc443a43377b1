import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import * as E from 'fp-ts/Either';
import { createTracker, Tracker } from './application/tracker';
import { createApp } from './api';
import { Config } from './config';
import { importNdjsonFiles, ndjsonFilesIn } from './import';
import { Clock, EventStore, createSqliteEventStore, systemClock } from './store';
import express from 'express';

export const STORE_FILE_NAME = 'events.sqlite';
export const REFERENCE_STORY_PRINCIPAL = 'reference-story-import';

export interface Runtime {
  readonly store: EventStore;
  readonly tracker: Tracker;
  readonly app: express.Express;
  readonly importedOnStart: number;
}

/** Opens the store the configuration names: the embedded SQLite file by default. */
export const openStore = (
  config: Config,
  clock: Clock = systemClock,
): { store: EventStore; name: string } => ({
  store: createSqliteEventStore({ file: join(config.dataDir, STORE_FILE_NAME), clock }),
  name: 'sqlite',
});

/** The composition root: wires the store, the tracker and the HTTP edge from the configuration. */
export const compose = async (config: Config, clock: Clock = systemClock): Promise<Runtime> => {
  const { store, name } = openStore(config, clock);
  const tracker = createTracker({ store, newEventId: randomUUID });
  let importedOnStart = 0;
  const streams = await store.listStreams()();
  if (E.isLeft(streams)) throw new Error(`cannot open the store: ${streams.left.message}`);
  if (config.importReferenceStory && streams.right.length === 0) {
    const imported = await importNdjsonFiles(
      tracker,
      ndjsonFilesIn(config.eventsDir),
      REFERENCE_STORY_PRINCIPAL,
    );
    if (E.isLeft(imported))
      throw new Error(`cannot import the reference story: ${JSON.stringify(imported.left)}`);
    importedOnStart = imported.right.events;
  }
  const app = createApp({ tracker, clock, storeName: name });
  return { store, tracker, app, importedOnStart };
};
