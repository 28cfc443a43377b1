import { Agent, request } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import { negotiationEvents } from '../bench/workload';

/**
 * The clients whose experience the hostile-read run judges: a reader polling /health and a writer appending one
 * event at a time. They run on a thread of their own, so the attackers' work in the soak process does not delay
 * them and their figures are the server's.
 */
export interface MeasuredClientsInput {
  readonly url: string;
  readonly negotiationId: string;
  readonly token: string;
  readonly seconds: number;
  readonly events: number;
}

export interface MeasuredAnswer {
  readonly status: number;
  readonly retryAfter: boolean;
  readonly ms: number;
}

export interface MeasuredClientsOutput {
  readonly health: readonly MeasuredAnswer[];
  readonly healthFailures: number;
  readonly writes: readonly MeasuredAnswer[];
  readonly writeFailures: number;
  readonly acknowledged: ReadonlyArray<readonly [string, number]>;
  /** The worst event-loop delay the server reported for itself (its /health), p99 and max of a window. */
  readonly serverLoopDelay: { readonly p99Ms: number; readonly maxMs: number };
}

/** What a writer appends as talks go on: developments dated after everything recorded so far. */
export const current = <T extends object>(event: T): T => ({
  ...event,
  occurredAt: LATEST_DAY,
  precision: 'day',
  reportedAt: LATEST_DAY,
});

/** A day after the history the setup builds (1,500 days from 2020). */
const LATEST_DAY = '2024-06-01';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const send = (
  url: string,
  agent: Agent,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<MeasuredAnswer & { body: string }> =>
  new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(
      url,
      { method: options.method ?? 'GET', headers: options.headers ?? {}, agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: res.headers['retry-after'] !== undefined,
            ms: performance.now() - started,
            body: Buffer.concat(chunks).toString(),
          }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(60_000, () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(options.body);
  });

const run = async (input: MeasuredClientsInput): Promise<MeasuredClientsOutput> => {
  const deadline = Date.now() + input.seconds * 1000;
  const health: MeasuredAnswer[] = [];
  const writes: MeasuredAnswer[] = [];
  const acknowledged: Array<readonly [string, number]> = [];
  let healthFailures = 0;
  const serverLoopDelay = { p99Ms: 0, maxMs: 0 };
  let writeFailures = 0;

  const pollHealth = async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    while (Date.now() < deadline) {
      try {
        const { body, ...answer } = await send(`${input.url}/health`, agent);
        health.push(answer);
        const reported = (JSON.parse(body) as { eventLoopDelay?: { p99Ms: number; maxMs: number } })
          .eventLoopDelay;
        if (reported !== undefined) {
          serverLoopDelay.p99Ms = Math.max(serverLoopDelay.p99Ms, reported.p99Ms);
          serverLoopDelay.maxMs = Math.max(serverLoopDelay.maxMs, reported.maxMs);
        }
        if (answer.status !== 200) healthFailures += 1;
      } catch {
        healthFailures += 1;
      }
      await sleep(50);
    }
  };

  const write = async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const events = negotiationEvents({ seed: 2, spanDays: 1500, events: input.events });
    events.next(); // the workload opens with the proposal the setup already tabled
    while (Date.now() < deadline) {
      const event = events.next();
      if (event.done === true) break;
      try {
        const { body, ...answer } = await send(
          `${input.url}/negotiations/${input.negotiationId}/events`,
          agent,
          {
            method: 'POST',
            headers: { authorization: `Bearer ${input.token}`, 'content-type': 'application/json' },
            body: JSON.stringify(current(event.value)),
          },
        );
        writes.push(answer);
        if (answer.status === 201) {
          const appended = JSON.parse(body) as { events: Array<{ id: string; revision: number }> };
          for (const { id, revision } of appended.events) acknowledged.push([id, revision]);
        } else writeFailures += 1;
      } catch {
        writeFailures += 1;
      }
      await sleep(20);
    }
  };

  await Promise.all([pollHealth(), write()]);
  return { health, healthFailures, writes, writeFailures, acknowledged, serverLoopDelay };
};

if (parentPort !== null)
  run(workerData as MeasuredClientsInput).then(
    (output) => parentPort?.postMessage(output),
    (error: unknown) => {
      throw error;
    },
  );
