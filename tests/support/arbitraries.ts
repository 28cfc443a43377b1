import fc from 'fast-check';
import { PayloadOf, Phase, Unbranded } from '../../src/domain';
import { DevelopmentType } from '../../src/projections';

// Small pools, so events meet the same issues, parties and proposals; names that an assignment treats apart
// from an object literal's key (__proto__) or that an object inherits (constructor) are among them.
export const party = fc.constantFrom('Israel', 'Hamas', 'Qatar', '__proto__', 'constructor');
export const slug = fc.constantFrom('issue-1', 'issue-2', 'plan', 'phase-1', 'phase-2', 'constructor');
/** Agreements and bodies, from small pools too. */
export const agreement = fc.constantFrom('deal', 'plan', 'constructor');
export const body = fc.constantFrom('Cabinet', 'Referendum', '__proto__');
export const text = fc.constantFrom('a', 'b', 'c');
export const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });
/** Optional fields absent when undefined, as the codec leaves them. */
export const defined = <T extends object>(fields: T): T =>
  Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as T;

/** A payload of every development type, exhaustive by construction: a new type fails the build here. */
export const payloads: { [K in DevelopmentType]: fc.Arbitrary<Unbranded<PayloadOf<K>>> } = {
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
      agreementId: maybe(agreement),
      kind: maybe(fc.constantFrom('interim' as const, 'framework' as const, 'final' as const)),
      requiresRatificationBy: maybe(fc.array(body, { maxLength: 2 })),
      requiresSignature: maybe(fc.boolean()),
      settlesIssues: maybe(fc.array(slug, { maxLength: 1 })),
      defersIssues: maybe(fc.array(fc.record({ issueId: slug, toPhaseId: slug }), { maxLength: 1 })),
      supersedes: maybe(agreement),
      phases: maybe(
        fc.constant<Array<Unbranded<Phase>>>([
          { phaseId: 'phase-2', name: 'Two', order: 2, provisions: [], prerequisites: [] },
        ]),
      ),
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
  TalksOpened: fc
    .record({
      venue: fc.constantFrom('Doha', 'Stormont'),
      chairedBy: maybe(party),
      format: maybe(fc.constant('direct' as const)),
    })
    .map(defined),
  TalksMoved: fc.record({ venue: fc.constantFrom('Doha', 'Cairo'), from: maybe(text) }).map(defined),
  MeetingCancelled: fc
    .record({ reason: text, meetingId: maybe(slug), scheduledFor: maybe(fc.constant('2024-08-01')) })
    .map(defined),
  DeadlineExtended: fc
    .record({ deadlineId: slug, deadline: fc.constant('2024-10-01'), reason: maybe(text) })
    .map(defined),
  DeadlineMet: fc.record({ deadlineId: slug }),
  DeadlineMissed: fc.record({ deadlineId: slug, reason: maybe(text) }).map(defined),
  PartyJoined: fc.record({ party, reason: maybe(text) }).map(defined),
  PartyExcluded: fc.record({ party, reason: text }),
  PartyLeft: fc.record({ party, reason: maybe(text) }).map(defined),
  PartyWithdrewFromAgreement: fc.record({ party, agreementId: agreement, reason: maybe(text) }).map(defined),
  RoleAssigned: fc
    .record({
      party,
      role: fc.constantFrom('mediator' as const, 'guarantor' as const, 'chair' as const),
      person: maybe(fc.constant({ name: 'Someone' })),
    })
    .map(defined),
  RoleEnded: fc.record({ party, role: fc.constantFrom('mediator' as const, 'chair' as const) }),
  GroupingFormed: fc.record({
    groupingId: slug,
    name: text,
    members: fc.array(party, { minLength: 1, maxLength: 3 }),
  }),
  IssueDeferred: fc.record({ issueId: slug, toPhaseId: slug, reason: maybe(text) }).map(defined),
  AgreementSigned: fc.record({
    agreementId: agreement,
    signatories: fc.array(party, { minLength: 1, maxLength: 2 }),
  }),
  RatificationVoted: fc
    .record({
      agreementId: agreement,
      body,
      outcome: fc.constantFrom('approved' as const, 'rejected' as const),
      yesPercent: maybe(fc.constant(71.1)),
    })
    .map(defined),
  RatificationScheduled: fc.record({
    agreementId: agreement,
    body,
    scheduledFor: fc.constantFrom('2024-09-01', '2024-10-15'),
  }),
  AgreementEndorsed: fc.record({
    agreementId: agreement,
    endorsedBy: fc.array(body, { minLength: 1, maxLength: 2 }),
  }),
  AgreementEnteredIntoForce: fc.record({ agreementId: agreement }),
  AgreementSuperseded: fc.record({ agreementId: agreement, supersededBy: agreement }),
  PhaseScheduled: fc.record({ phaseId: slug, scheduledFor: fc.constant('2024-09-01') }),
  PhaseLapsed: fc.record({ phaseId: slug, reason: text }),
  PhaseSuspended: fc
    .record({ phaseId: slug, reason: text, issueIds: maybe(fc.array(slug, { maxLength: 1 })) })
    .map(defined),
  PhaseResumed: fc.record({ phaseId: slug }),
  PhaseTerminated: fc.record({ phaseId: slug, reason: text }),
  CommitmentMade: fc.record({
    commitmentId: slug,
    parties: fc.array(party, { minLength: 1, maxLength: 2 }),
    description: text,
  }),
  ComplianceAssessed: fc.record({
    commitmentId: slug,
    assessedBy: body,
    outcome: fc.constantFrom('met' as const, 'not-met' as const),
  }),
  VerificationReported: fc.record({
    body,
    subject: slug,
    outcome: fc.constantFrom('verified' as const, 'partly-verified' as const),
    description: text,
  }),
  CeasefireDeclared: fc
    .record({
      ceasefireId: slug,
      declaredBy: fc.array(party, { minLength: 1, maxLength: 2 }),
      endsOn: maybe(fc.constantFrom('2024-07-01', '2024-09-15')),
    })
    .map(defined),
  TermExtended: fc.oneof(
    fc.record({
      of: fc.constant('agreement' as const),
      id: agreement,
      endsOn: fc.constantFrom('2024-08-01', '2025-01-01'),
    }),
    fc.record({
      of: fc.constant('ceasefire' as const),
      id: slug,
      endsOn: fc.constantFrom('2024-08-01', '2025-01-01'),
    }),
  ),
  ParticipationSuspended: fc.record({ party, reason: text, agreementId: maybe(agreement) }).map(defined),
  ParticipationResumed: fc.record({ party, reason: maybe(text) }).map(defined),
  CeasefireBrokeDown: fc.record({ ceasefireId: slug, reason: text, endedBy: maybe(party) }).map(defined),
  HostilitiesResumed: fc.record({ by: fc.array(party, { minLength: 1, maxLength: 1 }), description: text }),
  HostilitiesEnded: fc.record({ by: fc.array(party, { minLength: 1, maxLength: 1 }), description: text }),
};
