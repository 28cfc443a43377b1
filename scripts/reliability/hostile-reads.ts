import * as E from 'fp-ts/Either';
import { Agent, IncomingMessage, request } from 'node:http';
import { Socket, connect } from 'node:net';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { MeasuredClientsInput, MeasuredClientsOutput, current } from './measured-clients';
import { STORE_FILE_NAME } from '../../src/composition';
import { decodeNewEvent } from '../../src/domain';
import { EventToAppend, createSqliteEventStore } from '../../src/store';
import { memoryOf, percentile, round } from '../bench/measure';
import { negotiationEvents, take } from '../bench/workload';
import { ServerProcess, startServerProcess, stopGracefully, writerToken } from './server-process';

/**
 * The hostile-read run: a long negotiation on the embedded store, the server started as `npm start` starts it
 * (its heap included), then, from clients without a token, concurrent NDJSON histories (half of them never
 * read), `knownAt` queries at distinct instants, a stream of unauthenticated POSTs and a crowd of idle
 * connections, while a writer appends and a reader polls /health. What every client saw is counted, and the
 * acknowledged events are checked against the store at the end.
 */
export interface HostileReadOptions {
  readonly dataDir: string;
  readonly events: number;
  readonly seconds: number;
  readonly historyStreams: number;
  readonly knownAtQueries: number;
  readonly unauthenticatedPostsPerSecond: number;
  readonly idleConnections: number;
  readonly log: (line: string) => void;
}

export const DEFAULT_HOSTILE_READS: Omit<HostileReadOptions, 'dataDir' | 'log'> = {
  events: 100_000,
  seconds: 60,
  historyStreams: 50,
  knownAtQueries: 50,
  unauthenticatedPostsPerSecond: 200,
  idleConnections: 1_000,
};

/** The targets the issue sets; the run reports each as met or not. */
export const TARGETS = {
  rssMb: 500,
  healthP99Ms: 100,
  writerP99Ms: 250,
  writer429s: 0,
  other5xx: 0,
  lost: 0,
} as const;

const NEGOTIATION = 'hostile-reads';

const decoded = (event: EventToAppend): EventToAppend => {
  const result = decodeNewEvent(event);
  if (E.isLeft(result)) throw new Error(`workload event does not decode: ${JSON.stringify(result.left)}`);
  return result.right as EventToAppend;
};

/** Builds the negotiation through the store's own append; returns the instants its recording spanned. */
const buildNegotiation = async (dataDir: string, events: number) => {
  const store = createSqliteEventStore({ file: join(dataDir, STORE_FILE_NAME) });
  const startedMs = Date.now();
  const iterator = negotiationEvents({ seed: 1, spanDays: 1500, events });
  for (let batch = take(iterator, 1000); batch.length > 0; batch = take(iterator, 1000)) {
    const result = await store.append({
      negotiationId: NEGOTIATION,
      events: batch.map(decoded),
      expectedRevision: { kind: 'any' },
      recordedBy: 'hostile-reads-setup',
    })();
    if (E.isLeft(result)) throw new Error(`setup append failed: ${JSON.stringify(result.left)}`);
  }
  await store.close();
  return { startedMs, endedMs: Date.now() };
};

interface Outcome {
  readonly status: number;
  readonly retryAfter: boolean;
}

/** Tallies answers by status, and sorts refusals into those the targets allow and those they do not. */
const createTally = () => {
  const statuses: Record<string, number> = {};
  const refusals = {
    client4xx: 0,
    unavailableWithRetryAfter: 0,
    unavailableWithoutRetryAfter: 0,
    other5xx: 0,
  };
  return {
    statuses,
    refusals,
    add: ({ status, retryAfter }: Outcome) => {
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status >= 400 && status < 500) refusals.client4xx += 1;
      else if (status === 503 && retryAfter) refusals.unavailableWithRetryAfter += 1;
      else if (status === 503) refusals.unavailableWithoutRetryAfter += 1;
      else if (status >= 500) refusals.other5xx += 1;
    },
  };
};

type Tally = ReturnType<typeof createTally>;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Exchange {
  readonly status: number;
  readonly retryAfter: boolean;
  readonly body: string;
  readonly ms: number;
}

/** One request, its body read whole. Rejects on a connection error. */
const exchange = (
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; agent?: Agent | false },
): Promise<Exchange> =>
  new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(
      url,
      { method: options.method ?? 'GET', headers: options.headers ?? {}, agent: options.agent ?? false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: res.headers['retry-after'] !== undefined,
            body: Buffer.concat(chunks).toString(),
            ms: performance.now() - started,
          }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(120_000, () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(options.body);
  });

const summary = (latencies: number[]) => {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50Ms: round(percentile(sorted, 50), 1),
    p99Ms: round(percentile(sorted, 99), 1),
    maxMs: round(sorted[sorted.length - 1] ?? Number.NaN, 1),
  };
};

export const runHostileReads = async (options: HostileReadOptions) => {
  options.log(`building a negotiation of ${options.events} events in ${options.dataDir}`);
  const recorded = await buildNegotiation(options.dataDir, options.events);
  const writer = writerToken();
  const server: ServerProcess = await startServerProcess({
    DATA_DIR: options.dataDir,
    IMPORT_REFERENCE_STORY: 'false',
    LOG_LEVEL: 'warn',
    ...writer.env,
  });
  const pid = server.child.pid ?? 0;
  // The server has served its writer before the attack (its current log is loaded), as a running server has.
  const warmUp = negotiationEvents({ seed: 3, spanDays: 1500, events: 2 });
  warmUp.next();
  const first = warmUp.next();
  if (first.done !== true) {
    const answer = await exchange(`${server.url}/negotiations/${NEGOTIATION}/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${writer.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(current(first.value)),
    });
    if (answer.status !== 201) throw new Error(`the warm-up append failed: ${answer.status} ${answer.body}`);
  }
  const base = `${server.url}/negotiations/${NEGOTIATION}`;
  options.log(`server ${server.url} (pid ${pid}); attack for ${options.seconds} s`);
  const loadStart = round(loadavg()[0] ?? 0, 1);
  const deadline = Date.now() + options.seconds * 1000;
  const running = () => Date.now() < deadline;
  const all = createTally();
  const counted = (tally: Tally, outcome: Outcome) => {
    tally.add(outcome);
    all.add(outcome);
  };

  let rssPeakMb = 0;
  const sampler = setInterval(() => {
    try {
      rssPeakMb = Math.max(rssPeakMb, memoryOf(pid).rssMb);
    } catch {
      // The process has gone: reported below.
    }
  }, 200);

  // The writer and the /health reader, on a thread of their own (see measured-clients).
  const measuredInput: MeasuredClientsInput = {
    url: server.url,
    negotiationId: NEGOTIATION,
    token: writer.token,
    seconds: options.seconds,
    events: options.events,
  };
  const measured = new Promise<MeasuredClientsOutput>((resolve, reject) => {
    const worker = new Worker(join(__dirname, 'measured-clients.js'), { workerData: measuredInput });
    worker.once('message', resolve);
    worker.once('error', reject);
  });

  // NDJSON histories from clients without a token: half read everything, half never read a byte.
  const histories = { opened: 0, completed: 0, cutOff: 0, bytes: 0, tally: createTally() };
  const streamHistory = async (paused: boolean) => {
    while (running()) {
      await new Promise<void>((resolve) => {
        const req = request(
          `${base}/history`,
          { headers: { accept: 'application/x-ndjson' }, agent: false },
          (res: IncomingMessage) => {
            counted(histories.tally, {
              status: res.statusCode ?? 0,
              retryAfter: 'retry-after' in res.headers,
            });
            if (res.statusCode === 200) histories.opened += 1;
            if (paused && res.statusCode === 200) res.pause();
            else res.on('data', (chunk: Buffer) => (histories.bytes += chunk.length));
            res.on('end', () => {
              if (res.statusCode === 200) histories.completed += 1;
              resolve();
            });
            res.on('error', () => resolve());
            res.on('close', () => {
              if (res.statusCode === 200 && !res.complete && running()) histories.cutOff += 1;
              resolve();
            });
          },
        );
        req.on('error', () => resolve());
        req.end();
        const stop = setInterval(() => {
          if (!running()) {
            req.destroy();
            clearInterval(stop);
          }
        }, 500);
        req.on('close', () => clearInterval(stop));
      });
      await sleep(250);
    }
  };

  // knownAt at an instant no query has asked for before, within the time the negotiation was recorded.
  const known = { answered: 0, latencies: [] as number[], tally: createTally() };
  let instant = 0;
  const span = Math.max(1, recorded.endedMs - recorded.startedMs);
  const askKnownAt = async () => {
    while (running()) {
      instant += 1;
      const at = new Date(recorded.startedMs + ((instant * 7919) % span)).toISOString();
      try {
        const answer = await exchange(`${base}/status?asOf=2022-06-01&knownAt=${at}`, {});
        counted(known.tally, answer);
        if (answer.status === 200) {
          known.answered += 1;
          known.latencies.push(answer.ms);
        }
      } catch {
        // A connection cut by the server is counted by its absence from the answers.
      }
      await sleep(100);
    }
  };

  // Unauthenticated POSTs at a steady rate: no token, or one that is not valid.
  const junk = { sent: 0, failures: 0, tally: createTally() };
  const junkAgent = new Agent({ keepAlive: true, maxSockets: 32 });
  const junkTimer = setInterval(() => {
    if (!running()) return;
    junk.sent += 1;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (junk.sent % 2 === 0) headers['authorization'] = `Bearer nt_not_a_token_${junk.sent}`;
    exchange(`${base}/events`, { method: 'POST', agent: junkAgent, headers, body: '{"type":"Junk"}' }).then(
      (answer) => counted(junk.tally, answer),
      () => (junk.failures += 1),
    );
  }, 1000 / options.unauthenticatedPostsPerSecond);

  // Idle connections that never send a byte; each one the server closes is opened again.
  const idle = { opened: 0, closedByServer: 0 };
  const sockets = new Set<Socket>();
  const { port } = new URL(server.url);
  const openIdle = () => {
    if (!running()) return;
    const socket = connect(Number(port), '127.0.0.1');
    idle.opened += 1;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      sockets.delete(socket);
      if (!running()) return;
      idle.closedByServer += 1;
      setTimeout(openIdle, 100);
    });
  };
  for (let n = 0; n < options.idleConnections; n += 1) setTimeout(openIdle, Math.floor(n / 100) * 10);

  const attackers = [
    ...Array.from({ length: options.historyStreams }, (_, n) => streamHistory(n % 2 === 1)),
    ...Array.from({ length: options.knownAtQueries }, () => askKnownAt()),
  ];
  await Promise.all(attackers);
  const clients = await measured;
  const health = {
    latencies: clients.health.map((a) => a.ms),
    failures: clients.healthFailures,
    tally: createTally(),
  };
  for (const answer of clients.health) counted(health.tally, answer);
  const writes = {
    latencies: clients.writes.map((a) => a.ms),
    acknowledged: new Map(clients.acknowledged),
    failures: clients.writeFailures,
    tally: createTally(),
  };
  for (const answer of clients.writes) counted(writes.tally, answer);
  clearInterval(junkTimer);
  for (const socket of sockets) socket.destroy();
  clearInterval(sampler);

  const exited = server.child.exitCode !== null || server.child.signalCode !== null;
  let peakMb = rssPeakMb;
  try {
    peakMb = Math.max(peakMb, memoryOf(pid).peakRssMb);
  } catch {
    // The process has gone.
  }

  // Every acknowledged event is in the stream at the revision it was acknowledged with.
  let lost = writes.acknowledged.size;
  if (!exited) {
    const stored = new Map<string, number>();
    for (let from = 0; ;) {
      const page = await exchange(`${base}/events?fromRevision=${from}&limit=1000`, {
        headers: { authorization: `Bearer ${writer.token}` },
      });
      if (page.status !== 200) throw new Error(`reading the events back: ${page.status} ${page.body}`);
      const body = JSON.parse(page.body) as {
        events: Array<{ id: string; revision: number }>;
        next?: string;
      };
      for (const { id, revision } of body.events) stored.set(id, revision);
      const last = body.events[body.events.length - 1];
      if (body.next === undefined || last === undefined) break;
      from = last.revision + 1;
    }
    lost = [...writes.acknowledged].filter(([id, revision]) => stored.get(id) !== revision).length;
    await stopGracefully(server);
  }

  const healthFigures = summary(health.latencies);
  const writerFigures = summary(writes.latencies);
  // Kept with the store (--keep): what the server logged during the attack.
  writeFileSync(join(options.dataDir, 'server.log'), server.output());
  const logLines = server.output().split('\n');
  const report = {
    seconds: options.seconds,
    events: options.events,
    server: {
      exited,
      rssPeakMb: Math.round(peakMb),
      eventLoopDelay: clients.serverLoopDelay,
      warnings: logLines.filter((l) => /"level":40/.test(l)).length,
    },
    // The machine's load while it ran (two cores shared with other work): latencies depend on it.
    loadAverage: { start: loadStart, end: round(loadavg()[0] ?? 0, 1) },
    health: { ...healthFigures, failures: health.failures },
    writer: {
      ...writerFigures,
      acknowledged: writes.acknowledged.size,
      status429: writes.tally.statuses['429'] ?? 0,
      failures: writes.failures,
      statuses: writes.tally.statuses,
    },
    historyStreams: {
      clients: options.historyStreams,
      opened: histories.opened,
      completed: histories.completed,
      cutOff: histories.cutOff,
      megabytesRead: round(histories.bytes / 1024 / 1024, 1),
      statuses: histories.tally.statuses,
    },
    knownAt: {
      clients: options.knownAtQueries,
      answered: known.answered,
      answeredP50Ms: summary(known.latencies).p50Ms,
      statuses: known.tally.statuses,
    },
    unauthenticatedPosts: {
      sent: junk.sent,
      connectionFailures: junk.failures,
      statuses: junk.tally.statuses,
    },
    idleConnections: {
      target: options.idleConnections,
      opened: idle.opened,
      closedByServer: idle.closedByServer,
    },
    refusals: all.refusals,
    lost,
  };
  const targets = {
    serverStayedUp: !exited,
    rss: peakMb <= TARGETS.rssMb,
    healthP99: healthFigures.p99Ms <= TARGETS.healthP99Ms && health.failures === 0,
    writerP99: writerFigures.p99Ms <= TARGETS.writerP99Ms,
    writer429s: (writes.tally.statuses['429'] ?? 0) === TARGETS.writer429s,
    refusalsExplained:
      all.refusals.unavailableWithoutRetryAfter === 0 && all.refusals.other5xx === TARGETS.other5xx,
    noneLost: lost === TARGETS.lost,
  };
  return { ...report, targets, met: Object.values(targets).every(Boolean) };
};
