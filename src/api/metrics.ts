import { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import * as E from 'fp-ts/Either';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { EventStore } from '../store';
import { AccessPolicy, requireRole, seesDetails } from './access';
import { AdmissionStats } from './admission';
import { PAGE_FILES, methodNotAllowed, requestedUrl } from './route-support';

/**
 * What an operator scrapes at GET /metrics (Prometheus text format, prom-client): requests by route and status
 * with their latencies, events appended, store failures, the admission queue of expensive reads, live stream
 * clients, and the process's own figures (event-loop delay, heap, CPU, handles).
 */
export interface Metrics {
  readonly registry: Registry;
  /** Counts each request once it is answered, labelled by its route's template (never its ids). */
  readonly requests: RequestHandler;
  /** The store, with every failure it answers counted by operation. */
  readonly watchStore: (store: EventStore) => EventStore;
}

export interface MetricsSources {
  readonly admission: () => AdmissionStats;
  readonly liveClients: () => number;
}

const isEither = (value: unknown): value is E.Either<{ _tag?: string }, unknown> =>
  typeof value === 'object' &&
  value !== null &&
  ((value as { _tag?: unknown })._tag === 'Left' || (value as { _tag?: unknown })._tag === 'Right');

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The route as a template: ids stay out of the labels, so their number stays bounded. */
const routeOf = (req: Request): string => {
  const route = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof route === 'string') return `${req.baseUrl}${route}`;
  const page = PAGE_FILES.exec(requestedUrl(req));
  return page === null ? '(unmatched)' : `/${page[1]}/{file}`;
};

export const createMetrics = (): Metrics => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const labelNames = ['method', 'route', 'status'] as const;
  const requestCount = new Counter({
    name: 'http_requests_total',
    help: 'Requests answered, by method, route template and status.',
    labelNames,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from a request arriving to its answer being sent, by method, route template and status.',
    labelNames,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const appended = new Counter({
    name: 'tracker_events_appended_total',
    help: 'Events recorded by appends (retries of events already stored not counted).',
    registers: [registry],
  });
  const storeFailures = new Counter({
    name: 'tracker_store_failures_total',
    help: 'Store operations that failed (the store could not be read or written), by operation.',
    labelNames: ['operation'],
    registers: [registry],
  });

  const requests: RequestHandler = (req, res, next) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const labels = { method: req.method, route: routeOf(req), status: String(res.statusCode) };
      requestCount.inc(labels);
      latency.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  };

  const watchStore = (store: EventStore): EventStore => {
    // One wrapper per operation, made on first use: every read goes through here.
    const wrappers = new Map<PropertyKey, unknown>();
    return new Proxy(store, {
      get(target, property, receiver) {
        const value: unknown = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        const made = wrappers.get(property);
        if (made !== undefined) return made;
        const operation = String(property);
        const wrapper = (...args: unknown[]) => {
          const result: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
          // The port's operations are TaskEithers (a Left is a failure when it is a StoreFailure); any other
          // function handed back (an unsubscribe) is called through unchanged.
          if (typeof result !== 'function') return result;
          return async () => {
            const outcome: unknown = await (result as () => unknown)();
            if (!isEither(outcome)) return outcome;
            if (E.isLeft(outcome) && outcome.left._tag === 'StoreFailure') storeFailures.inc({ operation });
            if (operation === 'append' && E.isRight(outcome)) {
              const done = outcome.right as { replayed?: boolean; events?: readonly unknown[] };
              if (done.replayed !== true) appended.inc(done.events?.length ?? 0);
            }
            return outcome;
          };
        };
        wrappers.set(property, wrapper);
        return wrapper;
      },
    });
  };

  return { registry, requests, watchStore };
};

/** The gauges read at each scrape from the parts that hold them. */
export const watchSources = (registry: Registry, sources: MetricsSources): void => {
  const admission = (name: string, help: string, read: (stats: AdmissionStats) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read(sources.admission()));
      },
    });
  admission('tracker_expensive_reads_running', 'Reads folding a whole log running now.', (s) => s.running);
  admission(
    'tracker_expensive_reads_queued',
    'Reads folding a whole log waiting for a turn.',
    (s) => s.queued,
  );
  admission(
    'tracker_expensive_reads_refused',
    'Reads refused since the start because the queue was full or the wait too long.',
    (s) => s.refused,
  );
  new Gauge({
    name: 'tracker_live_clients',
    help: 'Server-sent event clients following the log now.',
    registers: [registry],
    collect() {
      this.set(sources.liveClients());
    },
  });
};

/**
 * GET /metrics: open to whoever sees the server's details (this machine, past trusted proxies, or a valid token),
 * to anyone when `open` says the network is trusted; others get the 401 of a missing token.
 */
export const metricsRoutes = (registry: Registry, access: AccessPolicy, open: boolean): Router => {
  const router = Router();
  const withToken = requireRole({ ...access, readsRequireAuth: true }, 'reader');
  const guard = (req: Request, res: Response, next: NextFunction) =>
    open || seesDetails(access, req) ? next() : withToken(req, res, next);
  router.get('/metrics', guard, async (_req, res) => {
    res
      .set('Cache-Control', 'no-store')
      .type(registry.contentType)
      .send(await registry.metrics());
  });
  router.all('/metrics', methodNotAllowed('GET'));
  return router;
};
