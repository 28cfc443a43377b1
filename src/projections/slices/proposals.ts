import { Stance } from '../../domain';
import { Chain, append, latest, sizeOf } from '../chain';
import { DigestTable, skip } from '../digest-rules';
import { DevelopmentOfType, Evidence, defined, withEntry, entry } from '../evidence';

/** Proposals on the table, who endorsed them, and each party's latest stance on each. */

export const PROPOSAL_STATUSES = [
  'mentioned',
  'announced',
  'tabled',
  'agreed',
  'signed',
  'rejected',
  'superseded',
] as const;
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];

export interface PartyStance {
  readonly party: string;
  readonly stance: Stance;
  readonly via: readonly string[];
  readonly details?: string;
  readonly evidence: Evidence;
}

export interface Endorsement {
  readonly by: readonly string[];
  readonly details?: string;
  readonly evidence: Evidence;
}

export interface ProposalState {
  readonly proposalId: string;
  readonly status: ProposalStatus;
  readonly statusSince?: Evidence;
  readonly author?: string;
  /** The author and any joint authors. */
  readonly authors: readonly string[];
  readonly summary?: string;
  readonly conveyedBy: readonly string[];
  readonly tabled?: Evidence;
  readonly announced?: Evidence;
  readonly supersedes?: string;
  readonly supersededBy?: string;
  /** The first development that named it, when none has defined it (yet). */
  readonly firstReferenced?: Evidence;
  readonly endorsements: Chain<Endorsement> | undefined;
  readonly stances: Readonly<Record<string, PartyStance>>;
}

export interface ProposalsState {
  readonly proposals: Readonly<Record<string, ProposalState>>;
  readonly latestProposalId?: string;
}

export const initialProposals: ProposalsState = { proposals: {} };

export const proposal = (state: ProposalsState, proposalId: string, evidence: Evidence): ProposalState =>
  entry(state.proposals, proposalId) ?? {
    proposalId,
    status: 'mentioned',
    authors: [],
    conveyedBy: [],
    firstReferenced: evidence,
    endorsements: undefined,
    stances: {},
  };

export const withProposal = (state: ProposalsState, next: ProposalState): ProposalsState => ({
  ...state,
  proposals: withEntry(state.proposals, next.proposalId, next),
});

const defining = ({ firstReferenced: _first, ...rest }: ProposalState): ProposalState => rest;

export const tabled = (
  state: ProposalsState,
  event: DevelopmentOfType<'ProposalTabled'>,
  evidence: Evidence,
): ProposalsState => {
  const { proposalId, author, summary, conveyedBy, supersedes, jointlyWith } = event.payload;
  let next = withProposal(state, {
    ...defining(proposal(state, proposalId, evidence)),
    status: 'tabled',
    statusSince: evidence,
    author,
    authors: [author, ...(jointlyWith ?? [])],
    summary,
    conveyedBy: conveyedBy ?? [],
    tabled: evidence,
    ...defined({ supersedes }),
  });
  if (supersedes !== undefined)
    next = withProposal(next, {
      ...proposal(next, supersedes, evidence),
      status: 'superseded',
      statusSince: evidence,
      supersededBy: proposalId,
    });
  return { ...next, latestProposalId: proposalId };
};

export const announced = (
  state: ProposalsState,
  event: DevelopmentOfType<'ProposalAnnounced'>,
  evidence: Evidence,
): ProposalsState => {
  const { proposalId, announcedBy, summary } = event.payload;
  const current = proposal(state, proposalId, evidence);
  const isNew = current.status === 'mentioned';
  return withProposal(state, {
    ...defining(current),
    status: isNew ? 'announced' : current.status,
    ...(isNew ? { statusSince: evidence } : {}),
    author: current.author ?? announcedBy.join(', '),
    authors: current.authors.length > 0 ? current.authors : announcedBy,
    summary: current.summary ?? summary,
    announced: evidence,
  });
};

export const endorsed = (
  state: ProposalsState,
  event: DevelopmentOfType<'ProposalEndorsed'>,
  evidence: Evidence,
): ProposalsState => {
  const current = proposal(state, event.payload.proposalId, evidence);
  const { endorsedBy, details } = event.payload;
  return withProposal(state, {
    ...current,
    endorsements: append(current.endorsements, { by: endorsedBy, evidence, ...defined({ details }) }),
  });
};

export const responded = (
  state: ProposalsState,
  event: DevelopmentOfType<'ResponseDelivered'>,
  evidence: Evidence,
): ProposalsState => {
  const { proposalId, by, stance, via, details } = event.payload;
  const current = proposal(state, proposalId, evidence);
  return withProposal(state, {
    ...current,
    stances: withEntry(current.stances, by, {
      party: by,
      stance,
      via: via ?? [],
      evidence,
      ...defined({ details }),
    }),
  });
};

/** An agreement, signature or ratification moves the proposal it was made on. */
export const moved = (
  state: ProposalsState,
  proposalId: string | undefined,
  status: ProposalStatus,
  evidence: Evidence,
): ProposalsState => {
  if (proposalId === undefined) return state;
  const current = proposal(state, proposalId, evidence);
  return current.status === status
    ? state
    : withProposal(state, { ...current, status, statusSince: evidence });
};

/** A proposal as answered: its most recent endorsements with their total, each party's latest stance as a list. */
export type ProposalView = Omit<ProposalState, 'endorsements' | 'stances'> & {
  readonly endorsements: readonly Endorsement[];
  readonly endorsementCount: number;
  readonly stanceList: readonly PartyStance[];
};

export const proposalView = (
  { stances, endorsements, ...rest }: ProposalState,
  recent: number,
): ProposalView => ({
  ...rest,
  endorsements: latest(endorsements, recent),
  endorsementCount: sizeOf(endorsements),
  stanceList: Object.values(stances),
});

export interface ProposalsView {
  readonly latestProposal?: ProposalView;
  readonly announcedProposals: readonly ProposalView[];
  /** Every proposal with its status (the latest first), so agreed, signed and superseded ones stay visible. */
  readonly proposals: readonly ProposalView[];
}

export const proposalsView = (state: ProposalsState, recent: number): ProposalsView => {
  const latestState =
    state.latestProposalId === undefined ? undefined : entry(state.proposals, state.latestProposalId);
  const all = Object.values(state.proposals);
  return {
    ...defined({ latestProposal: latestState === undefined ? undefined : proposalView(latestState, recent) }),
    announcedProposals: all.filter((p) => p.status === 'announced').map((p) => proposalView(p, recent)),
    proposals: all.map((p) => proposalView(p, recent)),
  };
};

export const PROPOSALS_DIGEST: DigestTable<ProposalsView> = {
  latestProposal: (latestProposal, put) =>
    put('status.latestProposal', latestProposal.proposalId, latestProposal.tabled?.eventId),
  announcedProposals: skip('every proposal is digested under proposals'),
  proposals: (list, put) =>
    list.forEach((p) => {
      put(`status.proposal.${p.proposalId}`, p.status, (p.statusSince ?? p.tabled ?? p.announced)?.eventId);
      for (const stance of p.stanceList)
        put(`status.proposal.${p.proposalId}.stance.${stance.party}`, stance.stance, stance.evidence.eventId);
      for (const e of p.endorsements)
        put(`status.proposal.${p.proposalId}.endorsedBy.${e.by.join(' + ')}`, 'endorsed', e.evidence.eventId);
    }),
};
