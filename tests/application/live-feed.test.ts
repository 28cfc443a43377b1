import * as TE from 'fp-ts/TaskEither';
import { FeedItem, createLiveFeed } from '../../src/application/live-feed';
import { EventStore, createInMemoryEventStore } from '../../src/store';
import { reported, unwrap } from '../support/builders';

/** The store, with every read of the log held back a turn: appends land while followers are reading. */
const slowReads = (store: EventStore): EventStore => ({
  ...store,
  readAll: (options) => () =>
    new Promise((resolve) => setTimeout(() => void store.readAll(options)().then(resolve), 1)),
});

const append = (store: EventStore, negotiationId: string, n: number) =>
  store.append({
    negotiationId,
    events: [reported('TalksStalled', { reason: `stall ${n}` })],
    expectedRevision: { kind: 'any' },
    recordedBy: 'tester',
  })();

const follower = (negotiationId?: string) => {
  const received: FeedItem[] = [];
  return {
    received,
    subscriber: {
      ...(negotiationId === undefined ? {} : { negotiationId }),
      deliver: (items: readonly FeedItem[]) => received.push(...items),
      ready: () => Promise.resolve(),
      heartbeat: () => undefined,
      end: () => undefined,
    },
  };
};

describe('the live feed', () => {
  it('given appends while followers resume from earlier positions, hands each of them every later event once, in order', async () => {
    const store = createInMemoryEventStore();
    for (let n = 0; n < 30; n += 1) unwrap(await append(store, n % 2 === 0 ? 'doha' : 'cairo', n));
    const feed = createLiveFeed({ store: slowReads(store), pageSize: 4 });
    const everything = follower();
    const doha = follower('doha');
    const fresh = follower();
    const writing = (async () => {
      for (let n = 30; n < 60; n += 1) {
        unwrap(await append(store, n % 2 === 0 ? 'doha' : 'cairo', n));
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    })();
    const subscriptions = await Promise.all([
      feed.subscribe(everything.subscriber, 0),
      feed.subscribe(doha.subscriber, 10),
      feed.subscribe(fresh.subscriber),
    ]);
    await writing;
    for (let tries = 0; tries < 100 && everything.received.length < 60; tries += 1)
      await new Promise((resolve) => setTimeout(resolve, 5));
    const all = unwrap(await store.readAll()());
    expect(everything.received.map((item) => item.position)).toEqual(all.map((event) => event.position));
    expect(doha.received.map((item) => item.position)).toEqual(
      all
        .filter((event) => event.position > 10 && event.negotiationId === 'doha')
        .map((event) => event.position),
    );
    // Subscribed with no position: from wherever the log stood, every later event, none twice.
    const positions = fresh.received.map((item) => item.position);
    expect(new Set(positions).size).toBe(positions.length);
    expect(positions).toEqual(
      all.map((event) => event.position).filter((p) => p >= (positions[0] ?? Infinity)),
    );
    expect(positions.at(-1)).toBe(all.at(-1)?.position);
    for (const subscription of subscriptions) unwrap(subscription).unsubscribe();
    expect(feed.followers()).toBe(0);
    feed.close();
  });

  it('reports a store that cannot be read instead of following it', async () => {
    const store = createInMemoryEventStore();
    const broken: EventStore = {
      ...store,
      lastPosition: () => TE.left({ _tag: 'StoreFailure', message: 'disk gone' }),
    };
    const feed = createLiveFeed({ store: broken });
    const subscribed = await feed.subscribe(follower().subscriber);
    expect(subscribed).toEqual({ _tag: 'Left', left: { _tag: 'StoreFailure', message: 'disk gone' } });
    expect(feed.followers()).toBe(0);
    feed.close();
  });
});
