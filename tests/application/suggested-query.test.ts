import * as E from 'fp-ts/Either';
import { suggestedQuery } from '../../src/application/suggested-query';
import { createInMemoryEventStore } from '../../src/store';
import { manualClock, unwrap } from '../support/builders';
import { REFERENCE_ID, referenceLines } from '../support/reference-story';

describe('the query the start banner suggests', () => {
  it('is none for an empty store', async () => {
    expect(await suggestedQuery(createInMemoryEventStore())).toEqual(E.right(undefined));
  });

  it('is the largest negotiation as of the day its last recorded event was reported', async () => {
    const store = createInMemoryEventStore(manualClock('2026-01-01T00:00:00.000Z'));
    const lines = referenceLines();
    unwrap(
      await store.append({
        negotiationId: REFERENCE_ID,
        events: lines.map((line) => ({ ...line.event, id: line.event.id ?? '' })),
        expectedRevision: { kind: 'no-stream' },
        recordedBy: 'test',
      })(),
    );
    const other = lines[0]?.event;
    if (other === undefined) throw new Error('the reference story is empty');
    unwrap(
      await store.append({
        negotiationId: 'another-negotiation',
        events: [
          { ...other, negotiationId: 'another-negotiation', id: '0190d3a4-0000-7000-8000-000000000001' },
        ],
        expectedRevision: { kind: 'no-stream' },
        recordedBy: 'test',
      })(),
    );
    const latest = lines[lines.length - 1]?.event.reportedAt.slice(0, 10);
    expect(await suggestedQuery(store)).toEqual(E.right({ negotiationId: REFERENCE_ID, asOf: latest }));
  });
});
