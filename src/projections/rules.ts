import { DevelopmentOfType, DevelopmentType, Evidence, entry } from './evidence';
import type { NegotiationState, SliceName } from './negotiation-state';
import * as agreements from './slices/agreements';
import * as conditions from './slices/conditions';
import * as deadlines from './slices/deadlines';
import * as ground from './slices/ground';
import * as issues from './slices/issues';
import * as parties from './slices/parties';
import * as phases from './slices/phases';
import * as proposals from './slices/proposals';
import * as statements from './slices/statements';
import * as talks from './slices/talks';
import { append } from './chain';

/** The slices one development changes, as fresh values; the appliers (copying or in place) write them. */
export type Patch = { readonly [K in SliceName]?: NegotiationState[K] };

export type Rule<T extends DevelopmentType> = (
  state: NegotiationState,
  event: DevelopmentOfType<T>,
  evidence: Evidence,
) => Patch;

const engaged = (state: NegotiationState, evidence: Evidence) => talks.engage(state.talks, evidence);

/** The delegations at the talks' venue, after the talks moved to `venue`. */
const followTalks = (state: NegotiationState, venue: string, evidence: Evidence) =>
  parties.delegationsFollow(state.parties, state.talks.venue?.name, venue, evidence);

/** Issues an agreement settles are resolved by it; those it defers block the phase they were deferred to. */
const settledAndDeferred = (
  state: NegotiationState,
  event: DevelopmentOfType<'AgreementReached'>,
  evidence: Evidence,
): issues.IssuesState => {
  const agreementId = agreements.agreementIdOf(event);
  const settled = (event.payload.settlesIssues ?? []).reduce(
    (all, issueId) =>
      issues.resolved(all, issueId, evidence, `settled by agreement ${agreementId}`, agreementId),
    state.issues,
  );
  return (event.payload.defersIssues ?? []).reduce(
    (all, { issueId, toPhaseId }) =>
      issues.deferred(all, issueId, toPhaseId, `deferred by agreement ${agreementId}`, evidence),
    settled,
  );
};

/** The proposal an agreement was made on follows the agreement's status. */
const PROPOSAL_STATUS_OF: Record<agreements.AgreementStatus, proposals.ProposalStatus | undefined> = {
  agreed: 'agreed',
  signed: 'signed',
  'in-force': 'signed',
  rejected: 'rejected',
  superseded: 'superseded',
  terminated: undefined,
  expired: undefined,
};

const afterAgreement = (
  state: NegotiationState,
  next: agreements.AgreementsState,
  agreementId: string,
  evidence: Evidence,
): Patch => {
  const agreement = entry(next.agreements, agreementId);
  const status = agreement === undefined ? undefined : PROPOSAL_STATUS_OF[agreement.status];
  const proposal =
    agreement?.proposalId === undefined ? undefined : entry(state.proposals.proposals, agreement.proposalId);
  // An agreement in force keeps its proposal "agreed" unless it was signed.
  const proposalStatus =
    agreement?.status === 'in-force' && agreement.signed === undefined ? 'agreed' : status;
  const rejectedNow =
    agreement?.status === 'rejected' &&
    entry(state.agreements.agreements, agreementId)?.status !== 'rejected';
  return {
    agreements: next,
    ...(rejectedNow ? { issues: issues.unsettled(state.issues, agreementId, evidence) } : {}),
    ...(proposalStatus === undefined || proposal?.status === proposalStatus
      ? {}
      : { proposals: proposals.moved(state.proposals, agreement?.proposalId, proposalStatus, evidence) }),
  };
};

/** A development that changes one agreement: the agreements after it, and the proposal that follows it. */
const onAgreement = (
  state: NegotiationState,
  agreementId: string,
  evidence: Evidence,
  change: (all: agreements.AgreementsState) => agreements.AgreementsState,
): Patch => afterAgreement(state, change(state.agreements), agreementId, evidence);

/** A party away from the table (gone or suspended): talks need two sides, so the last but one away suspends them. */
const awayFromTable = (
  state: NegotiationState,
  party: string,
  standing: 'left' | 'suspended',
  reason: string | undefined,
  why: string,
  evidence: Evidence,
): Patch => {
  const next = parties.standing(state.parties, party, standing, evidence, reason);
  const lastSideOut = parties.atTable(state.parties).length >= 2 && parties.atTable(next).length < 2;
  return {
    parties: next,
    ...(lastSideOut ? { talks: talks.setActivity(state.talks, 'suspended', why, evidence) } : {}),
  };
};

/**
 * One rule per development type: the single answer to "where is the rule for X". The table is a mapped type over
 * every development type, so a new type fails the build until its rule is written here.
 */
export const RULES: { readonly [T in DevelopmentType]: Rule<T> } = {
  // Process
  NegotiationOpened: (state, event, evidence) => ({
    talks: {
      ...state.talks,
      title: event.payload.title,
      ...(event.payload.description === undefined ? {} : { description: event.payload.description }),
    },
    parties: parties.opened(state.parties, event, evidence),
  }),
  TalksOpened: (state, event, evidence) => {
    const { venue, chairedBy, format } = event.payload;
    const resumed = talks.resume(state.talks, venue, event.payload.description ?? 'talks opened', evidence);
    const followed = followTalks(state, venue, evidence);
    return {
      talks: {
        ...resumed,
        opened: {
          ...evidence,
          venue,
          ...(chairedBy === undefined ? {} : { chairedBy }),
          ...(format === undefined ? {} : { format }),
        },
      },
      parties:
        chairedBy === undefined
          ? followed
          : parties.roleAssigned(followed, { party: chairedBy, role: 'chair' }, evidence),
    };
  },
  TalksMoved: (state, event, evidence) => ({
    talks: { ...engaged(state, evidence), venue: { name: event.payload.venue, since: evidence } },
    parties: followTalks(state, event.payload.venue, evidence),
  }),
  ProposalTabled: (state, event, evidence) => {
    const { proposalId, phases: defined, supersedes } = event.payload;
    return {
      proposals: proposals.tabled(state.proposals, event, evidence),
      talks: engaged(state, evidence),
      ...(defined === undefined && supersedes === undefined
        ? {}
        : { phases: phases.define(state.phases, defined ?? [], { proposalId }, evidence, supersedes) }),
    };
  },
  ProposalAnnounced: (state, event, evidence) => ({
    proposals: proposals.announced(state.proposals, event, evidence),
  }),
  ProposalEndorsed: (state, event, evidence) => ({
    proposals: proposals.endorsed(state.proposals, event, evidence),
  }),
  ResponseDelivered: (state, event, evidence) => ({
    proposals: proposals.responded(state.proposals, event, evidence),
    talks: engaged(state, evidence),
  }),
  PositionShifted: (state, event, evidence) => {
    const { issueId, party, description } = event.payload;
    return issueId === undefined
      ? {}
      : { issues: issues.positionTaken(state.issues, issueId, party, description, evidence) };
  },
  DelegationSent: (state, event, evidence) => ({
    parties: parties.delegationSent(state.parties, event, evidence),
    talks: { ...engaged(state, evidence), venue: { name: event.payload.venue, since: evidence } },
  }),
  DelegationRecalled: (state, event, evidence) => ({
    parties: parties.delegationRecalled(state.parties, event, evidence),
  }),
  TalksScheduled: (state, event, evidence) => {
    const next = engaged(state, evidence);
    return { talks: { ...next, scheduled: append(next.scheduled, talks.scheduledOf(event, evidence)) } };
  },
  MeetingCancelled: (state, event, evidence) => ({
    talks: {
      ...state.talks,
      cancellations: append(state.talks.cancellations, talks.cancellationOf(event, evidence)),
    },
  }),
  TalksResumed: (state, event, evidence) => ({
    talks: talks.resume(state.talks, event.payload.venue, event.payload.focus ?? 'talks resumed', evidence),
    parties: followTalks(state, event.payload.venue, evidence),
  }),
  TalksStalled: (state, event, evidence) => ({
    talks: {
      ...talks.setActivity(state.talks, 'stalled', event.payload.reason, evidence),
      blameClaims: talks.blamed(state.talks.blameClaims, event, evidence),
    },
  }),
  TalksSuspended: (state, event, evidence) => ({
    talks: talks.setActivity(state.talks, 'suspended', event.payload.reason, evidence),
  }),
  TalksCollapsed: (state, event, evidence) => {
    const { reason, declaredBy } = event.payload;
    return {
      talks: {
        ...talks.setActivity(state.talks, 'suspended', reason, evidence),
        collapsed: { ...evidence, reason, ...(declaredBy === undefined ? {} : { declaredBy }) },
      },
    };
  },
  StatementIssued: (state, event, evidence) => ({
    statements: statements.statementIssued(state.statements, event, evidence),
  }),
  LeadersSpoke: (state, event, evidence) => ({
    talks: {
      ...state.talks,
      leaderContacts: append(state.talks.leaderContacts, talks.contactOf(event, evidence)),
    },
  }),
  // Deadlines
  DeadlineSet: (state, event, evidence) => ({
    deadlines: deadlines.deadlineSet(state.deadlines, event, evidence),
  }),
  DeadlineExtended: (state, event, evidence) => ({
    deadlines: deadlines.deadlineExtended(state.deadlines, event, evidence),
  }),
  DeadlineMet: (state, event, evidence) => ({
    deadlines: deadlines.deadlineClosed(
      state.deadlines,
      event.payload.deadlineId,
      'met',
      evidence,
      event.payload.description,
    ),
  }),
  DeadlineMissed: (state, event, evidence) => ({
    deadlines: deadlines.deadlineClosed(
      state.deadlines,
      event.payload.deadlineId,
      'missed',
      evidence,
      event.payload.reason,
    ),
  }),
  // Parties and roles
  PartyJoined: (state, event, evidence) => ({
    parties: parties.standing(state.parties, event.payload.party, 'at-table', evidence, event.payload.reason),
    talks: engaged(state, evidence),
  }),
  PartyExcluded: (state, event, evidence) => ({
    parties: parties.standing(state.parties, event.payload.party, 'excluded', evidence, event.payload.reason),
  }),
  PartyLeft: (state, event, evidence) =>
    awayFromTable(
      state,
      event.payload.party,
      'left',
      event.payload.reason,
      `${event.payload.party} left the talks`,
      evidence,
    ),
  ParticipationSuspended: (state, event, evidence) =>
    awayFromTable(
      state,
      event.payload.party,
      'suspended',
      event.payload.reason,
      `${event.payload.party} suspended its participation`,
      evidence,
    ),
  ParticipationResumed: (state, event, evidence) => {
    const { party, reason } = event.payload;
    const next = parties.standing(state.parties, party, 'at-table', evidence, reason);
    // Talks suspended by a party's suspension resume with it, once two sides are back at the table.
    const resumed =
      state.talks.activity === 'suspended' &&
      state.talks.activitySince?.type === 'ParticipationSuspended' &&
      parties.atTable(next).length >= 2;
    return {
      parties: next,
      ...(resumed
        ? { talks: talks.setActivity(state.talks, 'active', `${party} resumed its participation`, evidence) }
        : {}),
    };
  },
  PartyWithdrewFromAgreement: (state, event, evidence) =>
    onAgreement(state, event.payload.agreementId, evidence, (all) =>
      agreements.withdrawn(all, event, evidence),
    ),
  RoleAssigned: (state, event, evidence) => ({
    parties: parties.roleAssigned(state.parties, event.payload, evidence),
  }),
  RoleEnded: (state, event, evidence) => ({ parties: parties.roleEnded(state.parties, event, evidence) }),
  GroupingFormed: (state, event, evidence) => ({
    parties: parties.groupingFormed(state.parties, event, evidence),
  }),
  // Issues
  IssueRaised: (state, event, evidence) => ({ issues: issues.raised(state.issues, event, evidence) }),
  PositionStated: (state, event, evidence) => {
    const { issueId, party, position } = event.payload;
    return { issues: issues.positionTaken(state.issues, issueId, party, position, evidence) };
  },
  IssueNarrowed: (state, event, evidence) => ({ issues: issues.narrowed(state.issues, event, evidence) }),
  IssueResolved: (state, event, evidence) => ({
    issues: issues.resolved(state.issues, event.payload.issueId, evidence, event.payload.resolution),
  }),
  IssueReopened: (state, event, evidence) => ({
    issues: issues.reopened(state.issues, event.payload.issueId, evidence),
  }),
  IssueDeferred: (state, event, evidence) => ({
    issues: issues.deferred(
      state.issues,
      event.payload.issueId,
      event.payload.toPhaseId,
      event.payload.reason,
      evidence,
    ),
  }),
  // Deal and phases
  FrameworkDefined: (state, event, evidence) => {
    const { proposalId, phases: defined, agreementId } = event.payload;
    return {
      phases: phases.define(
        state.phases,
        defined,
        { proposalId, ...(agreementId === undefined ? {} : { agreementId }) },
        evidence,
      ),
    };
  },
  AgreementReached: (state, event, evidence) => {
    const agreementId = agreements.agreementIdOf(event);
    const { phases: defined, proposalId, supersedes } = event.payload;
    let next = agreements.reached(state.agreements, event, evidence);
    if (supersedes !== undefined) next = agreements.superseded(next, supersedes, agreementId, evidence);
    // An agreement is the talks' latest activity: their reason names it, not a resumption years before.
    const talksAfter = talks.setActivity(
      engaged(state, evidence),
      'active',
      `agreement ${agreementId} reached`,
      evidence,
    );
    const { collapsed: _collapsed, ...reopened } = talksAfter;
    return {
      ...afterAgreement(state, next, agreementId, evidence),
      talks: reopened,
      issues: settledAndDeferred(state, event, evidence),
      ...(defined === undefined
        ? {}
        : {
            phases: phases.define(
              state.phases,
              defined,
              { agreementId, ...(proposalId === undefined ? {} : { proposalId }) },
              evidence,
            ),
          }),
    };
  },
  AgreementSigned: (state, event, evidence) =>
    onAgreement(state, event.payload.agreementId, evidence, (all) => agreements.signed(all, event, evidence)),
  RatificationVoted: (state, event, evidence) =>
    onAgreement(state, event.payload.agreementId, evidence, (all) => agreements.voted(all, event, evidence)),
  TermExtended: (state, event, evidence) =>
    event.payload.of === 'agreement'
      ? onAgreement(state, event.payload.id, evidence, (all) => agreements.termExtended(all, event, evidence))
      : { ground: ground.ceasefireTermExtended(state.ground, event, evidence) },
  RatificationScheduled: (state, event, evidence) =>
    onAgreement(state, event.payload.agreementId, evidence, (all) =>
      agreements.voteScheduled(all, event, evidence),
    ),
  AgreementEndorsed: (state, event, evidence) =>
    onAgreement(state, event.payload.agreementId, evidence, (all) =>
      agreements.endorsed(all, event, evidence),
    ),
  AgreementEnteredIntoForce: (state, event, evidence) =>
    onAgreement(state, event.payload.agreementId, evidence, (all) =>
      agreements.inForce(all, event.payload.agreementId, evidence),
    ),
  AgreementSuperseded: (state, event, evidence) => {
    const { agreementId, supersededBy } = event.payload;
    return onAgreement(state, agreementId, evidence, (all) =>
      agreements.superseded(all, agreementId, supersededBy, evidence),
    );
  },
  PhaseScheduled: (state, event, evidence) => ({
    phases: phases.updateProgress(state.phases, event.payload.phaseId, evidence, (current) => ({
      ...current,
      scheduledFor: { date: event.payload.scheduledFor, evidence },
    })),
  }),
  PhaseStarted: (state, event, evidence) => ({
    phases: phases.started(state.phases, event.payload.phaseId, evidence),
  }),
  PhaseCompleted: (state, event, evidence) => ({
    phases: phases.ended(state.phases, event.payload.phaseId, 'completed', evidence),
  }),
  PhaseLapsed: (state, event, evidence) => ({
    phases: phases.ended(state.phases, event.payload.phaseId, 'lapsed', evidence, event.payload.reason),
  }),
  PhaseSuspended: (state, event, evidence) => {
    const { phaseId, reason, suspendedBy, issueIds } = event.payload;
    return {
      phases: phases.suspended(state.phases, phaseId, {
        suspended: evidence,
        reason,
        ...(suspendedBy === undefined ? {} : { suspendedBy }),
        ...(issueIds === undefined ? {} : { issueIds }),
      }),
    };
  },
  PhaseResumed: (state, event, evidence) => ({
    phases: phases.resumed(state.phases, event.payload.phaseId, evidence),
  }),
  PhaseTerminated: (state, event, evidence) => ({
    phases: phases.ended(
      state.phases,
      event.payload.phaseId,
      'terminated',
      evidence,
      event.payload.reason,
      event.payload.terminatedBy,
    ),
  }),
  ProvisionImplemented: (state, event, evidence) => {
    const { phaseId, provisionId, description } = event.payload;
    return {
      phases: phases.updateProgress(state.phases, phaseId, evidence, (current) => ({
        ...current,
        provisionsImplemented: append(current.provisionsImplemented, {
          description,
          evidence,
          ...(provisionId === undefined ? {} : { provisionId }),
        }),
      })),
    };
  },
  CommitmentMade: (state, event, evidence) => ({
    conditions: conditions.commitmentMade(state.conditions, event, evidence),
  }),
  ComplianceAssessed: (state, event, evidence) => ({
    conditions: conditions.complianceAssessed(state.conditions, event, evidence),
  }),
  VerificationReported: (state, event, evidence) => ({
    conditions: conditions.verificationReported(state.conditions, event, evidence),
  }),
  // The ground
  CeasefireDeclared: (state, event, evidence) => ({
    ground: ground.ceasefireDeclared(state.ground, event, evidence),
  }),
  CeasefireBrokeDown: (state, event, evidence) => ({
    ground: ground.ceasefireBrokeDown(state.ground, event, evidence),
  }),
  ViolationReported: (state, event, evidence) => {
    const { phaseId } = event.payload;
    return {
      ground: ground.violationReported(state.ground, event, evidence),
      ...(phaseId === undefined
        ? {}
        : {
            phases: phases.updateProgress(state.phases, phaseId, evidence, (current) => ({
              ...current,
              violations: current.violations + 1,
            })),
          }),
    };
  },
  HostilitiesResumed: (state, event, evidence) => ({
    ground: ground.hostilities(state.ground, event, evidence),
  }),
  HostilitiesEnded: (state, event, evidence) => ({
    ground: ground.hostilities(state.ground, event, evidence),
  }),
};
