import {
  AllStreamResolvedEvent,
  AllStreamSubscription,
  EventStoreDBClient,
  START,
  streamNameFilter,
} from '@eventstore/db-client';
import * as E from 'fp-ts/Either';
import { StoreFailure } from '../port';
import { LogReplica } from './log-replica';
import { describe, failure } from './failures';

/** How this instance's view of the log is doing (for health reports and tests). */
export interface ReplicaStatus {
  readonly caughtUp: boolean;
  readonly subscribed: boolean;
  readonly checkpoint: { readonly commit: bigint; readonly prepare: bigint } | undefined;
  readonly resubscriptions: number;
  readonly duplicatesSkipped: number;
  readonly lastError: string | undefined;
}

export interface FollowerOptions {
  readonly client: EventStoreDBClient;
  readonly prefix: string;
  readonly replica: LogReplica;
  readonly serverName: string;
  readonly timeoutMs: number;
  readonly baseDelay: number;
}

/**
 * Keeps the replica current with a catch-up subscription to $all (the negotiation streams only), resubscribing
 * with a growing pause when it drops, and says when the view has caught up.
 */
export const startFollower = ({
  client,
  prefix,
  replica,
  serverName,
  timeoutMs,
  baseDelay,
}: FollowerOptions) => {
  let closed = false;
  let caughtUp = false;
  let current: AllStreamSubscription | undefined;
  let resubscriptions = 0;
  let lastError: string | undefined;
  let wakeFromPause: (() => void) | undefined;
  /** Told whenever the subscription lands an append (from any instance). */
  const watchers = new Set<() => void>();

  /**
   * One subscription from the checkpoint (exclusive) until it drops. The client announces caught-up and
   * checkpoints as soon as it parses them, possibly before the events ahead of them have left its buffer, so each
   * marker takes effect only once those events have been applied.
   */
  const followOnce = () =>
    new Promise<void>((resolve) => {
      let delivered = 0;
      const markers: Array<{ due: number; run: () => void }> = [];
      replica.startDelivery();
      const subscription = client.subscribeToAll({
        fromPosition: replica.checkpoint ?? START,
        filter: streamNameFilter({
          prefixes: [prefix],
          checkpointReached: (_subscription, position) => inOrder(() => replica.advanceTo(position)),
        }),
      });
      const inOrder = (run: () => void) => {
        const due = delivered + subscription.readableLength;
        if (due <= delivered) run();
        else markers.push({ due, run });
      };
      current = subscription;
      subscription.on('data', (resolved: AllStreamResolvedEvent) => {
        const event = resolved.event;
        if (
          event !== undefined &&
          replica.apply({
            streamId: event.streamId,
            id: event.id,
            type: event.type,
            revision: event.revision,
            data: event.data,
            metadata: event.metadata,
            position: event.position,
          }) === 'applied'
        )
          watchers.forEach((watcher) => watcher());
        delivered += 1;
        while (markers[0] !== undefined && markers[0].due <= delivered) markers.shift()?.run();
      });
      subscription.on('caughtUp', () =>
        inOrder(() => {
          caughtUp = true;
          lastError = undefined;
          replica.notify();
        }),
      );
      let finished = false;
      const finish = (error?: unknown) => {
        if (finished) return;
        finished = true;
        if (error !== undefined) lastError = describe(error);
        current = undefined;
        subscription.removeAllListeners('data');
        // A subscription that never got a connection rejects its unsubscribe too: there is nothing left to cancel.
        void subscription
          .unsubscribe()
          .catch(() => undefined)
          .finally(() => subscription.destroy());
        resolve();
      };
      // `on`, not `once`: a failing call can report more than one error, and an unheard one would end the process.
      subscription.on('error', finish);
      subscription.once('end', () => finish());
      subscription.once('close', () => finish());
    });

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wakeFromPause = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const follow = async () => {
    let delay = baseDelay;
    while (!closed) {
      const checkpointBefore = replica.checkpoint;
      await followOnce();
      if (closed) return;
      resubscriptions += 1;
      delay = replica.checkpoint !== checkpointBefore ? baseDelay : Math.min(delay * 2, baseDelay * 10);
      await pause(delay);
    }
  };
  void follow();

  const whenCaughtUp = async (): Promise<E.Either<StoreFailure, void>> => {
    if (!caughtUp) await replica.waitUntil(() => caughtUp || closed, timeoutMs);
    if (caughtUp && !closed) return E.right(undefined);
    const reason = closed ? 'the store is closed' : (lastError ?? `no answer within ${timeoutMs} ms`);
    return E.left(failure(`EventStoreDB at ${serverName} is not caught up: ${reason}`));
  };

  return {
    whenCaughtUp,
    watchAppends: (listener: () => void) => {
      watchers.add(listener);
      return () => watchers.delete(listener);
    },
    status: (): ReplicaStatus => ({
      caughtUp,
      subscribed: current !== undefined,
      checkpoint: replica.checkpoint,
      resubscriptions,
      duplicatesSkipped: replica.duplicatesSkipped,
      lastError,
    }),
    close: async () => {
      closed = true;
      wakeFromPause?.();
      replica.abandonWaits();
      const subscription = current;
      if (subscription !== undefined) {
        await subscription.unsubscribe().catch(() => undefined);
        subscription.destroy();
      }
    },
  };
};

export type Follower = ReturnType<typeof startFollower>;
