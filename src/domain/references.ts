import { EventType, PayloadOf } from './catalog';

/** Something a development names that another development defines (a proposal tabled, an issue raised...). */
export interface Reference {
  readonly kind:
    'proposal' | 'issue' | 'phase' | 'agreement' | 'deadline' | 'ceasefire' | 'commitment' | 'meeting';
  readonly id: string;
  /** Where the development names it, from the payload ("payload.phaseId"). */
  readonly field: string;
}

type ReferenceRule<K extends EventType> = (payload: PayloadOf<K>) => Reference[];

const one = (kind: Reference['kind'], field: string, id: string | undefined): Reference[] =>
  id === undefined ? [] : [{ kind, id, field: `payload.${field}` }];

const each = (kind: Reference['kind'], field: string, ids: readonly string[] | undefined): Reference[] =>
  (ids ?? []).map((id, index) => ({ kind, id, field: `payload.${field}.${index}` }));

const none = (): Reference[] => [];

/**
 * What each development type names without defining it, one rule per type (the compiler holds the table
 * complete). A development that defines the thing it names (IssueRaised, AgreementReached) names nothing here.
 */
export const REFERENCES: { readonly [K in EventType]: ReferenceRule<K> } = {
  NegotiationOpened: none,
  TalksOpened: none,
  TalksMoved: none,
  ProposalTabled: (p) => one('proposal', 'supersedes', p.supersedes),
  ProposalAnnounced: none,
  ProposalEndorsed: (p) => one('proposal', 'proposalId', p.proposalId),
  ResponseDelivered: (p) => one('proposal', 'proposalId', p.proposalId),
  PositionShifted: (p) => [
    ...one('proposal', 'proposalId', p.proposalId),
    ...one('issue', 'issueId', p.issueId),
  ],
  DelegationSent: none,
  DelegationRecalled: none,
  TalksScheduled: none,
  MeetingCancelled: (p) => one('meeting', 'meetingId', p.meetingId),
  TalksResumed: none,
  TalksStalled: none,
  TalksSuspended: none,
  TalksCollapsed: none,
  StatementIssued: none,
  LeadersSpoke: none,
  DeadlineSet: (p) => [
    ...one('deadline', 'replaces', p.replaces),
    ...one('issue', 'issueId', p.issueId),
    ...one('phase', 'phaseId', p.phaseId),
    ...one('commitment', 'commitmentId', p.commitmentId),
  ],
  DeadlineExtended: (p) => one('deadline', 'deadlineId', p.deadlineId),
  DeadlineMet: (p) => one('deadline', 'deadlineId', p.deadlineId),
  DeadlineMissed: (p) => one('deadline', 'deadlineId', p.deadlineId),
  PartyJoined: none,
  PartyExcluded: none,
  PartyLeft: none,
  ParticipationSuspended: (p) => one('agreement', 'agreementId', p.agreementId),
  ParticipationResumed: none,
  PartyWithdrewFromAgreement: (p) => one('agreement', 'agreementId', p.agreementId),
  RoleAssigned: none,
  RoleEnded: none,
  GroupingFormed: none,
  IssueRaised: (p) => each('phase', 'blocksPhases', p.blocksPhases),
  PositionStated: (p) => one('issue', 'issueId', p.issueId),
  IssueNarrowed: (p) => one('issue', 'issueId', p.issueId),
  IssueResolved: (p) => one('issue', 'issueId', p.issueId),
  IssueReopened: (p) => one('issue', 'issueId', p.issueId),
  IssueDeferred: (p) => [...one('issue', 'issueId', p.issueId), ...one('phase', 'toPhaseId', p.toPhaseId)],
  FrameworkDefined: (p) => one('proposal', 'proposalId', p.proposalId),
  AgreementReached: (p) => [
    ...one('proposal', 'proposalId', p.proposalId),
    ...(p.phases === undefined ? each('phase', 'phaseIds', p.phaseIds) : []),
    ...each('issue', 'settlesIssues', p.settlesIssues),
    ...(p.defersIssues ?? []).flatMap((d, index) => [
      { kind: 'issue' as const, id: d.issueId, field: `payload.defersIssues.${index}.issueId` },
    ]),
    ...one('agreement', 'supersedes', p.supersedes),
  ],
  TermExtended: (p) => one(p.of, 'id', p.id),
  AgreementSigned: (p) => one('agreement', 'agreementId', p.agreementId),
  RatificationVoted: (p) => one('agreement', 'agreementId', p.agreementId),
  RatificationScheduled: (p) => one('agreement', 'agreementId', p.agreementId),
  AgreementEndorsed: (p) => one('agreement', 'agreementId', p.agreementId),
  AgreementEnteredIntoForce: (p) => one('agreement', 'agreementId', p.agreementId),
  AgreementSuperseded: (p) => one('agreement', 'agreementId', p.agreementId),
  PhaseScheduled: (p) => one('phase', 'phaseId', p.phaseId),
  PhaseStarted: (p) => one('phase', 'phaseId', p.phaseId),
  PhaseCompleted: (p) => one('phase', 'phaseId', p.phaseId),
  PhaseLapsed: (p) => one('phase', 'phaseId', p.phaseId),
  PhaseSuspended: (p) => [...one('phase', 'phaseId', p.phaseId), ...each('issue', 'issueIds', p.issueIds)],
  PhaseResumed: (p) => one('phase', 'phaseId', p.phaseId),
  PhaseTerminated: (p) => one('phase', 'phaseId', p.phaseId),
  ProvisionImplemented: (p) => one('phase', 'phaseId', p.phaseId),
  CommitmentMade: (p) => one('agreement', 'agreementId', p.agreementId),
  ComplianceAssessed: (p) => one('commitment', 'commitmentId', p.commitmentId),
  VerificationReported: none,
  CeasefireDeclared: none,
  CeasefireBrokeDown: (p) => one('ceasefire', 'ceasefireId', p.ceasefireId),
  ViolationReported: (p) => [
    ...one('phase', 'phaseId', p.phaseId),
    ...one('ceasefire', 'ceasefireId', p.ceasefireId),
  ],
  HostilitiesResumed: none,
  HostilitiesEnded: none,
  EventCorrected: none,
  EventRetracted: none,
};

export const referencesOf = <K extends EventType>(event: {
  readonly type: K;
  readonly payload: PayloadOf<K>;
}) => (REFERENCES[event.type] as ReferenceRule<K>)(event.payload);
