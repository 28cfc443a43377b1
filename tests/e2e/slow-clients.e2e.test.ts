import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { Socket, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ServerProcess,
  serverMain,
  startServerProcess,
  stopGracefully,
  writerToken,
} from '../../scripts/reliability/server-process';

// Spawns processes (servers, workers, a child Node): generous on a busy machine, never a speed check.
jest.setTimeout(120_000);

const describeIfBuilt = existsSync(serverMain()) ? describe : describe.skip;
if (!existsSync(serverMain()))
  console.warn(`slow-clients e2e skipped: ${serverMain()} missing; run "npm run build" (npm test does)`);

const event = (n: number) => ({
  type: 'TalksResumed',
  occurredAt: '2025-01-03',
  precision: 'day',
  reportedAt: '2025-01-04',
  sources: [
    {
      outlet: 'Wire',
      title: 'T',
      publishedAt: '2025-01-04',
      quote: `resumed ${n}`,
      attribution: { kind: 'outlet' },
    },
  ],
  payload: { venue: 'Doha' },
});

/** Sends raw bytes and collects the answer until the server closes the connection. */
const rawClient = (url: string) => {
  const socket: Socket = connect(Number(new URL(url).port), '127.0.0.1');
  let received = '';
  let closed = false;
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  socket.on('error', () => undefined);
  const done = new Promise<string>((resolve) =>
    socket.on('close', () => {
      closed = true;
      resolve(received);
    }),
  );
  return { socket, done, isClosed: () => closed };
};

describeIfBuilt('the built server under slow and oversized clients (limits from the environment)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tracker-slow-'));
  const writer = writerToken();
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServerProcess({
      DATA_DIR: dataDir,
      IMPORT_REFERENCE_STORY: 'false',
      HEADERS_TIMEOUT_MS: '300',
      REQUEST_TIMEOUT_MS: '800',
      BODY_LIMIT: '64kb',
      ...writer.env,
    });
  });
  afterAll(async () => {
    await stopGracefully(server);
    rmSync(dataDir, { recursive: true, force: true });
  });

  const post = (body: unknown) =>
    fetch(`${server.url}/negotiations/slow/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${writer.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('cuts off a client trickling its body with 408 problem+json while serving others, and stores none of it', async () => {
    const slow = rawClient(server.url);
    const body = JSON.stringify(event(0));
    slow.socket.write(
      `POST /negotiations/slow/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${writer.token}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    let sent = 0;
    const trickle = setInterval(() => {
      if (!slow.isClosed() && sent < body.length - 1) slow.socket.write(body[sent++] ?? ' ');
    }, 25);
    let servedWhileOpen = 0;
    try {
      for (let n = 1; n <= 5; n += 1) {
        expect((await post(event(n))).status).toBe(201);
        if (!slow.isClosed()) servedWhileOpen += 1;
      }
      const raw = await slow.done;
      expect(raw).toMatch(/^HTTP\/1\.1 408 /);
      expect(raw).toMatch(/content-type: application\/problem\+json/i);
      expect(sent).toBeLessThan(body.length - 1);
    } finally {
      clearInterval(trickle);
    }
    expect(servedWhileOpen).toBeGreaterThan(0);
    const stored = (await (await fetch(`${server.url}/negotiations/slow/events`)).json()) as {
      events: unknown[];
    };
    expect(stored.events).toHaveLength(5);
  });

  it('refuses a body declared over BODY_LIMIT with 413 before it is sent', async () => {
    const big = rawClient(server.url);
    big.socket.write(
      `POST /negotiations/slow/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${writer.token}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${10 * 1024 * 1024}\r\n\r\n{"events": [`,
    );
    const raw = await big.done;
    expect(raw).toMatch(/^HTTP\/1\.1 413 /);
    expect(raw).toContain('"field":"(body)"');
  });

  it('refuses to start with a bad limit, naming the variable', async () => {
    await expect(
      startServerProcess({ DATA_DIR: dataDir, REQUEST_TIMEOUT_MS: 'soon', ...writer.env }),
    ).rejects.toThrow(
      /exited \(2\)[\s\S]*REQUEST_TIMEOUT_MS must be a positive whole number of milliseconds/,
    );
  });
});
