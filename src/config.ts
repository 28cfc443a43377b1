import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { join, resolve } from 'node:path';
import { FieldViolation, oneOf, toFieldViolations } from './domain';
import { validKeyName } from './transparency/signed-note';
import { CONNECTION_STRING_FORMS, isConnectionString } from './store/eventstoredb/connection-string';

const Port = new t.Type<number, string, unknown>(
  'Port',
  (u): u is number => typeof u === 'number',
  (u, c) => {
    const n = typeof u === 'string' && /^\d{1,5}$/.test(u) ? Number(u) : Number.NaN;
    return n >= 0 && n <= 65535 ? t.success(n) : t.failure(u, c, 'must be a port number from 0 to 65535');
  },
  String,
);

const Flag = new t.Type<boolean, string, unknown>(
  'Flag',
  (u): u is boolean => typeof u === 'boolean',
  (u, c) =>
    u === 'true' || u === '1'
      ? t.success(true)
      : u === 'false' || u === '0'
        ? t.success(false)
        : t.failure(u, c, 'must be true or false'),
  String,
);

const NonEmpty = new t.Type<string, string, unknown>(
  'NonEmpty',
  (u): u is string => typeof u === 'string' && u.length > 0,
  (u, c) => (typeof u === 'string' && u.length > 0 ? t.success(u) : t.failure(u, c, 'must not be empty')),
  t.identity,
);

const PositiveInteger = new t.Type<number, string, unknown>(
  'PositiveInteger',
  (u): u is number => typeof u === 'number',
  (u, c) => {
    const n = typeof u === 'string' && /^\d{1,9}$/.test(u) ? Number(u) : Number.NaN;
    return n >= 1 ? t.success(n) : t.failure(u, c, 'must be a positive integer');
  },
  String,
);

const NonNegativeInteger = new t.Type<number, string, unknown>(
  'NonNegativeInteger',
  (u): u is number => typeof u === 'number',
  (u, c) =>
    typeof u === 'string' && /^\d{1,9}$/.test(u)
      ? t.success(Number(u))
      : t.failure(u, c, 'must be a whole number, 0 or more'),
  String,
);

const EventStoreUrl = new t.Type<string, string, unknown>(
  'EventStoreUrl',
  (u): u is string => typeof u === 'string',
  (u, c) =>
    typeof u === 'string' && isConnectionString(u)
      ? t.success(u)
      : t.failure(u, c, `must be an EventStoreDB or KurrentDB connection string, ${CONNECTION_STRING_FORMS}`),
  t.identity,
);

const KeyName = new t.Type<string, string, unknown>(
  'KeyName',
  (u): u is string => typeof u === 'string',
  (u, c) =>
    typeof u === 'string' && validKeyName(u)
      ? t.success(u)
      : t.failure(u, c, 'must be a name without spaces or "+", such as example.com/negotiation-log'),
  t.identity,
);

/**
 * TRUST_PROXY: how many proxy hops to trust for the client's address (X-Forwarded-For), or the proxies' own
 * addresses or subnets (comma-separated; also loopback, linklocal, uniquelocal). Never "true": that would take any
 * client's word for its address, and per-address limits with it.
 */
const TrustProxy = new t.Type<number | string | false, string, unknown>(
  'TrustProxy',
  (u): u is number | string | false => typeof u === 'number' || typeof u === 'string' || u === false,
  (u, c) => {
    if (typeof u !== 'string') return t.failure(u, c, 'must be a string');
    if (u === 'false' || u === '0') return t.success(false);
    if (/^\d{1,2}$/.test(u)) return t.success(Number(u));
    const entries = u.split(',').map((entry) => entry.trim());
    const named = ['loopback', 'linklocal', 'uniquelocal'];
    return entries.every((entry) => named.includes(entry) || /^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(entry))
      ? t.success(entries.join(','))
      : t.failure(
          u,
          c,
          "must be a number of proxy hops or the proxies' addresses or subnets, comma-separated (not true: that would trust any client's X-Forwarded-For)",
        );
  },
  String,
);

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const Environment = t.partial({
  PORT: Port,
  HOST: NonEmpty,
  DATA_DIR: NonEmpty,
  EVENTS_DIR: NonEmpty,
  IMPORT_REFERENCE_STORY: Flag,
  AUTH_TOKENS: NonEmpty,
  AUTH_TOKENS_FILE: NonEmpty,
  READS_REQUIRE_AUTH: Flag,
  METRICS_OPEN: Flag,
  WRITES_PER_MINUTE: PositiveInteger,
  READS_PER_MINUTE: PositiveInteger,
  UNAUTHENTICATED_PER_MINUTE: PositiveInteger,
  TRUST_PROXY: TrustProxy,
  EXPENSIVE_READS: PositiveInteger,
  EXPENSIVE_READS_QUEUE: NonNegativeInteger,
  STREAM_STALL_TIMEOUT_MS: PositiveInteger,
  BODY_LIMIT: NonEmpty,
  CORS_ORIGINS: NonEmpty,
  LOG_LEVEL: oneOf('LOG_LEVEL', LOG_LEVELS),
  EVENTSTORE_URL: EventStoreUrl,
  ANSWER_CACHE_MB: NonNegativeInteger,
  MAX_NEGOTIATION_EVENTS: PositiveInteger,
  CHECKPOINT_KEY_FILE: NonEmpty,
  CHECKPOINT_ORIGIN: KeyName,
  CHECKPOINT_PUBLISH_FILE: NonEmpty,
  CHECKPOINT_PUBLISH_COMMAND: NonEmpty,
  CHECKPOINT_EVERY_EVENTS: PositiveInteger,
  CHECKPOINT_EVERY_SECONDS: PositiveInteger,
});

export interface Config {
  readonly port: number;
  readonly host: string;
  /** Where the embedded store keeps its one file. */
  readonly dataDir: string;
  /** NDJSON files imported into an empty store on first start. */
  readonly eventsDir: string;
  readonly importReferenceStory: boolean;
  /** `principal:role:sha256,...`; tokens themselves are never configured, only their digests. */
  readonly authTokens?: string;
  /** JSON file of principals and token digests (default DATA_DIR/tokens.json). */
  readonly authTokensFile: string;
  readonly readsRequireAuth: boolean;
  /** GET /metrics without a token from any address (by default only from loopback). */
  readonly metricsOpen: boolean;
  readonly writesPerMinute: number;
  /** Reads a minute per client (per token, or per address without one). */
  readonly readsPerMinute: number;
  /** Requests a minute per address that need a token and come without a valid one. */
  readonly unauthenticatedPerMinute: number;
  /** Express's 'trust proxy' (false: the socket's peer is the client). */
  readonly trustProxy: number | string | false;
  /** Reads that fold a whole log (a past knownAt, the timeline, the history) running at once. */
  readonly expensiveReads: number;
  /** Such reads waiting for a turn before the next is answered 503. */
  readonly expensiveReadsQueue: number;
  /** How long a client may read nothing of a streamed answer before it is cut off. */
  readonly streamStallTimeoutMs: number;
  readonly bodyLimit: string;
  readonly corsOrigins: readonly string[];
  readonly logLevel: (typeof LOG_LEVELS)[number];
  /** EventStoreDB instead of the embedded store when set (several API instances can share it). */
  readonly eventStoreUrl?: string;
  /** Megabytes of serialised as-of answers kept for reuse (0: none). */
  readonly answerCacheMb: number;
  /** The longest negotiation folded in memory; unset: what half of the heap holds (see defaultMaxLogEvents). */
  readonly maxNegotiationEvents?: number;
  /** The checkpoints' signing key (Ed25519, PKCS#8 PEM; default DATA_DIR/checkpoint-key.pem, created if absent). */
  readonly checkpointKeyFile: string;
  /** The origin line and key name of every checkpoint. */
  readonly checkpointOrigin: string;
  readonly checkpointPublishFile?: string;
  readonly checkpointPublishCommand?: string;
  readonly checkpointEveryEvents: number;
  readonly checkpointEverySeconds: number;
}

export const DEFAULT_CHECKPOINT_ORIGIN = 'localhost/negotiation-tracker';

/** Reads the configuration from the environment; every bad variable is named. */
export const loadConfig = (
  env: NodeJS.ProcessEnv,
  projectRoot: string,
): E.Either<FieldViolation[], Config> => {
  const present = Object.fromEntries(
    Object.entries(env).filter(([key, value]) => key in Environment.props && value !== ''),
  );
  return E.bimap(
    (errors: t.Errors) => toFieldViolations(errors),
    (vars: t.TypeOf<typeof Environment>): Config => ({
      port: vars.PORT ?? 3000,
      host: vars.HOST ?? '127.0.0.1',
      dataDir: resolve(vars.DATA_DIR ?? './data'),
      eventsDir: resolve(projectRoot, vars.EVENTS_DIR ?? 'events'),
      importReferenceStory: vars.IMPORT_REFERENCE_STORY ?? true,
      ...(vars.AUTH_TOKENS === undefined ? {} : { authTokens: vars.AUTH_TOKENS }),
      authTokensFile: resolve(vars.AUTH_TOKENS_FILE ?? join(vars.DATA_DIR ?? './data', 'tokens.json')),
      readsRequireAuth: vars.READS_REQUIRE_AUTH ?? false,
      metricsOpen: vars.METRICS_OPEN ?? false,
      writesPerMinute: vars.WRITES_PER_MINUTE ?? 6000,
      readsPerMinute: vars.READS_PER_MINUTE ?? 6000,
      unauthenticatedPerMinute: vars.UNAUTHENTICATED_PER_MINUTE ?? 600,
      trustProxy: vars.TRUST_PROXY ?? false,
      expensiveReads: vars.EXPENSIVE_READS ?? 2,
      expensiveReadsQueue: vars.EXPENSIVE_READS_QUEUE ?? 16,
      streamStallTimeoutMs: vars.STREAM_STALL_TIMEOUT_MS ?? 10_000,
      bodyLimit: vars.BODY_LIMIT ?? '2mb',
      corsOrigins: (vars.CORS_ORIGINS ?? '')
        .split(',')
        .map((o) => o.trim())
        .filter((o) => o !== ''),
      logLevel: vars.LOG_LEVEL ?? 'info',
      ...(vars.EVENTSTORE_URL === undefined ? {} : { eventStoreUrl: vars.EVENTSTORE_URL }),
      answerCacheMb: vars.ANSWER_CACHE_MB ?? 32,
      ...(vars.MAX_NEGOTIATION_EVENTS === undefined
        ? {}
        : { maxNegotiationEvents: vars.MAX_NEGOTIATION_EVENTS }),
      checkpointKeyFile: resolve(
        vars.CHECKPOINT_KEY_FILE ?? join(vars.DATA_DIR ?? './data', 'checkpoint-key.pem'),
      ),
      checkpointOrigin: vars.CHECKPOINT_ORIGIN ?? DEFAULT_CHECKPOINT_ORIGIN,
      ...(vars.CHECKPOINT_PUBLISH_FILE === undefined
        ? {}
        : { checkpointPublishFile: resolve(vars.CHECKPOINT_PUBLISH_FILE) }),
      ...(vars.CHECKPOINT_PUBLISH_COMMAND === undefined
        ? {}
        : { checkpointPublishCommand: vars.CHECKPOINT_PUBLISH_COMMAND }),
      checkpointEveryEvents: vars.CHECKPOINT_EVERY_EVENTS ?? 1000,
      checkpointEverySeconds: vars.CHECKPOINT_EVERY_SECONDS ?? 60,
    }),
  )(Environment.decode(present));
};
