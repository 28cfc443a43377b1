import fc from 'fast-check';
import {
  KnownEvent,
  NewEvent,
  StoredEvent,
  checkAppend,
  idsConsulted,
  knownEventsOf,
  rememberConsulted,
} from '../../src/domain';
import { reported } from '../support/builders';

// A small pool of ids, so batches often retry, correct or retract events of the history (or each other).
const POOL = Array.from({ length: 6 }, (_, index) => `00000000-0000-4000-8000-00000000000${index}`);
const id = fc.constantFrom(...POOL);
const day = fc.constantFrom('2024-01-02', '2024-03-04', '2024-05-06');

const event = (withId: fc.Arbitrary<string | undefined>) =>
  fc.oneof(
    fc
      .record({ id: withId, occurredAt: day })
      .map(({ id, occurredAt }) =>
        reported('TalksStalled', { reason: 'deadlock' }, { occurredAt, ...(id ? { id } : {}) }),
      ),
    fc
      .record({ id: withId, target: id })
      .map(({ id, target }) =>
        reported('EventRetracted', { targetEventId: target, reason: 'withdrawn' }, id ? { id } : {}),
      ),
    fc
      .record({ id: withId, target: id, occurredAt: day })
      .map(({ id, target, occurredAt }) =>
        reported(
          'EventCorrected',
          { targetEventId: target, reason: 'misdated', corrections: { occurredAt } },
          id ? { id } : {},
        ),
      ),
  );

/** The summary kept for a batch's consulted ids only, as the tracker builds it page by page. */
const consultedSummary = (history: readonly StoredEvent[], batch: readonly NewEvent[]) => {
  const consulted = idsConsulted(batch);
  const known = new Map<string, KnownEvent>();
  for (const earlier of history) rememberConsulted(known, earlier, consulted);
  return known;
};

describe('the append rules over a summary of the consulted ids only', () => {
  it('judge every batch as they would over the whole history', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(event(id), { selector: (e) => e.id, maxLength: 6 }),
        fc.array(event(fc.option(id, { nil: undefined })), { minLength: 1, maxLength: 3 }),
        (recorded, batch) => {
          // Stored events carry more fields; the rules read only id, type, dates and targets.
          const history = recorded as unknown as StoredEvent[];
          expect(checkAppend(consultedSummary(history, batch), batch)).toEqual(
            checkAppend(knownEventsOf(history), batch),
          );
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
