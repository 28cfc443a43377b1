import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  NO_STREAM,
  STREAM_EXISTS,
  StreamNotFoundError,
  WrongExpectedVersionError,
  jsonEvent,
  streamNameFilter,
} from '@eventstore/db-client';
import { randomUUID } from 'node:crypto';
import { ProtocolDouble, startProtocolDouble } from './server';

/**
 * What the protocol double promises: the server's documented semantics, seen through the real client. With
 * EVENTSTORE_URL set, the same expectations run against that server, which is how the double is kept honest.
 */
const LIVE_URL = process.env.EVENTSTORE_URL;

interface Target {
  readonly name: string;
  readonly start: () => Promise<{ url: string; double?: ProtocolDouble }>;
  /** The append call the client should have used, when the target can tell. */
  readonly appendCall?: 'append' | 'batchAppend';
}

const targets: Target[] = LIVE_URL
  ? [{ name: `EventStoreDB at ${LIVE_URL}`, start: () => Promise.resolve({ url: LIVE_URL }) }]
  : [true, false].map((batchAppend) => ({
      name: `the protocol double (${batchAppend ? 'BatchAppend' : 'Append'})`,
      appendCall: batchAppend ? 'batchAppend' : 'append',
      start: async () => {
        const double = await startProtocolDouble({ batchAppend });
        return { url: double.url, double };
      },
    }));

const event = (n: number, id: string = randomUUID()) => jsonEvent({ id, type: 'Tested', data: { n } });

const collect = async <A>(iterable: AsyncIterable<A>): Promise<A[]> => {
  const items: A[] = [];
  for await (const item of iterable) items.push(item);
  return items;
};

const rejection = async (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );

describe.each(targets)('EventStoreDB streams protocol: $name', ({ start, appendCall }) => {
  let client: EventStoreDBClient;
  let double: ProtocolDouble | undefined;
  const stream = (name: string) => `double-${randomUUID().slice(0, 8)}-${name}`;

  beforeAll(async () => {
    const target = await start();
    double = target.double;
    client = EventStoreDBClient.connectionString(target.url);
  });
  afterAll(async () => {
    await client.dispose();
    await double?.stop();
  });

  it('serves the client through the append call that ServerFeatures advertises', async () => {
    await client.appendToStream(stream('features'), event(0));
    if (double === undefined || appendCall === undefined) return;
    const other = appendCall === 'append' ? 'batchAppend' : 'append';
    expect(double.calls[appendCall]).toBeGreaterThan(0);
    expect(double.calls[other]).toBe(0);
  });

  it('numbers a stream from revision 0 and reports the next expected revision', async () => {
    const name = stream('revisions');
    const first = await client.appendToStream(name, [event(0), event(1)], { expectedRevision: NO_STREAM });
    expect(first.nextExpectedRevision).toBe(1n);
    const second = await client.appendToStream(name, event(2), { expectedRevision: 1n });
    expect(second.nextExpectedRevision).toBe(2n);
    expect(second.position?.commit).toBeGreaterThan(first.position?.commit ?? Infinity);
    const read = await collect(client.readStream(name));
    expect(read.map((e) => e.event?.revision)).toEqual([0n, 1n, 2n]);
    expect(read.map((e) => (e.event?.data as { n: number }).n)).toEqual([0, 1, 2]);
  });

  it('refuses a wrong expected revision with the current one, and NO_STREAM or STREAM_EXISTS mismatches', async () => {
    const name = stream('conflicts');
    const missing = await rejection(
      client.appendToStream(name, event(0), { expectedRevision: STREAM_EXISTS }),
    );
    expect(missing).toBeInstanceOf(WrongExpectedVersionError);
    expect(missing).toMatchObject({ expectedVersion: STREAM_EXISTS, actualVersion: NO_STREAM });
    await client.appendToStream(name, [event(0), event(1)], { expectedRevision: NO_STREAM });
    const stale = await rejection(client.appendToStream(name, event(9), { expectedRevision: 0n }));
    expect(stale).toMatchObject({ streamName: name, expectedVersion: 0n, actualVersion: 1n });
    const exists = await rejection(client.appendToStream(name, event(9), { expectedRevision: NO_STREAM }));
    expect(exists).toMatchObject({ expectedVersion: NO_STREAM, actualVersion: 1n });
    expect(await collect(client.readStream(name))).toHaveLength(2);
  });

  it('answers a retry with the same ids at the same revision as a success, without writing again', async () => {
    const name = stream('idempotent');
    const batch = [event(0), event(1)];
    const original = await client.appendToStream(name, batch, { expectedRevision: NO_STREAM });
    await client.appendToStream(name, event(2), { expectedRevision: 1n });
    const retried = await client.appendToStream(name, batch, { expectedRevision: NO_STREAM });
    expect(retried.nextExpectedRevision).toBe(original.nextExpectedRevision);
    expect(await collect(client.readStream(name))).toHaveLength(3);
    // The same ids at another revision are not a retry: the expectation fails as usual.
    const shifted = await rejection(client.appendToStream(name, batch, { expectedRevision: 0n }));
    expect(shifted).toBeInstanceOf(WrongExpectedVersionError);
  });

  it('reads a stream forwards and backwards with counts, and reports a stream that does not exist', async () => {
    const name = stream('reads');
    await client.appendToStream(
      name,
      [0, 1, 2, 3, 4].map((n) => event(n)),
    );
    const forwards = await collect(client.readStream(name, { fromRevision: 1n, maxCount: 2 }));
    expect(forwards.map((e) => e.event?.revision)).toEqual([1n, 2n]);
    const backwards = await collect(
      client.readStream(name, { direction: BACKWARDS, fromRevision: END, maxCount: 2 }),
    );
    expect(backwards.map((e) => e.event?.revision)).toEqual([4n, 3n]);
    const fromThree = await collect(client.readStream(name, { direction: BACKWARDS, fromRevision: 3n }));
    expect(fromThree.map((e) => e.event?.revision)).toEqual([3n, 2n, 1n, 0n]);
    expect(await rejection(collect(client.readStream(stream('nothing'))))).toBeInstanceOf(
      StreamNotFoundError,
    );
  });

  it('orders $all by position, which grows but is not a counter, and holds events of other streams', async () => {
    const name = stream('all');
    const appended = await client.appendToStream(name, [event(0), event(1), event(2)]);
    const all = await collect(client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 200 }));
    const ours = all.filter((e) => e.event?.streamId === name).reverse();
    expect(ours.map((e) => e.event?.revision)).toEqual([0n, 1n, 2n]);
    const commits = ours.map((e) => e.event?.position?.commit ?? 0n);
    expect(commits[2]).toBe(appended.position?.commit);
    expect(commits[1]! - commits[0]!).toBeGreaterThan(1n);
    expect(all.some((e) => e.event?.streamId.startsWith('$'))).toBe(true);
    const fromSecond = await collect(client.readAll({ fromPosition: ours[1]!.event!.position, maxCount: 2 }));
    expect(fromSecond.map((e) => e.event?.id)).toEqual(ours.slice(1).map((e) => e.event?.id));
  });

  it('subscribes to $all with a prefix filter: catch-up, caught up, then live; a start position is exclusive', async () => {
    const prefix = `double-${randomUUID().slice(0, 8)}-sub-`;
    await client.appendToStream(`${prefix}a`, [event(0), event(1)]);
    await client.appendToStream(stream('elsewhere'), event(0));
    const seen: string[] = [];
    const subscription = client.subscribeToAll({ filter: streamNameFilter({ prefixes: [prefix] }) });
    const caughtUp = new Promise<void>((resolve) => subscription.once('caughtUp', () => resolve()));
    const live = (async () => {
      for await (const resolved of subscription) {
        seen.push(`${resolved.event?.streamId}@${resolved.event?.revision}`);
        if (seen.length === 3) break;
      }
    })();
    await caughtUp;
    expect(seen).toEqual([`${prefix}a@0`, `${prefix}a@1`]);
    await client.appendToStream(`${prefix}b`, event(2));
    await live;
    expect(seen[2]).toBe(`${prefix}b@0`);
    await subscription.unsubscribe();

    const recent = await collect(client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 200 }));
    const second = recent.find((e) => e.event?.streamId === `${prefix}a` && e.event.revision === 1n);
    const resumed = client.subscribeToAll({
      fromPosition: second!.event!.position,
      filter: streamNameFilter({ prefixes: [prefix] }),
    });
    for await (const resolved of resumed) {
      expect(`${resolved.event?.streamId}@${resolved.event?.revision}`).toBe(`${prefix}b@0`);
      break;
    }
    await resumed.unsubscribe();
  });
});
