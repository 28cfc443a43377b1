import { recordedFields } from '../../../src/domain';
import { createInMemoryEventStore, hashVerifies } from '../../../src/store';
import {
  BATCH_END_KEY,
  batchEndOf,
  fromEsdbRecord,
  toEventData,
  withoutCredentials,
} from '../../../src/store/eventstoredb';
import { manualClock, reported, unwrap } from '../../support/builders';

/** How a recorded event becomes EventStoreDB event data and metadata, and comes back unchanged. */
describe('the EventStoreDB event mapping', () => {
  it('splits what was reported (data) from what was recorded (metadata) and reads it back with the same hash', async () => {
    const store = createInMemoryEventStore(manualClock('2025-01-05T08:00:00.000Z'));
    const event = reported('TalksResumed', { venue: 'Doha' }, { summary: 'talks resume' });
    unwrap(
      await store.append({
        negotiationId: 'doha',
        events: [event],
        expectedRevision: { kind: 'any' },
        recordedBy: 'analyst',
      })(),
    );
    const [stored] = unwrap(await store.readStream('doha')());
    const data = toEventData(recordedFields(stored!), 0);
    expect(data).toMatchObject({ id: event.id, type: 'TalksResumed', contentType: 'application/json' });
    expect(data.data).toEqual({
      occurredAt: event.occurredAt,
      precision: event.precision,
      reportedAt: event.reportedAt,
      sources: event.sources,
      summary: 'talks resume',
      payload: { venue: 'Doha' },
    });
    expect(data.metadata).toEqual({
      recordedAt: '2025-01-05T08:00:00.000Z',
      recordedBy: 'analyst',
      previousHash: stored!.previousHash,
      hash: stored!.hash,
      [BATCH_END_KEY]: 0,
    });
    const record = {
      streamId: 'negotiation-doha',
      id: data.id,
      type: data.type,
      revision: 0n,
      data: data.data,
      metadata: data.metadata,
      position: { commit: 4200n, prepare: 4200n },
    };
    const decoded = fromEsdbRecord('negotiation-', record);
    expect(decoded.kind).toBe('event');
    if (decoded.kind !== 'event') return;
    expect(recordedFields(decoded.event)).toEqual(recordedFields(stored!));
    expect(decoded.event.position).toBe(4200);
    expect(hashVerifies(decoded.event)).toBe(true);
    expect(batchEndOf(record)).toBe(0n);
    expect(batchEndOf({ ...record, revision: 3n, metadata: {} })).toBe(3n);
    expect(fromEsdbRecord('negotiation-', { ...record, streamId: 'other-doha' })).toEqual({
      kind: 'not-ours',
    });
  });

  it('keeps credentials out of connection strings shown in messages', () => {
    expect(withoutCredentials('esdb://admin:changeit@db:2113?tls=false')).toBe('esdb://db:2113?tls=false');
    expect(withoutCredentials('esdb://localhost:2113?tls=false')).toBe('esdb://localhost:2113?tls=false');
  });
});
