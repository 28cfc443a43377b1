import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, IncomingMessage, request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServerProcess, stopGracefully, writerToken } from '../reliability/server-process';
import { memoryOf, percentile } from './measure';

export interface StreamFigures {
  readonly clients: number;
  readonly appends: number;
  /** From sending an append to each client holding it: every (append, client) pair. */
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** From sending an append to its answer (the durable commit): the part of the figures before any fan-out. */
  readonly appendP50Ms: number;
  readonly appendP99Ms: number;
  /** From the append's answer to its arrival at the last client: the fan-out itself, per append. */
  readonly fanOutP50Ms: number;
  readonly fanOutP99Ms: number;
  /** Deliveries that never arrived within the wait, over all pairs (should be none). */
  readonly missing: number;
  /** The machine's one-minute load average as the appends ended (other work on it shows in the tail). */
  readonly loadAverage: number;
  readonly serverRssBeforeMb: number;
  readonly serverRssConnectedMb: number;
  readonly serverRssAfterMb: number;
}

const NEGOTIATION = 'bench-streams';
const SETTLE_MS = 2_000;

const development = (n: number) => ({
  type: 'StatementIssued',
  occurredAt: '2024-07-04',
  precision: 'day',
  reportedAt: '2024-07-05',
  sources: [
    {
      outlet: 'Bench Wire',
      title: 'A report',
      publishedAt: '2024-07-05',
      quote: `statement ${n}`,
      attribution: { kind: 'outlet' },
    },
  ],
  payload: { by: ['Qatar'], kind: 'unilateral', characterisation: 'progress' },
});

interface Client {
  readonly arrivals: Map<string, number>;
  readonly response: IncomingMessage;
}

/** One stream client: records when each global position arrives (the SSE id; the data is not parsed). */
const connect = (url: string, agent: Agent): Promise<Client> =>
  new Promise((resolve, reject) => {
    const req = request(url, { agent, headers: { accept: 'text/event-stream' } });
    req.on('error', reject);
    req.on('response', (response) => {
      const arrivals = new Map<string, number>();
      let buffer = '';
      let ready = false;
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        const now = performance.now();
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!ready && frame.includes(': connected')) {
            ready = true;
            resolve({ arrivals, response });
          }
          // The SSE id is the event's global position, which the append's answer also gives.
          const position = /^id: (\d+)$/m.exec(frame)?.[1];
          if (position !== undefined) arrivals.set(position, now);
        }
      });
    });
    req.end();
  });

/**
 * Starts the built server on a fresh store, connects `clients` stream followers (half to GET /stream, half to
 * the negotiation's own stream), then appends one development at a time and times its arrival at every
 * client. The server's RSS is read before the clients connect, with them connected, and after the appends.
 */
export const measureStreams = async (clients: number, appends: number): Promise<StreamFigures> => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-streams-'));
  const writer = writerToken();
  const server = await startServerProcess({
    DATA_DIR: dataDir,
    IMPORT_REFERENCE_STORY: 'false',
    READS_REQUIRE_AUTH: 'false',
    WRITES_PER_MINUTE: '1000000',
    // Every follower here connects from 127.0.0.1, standing for as many browsers: the per-address cap would
    // otherwise close them (the cap itself is tested, not measured).
    MAX_CONNECTIONS_PER_CLIENT: String(clients + 64),
    MAX_CONNECTIONS: String(Math.max(4096, clients + 64)),
    ...writer.env,
  });
  const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
  const pid = server.child.pid ?? 0;
  const post = async (n: number) => {
    const response = await fetch(`${server.url}/negotiations/${NEGOTIATION}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${writer.token}` },
      body: JSON.stringify(development(n)),
    });
    if (response.status !== 201) throw new Error(`append answered ${response.status}`);
    return String(((await response.json()) as { events: Array<{ position: number }> }).events[0]?.position);
  };
  try {
    await post(-1);
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const before = memoryOf(pid).rssMb;
    const connected: Client[] = [];
    for (let batch = 0; batch < clients; batch += 100)
      connected.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(100, clients - batch) }, (_, index) =>
            connect(
              (batch + index) % 2 === 0
                ? `${server.url}/stream`
                : `${server.url}/negotiations/${NEGOTIATION}/stream`,
              agent,
            ),
          ),
        )),
      );
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const withClients = memoryOf(pid).rssMb;
    const latencies: number[] = [];
    const answers: number[] = [];
    const fanOuts: number[] = [];
    let missing = 0;
    for (let n = 0; n < appends; n += 1) {
      const sent = performance.now();
      const id = await post(n);
      const answered = performance.now();
      answers.push(answered - sent);
      const deadline = performance.now() + 10_000;
      while (connected.some((client) => !client.arrivals.has(id)) && performance.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 2));
      fanOuts.push(Math.max(...connected.map((client) => client.arrivals.get(id) ?? answered)) - answered);
      for (const client of connected) {
        const at = client.arrivals.get(id);
        if (at === undefined) missing += 1;
        else latencies.push(at - sent);
        client.arrivals.delete(id);
      }
    }
    const after = memoryOf(pid).rssMb;
    const loadAverage = loadavg()[0] ?? Number.NaN;
    for (const client of connected) client.response.destroy();
    for (const list of [latencies, answers, fanOuts]) list.sort((a, b) => a - b);
    return {
      clients,
      appends,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      maxMs: latencies[latencies.length - 1] ?? Number.NaN,
      appendP50Ms: percentile(answers, 50),
      appendP99Ms: percentile(answers, 99),
      fanOutP50Ms: percentile(fanOuts, 50),
      fanOutP99Ms: percentile(fanOuts, 99),
      missing,
      loadAverage,
      serverRssBeforeMb: before,
      serverRssConnectedMb: withClients,
      serverRssAfterMb: after,
    };
  } finally {
    agent.destroy();
    await stopGracefully(server);
    rmSync(dataDir, { recursive: true, force: true });
  }
};
