import * as grpc from '@grpc/grpc-js';
import { LogPosition } from './transaction-log';

/** Where a client asked a subscription to start, as the double saw it (for asserting resumption). */
export interface SubscriptionStart {
  readonly connectionName: string;
  readonly from: LogPosition | 'start' | 'end';
}

/**
 * Lets tests break subscriptions the way a network or a server restart does: live subscriptions of a connection
 * end with UNAVAILABLE, and while suspended its new subscriptions are held before they read anything.
 */
export interface SubscriptionControl {
  recordStart(connectionName: string, from: SubscriptionStart['from']): void;
  /** Resolves when the connection may subscribe (at once unless it is suspended). */
  admitted(connectionName: string): Promise<void>;
  /** Registers a live subscription and how to drop it; returns the function that forgets it. */
  register(connectionName: string, drop: (error: grpc.StatusObject) => void): () => void;
  /** Drops the live subscriptions of one connection (all when omitted) and holds new ones until released. */
  suspend(connectionName?: string): () => void;
  readonly starts: readonly SubscriptionStart[];
}

const ALL = Symbol('all connections');

export const createSubscriptionControl = (): SubscriptionControl => {
  const starts: SubscriptionStart[] = [];
  const live = new Set<{ connectionName: string; drop: (error: grpc.StatusObject) => void }>();
  const suspended = new Map<string | typeof ALL, { released: Promise<void>; release: () => void }>();

  return {
    starts,
    recordStart: (connectionName, from) => {
      starts.push({ connectionName, from });
    },
    admitted: async (connectionName) => {
      for (;;) {
        const hold = suspended.get(connectionName) ?? suspended.get(ALL);
        if (hold === undefined) return;
        await hold.released;
      }
    },
    register: (connectionName, drop) => {
      const entry = { connectionName, drop };
      live.add(entry);
      return () => live.delete(entry);
    },
    suspend: (connectionName) => {
      const key = connectionName ?? ALL;
      let release = () => undefined as void;
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      suspended.set(key, { released, release });
      for (const entry of [...live])
        if (connectionName === undefined || entry.connectionName === connectionName) {
          live.delete(entry);
          entry.drop({
            code: grpc.status.UNAVAILABLE,
            details: 'subscription dropped by the protocol double',
            metadata: new grpc.Metadata(),
          });
        }
      return () => {
        if (suspended.get(key)?.released === released) suspended.delete(key);
        release();
      };
    },
  };
};
