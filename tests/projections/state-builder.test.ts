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

// Small pools, so events meet the same issues, parties and proposals; names that an assignment treats apart
// from an object literal's key (__proto__) or that an object inherits (constructor) are among them.
const party = fc.constantFrom('Israel', 'Hamas', 'Qatar', '__proto__', 'constructor');
const slug = fc.constantFrom('issue-1', 'issue-2', 'plan', 'phase-1', 'phase-2', 'constructor');
const text = fc.constantFrom('a', 'b', 'c');
const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });
/** Optional fields absent when undefined, as the codec leaves them. */
const defined = <T extends object>(fields: T): T =>
  Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as T;

const payloads: { [K in DevelopmentType]: fc.Arbitrary<PayloadOf<K>> } = {
  NegotiationOpened: fc.record({
    title: text,
    parties: fc.array(party, { minLength: 1, maxLength: 2 }),
    mediators: fc.array(party, { maxLength: 2 }),
  }),
  ProposalTabled: fc
    .record({
      proposalId: slug,
      author: party,
      summary: text,
      conveyedBy: maybe(fc.array(party, { maxLength: 2 })),
      phased: fc.boolean(),
    })
    .map(({ phased, ...rest }) =>
      defined({
        ...rest,
        phases: phased
          ? [1, 2].map((order) => ({
              phaseId: `phase-${order}`,
              name: `Phase ${order}`,
              order,
              provisions: [],
              prerequisites: [],
            }))
          : undefined,
      }),
    ),
  ProposalAnnounced: fc.record({
    proposalId: slug,
    announcedBy: fc.array(party, { minLength: 1, maxLength: 2 }),
    summary: text,
  }),
  ProposalEndorsed: fc.record({
    proposalId: slug,
    endorsedBy: fc.array(party, { minLength: 1, maxLength: 2 }),
  }),
  ResponseDelivered: fc
    .record({
      proposalId: slug,
      by: party,
      stance: fc.constantFrom('accepted' as const, 'rejected' as const),
      via: maybe(fc.array(party, { maxLength: 1 })),
      details: maybe(text),
    })
    .map(defined),
  PositionShifted: fc.record({ party, description: text, issueId: maybe(slug) }).map(defined),
  DelegationSent: fc
    .record({
      party,
      venue: fc.constantFrom('Doha', 'Cairo'),
      level: maybe(text),
      mandate: maybe(text),
      head: maybe(fc.constant({ name: 'Head' })),
    })
    .map(defined),
  DelegationRecalled: fc
    .record({ party, venue: maybe(fc.constantFrom('Doha', 'Cairo')), reason: maybe(text) })
    .map(defined),
  TalksScheduled: fc
    .record({
      venues: fc.constant<string[]>(['Doha']),
      scheduledFor: fc.constant('2024-08-01'),
      participants: fc.array(party, { maxLength: 2 }),
      description: maybe(text),
    })
    .map(defined),
  TalksResumed: fc.record({ venue: fc.constantFrom('Doha', 'Cairo'), focus: maybe(text) }).map(defined),
  TalksStalled: fc
    .record({
      reason: text,
      blameClaims: maybe(fc.array(fc.record({ by: party, blames: party, claim: text }), { maxLength: 2 })),
    })
    .map(defined),
  TalksSuspended: fc.record({ reason: text }),
  TalksCollapsed: fc.record({ reason: text }),
  StatementIssued: fc
    .record({
      by: fc.array(party, { minLength: 1, maxLength: 2 }),
      kind: fc.constantFrom('joint' as const, 'unilateral' as const),
      characterisation: maybe(fc.constantFrom('progress' as const, 'impasse' as const)),
      text: maybe(text),
    })
    .map(defined),
  LeadersSpoke: fc
    .record({
      participants: fc.array(party, { minLength: 1, maxLength: 2 }),
      topics: fc.array(text, { maxLength: 1 }),
      durationMinutes: maybe(fc.constant(30)),
    })
    .map(defined),
  DeadlineSet: fc
    .record({ description: text, deadline: fc.constant('2024-09-01'), setBy: maybe(party) })
    .map(defined),
  IssueRaised: fc
    .record({
      issueId: slug,
      title: text,
      raisedBy: party,
      description: maybe(text),
      blocksPhases: maybe(fc.constant<string[]>(['phase-1'])),
    })
    .map(defined),
  PositionStated: fc.record({ issueId: slug, party, position: text }),
  IssueNarrowed: fc.record({ issueId: slug, description: text }),
  IssueResolved: fc.record({ issueId: slug, resolution: maybe(text) }).map(defined),
  IssueReopened: fc.record({ issueId: slug }),
  FrameworkDefined: fc.record({
    proposalId: slug,
    phases: fc.constant([{ phaseId: 'phase-1', name: 'One', order: 1, provisions: [], prerequisites: [] }]),
  }),
  AgreementReached: fc
    .record({
      scope: fc.constantFrom('framework' as const, 'phases' as const),
      parties: fc.array(party, { minLength: 1, maxLength: 2 }),
      proposalId: maybe(slug),
      phaseIds: maybe(fc.constant<string[]>(['phase-1'])),
    })
    .map(defined),
  PhaseStarted: fc.record({ phaseId: slug }),
  PhaseCompleted: fc.record({ phaseId: slug }),
  ProvisionImplemented: fc
    .record({ phaseId: slug, description: text, provisionId: maybe(slug) })
    .map(defined),
  ViolationReported: fc
    .record({ description: text, allegedBy: party, phaseId: maybe(slug), accused: maybe(party) })
    .map(defined),
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
    expect(builder.finish().activity).toBe('suspended');
    expect(() => builder.add(reported('TalksResumed', { venue: 'Doha' }) as unknown as Development)).toThrow(
      /finished/,
    );
  });
});
