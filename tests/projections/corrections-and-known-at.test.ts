import { effectiveLog, stateAsOf, statusView, timelineView } from '../../src/projections';
import { foldNegotiation } from '../../src/application/replay';
import { createInMemoryEventStore, createSqliteEventStore, EventStore } from '../../src/store';
import { manualClock, reported, unwrap, appendAll } from '../support/builders';

const append = async (store: EventStore, events: Parameters<EventStore['append']>[0]['events']) =>
  await appendAll(store, events, { recordedBy: 'analyst' });

describe('knownAt: what the log said at a past moment', () => {
  const clock = manualClock('2024-07-05T09:00:00.000Z');
  const store = createInMemoryEventStore(clock);
  const delegation = reported(
    'DelegationSent',
    { party: 'Israel', venue: 'Cairo' },
    { occurredAt: '2024-07-05' },
  );

  beforeAll(async () => {
    // Given a delegation reported to Cairo on July 5, recorded that morning,
    await append(store, [delegation]);
    // and a correction recorded ten days later: it went to Doha, and a day later.
    clock.set('2024-07-15T12:00:00.000Z');
    await append(store, [
      reported('EventCorrected', {
        targetEventId: delegation.id,
        reason: 'Later reports place the delegation in Doha, arriving Saturday',
        corrections: { occurredAt: '2024-07-06', payload: { party: 'Israel', venue: 'Doha' } },
      }),
    ]);
  });

  const venueOf = async (query: { asOf?: string; knownAt?: string }) => {
    const stream = unwrap(await store.readStream('n')());
    const result = stateAsOf(effectiveLog(stream, query.knownAt), query);
    return statusView(result, 0).delegations.map((d) => `${d.party}@${d.venue}`);
  };

  it('before the correction was recorded, the log says Cairo on July 5', async () => {
    expect(await venueOf({ knownAt: '2024-07-10', asOf: '2024-07-05' })).toEqual(['Israel@Cairo']);
  });

  it('at and after the correction, the log says Doha, from July 6', async () => {
    expect(await venueOf({ knownAt: '2024-07-15T12:00:00Z', asOf: '2024-07-06' })).toEqual(['Israel@Doha']);
    expect(await venueOf({ asOf: '2024-07-05' })).toEqual([]);
    expect(await venueOf({ asOf: '2024-07-06' })).toEqual(['Israel@Doha']);
  });

  it('a bare knownAt date means the end of that day', async () => {
    expect(await venueOf({ knownAt: '2024-07-15', asOf: '2024-07-31' })).toEqual(['Israel@Doha']);
    expect(await venueOf({ knownAt: '2024-07-14', asOf: '2024-07-31' })).toEqual(['Israel@Cairo']);
  });

  it('before anything was recorded, the log is empty', async () => {
    expect(await venueOf({ knownAt: '2024-07-04' })).toEqual([]);
  });

  it('the timeline shows the corrected event with the correction that changed it', async () => {
    const [entry] = timelineView(effectiveLog(unwrap(await store.readStream('n')())), {});
    expect(entry?.occurredAt).toBe('2024-07-06');
    expect(entry?.amendments).toEqual([
      expect.objectContaining({
        kind: 'correction',
        fields: ['occurredAt', 'payload'],
        recordedAt: '2024-07-15T12:00:00.000Z',
      }),
    ]);
  });
});

describe('retractions', () => {
  it('remove their target for knownAt at or after the retraction, and only then', async () => {
    const clock = manualClock('2024-12-25T10:00:00.000Z');
    const store = createInMemoryEventStore(clock);
    const recall = reported(
      'DelegationRecalled',
      { party: 'Israel', reason: 'internal deliberations' },
      { occurredAt: '2024-12-25' },
    );
    await append(store, [
      reported('DelegationSent', { party: 'Israel', venue: 'Doha' }, { occurredAt: '2024-12-01' }),
      recall,
    ]);
    clock.set('2024-12-30T00:00:00.000Z');
    await append(store, [
      reported('EventRetracted', { targetEventId: recall.id, reason: 'the outlet withdrew the report' }),
    ]);
    const stream = unwrap(await store.readStream('n')());
    const before = stateAsOf(effectiveLog(stream, '2024-12-29'), { asOf: '2024-12-27' });
    const after = stateAsOf(effectiveLog(stream), { asOf: '2024-12-27' });
    expect(Object.keys(before.state.parties.delegations)).toEqual([]);
    expect(Object.keys(after.state.parties.delegations)).toEqual(['Israel']);
    expect(effectiveLog(stream).retracted.map((r) => r.event.id)).toEqual([recall.id]);
  });
});

describe('vague dates', () => {
  it('count once they may have happened, and are listed as uncertain until they surely have', async () => {
    const store = createInMemoryEventStore(manualClock());
    const stall = reported(
      'TalksStalled',
      { reason: 'amendments demanded' },
      { occurredAt: '2024-06', precision: 'month' },
    );
    await append(store, [stall]);
    const log = effectiveLog(unwrap(await store.readStream('n')()));
    const midJune = stateAsOf(log, { asOf: '2024-06-20' });
    expect(midJune.state.talks.activity).toBe('stalled');
    expect(midJune.uncertain.map((e) => e.eventId)).toEqual([stall.id]);
    const strict = stateAsOf(log, { asOf: '2024-06-20', include: 'certain' });
    expect(strict.state.talks.activity).toBe('not-started');
    const july = stateAsOf(log, { asOf: '2024-07-01', include: 'certain' });
    expect(july.state.talks.activity).toBe('stalled');
    expect(july.uncertain).toEqual([]);
  });
});

describe('a correction of the order within a day', () => {
  it.each(['in-memory', 'sqlite'] as const)(
    'reorders two developments of one day on the %s store, in the plain fold and the store scan alike',
    async (kind) => {
      const store =
        kind === 'sqlite'
          ? createSqliteEventStore({ file: ':memory:', clock: manualClock() })
          : createInMemoryEventStore(manualClock());
      const stalled = reported(
        'TalksStalled',
        { reason: 'deadlock' },
        { occurredAt: '2024-03-01', sequence: 2 },
      );
      const resumed = reported('TalksResumed', { venue: 'Cairo' }, { occurredAt: '2024-03-01', sequence: 1 });
      await append(store, [stalled, resumed]);
      const activity = async () => {
        const plain = stateAsOf(effectiveLog(unwrap(await store.readStream('n')())), {}).state.talks.activity;
        const scanned = unwrap(await foldNegotiation(store, 'n')).state.talks.activity;
        return [plain, scanned];
      };
      expect(await activity()).toEqual(['stalled', 'stalled']);
      await append(store, [
        reported('EventCorrected', {
          targetEventId: stalled.id,
          reason: 'the stall came first that day',
          corrections: { sequence: 1 },
        }),
        reported('EventCorrected', {
          targetEventId: resumed.id,
          reason: 'the resumption came after it',
          corrections: { sequence: 2 },
        }),
      ]);
      expect(await activity()).toEqual(['active', 'active']);
      await store.close?.();
    },
  );
});
