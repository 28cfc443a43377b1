import * as t from 'io-ts';
import {
  Name,
  PositiveNumber,
  Slug,
  Text,
  Uuid,
  boundedArray,
  nonEmptyArray,
  oneOf,
  strictObject,
} from './codecs';
import { Characterisation, Person, Phases, Stance } from './phases';
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
    summary: Text,
    confidence: Confidence,
    sources: Sources,
    payload: t.UnknownRecord,
  },
);
export type CorrectedFields = t.TypeOf<typeof CorrectedFields>;

export const EVENT_PAYLOADS = {
  // Process
  NegotiationOpened: strictObject(
    'NegotiationOpened',
    { title: Text, parties: SomeNames('parties'), mediators: Names('mediators') },
    { description: Text },
  ),
  ProposalTabled: strictObject(
    'ProposalTabled',
    { proposalId: Slug, author: Name, summary: Text },
    { conveyedBy: Names('conveyedBy'), phases: Phases, supersedes: Slug },
  ),
  ProposalAnnounced: strictObject(
    'ProposalAnnounced',
    { proposalId: Slug, announcedBy: SomeNames('announcedBy'), summary: Text },
    { expectedBy: DateOrDateTime },
  ),
  ProposalEndorsed: strictObject('ProposalEndorsed', {
    proposalId: Slug,
    endorsedBy: SomeNames('endorsedBy'),
  }),
  ResponseDelivered: strictObject(
    'ResponseDelivered',
    { proposalId: Slug, by: Name, stance: Stance },
    { via: Names('via'), details: Text },
  ),
  PositionShifted: strictObject(
    'PositionShifted',
    { party: Name, description: Text },
    { proposalId: Slug, issueId: Slug, direction: oneOf('direction', ['softened', 'hardened'] as const) },
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
    { description: Text },
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
  DeadlineSet: strictObject('DeadlineSet', { description: Text, deadline: DateOrDateTime }, { setBy: Name }),
  // Issues
  IssueRaised: strictObject(
    'IssueRaised',
    { issueId: Slug, title: Text, raisedBy: Name },
    { description: Text, blocksPhases: boundedArray(Slug, 'blocksPhases', 20) },
  ),
  PositionStated: strictObject('PositionStated', { issueId: Slug, party: Name, position: Text }),
  IssueNarrowed: strictObject('IssueNarrowed', { issueId: Slug, description: Text }),
  IssueResolved: strictObject('IssueResolved', { issueId: Slug }, { resolution: Text }),
  IssueReopened: strictObject('IssueReopened', { issueId: Slug }, { reason: Text }),
  // Deal and phases
  FrameworkDefined: strictObject('FrameworkDefined', { proposalId: Slug, phases: Phases }),
  AgreementReached: strictObject(
    'AgreementReached',
    { scope: oneOf('scope', ['framework', 'phases'] as const), parties: SomeNames('parties') },
    { proposalId: Slug, phaseIds: boundedArray(Slug, 'phaseIds', 20) },
  ),
  PhaseStarted: strictObject('PhaseStarted', { phaseId: Slug }),
  PhaseCompleted: strictObject('PhaseCompleted', { phaseId: Slug }),
  ProvisionImplemented: strictObject(
    'ProvisionImplemented',
    { phaseId: Slug, description: Text },
    { provisionId: Slug },
  ),
  ViolationReported: strictObject(
    'ViolationReported',
    { description: Text, allegedBy: Name },
    { phaseId: Slug, accused: Name },
  ),
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
  ProposalTabled: '036',
  ProposalAnnounced: '036',
  ProposalEndorsed: '051',
  ResponseDelivered: '046',
  PositionShifted: '046',
  DelegationSent: '046',
  DelegationRecalled: '164',
  TalksScheduled: '036',
  TalksResumed: '046',
  TalksStalled: '164',
  TalksSuspended: '164',
  TalksCollapsed: '164',
  StatementIssued: '010',
  LeadersSpoke: '040',
  DeadlineSet: '130',
  IssueRaised: '046',
  PositionStated: '010',
  IssueNarrowed: '046',
  IssueResolved: '057',
  IssueReopened: '046',
  FrameworkDefined: '036',
  AgreementReached: '057',
  PhaseStarted: '0871',
  PhaseCompleted: '081',
  ProvisionImplemented: '081',
  ViolationReported: '112',
  EventCorrected: undefined,
  EventRetracted: undefined,
};
