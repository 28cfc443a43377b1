import { entry } from './evidence';
import type { NegotiationState } from './negotiation-state';
import { AgreementState } from './slices/agreements';

/**
 * Whether an agreement covers a phase: it names the phase, defines it, or agrees the framework (the proposal)
 * that defines it. A phase nothing defines (a mistyped id in a PhaseStarted, say) is covered only where an
 * agreement names it. One rule for the "agreement" prerequisite, the stage and whether the deal holds.
 */
export const covers = (state: NegotiationState, agreement: AgreementState, phaseId: string): boolean => {
  if (agreement.phaseIds.includes(phaseId)) return true;
  const definition = entry(state.phases.definitions, phaseId);
  if (definition?.agreementId !== undefined) return definition.agreementId === agreement.agreementId;
  if (agreement.scope !== 'framework' || definition === undefined) return false;
  const proposalId = definition.proposalId ?? state.phases.framework?.proposalId;
  return agreement.proposalId === undefined || agreement.proposalId === proposalId;
};

export const agreementsCovering = (state: NegotiationState, phaseId: string): AgreementState[] =>
  Object.values(state.agreements.agreements).filter(
    (a) => a.reached !== undefined && covers(state, a, phaseId),
  );
