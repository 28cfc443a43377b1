import { randomUUID } from 'node:crypto';
import { createEventStoreDbStore } from '../../src/store/eventstoredb';
import { ProtocolDouble, startProtocolDouble } from '../support/eventstore-protocol-double';
import { describeEventStoreConformance } from './event-store-conformance';

/**
 * The store conformance suite on the EventStoreDB adapter: through the protocol double (the real client over a
 * real gRPC connection, once with BatchAppend and once with the older Append call), and against a live server
 * when EVENTSTORE_URL is set. Each test gets its own stream prefix, so runs against one server never meet.
 */
const LIVE_URL = process.env.EVENTSTORE_URL;
const freshPrefix = () => `conformance-${randomUUID().slice(0, 8)}-`;

const doubles: { batchAppend?: ProtocolDouble; append?: ProtocolDouble } = {};
beforeAll(async () => {
  doubles.batchAppend = await startProtocolDouble();
  doubles.append = await startProtocolDouble({ batchAppend: false });
});
afterAll(async () => {
  await doubles.batchAppend?.stop();
  await doubles.append?.stop();
});

const overDouble = (which: keyof typeof doubles) => (clock: () => Date) =>
  Promise.resolve({
    store: createEventStoreDbStore({
      connectionString: doubles[which]?.url ?? '',
      clock,
      streamPrefix: freshPrefix(),
    }),
  });

describeEventStoreConformance(
  'EventStoreDB store over the protocol double (BatchAppend)',
  overDouble('batchAppend'),
);
describeEventStoreConformance('EventStoreDB store over the protocol double (Append)', overDouble('append'));

if (LIVE_URL !== undefined)
  describeEventStoreConformance(`EventStoreDB store on the live server ${LIVE_URL}`, (clock) =>
    Promise.resolve({
      store: createEventStoreDbStore({ connectionString: LIVE_URL, clock, streamPrefix: freshPrefix() }),
    }),
  );
else
  describe('EventStoreDB store on a live server', () => {
    it.skip('runs when EVENTSTORE_URL is set (see the README, "Storage: EventStoreDB")', () => undefined);
    console.warn(
      'Skipping the store conformance suite against a live EventStoreDB: EVENTSTORE_URL is not set ' +
        '(it ran through the protocol double). Start a server with `docker compose up -d eventstore`, then run ' +
        "`EVENTSTORE_URL='esdb://localhost:2113?tls=false' npx jest tests/store tests/support/eventstore-protocol-double`.",
    );
  });
