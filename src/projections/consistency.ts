import { FieldViolation, NewEvent, occurredInterval } from '../domain';
import { Development, DevelopmentOfType, DevelopmentType, entry } from './evidence';
import { NegotiationState, evolve } from './negotiation-state';
import { isSuspended } from './slices/phases';

/**
 * Developments the log's own state contradicts when they are recorded (talks resumed that were not paused, a
 * withdrawal by someone who was never a party): accepted with a warning naming the field, since a late or missing
 * report may explain them, and refused in strict mode. Each is judged against the state as of its own date, with
 * the batch's earlier developments applied.
 */

type Finding = { readonly field: string; readonly reason: string } | undefined;
type Check<T extends DevelopmentType> = (state: NegotiationState, event: DevelopmentOfType<T>) => Finding;

const TALKING = new Set(['TalksOpened', 'TalksResumed', 'TalksMoved']);

const CHECKS: { readonly [T in DevelopmentType]?: Check<T> } = {
  // Only after talks opened or resumed with nothing pausing them since: after an agreement, talks on its
  // implementation rightly "resume".
  TalksResumed: (state) =>
    state.talks.activity === 'active' && TALKING.has(state.talks.activitySince?.type ?? '')
      ? {
          field: 'type',
          reason: `resumes talks that were not stalled, suspended or collapsed (active since ${
            state.talks.activitySince?.occurredAt ?? 'the start'
          })`,
        }
      : undefined,
  PhaseResumed: (state, event) =>
    isSuspended(entry(state.phases.progress, event.payload.phaseId))
      ? undefined
      : {
          field: 'payload.phaseId',
          reason: `resumes phase "${event.payload.phaseId}", which is not suspended`,
        },
  ParticipationResumed: (state, event) =>
    entry(state.parties.participants, event.payload.party)?.standing === 'suspended'
      ? undefined
      : {
          field: 'payload.party',
          reason: `"${event.payload.party}" resumes a participation it had not suspended`,
        },
  PartyWithdrewFromAgreement: (state, event) => {
    const { agreementId, party } = event.payload;
    const agreement = entry(state.agreements.agreements, agreementId);
    // An agreement nothing defines is the reference check's to name.
    if (agreement?.reached === undefined) return undefined;
    const earlier = entry(agreement.withdrawals, party);
    if (earlier !== undefined)
      return {
        field: 'payload.party',
        reason: `"${party}" already withdrew from agreement "${agreementId}" (${earlier.evidence.occurredAt})`,
      };
    return agreement.parties.length > 0 && !agreement.parties.includes(party)
      ? {
          field: 'payload.party',
          reason: `"${party}" is not a party to agreement "${agreementId}" (its parties: ${agreement.parties.join(', ')})`,
        }
      : undefined;
  },
};

/** Whether any development of the batch has a consistency rule (else the state need not be read for it). */
export const hasConsistencyRules = (batch: readonly NewEvent[]): boolean =>
  batch.some((event) => (CHECKS as Record<string, unknown>)[event.type] !== undefined);

const isDevelopment = (event: NewEvent): boolean =>
  event.type !== 'EventCorrected' && event.type !== 'EventRetracted';

/**
 * The warnings of a batch: `stateAt(date)` is the negotiation's state as of a date (the log before the batch);
 * the batch's developments that start no later than the one judged are applied to it in order. Developments of
 * one date share that work: each carries on from the state the previous one of its date was judged against.
 */
export const inconsistenciesInBatch = (
  stateAt: (asOf: string) => NegotiationState,
  batch: ReadonlyArray<NewEvent & { readonly id: string }>,
  prefix = 'events',
): FieldViolation[] => {
  const judgedAt = new Map<string, { readonly state: NegotiationState; readonly upTo: number }>();
  return batch.flatMap((event, index) => {
    const check = (CHECKS as Record<string, Check<DevelopmentType> | undefined>)[event.type];
    if (check === undefined || !isDevelopment(event)) return [];
    const startMs = occurredInterval(event).startMs;
    const date = `${event.occurredAt} ${event.precision}`;
    const earlier = judgedAt.get(date) ?? { state: stateAt(event.occurredAt), upTo: 0 };
    const before = batch
      .slice(earlier.upTo, index)
      .filter((e) => isDevelopment(e) && occurredInterval(e).startMs <= startMs)
      .reduce((state, e) => evolve(state, e as unknown as Development), earlier.state);
    judgedAt.set(date, { state: before, upTo: index });
    const finding = check(before, event as unknown as DevelopmentOfType<DevelopmentType>);
    return finding === undefined
      ? []
      : [{ field: `${prefix}.${index}.${finding.field}`, reason: finding.reason }];
  });
};
