import * as E from 'fp-ts/Either';
import { createTracker } from '../../src/application/tracker';
import { EventStore, createInMemoryEventStore } from '../../src/store';
import { manualClock, reported, unwrap, appendAll } from '../support/builders';

describe('appending a correction while another writer retracts its target', () => {
  it.each(['any', 'stream-exists'] as const)(
    'with expectation %s, the correction is checked again and refused, never stored after the retraction',
    async (kind) => {
      const inner = createInMemoryEventStore(manualClock());
      const target = reported('DelegationSent', { party: 'Israel', venue: 'Doha' });
      await appendAll(inner, [target], { recordedBy: 'a' });
      // The first read the tracker makes is followed at once by another writer's retraction of the target.
      let raced = false;
      const racing: EventStore = {
        ...inner,
        readStream: (negotiationId, options) => async () => {
          const read = await inner.readStream(negotiationId, options)();
          if (!raced) {
            raced = true;
            const retraction = reported('EventRetracted', { targetEventId: target.id, reason: 'withdrawn' });
            unwrap(
              await inner.append({
                negotiationId,
                events: [retraction],
                expectedRevision: { kind: 'any' },
                recordedBy: 'b',
              })(),
            );
          }
          return read;
        },
      };
      const tracker = createTracker({
        store: racing,
        newEventId: () => '00000000-0000-4000-8000-000000000001',
      });
      const correction = reported('EventCorrected', {
        targetEventId: target.id,
        reason: 'it was Cairo',
        corrections: { payload: { party: 'Israel', venue: 'Cairo' } },
      });
      const result = await tracker.append({
        negotiationId: 'n',
        events: [correction],
        expectedRevision: { kind },
        recordedBy: 'c',
      })();
      expect(E.isLeft(result) && result.left._tag).toBe('RuleViolated');
      expect(unwrap(await inner.readStream('n')()).map((e) => e.type)).toEqual([
        'DelegationSent',
        'EventRetracted',
      ]);
    },
  );
});
