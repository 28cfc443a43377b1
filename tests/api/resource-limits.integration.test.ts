import { Socket, connect } from 'node:net';
import { DEFAULT_SERVER_LIMITS, ServerLimits, serverLimitsFrom } from '../../src/api';
import { limitInBytes } from '../../src/api/hardening';
import { unwrap } from '../support/builders';
import { LiveApp, WRITER_TOKEN, development, liveApp, postTo } from '../support/live-app';

/**
 * Oversized bodies and batches, slow and stalled clients, malformed HTTP: each gets a clear problem document and
 * is cut off, while the server keeps serving everyone else. Short limits keep the test quick; no assertion is
 * about speed, only about who was answered what and what was stored.
 */
const LIMITS: ServerLimits = {
  headersTimeoutMs: 400,
  requestTimeoutMs: 1_000,
  keepAliveTimeoutMs: 300,
  socketTimeoutMs: 1_500,
  maxConnections: DEFAULT_SERVER_LIMITS.maxConnections,
  maxConnectionsPerClient: DEFAULT_SERVER_LIMITS.maxConnectionsPerClient,
};

interface RawExchange {
  readonly socket: Socket;
  /** Everything the server sent until it closed the connection. */
  readonly closed: Promise<string>;
  readonly isClosed: () => boolean;
}

const open = (url: string): Promise<RawExchange> =>
  new Promise((resolve, reject) => {
    const { port } = new URL(url);
    let received = '';
    let closed = false;
    const socket = connect(Number(port), '127.0.0.1');
    const done = new Promise<string>((finish) => {
      socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
      socket.on('close', () => {
        closed = true;
        finish(received);
      });
    });
    socket.on('error', () => undefined);
    socket.once('connect', () => resolve({ socket, closed: done, isClosed: () => closed }));
    socket.once('error', reject);
  });

const statusOf = (raw: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1]);
const problemOf = (raw: string) => {
  expect(raw).toMatch(/\r\ncontent-type: application\/problem\+json/i);
  return JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as { errors: Array<{ field: string }> };
};

const writeHead = (method: string, path: string, headers: Record<string, string>) =>
  `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;

const AUTH = { Authorization: `Bearer ${WRITER_TOKEN}`, 'Content-Type': 'application/json' };

describe('resource limits and slow clients', () => {
  let live: LiveApp;
  beforeEach(async () => {
    live = await liveApp('sqlite', { limits: LIMITS, app: { bodyLimit: '1mb' } });
  });
  afterEach(() => live.close());

  /** Other clients, served one after another while a bad one holds its connection. */
  const othersAreServed = async (whileOpen: RawExchange) => {
    let servedWhileOpen = 0;
    for (let n = 0; n < 5; n += 1) {
      const health = await fetch(`${live.url}/health`);
      expect(health.status).toBe(200);
      const appended = await postTo(live.url, 'others', development(`other ${n}`));
      expect(appended.status).toBe(201);
      if (!whileOpen.isClosed()) servedWhileOpen += 1;
    }
    expect(servedWhileOpen).toBeGreaterThan(0);
  };

  it('cuts off a client trickling its body with 408 problem+json, serving others meanwhile and storing none of it', async () => {
    const slow = await open(live.url);
    const body = JSON.stringify(development('trickled'));
    slow.socket.write(
      writeHead('POST', '/negotiations/talks/events', { ...AUTH, 'Content-Length': String(body.length) }),
    );
    let sent = 0;
    const trickle = setInterval(() => {
      if (!slow.isClosed() && sent < body.length - 1) slow.socket.write(body[sent++] ?? ' ');
    }, 25);
    try {
      await othersAreServed(slow);
      const raw = await slow.closed;
      expect(statusOf(raw)).toBe(408);
      expect(problemOf(raw).errors[0]?.field).toBe('(request)');
      expect(sent).toBeLessThan(body.length - 1);
    } finally {
      clearInterval(trickle);
    }
    expect(unwrap(await live.store.readStream('talks')())).toHaveLength(0);
    expect(unwrap(await live.store.readStream('others')())).toHaveLength(5);
  });

  it('cuts off a client trickling its headers (slowloris) with 408, serving others meanwhile', async () => {
    const slow = await open(live.url);
    slow.socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    let lines = 0;
    const trickle = setInterval(() => {
      if (!slow.isClosed()) slow.socket.write(`X-Slow-${(lines += 1)}: yes\r\n`);
    }, 25);
    try {
      await othersAreServed(slow);
      const raw = await slow.closed;
      expect(statusOf(raw)).toBe(408);
      expect(problemOf(raw).errors[0]?.field).toBe('(request)');
    } finally {
      clearInterval(trickle);
    }
  });

  it('closes connections that never send a byte, and idle keep-alive connections, while serving others', async () => {
    const idle = await Promise.all(Array.from({ length: 20 }, () => open(live.url)));
    const kept = await open(live.url);
    kept.socket.write(writeHead('GET', '/health', {}));
    await othersAreServed(idle[0] as RawExchange);
    const answers = await Promise.all(idle.map((connection) => connection.closed));
    expect(answers.every((raw) => raw === '' || statusOf(raw) === 408)).toBe(true);
    expect(statusOf(await kept.closed)).toBe(200);
  });

  it('answers a body declared over the limit with 413 at once, without waiting for it, and closes', async () => {
    const big = await open(live.url);
    big.socket.write(
      writeHead('POST', '/negotiations/talks/events', {
        ...AUTH,
        'Content-Length': String(50 * 1024 * 1024),
      }),
    );
    big.socket.write('{"events": [' + ' '.repeat(64 * 1024));
    // Only 64 KiB of the declared 50 MiB were sent: the answer cannot have waited for the body.
    const raw = await big.closed;
    expect(statusOf(raw)).toBe(413);
    expect(problemOf(raw).errors).toEqual([{ field: '(body)', reason: 'exceeds the size limit' }]);
    expect(unwrap(await live.store.readAll()())).toHaveLength(0);
  });

  it('answers a chunked body that grows over the limit with 413 and keeps serving', async () => {
    const chunked = await open(live.url);
    chunked.socket.write(
      writeHead('POST', '/negotiations/talks/events', { ...AUTH, 'Transfer-Encoding': 'chunked' }),
    );
    const chunk = 'x'.repeat(64 * 1024);
    for (let n = 0; n < 24; n += 1) chunked.socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
    chunked.socket.write('0\r\n\r\n');
    const answered = await chunked.closed;
    expect(statusOf(answered)).toBe(413);
    expect(problemOf(answered).errors[0]?.field).toBe('(body)');
    const health = await fetch(`${live.url}/health`);
    expect(health.status).toBe(200);
  });

  it('accepts 1000 events in one batch and refuses 1001 naming "events", storing none of them', async () => {
    const tiny = (n: number) => ({
      ...development(n),
      sources: [{ ...development(n).sources[0], title: 't' }],
    });
    const tooMany = await postTo(live.url, 'talks', {
      events: Array.from({ length: 1001 }, (_, n) => tiny(n)),
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body['errors']).toEqual([
      { field: 'events', reason: 'must have at most 1000 events per request' },
    ]);
    expect(unwrap(await live.store.readAll()())).toHaveLength(0);
    const full = await postTo(live.url, 'talks', { events: Array.from({ length: 1000 }, (_, n) => tiny(n)) });
    expect(full.status).toBe(201);
    expect(unwrap(await live.store.readStream('talks')())).toHaveLength(1000);
  });

  it('answers headers over the size limit with 431 and a malformed request line with 400, as problem+json', async () => {
    const huge = await open(live.url);
    huge.socket.write(writeHead('GET', '/health', { 'X-Huge': 'h'.repeat(20 * 1024) }));
    const hugeRaw = await huge.closed;
    expect(statusOf(hugeRaw)).toBe(431);
    expect(problemOf(hugeRaw).errors[0]?.field).toBe('(headers)');
    const garbage = await open(live.url);
    garbage.socket.write('\u0001\u0002 nonsense\r\n\r\n');
    const garbageRaw = await garbage.closed;
    expect(statusOf(garbageRaw)).toBe(400);
    expect(problemOf(garbageRaw).errors[0]?.field).toBe('(request)');
    const bogus = await open(live.url);
    bogus.socket.write(
      'GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello',
    );
    expect(statusOf(await bogus.closed)).toBe(400);
  });
});

describe('server limits from the environment', () => {
  it('defaults, reads each variable, and names every bad one', () => {
    expect(unwrap(serverLimitsFrom({}))).toEqual({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5_000,
      socketTimeoutMs: 60_000,
      maxConnections: 4096,
      maxConnectionsPerClient: 256,
    });
    expect(unwrap(serverLimitsFrom({ REQUEST_TIMEOUT_MS: '2000', HEADERS_TIMEOUT_MS: '500' }))).toMatchObject(
      {
        requestTimeoutMs: 2_000,
        headersTimeoutMs: 500,
      },
    );
    const bad = serverLimitsFrom({ KEEP_ALIVE_TIMEOUT_MS: 'soon', SOCKET_TIMEOUT_MS: '0' });
    expect(bad).toEqual({
      _tag: 'Left',
      left: [
        { field: 'KEEP_ALIVE_TIMEOUT_MS', reason: 'must be a positive whole number of milliseconds' },
        { field: 'SOCKET_TIMEOUT_MS', reason: 'must be a positive whole number of milliseconds' },
      ],
    });
    expect(serverLimitsFrom({ HEADERS_TIMEOUT_MS: '5000', REQUEST_TIMEOUT_MS: '1000' })).toEqual({
      _tag: 'Left',
      left: [{ field: 'HEADERS_TIMEOUT_MS', reason: 'must not exceed REQUEST_TIMEOUT_MS' }],
    });
  });

  it('reads body limits the way the body parser does', () => {
    expect(limitInBytes('2mb')).toBe(2 * 1024 * 1024);
    expect(limitInBytes('256KB')).toBe(256 * 1024);
    expect(limitInBytes('100')).toBe(100);
    expect(limitInBytes('lots')).toBeUndefined();
  });
});
