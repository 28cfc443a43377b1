import compression from 'compression';
import express, { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { Tracker } from '../application/tracker';
import { PrincipalSource, currentPrincipals } from '../auth';
import { Clock, EventStore, systemClock } from '../store';
import { AccessPolicy, OPEN_ACCESS, requireRole, seesDetails } from './access';
import { AnswerCache, createAnswerCache } from './answer-cache';
import { auditRoutes } from './audit-routes';
import { checkpointRoutes } from './checkpoint-routes';
import { CheckpointSigner } from '../transparency';
import { AdmissionLimits, DEFAULT_ADMISSION_LIMITS, createAdmission } from './admission';
import { createSlicedReads } from '../application/sliced-reads';
import { createReadPath } from '../application/read-path';
import { DEFAULT_CLIENT_BUDGETS, clientLimits } from './client-limits';
import { corsPolicy, declaredBodyLimit, requestContext, securityHeaders } from './hardening';
import { ReadControls } from './read-controls';
import { Readiness, notReadyProblem } from './readiness';
import { DEFAULT_STREAM_LIMITS, StreamLimits } from './streaming';
import { createNotices } from './throttled-log';
import { createEventLoopMonitor } from './event-loop';
import { negotiationRoutes } from './negotiation-routes';
import { referenceRoutes } from './reference-routes';
import { JSON_ONLY, methodNotAllowed, produces } from './route-support';
import { StreamOptions, streamRoutes } from './stream-routes';
import { Metrics, metricsRoutes, watchSources } from './metrics';
import { duplicateKeyIn } from './duplicate-keys';
import { schemaRoutes } from './schema-routes';
import { exportRoutes } from './export-routes';
import { LiveFeed } from '../application/live-feed';
import { PROBLEM_CONTENT_TYPE, Problem, bodyTooLargeProblem, sendProblem } from './problem';
import { problemType } from './problem-types';

export interface AppOptions {
  readonly tracker: Tracker;
  /** Who may read and write; OPEN_ACCESS (the default) is for tests and local experiments only. */
  readonly access?: AccessPolicy;
  /** Listed (names and roles, never digests) to admins at GET /admin/principals. */
  readonly principals?: PrincipalSource;
  readonly clock?: Clock;
  /** Largest accepted request body (default 2mb). */
  readonly bodyLimit?: string;
  /** Write requests a minute per writer (default 6000). */
  readonly writesPerMinute?: number;
  /** Read requests a minute per client: per token, or per address without one (default 6000). */
  readonly readsPerMinute?: number;
  /** Requests a minute per address that need a token and come without a valid one (default 600). */
  readonly anonymousPerMinute?: number;
  /** Express's 'trust proxy': the proxy hops (a number) or the proxies' addresses; false (default) for none. */
  readonly trustProxy?: number | string | false;
  /** Admission control of reads that fold a whole log (the budget defaults to the tracker's maxLogEvents). */
  readonly admission?: Partial<AdmissionLimits>;
  /** How much output a slow client may leave unread, and for how long, before it is cut off. */
  readonly streamLimits?: StreamLimits;
  /** Whether the store takes writes (GET /ready, /health); always ready when absent. */
  readonly readiness?: Readiness;
  /** Origins allowed to call the API from a browser (default none). */
  readonly corsOrigins?: readonly string[];
  /** Structured request logs; none when absent. */
  readonly logger?: Logger;
  readonly storeName?: string;
  /** Serialised as-of answers kept for reuse (default: a cache of DEFAULT_ANSWER_CACHE_BYTES); null for none. */
  readonly answerCache?: AnswerCache | null;
  /** Signed checkpoints and proofs of the log's Merkle tree (GET /checkpoint...); absent: not served. */
  readonly checkpoints?: { readonly store: EventStore; readonly signer: CheckpointSigner };
  /** Serves GET /stream and /negotiations/{id}/stream (server-sent events) when given. */
  readonly liveFeed?: LiveFeed;
  readonly streamOptions?: StreamOptions;
  /** GET /metrics and the request counts behind it; `open` serves it without a token to any address. */
  readonly metrics?: { readonly metrics: Metrics; readonly open: boolean };
  /** Extra routes mounted before the API (e.g. the web page). */
  readonly extraRoutes?: (app: express.Express) => void;
}

const bodyParserProblem = (error: {
  type?: string;
  status?: number;
  message?: string;
}): Problem | undefined => {
  switch (error.type ?? '') {
    case 'entity.parse.failed':
      return {
        type: problemType('malformed-json'),
        title: 'Malformed JSON',
        status: 400,
        detail: `The body is not valid JSON: ${error.message ?? 'parse error'}.`,
        errors: [{ field: '(body)', reason: 'is not valid JSON' }],
      };
    case 'entity.duplicate.key':
      return {
        type: problemType('malformed-json'),
        title: 'Duplicate key',
        status: 400,
        detail: `The body gives ${error.message ?? 'a key'} twice in one object; JSON readers disagree on which counts.`,
        errors: [{ field: error.message ?? '(body)', reason: 'is given twice in the same object' }],
      };
    case 'entity.too.large':
      return bodyTooLargeProblem;
    case 'encoding.unsupported':
      return {
        type: problemType('unsupported-encoding'),
        title: 'Unsupported encoding',
        status: 415,
        detail: error.message ?? 'Unsupported body encoding.',
        errors: [{ field: 'Content-Encoding', reason: 'must be identity, gzip, deflate or br' }],
      };
    case 'charset.unsupported':
      return {
        type: problemType('unsupported-encoding'),
        title: 'Unsupported charset',
        status: 415,
        detail: error.message ?? 'Unsupported body charset.',
        errors: [{ field: 'Content-Type', reason: 'charset is not supported' }],
      };
    case 'request.aborted':
    case 'request.size.invalid':
      return {
        type: problemType('incomplete-body'),
        title: 'Incomplete body',
        status: 400,
        detail: 'The request body ended before its declared length.',
        errors: [{ field: '(body)', reason: 'is shorter than Content-Length' }],
      };
    default:
      return undefined;
  }
};

/** The HTTP edge: parses, authenticates, calls the tracker, maps results to JSON and errors to problem+json. */
export const createApp = (options: AppOptions): express.Express => {
  const access = options.access ?? OPEN_ACCESS;
  const clock = options.clock ?? systemClock;
  const answers = options.answerCache === undefined ? createAnswerCache() : options.answerCache;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.set('trust proxy', options.trustProxy ?? false);

  const admission = createAdmission({
    ...DEFAULT_ADMISSION_LIMITS,
    budget: options.tracker.maxLogEvents,
    ...options.admission,
  });
  const notices = createNotices(options.logger);
  const loop = createEventLoopMonitor();
  const sliced = createSlicedReads(options.tracker);
  const controls: ReadControls = {
    sliced,
    reads: createReadPath({ tracker: options.tracker, sliced, clock }),
    admission,
    streams: options.streamLimits ?? DEFAULT_STREAM_LIMITS,
    ...(answers === null ? {} : { answers }),
    onCutOff: (req, { stalledMs, bufferedBytes }) =>
      notices.notice(
        'slow readers cut off',
        { remoteAddress: req.ip, url: req.originalUrl.split('?')[0], bufferedBytes },
        `cut off a client that read nothing for ${stalledMs} ms (${req.method} ${req.originalUrl.split('?')[0]}, ${bufferedBytes} bytes unread)`,
      ),
  };

  if (options.metrics !== undefined) {
    const { metrics } = options.metrics;
    app.use(metrics.requests);
    watchSources(metrics.registry, {
      admission: admission.stats,
      liveClients: () => options.liveFeed?.followers() ?? 0,
    });
  }
  app.use(requestContext(options.logger));
  // Answers of 1 KB and more travel as br or gzip to a client that accepts them.
  app.use(compression());
  app.use(securityHeaders());
  app.use(corsPolicy(options.corsOrigins ?? []));

  // Cheap and never limited or queued: what a load balancer or an operator polls.
  const readiness = () => options.readiness?.state() ?? { ready: true };
  // Open to all, but only this machine and token holders see what is inside (paths, disk, queues).
  app.get('/health', produces(JSON_ONLY), (req, res) => {
    const ready = readiness();
    const brief = {
      status: ready.ready ? 'ok' : 'degraded',
      ready: ready.ready,
      ...(ready.reason === undefined ? {} : { reason: ready.reason }),
      time: clock().toISOString(),
    };
    if (!seesDetails(access, req)) return res.json(brief);
    return res.json({
      ...brief,
      store: options.storeName ?? 'unknown',
      ...(ready.cause === undefined ? {} : { cause: ready.cause }),
      expensiveReads: admission.stats(),
      eventLoopDelay: loop.stats(),
      ...(answers === null ? {} : { answerCache: answers.stats() }),
    });
  });
  app.get('/ready', (req, res) => {
    const ready = readiness();
    const details = seesDetails(access, req);
    if (ready.cause !== undefined)
      return sendProblem(res, notReadyProblem(ready.cause, details ? undefined : ready.reason));
    res.json({ ready: true, ...(details ? { store: options.storeName ?? 'unknown' } : {}) });
  });
  app.all('/health', methodNotAllowed('GET'));
  app.all('/ready', methodNotAllowed('GET'));
  // Like /health, never limited: a scraper polls it.
  if (options.metrics !== undefined)
    app.use(metricsRoutes(options.metrics.metrics.registry, access, options.metrics.open));

  // Each request is counted on its sender's budget: writers by principal, junk by address, reads apart.
  app.use(
    clientLimits(access, {
      writesPerMinute: options.writesPerMinute ?? DEFAULT_CLIENT_BUDGETS.writesPerMinute,
      readsPerMinute: options.readsPerMinute ?? DEFAULT_CLIENT_BUDGETS.readsPerMinute,
      anonymousPerMinute: options.anonymousPerMinute ?? DEFAULT_CLIENT_BUDGETS.anonymousPerMinute,
    }),
  );
  // Writes are authenticated before their bodies are parsed.
  app.post('/negotiations/:negotiationId/events', requireRole(access, 'writer'));
  app.use('/negotiations', requireRole(access, 'reader'));
  app.use('/stream', requireRole(access, 'reader'));
  app.use('/admin', requireRole(access, 'admin'));
  app.use(['/checkpoint', '/events'], requireRole(access, 'reader'));
  app.use(declaredBodyLimit(options.bodyLimit ?? '2mb'));
  app.use(
    express.json({
      limit: options.bodyLimit ?? '2mb',
      strict: false,
      type: ['application/json', 'application/*+json'],
      // Before JSON.parse, which would keep the last of two equal keys without a word.
      verify: (_req, _res, body) => {
        const duplicate = duplicateKeyIn(body.toString('utf8'));
        if (duplicate !== undefined)
          throw Object.assign(new Error(duplicate), { status: 400, type: 'entity.duplicate.key' });
      },
    }),
  );

  app.get('/admin/principals', produces(JSON_ONLY), (_req, res) => {
    res.json({
      principals: currentPrincipals(options.principals ?? []).map(({ principal, role }) => ({
        principal,
        role,
      })),
    });
  });
  app.all('/admin/principals', methodNotAllowed('GET'));

  options.extraRoutes?.(app);
  app.use(referenceRoutes());
  app.use(schemaRoutes());
  if (options.liveFeed !== undefined)
    app.use(streamRoutes(options.liveFeed, options.tracker.existingRevision, options.streamOptions));
  app.use(exportRoutes(controls));
  app.use(negotiationRoutes(options.tracker, controls, () => void options.readiness?.recheck()));
  app.use(auditRoutes(options.tracker, controls));
  if (options.checkpoints !== undefined)
    app.use(checkpointRoutes(options.checkpoints.store, options.checkpoints.signer));

  const notFound: RequestHandler = (req, res) =>
    sendProblem(res, {
      type: problemType('not-found'),
      title: 'Not found',
      status: 404,
      detail: `No resource at ${req.method} ${req.path}.`,
      errors: [{ field: '(path)', reason: 'names no resource of this API' }],
    });
  app.use(notFound);

  app.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    const parsed = typeof error === 'object' && error !== null ? bodyParserProblem(error) : undefined;
    if (parsed) return sendProblem(res, parsed);
    const status = (error as { status?: number }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      // Express and the body parser raise these: a path segment that is not valid percent-encoding, a body
      // that does not inflate. They name the part of the request they could not read.
      const message = (error as { message?: string }).message ?? 'The request could not be processed.';
      const encoding = req.get('content-encoding')?.trim().toLowerCase() ?? 'identity';
      if (encoding !== 'identity' && !/decode param/i.test(message))
        return sendProblem(res, {
          type: problemType('undecodable-body'),
          title: 'Undecodable body',
          status: 400,
          detail: `The body does not decompress as ${encoding}: ${message}.`,
          errors: [{ field: 'Content-Encoding', reason: 'does not match the body' }],
        });
      const field = /decode param/i.test(message) ? '(path)' : '(request)';
      return sendProblem(res, {
        type: problemType('bad-request'),
        title: 'Bad request',
        status,
        detail: message,
        errors: [{ field, reason: 'could not be read' }],
      });
    }
    console.error(`unhandled error on ${req.method} ${req.path}`, error);
    return sendProblem(res, {
      type: problemType('internal-error'),
      title: 'Internal error',
      status: 500,
      detail: 'The server failed to handle the request. Nothing partial was stored.',
    });
  });
  return app;
};

export { PROBLEM_CONTENT_TYPE };
