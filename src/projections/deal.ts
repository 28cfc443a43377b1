import { latest } from './chain';
import { covers } from './coverage';
import { Evidence } from './evidence';
import type { NegotiationState } from './negotiation-state';
import { AGREEMENT_RANK, AgreementState, isPending } from './slices/agreements';
import { isSuspended } from './slices/phases';
import type { Stage } from './stage';

/**
 * The headline's second half, beside the stage: whether the deal is holding. The stage says which documents stand
 * (agreed, in force, phases running); this says whether what was agreed still holds on the ground and at the
 * table, so an answer never stays cheerful while a ceasefire has broken down or a party has walked out.
 */
export const DEAL_STATES = [
  'no-deal',
  'pending',
  'holding',
  'disrupted',
  'party-withdrew',
  'ended',
  'concluded',
] as const;
export type DealState = (typeof DEAL_STATES)[number];

/** What leads to each state (also in events/README.md). */
export const DEAL_MEANINGS: Record<DealState, string> = {
  'no-deal': 'no agreement is in force or pending (none reached yet, or the ones reached were rejected)',
  pending: 'an agreement is reached or signed but not yet in force (signature or ratification awaited)',
  holding: 'an agreement is in force and nothing recorded disrupts it',
  disrupted:
    'an agreement is in force, but a ceasefire broke down, hostilities resumed, talks collapsed, a party to it suspended its participation, a phase it covers is suspended, lapsed or terminated, or a commitment was assessed not met',
  'party-withdrew':
    'a party withdrew from the agreement in force, or from the latest one, which its withdrawal ended',
  ended:
    'no agreement is in force or pending and the latest one reached was terminated, or expired (its term ran out unrenewed)',
  concluded: 'every phase the agreements in force cover is completed, and nothing disrupts them',
};

export interface DealReason {
  readonly reason: string;
  readonly evidence: Evidence;
}

export interface DealView {
  readonly state: DealState;
  /** The agreement the headline is about: the most comprehensive one in force, else pending, else the latest. */
  readonly agreementId?: string;
  /** Why the deal is not simply holding: each disruption or withdrawal with the development that recorded it. */
  readonly reasons: readonly DealReason[];
}

/** The most comprehensive agreement, the latest of equal rank. */
const headlineOf = (agreements: readonly AgreementState[]): AgreementState | undefined =>
  agreements.reduce<AgreementState | undefined>((best, a) => {
    if (best === undefined) return a;
    const byRank = AGREEMENT_RANK[a.kind] - AGREEMENT_RANK[best.kind];
    return byRank > 0 || (byRank === 0 && a.statusSince.occurredAt >= best.statusSince.occurredAt) ? a : best;
  }, undefined);

/** What disrupts agreements in force: the ground, the talks, the phases they cover, commitments not met. */
const disruptions = (state: NegotiationState, inForce: readonly AgreementState[]): DealReason[] => {
  const reasons: DealReason[] = [];
  const ceasefires = Object.values(state.ground.ceasefires);
  // A ceasefire restored since (another one in effect) no longer disrupts; hostilities always do.
  if (!ceasefires.some((c) => c.state === 'in-effect'))
    for (const c of ceasefires)
      if (c.brokeDown !== undefined)
        reasons.push({
          reason: `ceasefire ${c.ceasefireId} broke down: ${c.brokeDown.reason}`,
          evidence: c.brokeDown.evidence,
        });
  for (const actor of Object.values(state.ground.actors))
    if (actor.posture === 'hostilities')
      reasons.push({ reason: `${actor.actor}: hostilities`, evidence: actor.since });
  const { collapsed } = state.talks;
  if (collapsed !== undefined)
    reasons.push({ reason: `talks collapsed: ${collapsed.reason}`, evidence: collapsed });
  for (const [phaseId, progress] of Object.entries(state.phases.progress)) {
    if (!inForce.some((a) => covers(state, a, phaseId))) continue;
    const suspension = latest(progress.suspensions, 1)[0];
    if (isSuspended(progress) && suspension !== undefined)
      reasons.push({ reason: `phase ${phaseId} suspended`, evidence: suspension.suspended });
    else if (progress.ended !== undefined && progress.ended.outcome !== 'completed')
      reasons.push({
        reason: `phase ${phaseId} ${progress.ended.outcome}`,
        evidence: progress.ended.evidence,
      });
  }
  const bound = new Set(inForce.flatMap((a) => a.parties));
  for (const participant of Object.values(state.parties.participants))
    if (participant.standing === 'suspended' && bound.has(participant.party))
      reasons.push({
        reason: `${participant.party} suspended its participation${
          participant.reason === undefined ? '' : `: ${participant.reason}`
        }`,
        evidence: participant.since,
      });
  const agreementIds = new Set(inForce.map((a) => a.agreementId));
  for (const commitment of Object.values(state.conditions.commitments)) {
    const assessment = commitment.latestAssessment;
    const bound = commitment.agreementId === undefined || agreementIds.has(commitment.agreementId);
    if (bound && assessment?.outcome === 'not-met')
      reasons.push({
        reason: `commitment ${commitment.commitmentId} not met, as assessed by ${assessment.assessedBy}`,
        evidence: assessment.evidence,
      });
  }
  return reasons.sort((a, b) => (a.evidence.occurredAt < b.evidence.occurredAt ? -1 : 1));
};

const withdrawalsFrom = (agreement: AgreementState): DealReason[] =>
  Object.values(agreement.withdrawals).map((w) => ({
    reason: `${w.party} withdrew from ${agreement.agreementId}${w.reason === undefined ? '' : `: ${w.reason}`}`,
    evidence: w.evidence,
  }));

export const dealOf = (state: NegotiationState, stage: Stage): DealView => {
  const reached = Object.values(state.agreements.agreements).filter((a) => a.reached !== undefined);
  const inForce = reached.filter((a) => a.status === 'in-force');
  const about = (a: AgreementState | undefined) => (a === undefined ? {} : { agreementId: a.agreementId });
  if (inForce.length > 0) {
    const headline = headlineOf(inForce);
    const withdrawals = inForce.flatMap(withdrawalsFrom);
    const disrupted = disruptions(state, inForce);
    if (withdrawals.length > 0)
      return { state: 'party-withdrew', ...about(headline), reasons: [...withdrawals, ...disrupted] };
    if (disrupted.length > 0) return { state: 'disrupted', ...about(headline), reasons: disrupted };
    return { state: stage === 'concluded' ? 'concluded' : 'holding', ...about(headline), reasons: [] };
  }
  const pending = reached.filter(isPending);
  if (pending.length > 0) return { state: 'pending', ...about(headlineOf(pending)), reasons: [] };
  const last = reached.reduce<AgreementState | undefined>(
    (last, a) => (last === undefined || a.statusSince.occurredAt >= last.statusSince.occurredAt ? a : last),
    undefined,
  );
  if (last?.status === 'expired')
    return {
      state: 'ended',
      ...about(last),
      reasons: [
        {
          reason: `${last.agreementId} expired${last.term === undefined ? '' : `: its term ended ${last.term.endsOn}`}`,
          evidence: last.statusSince,
        },
      ],
    };
  if (last?.status === 'terminated') {
    const withdrawals = withdrawalsFrom(last);
    return withdrawals.length > 0
      ? { state: 'party-withdrew', ...about(last), reasons: withdrawals }
      : {
          state: 'ended',
          ...about(last),
          reasons: [{ reason: `${last.agreementId} terminated`, evidence: last.statusSince }],
        };
  }
  return {
    state: 'no-deal',
    ...about(last),
    reasons:
      last?.status === 'rejected'
        ? [{ reason: `${last.agreementId} rejected`, evidence: last.statusSince }]
        : [],
  };
};
