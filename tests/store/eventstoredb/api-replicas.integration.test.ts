import { randomUUID } from 'node:crypto';
import request from '../../support/contract-request';
import { createApp } from '../../../src/api';
import { createTracker } from '../../../src/application/tracker';
import { EventStoreDbStore, createEventStoreDbStore } from '../../../src/store/eventstoredb';
import { ProtocolDouble, startProtocolDouble } from '../../support/eventstore-protocol-double';
import { reported } from '../../support/builders';
import { eventually } from '../../support/eventually';
import { REFERENCE_ID, referenceLines } from '../../support/reference-story';

/**
 * Two stateless API instances over one EventStoreDB (the protocol double), as docker-compose's cluster profile
 * runs them: an append through either is answered by the other, the same way, within the promised delay.
 */
const BOUND_MS = 2_000;
const DATES = ['2024-07-05', '2024-12-27', '2025-01-04'];

describe('two API instances over one EventStoreDB', () => {
  let double: ProtocolDouble;
  let stores: EventStoreDbStore[];
  let apps: Array<ReturnType<typeof createApp>>;

  beforeEach(async () => {
    double = await startProtocolDouble();
    stores = ['api-1', 'api-2'].map((name) =>
      createEventStoreDbStore({
        connectionString: `${double.url}&connectionName=${name}`,
        reconnectDelayMs: 20,
      }),
    );
    apps = stores.map((store) =>
      createApp({ tracker: createTracker({ store, newEventId: randomUUID }), storeName: 'eventstoredb' }),
    );
  });
  afterEach(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await double.stop();
  });

  const status = (app: ReturnType<typeof createApp>, asOf: string) =>
    request(app).get(`/negotiations/${REFERENCE_ID}/status`).query({ asOf });

  const sameAnswers = async () => {
    for (const asOf of DATES) {
      const [one, two] = await Promise.all(apps.map((app) => status(app, asOf)));
      if (one?.status !== 200 || two?.status !== 200) return false;
      if (one.headers.etag !== two.headers.etag || JSON.stringify(one.body) !== JSON.stringify(two.body))
        return false;
    }
    return true;
  };

  it('answers the same as-of queries on both after appends through either', async () => {
    const [first, second] = apps as [ReturnType<typeof createApp>, ReturnType<typeof createApp>];
    const events = referenceLines().map(({ event: { negotiationId: _n, ...event } }) => event);

    const created = await request(first)
      .post(`/negotiations/${REFERENCE_ID}/events`)
      .send({ events: events.slice(0, 40) });
    expect(created.status).toBe(201);
    await eventually(BOUND_MS, sameAnswers);

    const appendedThroughSecond = await request(second)
      .post(`/negotiations/${REFERENCE_ID}/events`)
      .set('If-Match', created.headers.etag as string)
      .send({ events: events.slice(40) });
    expect(appendedThroughSecond.status).toBe(201);
    await eventually(BOUND_MS, sameAnswers);

    const [fromFirst] = await Promise.all([status(first, '2025-01-04')]);
    expect(fromFirst.headers.etag).toBe(`"${events.length - 1}"`);
    expect(fromFirst.body).toEqual((await status(second, '2025-01-04')).body);

    // A stale If-Match is refused by whichever instance receives it.
    const stale = await request(first)
      .post(`/negotiations/${REFERENCE_ID}/events`)
      .set('If-Match', created.headers.etag as string)
      .send(reported('TalksStalled', { reason: 'a report written against an old revision' }));
    expect(stale.status).toBe(412);
    expect(stale.headers.etag).toBe(`"${events.length - 1}"`);
  });
});
