import { DEFAULT_SERVER_LIMITS } from '../../src/api';
import { OpenStream, openStream } from '../support/event-stream';
import { LiveApp, development, liveApp, postTo } from '../support/live-app';

jest.setTimeout(60_000);

/**
 * Stream followers are bounded like every other connection: at a cap the idlest makes room (a follower cut off
 * reconnects and resumes), so idle streams cannot lock an address out. A negotiation's follower catching up reads
 * its own stream, and gets exactly its events, however many others the log holds.
 */
describe('stream followers within the connection caps', () => {
  let live: LiveApp;
  const streams: OpenStream[] = [];
  afterEach(async () => {
    for (const stream of streams.splice(0)) stream.drop();
    await live.close();
  });

  it('closes the oldest idle stream to make room for a new request, instead of refusing it', async () => {
    live = await liveApp('in-memory', {
      limits: { ...DEFAULT_SERVER_LIMITS, maxConnectionsPerClient: 3 },
      heartbeatMs: 60_000,
    });
    for (let n = 0; n < 3; n += 1) {
      const stream = await openStream(`${live.url}/stream`);
      expect(stream.status).toBe(200);
      streams.push(stream);
    }
    const answer = await fetch(`${live.url}/health`);
    expect(answer.status).toBe(200);
    await streams[0]?.ended;
    const stillOpen = await Promise.race([
      streams[2]?.ended.then(() => false),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 200)),
    ]);
    expect(stillOpen).toBe(true);
  });

  it.each(['in-memory', 'sqlite'] as const)(
    'catches a negotiation follower up from its own stream, between many events of others (%s)',
    async (adapter) => {
      live = await liveApp(adapter, { heartbeatMs: 60_000 });
      const mine: string[] = [];
      for (let n = 0; n < 30; n += 1) {
        const negotiationId = n % 10 === 3 ? 'small' : 'large';
        const event = development(n);
        expect((await postTo(live.url, negotiationId, event)).status).toBe(201);
        if (negotiationId === 'small') mine.push(event.id);
      }
      const stream = await openStream(`${live.url}/negotiations/small/stream?after=0`);
      streams.push(stream);
      const received = await stream.received(mine.length);
      expect(received.map((m) => (JSON.parse(m.data) as { id: string }).id)).toEqual(mine);
      // After the catch-up it is live: the next one of its negotiation arrives, the others' do not.
      const next = development(100);
      await postTo(live.url, 'large', development(101));
      await postTo(live.url, 'small', next);
      const last = (await stream.received(mine.length + 1))[mine.length];
      expect((JSON.parse(last?.data ?? '{}') as { id: string }).id).toBe(next.id);
      expect(stream.messages.filter((m) => m.event === 'development')).toHaveLength(mine.length + 1);
    },
  );
});
