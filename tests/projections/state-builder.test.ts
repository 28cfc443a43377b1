import fc from 'fast-check';
import { EventType, PayloadOf } from '../../src/domain';
import {
  Development,
  DevelopmentType,
  NegotiationState,
  createStateBuilder,
  evolve,
  initialState,
} from '../../src/projections';
import { negotiationEvents } from '../../scripts/bench/workload';
import { reported } from '../support/builders';
import { defined, maybe, payloads, text } from '../support/arbitraries';

/** Keys in their order and undefined values kept: states print alike only if every object has the same keys. */
const printed = (state: NegotiationState): string =>
  JSON.stringify(state, (_key, value: unknown) => (value === undefined ? '<undefined>' : value));

const evolved = (events: readonly Development[], from: NegotiationState = initialState) =>
  events.reduce(evolve, from);

const built = (events: readonly Development[], from?: NegotiationState) => {
  const builder = createStateBuilder(from);
  events.forEach(builder.add);
  return builder.finish();
};

const deepFreeze = <T>(value: T): T => {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
};

const development: fc.Arbitrary<Development> = fc
  .constantFrom(...(Object.keys(payloads) as DevelopmentType[]))
  .chain((type) =>
    fc
      .tuple(payloads[type] as fc.Arbitrary<PayloadOf<EventType>>, maybe(text))
      .map(
        ([payload, summary]) =>
          reported(type, payload as never, defined({ summary })) as unknown as Development,
      ),
  );

describe('the state builder', () => {
  it('reaches the state evolve reaches, every key in the same order, from any state, touching neither', () => {
    fc.assert(
      fc.property(
        fc.array(development, { maxLength: 40 }),
        fc.array(development, { maxLength: 40 }),
        (before, after) => {
          // Frozen: the builder must write only to what it copied, never to the state it starts from nor to events.
          const from = deepFreeze(evolved(before));
          deepFreeze(after);
          const expected = evolved(after, from);
          const state = built(after, from);
          // (Not toStrictEqual: it compares own `constructor` keys, here records, as if they were classes.)
          expect(printed(state)).toBe(printed(expected));
          expect(state).toEqual(expected);
          expect(printed(built(before))).toBe(printed(from));
        },
      ),
      { numRuns: Number(process.env['FUZZ_RUNS'] ?? 300) },
    );
  });

  it('folds the benchmark workload (late reports, every precision) to the state evolve reaches', () => {
    const events = [...negotiationEvents({ seed: 7, spanDays: 400, events: 3000 })].map(
      (event) => reported(event.type, event.payload as never, event) as unknown as Development,
    );
    const state = built(events);
    expect(state.developmentCount).toBe(3000);
    expect(printed(state)).toBe(printed(evolved(events)));
  });

  it('takes nothing once finished', () => {
    const builder = createStateBuilder();
    builder.add(reported('TalksSuspended', { reason: 'r' }));
    expect(builder.finish().talks.activity).toBe('suspended');
    expect(() => builder.add(reported('TalksResumed', { venue: 'Doha' }) as unknown as Development)).toThrow(
      /finished/,
    );
  });
});
