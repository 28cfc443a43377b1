import { endOfDateOrDateTime, occurredInterval } from '../domain';
import { Evidence, entry } from './evidence';
import { agreementsCovering } from './coverage';
import type { NegotiationState } from './negotiation-state';
import { AGREEMENT_RANK, AgreementState, isPending } from './slices/agreements';
import { isRunning, isSuspended } from './slices/phases';

/**
 * The stage of a negotiation, derived from its state after every development (never a one-way ratchet), so a
 * late report, a correction or a retraction moves it wherever the facts now put it. See STAGE_MEANINGS.
 */
const startOf = (evidence: Evidence) => occurredInterval(evidence).startMs;

export const STAGES = [
  'pre-negotiation',
  'negotiating',
  'interim-agreement',
  'framework-agreed',
  'awaiting-ratification',
  'agreement-in-force',
  'implementing',
  'implementation-suspended',
  'implementation-ended',
  'concluded',
  'renegotiation',
  'agreement-ended',
  'collapsed',
] as const;
export type Stage = (typeof STAGES)[number];

/** What leads to each stage (also in events/README.md). */
export const STAGE_MEANINGS: Record<Stage, string> = {
  'pre-negotiation':
    'no development yet shows the parties engaging (a proposal, a response, a delegation, talks)',
  negotiating: 'the parties engage and no agreement is in force or pending',
  'interim-agreement':
    'an interim or partial agreement is in force; no framework or final one is in force or pending, and none of its phases runs',
  'framework-agreed': 'a framework agreement is in force; no final one is, and none of its phases runs',
  'awaiting-ratification':
    'a framework, final or comprehensive agreement is reached or signed, but not yet in force (ratification or signature pending), and what is in force, if anything, is less comprehensive',
  'agreement-in-force': 'a final or comprehensive agreement is in force and none of its phases runs',
  implementing:
    'an agreement is in force and at least one phase it covers runs (started, not ended, not suspended)',
  'implementation-suspended': 'every running phase of the agreements in force is suspended',
  'implementation-ended':
    'every phase the agreements in force cover has ended, and at least one lapsed or was terminated rather than completed',
  concluded: 'every phase the agreements in force cover has been completed (none lapsed or terminated)',
  renegotiation: 'the latest agreement was rejected in a ratification, and none is in force',
  'agreement-ended':
    'the latest agreement was terminated (a party withdrew, leaving fewer than two) or expired unrenewed, none is in force or pending, and the talks have not been active since it ended',
  collapsed:
    'talks were declared collapsed and neither resumed nor reopened since, and no agreement is in force, or one is but the collapse came after it entered into force and none of its phases runs',
};

const rankOf = (agreements: readonly AgreementState[]): number =>
  Math.max(0, ...agreements.map((a) => AGREEMENT_RANK[a.kind]));

const phasesOf = (state: NegotiationState, inForce: readonly AgreementState[]): string[] =>
  [...new Set([...Object.keys(state.phases.definitions), ...Object.keys(state.phases.progress)])].filter(
    (phaseId) => agreementsCovering(state, phaseId).some((a) => inForce.includes(a)),
  );

/** When the latest agreement in force entered into force (or was reached, when nothing says so). */
const inForceSince = (agreements: readonly AgreementState[]): number =>
  Math.max(...agreements.map((a) => startOf(a.enteredIntoForce ?? a.reached ?? a.statusSince)));

/** The stage while agreements are in force: their phases first, then a later collapse, then their kind. */
const stageInForce = (
  state: NegotiationState,
  inForce: readonly AgreementState[],
  pendingRank: number,
): Stage => {
  const covered = phasesOf(state, inForce);
  const progress = covered.map((phaseId) => entry(state.phases.progress, phaseId));
  const running = progress.filter(isRunning);
  if (running.length > 0) return running.every(isSuspended) ? 'implementation-suspended' : 'implementing';
  if (covered.length > 0 && progress.every((p) => p?.ended !== undefined))
    return progress.every((p) => p?.ended?.outcome === 'completed') ? 'concluded' : 'implementation-ended';
  const collapsed = state.talks.collapsed;
  if (collapsed !== undefined && startOf(collapsed) >= inForceSince(inForce)) return 'collapsed';
  const rank = rankOf(inForce);
  if (pendingRank >= AGREEMENT_RANK.framework && pendingRank > rank) return 'awaiting-ratification';
  if (rank >= AGREEMENT_RANK.final) return 'agreement-in-force';
  return rank === AGREEMENT_RANK.framework ? 'framework-agreed' : 'interim-agreement';
};

/** When an agreement stopped being in force: its term's last day for an expiry, else the development that ended it. */
const endOf = (a: AgreementState): number =>
  a.status === 'expired' && a.term !== undefined
    ? endOfDateOrDateTime(a.term.endsOn)
    : startOf(a.statusSince);

/** Whether talks have been active again since an instant (opened, resumed, or a party back at the table). */
const talksActiveSince = (state: NegotiationState, sinceMs: number): boolean =>
  state.talks.activity === 'active' &&
  state.talks.activitySince !== undefined &&
  startOf(state.talks.activitySince) > sinceMs;

export const stageOf = (state: NegotiationState): Stage => {
  const agreements = Object.values(state.agreements.agreements).filter((a) => a.reached !== undefined);
  const inForce = agreements.filter((a) => a.status === 'in-force');
  const pendingRank = rankOf(agreements.filter(isPending));
  if (inForce.length > 0) return stageInForce(state, inForce, pendingRank);
  if (state.talks.collapsed !== undefined) return 'collapsed';
  if (pendingRank >= AGREEMENT_RANK.framework) return 'awaiting-ratification';
  const latest = agreements.reduce<AgreementState | undefined>(
    (last, a) => (last === undefined || a.statusSince.occurredAt >= last.statusSince.occurredAt ? a : last),
    undefined,
  );
  if (latest?.status === 'rejected') return 'renegotiation';
  if (latest !== undefined && (latest.status === 'terminated' || latest.status === 'expired'))
    return talksActiveSince(state, endOf(latest)) ? 'negotiating' : 'agreement-ended';
  if (state.talks.engaged !== undefined || agreements.length > 0) return 'negotiating';
  return 'pre-negotiation';
};
