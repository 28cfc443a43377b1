import {
  EVENT_TYPES,
  Prerequisite,
  Unbranded,
  endOfDateOrDateTime,
  isCorrectionType,
} from '../../src/domain';
import {
  AGREEMENT_STATUSES,
  ISSUE_STATES,
  PHASE_STATES,
  PROPOSAL_STATUSES,
  STAGES,
  STAGE_MEANINGS,
  summaryOf,
} from '../../src/projections';
import { given, on, seen } from '../support/given';

/**
 * The model, told as negotiations: each specification is a small made-up case of something real negotiations do
 * (a referendum that rejects a deal, an interim deal, a phase that lapses, a ceasefire that breaks while talks go
 * on). Together they report every development type and see every stage and every phase state (checked at the end).
 */

const PARTIES = ['North', 'South'];
const phase = (
  phaseId: string,
  order: number,
  prerequisites: Array<Unbranded<Prerequisite>> = [],
  extra: { durationDays?: number; startBy?: string } = {},
) => ({
  phaseId,
  name: `Phase ${order}`,
  order,
  provisions: [],
  prerequisites,
  ...extra,
});

const opened = on('2020-01-01', 'NegotiationOpened', {
  title: 'Talks',
  parties: PARTIES,
  mediators: ['Mediator'],
});

describe('before anyone engages', () => {
  it('is pre-negotiation with only the opening reported, negotiating once talks open', () => {
    const talks = on('2020-01-10', 'TalksOpened', { venue: 'Geneva', chairedBy: 'Chair Person' });
    const story = given(opened, talks);
    expect(story.asOf('2020-01-05').status.stage).toBe('pre-negotiation');
    // Nothing is known of the talks before anyone engages: not "active".
    expect(story.asOf('2020-01-05').status.activity).toBe('not-started');
    const then = story.asOf('2020-01-11').status;
    expect(then.stage).toBe('negotiating');
    expect(then).toMatchObject({ activity: 'active', activitySince: { eventId: talks.id } });
    expect(then.stageSince?.eventId).toBe(talks.id);
    expect(then.venue?.name).toBe('Geneva');
    expect(then.roles).toEqual([expect.objectContaining({ party: 'Chair Person', role: 'chair' })]);
  });

  it('takes the delegations at the venue along when the talks move', () => {
    const moved = on('2020-02-01', 'TalksMoved', { venue: 'Vienna' });
    const story = given(
      opened,
      on('2020-01-10', 'TalksOpened', { venue: 'Geneva' }),
      on('2020-01-11', 'DelegationSent', { party: 'North', venue: 'Geneva' }),
      on('2020-01-12', 'DelegationSent', { party: 'South', venue: 'Geneva' }),
      moved,
    );
    const status = story.asOf('2020-02-02').status;
    expect(status.delegations.map((d) => `${d.party}@${d.venue}`).sort()).toEqual([
      'North@Vienna',
      'South@Vienna',
    ]);
    // Each keeps the day it was sent, and names the move that took it along.
    expect(status.delegations.find((d) => d.party === 'North')).toMatchObject({
      since: expect.objectContaining({ occurredAt: '2020-01-11' }),
      movedWith: expect.objectContaining({ eventId: moved.id }),
    });
  });

  it('follows the talks to another venue and drops a cancelled meeting from the upcoming ones', () => {
    const story = given(
      opened,
      on('2020-01-10', 'TalksOpened', { venue: 'Geneva' }),
      on('2020-02-01', 'TalksScheduled', {
        venues: ['Vienna'],
        scheduledFor: '2020-03-01',
        participants: PARTIES,
        meetingId: 'round-2',
      }),
      on('2020-02-02', 'TalksScheduled', {
        venues: ['Oslo'],
        scheduledFor: '2020-03-15',
        participants: PARTIES,
      }),
      on('2020-02-10', 'MeetingCancelled', { meetingId: 'round-2', reason: 'a delegation could not travel' }),
      on('2020-02-20', 'TalksMoved', { venue: 'Vienna', from: 'Geneva' }),
    );
    const status = story.asOf('2020-02-21').status;
    expect(status.venue?.name).toBe('Vienna');
    expect(status.upcomingTalks.map((t) => t.scheduledFor)).toEqual(['2020-03-15']);
    expect(status.cancelledMeetings).toEqual([
      expect.objectContaining({
        meetingId: 'round-2',
        cancellation: expect.objectContaining({ reason: 'a delegation could not travel' }),
      }),
    ]);
  });
});

describe('ratification', () => {
  const deal = on('2016-08-24', 'AgreementReached', {
    scope: 'framework',
    parties: PARTIES,
    agreementId: 'accord',
    kind: 'final',
    proposalId: 'accord-text',
    requiresRatificationBy: ['Plebiscite'],
  });
  const rejected = on('2016-10-02', 'RatificationVoted', {
    agreementId: 'accord',
    body: 'Plebiscite',
    bodyKind: 'referendum',
    outcome: 'rejected',
    yesPercent: 49.8,
  });
  const revised = on('2016-11-24', 'AgreementReached', {
    scope: 'framework',
    parties: PARTIES,
    agreementId: 'revised-accord',
    kind: 'final',
    supersedes: 'accord',
    requiresRatificationBy: ['Congress'],
  });
  const approved = on('2016-11-30', 'RatificationVoted', {
    agreementId: 'revised-accord',
    body: 'Congress',
    bodyKind: 'parliament',
    outcome: 'approved',
    votesFor: 130,
    votesAgainst: 0,
  });
  const signed = on('2016-09-26', 'AgreementSigned', { agreementId: 'accord', signatories: PARTIES });
  const story = given(opened, deal, signed, rejected, revised, approved);

  it('awaits ratification once a final agreement is reached', () => {
    const asOf = story.asOf('2016-08-25');
    expect(asOf.status.stage).toBe('awaiting-ratification');
    expect(asOf.agreement('accord')).toMatchObject({
      status: 'agreed',
      awaitingRatificationBy: ['Plebiscite'],
    });
  });

  it('signed, it still awaits the vote', () => {
    expect(story.asOf('2016-09-27').agreement('accord')).toMatchObject({
      status: 'signed',
      awaitingRatificationBy: ['Plebiscite'],
    });
    expect(story.asOf('2016-09-27').status.stage).toBe('awaiting-ratification');
  });

  it('a rejected ratification takes the agreement out and the stage back to renegotiation', () => {
    const asOf = story.asOf('2016-10-03');
    expect(asOf.agreement('accord')).toMatchObject({
      status: 'rejected',
      statusSince: expect.objectContaining({ eventId: rejected.id }),
      ratifications: [expect.objectContaining({ body: 'Plebiscite', outcome: 'rejected', yesPercent: 49.8 })],
    });
    expect(asOf.status.stage).toBe('renegotiation');
    expect(asOf.status.proposals).toContainEqual(
      expect.objectContaining({ proposalId: 'accord-text', status: 'rejected' }),
    );
  });

  it('a revised agreement supersedes it and enters into force when another body ratifies it', () => {
    expect(story.asOf('2016-11-25').status.stage).toBe('awaiting-ratification');
    const asOf = story.asOf('2016-12-01');
    expect(asOf.agreement('accord').status).toBe('superseded');
    expect(asOf.agreement('revised-accord')).toMatchObject({
      status: 'in-force',
      statusSince: expect.objectContaining({ eventId: approved.id }),
      ratifications: [expect.objectContaining({ body: 'Congress', votesFor: 130 })],
    });
    expect(asOf.status.stage).toBe('agreement-in-force');
  });

  it('a signature is awaited when the agreement needs one, then it is in force', () => {
    const signed = given(
      on('2015-04-02', 'AgreementReached', {
        scope: 'framework',
        parties: PARTIES,
        agreementId: 'pact',
        kind: 'comprehensive',
        requiresSignature: true,
        proposalId: 'draft',
      }),
      on('2015-04-01', 'ProposalTabled', { proposalId: 'draft', author: 'Mediator', summary: 'the draft' }),
      on('2015-07-14', 'AgreementSigned', { agreementId: 'pact', signatories: PARTIES }),
    );
    expect(signed.asOf('2015-04-03').agreement('pact').status).toBe('agreed');
    expect(signed.asOf('2015-04-03').status.proposals).toContainEqual(
      expect.objectContaining({ proposalId: 'draft', status: 'agreed' }),
    );
    const after = signed.asOf('2015-07-15');
    expect(after.agreement('pact').status).toBe('in-force');
    expect(after.status.proposals).toContainEqual(
      expect.objectContaining({ proposalId: 'draft', status: 'signed' }),
    );
  });

  it('an agreement that enters into force on an event still to come waits for its report', () => {
    const story = given(
      on('2019-01-01', 'AgreementReached', {
        scope: 'framework',
        parties: PARTIES,
        agreementId: 'exchange',
        kind: 'interim',
        awaitsEntryIntoForce: true,
      }),
      on('2019-01-20', 'AgreementEnteredIntoForce', { agreementId: 'exchange' }),
    );
    expect(story.asOf('2019-01-02').agreement('exchange').status).toBe('agreed');
    expect(story.asOf('2019-01-21').agreement('exchange').status).toBe('in-force');
  });

  it('an agreement declared in force is in force whatever remains pending', () => {
    const story2 = given(
      on('2019-01-01', 'AgreementReached', {
        scope: 'framework',
        parties: PARTIES,
        agreementId: 'x',
        kind: 'final',
        requiresRatificationBy: ['Senate'],
      }),
      on('2019-02-01', 'AgreementEnteredIntoForce', { agreementId: 'x' }),
      on('2019-03-01', 'AgreementSuperseded', { agreementId: 'x', supersededBy: 'y' }),
    );
    expect(story2.asOf('2019-02-02').agreement('x').status).toBe('in-force');
    expect(story2.asOf('2019-03-02').agreement('x').status).toBe('superseded');
  });
});

describe('kinds of agreement', () => {
  it('an interim deal does not read as the framework being agreed', () => {
    const story = given(
      opened,
      on('2013-11-24', 'AgreementReached', {
        scope: 'phases',
        parties: PARTIES,
        agreementId: 'joint-plan',
        kind: 'interim',
      }),
      on('2015-04-02', 'AgreementReached', {
        scope: 'framework',
        parties: PARTIES,
        agreementId: 'parameters',
        kind: 'framework',
      }),
    );
    expect(story.asOf('2013-11-25').status.stage).toBe('interim-agreement');
    expect(story.asOf('2015-04-03').status.stage).toBe('framework-agreed');
  });

  it('a comprehensive agreement awaiting ratification outranks an interim one in force', () => {
    const story = given(
      opened,
      on('2013-11-24', 'AgreementReached', {
        scope: 'phases',
        parties: PARTIES,
        agreementId: 'joint-plan',
        kind: 'interim',
      }),
      on('2015-07-14', 'AgreementReached', {
        scope: 'framework',
        parties: PARTIES,
        agreementId: 'plan-of-action',
        kind: 'comprehensive',
        requiresRatificationBy: ['Council'],
      }),
      on('2015-07-20', 'RatificationVoted', {
        agreementId: 'plan-of-action',
        body: 'Council',
        outcome: 'approved',
      }),
    );
    expect(story.asOf('2015-07-15').status).toMatchObject({
      stage: 'awaiting-ratification',
      // The talks' activity follows the agreement, not the opening years before.
      activity: 'active',
      activityReason: 'agreement plan-of-action reached',
    });
    expect(story.asOf('2015-07-21').status.stage).toBe('agreement-in-force');
  });

  it('an agreement without an id is known by its proposal (records made before agreements had ids)', () => {
    const story = given(
      on('2024-05-31', 'ProposalTabled', {
        proposalId: 'plan',
        author: 'Mediator',
        summary: 'plan',
        phases: [phase('one', 1, [{ kind: 'agreement' }])],
      }),
      on('2024-06-10', 'AgreementReached', { scope: 'framework', parties: PARTIES, proposalId: 'plan' }),
    );
    const asOf = story.asOf('2024-06-11');
    expect(asOf.agreement('plan')).toMatchObject({ kind: 'framework', status: 'in-force' });
    expect(asOf.phase('one')).toMatchObject({
      state: 'ready',
      prerequisites: [expect.objectContaining({ met: true })],
    });
  });
});

describe('what an agreement does to acceptance and issues', () => {
  const plan = on('2024-01-01', 'ProposalTabled', {
    proposalId: 'plan',
    author: 'Mediator',
    summary: 'a phased plan',
    phases: [
      phase('one', 1, [
        { kind: 'accepted-by', party: 'North' },
        { kind: 'issue-resolved', issueId: 'corridor' },
      ]),
      phase('two', 2, [{ kind: 'phase-completed', phaseId: 'one' }]),
    ],
  });
  const story = given(
    opened,
    plan,
    on('2024-01-05', 'IssueRaised', {
      issueId: 'corridor',
      title: 'Who holds the corridor',
      raisedBy: 'North',
      blocksPhases: ['one'],
    }),
    on('2024-01-06', 'IssueRaised', {
      issueId: 'borders',
      title: 'Borders',
      raisedBy: 'South',
      jointlyWith: ['Mediator'],
    }),
    on('2024-01-07', 'ResponseDelivered', {
      proposalId: 'plan',
      by: 'North',
      stance: 'amendments-requested',
    }),
    on('2024-02-01', 'AgreementReached', {
      scope: 'framework',
      parties: PARTIES,
      proposalId: 'plan',
      settlesIssues: ['borders'],
      defersIssues: [{ issueId: 'corridor', toPhaseId: 'two' }],
    }),
  );

  it('a party to the agreement counts as accepting it, and the answer says so', () => {
    const before = story.asOf('2024-01-08').phase('one');
    expect(before.blocking.map((b) => b.description)).toContain('North accepts plan');
    const accepted = story
      .asOf('2024-02-02')
      .phase('one')
      .prerequisites.find((p) => p.description === 'North accepts plan');
    expect(accepted).toMatchObject({
      met: true,
      detail: 'party to agreement plan (latest stance: amendments-requested)',
    });
  });

  it('settles the issues it names and defers others to a later phase, which they then block', () => {
    const asOf = story.asOf('2024-02-02');
    expect(asOf.issue('borders')).toMatchObject({
      state: 'resolved',
      settledBy: 'plan',
      raisedByAll: ['South', 'Mediator'],
    });
    expect(asOf.issue('corridor')).toMatchObject({
      state: 'deferred',
      deferredTo: expect.objectContaining({ phaseId: 'two' }),
      blocks: ['two'],
    });
    expect(asOf.phase('one')).toMatchObject({ state: 'ready' });
    expect(asOf.phase('one').prerequisites).toContainEqual(
      expect.objectContaining({ met: true, detail: 'deferred to two' }),
    );
    expect(asOf.phase('two').blocking.map((b) => b.description)).toEqual([
      'one completed',
      'issue corridor resolved (Who holds the corridor)',
    ]);
  });

  it('an issue deferred by itself, narrowed, reopened and resolved moves through each state', () => {
    const issue = given(
      on('2024-01-05', 'IssueRaised', { issueId: 'water', title: 'Water', raisedBy: 'North' }),
      on('2024-01-10', 'IssueNarrowed', { issueId: 'water', description: 'only the quota is open' }),
      on('2024-01-11', 'PositionStated', { issueId: 'water', party: 'North', position: 'a fixed quota' }),
      on('2024-01-20', 'IssueResolved', { issueId: 'water', resolution: 'quota agreed' }),
      on('2024-02-01', 'IssueReopened', { issueId: 'water', reason: 'quota disputed' }),
      on('2024-03-01', 'IssueDeferred', { issueId: 'water', toPhaseId: 'later' }),
      on('2024-03-02', 'PositionShifted', {
        party: 'South',
        description: 'South accepts a review',
        issueId: 'water',
        direction: 'softened',
      }),
    );
    expect(
      ['2024-01-06', '2024-01-11', '2024-01-21', '2024-02-02', '2024-03-03'].map(
        (d) => issue.asOf(d).issue('water').state,
      ),
    ).toEqual(['open', 'narrowed', 'resolved', 'reopened', 'deferred']);
    expect(issue.asOf('2024-03-03').issue('water').positionList).toEqual([
      expect.objectContaining({ party: 'North', position: 'a fixed quota' }),
      expect.objectContaining({ party: 'South', position: 'South accepts a review' }),
    ]);
  });
});

describe('phases: how they start, stop and end', () => {
  const deal = on('2025-01-15', 'AgreementReached', {
    scope: 'framework',
    parties: PARTIES,
    agreementId: 'deal',
    kind: 'comprehensive',
    phases: [
      phase('first', 1, [{ kind: 'agreement' }], { durationDays: 42, startBy: '2025-01-20' }),
      phase('second', 2, [
        { kind: 'days-after', days: 16, after: { of: 'phase-started', phaseId: 'first' } },
      ]),
      phase('third', 3, [{ kind: 'phase-completed', phaseId: 'second' }]),
    ],
  });

  it('is implementing while a phase of the agreement in force runs; overdue past its due date', () => {
    const story = given(opened, deal, on('2025-01-19', 'PhaseStarted', { phaseId: 'first' }));
    expect(story.asOf('2025-01-16').status.stage).toBe('agreement-in-force');
    const running = story.asOf('2025-01-20');
    expect(running.status.stage).toBe('implementing');
    expect(running.phase('first')).toMatchObject({
      state: 'in-progress',
      dueBy: '2025-03-02',
      overdue: false,
      startMissed: false,
    });
    expect(story.asOf('2025-03-03').phase('first')).toMatchObject({ state: 'in-progress', overdue: true });
  });

  it('a phase whose time has not come is not ready, and says when it will be', () => {
    const story = given(opened, deal, on('2025-01-19', 'PhaseStarted', { phaseId: 'first' }));
    const early = story.asOf('2025-01-25').phase('second');
    expect(early.state).toBe('blocked');
    expect(early.blocking[0]).toMatchObject({ met: false, metOn: '2025-02-04' });
    expect(story.asOf('2025-02-04').phase('second').state).toBe('ready');
  });

  it('a missed start date is said, and scheduled against actual start is kept', () => {
    const story = given(
      opened,
      deal,
      on('2025-01-16', 'PhaseScheduled', { phaseId: 'first', scheduledFor: '2025-01-19' }),
    );
    expect(story.asOf('2025-01-18').phase('first')).toMatchObject({
      state: 'ready',
      scheduledFor: '2025-01-19',
      startMissed: false,
    });
    expect(story.asOf('2025-01-21').phase('first')).toMatchObject({ startMissed: true });
  });

  it('suspended and resumed more than once; completed; the stage follows', () => {
    const story = given(
      opened,
      deal,
      on('2025-01-19', 'PhaseStarted', { phaseId: 'first' }),
      on('2025-01-25', 'PhaseSuspended', { phaseId: 'first', reason: 'a dispute over lists' }),
      on('2025-01-27', 'PhaseResumed', { phaseId: 'first' }),
      on('2025-02-10', 'PhaseSuspended', {
        phaseId: 'first',
        reason: 'a second dispute',
        issueIds: ['lists'],
      }),
      on('2025-02-12', 'PhaseResumed', { phaseId: 'first' }),
      on('2025-03-01', 'ProvisionImplemented', {
        phaseId: 'first',
        description: 'first releases',
        provisionId: 'releases',
      }),
      on('2025-03-01', 'PhaseCompleted', { phaseId: 'first' }, { sequence: 2 }),
    );
    expect(story.asOf('2025-01-26')).toMatchObject({ status: { stage: 'implementation-suspended' } });
    expect(story.asOf('2025-01-26').phase('first').state).toBe('suspended');
    expect(story.asOf('2025-01-28').phase('first').state).toBe('in-progress');
    expect(story.asOf('2025-02-11').phase('first').suspensions).toHaveLength(2);
    const done = story.asOf('2025-03-02');
    expect(done.phase('first')).toMatchObject({ state: 'completed', provisionsImplemented: 1 });
    expect(done.status.stage).toBe('agreement-in-force');
  });

  it('concluded only when every phase completed; a lapsed or terminated phase is not a success', () => {
    const base = [
      opened,
      deal,
      on('2025-01-19', 'PhaseStarted', { phaseId: 'first' }),
      on('2025-03-01', 'PhaseCompleted', { phaseId: 'first' }),
      on('2025-03-02', 'PhaseStarted', { phaseId: 'second' }),
    ];
    const completed = given(
      ...base,
      on('2025-04-01', 'PhaseCompleted', { phaseId: 'second' }),
      on('2025-05-01', 'PhaseCompleted', { phaseId: 'third' }),
    );
    expect(completed.asOf('2025-05-02').status.stage).toBe('concluded');
    const lapsed = given(
      ...base,
      on('2025-04-15', 'PhaseLapsed', { phaseId: 'second', reason: 'talks on it never began' }),
    );
    expect(lapsed.asOf('2025-04-16').phase('second')).toMatchObject({
      state: 'lapsed',
      ended: expect.objectContaining({ outcome: 'lapsed' }),
    });
    expect(lapsed.asOf('2025-04-16').phase('third').blocking[0]).toMatchObject({
      description: 'second completed',
      detail: 'second lapsed',
    });
    expect(lapsed.asOf('2025-04-16').status.stage).not.toBe('concluded');
    const terminated = given(
      ...base,
      on('2025-04-15', 'PhaseTerminated', { phaseId: 'second', reason: 'hostilities resumed' }),
    );
    expect(terminated.asOf('2025-04-16').phase('second').state).toBe('terminated');
    const allEnded = given(
      ...base,
      on('2025-04-15', 'PhaseTerminated', { phaseId: 'second', reason: 'war' }),
      on('2025-04-16', 'PhaseLapsed', { phaseId: 'third', reason: 'never began' }),
    );
    // Every phase over, one of them cut short: the implementation ended, and the kind of agreement says nothing.
    expect(allEnded.asOf('2025-04-17').status.stage).toBe('implementation-ended');
  });

  it('a collapse after the agreement came into force shows once no phase of it runs', () => {
    const story = given(
      opened,
      deal,
      on('2025-01-19', 'PhaseStarted', { phaseId: 'first' }),
      on('2025-02-01', 'TalksCollapsed', { reason: 'the implementation talks broke up' }),
      on('2025-03-01', 'PhaseCompleted', { phaseId: 'first' }),
    );
    expect(story.asOf('2025-02-02').status.stage).toBe('implementing');
    expect(story.asOf('2025-03-02').status.stage).toBe('collapsed');
  });

  it('keeps a late completion late, and a resolved blocking issue as met with its evidence', () => {
    const resolved = on('2025-01-25', 'IssueResolved', { issueId: 'lists' });
    const story = given(
      opened,
      deal,
      on('2025-01-10', 'IssueRaised', {
        issueId: 'lists',
        title: 'Lists of names',
        raisedBy: 'North',
        blocksPhases: ['first'],
      }),
      on('2025-01-19', 'PhaseStarted', { phaseId: 'first' }),
      resolved,
      on('2025-04-01', 'PhaseCompleted', { phaseId: 'first' }),
    );
    expect(story.asOf('2025-03-15').phase('first')).toMatchObject({ overdue: true, completedLate: false });
    const done = story.asOf('2025-04-02').phase('first');
    // Forty-two days from 19 January: due 2 March, completed a month later.
    expect(done).toMatchObject({
      state: 'completed',
      overdue: false,
      completedLate: true,
      dueBy: '2025-03-02',
    });
    expect(done.prerequisites).toContainEqual(
      expect.objectContaining({
        origin: 'issue',
        met: true,
        since: expect.objectContaining({ eventId: resolved.id }),
      }),
    );
  });

  it('a phase started without an agreement in force does not make the negotiation implementing', () => {
    const story = given(
      opened,
      on('2024-01-01', 'ProposalTabled', {
        proposalId: 'plan',
        author: 'Mediator',
        summary: 'plan',
        phases: [phase('pre', 1)],
      }),
      on('2024-02-01', 'PhaseStarted', { phaseId: 'pre' }),
      on('2024-03-01', 'PhaseCompleted', { phaseId: 'pre' }),
    );
    expect(story.asOf('2024-02-02').status.stage).toBe('negotiating');
    expect(story.asOf('2024-03-02').status.stage).toBe('negotiating');
  });

  it('a framework agreement without a proposal does not cover phases another agreement defines', () => {
    const story = given(
      opened,
      on('1998-04-10', 'AgreementReached', {
        scope: 'framework',
        parties: PARTIES,
        agreementId: 'first',
        kind: 'comprehensive',
        phases: [phase('institutions', 1)],
      }),
      on('2006-10-13', 'AgreementReached', {
        scope: 'framework',
        parties: PARTIES,
        agreementId: 'second',
        kind: 'partial',
        requiresRatificationBy: ['Assembly'],
        phases: [phase('restore', 1, [{ kind: 'agreement' }])],
      }),
    );
    expect(story.asOf('2006-10-14').phase('restore').blocking).toEqual([
      expect.objectContaining({
        description: 'agreement covering restore',
        detail: 'agreement second is agreed, awaiting ratification by Assembly',
      }),
    ]);
  });

  it('a phase named but never defined is listed as an unresolved reference', () => {
    const story = given(opened, on('2024-02-01', 'PhaseStarted', { phaseId: 'ghost' }));
    const asOf = story.asOf('2024-02-02');
    expect(asOf.phases.undefinedPhases).toEqual([expect.objectContaining({ phaseId: 'ghost' })]);
    expect(asOf.status.unresolvedReferences).toContainEqual(
      expect.objectContaining({ kind: 'phase', id: 'ghost' }),
    );
  });
});

describe('prerequisites met by bodies, dates and commitments', () => {
  it('any-of is met by whichever condition comes first; completion conditions say when a phase can end', () => {
    const story = given(
      opened,
      on('2021-01-05', 'AgreementReached', {
        scope: 'framework',
        parties: PARTIES,
        agreementId: 'plan',
        kind: 'final',
        phases: [
          {
            ...phase('withdrawal', 1, [
              {
                kind: 'any-of',
                of: [
                  { kind: 'date', on: '2021-05-01' },
                  { kind: 'endorsed-by', body: 'Security Council', agreementId: 'plan' },
                ],
              },
            ]),
            completionConditions: [{ kind: 'verified-by', body: 'Monitors', subject: 'troops-out' }],
          },
        ],
      }),
      on('2021-03-10', 'AgreementEndorsed', {
        agreementId: 'plan',
        endorsedBy: ['Security Council'],
        bodyKind: 'security-council',
      }),
      on('2021-03-11', 'PhaseStarted', { phaseId: 'withdrawal' }),
      on('2021-06-01', 'VerificationReported', {
        body: 'Monitors',
        subject: 'troops-out',
        outcome: 'verified',
        description: 'all troops out',
      }),
    );
    const before = story.asOf('2021-03-01').phase('withdrawal');
    expect(before.state).toBe('blocked');
    expect(before.blocking[0]?.detail).toBe(
      'on or after 2021-05-01: not before 2021-05-01; plan endorsed by Security Council: no endorsement recorded',
    );
    // The endorsement came before the date: it is what met the condition.
    const endorsed = story.asOf('2021-03-10');
    expect(endorsed.phase('withdrawal').prerequisites[0]).toMatchObject({
      met: true,
      detail: 'met by plan endorsed by Security Council',
      since: expect.objectContaining({ occurredAt: '2021-03-10' }),
    });
    expect(endorsed.agreement('plan').endorsements).toEqual([
      expect.objectContaining({ endorsedBy: ['Security Council'], bodyKind: 'security-council' }),
    ]);
    expect(story.asOf('2021-04-01').phase('withdrawal')).toMatchObject({
      state: 'in-progress',
      readyToComplete: false,
      completion: [expect.objectContaining({ met: false })],
    });
    expect(story.asOf('2021-06-02').phase('withdrawal')).toMatchObject({ readyToComplete: true });
  });

  it('conditions for signing are judged like prerequisites, and say when the agreement can be signed', () => {
    const story = given(
      opened,
      on('2020-02-21', 'AgreementReached', {
        scope: 'framework',
        parties: PARTIES,
        agreementId: 'accord',
        kind: 'final',
        requiresSignature: true,
        signingConditions: [
          {
            kind: 'commitment-met',
            commitmentId: 'quiet-week',
            judgedBy: 'Mediator',
            description: 'a week of reduced violence',
          },
        ],
      }),
      on(
        '2020-02-21',
        'CommitmentMade',
        {
          commitmentId: 'quiet-week',
          parties: PARTIES,
          description: 'seven days of reduced violence',
          agreementId: 'accord',
        },
        { sequence: 2 },
      ),
      on('2020-02-28', 'ComplianceAssessed', {
        commitmentId: 'quiet-week',
        assessedBy: 'Mediator',
        outcome: 'met',
      }),
      on('2020-02-29', 'AgreementSigned', { agreementId: 'accord', signatories: PARTIES }),
    );
    expect(story.asOf('2020-02-22').agreement('accord')).toMatchObject({
      readyToSign: false,
      signingConditions: [expect.objectContaining({ description: 'a week of reduced violence', met: false })],
    });
    expect(story.asOf('2020-02-28').agreement('accord')).toMatchObject({
      readyToSign: true,
      signingConditions: [expect.objectContaining({ met: true })],
    });
    expect(story.asOf('2020-03-01').agreement('accord')).toMatchObject({
      status: 'in-force',
      readyToSign: false,
    });
  });

  it('a vote set for a date is shown until it is held', () => {
    const story = given(
      opened,
      on('2016-08-24', 'AgreementReached', {
        scope: 'framework',
        parties: PARTIES,
        agreementId: 'accord',
        kind: 'final',
        requiresRatificationBy: ['Plebiscite'],
      }),
      on('2016-08-31', 'RatificationScheduled', {
        agreementId: 'accord',
        body: 'Plebiscite',
        scheduledFor: '2016-10-02',
        bodyKind: 'referendum',
      }),
      on('2016-10-02', 'RatificationVoted', {
        agreementId: 'accord',
        body: 'Plebiscite',
        outcome: 'rejected',
      }),
    );
    expect(story.asOf('2016-09-01').agreement('accord').scheduledVotes).toEqual([
      expect.objectContaining({ body: 'Plebiscite', scheduledFor: '2016-10-02', bodyKind: 'referendum' }),
    ]);
    expect(story.asOf('2016-10-03').agreement('accord').scheduledVotes).toEqual([]);
  });

  const story = given(
    opened,
    on('2006-10-13', 'AgreementReached', {
      scope: 'framework',
      parties: PARTIES,
      agreementId: 'timetable',
      kind: 'partial',
      phases: [
        phase('restore', 1, [
          { kind: 'commitment-met', commitmentId: 'policing', judgedBy: 'Monitor' },
          { kind: 'verified-by', body: 'Commission', subject: 'arms' },
          { kind: 'ratified-by', body: 'Assembly' },
          { kind: 'endorsed-by', body: 'Council', proposalId: 'timetable-text' },
          { kind: 'date', on: '2007-03-26' },
          { kind: 'days-after', days: 10, after: { of: 'ratification', body: 'Assembly' } },
        ]),
      ],
    }),
    on('2006-10-20', 'CommitmentMade', {
      commitmentId: 'policing',
      parties: ['South'],
      description: 'support the police',
    }),
    on('2006-12-01', 'ComplianceAssessed', { commitmentId: 'policing', assessedBy: 'North', outcome: 'met' }),
    on('2007-01-28', 'ComplianceAssessed', {
      commitmentId: 'policing',
      assessedBy: 'Monitor',
      outcome: 'met',
      party: 'South',
    }),
    on('2005-09-26', 'VerificationReported', {
      body: 'Commission',
      subject: 'arms',
      outcome: 'verified',
      description: 'all arms put beyond use',
    }),
    on('2006-11-01', 'ProposalTabled', {
      proposalId: 'timetable-text',
      author: 'Governments',
      summary: 'the text',
    }),
    on('2006-11-02', 'ProposalEndorsed', { proposalId: 'timetable-text', endorsedBy: ['Council'] }),
    on('2007-03-01', 'RatificationVoted', {
      agreementId: 'timetable',
      body: 'Assembly',
      outcome: 'approved',
    }),
  );

  it('names each condition still awaited', () => {
    const phase1 = story.asOf('2006-12-02').phase('restore');
    expect(phase1.state).toBe('blocked');
    expect(phase1.blocking.map((b) => b.prerequisite.kind)).toEqual([
      'commitment-met',
      'ratified-by',
      'date',
      'days-after',
    ]);
    expect(phase1.blocking[0]).toMatchObject({ detail: 'no assessment recorded' });
  });

  it('is ready when every condition is met, each with its evidence', () => {
    const ready = story.asOf('2007-03-26').phase('restore');
    expect(ready.state).toBe('ready');
    expect(ready.prerequisites.every((p) => p.met)).toBe(true);
    expect(ready.prerequisites.filter((p) => p.since !== undefined)).toHaveLength(5);
  });
});

describe('parties and roles over time', () => {
  it('joins, exclusions and departures; the last but one leaving suspends the talks', () => {
    const story = given(
      on('1996-06-10', 'NegotiationOpened', { title: 'Talks', parties: ['A', 'B', 'C', 'D'], mediators: [] }),
      on('1996-06-10', 'PartyExcluded', { party: 'C', reason: 'no ceasefire' }, { sequence: 2 }),
      on('1997-07', 'PartyLeft', { party: 'B', reason: 'walked out' }),
      on('1997-09-15', 'PartyJoined', { party: 'C' }),
      on('1998-01-01', 'PartyLeft', { party: 'C' }, { sequence: 1 }),
      on('1998-01-01', 'PartyLeft', { party: 'D' }, { sequence: 2 }),
      on('1998-01-02', 'RoleAssigned', { party: 'Guarantor State', role: 'guarantor' }),
      on('1998-01-03', 'RoleAssigned', { party: 'Observer Org', role: 'observer' }),
      on('1998-01-04', 'RoleEnded', { party: 'Observer Org', role: 'observer', reason: 'mandate ended' }),
      on('1998-01-05', 'GroupingFormed', {
        groupingId: 'quartet',
        name: 'The Quartet',
        members: ['W', 'X', 'Y', 'Z'],
      }),
    );
    const standing = (d: string) =>
      Object.fromEntries(story.asOf(d).status.participants.map((p) => [p.party, p.standing]));
    expect(standing('1996-06-11')).toEqual({ A: 'at-table', B: 'at-table', C: 'excluded', D: 'at-table' });
    expect(standing('1997-09-16')).toEqual({ A: 'at-table', B: 'left', C: 'at-table', D: 'at-table' });
    expect(story.asOf('1997-09-16').status.activity).toBe('active');
    const gone = story.asOf('1998-01-06').status;
    expect(gone.activity).toBe('suspended');
    expect(gone.activityReason).toBe('D left the talks');
    expect(gone.roles.map((r) => r.role)).toEqual(['guarantor']);
    expect(gone.formerRoles).toEqual([
      expect.objectContaining({ party: 'Observer Org', reason: 'mandate ended' }),
    ]);
    expect(gone.groupings).toEqual([
      expect.objectContaining({ name: 'The Quartet', members: ['W', 'X', 'Y', 'Z'] }),
    ]);
  });

  it('a party withdrawing from a two-party agreement ends it; the stage reflects it', () => {
    const story = given(
      opened,
      on('2015-07-14', 'AgreementReached', {
        scope: 'framework',
        parties: PARTIES,
        agreementId: 'deal',
        kind: 'comprehensive',
      }),
      on('2018-05-08', 'PartyWithdrewFromAgreement', {
        party: 'North',
        agreementId: 'deal',
        reason: 'left the deal',
      }),
    );
    expect(story.asOf('2016-01-01').status.stage).toBe('agreement-in-force');
    const after = story.asOf('2018-05-09');
    expect(after.agreement('deal')).toMatchObject({ status: 'terminated', remainingParties: ['South'] });
    // Ended, not being renegotiated: nobody is back at the table.
    expect(after.status.stage).toBe('agreement-ended');
  });
});

describe('the ground as well as the table', () => {
  const story = given(
    opened,
    on('2020-01-10', 'TalksOpened', { venue: 'Geneva' }),
    on('1994-08-31', 'CeasefireDeclared', { ceasefireId: 'truce', declaredBy: ['Armed Group'] }),
    on('1995-01-01', 'ViolationReported', {
      description: 'shots fired',
      allegedBy: 'North',
      ceasefireId: 'truce',
    }),
    on('2020-02-09', 'CeasefireBrokeDown', {
      ceasefireId: 'truce',
      reason: 'a bombing',
      endedBy: 'Armed Group',
    }),
    on('2020-03-01', 'HostilitiesResumed', { by: ['South'], description: 'shelling resumed' }),
    on('2020-04-01', 'HostilitiesEnded', { by: ['Armed Group'], description: 'campaign ended' }),
  );

  it('a ceasefire that collapses while talks go on is not the talks collapsing', () => {
    const status = story.asOf('2020-02-10').status;
    expect(status.stage).toBe('negotiating');
    expect(status.activity).toBe('active');
    expect(status.ground).toMatchObject({
      situation: 'hostilities',
      ceasefires: [expect.objectContaining({ state: 'broken-down', violations: 1 })],
    });
  });

  it('a violation without a phase still shows, and hostilities are told by actor', () => {
    expect(story.asOf('1995-01-02').status.ground).toMatchObject({
      situation: 'ceasefire-in-effect',
      violationCount: 1,
    });
    const later = story.asOf('2020-04-02').status.ground;
    expect(Object.fromEntries(later.actors.map((a) => [a.actor, a.posture]))).toEqual({
      'Armed Group': 'campaign-ended',
      South: 'hostilities',
    });
  });
});

describe('deadlines', () => {
  it('says who moved a date, and shows a date from a disputed report as disputed', () => {
    const moved = given(
      on('2024-01-01', 'DeadlineSet', {
        deadlineId: 'vote',
        description: 'the vote',
        deadline: '2024-02-01',
        setBy: 'Mediator',
      }),
      on(
        '2024-01-25',
        'DeadlineExtended',
        { deadlineId: 'vote', deadline: '2024-03-01', extendedBy: 'North', reason: 'consultations' },
        { confidence: 'disputed' },
      ),
    );
    const deadline = moved.asOf('2024-01-26').status.deadlines[0];
    expect(deadline).toMatchObject({
      deadline: '2024-03-01',
      setBy: 'Mediator',
      movedBy: 'North',
      dateDisputed: true,
    });
    expect(moved.asOf('2024-01-26').status.deadlines).toHaveLength(1);
    const history = given(
      on('2024-01-01', 'DeadlineSet', {
        deadlineId: 'vote',
        description: 'the vote',
        deadline: '2024-02-01',
        setBy: 'Mediator',
      }),
      on('2024-01-25', 'DeadlineExtended', {
        deadlineId: 'vote',
        deadline: '2024-03-01',
        extendedBy: 'North',
      }),
    ).asOf('2024-01-26').status.deadlines[0];
    expect(history?.dateDisputed).toBeUndefined();
    expect(history?.history).toEqual([
      expect.objectContaining({ change: 'set', by: 'Mediator', deadline: '2024-02-01' }),
      expect.objectContaining({ change: 'extended', by: 'North', deadline: '2024-03-01' }),
    ]);
  });

  const story = given(
    on('2024-01-01', 'DeadlineSet', {
      deadlineId: 'first',
      description: 'reply to the plan',
      deadline: '2024-02-01',
    }),
    on('2024-01-20', 'DeadlineExtended', {
      deadlineId: 'first',
      deadline: '2024-03-01',
      reason: 'more time asked',
    }),
    on('2024-02-15', 'DeadlineSet', {
      deadlineId: 'second',
      description: 'reply, new date',
      deadline: '2024-04-01',
      replaces: 'first',
    }),
    on('2024-01-01', 'DeadlineSet', {
      deadlineId: 'lists',
      description: 'exchange lists',
      deadline: '2024-01-10',
    }),
    on('2024-01-09', 'DeadlineMet', { deadlineId: 'lists' }),
    on('2024-01-01', 'DeadlineSet', {
      deadlineId: 'maps',
      description: 'exchange maps',
      deadline: '2024-01-15',
    }),
    on('2024-01-20', 'DeadlineMissed', { deadlineId: 'maps', reason: 'no maps' }),
    on('2024-01-01', 'DeadlineSet', {
      description: 'an old-style deadline without an id',
      deadline: '2024-05-01',
    }),
  );
  const state = (asOf: string, id: string) => {
    const deadline = story.asOf(asOf).status.deadlines.find((d) => d.deadlineId === id);
    return deadline === undefined
      ? undefined
      : deadline.state === 'pending' && deadline.passed
        ? 'passed'
        : deadline.state;
  };

  it('a deadline for an issue is met or missed when the issue is resolved', () => {
    const tied = given(
      on('1998-05-22', 'IssueRaised', { issueId: 'arms', title: 'Arms', raisedBy: 'North' }),
      on(
        '1998-05-22',
        'DeadlineSet',
        {
          deadlineId: 'arms-by',
          description: 'arms put beyond use',
          deadline: '2000-05-22',
          issueId: 'arms',
        },
        { sequence: 2 },
      ),
      on('2005-09-26', 'IssueResolved', { issueId: 'arms' }),
    );
    const deadline = (asOf: string) =>
      tied.asOf(asOf).status.deadlines.find((d) => d.deadlineId === 'arms-by');
    expect(deadline('2000-05-23')).toMatchObject({ state: 'pending', passed: true });
    // Missed: its date has gone by unmet, so passed agrees.
    expect(deadline('2005-09-27')).toMatchObject({
      state: 'missed',
      passed: true,
      since: expect.objectContaining({ type: 'IssueResolved' }),
    });
  });

  it('tracks set, extended, replaced (never shown as missed), met, missed and passed', () => {
    expect(state('2024-01-21', 'first')).toBe('pending');
    expect(story.asOf('2024-01-21').status.deadlines.find((d) => d.deadlineId === 'first')?.deadline).toBe(
      '2024-03-01',
    );
    expect(state('2024-03-05', 'first')).toBe('replaced');
    expect(state('2024-01-11', 'lists')).toBe('met');
    expect(state('2024-01-16', 'maps')).toBe('passed');
    expect(state('2024-01-21', 'maps')).toBe('missed');
    expect(state('2024-04-02', 'second')).toBe('passed');
  });
});

describe('statements and order within a day', () => {
  it('several statements by one speaker are kept, the latest first', () => {
    const story = given(
      on('2024-07-01', 'StatementIssued', {
        by: ['Mediator'],
        kind: 'unilateral',
        characterisation: 'progress',
        text: 'some progress',
      }),
      on('2024-07-05', 'StatementIssued', {
        by: ['Mediator'],
        kind: 'unilateral',
        characterisation: 'cautious',
        text: 'gaps remain',
      }),
      on('2024-07-06', 'StatementIssued', {
        by: ['Mediator'],
        kind: 'unilateral',
        text: 'no comment on the details',
      }),
      on('2024-07-06', 'LeadersSpoke', { participants: PARTIES, topics: ['the plan'], durationMinutes: 30 }),
    );
    const status = story.asOf('2024-07-07').status;
    expect(status.characterisations).toEqual([
      expect.objectContaining({ characterisation: 'cautious', text: 'gaps remain' }),
    ]);
    expect(status.statements).toEqual([
      expect.objectContaining({
        speakers: 'Mediator',
        count: 3,
        latest: expect.objectContaining({ text: 'no comment on the details' }),
        earlier: [
          expect.objectContaining({ text: 'gaps remain' }),
          expect.objectContaining({ text: 'some progress' }),
        ],
      }),
    ]);
    expect(status.leaderContactCount).toBe(1);
  });

  it('developments of one day keep the order the reports give, whatever their ids', () => {
    const stalled = (sequence: number, id: string) =>
      on('2024-07-10', 'TalksStalled', { reason: 'deadlock' }, { sequence, id });
    const resumed = (sequence: number, id: string) =>
      on('2024-07-10', 'TalksResumed', { venue: 'Doha' }, { sequence, id });
    const a = '00000000-0000-4000-8000-000000000001';
    const b = 'ffffffff-0000-4000-8000-000000000002';
    expect(given(resumed(1, a), stalled(2, b)).asOf('2024-07-10').status.activity).toBe('stalled');
    expect(given(resumed(1, b), stalled(2, a)).asOf('2024-07-10').status.activity).toBe('stalled');
    expect(given(stalled(1, a), resumed(2, b)).asOf('2024-07-10').status.activity).toBe('active');
    expect(given(stalled(1, b), resumed(2, a)).asOf('2024-07-10').status.activity).toBe('active');
  });
});

describe('the rhythm of the talks', () => {
  const story = given(
    opened,
    on('2024-01-02', 'ProposalAnnounced', {
      proposalId: 'idea',
      announcedBy: ['Mediator'],
      summary: 'an idea',
    }),
    on('2024-01-05', 'DelegationSent', { party: 'North', venue: 'Doha', head: { name: 'Envoy' } }),
    on('2024-01-20', 'DelegationRecalled', { party: 'North', reason: 'consultations' }),
    on('2024-02-01', 'TalksSuspended', { reason: 'elections' }),
    on('2024-03-01', 'TalksCollapsed', { reason: 'walk-out', declaredBy: 'South' }),
    on('2024-03-10', 'ResponseDelivered', { proposalId: 'idea', by: 'South', stance: 'rejected' }),
    on('2024-04-01', 'TalksResumed', { venue: 'Cairo' }),
  );

  it('a collapse holds until talks resume; a later development alone does not undo it', () => {
    expect(story.asOf('2024-01-06').status).toMatchObject({
      stage: 'negotiating',
      delegations: [expect.objectContaining({ party: 'North' })],
    });
    expect(story.asOf('2024-01-21').status.recalledDelegations).toEqual([
      expect.objectContaining({ party: 'North', venue: 'Doha' }),
    ]);
    expect(story.asOf('2024-02-02').status.activity).toBe('suspended');
    expect(story.asOf('2024-03-02').status.stage).toBe('collapsed');
    expect(story.asOf('2024-03-11').status.stage).toBe('collapsed');
    expect(story.asOf('2024-04-02').status).toMatchObject({
      stage: 'negotiating',
      activity: 'active',
      venue: { name: 'Cairo' },
    });
  });

  it('a proposal announced and never tabled keeps its status', () => {
    expect(story.asOf('2024-01-03').status.announcedProposals.map((p) => p.proposalId)).toEqual(['idea']);
  });

  it('a response to a proposal no one tabled is listed as an unresolved reference', () => {
    const status = given(
      on('2024-03-10', 'ResponseDelivered', { proposalId: 'unknown', by: 'South', stance: 'rejected' }),
    ).asOf('2024-03-11').status;
    expect(status.proposals).toEqual([
      expect.objectContaining({ proposalId: 'unknown', status: 'mentioned' }),
    ]);
    expect(status.unresolvedReferences).toEqual([
      expect.objectContaining({ kind: 'proposal', id: 'unknown' }),
    ]);
  });

  it('a revised proposal supersedes the one before and replaces its phases', () => {
    const revised = given(
      on('2024-01-01', 'ProposalTabled', {
        proposalId: 'v1',
        author: 'Mediator',
        summary: 'first',
        phases: [phase('a', 1), phase('b', 2)],
      }),
      on('2024-02-01', 'ProposalTabled', {
        proposalId: 'v2',
        author: 'Mediator',
        summary: 'second',
        supersedes: 'v1',
        phases: [phase('a', 1)],
      }),
      on('2024-02-02', 'FrameworkDefined', { proposalId: 'v2', phases: [phase('c', 2)] }),
    ).asOf('2024-02-03');
    expect(revised.status.proposals.find((p) => p.proposalId === 'v1')).toMatchObject({
      status: 'superseded',
      supersededBy: 'v2',
    });
    expect(revised.phases.phases.map((p) => p.phaseId)).toEqual(['a', 'c']);
  });
});

describe('answers that stay consistent', () => {
  const issue = on('2016-01-10', 'IssueRaised', { issueId: 'land', title: 'Land reform', raisedBy: 'North' });
  const accord = on('2016-08-24', 'AgreementReached', {
    scope: 'framework',
    parties: PARTIES,
    agreementId: 'accord',
    kind: 'final',
    settlesIssues: ['land'],
    requiresRatificationBy: ['Plebiscite'],
  });
  const vote = on('2016-10-02', 'RatificationVoted', {
    agreementId: 'accord',
    body: 'Plebiscite',
    bodyKind: 'referendum',
    outcome: 'rejected',
  });

  it('an agreement rejected in a vote settles nothing: its issues reopen, naming it', () => {
    const story = given(opened, issue, accord, vote);
    expect(story.asOf('2016-08-25').issue('land')).toMatchObject({ state: 'resolved', settledBy: 'accord' });
    expect(story.asOf('2016-08-25').status.openIssueCount).toBe(0);
    const after = story.asOf('2016-10-03');
    expect(after.issue('land')).toMatchObject({ state: 'reopened', unsettledBy: 'accord' });
    expect(after.issue('land').settledBy).toBeUndefined();
    expect(after.status.openIssueCount).toBe(1);
  });

  it('an agreement signed in several documents keeps every signatory', () => {
    const story = given(
      opened,
      accord,
      on('2016-09-26', 'AgreementSigned', { agreementId: 'accord', signatories: ['North', 'Broker'] }),
      on('2016-09-27', 'AgreementSigned', { agreementId: 'accord', signatories: ['South', 'Broker'] }),
    );
    expect(story.asOf('2016-09-28').agreement('accord').signed).toMatchObject({
      signatories: ['North', 'Broker', 'South'],
      signings: 2,
    });
  });

  it('an agreement to be signed by each party is in force once the last has signed, on the date it names', () => {
    const story = given(
      opened,
      on('2002-02-21', 'AgreementReached', {
        scope: 'framework',
        parties: PARTIES,
        agreementId: 'ceasefire',
        kind: 'interim',
        requiresSignature: true,
        entersIntoForceOn: '2002-02-23',
      }),
      on(
        '2002-02-21',
        'AgreementSigned',
        { agreementId: 'ceasefire', signatories: ['North'] },
        { sequence: 2 },
      ),
      on('2002-02-22', 'AgreementSigned', { agreementId: 'ceasefire', signatories: ['South'] }),
    );
    // Signed in parallel copies: the first signing alone does not bring it into force.
    expect(story.asOf('2002-02-21').agreement('ceasefire').status).toBe('signed');
    expect(story.asOf('2002-02-21').status.deal.state).toBe('pending');
    // Both have signed, but it enters into force only on the date it names.
    expect(story.asOf('2002-02-22').agreement('ceasefire')).toMatchObject({
      status: 'signed',
      signed: { signatories: ['North', 'South'], signings: 2 },
    });
    const inForce = story.asOf('2002-02-23').status;
    expect(inForce.agreements[0]?.status).toBe('in-force');
    expect(inForce).toMatchObject({ stage: 'interim-agreement', deal: { state: 'holding' } });
  });

  it('a cancelled meeting nobody scheduled is shown, and named as undefined', () => {
    const story = given(
      opened,
      on('2020-01-10', 'TalksOpened', { venue: 'Geneva' }),
      on('2020-02-01', 'MeetingCancelled', { meetingId: 'round-3', reason: 'the envoy fell ill' }),
    );
    const status = story.asOf('2020-02-02').status;
    expect(status.unscheduledCancellations).toEqual([
      expect.objectContaining({ meetingId: 'round-3', reason: 'the envoy fell ill' }),
    ]);
    expect(status.unresolvedReferences).toEqual([
      expect.objectContaining({ kind: 'meeting', id: 'round-3' }),
    ]);
  });

  it('a host and a verifier are roles like any other', () => {
    const story = given(
      opened,
      on('2002-02-22', 'RoleAssigned', { party: 'Norway', role: 'facilitator' }),
      on('2002-02-22', 'RoleAssigned', { party: 'Monitoring Mission', role: 'verifier' }, { sequence: 2 }),
      on('2002-09-16', 'RoleAssigned', { party: 'Thailand', role: 'host' }),
    );
    expect(
      story
        .asOf('2002-09-17')
        .status.roles.map((r) => `${r.party}:${r.role}`)
        .sort(),
    ).toEqual(['Monitoring Mission:verifier', 'Norway:facilitator', 'Thailand:host']);
  });
});

describe('terms, renewals and suspended participation', () => {
  const truce = on('2022-04-02', 'AgreementReached', {
    scope: 'framework',
    parties: PARTIES,
    agreementId: 'truce',
    kind: 'interim',
    endsOn: '2022-06-02',
  });
  const renewed = on('2022-06-02', 'TermExtended', {
    of: 'agreement',
    id: 'truce',
    endsOn: '2022-08-02',
    extendedBy: PARTIES,
    reason: 'renewed for two months',
  });

  it('an agreement with a fixed term expires when not renewed, and a renewal replaces its end', () => {
    const lapsing = given(opened, truce);
    expect(lapsing.asOf('2022-06-02').status).toMatchObject({
      stage: 'interim-agreement',
      deal: { state: 'holding' },
    });
    const after = lapsing.asOf('2022-06-03').status;
    expect(after.agreements[0]).toMatchObject({ status: 'expired', term: { endsOn: '2022-06-02' } });
    expect(after.stage).toBe('agreement-ended');
    // Talks on a new truce make it a negotiation again.
    expect(
      given(opened, truce, on('2022-06-10', 'TalksResumed', { venue: 'Amman' })).asOf('2022-06-11').status
        .stage,
    ).toBe('negotiating');
    expect(after.deal).toMatchObject({
      state: 'ended',
      agreementId: 'truce',
      reasons: [expect.objectContaining({ reason: 'truce expired: its term ended 2022-06-02' })],
    });
    // The listing's summary judges the term at the date asked, even from a state folded before the end.
    const folded = lapsing.stateAt('2022-06-01');
    expect(summaryOf(folded, endOfDateOrDateTime('2022-06-02'))).toMatchObject({
      stage: 'interim-agreement',
      deal: 'holding',
    });
    expect(summaryOf(folded, endOfDateOrDateTime('2022-06-03'))).toMatchObject({
      stage: 'agreement-ended',
      deal: 'ended',
    });
    const kept = given(opened, truce, renewed);
    expect(kept.asOf('2022-07-01').status.agreements[0]).toMatchObject({
      status: 'in-force',
      term: { endsOn: '2022-08-02', extendedBy: PARTIES, reason: 'renewed for two months' },
      earlierTerms: [expect.objectContaining({ endsOn: '2022-06-02' })],
    });
    expect(kept.asOf('2022-07-01').status.deal.state).toBe('holding');
    expect(kept.asOf('2022-08-03').status.agreements[0]?.status).toBe('expired');
  });

  it('a time-limited ceasefire is in effect for its term only, and can be extended', () => {
    const declared = on('2023-11-24', 'CeasefireDeclared', {
      ceasefireId: 'pause',
      declaredBy: PARTIES,
      endsOn: '2023-11-27',
    });
    const extended = on('2023-11-27', 'TermExtended', { of: 'ceasefire', id: 'pause', endsOn: '2023-11-30' });
    const story = given(opened, declared, extended);
    expect(story.asOf('2023-11-29').status.ground.situation).toBe('ceasefire-in-effect');
    const over = story.asOf('2023-12-01').status.ground;
    expect(over.situation).toBe('ceasefire-expired');
    expect(over.ceasefires[0]).toMatchObject({ state: 'expired', term: { endsOn: '2023-11-30' } });
  });

  it('a party that suspends its participation suspends the talks and disrupts the deal until it resumes', () => {
    const story = given(
      on('2002-02-22', 'NegotiationOpened', {
        title: 'Peace talks',
        parties: PARTIES,
        mediators: ['Facilitator'],
      }),
      on('2002-09-16', 'TalksOpened', { venue: 'Sattahip' }),
      on('2002-12-05', 'AgreementReached', { scope: 'framework', parties: PARTIES, agreementId: 'accord' }),
      on('2003-04-21', 'ParticipationSuspended', { party: 'South', reason: 'excluded from a donor meeting' }),
      on('2003-10-31', 'ParticipationResumed', { party: 'South', reason: 'proposals tabled' }),
    );
    const suspended = story.asOf('2003-05-01').status;
    expect(suspended.participants.find((p) => p.party === 'South')?.standing).toBe('suspended');
    expect(suspended).toMatchObject({
      activity: 'suspended',
      activityReason: 'South suspended its participation',
    });
    expect(suspended.deal).toMatchObject({
      state: 'disrupted',
      reasons: [
        expect.objectContaining({
          reason: 'South suspended its participation: excluded from a donor meeting',
        }),
      ],
    });
    const back = story.asOf('2003-11-01').status;
    expect(back).toMatchObject({ activity: 'active', activityReason: 'South resumed its participation' });
    expect(back.deal.state).toBe('holding');
  });
});

describe('the vocabulary is covered', () => {
  it('every development type was reported and every stage, phase state and status was seen above', () => {
    const covered = seen();
    expect(EVENT_TYPES.filter((t) => !isCorrectionType(t) && !covered.types.has(t))).toEqual([]);
    expect(STAGES.filter((s) => !covered.stages.has(s))).toEqual([]);
    expect(PHASE_STATES.filter((s) => !covered.phaseStates.has(s))).toEqual([]);
    expect(AGREEMENT_STATUSES.filter((s) => !covered.agreementStatuses.has(s))).toEqual([]);
    expect(ISSUE_STATES.filter((s) => !covered.issueStates.has(s))).toEqual([]);
    expect(PROPOSAL_STATUSES.filter((s) => !covered.proposalStatuses.has(s))).toEqual([]);
    expect(
      ['pending', 'met', 'missed', 'replaced', 'passed'].filter(
        (s) => !covered.deadlineStates.has(s as never),
      ),
    ).toEqual([]);
    expect(Object.keys(STAGE_MEANINGS).sort()).toEqual([...STAGES].sort());
  });
});
