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

/** The evidence of the latest development, with its summary if it has one (the keys in evidence's order). */
const lastDevelopmentOf = (event: Development, evidence: Evidence): NegotiationState['lastDevelopment'] =>
  event.summary === undefined
    ? evidence
    : {
        eventId: evidence.eventId,
        type: evidence.type,
        occurredAt: evidence.occurredAt,
        precision: evidence.precision,
        summary: event.summary,
      };

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
  advances(state, stage) ? { ...state, stage, stageSince: evidence } : state;

const advances = (state: NegotiationState, stage: Stage): boolean =>
  state.stage === 'collapsed' || STAGE_RANK[stage] > STAGE_RANK[state.stage];

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
  issues: { ...state.issues, [next.issueId]: movedOn(next, evidence) },
});

const movedOn = (next: IssueState, evidence: Evidence): IssueState => ({
  ...next,
  movedBy: append(next.movedBy, evidence),
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

type DevelopmentOfType<T extends DevelopmentType> = Extract<Development, { type: T }>;
type ProposalEvent = DevelopmentOfType<'ProposalAnnounced' | 'ProposalEndorsed' | 'ResponseDelivered'>;
type IssueEvent = DevelopmentOfType<
  'PositionShifted' | 'IssueRaised' | 'PositionStated' | 'IssueNarrowed' | 'IssueResolved' | 'IssueReopened'
>;

/** The proposal as a proposal event leaves it. */
const proposalAfter = (state: NegotiationState, event: ProposalEvent, evidence: Evidence): ProposalState => {
  switch (event.type) {
    case 'ProposalAnnounced': {
      const { proposalId, announcedBy, summary } = event.payload;
      const current = proposal(state, proposalId);
      return {
        ...current,
        status: current.status === 'tabled' ? 'tabled' : 'announced',
        author: current.author ?? announcedBy.join(', '),
        summary: current.summary ?? summary,
        announced: evidence,
      };
    }
    case 'ProposalEndorsed': {
      const current = proposal(state, event.payload.proposalId);
      return {
        ...current,
        endorsements: append(current.endorsements, { by: event.payload.endorsedBy, evidence }),
      };
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
      return { ...current, stances: { ...current.stances, [by]: partyStance } };
    }
  }
};

/** The issue as an issue event leaves it (before it joins the issue's movedBy), if the event names one. */
const issueAfter = (
  state: NegotiationState,
  event: IssueEvent,
  evidence: Evidence,
): IssueState | undefined => {
  switch (event.type) {
    case 'PositionShifted': {
      const { issueId, party, description } = event.payload;
      if (issueId === undefined) return undefined;
      const current = issue(state, issueId, evidence);
      return {
        ...current,
        positions: { ...current.positions, [party]: { position: description, evidence } },
      };
    }
    case 'IssueRaised': {
      const { issueId, title, raisedBy, description, blocksPhases } = event.payload;
      const current = issue(state, issueId, evidence);
      return {
        ...current,
        title,
        raisedBy,
        raised: evidence,
        blocksPhases: blocksPhases ?? current.blocksPhases,
        ...(description === undefined ? {} : { description }),
        ...(state.issues[issueId] === undefined ? { stateSince: evidence } : {}),
      };
    }
    case 'PositionStated': {
      const { issueId, party, position } = event.payload;
      const current = issue(state, issueId, evidence);
      return { ...current, positions: { ...current.positions, [party]: { position, evidence } } };
    }
    case 'IssueNarrowed': {
      const current = issue(state, event.payload.issueId, evidence);
      return {
        ...current,
        state: current.state === 'resolved' ? 'resolved' : 'narrowed',
        stateSince: current.state === 'resolved' ? current.stateSince : evidence,
        narrowings: append(current.narrowings, { description: event.payload.description, evidence }),
      };
    }
    case 'IssueResolved': {
      const current = issue(state, event.payload.issueId, evidence);
      const { resolution } = event.payload;
      return {
        ...current,
        state: 'resolved',
        stateSince: evidence,
        ...(resolution === undefined ? {} : { resolution }),
      };
    }
    case 'IssueReopened': {
      const current = issue(state, event.payload.issueId, evidence);
      return { ...current, state: 'reopened', stateSince: evidence };
    }
  }
};

const delegationOf = (event: DevelopmentOfType<'DelegationSent'>, evidence: Evidence): Delegation => {
  const { party, venue, head, level, mandate } = event.payload;
  return {
    party,
    venue,
    since: evidence,
    ...(head === undefined ? {} : { head }),
    ...(level === undefined ? {} : { level }),
    ...(mandate === undefined ? {} : { mandate }),
  };
};

const recallOf = (
  event: DevelopmentOfType<'DelegationRecalled'>,
  present: Delegation | undefined,
  evidence: Evidence,
): RecalledDelegation => {
  const { party, venue, reason } = event.payload;
  const from = venue ?? present?.venue;
  return {
    party,
    recalled: evidence,
    ...(from === undefined ? {} : { venue: from }),
    ...(reason === undefined ? {} : { reason }),
  };
};

const talksOf = (event: DevelopmentOfType<'TalksScheduled'>, evidence: Evidence) => {
  const { venues, scheduledFor, participants, description } = event.payload;
  return {
    venues,
    scheduledFor,
    participants,
    evidence,
    ...(description === undefined ? {} : { description }),
  };
};

const blamedIn = (
  claims: NegotiationState['blameClaims'],
  event: DevelopmentOfType<'TalksStalled'>,
  evidence: Evidence,
): NegotiationState['blameClaims'] => {
  const blame = (event.payload.blameClaims ?? []).map((claim) => ({ ...claim, evidence }));
  return blame.reduce((chain, claim) => append(chain, claim), claims);
};

/** What a statement says of the talks, if it characterises them. */
const characterisationOf = (
  event: DevelopmentOfType<'StatementIssued'>,
  evidence: Evidence,
): CharacterisationRecord | undefined => {
  const { by, kind, characterisation, text } = event.payload;
  if (characterisation === undefined) return undefined;
  return {
    by,
    kind,
    characterisation,
    attributedTo: event.sources.map((source) => source.attribution),
    evidence,
    ...(text === undefined ? {} : { text }),
  };
};

/** The key of a characterisation: who spoke, in a stable order. */
const speakersOf = (record: CharacterisationRecord): string => [...record.by].sort().join(' + ');

const contactOf = (event: DevelopmentOfType<'LeadersSpoke'>, evidence: Evidence) => {
  const { participants, topics, durationMinutes } = event.payload;
  return {
    participants,
    topics,
    evidence,
    ...(durationMinutes === undefined ? {} : { durationMinutes }),
  };
};

/**
 * The fold: the state after one more development, in occurrence order. Pure and total; an event that refers to
 * something not yet seen (reports arrive out of order) creates a placeholder instead of failing.
 */
export const evolve = (state: NegotiationState, event: Development): NegotiationState => {
  const evidence = evidenceOf(event);
  const next = applyDevelopment(state, event, evidence);
  const counters = {
    developmentCount: state.developmentCount + 1,
    lastDevelopment: lastDevelopmentOf(event, evidence),
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
    case 'ProposalAnnounced':
    case 'ProposalEndorsed':
      return withProposal(state, proposalAfter(state, event, evidence));
    case 'ResponseDelivered':
      return advanceStage(
        withProposal(state, proposalAfter(state, event, evidence)),
        'negotiating',
        evidence,
      );
    case 'PositionShifted':
    case 'IssueRaised':
    case 'PositionStated':
    case 'IssueNarrowed':
    case 'IssueResolved':
    case 'IssueReopened': {
      const next = issueAfter(state, event, evidence);
      return next === undefined ? state : withIssue(state, next, evidence);
    }
    case 'DelegationSent': {
      const { party, venue } = event.payload;
      const { [party]: _formerRecall, ...recalled } = state.recalledDelegations;
      return advanceStage(
        {
          ...state,
          delegations: { ...state.delegations, [party]: delegationOf(event, evidence) },
          recalledDelegations: recalled,
          venue: { name: venue, since: evidence },
        },
        'negotiating',
        evidence,
      );
    }
    case 'DelegationRecalled': {
      const { party } = event.payload;
      const { [party]: present, ...remaining } = state.delegations;
      return {
        ...state,
        delegations: remaining,
        recalledDelegations: { ...state.recalledDelegations, [party]: recallOf(event, present, evidence) },
      };
    }
    case 'TalksScheduled':
      return advanceStage(
        { ...state, scheduledTalks: append(state.scheduledTalks, talksOf(event, evidence)) },
        'negotiating',
        evidence,
      );
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
    case 'TalksStalled':
      return {
        ...state,
        activity: 'stalled',
        activitySince: evidence,
        activityReason: event.payload.reason,
        blameClaims: blamedIn(state.blameClaims, event, evidence),
      };
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
      const record = characterisationOf(event, evidence);
      if (record === undefined) return state;
      return { ...state, characterisations: { ...state.characterisations, [speakersOf(record)]: record } };
    }
    case 'LeadersSpoke':
      return { ...state, leaderContacts: append(state.leaderContacts, contactOf(event, evidence)) };
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

type Draft = { -readonly [K in keyof NegotiationState]: NegotiationState[K] } & {
  delegations: Record<string, Delegation>;
  recalledDelegations: Record<string, RecalledDelegation>;
  proposals: Record<string, ProposalState>;
  characterisations: Record<string, CharacterisationRecord>;
  issues: Record<string, IssueState>;
};

/** Folds developments into a state, as evolve would one at a time, for a caller that needs only the end. */
export interface StateBuilder {
  readonly add: (event: Development) => void;
  /** The state after every development added; the builder is spent. */
  readonly finish: () => NegotiationState;
}

/**
 * The fold of evolve for a replay that looks only at its end: the developments go one by one into a draft that
 * nothing else holds, so the most frequent kinds update it in place instead of copying the state and its larger
 * records (the issues, the proposals, the delegations, the characterisations) on every event. The other kinds
 * go through evolve itself. The end is the very state a chain of evolve calls reaches, down to the order of every
 * object's keys (a property test holds the two equal). Nested records are never written to: each is replaced by
 * a fresh one as evolve replaces it, so the draft shares them safely.
 */
export const createStateBuilder = (from: NegotiationState = initialState): StateBuilder => {
  // The draft owns its top level and the records it writes into; everything below those is shared and immutable.
  let draft: Draft = {
    ...from,
    delegations: { ...from.delegations },
    recalledDelegations: { ...from.recalledDelegations },
    proposals: { ...from.proposals },
    characterisations: { ...from.characterisations },
    issues: { ...from.issues },
  };
  let spent = false;

  /** Applies a development in place; false when this kind (or a key that literal spreads treat apart) is left to evolve. */
  const inPlace = (event: Development, evidence: Evidence): boolean => {
    switch (event.type) {
      case 'PositionShifted':
      case 'IssueRaised':
      case 'PositionStated':
      case 'IssueNarrowed':
      case 'IssueResolved':
      case 'IssueReopened': {
        const next = issueAfter(draft, event, evidence);
        if (next === undefined) return true;
        if (!plainKey(next.issueId)) return false;
        // next is a fresh copy: it can take its movedBy in place, as movedOn would in a second copy.
        (next as { movedBy: IssueState['movedBy'] }).movedBy = append(next.movedBy, evidence);
        draft.issues[next.issueId] = next;
        return true;
      }
      case 'ProposalAnnounced':
      case 'ProposalEndorsed':
      case 'ResponseDelivered': {
        const next = proposalAfter(draft, event, evidence);
        if (!plainKey(next.proposalId)) return false;
        draft.proposals[next.proposalId] = next;
        if (event.type === 'ResponseDelivered') advanceInPlace('negotiating', evidence);
        return true;
      }
      case 'StatementIssued': {
        const record = characterisationOf(event, evidence);
        if (record === undefined) return true;
        const speakers = speakersOf(record);
        if (!plainKey(speakers)) return false;
        draft.characterisations[speakers] = record;
        return true;
      }
      case 'DelegationSent': {
        const { party, venue } = event.payload;
        if (!plainKey(party)) return false;
        const { [party]: _formerRecall, ...recalled } = draft.recalledDelegations;
        draft.delegations[party] = delegationOf(event, evidence);
        draft.recalledDelegations = recalled;
        draft.venue = { name: venue, since: evidence };
        advanceInPlace('negotiating', evidence);
        return true;
      }
      case 'DelegationRecalled': {
        const { party } = event.payload;
        if (!plainKey(party)) return false;
        const { [party]: present, ...remaining } = draft.delegations;
        draft.delegations = remaining;
        draft.recalledDelegations[party] = recallOf(event, present, evidence);
        return true;
      }
      case 'TalksScheduled':
        draft.scheduledTalks = append(draft.scheduledTalks, talksOf(event, evidence));
        advanceInPlace('negotiating', evidence);
        return true;
      case 'TalksResumed': {
        const collapsed = draft.stage === 'collapsed';
        draft.activity = 'active';
        draft.activitySince = evidence;
        draft.activityReason = event.payload.focus ?? 'talks resumed';
        draft.venue = { name: event.payload.venue, since: evidence };
        draft.stage = collapsed ? 'negotiating' : draft.stage;
        draft.stageSince = collapsed ? evidence : draft.stageSince;
        advanceInPlace('negotiating', evidence);
        return true;
      }
      case 'TalksStalled':
        draft.activity = 'stalled';
        draft.activitySince = evidence;
        draft.activityReason = event.payload.reason;
        draft.blameClaims = blamedIn(draft.blameClaims, event, evidence);
        return true;
      case 'LeadersSpoke':
        draft.leaderContacts = append(draft.leaderContacts, contactOf(event, evidence));
        return true;
      // Rarer kinds (a few per negotiation), left to evolve.
      case 'NegotiationOpened':
      case 'ProposalTabled':
      case 'TalksSuspended':
      case 'TalksCollapsed':
      case 'DeadlineSet':
      case 'FrameworkDefined':
      case 'AgreementReached':
      case 'PhaseStarted':
      case 'PhaseCompleted':
      case 'ProvisionImplemented':
      case 'ViolationReported':
        return false;
      default: {
        const exhaustive: never = event;
        return exhaustive;
      }
    }
  };

  const advanceInPlace = (stage: Stage, evidence: Evidence) => {
    if (!advances(draft, stage)) return;
    draft.stage = stage;
    draft.stageSince = evidence;
  };

  return {
    add: (event) => {
      if (spent) throw new Error('invariant: a finished state builder takes no more developments');
      const evidence = evidenceOf(event);
      if (inPlace(event, evidence)) {
        // The counters evolve sets, in its order.
        draft.developmentCount = draft.developmentCount + 1;
        draft.lastDevelopment = lastDevelopmentOf(event, evidence);
        // evolve's result shares only the records the draft owned (or fresh ones), and the draft is dropped.
      } else draft = evolve(draft, event);
      return undefined;
    },
    finish: () => {
      spent = true;
      return draft;
    },
  };
};

/**
 * A key an assignment stores like the computed key of an object literal: `__proto__` is the one that differs
 * (assigning it would set the prototype), so its events go through evolve.
 */
const plainKey = (key: string): boolean => key !== '__proto__';
