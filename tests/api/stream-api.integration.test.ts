import { randomUUID } from 'node:crypto';
import { createEventStoreDbStore } from '../../src/store/eventstoredb';
import { ProtocolDouble, startProtocolDouble } from '../support/eventstore-protocol-double';
import { OpenStream, openStream } from '../support/event-stream';
import { unwrap } from '../support/builders';
import { LiveApp, development, liveApp, postTo } from '../support/live-app';

jest.setTimeout(60_000);

type Adapter = 'in-memory' | 'sqlite' | 'eventstoredb';
const ADAPTERS: Adapter[] = ['in-memory', 'sqlite', 'eventstoredb'];

interface Sent {
  readonly id: string;
  readonly negotiationId: string;
}

const idsOf = (stream: OpenStream) =>
  stream.messages.filter((m) => m.event === 'development').map((m) => JSON.parse(m.data) as Sent);

describe.each(ADAPTERS)('live streams of appended developments (%s)', (adapter) => {
  let double: ProtocolDouble | undefined;
  let live: LiveApp;
  const streams: OpenStream[] = [];
  const follow = async (path: string, headers: Record<string, string> = {}) => {
    const stream = await openStream(`${live.url}${path}`, headers);
    streams.push(stream);
    return stream;
  };
  const post = async (negotiationId: string, n: number | string) => {
    const event = development(n);
    const posted = await postTo(live.url, negotiationId, event);
    expect(posted.status).toBe(201);
    return event.id;
  };

  beforeEach(async () => {
    if (adapter === 'eventstoredb') {
      double = await startProtocolDouble();
      const store = createEventStoreDbStore({
        connectionString: double.url,
        streamPrefix: `stream-${randomUUID().slice(0, 8)}-`,
        reconnectDelayMs: 20,
      });
      live = await liveApp('in-memory', { store, heartbeatMs: 200 });
    } else live = await liveApp(adapter, { heartbeatMs: 200 });
  });
  afterEach(async () => {
    for (const stream of streams.splice(0)) stream.drop();
    await live.close();
    await double?.stop();
  });

  it('sends each development appended after connecting, with its global position as the SSE id', async () => {
    await post('doha', 0);
    const stream = await follow('/negotiations/doha/stream');
    expect(stream.status).toBe(200);
    expect(stream.contentType).toMatch(/^text\/event-stream/);
    const first = await post('doha', 1);
    await post('cairo', 2);
    const third = await post('doha', 3);
    const messages = await stream.received(2);
    expect(idsOf(stream).map((event) => event.id)).toEqual([first, third]);
    const stored = unwrap(await live.store.readAll()());
    const positionOf = new Map(stored.map((event) => [event.id, String(event.position)]));
    expect(messages.map((m) => m.id)).toEqual([positionOf.get(first), positionOf.get(third)]);
  });

  it('on GET /stream sends every negotiation, in position order', async () => {
    const stream = await follow('/stream');
    const ids = [await post('doha', 1), await post('cairo', 2), await post('doha', 3)];
    await stream.received(3);
    expect(idsOf(stream).map((event) => event.id)).toEqual(ids);
    const positions = stream.messages.map((m) => Number(m.id));
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('after a dropped connection, resumes from Last-Event-ID with every development exactly once', async () => {
    const sent: string[] = [];
    await post('doha', 'before');
    const stream = await follow('/negotiations/doha/stream');
    for (let n = 0; n < 3; n += 1) sent.push(await post('doha', n));
    await stream.received(3);
    const lastId = stream.messages.at(-1)?.id;
    expect(lastId).toBeDefined();
    stream.drop();
    // Developments recorded while the client is away, some in another negotiation.
    for (let n = 3; n < 8; n += 1) {
      sent.push(await post('doha', n));
      await post('cairo', n);
    }
    const resumed = await follow('/negotiations/doha/stream', { 'last-event-id': lastId ?? '' });
    const during = post('doha', 'while catching up');
    sent.push(await during);
    sent.push(await post('doha', 'after'));
    await resumed.received(sent.length - 3);
    // Anything sent twice or late would show in the next heartbeat's window.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const received = [...idsOf(stream), ...idsOf(resumed)].map((event) => event.id);
    expect(received).toEqual(sent);
    expect(new Set(received).size).toBe(received.length);
  });

  it('sends heartbeats while nothing happens', async () => {
    const stream = await follow('/stream');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(stream.comments()).toBeGreaterThanOrEqual(3);
  });

  it('refuses a Last-Event-ID that is not a position, as problem+json naming it, and an unknown parameter', async () => {
    const bad = await fetch(`${live.url}/stream`, { headers: { 'last-event-id': 'yesterday' } });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const body = (await bad.json()) as { errors: Array<{ field: string }> };
    expect(body.errors.map((e) => e.field)).toEqual(['Last-Event-ID']);
    const unknown = await fetch(`${live.url}/negotiations/doha/stream?since=3`);
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { errors: Array<{ field: string }> }).errors[0]?.field).toBe('since');
  });

  it('answers 404 for a negotiation nothing was recorded of, without opening a stream', async () => {
    const unknown = await fetch(`${live.url}/negotiations/nope/stream`, {
      signal: AbortSignal.timeout(10_000),
    });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(((await unknown.json()) as { type: string }).type).toMatch(/not-found/);
  });
});

describe('a client that stops reading its stream', () => {
  it('is dropped once its unsent bytes pass the bound, while others keep receiving', async () => {
    const live = await liveApp('in-memory', { app: { streamOptions: { maxBufferedBytes: 64 * 1024 } } });
    try {
      const reading = await openStream(`${live.url}/stream`);
      const stalled = await openStream(`${live.url}/stream`);
      stalled.response.pause();
      const big = 'x'.repeat(16_000);
      // 32 MB: well past the kernel's socket buffers and the bound, so only a drop stops the growth.
      for (let batch = 0; batch < 40; batch += 1) {
        const events = [...Array(50).keys()].map((n) => development(`${batch}.${n}${big}`));
        expect((await postTo(live.url, 'doha', { events })).status).toBe(201);
      }
      await reading.received(2_000);
      await eventuallyFollowers(live, 1);
      expect(live.liveFeed.followers()).toBe(1);
      reading.drop();
      stalled.drop();
    } finally {
      await live.close();
    }
  });
});

const eventuallyFollowers = async (live: LiveApp, count: number) => {
  for (let tries = 0; tries < 200 && live.liveFeed.followers() !== count; tries += 1)
    await new Promise((resolve) => setTimeout(resolve, 50));
};
