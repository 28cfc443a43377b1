import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { IncomingMessage, Server, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { createApp, createHttpServer } from '../../src/api';
import { createTracker } from '../../src/application/tracker';
import { decodeNewEvent } from '../../src/domain';
import { EventStore, EventToAppend, createSqliteEventStore } from '../../src/store';
import { manualClock, unwrap } from '../support/builders';
import { development } from '../support/live-app';

/**
 * A history long enough that a client that stops reading leaves the server waiting (its socket's buffers full),
 * served over a Unix socket, whose small buffers fill long before a loopback TCP connection's would. While that
 * client holds the one turn for reads that fold a whole log, cheap reads are answered and expensive ones are
 * refused with 503 and Retry-After; the client is then cut off, having received a part of the answer only.
 */
const EVENTS = 1_500;
const NEGOTIATION = 'long-talks';

interface Answer {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

describe('expensive reads against a client that stops reading', () => {
  let dir: string;
  let socketPath: string;
  let store: EventStore;
  let server: Server;
  const logged: string[] = [];
  let cutOffSeen: () => void = () => undefined;
  const cutOff = new Promise<void>((resolve) => (cutOffSeen = resolve));

  const get = (path: string, headers: Record<string, string> = {}): Promise<Answer> =>
    new Promise((resolve, reject) => {
      request({ socketPath, path, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      })
        .on('error', reject)
        .end();
    });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tracker-expensive-'));
    socketPath = join(dir, 'api.sock');
    const clock = manualClock('2025-01-05T08:00:00.000Z');
    store = createSqliteEventStore({ file: join(dir, 'events.sqlite'), clock });
    const quote = 'words of the source '.repeat(20);
    for (let batch = 0; batch < EVENTS / 500; batch += 1)
      unwrap(
        await store.append({
          negotiationId: NEGOTIATION,
          events: Array.from(
            { length: 500 },
            (_, n) =>
              unwrap(
                decodeNewEvent({
                  ...development(`${batch * 500 + n} ${quote}`),
                  id: randomUUID(),
                  // Long entries: the history is a few times what the socket's buffers hold.
                  summary: `development ${batch * 500 + n} ${'of the talks '.repeat(60)}`,
                }),
              ) as EventToAppend,
          ),
          expectedRevision: { kind: 'any' },
          recordedBy: 'test',
        })(),
      );
    const sink = new Writable({
      write: (chunk: Buffer, _encoding, callback) => {
        logged.push(chunk.toString());
        if (chunk.toString().includes('cut off a client')) cutOffSeen();
        callback();
      },
    });
    const app = createApp({
      tracker: createTracker({ store, newEventId: randomUUID }),
      clock,
      storeName: 'sqlite',
      admission: { concurrency: 1, queueLength: 0 },
      streamLimits: { maxBufferedBytes: 16 * 1024, stallTimeoutMs: 1_500, joinWindowMs: 1_000 },
      logger: pino({ level: 'warn' }, sink),
    });
    server = createHttpServer(app);
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  }, 120_000);

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('cuts off the paused reader after a bounded part, and answers cheap reads meanwhile while refusing expensive ones', async () => {
    let received = 0;
    const paused = new Promise<{ status: number; complete: boolean }>((resolve, reject) => {
      request(
        {
          socketPath,
          path: `/negotiations/${NEGOTIATION}/history`,
          headers: { accept: 'application/x-ndjson' },
        },
        (res) => {
          res.pause();
          res.on('data', (chunk: Buffer) => (received += chunk.length));
          res.on('close', () => resolve({ status: res.statusCode ?? 0, complete: res.complete }));
          res.on('error', () => undefined);
          started(res);
        },
      )
        .on('error', reject)
        .end();
    });
    let started: (res: IncomingMessage) => void = () => undefined;
    const headersArrived = new Promise<IncomingMessage>((resolve) => (started = resolve));
    const response = await headersArrived;
    expect(response.statusCode).toBe(200);

    // The paused reader holds the only turn: a past knownAt is refused, with when to come back and why.
    const refused = await get(
      `/negotiations/${NEGOTIATION}/status?asOf=2024-07-05&knownAt=2025-01-05T08:00:00Z`,
    );
    expect(refused.status).toBe(503);
    expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(refused.body)).toMatchObject({ type: '/problems/server-busy' });
    // Cheap reads are not queued behind it.
    expect((await get('/health')).status).toBe(200);
    expect((await get(`/negotiations/${NEGOTIATION}/status?asOf=2024-07-05`)).status).toBe(200);

    // The server cuts it off (a paused client does not read, so it learns of it when it reads again).
    await cutOff;
    response.resume();
    const ended = await paused;
    expect(ended).toEqual({ status: 200, complete: false });
    const whole = await get(`/negotiations/${NEGOTIATION}/history`, { accept: 'application/x-ndjson' });
    expect(whole.body.trim().split('\n')).toHaveLength(EVENTS);
    // What the paused client was sent before it was cut off: the socket's buffers and a bounded part, not the answer.
    expect(received).toBeLessThan(whole.body.length / 2);
    expect(logged.join('')).toContain(
      `cut off a client that read nothing for 1500 ms (GET /negotiations/${NEGOTIATION}/history`,
    );

    // The turn is free again.
    expect(
      (await get(`/negotiations/${NEGOTIATION}/status?asOf=2024-07-05&knownAt=2025-01-05T08:00:00Z`)).status,
    ).toBe(200);
  }, 120_000);

  it('shares one reading of the history between clients that ask for it at once', async () => {
    const answers = await Promise.all(
      Array.from({ length: 4 }, () =>
        get(`/negotiations/${NEGOTIATION}/history`, { accept: 'application/x-ndjson' }),
      ),
    );
    // With one turn and no queue, four separate readings could not all run: they shared the first.
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    expect(answers[0]?.body.trim().split('\n')).toHaveLength(EVENTS);
  }, 120_000);
});
