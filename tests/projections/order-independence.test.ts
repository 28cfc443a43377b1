import fc from 'fast-check';
import { NewEvent } from '../../src/domain';
import {
  Development,
  effectiveLog,
  evolve,
  initialState,
  issuesView,
  phasesView,
  stateAsOf,
  statusView,
} from '../../src/projections';
import { createInMemoryEventStore } from '../../src/store';
import { manualClock, reported, unwrap, appendAll } from '../support/builders';

const PARTIES = ['Israel', 'Hamas'];
const VENUES = ['Doha', 'Cairo'];
const ISSUES = ['corridors', 'prisoners'];

const day = fc
  .integer({ min: 0, max: 90 })
  .map((offset) => new Date(Date.UTC(2024, 5, 1) + offset * 86_400_000).toISOString().slice(0, 10));
const occurrence = fc.oneof(
  day.map((d) => ({ occurredAt: d, precision: 'day' as const })),
  fc
    .constantFrom('2024-06', '2024-07', '2024-08')
    .map((m) => ({ occurredAt: m, precision: 'month' as const })),
  fc.tuple(day, fc.integer({ min: 0, max: 10 })).map(([d, span]) => ({
    occurredAt: `${d}/${new Date(Date.parse(d) + span * 86_400_000).toISOString().slice(0, 10)}`,
    precision: 'range' as const,
  })),
);

/**
 * A random development of the kinds whose order matters most: activity, delegations, stances, issues, agreements
 * and their ratification, phases suspended and resumed, ceasefires, deadlines.
 */
const development = fc
  .tuple(
    occurrence,
    fc.integer({ min: 0, max: 15 }),
    fc.constantFrom(...PARTIES),
    fc.constantFrom(...VENUES),
    fc.constantFrom(...ISSUES),
    fc.constantFrom('accepted' as const, 'rejected' as const),
  )
  .map(([when, kind, party, venue, issueId, stance]): NewEvent & { id: string } => {
    const options = { ...when };
    switch (kind) {
      case 0:
        return reported('TalksStalled', { reason: 'deadlock' }, options);
      case 1:
        return reported('TalksResumed', { venue }, options);
      case 2:
        return reported('DelegationSent', { party, venue }, options);
      case 3:
        return reported('DelegationRecalled', { party }, options);
      case 4:
        return reported('ResponseDelivered', { proposalId: 'plan', by: party, stance }, options);
      case 5:
        return reported(
          'IssueRaised',
          { issueId, title: issueId, raisedBy: party, blocksPhases: ['one'] },
          options,
        );
      case 6:
        return reported('IssueResolved', { issueId }, options);
      case 7:
        return reported(
          'PositionStated',
          { issueId, party, position: `${party} on ${issueId} ${stance}` },
          options,
        );
      case 8:
        return reported(
          'AgreementReached',
          { scope: 'phases', parties: PARTIES, phaseIds: ['one'] },
          options,
        );
      case 10:
        return reported(
          'AgreementReached',
          {
            scope: 'framework',
            parties: PARTIES,
            agreementId: 'deal',
            kind: 'final',
            requiresRatificationBy: ['Assembly'],
          },
          options,
        );
      case 11:
        return reported(
          'RatificationVoted',
          { agreementId: 'deal', body: 'Assembly', outcome: stance === 'accepted' ? 'approved' : 'rejected' },
          options,
        );
      case 12:
        return reported(
          stance === 'accepted' ? 'PhaseSuspended' : 'PhaseResumed',
          { phaseId: 'one', reason: 'r' },
          options,
        );
      case 13:
        return reported('PhaseStarted', { phaseId: 'one' }, options);
      case 14:
        return stance === 'accepted'
          ? reported('CeasefireDeclared', { ceasefireId: 'truce', declaredBy: [party] }, options)
          : reported('CeasefireBrokeDown', { ceasefireId: 'truce', reason: 'r', endedBy: party }, options);
      case 15:
        return stance === 'accepted'
          ? reported(
              'DeadlineSet',
              { deadlineId: 'reply', description: 'reply', deadline: '2024-08-01' },
              options,
            )
          : reported('DeadlineExtended', { deadlineId: 'reply', deadline: '2024-09-01' }, options);
      default:
        return reported(
          'ProposalTabled',
          {
            proposalId: 'plan',
            author: 'United States',
            summary: 'plan',
            phases: [
              {
                phaseId: 'one',
                name: 'One',
                order: 1,
                provisions: [],
                prerequisites: [{ kind: 'accepted-by', party }],
              },
            ],
          },
          options,
        );
    }
  });

const answersAsOf = async (events: ReadonlyArray<NewEvent & { id: string }>, asOf: string) => {
  const store = createInMemoryEventStore(manualClock());
  // One append per event, in the given order, as late reports would arrive.
  for (const event of events) await appendAll(store, [event], { recordedBy: 't' });
  const result = stateAsOf(effectiveLog(unwrap(await store.readStream('n')())), { asOf });
  return {
    status: statusView(result, Date.parse(asOf)),
    issues: issuesView(result),
    phases: phasesView(result, Date.parse(asOf)),
  };
};

describe('as-of answers do not depend on the order in which reports were appended', () => {
  it('holds for any set of developments, any append order and any date', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(development, { minLength: 1, maxLength: 25 }),
        fc.func(fc.integer()),
        day,
        async (events, shuffleKey, asOf) => {
          const shuffled = [...events].sort(
            (a, b) => shuffleKey(a.id) - shuffleKey(b.id) || (a.id < b.id ? -1 : 1),
          );
          expect(await answersAsOf(shuffled, asOf)).toEqual(await answersAsOf(events, asOf));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('is a real check: the fold itself is order-sensitive', () => {
    // Without the occurrence ordering, stalled-then-resumed and resumed-then-stalled disagree.
    const stall = reported('TalksStalled', { reason: 'r' }, { occurredAt: '2024-06-01' });
    const resume = reported('TalksResumed', { venue: 'Doha' }, { occurredAt: '2024-06-02' });
    const fold = (events: Development[]) => events.reduce(evolve, initialState);
    expect(fold([stall, resume] as Development[]).talks.activity).toBe('active');
    expect(fold([resume, stall] as Development[]).talks.activity).toBe('stalled');
  });
});
