import autocannon from 'autocannon';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { startServerProcess, stopGracefully } from '../reliability/server-process';
import { memoryOf } from './measure';
import { seededRandom } from './workload';

export interface HttpFigures {
  readonly statusRequestsPerSecond: number;
  readonly statusP99Ms: number;
  readonly statusErrors: number;
  /** Share of the status requests answered from the answer cache (a day's answer asked for again). */
  readonly statusReuse: number;
  /** The same run with every asOf a distinct instant: no answer is ever reused. */
  readonly distinctRequestsPerSecond: number;
  readonly distinctP99Ms: number;
  readonly distinctErrors: number;
  readonly postRequestsPerSecond: number;
  readonly postP99Ms: number;
  readonly postErrors: number;
  readonly serverRssMb: number;
  readonly serverPeakRssMb: number;
}

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
    /** Status as of the dates `asOf` draws, 50 connections for the run's duration. */
    const statusRun = (asOf: () => string) =>
      run({
        url: server.url,
        connections: 50,
        duration: durationSeconds,
        requests: [
          {
            method: 'GET',
            setupRequest: (request) => ({
              ...request,
              path: `/negotiations/${negotiationId}/status?asOf=${asOf()}`,
            }),
          },
        ],
      });
    const status = await statusRun(date);
    const health = (await (await fetch(`${server.url}/health`)).json()) as {
      answerCache?: { hits: number; misses: number };
    };
    const statusReuse =
      (health.answerCache?.hits ?? 0) /
      Math.max(1, (health.answerCache?.hits ?? 0) + (health.answerCache?.misses ?? 0));
    // Every request a different second of the span: each answer is built from the log, none is reused.
    const instant = () =>
      new Date(Date.UTC(2020, 0, 1) + Math.floor(random() * spanDays * 86_400) * 1000).toISOString();
    const distinct = await statusRun(instant);
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
    const post = await run({
      url: server.url,
      connections: 50,
      duration: durationSeconds,
      requests: [
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          setupRequest: (request) => ({
            ...request,
            path: '/negotiations/bench-http-writes/events',
            body: event(randomUUID()),
          }),
        },
      ],
    });
    const memory = memoryOf(pid);
    return {
      statusRequestsPerSecond: status.requests.average,
      statusP99Ms: status.latency.p99,
      statusErrors: status.errors + status.non2xx,
      statusReuse,
      distinctRequestsPerSecond: distinct.requests.average,
      distinctP99Ms: distinct.latency.p99,
      distinctErrors: distinct.errors + distinct.non2xx,
      postRequestsPerSecond: post.requests.average,
      postP99Ms: post.latency.p99,
      postErrors: post.errors + post.non2xx,
      serverRssMb: memory.rssMb,
      serverPeakRssMb: memory.peakRssMb,
    };
  } finally {
    await stopGracefully(server);
  }
};
