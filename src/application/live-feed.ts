import * as E from 'fp-ts/Either';
import { StoredEvent } from '../domain';
import { EventStore, StoreFailure } from '../store';

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

  /** Reads the store from the follower's cursor until it has reached the feed; then it is live. */
  const catchUpFollower = async (follower: Follower): Promise<E.Either<StoreFailure, void>> => {
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
