import { startOfDateOrDateTime } from '../domain';
import { Evidence, withEntry } from './evidence';
import type { NegotiationState } from './negotiation-state';
import { stageOf } from './stage';
import { pendingStatus } from './slices/agreements';
import { hasRunOut } from './slices/terms';

/**
 * Dates of force are judged at the date asked, like due dates: an agreement that enters into force on a later date
 * is pending until then; an agreement in force or a ceasefire in effect whose term ran out by then, not extended,
 * is `expired`; and the stage is worked out again from those. Applied by the views, so
 * a state kept or folded once answers for any later date.
 */
export const forceAsOf = (state: NegotiationState, asOfMs: number): NegotiationState => {
  const inForce = Object.values(state.agreements.agreements).filter((a) => a.status === 'in-force');
  // In force from a later date: pending until then (signed, or agreed when nobody has signed).
  const notYet = inForce.filter(
    (a) => a.entersIntoForceOn !== undefined && startOfDateOrDateTime(a.entersIntoForceOn) > asOfMs,
  );
  const agreements = inForce.filter((a) => !notYet.includes(a) && hasRunOut(a.term, asOfMs));
  const ceasefires = Object.values(state.ground.ceasefires).filter(
    (c) => c.state === 'in-effect' && hasRunOut(c.term, asOfMs),
  );
  if (agreements.length === 0 && ceasefires.length === 0 && notYet.length === 0) return state;
  const ended: Evidence[] = [];
  let agreementsNow = state.agreements.agreements;
  for (const a of notYet)
    agreementsNow = withEntry(agreementsNow, a.agreementId, { ...a, status: pendingStatus(a) });
  for (const a of agreements)
    if (a.term !== undefined) {
      agreementsNow = withEntry(agreementsNow, a.agreementId, {
        ...a,
        status: 'expired',
        statusSince: a.term.evidence,
      });
      ended.push(a.term.evidence);
    }
  let ceasefiresNow = state.ground.ceasefires;
  for (const c of ceasefires)
    if (c.term !== undefined)
      ceasefiresNow = withEntry(ceasefiresNow, c.ceasefireId, {
        ...c,
        state: 'expired',
        since: c.term.evidence,
      });
  const next: NegotiationState = {
    ...state,
    agreements: { agreements: agreementsNow },
    ground: { ...state.ground, ceasefires: ceasefiresNow },
  };
  const stage = stageOf(next);
  const latestEnd = ended.reduce<Evidence | undefined>(
    (last, e) => (last === undefined || e.occurredAt >= last.occurredAt ? e : last),
    undefined,
  );
  const since = latestEnd ?? notYet.map((a) => a.reached).find((e) => e !== undefined);
  return stage === state.stage
    ? next
    : { ...next, stage, ...(since === undefined ? {} : { stageSince: since }) };
};
