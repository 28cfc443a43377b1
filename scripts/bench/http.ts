import autocannon from 'autocannon';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { startServerProcess, stopGracefully } from '../reliability/server-process';
import { median, memoryOf } from './measure';
import { seededRandom } from './workload';

/** One autocannon run: requests a second (mean over the run), p99 latency, and failed or non-2xx answers. */
export interface HttpRun {
  readonly requestsPerSecond: number;
  readonly p99Ms: number;
  readonly errors: number;
}

export interface HttpFigures {
  /** Medians over RUNS runs: of requests a second, and of p99 latency (each run is listed beside them). */
  readonly statusRequestsPerSecond: number;
  readonly statusP99Ms: number;
  readonly statusErrors: number;
  readonly statusRuns: readonly HttpRun[];
  /** Share of the status requests answered from the answer cache (a day's answer asked for again). */
  readonly statusReuse: number;
  /** One run with every asOf a distinct instant: no answer is ever reused. */
  readonly distinctRequestsPerSecond: number;
  readonly distinctP99Ms: number;
  readonly distinctErrors: number;
  readonly postRequestsPerSecond: number;
  readonly postP99Ms: number;
  readonly postErrors: number;
  readonly postRuns: readonly HttpRun[];
  readonly serverRssMb: number;
  readonly serverPeakRssMb: number;
}

/** Runs per judged figure: one run on this shared 2-core machine varies by a quarter from the next. */
export const RUNS = 3;

/** Seconds of unmeasured load before the measured runs of each kind. */
const WARM_UP_SECONDS = 3;

/** Medians of the measured runs; errors also count the warm-up's (an answer that failed is never a warm-up). */
const summary = (runs: readonly HttpRun[], warmUp: HttpRun) => ({
  requestsPerSecond: median(runs.map((r) => r.requestsPerSecond)),
  p99Ms: median(runs.map((r) => r.p99Ms)),
  errors: runs.reduce((sum, r) => sum + r.errors, warmUp.errors),
});

const figuresOf = (result: autocannon.Result): HttpRun => ({
  requestsPerSecond: result.requests.average,
  p99Ms: result.latency.p99,
  errors: result.errors + result.non2xx,
});

const run = (options: autocannon.Options): Promise<autocannon.Result> =>
  new Promise((resolve, reject) => {
    autocannon(options, (error: Error | null, result) => (error ? reject(error) : resolve(result)));
  });

/** Starts the built server on the dataset and drives it over loopback with autocannon (50 connections). */
export const measureHttp = async (
  file: string,
  negotiationId: string,
  spanDays: number,
  durationSeconds: number,
): Promise<HttpFigures> => {
  const token = `nt_${randomBytes(16).toString('hex')}`;
  // The server writes (the POST run), so it gets a copy: the dataset stays as built for the next run.
  const dataDir = join(dirname(dirname(file)), 'http');
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  copyFileSync(file, join(dataDir, basename(file)));
  const server = await startServerProcess({
    DATA_DIR: dataDir,
    IMPORT_REFERENCE_STORY: 'false',
    AUTH_TOKENS: `bench:writer:${createHash('sha256').update(token).digest('hex')}`,
    AUTH_TOKENS_FILE: join(dataDir, 'bench-tokens.json'),
    WRITES_PER_MINUTE: '100000000',
    // The bench measures throughput from one address: no per-client read budget.
    READS_PER_MINUTE: '100000000',
  });
  const pid = server.child.pid ?? 0;
  try {
    const random = seededRandom(21);
    const date = () =>
      new Date(Date.UTC(2020, 0, 1) + Math.floor(random() * spanDays) * 86_400_000)
        .toISOString()
        .slice(0, 10);
    // Warm the big negotiation into the server's cache, as any first query would.
    await fetch(`${server.url}/negotiations/${negotiationId}/status`);
    /** One request shape, 50 connections for `seconds`. */
    const load = (request: autocannon.Request, seconds = durationSeconds) =>
      run({ url: server.url, connections: 50, duration: seconds, requests: [request] });
    /** Status as of the dates `asOf` draws. */
    const statusRun = (asOf: () => string, seconds?: number) =>
      load(
        {
          method: 'GET',
          setupRequest: (request) => ({
            ...request,
            path: `/negotiations/${negotiationId}/status?asOf=${asOf()}`,
          }),
        },
        seconds,
      );
    // Every request a different second of the span: each answer is built from the log, none is reused.
    const instant = () =>
      new Date(Date.UTC(2020, 0, 1) + Math.floor(random() * spanDays * 86_400) * 1000).toISOString();
    // Warm-up, not measured: the server's code is compiled on its first thousands of requests. Distinct
    // instants, so no answer the measured runs ask for (a bare day) is cached by it.
    const statusWarmUp = figuresOf(await statusRun(instant, WARM_UP_SECONDS));
    const reuse = async () => {
      const health = (await (await fetch(`${server.url}/health`)).json()) as {
        answerCache?: { hits: number; misses: number };
      };
      return { hits: health.answerCache?.hits ?? 0, misses: health.answerCache?.misses ?? 0 };
    };
    const before = await reuse();
    const statusRuns: HttpRun[] = [];
    for (let n = 0; n < RUNS; n += 1) statusRuns.push(figuresOf(await statusRun(date)));
    const after = await reuse();
    const statusReuse =
      (after.hits - before.hits) / Math.max(1, after.hits - before.hits + after.misses - before.misses);
    const distinct = figuresOf(await statusRun(instant));
    const event = (id: string) =>
      JSON.stringify({
        id,
        type: 'StatementIssued',
        occurredAt: date(),
        precision: 'day',
        reportedAt: '2025-01-01',
        sources: [
          {
            outlet: 'Wire',
            title: 'Benchmark report',
            publishedAt: '2025-01-01',
            quote: 'a quoted sentence from the report',
            attribution: { kind: 'anonymous', descriptor: 'official' },
          },
        ],
        payload: { by: ['Qatar'], kind: 'unilateral', characterisation: 'progress' },
      });
    /** One new event a request, appended to `negotiation`. */
    const postRun = (negotiation: string, seconds?: number) =>
      load(
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          setupRequest: (request) => ({
            ...request,
            path: `/negotiations/${negotiation}/events`,
            body: event(randomUUID()),
          }),
        },
        seconds,
      );
    // Warm-up of the write path, not measured, on a negotiation of its own.
    const postWarmUp = figuresOf(await postRun('bench-http-warm-up', WARM_UP_SECONDS));
    const postRuns: HttpRun[] = [];
    for (let n = 0; n < RUNS; n += 1) postRuns.push(figuresOf(await postRun('bench-http-writes')));
    const status = summary(statusRuns, statusWarmUp);
    const post = summary(postRuns, postWarmUp);
    const memory = memoryOf(pid);
    return {
      statusRequestsPerSecond: status.requestsPerSecond,
      statusP99Ms: status.p99Ms,
      statusErrors: status.errors,
      statusRuns,
      statusReuse,
      distinctRequestsPerSecond: distinct.requestsPerSecond,
      distinctP99Ms: distinct.p99Ms,
      distinctErrors: distinct.errors,
      postRequestsPerSecond: post.requestsPerSecond,
      postP99Ms: post.p99Ms,
      postErrors: post.errors,
      postRuns,
      serverRssMb: memory.rssMb,
      serverPeakRssMb: memory.peakRssMb,
    };
  } finally {
    await stopGracefully(server);
  }
};
