import fc from 'fast-check';
import { StoredEvent } from '../../src/domain';
import {
  CHECKPOINT_INTERVAL,
  UNCERTAIN_LISTED,
  EffectiveLog,
  compareDevelopments,
  evolve,
  initialState,
  stateAsOf,
} from '../../src/projections';
import { createInMemoryEventStore } from '../../src/store';
import { manualClock, reported, unwrap, appendAll } from '../support/builders';

const day = fc
  .integer({ min: 0, max: 400 })
  .map((offset) => new Date(Date.UTC(2024, 0, 1) + offset * 86_400_000).toISOString().slice(0, 10));
const development = fc
  .tuple(day, fc.integer({ min: 0, max: 5 }), fc.boolean())
  .map(([occurredAt, kind, monthly]) => {
    const options = monthly
      ? { occurredAt: occurredAt.slice(0, 7), precision: 'month' as const }
      : { occurredAt };
    switch (kind) {
      case 0:
        return reported('TalksStalled', { reason: `stall ${occurredAt}` }, options);
      case 1:
        return reported('TalksResumed', { venue: occurredAt < '2024-06' ? 'Doha' : 'Cairo' }, options);
      case 2:
        return reported('DelegationSent', { party: 'Israel', venue: 'Doha' }, options);
      case 3:
        return reported('DelegationRecalled', { party: 'Israel' }, options);
      case 4:
        return reported(
          'PositionStated',
          { issueId: 'corridors', party: 'Hamas', position: occurredAt },
          options,
        );
      default:
        return reported('IssueResolved', { issueId: 'corridors' }, options);
    }
  });

/** The reference answer: every counted development, sorted, folded from the start: no checkpoints involved. */
const plainFold = (log: EffectiveLog, asOf: string) => {
  const untilMs = Date.parse(`${asOf}T23:59:59.999Z`);
  return [...log.developments]
    .sort(compareDevelopments)
    .filter((d) => d.interval.startMs <= untilMs)
    .reduce((state, d) => evolve(state, d.event), initialState);
};

/** The reference list of uncertain developments: every counted one whose interval ends after the date. */
const plainUncertain = (log: EffectiveLog, asOf: string) => {
  const untilMs = Date.parse(`${asOf}T23:59:59.999Z`);
  return [...log.developments]
    .sort(compareDevelopments)
    .filter((d) => d.interval.startMs <= untilMs && d.interval.endMs - 1 > untilMs)
    .map((d) => d.event.id);
};

describe('checkpoints keyed by occurrence time', () => {
  it('answer exactly as a plain fold, while late reports keep landing in the past between queries', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(development, { minLength: CHECKPOINT_INTERVAL * 2, maxLength: CHECKPOINT_INTERVAL * 6 }),
        fc.array(day, { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 40 }),
        async (events, queryDates, queryEvery) => {
          const store = createInMemoryEventStore(manualClock());
          const log = new EffectiveLog();
          let checked = 0;
          for (const [index, event] of events.entries()) {
            const {
              events: [appended],
            } = await appendAll(store, [event], { recordedBy: 't' });
            const [stored] = unwrap(
              await store.readStream('n', { fromRevision: appended?.revision ?? 0, limit: 1 })(),
            );
            log.record(stored as StoredEvent);
            // Query now and then, so checkpoints are built and then invalidated by the reports that follow.
            if (index % queryEvery === 0)
              for (const asOf of queryDates) {
                const answer = stateAsOf(log, { asOf });
                expect(answer.state).toEqual(plainFold(log, asOf));
                const uncertain = plainUncertain(log, asOf);
                expect(answer.uncertainCount).toBe(uncertain.length);
                expect(answer.uncertain.map((e) => e.eventId)).toEqual(uncertain.slice(-UNCERTAIN_LISTED));
                // Listing fewer keeps the latest ones, in the same order.
                const fewer = stateAsOf(log, { asOf }, 3);
                expect(fewer.uncertain.map((e) => e.eventId)).toEqual(uncertain.slice(-3));
                expect(fewer.uncertainCount).toBe(uncertain.length);
                checked += 1;
              }
          }
          for (const asOf of queryDates) expect(stateAsOf(log, { asOf }).state).toEqual(plainFold(log, asOf));
          expect(checked).toBeGreaterThan(0);
        },
      ),
      { numRuns: Number(process.env['FUZZ_RUNS'] ?? 40) },
    );
  });

  it('keep corrections and retractions in step: a corrected date moves the development, a retraction removes it', async () => {
    const store = createInMemoryEventStore(manualClock());
    const events = Array.from({ length: CHECKPOINT_INTERVAL * 3 }, (_, i) =>
      reported(
        'PositionStated',
        { issueId: 'corridors', party: 'Hamas', position: `p${i}` },
        {
          occurredAt: new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10),
        },
      ),
    );
    await appendAll(store, events, { recordedBy: 't' });
    const late = events[5];
    // One in the last checkpoint interval: its retraction drops only the checkpoints after it.
    const withdrawn = events[events.length - 6];
    unwrap(
      await store.append({
        negotiationId: 'n',
        events: [
          reported('EventCorrected', {
            targetEventId: late?.id ?? '',
            reason: 'misdated',
            corrections: { occurredAt: '2024-12-31' },
          }),
          reported('EventRetracted', { targetEventId: withdrawn?.id ?? '', reason: 'withdrawn' }),
        ],
        expectedRevision: { kind: 'any' },
        recordedBy: 't',
      })(),
    );
    const log = new EffectiveLog();
    const stream = unwrap(await store.readStream('n')());
    for (const event of stream.slice(0, events.length)) log.record(event);
    const before = stateAsOf(log, { asOf: '2024-12-31' }).state;
    expect(before.issues['corridors']?.positions['Hamas']?.position).toBe(`p${events.length - 1}`);
    for (const event of stream.slice(events.length)) log.record(event);
    const after = stateAsOf(log, { asOf: '2024-12-31' });
    expect(after.state.issues['corridors']?.positions['Hamas']?.position).toBe('p5');
    expect(after.state).toEqual(plainFold(log, '2024-12-31'));
    expect(log.developments).toHaveLength(events.length - 1);
    expect(log.retracted.map((r) => r.event.id)).toEqual([withdrawn?.id]);
  });
});
