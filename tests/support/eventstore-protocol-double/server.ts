import * as grpc from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import { ServerFeaturesService } from '@eventstore/db-client/generated/serverfeatures_grpc_pb';
import { SupportedMethod, SupportedMethods } from '@eventstore/db-client/generated/serverfeatures_pb';
import { StreamsService } from '@eventstore/db-client/generated/streams_grpc_pb';
import { createStreamsService } from './streams-service';
import { SubscriptionControl, SubscriptionStart, createSubscriptionControl } from './subscription-control';
import { TransactionLog, createTransactionLog } from './transaction-log';

export interface ProtocolDoubleOptions {
  /**
   * Advertise BatchAppend in ServerFeatures (as servers since 21.10 do), so the client appends through it;
   * false makes the client use the older Append call (as it also does when a call carries credentials).
   */
  readonly batchAppend?: boolean;
  readonly maxAppendSize?: number;
  readonly now?: () => Date;
}

export interface ProtocolDouble {
  /** A connection string for @eventstore/db-client: single node, no TLS, no discovery. */
  readonly url: string;
  readonly port: number;
  readonly log: TransactionLog;
  readonly subscriptionStarts: readonly SubscriptionStart[];
  /** How many calls of each Streams method the double has served. */
  readonly calls: Readonly<Record<'read' | 'append' | 'batchAppend', number>>;
  /** Drops live subscriptions (of one connection name, or all) and holds new ones until the returned release. */
  suspendSubscriptions(connectionName?: string): () => void;
  /** Closes every connection at once, as a server restart does, and listens again on the same port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const DEFAULT_MAX_APPEND_SIZE = 1_048_576;
/** What ServerFeatures reports: the version docker-compose.yml runs. */
const REPORTED_SERVER_VERSION = '24.10.0';

const supportedMethods = (batchAppend: boolean): SupportedMethods => {
  const method = (service: string, name: string, features: string[] = []) =>
    new SupportedMethod().setServiceName(service).setMethodName(name).setFeaturesList(features);
  const streams = 'event_store.client.streams.streams';
  return new SupportedMethods()
    .setEventStoreServerVersion(REPORTED_SERVER_VERSION)
    .setMethodsList([
      method(streams, 'read', ['position', 'events']),
      method(streams, 'append'),
      ...(batchAppend ? [method(streams, 'batchappend', ['deadline_duration'])] : []),
      method('event_store.client.server_features.serverfeatures', 'getsupportedmethods'),
    ]);
};

const listen = (server: grpc.Server, port: number): Promise<number> =>
  new Promise((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );

/**
 * An in-process gRPC server that speaks EventStoreDB's streams protocol, built on the service definitions shipped
 * in @eventstore/db-client, so the real client's encoding runs over a real gRPC connection in tests. Loopback only.
 */
export const startProtocolDouble = async (options: ProtocolDoubleOptions = {}): Promise<ProtocolDouble> => {
  const log = createTransactionLog(options.now);
  // A fresh server's $all already holds system events: clients must pick out their own.
  log.append('$settings', { kind: 'any' }, [
    {
      id: randomUUID(),
      type: 'update-default-acl',
      contentType: 'application/json',
      data: Buffer.from('{"$userStreamAcl":{"$r":"$all"}}'),
      customMetadata: new Uint8Array(),
    },
  ]);
  const control: SubscriptionControl = createSubscriptionControl();
  const calls = { read: 0, append: 0, batchAppend: 0 };
  const serve = () => {
    const server = new grpc.Server();
    server.addService(
      StreamsService,
      createStreamsService(log, control, {
        maxAppendSize: options.maxAppendSize ?? DEFAULT_MAX_APPEND_SIZE,
        calls,
      }),
    );
    server.addService(ServerFeaturesService, {
      getSupportedMethods: (
        _call: grpc.ServerUnaryCall<unknown, SupportedMethods>,
        callback: grpc.sendUnaryData<SupportedMethods>,
      ) => callback(null, supportedMethods(options.batchAppend ?? true)),
    });
    return server;
  };
  let server = serve();
  const port = await listen(server, 0);

  return {
    url: `esdb://127.0.0.1:${port}?tls=false`,
    port,
    log,
    subscriptionStarts: control.starts,
    calls,
    suspendSubscriptions: (connectionName) => control.suspend(connectionName),
    restart: async () => {
      server.forceShutdown();
      server = serve();
      await listen(server, port);
    },
    stop: () => {
      server.forceShutdown();
      return Promise.resolve();
    },
  };
};
