import * as E from 'fp-ts/Either';
import { StoredEvent } from '../domain';
import { EventStore, StoreFailure } from '../store';
import { nextTurn } from './slices';

/** One stored event as a feed hands it out: serialised once, however many subscribers receive it. */
export interface FeedItem {
  readonly position: number;
  readonly negotiationId: string;
  readonly json: string;
}

/** Someone following the log: the edge that writes to one connection. */
export interface FeedSubscriber {
  /** Only this negotiation's events; every negotiation's when absent. */
  readonly negotiationId?: string;
  /** Receives events in position order, each once. */
  readonly deliver: (items: readonly FeedItem[]) => void;
  /** Resolves when the subscriber can take more (catching up waits on it between pages). */
  readonly ready: () => Promise<void>;
  readonly heartbeat: () => void;
  /** The feed is closing (the server stops): end the connection. */
  readonly end: () => void;
}

export interface FeedSubscription {
  /** The global position the subscriber is at once subscribed (caught up). */
  readonly position: number;
  readonly unsubscribe: () => void;
}

export interface LiveFeedOptions {
  readonly store: EventStore;
  /** Interval of heartbeats, which also look for events written by other processes (default 15 s). */
  readonly heartbeatMs?: number;
  /** Events read at once, when catching up or following (default 500). */
  readonly pageSize?: number;
}

interface Follower {
  readonly subscriber: FeedSubscriber;
  /** The last global position considered for it (delivered, or not its negotiation's). */
  cursor: number;
  /** Catching up on its own from the store; the feed skips it until it reaches the feed's position. */
  live: boolean;
  closed: boolean;
}

const itemOf = (event: StoredEvent): FeedItem => ({
  position: event.position,
  negotiationId: event.negotiationId,
  json: JSON.stringify(event),
});

const forFollower = (follower: Follower, items: readonly FeedItem[]): readonly FeedItem[] => {
  const wanted = follower.subscriber.negotiationId;
  return items.filter(
    (item) => item.position > follower.cursor && (wanted === undefined || item.negotiationId === wanted),
  );
};

/**
 * The log as it grows, for any number of followers. One reader follows the store from its last position and
 * hands each new page to every live follower. A follower that resumes from an earlier position first reads
 * the store on its own, page by page, and joins the live ones once it has reached the feed's position; the
 * cursor each keeps makes every event reach it once, whichever way it arrives.
 */
export const createLiveFeed = ({ store, heartbeatMs = 15_000, pageSize = 500 }: LiveFeedOptions) => {
  const followers = new Set<Follower>();
  let position: number | undefined;
  let starting: Promise<E.Either<StoreFailure, number>> | undefined;
  let reading = false;
  let readAgain = false;
  let stopWatching: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;

  const lastPosition = async (): Promise<E.Either<StoreFailure, number>> => {
    if (store.lastPosition !== undefined) return store.lastPosition()();
    let last = 0;
    for (;;) {
      const page = await store.readAll({ fromPosition: last + 1, limit: 10_000 })();
      if (E.isLeft(page)) return page;
      const end = page.right.at(-1);
      if (end === undefined) return E.right(last);
      last = end.position;
    }
  };

  /** Reads what was appended since the feed's position and hands it to the live followers. */
  const catchUpFeed = async (): Promise<void> => {
    if (position === undefined) return;
    if (reading) {
      readAgain = true;
      return;
    }
    reading = true;
    try {
      do {
        readAgain = false;
        for (;;) {
          const from: number = position;
          const page = await store.readAll({ fromPosition: from + 1, limit: pageSize })();
          if (E.isLeft(page) || page.right.length === 0) break;
          const items: readonly FeedItem[] = page.right.map(itemOf);
          const reached: number = items[items.length - 1]?.position ?? from;
          position = reached;
          for (const follower of followers) {
            if (!follower.live || follower.closed) continue;
            const mine = forFollower(follower, items);
            // A follower that read past the feed while catching up keeps its further cursor.
            follower.cursor = Math.max(follower.cursor, reached);
            if (mine.length > 0) follower.subscriber.deliver(mine);
          }
          if (page.right.length < pageSize) break;
        }
      } while (readAgain);
    } finally {
      reading = false;
    }
  };

  const start = (): Promise<E.Either<StoreFailure, number>> => {
    starting ??= lastPosition().then((last) => {
      if (E.isLeft(last)) {
        starting = undefined;
        return last;
      }
      position = last.right;
      stopWatching = store.watchAppends?.(() => void catchUpFeed());
      return last;
    });
    return starting;
  };

  const beat = () => {
    for (const follower of followers) if (!follower.closed) follower.subscriber.heartbeat();
    // Other processes (a command line import into the same file) are not watched: the heartbeat looks for them.
    void catchUpFeed();
  };

  /**
   * The first revision of a negotiation's stream past a global position: positions grow with revisions, so a
   * binary search reads a handful of events, however long the stream.
   */
  const firstRevisionAfter = async (
    negotiationId: string,
    cursor: number,
  ): Promise<E.Either<StoreFailure, number>> => {
    const last = await store.streamRevision(negotiationId)();
    if (E.isLeft(last)) return last;
    let low = 0;
    let high = last.right + 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const read = await store.readStream(negotiationId, { fromRevision: middle, limit: 1 })();
      if (E.isLeft(read)) return read;
      if ((read.right[0]?.position ?? Number.POSITIVE_INFINITY) <= cursor) low = middle + 1;
      else high = middle;
    }
    return E.right(low);
  };

  /**
   * A negotiation's follower catches up from its own stream, not the whole log: its cost is the events it is sent.
   * Every event of it up to `target` (the feed's position when the catch-up began) is in the stream when read.
   */
  const catchUpFromStream = async (
    follower: Follower,
    negotiationId: string,
  ): Promise<E.Either<StoreFailure, void>> => {
    const target = position ?? 0;
    const first = await firstRevisionAfter(negotiationId, follower.cursor);
    if (E.isLeft(first)) return first;
    for (let fromRevision = first.right; !follower.closed;) {
      const page = await store.readStream(negotiationId, { fromRevision, limit: pageSize })();
      if (E.isLeft(page)) return page;
      const mine = forFollower(follower, page.right.map(itemOf));
      const end = page.right[page.right.length - 1];
      if (end !== undefined) fromRevision = end.revision + 1;
      if (mine.length > 0) {
        follower.cursor = mine[mine.length - 1]?.position ?? follower.cursor;
        follower.subscriber.deliver(mine);
        await follower.subscriber.ready();
      }
      if (page.right.length < pageSize) break;
      await nextTurn();
    }
    follower.cursor = Math.max(follower.cursor, target);
    return E.right(undefined);
  };

  /** Reads the store from the follower's cursor until it has reached the feed; then it is live. */
  const catchUpFollower = async (follower: Follower): Promise<E.Either<StoreFailure, void>> => {
    const { negotiationId } = follower.subscriber;
    if (negotiationId !== undefined && position !== undefined && follower.cursor < position) {
      const fromStream = await catchUpFromStream(follower, negotiationId);
      if (E.isLeft(fromStream)) return fromStream;
    }
    // What was appended meanwhile, from the whole log (a short read), and everything for an all-log follower.
    while (!follower.closed && position !== undefined && follower.cursor < position) {
      const page = await store.readAll({ fromPosition: follower.cursor + 1, limit: pageSize })();
      if (E.isLeft(page)) return page;
      const items = page.right.map(itemOf);
      const mine = forFollower(follower, items);
      const end = items[items.length - 1];
      if (end === undefined) break;
      follower.cursor = end.position;
      if (mine.length > 0) {
        follower.subscriber.deliver(mine);
        await follower.subscriber.ready();
      }
      // Other requests are served between pages, whether or not this one had anything to send.
      if (follower.cursor < (position ?? 0)) await nextTurn();
    }
    // No await between the last check and this line: the feed cannot move in between.
    follower.live = true;
    return E.right(undefined);
  };

  const subscribe = async (
    subscriber: FeedSubscriber,
    after?: number,
  ): Promise<E.Either<StoreFailure, FeedSubscription>> => {
    const started = await start();
    if (E.isLeft(started)) return started;
    const follower: Follower = {
      subscriber,
      cursor: after ?? position ?? 0,
      live: false,
      closed: false,
    };
    followers.add(follower);
    timer ??= setInterval(beat, heartbeatMs).unref();
    const unsubscribe = () => {
      follower.closed = true;
      followers.delete(follower);
      if (followers.size === 0 && timer !== undefined) {
        clearInterval(timer);
        timer = undefined;
      }
    };
    const caughtUp = await catchUpFollower(follower);
    if (E.isLeft(caughtUp)) {
      unsubscribe();
      return caughtUp;
    }
    return E.right({ position: follower.cursor, unsubscribe });
  };

  return {
    subscribe,
    /** Followers connected now (live or catching up). */
    followers: () => followers.size,
    close: () => {
      stopWatching?.();
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      for (const follower of followers) {
        follower.closed = true;
        follower.subscriber.end();
      }
      followers.clear();
    },
  };
};

export type LiveFeed = ReturnType<typeof createLiveFeed>;
