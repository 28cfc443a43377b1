import { Phase, Prerequisite, endOfDateOrDateTime } from '../domain';
import { AsOfResult } from './as-of';
import { Chain, latest as latestOf, sizeOf, toArray } from './chain';
import {
  CharacterisationRecord,
  Evidence,
  IssueState,
  NegotiationState,
  PartyStance,
  ProposalState,
} from './negotiation-state';

/**
 * Read models derived from the folded state. Pure functions of an as-of result, shaped for the API. Histories
 * kept in the state (contacts, blame, moves) are shown as their most recent items with a total, so an answer's
 * size does not grow with the length of the negotiation.
 */

export const RECENT_ITEMS = 10;

const uncertainty = ({ uncertain, uncertainCount }: AsOfResult) => ({ uncertain, uncertainCount });

type ItemOf<C> = NonNullable<C> extends Chain<infer T> ? T : never;
const recent = <C extends Chain<unknown> | undefined>(chain: C): Array<ItemOf<C>> =>
  latestOf(chain, RECENT_ITEMS) as Array<ItemOf<C>>;

/**
 * A proposal as answered: its most recent endorsements with their total, and each party's latest stance as a
 * list (stanceList).
 */
export type ProposalView = Omit<ProposalState, 'endorsements' | 'stances'> & {
  readonly endorsements: ReadonlyArray<ItemOf<ProposalState['endorsements']>>;
  readonly endorsementCount: number;
  readonly stanceList: readonly PartyStance[];
};

const proposalView = ({ stances, endorsements, ...proposal }: ProposalState): ProposalView => ({
  ...proposal,
  endorsements: recent(endorsements),
  endorsementCount: sizeOf(endorsements),
  stanceList: Object.values(stances),
});

export interface StatusView {
  readonly title?: string;
  readonly parties: readonly string[];
  readonly mediators: readonly string[];
  readonly stage: NegotiationState['stage'];
  readonly stageSince?: Evidence;
  readonly activity: NegotiationState['activity'];
  readonly activitySince?: Evidence;
  readonly activityReason?: string;
  readonly venue?: NegotiationState['venue'];
  readonly delegations: ReadonlyArray<NegotiationState['delegations'][string]>;
  readonly recalledDelegations: ReadonlyArray<NegotiationState['recalledDelegations'][string]>;
  readonly latestProposal?: ProposalView;
  readonly announcedProposals: readonly ProposalView[];
  readonly characterisations: readonly CharacterisationRecord[];
  /** The most recent blame claims, leader contacts and deadlines, with their totals. */
  readonly blameClaims: ReadonlyArray<ItemOf<NegotiationState['blameClaims']>>;
  readonly blameClaimCount: number;
  /** Talks scheduled for the asked date or later (among the most recently scheduled). */
  readonly upcomingTalks: ReadonlyArray<ItemOf<NegotiationState['scheduledTalks']>>;
  readonly leaderContacts: ReadonlyArray<ItemOf<NegotiationState['leaderContacts']>>;
  readonly leaderContactCount: number;
  readonly deadlines: ReadonlyArray<ItemOf<NegotiationState['deadlines']>>;
  readonly openIssueCount: number;
  readonly lastDevelopment?: NegotiationState['lastDevelopment'];
  readonly developmentCount: number;
  readonly uncertain: readonly Evidence[];
  readonly uncertainCount: number;
}

const byOccurrence = (a: { evidence: Evidence }, b: { evidence: Evidence }) =>
  a.evidence.occurredAt < b.evidence.occurredAt ? 1 : a.evidence.occurredAt > b.evidence.occurredAt ? -1 : 0;

const isOpen = (issue: IssueState) => issue.state !== 'resolved';

export const statusView = (result: AsOfResult, asOfMs: number): StatusView => {
  const { state } = result;
  const latest = state.latestProposalId === undefined ? undefined : state.proposals[state.latestProposalId];
  return {
    ...(state.title === undefined ? {} : { title: state.title }),
    parties: state.parties,
    mediators: state.mediators,
    stage: state.stage,
    ...(state.stageSince === undefined ? {} : { stageSince: state.stageSince }),
    activity: state.activity,
    ...(state.activitySince === undefined ? {} : { activitySince: state.activitySince }),
    ...(state.activityReason === undefined ? {} : { activityReason: state.activityReason }),
    ...(state.venue === undefined ? {} : { venue: state.venue }),
    delegations: Object.values(state.delegations),
    recalledDelegations: Object.values(state.recalledDelegations),
    ...(latest === undefined ? {} : { latestProposal: proposalView(latest) }),
    announcedProposals: Object.values(state.proposals)
      .filter((proposal) => proposal.status === 'announced')
      .map(proposalView),
    characterisations: [...Object.values(state.characterisations)].sort(byOccurrence),
    blameClaims: recent(state.blameClaims),
    blameClaimCount: sizeOf(state.blameClaims),
    upcomingTalks: recent(state.scheduledTalks).filter(
      (talks) => endOfDateOrDateTime(talks.scheduledFor) >= asOfMs - 86_400_000,
    ),
    leaderContacts: recent(state.leaderContacts),
    leaderContactCount: sizeOf(state.leaderContacts),
    deadlines: recent(state.deadlines),
    openIssueCount: Object.values(state.issues).filter(isOpen).length,
    ...(state.lastDevelopment === undefined ? {} : { lastDevelopment: state.lastDevelopment }),
    developmentCount: state.developmentCount,
    ...uncertainty(result),
  };
};

export type IssueView = Omit<IssueState, 'movedBy' | 'narrowings'> & {
  readonly positionList: ReadonlyArray<{ party: string; position: string; evidence: Evidence }>;
  readonly blocks: readonly string[];
  readonly narrowings: ReadonlyArray<ItemOf<IssueState['narrowings']>>;
  /** The most recent events that moved the issue, and how many did in all. */
  readonly movedBy: readonly Evidence[];
  readonly movedByCount: number;
};

export interface IssuesView {
  readonly issues: ReadonlyArray<IssueView>;
  readonly counts: Readonly<Record<IssueState['state'], number>>;
  readonly uncertain: readonly Evidence[];
  readonly uncertainCount: number;
}

/** Phases an issue blocks: those it names, plus phases whose prerequisites require it resolved. */
const phasesBlockedBy = (issue: IssueState, phases: readonly Phase[]): string[] => {
  const named = new Set(issue.blocksPhases);
  for (const phase of phases)
    if (phase.prerequisites.some((p) => p.kind === 'issue-resolved' && p.issueId === issue.issueId))
      named.add(phase.phaseId);
  return [...named].sort();
};

/** Every issue with its state; `onlyOpen` drops the resolved ones. */
export const issuesView = (result: AsOfResult, onlyOpen = false): IssuesView => {
  const { state } = result;
  const phases = state.framework?.phases ?? [];
  const all = Object.values(state.issues);
  const counts = { open: 0, narrowed: 0, resolved: 0, reopened: 0 };
  for (const issue of all) counts[issue.state] += 1;
  return {
    issues: all
      .filter((issue) => !onlyOpen || isOpen(issue))
      .map((issue): IssueView => ({
        ...issue,
        positionList: Object.entries(issue.positions).map(([party, value]) => ({ party, ...value })),
        blocks: isOpen(issue) ? phasesBlockedBy(issue, phases) : [],
        narrowings: recent(issue.narrowings),
        movedBy: recent(issue.movedBy),
        movedByCount: sizeOf(issue.movedBy),
      })),
    counts,
    ...uncertainty(result),
  };
};

export type PhaseStateName = 'blocked' | 'ready' | 'in-progress' | 'completed';

export interface PrerequisiteStatus {
  readonly prerequisite: Prerequisite;
  readonly description: string;
  /** 'phase' when the phase definition lists it; 'issue' when an open issue declares that it blocks the phase. */
  readonly origin: 'phase' | 'issue';
  readonly met: boolean;
  readonly since?: Evidence;
  readonly detail?: string;
}

export interface PhaseReadiness {
  readonly phaseId: string;
  readonly name: string;
  readonly order: number;
  readonly duration?: string;
  readonly provisions: Phase['provisions'];
  readonly state: PhaseStateName;
  readonly prerequisites: readonly PrerequisiteStatus[];
  readonly blocking: readonly PrerequisiteStatus[];
  readonly started?: Evidence;
  readonly completed?: Evidence;
  readonly provisionsImplemented: number;
  readonly violations: number;
}

export interface PhasesView {
  readonly proposalId?: string;
  readonly definedBy?: Evidence;
  readonly phases: readonly PhaseReadiness[];
  readonly uncertain: readonly Evidence[];
  readonly uncertainCount: number;
}

const evaluate = (
  state: NegotiationState,
  phase: Phase,
  frameworkProposalId: string,
  prerequisite: Prerequisite,
): Omit<PrerequisiteStatus, 'origin'> => {
  switch (prerequisite.kind) {
    case 'agreement': {
      const agreement = toArray(state.agreements).find(
        (a) =>
          (a.scope === 'framework' && (a.proposalId === undefined || a.proposalId === frameworkProposalId)) ||
          (a.scope === 'phases' && a.phaseIds.includes(phase.phaseId)),
      );
      return {
        prerequisite,
        description: `agreement covering ${phase.phaseId}`,
        met: agreement !== undefined,
        ...(agreement === undefined
          ? {}
          : { since: agreement.evidence, detail: `agreed by ${agreement.parties.join(', ')}` }),
      };
    }
    case 'phase-started':
    case 'phase-completed': {
      const progress = state.phaseProgress[prerequisite.phaseId];
      const since = prerequisite.kind === 'phase-started' ? progress?.started : progress?.completed;
      return {
        prerequisite,
        description: `${prerequisite.phaseId} ${prerequisite.kind === 'phase-started' ? 'started' : 'completed'}`,
        met: since !== undefined,
        ...(since === undefined ? {} : { since }),
      };
    }
    case 'issue-resolved': {
      const issue = state.issues[prerequisite.issueId];
      const resolved = issue?.state === 'resolved';
      return {
        prerequisite,
        description: `issue ${prerequisite.issueId} resolved${issue?.title ? ` (${issue.title})` : ''}`,
        met: resolved,
        ...(resolved ? { since: issue.stateSince } : {}),
        detail: issue === undefined ? 'issue not raised yet' : `issue is ${issue.state}`,
      };
    }
    case 'accepted-by': {
      const proposalId = prerequisite.proposalId ?? frameworkProposalId;
      const stance = state.proposals[proposalId]?.stances[prerequisite.party];
      const met = stance?.stance === 'accepted';
      return {
        prerequisite,
        description: `${prerequisite.party} accepts ${proposalId}`,
        met,
        ...(met ? { since: stance.evidence } : {}),
        detail: stance === undefined ? 'no response recorded' : `latest stance: ${stance.stance}`,
      };
    }
    default: {
      const exhaustive: never = prerequisite;
      return exhaustive;
    }
  }
};

export const phasesView = (result: AsOfResult): PhasesView => {
  const { state } = result;
  const framework = state.framework;
  if (framework === undefined) return { phases: [], ...uncertainty(result) };
  const openIssues = Object.values(state.issues).filter(isOpen);
  const phases = [...framework.phases]
    .sort((a, b) => a.order - b.order)
    .map((phase): PhaseReadiness => {
      const declared = phase.prerequisites.map((p) => ({
        ...evaluate(state, phase, framework.proposalId, p),
        origin: 'phase' as const,
      }));
      const declaredIssues = new Set(
        phase.prerequisites.flatMap((p) => (p.kind === 'issue-resolved' ? [p.issueId] : [])),
      );
      const fromIssues = openIssues
        .filter((issue) => issue.blocksPhases.includes(phase.phaseId) && !declaredIssues.has(issue.issueId))
        .map((issue) => ({
          ...evaluate(state, phase, framework.proposalId, { kind: 'issue-resolved', issueId: issue.issueId }),
          origin: 'issue' as const,
        }));
      const prerequisites = [...declared, ...fromIssues];
      const blocking = prerequisites.filter((p) => !p.met);
      const progress = state.phaseProgress[phase.phaseId];
      const phaseState: PhaseStateName = progress?.completed
        ? 'completed'
        : progress?.started
          ? 'in-progress'
          : blocking.length === 0
            ? 'ready'
            : 'blocked';
      return {
        phaseId: phase.phaseId,
        name: phase.name,
        order: phase.order,
        ...(phase.duration === undefined ? {} : { duration: phase.duration }),
        provisions: phase.provisions,
        state: phaseState,
        prerequisites,
        blocking,
        ...(progress?.started ? { started: progress.started } : {}),
        ...(progress?.completed ? { completed: progress.completed } : {}),
        provisionsImplemented: sizeOf(progress?.provisionsImplemented),
        violations: sizeOf(progress?.violations),
      };
    });
  return {
    proposalId: framework.proposalId,
    definedBy: framework.evidence,
    phases,
    ...uncertainty(result),
  };
};
