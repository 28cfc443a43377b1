import { AgreementKind, Prerequisite } from '../../domain';
import { Chain, append, latest, sizeOf, toArray } from '../chain';
import { DigestTable, skip } from '../digest-rules';
import { DevelopmentOfType, Evidence, defined, withEntry, entry } from '../evidence';
import { Termed, extendedTerm, termOf } from './terms';
import type { PrerequisiteStatus } from '../readiness';

/** Agreements reached, signed, ratified (or rejected), in force, superseded; parties that withdrew from them. */

export const AGREEMENT_STATUSES = [
  'agreed',
  'signed',
  'in-force',
  'rejected',
  'superseded',
  'terminated',
  'expired',
] as const;
export type AgreementStatus = (typeof AGREEMENT_STATUSES)[number];

export interface Ratification {
  readonly body: string;
  readonly outcome: 'approved' | 'rejected';
  readonly bodyKind?: string;
  readonly votesFor?: number;
  readonly votesAgainst?: number;
  readonly abstentions?: number;
  readonly yesPercent?: number;
  readonly turnoutPercent?: number;
  readonly evidence: Evidence;
}

export interface ScheduledVote {
  readonly body: string;
  readonly scheduledFor: string;
  readonly bodyKind?: string;
  readonly evidence: Evidence;
}

export interface Endorsement {
  readonly endorsedBy: readonly string[];
  readonly bodyKind?: string;
  readonly details?: string;
  readonly evidence: Evidence;
}

export interface AgreementState extends Termed {
  readonly agreementId: string;
  readonly kind: AgreementKind;
  readonly scope: 'framework' | 'phases';
  readonly title?: string;
  readonly parties: readonly string[];
  readonly proposalId?: string;
  readonly phaseIds: readonly string[];
  readonly settlesIssues: readonly string[];
  readonly requiresRatificationBy: readonly string[];
  /** In force only once every party has signed (in one signing or several). */
  readonly requiresSignature: boolean;
  /** In force only when an AgreementEnteredIntoForce reports it (it enters into force on an event still to come). */
  readonly awaitsEntryIntoForce?: boolean;
  /** What must hold before it can be signed (a truce for a week, a release), judged like a phase's prerequisites. */
  readonly signingConditions: readonly Prerequisite[];
  /** A later date it enters into force on (judged at the date asked, see forceAsOf). */
  readonly entersIntoForceOn?: string;
  readonly supersedes?: string;
  /** Unset while only other developments (a signature, a vote) name it: a late or missing report of the deal. */
  readonly reached?: Evidence;
  readonly firstReferenced?: Evidence;
  /** Everyone who signed, over every signing; `evidence` is the latest signing. */
  readonly signed?: {
    readonly signatories: readonly string[];
    readonly evidence: Evidence;
    readonly signings: number;
  };
  readonly enteredIntoForce?: Evidence;
  readonly supersededBy?: { readonly agreementId: string; readonly evidence: Evidence };
  /** The latest vote of each body. */
  readonly ratifications: Readonly<Record<string, Ratification>>;
  readonly ratificationHistory: Chain<Ratification> | undefined;
  readonly withdrawals: Readonly<
    Record<string, { readonly party: string; readonly reason?: string; readonly evidence: Evidence }>
  >;
  /** The latest vote set for each body (RatificationScheduled). */
  readonly scheduledVotes: Readonly<Record<string, ScheduledVote>>;
  /** Outside bodies that endorsed it (a Security Council resolution, a regional organisation). */
  readonly endorsements: Chain<Endorsement> | undefined;
  readonly status: AgreementStatus;
  readonly statusSince: Evidence;
}

export interface AgreementsState {
  readonly agreements: Readonly<Record<string, AgreementState>>;
}

export const initialAgreements: AgreementsState = { agreements: {} };

const KIND_OF_SCOPE = { framework: 'framework', phases: 'partial' } as const;

/** How comprehensive a kind of agreement is: the headline is about the highest rank, and a pending agreement of a
 * higher rank outranks one in force. */
export const AGREEMENT_RANK: Record<AgreementKind, number> = {
  interim: 1,
  partial: 2,
  framework: 3,
  final: 4,
  comprehensive: 4,
};

/** Reached (or signed) but not in force: a signature, a ratification or its date of force still to come. */
export const isPending = (a: Pick<AgreementState, 'status'>): boolean =>
  a.status === 'agreed' || a.status === 'signed';

/** The status of an agreement not (yet) in force: signed once anyone has signed it, else agreed. */
export const pendingStatus = (a: Pick<AgreementState, 'signed'>): 'agreed' | 'signed' =>
  a.signed === undefined ? 'agreed' : 'signed';

/** The parties whose signature an agreement still lacks (over every signing so far). */
export const unsigned = (a: Pick<AgreementState, 'parties' | 'signed'>): string[] =>
  a.parties.filter((party) => !(a.signed?.signatories ?? []).includes(party));

/** The status the facts give: superseded, rejected by a vote, left by all but one party, in force, or pending. */
export const statusOf = (a: Omit<AgreementState, 'status' | 'statusSince'>): AgreementStatus => {
  if (a.supersededBy !== undefined) return 'superseded';
  const votes = Object.values(a.ratifications);
  if (votes.some((v) => v.outcome === 'rejected')) return 'rejected';
  if (a.parties.length >= 2 && a.parties.filter((p) => entry(a.withdrawals, p) === undefined).length < 2)
    return 'terminated';
  if (a.enteredIntoForce !== undefined) return 'in-force';
  const ratified = a.requiresRatificationBy.every(
    (body) => entry(a.ratifications, body)?.outcome === 'approved',
  );
  // Not reached yet (only named), a ratification or a signature missing, or in force on an event still to come (a
  // notification, a release: only an AgreementEnteredIntoForce says so).
  const waiting =
    a.reached === undefined ||
    !ratified ||
    (a.requiresSignature && unsigned(a).length > 0) ||
    a.awaitsEntryIntoForce === true;
  return waiting ? pendingStatus(a) : 'in-force';
};

const agreement = (state: AgreementsState, agreementId: string, evidence: Evidence): AgreementState =>
  entry(state.agreements, agreementId) ?? {
    agreementId,
    kind: 'framework',
    scope: 'framework',
    parties: [],
    phaseIds: [],
    settlesIssues: [],
    requiresRatificationBy: [],
    requiresSignature: false,
    firstReferenced: evidence,
    ratifications: {},
    ratificationHistory: undefined,
    withdrawals: {},
    signingConditions: [],
    scheduledVotes: {},
    endorsements: undefined,
    earlierTerms: [],
    status: 'agreed',
    statusSince: evidence,
  };

/** Applies a change to one agreement and works its status out again; statusSince moves only when it changes. */
export const updateAgreement = (
  state: AgreementsState,
  agreementId: string,
  evidence: Evidence,
  change: (
    current: AgreementState,
  ) => Omit<AgreementState, 'status' | 'statusSince'> & Partial<AgreementState>,
): AgreementsState => {
  const current = agreement(state, agreementId, evidence);
  const changed = change(current);
  const status = statusOf(changed);
  const next: AgreementState = {
    ...changed,
    status,
    statusSince:
      status === current.status && entry(state.agreements, agreementId) !== undefined
        ? current.statusSince
        : evidence,
  };
  return { agreements: withEntry(state.agreements, agreementId, next) };
};

/** The id an agreement goes by: its own, else the proposal it agrees, else the event that reported it. */
export const agreementIdOf = (event: DevelopmentOfType<'AgreementReached'>): string =>
  event.payload.agreementId ?? event.payload.proposalId ?? event.id;

export const reached = (
  state: AgreementsState,
  event: DevelopmentOfType<'AgreementReached'>,
  evidence: Evidence,
): AgreementsState => {
  const p = event.payload;
  return updateAgreement(
    state,
    agreementIdOf(event),
    evidence,
    ({ firstReferenced: _first, ...current }) => ({
      ...current,
      kind: p.kind ?? KIND_OF_SCOPE[p.scope],
      scope: p.scope,
      parties: p.parties,
      phaseIds: [...(p.phaseIds ?? []), ...(p.phases ?? []).map((phase) => phase.phaseId)],
      settlesIssues: p.settlesIssues ?? [],
      requiresRatificationBy: p.requiresRatificationBy ?? [],
      requiresSignature: p.requiresSignature ?? false,
      signingConditions: p.signingConditions ?? [],
      ...(p.awaitsEntryIntoForce === true ? { awaitsEntryIntoForce: true } : {}),
      reached: evidence,
      ...defined({
        title: p.title,
        proposalId: p.proposalId,
        supersedes: p.supersedes,
        entersIntoForceOn: p.entersIntoForceOn,
      }),
      ...termOf(p.endsOn, evidence),
    }),
  );
};

export const signed = (
  state: AgreementsState,
  event: DevelopmentOfType<'AgreementSigned'>,
  evidence: Evidence,
): AgreementsState =>
  updateAgreement(state, event.payload.agreementId, evidence, (current) => ({
    ...current,
    // Signed in several documents or sittings, each signing adds its signatories; the evidence is the latest.
    signed: {
      signatories: [...new Set([...(current.signed?.signatories ?? []), ...event.payload.signatories])],
      evidence,
      signings: (current.signed?.signings ?? 0) + 1,
    },
  }));

export const voted = (
  state: AgreementsState,
  event: DevelopmentOfType<'RatificationVoted'>,
  evidence: Evidence,
): AgreementsState => {
  const { agreementId, ...vote } = event.payload;
  const ratification: Ratification = { ...vote, evidence };
  return updateAgreement(state, agreementId, evidence, (current) => ({
    ...current,
    ratifications: withEntry(current.ratifications, vote.body, ratification),
    ratificationHistory: append(current.ratificationHistory, ratification),
  }));
};

export const voteScheduled = (
  state: AgreementsState,
  event: DevelopmentOfType<'RatificationScheduled'>,
  evidence: Evidence,
): AgreementsState => {
  const { agreementId, body, scheduledFor, bodyKind } = event.payload;
  return updateAgreement(state, agreementId, evidence, (current) => ({
    ...current,
    scheduledVotes: withEntry(current.scheduledVotes, body, {
      body,
      scheduledFor,
      evidence,
      ...defined({ bodyKind }),
    }),
  }));
};

export const endorsed = (
  state: AgreementsState,
  event: DevelopmentOfType<'AgreementEndorsed'>,
  evidence: Evidence,
): AgreementsState => {
  const { agreementId, endorsedBy, bodyKind, details } = event.payload;
  return updateAgreement(state, agreementId, evidence, (current) => ({
    ...current,
    endorsements: append(current.endorsements, { endorsedBy, evidence, ...defined({ bodyKind, details }) }),
  }));
};

export const termExtended = (
  state: AgreementsState,
  event: DevelopmentOfType<'TermExtended'>,
  evidence: Evidence,
): AgreementsState => {
  const { id, endsOn, extendedBy, reason } = event.payload;
  return updateAgreement(state, id, evidence, (current) => ({
    ...current,
    ...extendedTerm(current, endsOn, evidence, defined({ extendedBy, reason })),
  }));
};

export const inForce = (state: AgreementsState, agreementId: string, evidence: Evidence): AgreementsState =>
  updateAgreement(state, agreementId, evidence, (current) => ({ ...current, enteredIntoForce: evidence }));

export const superseded = (
  state: AgreementsState,
  agreementId: string,
  by: string,
  evidence: Evidence,
): AgreementsState =>
  updateAgreement(state, agreementId, evidence, (current) => ({
    ...current,
    supersededBy: { agreementId: by, evidence },
  }));

export const withdrawn = (
  state: AgreementsState,
  event: DevelopmentOfType<'PartyWithdrewFromAgreement'>,
  evidence: Evidence,
): AgreementsState => {
  const { party, agreementId, reason } = event.payload;
  return updateAgreement(state, agreementId, evidence, (current) => ({
    ...current,
    withdrawals: withEntry(current.withdrawals, party, { party, evidence, ...defined({ reason }) }),
  }));
};

export const agreementsInForce = (state: AgreementsState): AgreementState[] =>
  Object.values(state.agreements).filter((a) => a.status === 'in-force');

export type AgreementView = Omit<
  AgreementState,
  | 'ratificationHistory'
  | 'ratifications'
  | 'withdrawals'
  | 'scheduledVotes'
  | 'signingConditions'
  | 'endorsements'
> & {
  readonly endorsements: readonly Endorsement[];
  /** Votes set for a date and not held since they were set. */
  readonly scheduledVotes: readonly ScheduledVote[];
  /** Its signing conditions, each judged at the date asked (see signingReadiness). */
  readonly signingConditions: readonly PrerequisiteStatus[];
  /** Conditions for signing are set, all are met, and it is not yet signed by every party. */
  readonly readyToSign: boolean;
  readonly ratifications: readonly Ratification[];
  /** Bodies whose approval is required and not (yet) given. */
  readonly awaitingRatificationBy: readonly string[];
  readonly ratificationCount: number;
  readonly withdrawals: ReadonlyArray<AgreementState['withdrawals'][string]>;
  /** The parties still bound by it. */
  readonly remainingParties: readonly string[];
};

/** An agreement's signing conditions as judged at a date (readiness judges them; this slice only shows them). */
export interface SigningView {
  readonly signingConditions: readonly PrerequisiteStatus[];
  readonly readyToSign: boolean;
}

export const agreementView = (
  a: AgreementState,
  recent: number,
  signing: SigningView = { signingConditions: [], readyToSign: false },
): AgreementView => {
  const {
    ratificationHistory,
    ratifications,
    withdrawals,
    scheduledVotes,
    signingConditions: _conditions,
    endorsements,
    ...rest
  } = a;
  return {
    ...rest,
    ...signing,
    scheduledVotes: Object.values(scheduledVotes).filter(
      (vote) => (entry(ratifications, vote.body)?.evidence.occurredAt ?? '') < vote.evidence.occurredAt,
    ),
    ratifications: latest(ratificationHistory, recent),
    awaitingRatificationBy: a.requiresRatificationBy.filter(
      (body) => entry(ratifications, body)?.outcome !== 'approved',
    ),
    ratificationCount: sizeOf(ratificationHistory),
    endorsements: toArray(endorsements),
    withdrawals: Object.values(withdrawals),
    remainingParties: a.parties.filter((p) => entry(withdrawals, p) === undefined),
  };
};

export const AGREEMENT_DIGEST: DigestTable<AgreementView> = {
  agreementId: skip('the key of every path'),
  kind: (kind, put, a) => put(`status.agreement.${a.agreementId}.kind`, kind, a.reached?.eventId),
  scope: skip('kind says it'),
  title: skip('a label'),
  parties: (parties, put, a) =>
    put(`status.agreement.${a.agreementId}.parties`, parties.join(', '), a.reached?.eventId),
  proposalId: (id, put, a) => put(`status.agreement.${a.agreementId}.proposal`, id, a.reached?.eventId),
  phaseIds: (ids, put, a) =>
    put(
      `status.agreement.${a.agreementId}.phases`,
      ids.length === 0 ? undefined : ids.join(', '),
      a.reached?.eventId,
    ),
  settlesIssues: (ids, put, a) =>
    put(
      `status.agreement.${a.agreementId}.settles`,
      ids.length === 0 ? undefined : ids.join(', '),
      a.reached?.eventId,
    ),
  requiresRatificationBy: skip('digested as awaitingRatificationBy and ratifications'),
  requiresSignature: skip('digested through status'),
  awaitsEntryIntoForce: skip('digested through status'),
  entersIntoForceOn: (date, put, a) =>
    put(`status.agreement.${a.agreementId}.entersIntoForceOn`, date, a.reached?.eventId),
  supersedes: (id, put, a) => put(`status.agreement.${a.agreementId}.supersedes`, id, a.reached?.eventId),
  reached: skip('the evidence of kind and parties'),
  firstReferenced: (e, put, a) =>
    put(`status.agreement.${a.agreementId}.unresolved`, 'named before it is reported reached', e.eventId),
  signed: (s, put, a) =>
    put(`status.agreement.${a.agreementId}.signed`, s.signatories.join(', '), s.evidence.eventId),
  enteredIntoForce: skip('digested through status'),
  supersededBy: (s, put, a) =>
    put(`status.agreement.${a.agreementId}.supersededBy`, s.agreementId, s.evidence.eventId),
  ratifications: (list, put, a) =>
    list.forEach((r) =>
      put(`status.agreement.${a.agreementId}.ratification.${r.body}`, r.outcome, r.evidence.eventId),
    ),
  awaitingRatificationBy: (bodies, put, a) =>
    put(
      `status.agreement.${a.agreementId}.awaitingRatificationBy`,
      bodies.length === 0 ? undefined : bodies.join(', '),
    ),
  ratificationCount: skip('a count of ratifications'),
  withdrawals: (list, put, a) =>
    list.forEach((w) =>
      put(`status.agreement.${a.agreementId}.withdrawn.${w.party}`, 'withdrew', w.evidence.eventId),
    ),
  remainingParties: skip('parties less withdrawals'),
  signingConditions: (list, put, a) =>
    list.forEach((c) =>
      put(
        `status.agreement.${a.agreementId}.signingCondition.${c.description}`,
        c.met ? 'met' : 'not met',
        c.since?.eventId,
      ),
    ),
  readyToSign: (ready, put, a) =>
    put(`status.agreement.${a.agreementId}.readyToSign`, ready ? 'ready to sign' : undefined),
  scheduledVotes: (votes, put, a) =>
    votes.forEach((v) =>
      put(`status.agreement.${a.agreementId}.voteScheduled.${v.body}`, v.scheduledFor, v.evidence.eventId),
    ),
  endorsements: (list, put, a) =>
    list.forEach((e) =>
      put(
        `status.agreement.${a.agreementId}.endorsedBy.${e.endorsedBy.join(', ')}`,
        'endorsed',
        e.evidence.eventId,
      ),
    ),
  term: (term, put, a) => put(`status.agreement.${a.agreementId}.endsOn`, term.endsOn, term.evidence.eventId),
  earlierTerms: skip('ends replaced by the current term'),
  status: (status, put, a) => put(`status.agreement.${a.agreementId}.status`, status, a.statusSince.eventId),
  statusSince: skip('the evidence of status'),
};
