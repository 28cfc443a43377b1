import { Chain, append } from './chain';
import {
  Attribution,
  Characterisation,
  EventType,
  LeanEvent,
  NewEvent,
  Person,
  Phase,
  Precision,
  Stance,
} from '../domain';

/** A pointer to the development that established a fact, with when it occurred. */
export interface Evidence {
  readonly eventId: string;
  readonly type: EventType;
  readonly occurredAt: string;
  readonly precision: Precision;
}

/** A development as the folds see it: a reported event with its id, after corrections and retractions. */
/** The types that describe the world (as opposed to corrections and retractions of earlier reports). */
export type DevelopmentType = Exclude<EventType, 'EventCorrected' | 'EventRetracted'>;

/**
 * A development as the folds see it: a recorded event of a development type, after corrections and retractions.
 * Of its sources only the attributions are needed, so lean events (without the sources' words) fold the same.
 */
export type Development = DistributiveOmit<Extract<NewEvent, { type: DevelopmentType }>, 'sources'> & {
  readonly id: string;
  readonly sources: LeanEvent['sources'];
};

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export const STAGES = [
  'pre-negotiation',
  'negotiating',
  'framework-agreed',
  'implementing',
  'concluded',
  'collapsed',
] as const;
export type Stage = (typeof STAGES)[number];
export const ACTIVITIES = ['active', 'stalled', 'suspended'] as const;
export type Activity = (typeof ACTIVITIES)[number];

export interface Delegation {
  readonly party: string;
  readonly venue: string;
  readonly head?: Person;
  readonly level?: string;
  readonly mandate?: string;
  readonly since: Evidence;
}

export interface RecalledDelegation {
  readonly party: string;
  readonly venue?: string;
  readonly reason?: string;
  readonly recalled: Evidence;
}

export interface PartyStance {
  readonly party: string;
  readonly stance: Stance;
  readonly via: readonly string[];
  readonly details?: string;
  readonly evidence: Evidence;
}

export interface ProposalState {
  readonly proposalId: string;
  readonly status: 'announced' | 'tabled' | 'mentioned';
  readonly author?: string;
  readonly summary?: string;
  readonly conveyedBy: readonly string[];
  readonly tabled?: Evidence;
  readonly announced?: Evidence;
  readonly endorsements: Chain<{ readonly by: readonly string[]; readonly evidence: Evidence }> | undefined;
  readonly stances: Readonly<Record<string, PartyStance>>;
}

export interface CharacterisationRecord {
  readonly by: readonly string[];
  readonly kind: 'joint' | 'unilateral';
  readonly characterisation: Characterisation;
  readonly text?: string;
  readonly attributedTo: readonly Attribution[];
  readonly evidence: Evidence;
}

export const ISSUE_STATES = ['open', 'narrowed', 'resolved', 'reopened'] as const;
export type IssueStateName = (typeof ISSUE_STATES)[number];

export interface IssueState {
  readonly issueId: string;
  readonly title?: string;
  readonly description?: string;
  readonly raisedBy?: string;
  readonly raised?: Evidence;
  readonly state: IssueStateName;
  readonly stateSince: Evidence;
  readonly positions: Readonly<Record<string, { readonly position: string; readonly evidence: Evidence }>>;
  readonly narrowings: Chain<{ readonly description: string; readonly evidence: Evidence }> | undefined;
  readonly resolution?: string;
  readonly blocksPhases: readonly string[];
  readonly movedBy: Chain<Evidence> | undefined;
}

export interface Agreement {
  readonly scope: 'framework' | 'phases';
  readonly parties: readonly string[];
  readonly proposalId?: string;
  readonly phaseIds: readonly string[];
  readonly evidence: Evidence;
}

export interface PhaseProgress {
  readonly started?: Evidence;
  readonly completed?: Evidence;
  readonly provisionsImplemented:
    | Chain<{
        readonly provisionId?: string;
        readonly description: string;
        readonly evidence: Evidence;
      }>
    | undefined;
  readonly violations:
    | Chain<{
        readonly description: string;
        readonly allegedBy: string;
        readonly accused?: string;
        readonly evidence: Evidence;
      }>
    | undefined;
}

/** Everything the status, issues and phase views are derived from. Built only by `evolve`. */
export interface NegotiationState {
  readonly title?: string;
  readonly parties: readonly string[];
  readonly mediators: readonly string[];
  readonly stage: Stage;
  readonly stageSince?: Evidence;
  readonly activity: Activity;
  readonly activitySince?: Evidence;
  readonly activityReason?: string;
  readonly blameClaims:
    | Chain<{
        readonly by: string;
        readonly blames: string;
        readonly claim: string;
        readonly evidence: Evidence;
      }>
    | undefined;
  readonly venue?: { readonly name: string; readonly since: Evidence };
  readonly delegations: Readonly<Record<string, Delegation>>;
  readonly recalledDelegations: Readonly<Record<string, RecalledDelegation>>;
  readonly proposals: Readonly<Record<string, ProposalState>>;
  readonly latestProposalId?: string;
  readonly framework?: {
    readonly proposalId: string;
    readonly phases: readonly Phase[];
    readonly evidence: Evidence;
  };
  readonly characterisations: Readonly<Record<string, CharacterisationRecord>>;
  readonly scheduledTalks:
    | Chain<{
        readonly venues: readonly string[];
        readonly scheduledFor: string;
        readonly participants: readonly string[];
        readonly description?: string;
        readonly evidence: Evidence;
      }>
    | undefined;
  readonly deadlines:
    | Chain<{
        readonly description: string;
        readonly deadline: string;
        readonly setBy?: string;
        readonly evidence: Evidence;
      }>
    | undefined;
  readonly leaderContacts:
    | Chain<{
        readonly participants: readonly string[];
        readonly topics: readonly string[];
        readonly durationMinutes?: number;
        readonly evidence: Evidence;
      }>
    | undefined;
  readonly issues: Readonly<Record<string, IssueState>>;
  readonly agreements: Chain<Agreement> | undefined;
  readonly phaseProgress: Readonly<Record<string, PhaseProgress>>;
  readonly lastDevelopment?: Evidence & { readonly summary?: string };
  readonly developmentCount: number;
}

export const initialState: NegotiationState = {
  parties: [],
  mediators: [],
  stage: 'pre-negotiation',
  activity: 'active',
  blameClaims: undefined,
  delegations: {},
  recalledDelegations: {},
  proposals: {},
  characterisations: {},
  scheduledTalks: undefined,
  deadlines: undefined,
  leaderContacts: undefined,
  issues: {},
  agreements: undefined,
  phaseProgress: {},
  developmentCount: 0,
};

export const evidenceOf = (event: Development): Evidence => ({
  eventId: event.id,
  type: event.type,
  occurredAt: event.occurredAt,
  precision: event.precision,
});

const STAGE_RANK: Record<Stage, number> = {
  'pre-negotiation': 0,
  negotiating: 1,
  'framework-agreed': 2,
  implementing: 3,
  concluded: 4,
  collapsed: 1,
};

/** Moves the stage forward only: a later report of an earlier kind of development does not undo progress. */
const advanceStage = (state: NegotiationState, stage: Stage, evidence: Evidence): NegotiationState =>
  state.stage === 'collapsed' || STAGE_RANK[stage] > STAGE_RANK[state.stage]
    ? { ...state, stage, stageSince: evidence }
    : state;

const proposal = (state: NegotiationState, proposalId: string): ProposalState =>
  state.proposals[proposalId] ?? {
    proposalId,
    status: 'mentioned',
    conveyedBy: [],
    endorsements: undefined,
    stances: {},
  };

const withProposal = (state: NegotiationState, next: ProposalState): NegotiationState => ({
  ...state,
  proposals: { ...state.proposals, [next.proposalId]: next },
});

const issue = (state: NegotiationState, issueId: string, evidence: Evidence): IssueState =>
  state.issues[issueId] ?? {
    issueId,
    state: 'open',
    stateSince: evidence,
    positions: {},
    narrowings: undefined,
    blocksPhases: [],
    movedBy: undefined,
  };

const withIssue = (state: NegotiationState, next: IssueState, evidence: Evidence): NegotiationState => ({
  ...state,
  issues: { ...state.issues, [next.issueId]: { ...next, movedBy: append(next.movedBy, evidence) } },
});

const progress = (state: NegotiationState, phaseId: string): PhaseProgress =>
  state.phaseProgress[phaseId] ?? { provisionsImplemented: undefined, violations: undefined };

const withProgress = (state: NegotiationState, phaseId: string, next: PhaseProgress): NegotiationState => ({
  ...state,
  phaseProgress: { ...state.phaseProgress, [phaseId]: next },
});

const allPhasesCompleted = (state: NegotiationState): boolean =>
  state.framework !== undefined &&
  state.framework.phases.every((phase) => state.phaseProgress[phase.phaseId]?.completed !== undefined);

/**
 * The fold: the state after one more development, in occurrence order. Pure and total; an event that refers to
 * something not yet seen (reports arrive out of order) creates a placeholder instead of failing.
 */
export const evolve = (state: NegotiationState, event: Development): NegotiationState => {
  const evidence = evidenceOf(event);
  const next = applyDevelopment(state, event, evidence);
  const counters = {
    developmentCount: state.developmentCount + 1,
    lastDevelopment: event.summary === undefined ? evidence : { ...evidence, summary: event.summary },
  };
  // applyDevelopment returns its input unchanged or a fresh copy that nothing else holds yet; the copy can take
  // the counters in place, which saves a second copy of the whole state per event (replays fold millions).
  return next === state
    ? { ...state, ...counters }
    : Object.assign(next as { -readonly [K in keyof NegotiationState]: NegotiationState[K] }, counters);
};

const applyDevelopment = (
  state: NegotiationState,
  event: Development,
  evidence: Evidence,
): NegotiationState => {
  switch (event.type) {
    case 'NegotiationOpened': {
      const { title, parties, mediators } = event.payload;
      return { ...state, title, parties, mediators };
    }
    case 'ProposalTabled': {
      const { proposalId, author, summary, conveyedBy, phases } = event.payload;
      const tabled = withProposal(state, {
        ...proposal(state, proposalId),
        status: 'tabled',
        author,
        summary,
        conveyedBy: conveyedBy ?? [],
        tabled: evidence,
      });
      const withFramework = phases ? { ...tabled, framework: { proposalId, phases, evidence } } : tabled;
      return advanceStage({ ...withFramework, latestProposalId: proposalId }, 'negotiating', evidence);
    }
    case 'ProposalAnnounced': {
      const { proposalId, announcedBy, summary } = event.payload;
      const current = proposal(state, proposalId);
      return withProposal(state, {
        ...current,
        status: current.status === 'tabled' ? 'tabled' : 'announced',
        author: current.author ?? announcedBy.join(', '),
        summary: current.summary ?? summary,
        announced: evidence,
      });
    }
    case 'ProposalEndorsed': {
      const current = proposal(state, event.payload.proposalId);
      return withProposal(state, {
        ...current,
        endorsements: append(current.endorsements, { by: event.payload.endorsedBy, evidence }),
      });
    }
    case 'ResponseDelivered': {
      const { proposalId, by, stance, via, details } = event.payload;
      const current = proposal(state, proposalId);
      const partyStance: PartyStance = {
        party: by,
        stance,
        via: via ?? [],
        ...(details === undefined ? {} : { details }),
        evidence,
      };
      return advanceStage(
        withProposal(state, { ...current, stances: { ...current.stances, [by]: partyStance } }),
        'negotiating',
        evidence,
      );
    }
    case 'PositionShifted': {
      const { issueId, party, description } = event.payload;
      if (issueId === undefined) return state;
      const current = issue(state, issueId, evidence);
      return withIssue(
        state,
        { ...current, positions: { ...current.positions, [party]: { position: description, evidence } } },
        evidence,
      );
    }
    case 'DelegationSent': {
      const { party, venue, head, level, mandate } = event.payload;
      const delegation: Delegation = {
        party,
        venue,
        since: evidence,
        ...(head === undefined ? {} : { head }),
        ...(level === undefined ? {} : { level }),
        ...(mandate === undefined ? {} : { mandate }),
      };
      const { [party]: _formerRecall, ...recalled } = state.recalledDelegations;
      return advanceStage(
        {
          ...state,
          delegations: { ...state.delegations, [party]: delegation },
          recalledDelegations: recalled,
          venue: { name: venue, since: evidence },
        },
        'negotiating',
        evidence,
      );
    }
    case 'DelegationRecalled': {
      const { party, venue, reason } = event.payload;
      const { [party]: present, ...remaining } = state.delegations;
      const from = venue ?? present?.venue;
      const recall: RecalledDelegation = {
        party,
        recalled: evidence,
        ...(from === undefined ? {} : { venue: from }),
        ...(reason === undefined ? {} : { reason }),
      };
      return {
        ...state,
        delegations: remaining,
        recalledDelegations: { ...state.recalledDelegations, [party]: recall },
      };
    }
    case 'TalksScheduled': {
      const { venues, scheduledFor, participants, description } = event.payload;
      return advanceStage(
        {
          ...state,
          scheduledTalks: append(state.scheduledTalks, {
            venues,
            scheduledFor,
            participants,
            evidence,
            ...(description === undefined ? {} : { description }),
          }),
        },
        'negotiating',
        evidence,
      );
    }
    case 'TalksResumed': {
      const resumed: NegotiationState = {
        ...state,
        activity: 'active',
        activitySince: evidence,
        activityReason: event.payload.focus ?? 'talks resumed',
        venue: { name: event.payload.venue, since: evidence },
        stage: state.stage === 'collapsed' ? 'negotiating' : state.stage,
        stageSince: state.stage === 'collapsed' ? evidence : state.stageSince,
      };
      return advanceStage(resumed, 'negotiating', evidence);
    }
    case 'TalksStalled': {
      const blame = (event.payload.blameClaims ?? []).map((claim) => ({ ...claim, evidence }));
      return {
        ...state,
        activity: 'stalled',
        activitySince: evidence,
        activityReason: event.payload.reason,
        blameClaims: blame.reduce((chain, claim) => append(chain, claim), state.blameClaims),
      };
    }
    case 'TalksSuspended':
      return {
        ...state,
        activity: 'suspended',
        activitySince: evidence,
        activityReason: event.payload.reason,
      };
    case 'TalksCollapsed':
      return {
        ...state,
        stage: 'collapsed',
        stageSince: evidence,
        activity: 'suspended',
        activitySince: evidence,
        activityReason: event.payload.reason,
      };
    case 'StatementIssued': {
      const { by, kind, characterisation, text } = event.payload;
      if (characterisation === undefined) return state;
      const record: CharacterisationRecord = {
        by,
        kind,
        characterisation,
        attributedTo: event.sources.map((source) => source.attribution),
        evidence,
        ...(text === undefined ? {} : { text }),
      };
      return {
        ...state,
        characterisations: { ...state.characterisations, [[...by].sort().join(' + ')]: record },
      };
    }
    case 'LeadersSpoke': {
      const { participants, topics, durationMinutes } = event.payload;
      return {
        ...state,
        leaderContacts: append(state.leaderContacts, {
          participants,
          topics,
          evidence,
          ...(durationMinutes === undefined ? {} : { durationMinutes }),
        }),
      };
    }
    case 'DeadlineSet': {
      const { description, deadline, setBy } = event.payload;
      return {
        ...state,
        deadlines: append(state.deadlines, {
          description,
          deadline,
          evidence,
          ...(setBy === undefined ? {} : { setBy }),
        }),
      };
    }
    case 'IssueRaised': {
      const { issueId, title, raisedBy, description, blocksPhases } = event.payload;
      const current = issue(state, issueId, evidence);
      return withIssue(
        state,
        {
          ...current,
          title,
          raisedBy,
          raised: evidence,
          blocksPhases: blocksPhases ?? current.blocksPhases,
          ...(description === undefined ? {} : { description }),
          ...(state.issues[issueId] === undefined ? { stateSince: evidence } : {}),
        },
        evidence,
      );
    }
    case 'PositionStated': {
      const { issueId, party, position } = event.payload;
      const current = issue(state, issueId, evidence);
      return withIssue(
        state,
        { ...current, positions: { ...current.positions, [party]: { position, evidence } } },
        evidence,
      );
    }
    case 'IssueNarrowed': {
      const current = issue(state, event.payload.issueId, evidence);
      return withIssue(
        state,
        {
          ...current,
          state: current.state === 'resolved' ? 'resolved' : 'narrowed',
          stateSince: current.state === 'resolved' ? current.stateSince : evidence,
          narrowings: append(current.narrowings, { description: event.payload.description, evidence }),
        },
        evidence,
      );
    }
    case 'IssueResolved': {
      const current = issue(state, event.payload.issueId, evidence);
      const { resolution } = event.payload;
      return withIssue(
        state,
        {
          ...current,
          state: 'resolved',
          stateSince: evidence,
          ...(resolution === undefined ? {} : { resolution }),
        },
        evidence,
      );
    }
    case 'IssueReopened': {
      const current = issue(state, event.payload.issueId, evidence);
      return withIssue(state, { ...current, state: 'reopened', stateSince: evidence }, evidence);
    }
    case 'FrameworkDefined':
      return {
        ...state,
        framework: { proposalId: event.payload.proposalId, phases: event.payload.phases, evidence },
      };
    case 'AgreementReached': {
      const { scope, parties, proposalId, phaseIds } = event.payload;
      const agreement: Agreement = {
        scope,
        parties,
        phaseIds: phaseIds ?? [],
        evidence,
        ...(proposalId === undefined ? {} : { proposalId }),
      };
      return advanceStage(
        { ...state, agreements: append(state.agreements, agreement) },
        'framework-agreed',
        evidence,
      );
    }
    case 'PhaseStarted': {
      const { phaseId } = event.payload;
      return advanceStage(
        withProgress(state, phaseId, { ...progress(state, phaseId), started: evidence }),
        'implementing',
        evidence,
      );
    }
    case 'PhaseCompleted': {
      const { phaseId } = event.payload;
      const current = progress(state, phaseId);
      const completed = withProgress(state, phaseId, {
        ...current,
        started: current.started ?? evidence,
        completed: evidence,
      });
      const implementing = advanceStage(completed, 'implementing', evidence);
      return allPhasesCompleted(implementing)
        ? advanceStage(implementing, 'concluded', evidence)
        : implementing;
    }
    case 'ProvisionImplemented': {
      const { phaseId, provisionId, description } = event.payload;
      const current = progress(state, phaseId);
      return withProgress(state, phaseId, {
        ...current,
        provisionsImplemented: append(current.provisionsImplemented, {
          description,
          evidence,
          ...(provisionId === undefined ? {} : { provisionId }),
        }),
      });
    }
    case 'ViolationReported': {
      const { phaseId, description, allegedBy, accused } = event.payload;
      const key = phaseId ?? '(unphased)';
      const current = progress(state, key);
      return withProgress(state, key, {
        ...current,
        violations: append(current.violations, {
          description,
          allegedBy,
          evidence,
          ...(accused === undefined ? {} : { accused }),
        }),
      });
    }
    default: {
      const exhaustive: never = event;
      return exhaustive;
    }
  }
};
