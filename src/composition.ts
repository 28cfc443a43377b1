import { join } from 'node:path';
import * as E from 'fp-ts/Either';
import * as TE from 'fp-ts/TaskEither';
import { newEventId } from './application/event-ids';
import { createTracker, Tracker } from './application/tracker';
import { LiveFeed, createLiveFeed } from './application/live-feed';
import { createAnswerCache, createApp } from './api';
import { Config } from './config';
import { importNdjsonFiles, ndjsonFilesIn } from './import';
import { Clock, EventStore, createSqliteEventStore, systemClock } from './store';
import { createEventStoreDbStore } from './store/eventstoredb';
import express from 'express';
import { accessSync, constants, existsSync } from 'node:fs';
import { Logger, pino } from 'pino';
import pretty from 'pino-pretty';
import { Readiness, createReadiness } from './api/readiness';
import { DEFAULT_STREAM_LIMITS } from './api/streaming';
import { timelinePage } from './web';
import { createMetrics } from './api/metrics';
import {
  PrincipalRecord,
  addPrincipal,
  firstTokenFile,
  parseTokenSpec,
  principalLookup,
  readFirstToken,
  readTokenFile,
  saveFirstToken,
  watchedPrincipals,
} from './auth';
import {
  CheckpointPublisher,
  CheckpointSigner,
  checkpointSigner,
  loadOrCreateSigningKey,
  startCheckpointPublisher,
} from './transparency';

export const STORE_FILE_NAME = 'events.sqlite';
export const REFERENCE_STORY_PRINCIPAL = 'reference-story-import';

export interface Runtime {
  readonly store: EventStore;
  readonly tracker: Tracker;
  readonly app: express.Express;
  /** Followers of the log (server-sent events); closed before the server stops. */
  readonly liveFeed: LiveFeed;
  readonly importedOnStart: number;
  /** A writer token generated on this start because none was configured; shown in full at this start. */
  readonly generatedWriterToken?: string;
  /** The token a first start generated, while it is still accepted: shown masked at each later start. */
  readonly firstWriterToken?: string;
  readonly signer: CheckpointSigner;
  /** Copies checkpoints out when CHECKPOINT_PUBLISH_FILE or CHECKPOINT_PUBLISH_COMMAND is set. */
  readonly publisher?: CheckpointPublisher;
  /** Absent when LOG_LEVEL is silent. */
  readonly logger?: Logger;
  readonly readiness: Readiness;
}

/** The checkpoint signer of this data directory (or of CHECKPOINT_KEY_FILE): the same key on every start. */
export const loadSigner = (config: Config): CheckpointSigner =>
  checkpointSigner(loadOrCreateSigningKey(config.checkpointKeyFile, config.checkpointOrigin));

/**
 * One JSON line per entry, or (in a terminal) one short coloured line per entry for a person; none at all when
 * silenced, since building log lines nobody reads costs every request.
 */
export const createLogger = (
  config: Pick<Config, 'logLevel'>,
  terminal: boolean = process.stdout.isTTY === true,
  destination?: NodeJS.WritableStream,
): Logger | undefined => {
  if (config.logLevel === 'silent') return undefined;
  if (!terminal)
    return destination === undefined
      ? pino({ level: config.logLevel })
      : pino({ level: config.logLevel }, destination);
  // The message says the request; ids and fields stay in the JSON logs.
  const oneLine = pretty({
    colorize: destination === undefined,
    sync: true,
    singleLine: true,
    ignore: 'pid,hostname,req,res,responseTime',
    ...(destination === undefined ? {} : { destination }),
  });
  return pino({ level: config.logLevel }, oneLine);
};

/** A store file this process cannot write is opened for reading: reads are served, readiness says why not writes. */
const writable = (file: string): boolean => {
  if (!existsSync(file)) return true;
  try {
    accessSync(file, constants.W_OK);
    return true;
  } catch {
    return false;
  }
};

export const GENERATED_WRITER = 'local-writer';

/**
 * Principals from AUTH_TOKENS and the tokens file. With none configured at all, a writer token is generated and
 * its digest saved in the tokens file, so a first `npm start` can write and later starts keep the same token.
 */
export const loadPrincipals = (
  config: Config,
): { principals: PrincipalRecord[]; generatedWriterToken?: string; firstWriterToken?: string } => {
  const fromEnv = config.authTokens === undefined ? E.right([]) : parseTokenSpec(config.authTokens);
  const fromFile = readTokenFile(config.authTokensFile);
  const problems = [...(E.isLeft(fromEnv) ? fromEnv.left : []), ...(E.isLeft(fromFile) ? fromFile.left : [])];
  if (problems.length > 0)
    throw new Error(`cannot load tokens: ${problems.map((p) => `${p.field} ${p.reason}`).join('; ')}`);
  const principals = [
    ...(E.isRight(fromEnv) ? fromEnv.right : []),
    ...(E.isRight(fromFile) ? fromFile.right : []),
  ];
  const keptFile = firstTokenFile(config.authTokensFile);
  if (principals.length > 0) {
    // The first token, while it still works: revoked (its digest gone from the file), it is not shown again.
    const kept = readFirstToken(keptFile);
    return kept !== undefined && principalLookup(principals)(kept) !== undefined
      ? { principals, firstWriterToken: kept }
      : { principals };
  }
  const token = addPrincipal(config.authTokensFile, GENERATED_WRITER, 'writer');
  if (E.isLeft(token))
    throw new Error(`cannot create a token: ${token.left.map((p) => p.reason).join('; ')}`);
  saveFirstToken(keptFile, token.right);
  const created = readTokenFile(config.authTokensFile);
  return {
    principals: E.isRight(created) ? created.right : [],
    generatedWriterToken: token.right,
    firstWriterToken: token.right,
  };
};

/** Opens the store the configuration names: EventStoreDB when EVENTSTORE_URL is set, else the embedded SQLite file. */
export const openStore = (
  config: Config,
  clock: Clock = systemClock,
): { store: EventStore; name: string; sqliteFile?: string } => {
  if (config.eventStoreUrl !== undefined)
    return {
      store: createEventStoreDbStore({ connectionString: config.eventStoreUrl, clock }),
      name: 'eventstoredb',
    };
  const file = join(config.dataDir, STORE_FILE_NAME);
  const readonly = !writable(file);
  return {
    store: createSqliteEventStore({ file, clock, checkpointInBackground: !readonly, readonly }),
    name: 'sqlite',
    sqliteFile: file,
  };
};

/** The composition root: wires the store, the tracker and the HTTP edge from the configuration. */
export const compose = async (config: Config, clock: Clock = systemClock): Promise<Runtime> => {
  const metrics = createMetrics();
  const opened = openStore(config, clock);
  const { name, sqliteFile } = opened;
  const store = metrics.watchStore(opened.store);
  const logger = createLogger(config);
  const readiness = createReadiness({
    ...(store.probeWrites === undefined ? {} : { probe: () => store.probeWrites?.() ?? TE.right(undefined) }),
    store: sqliteFile === undefined ? 'the EventStoreDB store' : `the store file ${sqliteFile}`,
    ...(logger === undefined ? {} : { logger }),
  });
  const tracker = createTracker({
    store,
    newEventId,
    ...(config.maxNegotiationEvents === undefined ? {} : { maxLogEvents: config.maxNegotiationEvents }),
  });
  let importedOnStart = 0;
  const streams = await store.listStreams()();
  if (E.isLeft(streams)) throw new Error(`cannot open the store: ${streams.left.message}`);
  if (config.importReferenceStory && streams.right.length === 0 && readiness.state().ready) {
    const imported = await importNdjsonFiles(
      tracker,
      ndjsonFilesIn(config.eventsDir),
      REFERENCE_STORY_PRINCIPAL,
    );
    if (E.isLeft(imported))
      throw new Error(`cannot import the reference story: ${JSON.stringify(imported.left)}`);
    importedOnStart = imported.right.events;
  }
  const { generatedWriterToken, firstWriterToken } = loadPrincipals(config);
  const fromEnv = config.authTokens === undefined ? E.right([]) : parseTokenSpec(config.authTokens);
  const principals = watchedPrincipals(
    config.authTokensFile,
    E.isRight(fromEnv) ? fromEnv.right : [],
    (problems) =>
      console.error(
        `tokens file ${config.authTokensFile} not reloaded (the last good one stays in use): ${problems.map((p) => `${p.field} ${p.reason}`).join('; ')}`,
      ),
  );
  const signer = loadSigner(config);
  const publisher =
    config.checkpointPublishFile === undefined && config.checkpointPublishCommand === undefined
      ? undefined
      : startCheckpointPublisher({
          store,
          signer,
          ...(config.checkpointPublishFile === undefined ? {} : { file: config.checkpointPublishFile }),
          ...(config.checkpointPublishCommand === undefined
            ? {}
            : { command: config.checkpointPublishCommand }),
          everyEvents: config.checkpointEveryEvents,
          everySeconds: config.checkpointEverySeconds,
          clock,
        });
  const liveFeed = createLiveFeed({ store });
  const app = createApp({
    metrics: { metrics, open: config.metricsOpen },
    checkpoints: { store, signer },
    tracker,
    liveFeed,
    clock,
    storeName: name,
    extraRoutes: timelinePage({
      knows: async (negotiationId) => {
        const revision = await tracker.streamRevision(negotiationId)();
        return E.isLeft(revision) || revision.right >= 0;
      },
    }),
    access: { principalFor: principalLookup(principals), readsRequireAuth: config.readsRequireAuth },
    principals,
    writesPerMinute: config.writesPerMinute,
    readsPerMinute: config.readsPerMinute,
    anonymousPerMinute: config.unauthenticatedPerMinute,
    trustProxy: config.trustProxy,
    admission: { concurrency: config.expensiveReads, queueLength: config.expensiveReadsQueue },
    streamLimits: { ...DEFAULT_STREAM_LIMITS, stallTimeoutMs: config.streamStallTimeoutMs },
    readiness,
    bodyLimit: config.bodyLimit,
    corsOrigins: config.corsOrigins,
    answerCache: config.answerCacheMb === 0 ? null : createAnswerCache(config.answerCacheMb * 1024 * 1024),
    ...(logger === undefined ? {} : { logger }),
  });
  return {
    store,
    tracker,
    app,
    liveFeed,
    importedOnStart,
    readiness,
    ...(logger === undefined ? {} : { logger }),
    ...(generatedWriterToken === undefined ? {} : { generatedWriterToken }),
    ...(firstWriterToken === undefined ? {} : { firstWriterToken }),
    signer,
    ...(publisher === undefined ? {} : { publisher }),
  };
};
