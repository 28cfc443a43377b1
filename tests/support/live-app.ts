import Database from 'better-sqlite3';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppOptions, ServerLimits, createApp, createHttpServer } from '../../src/api';
import { createTracker } from '../../src/application/tracker';
import { LiveFeed, createLiveFeed } from '../../src/application/live-feed';
import { hashToken, parseTokenSpec, principalLookup } from '../../src/auth';
import { EventStore, createInMemoryEventStore, createSqliteEventStore } from '../../src/store';
import { AdapterName } from './app-harness';
import { checkContract } from './contract';
import { manualClock, unwrap } from './builders';

export const WRITER_TOKEN = 'nt_live_writer_token';
export const READER_TOKEN = 'nt_live_reader_token';

export interface LiveApp {
  readonly url: string;
  readonly app: ReturnType<typeof createApp>;
  readonly server: Server;
  readonly store: EventStore;
  readonly liveFeed: LiveFeed;
  /** The SQLite file, for the sqlite adapter. */
  readonly file?: string;
  /**
   * A digest of everything stored: the events as read back and, for SQLite, the database file's bytes after a
   * checkpoint has folded the write-ahead log into it. Equal digests mean a byte-for-byte unchanged store.
   */
  readonly digest: () => Promise<string>;
  readonly close: () => Promise<void>;
}

/**
 * The real app with token access (a writer and a reader token) over a fresh store of the named adapter, served on
 * a loopback port by the production HTTP server (limits included), so clients race over real sockets.
 */
export const liveApp = async (
  adapter: AdapterName,
  options: {
    limits?: ServerLimits;
    app?: Partial<AppOptions>;
    /** A store of another adapter (EventStoreDB over the protocol double) instead of a fresh one. */
    store?: EventStore;
    /** Heartbeat interval of the live feed behind GET /stream (default the feed's own). */
    heartbeatMs?: number;
  } = {},
): Promise<LiveApp> => {
  const clock = manualClock('2025-01-05T08:00:00.000Z');
  const dir = adapter === 'sqlite' ? mkdtempSync(join(tmpdir(), 'tracker-live-')) : undefined;
  const file = dir === undefined ? undefined : join(dir, 'events.sqlite');
  const store =
    options.store ?? (file ? createSqliteEventStore({ file, clock }) : createInMemoryEventStore(clock));
  const liveFeed = createLiveFeed({
    store,
    ...(options.heartbeatMs === undefined ? {} : { heartbeatMs: options.heartbeatMs }),
  });
  const principals = unwrap(
    parseTokenSpec(`walt:writer:${hashToken(WRITER_TOKEN)},rita:reader:${hashToken(READER_TOKEN)}`),
  );
  const app = createApp({
    tracker: createTracker({ store, newEventId: randomUUID }),
    clock,
    storeName: adapter,
    access: { principalFor: principalLookup(principals), readsRequireAuth: false },
    principals,
    writesPerMinute: 1_000_000,
    liveFeed,
    readsPerMinute: 1_000_000,
    ...options.app,
  });
  const server = createHttpServer(app, options.limits);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const checkpointer = file === undefined ? undefined : new Database(file);
  const digest = async () => {
    const hash = createHash('sha256').update(JSON.stringify(unwrap(await store.readAll()())));
    if (checkpointer !== undefined && file !== undefined) {
      checkpointer.pragma('wal_checkpoint(TRUNCATE)');
      hash.update(readFileSync(file));
    }
    return hash.digest('hex');
  };
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    server,
    store,
    ...(file === undefined ? {} : { file }),
    digest,
    liveFeed,
    close: async () => {
      liveFeed.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      checkpointer?.close();
      await store.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
};

export const writerHeaders = {
  authorization: `Bearer ${WRITER_TOKEN}`,
  'content-type': 'application/json',
};

/** A valid reported development; `n` makes its quote (and so its content) distinct. */
export const development = (n: number | string, overrides: Record<string, unknown> = {}) => ({
  id: randomUUID(),
  type: 'StatementIssued',
  occurredAt: '2024-07-04',
  precision: 'day',
  reportedAt: '2024-07-05',
  sources: [
    {
      outlet: 'Test Wire',
      title: 'A report',
      publishedAt: '2024-07-05',
      quote: `statement ${n}`,
      attribution: { kind: 'outlet' },
    },
  ],
  payload: { by: ['Qatar'], kind: 'unilateral', characterisation: 'progress' },
  ...overrides,
});

export interface Posted {
  readonly status: number;
  readonly etag: string | null;
  readonly body: Record<string, unknown>;
  readonly contentType: string;
}

export const postTo = async (
  url: string,
  negotiationId: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Posted> => {
  const response = await fetch(`${url}/negotiations/${negotiationId}/events`, {
    method: 'POST',
    headers: { ...writerHeaders, ...headers },
    body: JSON.stringify(body),
  });
  const posted = {
    status: response.status,
    etag: response.headers.get('etag'),
    contentType: response.headers.get('content-type') ?? '',
    body: (await response.json()) as Record<string, unknown>,
  };
  checkContract('post', `/negotiations/${negotiationId}/events`, {
    status: posted.status,
    headers: { 'content-type': posted.contentType },
    body: posted.body,
  });
  return posted;
};
