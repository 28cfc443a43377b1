import * as t from 'io-ts';
import {
  Name,
  NonNegativeInteger,
  Percent,
  PositiveNumber,
  Slug,
  Text,
  Uuid,
  boundedArray,
  nonEmptyArray,
  oneOf,
  strictObject,
} from './codecs';
import {
  AgreementKind,
  BodyKind,
  Characterisation,
  Person,
  Phases,
  Prerequisite,
  Role,
  Stance,
} from './phases';
import {
  AgreementId,
  CeasefireId,
  CommitmentId,
  DeadlineId,
  GroupingId,
  IssueId,
  MeetingId,
  PhaseId,
  ProposalId,
  SubjectId,
} from './ids';
import { Confidence, Sources } from './provenance';
import { DateOrDateTime, Precision } from './time';

/** The payload of every event type, one codec each. The catalog is the single definition of the vocabulary. */

const Names = (name: string) => boundedArray(Name, name, 50);
const SomeNames = (name: string) => nonEmptyArray(Name, name, 50);

const BlameClaim = strictObject('BlameClaim', { by: Name, blames: Name, claim: Text });

/** Fields of an earlier event that a correction replaces. `payload`, when given, replaces the whole payload. */
export const CorrectedFields = strictObject(
  'CorrectedFields',
  {},
  {
    occurredAt: Name,
    precision: Precision,
    reportedAt: DateOrDateTime,
    sequence: PositiveNumber,
    summary: Text,
    confidence: Confidence,
    sources: Sources,
    payload: t.UnknownRecord,
  },
);
export type CorrectedFields = t.TypeOf<typeof CorrectedFields>;

const Parties = (name: string) => SomeNames(name);
const Issues = (name: string) => boundedArray(IssueId, name, 50);
const Deferral = strictObject('Deferral', { issueId: IssueId, toPhaseId: PhaseId });

export const EVENT_PAYLOADS = {
  // Process: the table, its venue and its rhythm
  NegotiationOpened: strictObject(
    'NegotiationOpened',
    { title: Text, parties: SomeNames('parties'), mediators: Names('mediators') },
    { description: Text },
  ),
  TalksOpened: strictObject(
    'TalksOpened',
    { venue: Name },
    {
      participants: Names('participants'),
      chairedBy: Name,
      format: oneOf('format', ['direct', 'indirect', 'proximity'] as const),
      description: Text,
    },
  ),
  TalksMoved: strictObject('TalksMoved', { venue: Name }, { from: Name, reason: Text }),
  ProposalTabled: strictObject(
    'ProposalTabled',
    { proposalId: ProposalId, author: Name, summary: Text },
    {
      conveyedBy: Names('conveyedBy'),
      phases: Phases,
      supersedes: ProposalId,
      jointlyWith: Names('jointlyWith'),
    },
  ),
  ProposalAnnounced: strictObject(
    'ProposalAnnounced',
    { proposalId: ProposalId, announcedBy: SomeNames('announcedBy'), summary: Text },
    { expectedBy: DateOrDateTime },
  ),
  ProposalEndorsed: strictObject(
    'ProposalEndorsed',
    { proposalId: ProposalId, endorsedBy: SomeNames('endorsedBy') },
    { bodyKind: BodyKind, details: Text },
  ),
  ResponseDelivered: strictObject(
    'ResponseDelivered',
    { proposalId: ProposalId, by: Name, stance: Stance },
    { via: Names('via'), details: Text },
  ),
  PositionShifted: strictObject(
    'PositionShifted',
    { party: Name, description: Text },
    {
      proposalId: ProposalId,
      issueId: IssueId,
      direction: oneOf('direction', ['softened', 'hardened'] as const),
    },
  ),
  DelegationSent: strictObject(
    'DelegationSent',
    { party: Name, venue: Name },
    { head: Person, mandate: Text, level: Name },
  ),
  DelegationRecalled: strictObject('DelegationRecalled', { party: Name }, { venue: Name, reason: Text }),
  TalksScheduled: strictObject(
    'TalksScheduled',
    { venues: SomeNames('venues'), scheduledFor: DateOrDateTime, participants: Names('participants') },
    { description: Text, meetingId: MeetingId },
  ),
  MeetingCancelled: strictObject(
    'MeetingCancelled',
    { reason: Text },
    { meetingId: MeetingId, scheduledFor: DateOrDateTime, cancelledBy: Name },
  ),
  TalksResumed: strictObject(
    'TalksResumed',
    { venue: Name },
    {
      participants: Names('participants'),
      format: oneOf('format', ['direct', 'indirect'] as const),
      focus: Text,
    },
  ),
  TalksStalled: strictObject(
    'TalksStalled',
    { reason: Text },
    { blameClaims: boundedArray(BlameClaim, 'blameClaims', 20) },
  ),
  TalksSuspended: strictObject('TalksSuspended', { reason: Text }, { suspendedBy: Name }),
  TalksCollapsed: strictObject('TalksCollapsed', { reason: Text }, { declaredBy: Name }),
  StatementIssued: strictObject(
    'StatementIssued',
    { by: SomeNames('by'), kind: oneOf('kind', ['joint', 'unilateral'] as const) },
    { characterisation: Characterisation, text: Text },
  ),
  LeadersSpoke: strictObject(
    'LeadersSpoke',
    { participants: SomeNames('participants'), topics: Names('topics') },
    { durationMinutes: PositiveNumber, medium: oneOf('medium', ['call', 'meeting'] as const) },
  ),
  // Deadlines
  DeadlineSet: strictObject(
    'DeadlineSet',
    { description: Text, deadline: DateOrDateTime },
    {
      setBy: Name,
      deadlineId: DeadlineId,
      replaces: DeadlineId,
      issueId: IssueId,
      phaseId: PhaseId,
      commitmentId: CommitmentId,
    },
  ),
  DeadlineExtended: strictObject(
    'DeadlineExtended',
    { deadlineId: DeadlineId, deadline: DateOrDateTime },
    { extendedBy: Name, reason: Text },
  ),
  DeadlineMet: strictObject('DeadlineMet', { deadlineId: DeadlineId }, { description: Text }),
  DeadlineMissed: strictObject('DeadlineMissed', { deadlineId: DeadlineId }, { reason: Text }),
  // Parties and roles
  PartyJoined: strictObject('PartyJoined', { party: Name }, { reason: Text }),
  PartyExcluded: strictObject('PartyExcluded', { party: Name, reason: Text }, { excludedBy: Name }),
  PartyLeft: strictObject('PartyLeft', { party: Name }, { reason: Text }),
  ParticipationSuspended: strictObject(
    'ParticipationSuspended',
    { party: Name, reason: Text },
    { agreementId: AgreementId },
  ),
  ParticipationResumed: strictObject('ParticipationResumed', { party: Name }, { reason: Text }),
  PartyWithdrewFromAgreement: strictObject(
    'PartyWithdrewFromAgreement',
    { party: Name, agreementId: AgreementId },
    { reason: Text },
  ),
  RoleAssigned: strictObject(
    'RoleAssigned',
    { party: Name, role: Role },
    { person: Person, description: Text },
  ),
  RoleEnded: strictObject('RoleEnded', { party: Name, role: Role }, { reason: Text }),
  GroupingFormed: strictObject(
    'GroupingFormed',
    { groupingId: GroupingId, name: Name, members: Parties('members') },
    { description: Text },
  ),
  // Issues
  IssueRaised: strictObject(
    'IssueRaised',
    { issueId: IssueId, title: Text, raisedBy: Name },
    {
      description: Text,
      blocksPhases: boundedArray(PhaseId, 'blocksPhases', 20),
      jointlyWith: Names('jointlyWith'),
    },
  ),
  PositionStated: strictObject('PositionStated', { issueId: IssueId, party: Name, position: Text }),
  IssueNarrowed: strictObject('IssueNarrowed', { issueId: IssueId, description: Text }),
  IssueResolved: strictObject('IssueResolved', { issueId: IssueId }, { resolution: Text }),
  IssueReopened: strictObject('IssueReopened', { issueId: IssueId }, { reason: Text }),
  IssueDeferred: strictObject('IssueDeferred', { issueId: IssueId, toPhaseId: PhaseId }, { reason: Text }),
  // Deal and phases
  FrameworkDefined: strictObject(
    'FrameworkDefined',
    { proposalId: ProposalId, phases: Phases },
    { agreementId: AgreementId },
  ),
  AgreementReached: strictObject(
    'AgreementReached',
    { scope: oneOf('scope', ['framework', 'phases'] as const), parties: SomeNames('parties') },
    {
      proposalId: ProposalId,
      phaseIds: boundedArray(PhaseId, 'phaseIds', 20),
      agreementId: AgreementId,
      kind: AgreementKind,
      title: Text,
      phases: Phases,
      settlesIssues: Issues('settlesIssues'),
      defersIssues: boundedArray(Deferral, 'defersIssues', 50),
      requiresRatificationBy: Names('requiresRatificationBy'),
      requiresSignature: t.boolean,
      supersedes: AgreementId,
      entersIntoForceOn: DateOrDateTime,
      awaitsEntryIntoForce: t.boolean,
      endsOn: DateOrDateTime,
      signingConditions: boundedArray(Prerequisite, 'signingConditions', 20),
    },
  ),
  TermExtended: strictObject(
    'TermExtended',
    { of: oneOf('of', ['agreement', 'ceasefire'] as const), id: Slug, endsOn: DateOrDateTime },
    { extendedBy: Names('extendedBy'), reason: Text },
  ),
  AgreementSigned: strictObject(
    'AgreementSigned',
    { agreementId: AgreementId, signatories: SomeNames('signatories') },
    { venue: Name },
  ),
  RatificationVoted: strictObject(
    'RatificationVoted',
    { agreementId: AgreementId, body: Name, outcome: oneOf('outcome', ['approved', 'rejected'] as const) },
    {
      bodyKind: BodyKind,
      votesFor: NonNegativeInteger,
      votesAgainst: NonNegativeInteger,
      abstentions: NonNegativeInteger,
      yesPercent: Percent,
      turnoutPercent: Percent,
    },
  ),
  RatificationScheduled: strictObject(
    'RatificationScheduled',
    { agreementId: AgreementId, body: Name, scheduledFor: DateOrDateTime },
    { bodyKind: BodyKind },
  ),
  AgreementEndorsed: strictObject(
    'AgreementEndorsed',
    { agreementId: AgreementId, endorsedBy: SomeNames('endorsedBy') },
    { bodyKind: BodyKind, details: Text },
  ),
  AgreementEnteredIntoForce: strictObject('AgreementEnteredIntoForce', { agreementId: AgreementId }),
  AgreementSuperseded: strictObject('AgreementSuperseded', {
    agreementId: AgreementId,
    supersededBy: AgreementId,
  }),
  PhaseScheduled: strictObject('PhaseScheduled', { phaseId: PhaseId, scheduledFor: DateOrDateTime }),
  PhaseStarted: strictObject('PhaseStarted', { phaseId: PhaseId }),
  PhaseCompleted: strictObject('PhaseCompleted', { phaseId: PhaseId }),
  PhaseLapsed: strictObject('PhaseLapsed', { phaseId: PhaseId, reason: Text }),
  PhaseSuspended: strictObject(
    'PhaseSuspended',
    { phaseId: PhaseId, reason: Text },
    { suspendedBy: Name, issueIds: Issues('issueIds') },
  ),
  PhaseResumed: strictObject('PhaseResumed', { phaseId: PhaseId }, { reason: Text }),
  PhaseTerminated: strictObject(
    'PhaseTerminated',
    { phaseId: PhaseId, reason: Text },
    { terminatedBy: Name },
  ),
  ProvisionImplemented: strictObject(
    'ProvisionImplemented',
    { phaseId: PhaseId, description: Text },
    { provisionId: Slug },
  ),
  CommitmentMade: strictObject(
    'CommitmentMade',
    { commitmentId: CommitmentId, parties: Parties('parties'), description: Text },
    { agreementId: AgreementId },
  ),
  ComplianceAssessed: strictObject(
    'ComplianceAssessed',
    {
      commitmentId: CommitmentId,
      assessedBy: Name,
      outcome: oneOf('outcome', ['met', 'partly-met', 'not-met'] as const),
    },
    { party: Name, description: Text },
  ),
  VerificationReported: strictObject('VerificationReported', {
    body: Name,
    subject: SubjectId,
    outcome: oneOf('outcome', ['verified', 'partly-verified', 'not-verified'] as const),
    description: Text,
  }),
  // The ground
  CeasefireDeclared: strictObject(
    'CeasefireDeclared',
    { ceasefireId: CeasefireId, declaredBy: SomeNames('declaredBy') },
    { scope: Text, terms: Text, endsOn: DateOrDateTime },
  ),
  CeasefireBrokeDown: strictObject(
    'CeasefireBrokeDown',
    { ceasefireId: CeasefireId, reason: Text },
    { endedBy: Name },
  ),
  ViolationReported: strictObject(
    'ViolationReported',
    { description: Text, allegedBy: Name },
    { phaseId: PhaseId, accused: Name, ceasefireId: CeasefireId },
  ),
  HostilitiesResumed: strictObject('HostilitiesResumed', { by: SomeNames('by'), description: Text }),
  HostilitiesEnded: strictObject('HostilitiesEnded', { by: SomeNames('by'), description: Text }),
  // Corrections
  EventCorrected: strictObject('EventCorrected', {
    targetEventId: Uuid,
    reason: Text,
    corrections: CorrectedFields,
  }),
  EventRetracted: strictObject('EventRetracted', { targetEventId: Uuid, reason: Text }),
} as const;

export type EventType = keyof typeof EVENT_PAYLOADS;
export const EVENT_TYPES = Object.keys(EVENT_PAYLOADS) as EventType[];
export const EventTypeCodec = oneOf('EventType', EVENT_TYPES);

export type PayloadOf<K extends EventType> = t.TypeOf<(typeof EVENT_PAYLOADS)[K]>;

/** Types whose events say something about an earlier event rather than about the world. */
export const isCorrectionType = (type: EventType): type is 'EventCorrected' | 'EventRetracted' =>
  type === 'EventCorrected' || type === 'EventRetracted';

/**
 * CAMEO codes (the GDELT event vocabulary) for the types that have a natural one, so exports can meet
 * GDELT-style datasets. Types without a CAMEO counterpart map to undefined.
 */
export const CAMEO_CODES: Record<EventType, string | undefined> = {
  NegotiationOpened: '036',
  TalksOpened: '046',
  TalksMoved: '046',
  ProposalTabled: '036',
  ProposalAnnounced: '036',
  ProposalEndorsed: '051',
  ResponseDelivered: '046',
  PositionShifted: '046',
  DelegationSent: '046',
  DelegationRecalled: '164',
  TalksScheduled: '036',
  MeetingCancelled: '164',
  TalksResumed: '046',
  TalksStalled: '164',
  TalksSuspended: '164',
  TalksCollapsed: '164',
  StatementIssued: '010',
  LeadersSpoke: '040',
  DeadlineSet: '130',
  DeadlineExtended: undefined,
  DeadlineMet: undefined,
  DeadlineMissed: undefined,
  PartyJoined: '046',
  PartyExcluded: '164',
  PartyLeft: '164',
  ParticipationSuspended: '164',
  ParticipationResumed: '046',
  PartyWithdrewFromAgreement: '164',
  RoleAssigned: undefined,
  RoleEnded: undefined,
  GroupingFormed: undefined,
  IssueRaised: '046',
  PositionStated: '010',
  IssueNarrowed: '046',
  IssueResolved: '057',
  IssueReopened: '046',
  IssueDeferred: '046',
  FrameworkDefined: '036',
  AgreementReached: '057',
  TermExtended: undefined,
  AgreementSigned: '057',
  RatificationVoted: undefined,
  RatificationScheduled: undefined,
  AgreementEndorsed: '051',
  AgreementEnteredIntoForce: '057',
  AgreementSuperseded: undefined,
  PhaseScheduled: '036',
  PhaseStarted: '0871',
  PhaseCompleted: '081',
  PhaseLapsed: undefined,
  PhaseSuspended: '164',
  PhaseResumed: '046',
  PhaseTerminated: '164',
  ProvisionImplemented: '081',
  CommitmentMade: '030',
  ComplianceAssessed: undefined,
  VerificationReported: undefined,
  CeasefireDeclared: '0871',
  CeasefireBrokeDown: '196',
  ViolationReported: '112',
  HostilitiesResumed: '190',
  HostilitiesEnded: '087',
  EventCorrected: undefined,
  EventRetracted: undefined,
};
