import {
  IssueId,
  Milestone,
  Phase,
  Prerequisite,
  occurrenceInterval,
  parseDay,
  parseInstant,
} from '../domain';
import { toArray } from './chain';
import { agreementsCovering } from './coverage';
import { Evidence, defined, entry } from './evidence';
import type { NegotiationState } from './negotiation-state';
import { AgreementState, SigningView, isPending, unsigned } from './slices/agreements';
import { verificationKey } from './slices/conditions';
import { PhaseDefinition, PhaseProgress, isSuspended } from './slices/phases';

/** How ready each phase is as of a moment: every prerequisite met or not, with its evidence and why. */

const DAY_MS = 86_400_000;

export interface PrerequisiteStatus {
  readonly prerequisite: Prerequisite;
  readonly description: string;
  /** 'phase' when the phase definition lists it; 'issue' when an open issue declares that it blocks the phase. */
  readonly origin: 'phase' | 'issue';
  readonly met: boolean;
  readonly since?: Evidence;
  /** For a time condition: the day it is (or was) met. */
  readonly metOn?: string;
  readonly detail?: string;
}

type Evaluated = Omit<PrerequisiteStatus, 'origin'>;

interface Context {
  readonly state: NegotiationState;
  readonly definition: PhaseDefinition;
  readonly asOfMs: number;
}

const startOf = (evidence: Evidence): number => {
  const interval = occurrenceInterval(evidence.occurredAt, evidence.precision);
  return typeof interval === 'string' ? Number.NaN : interval.startMs;
};

const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

const proposalOf = ({ state, definition }: Context, named?: string): string | undefined =>
  named ?? definition.proposalId ?? state.phases.framework?.proposalId;

/** The agreement a prerequisite means: the one it names, else the one that defines the phase, else any covering it. */
const agreementsOf = ({ state, definition }: Context, named?: string): AgreementState[] => {
  const id = named ?? definition.agreementId;
  if (id !== undefined) {
    const agreement = entry(state.agreements.agreements, id);
    return agreement?.reached === undefined ? [] : [agreement];
  }
  return agreementsCovering(state, definition.phase.phaseId);
};

const milestoneOf = (
  context: Context,
  milestone: Milestone,
): { readonly evidence: Evidence; readonly label: string } | undefined => {
  const { state } = context;
  switch (milestone.of) {
    case 'agreement': {
      const agreement = agreementsOf(context, milestone.agreementId)[0];
      return agreement?.reached === undefined
        ? undefined
        : { evidence: agreement.reached, label: `agreement ${agreement.agreementId}` };
    }
    case 'agreement-in-force': {
      const agreement = agreementsOf(context, milestone.agreementId).find((a) => a.status === 'in-force');
      return agreement === undefined
        ? undefined
        : {
            evidence: agreement.enteredIntoForce ?? agreement.statusSince,
            label: `agreement ${agreement.agreementId} in force`,
          };
    }
    case 'phase-started': {
      const started = entry(state.phases.progress, milestone.phaseId)?.started;
      return started === undefined ? undefined : { evidence: started, label: `${milestone.phaseId} started` };
    }
    case 'phase-completed': {
      const ended = entry(state.phases.progress, milestone.phaseId)?.ended;
      return ended?.outcome === 'completed'
        ? { evidence: ended.evidence, label: `${milestone.phaseId} completed` }
        : undefined;
    }
    case 'endorsement': {
      const proposalId = proposalOf(context, milestone.proposalId);
      const endorsement = toArray(
        proposalId === undefined ? undefined : entry(state.proposals.proposals, proposalId)?.endorsements,
      ).find((e) => milestone.body === undefined || e.by.includes(milestone.body));
      return endorsement === undefined
        ? undefined
        : { evidence: endorsement.evidence, label: `endorsement of ${proposalId}` };
    }
    case 'ratification': {
      for (const agreement of agreementsOf(context, milestone.agreementId)) {
        const vote = Object.values(agreement.ratifications).find(
          (v) => v.outcome === 'approved' && (milestone.body === undefined || v.body === milestone.body),
        );
        if (vote !== undefined) return { evidence: vote.evidence, label: `ratification by ${vote.body}` };
      }
      return undefined;
    }
    default: {
      const exhaustive: never = milestone;
      return exhaustive;
    }
  }
};

const milestoneWords = (milestone: Milestone): string => {
  switch (milestone.of) {
    case 'agreement':
      return milestone.agreementId === undefined ? 'the agreement' : `agreement ${milestone.agreementId}`;
    case 'agreement-in-force':
      return `${milestone.agreementId ?? 'the agreement'} entering into force`;
    case 'phase-started':
      return `${milestone.phaseId} started`;
    case 'phase-completed':
      return `${milestone.phaseId} completed`;
    case 'endorsement':
      return `endorsement${milestone.body === undefined ? '' : ` by ${milestone.body}`}`;
    case 'ratification':
      return `ratification${milestone.body === undefined ? '' : ` by ${milestone.body}`}`;
    default: {
      const exhaustive: never = milestone;
      return exhaustive;
    }
  }
};

type Evaluator<K extends Prerequisite['kind']> = (
  context: Context,
  prerequisite: Extract<Prerequisite, { kind: K }>,
) => Evaluated;

const evaluateAgreement: Evaluator<'agreement'> = (context, prerequisite) => {
  const phaseId = context.definition.phase.phaseId;
  const candidates = agreementsOf(context, prerequisite.agreementId);
  const inForce = candidates.find((a) => a.status === 'in-force');
  const pending = candidates[0];
  return {
    prerequisite,
    description: `agreement covering ${phaseId}${prerequisite.agreementId === undefined ? '' : ` (${prerequisite.agreementId})`}`,
    met: inForce !== undefined,
    ...(inForce !== undefined
      ? {
          since: inForce.enteredIntoForce ?? inForce.statusSince,
          detail: `agreed by ${inForce.parties.join(', ')}`,
        }
      : pending !== undefined
        ? {
            detail: `agreement ${pending.agreementId} is ${pending.status}${isPending(pending) ? awaiting(pending) : ''}`,
          }
        : {}),
  };
};

// One evaluator for both kinds: typed by its parameters, so it serves as the evaluator of each.
const evaluatePhaseProgress = (
  context: Context,
  prerequisite: Extract<Prerequisite, { kind: 'phase-started' | 'phase-completed' }>,
): Evaluated => {
  const { state } = context;
  const progress = entry(state.phases.progress, prerequisite.phaseId);
  const since =
    prerequisite.kind === 'phase-started'
      ? progress?.started
      : progress?.ended?.outcome === 'completed'
        ? progress.ended.evidence
        : undefined;
  return {
    prerequisite,
    description: `${prerequisite.phaseId} ${prerequisite.kind === 'phase-started' ? 'started' : 'completed'}`,
    met: since !== undefined,
    ...defined({
      since,
      detail:
        prerequisite.kind === 'phase-completed' &&
        progress?.ended !== undefined &&
        progress.ended.outcome !== 'completed'
          ? `${prerequisite.phaseId} ${progress.ended.outcome}`
          : undefined,
    }),
  };
};

const evaluateIssueResolved: Evaluator<'issue-resolved'> = (context, prerequisite) => {
  const { state } = context;
  const phaseId = context.definition.phase.phaseId;
  const issue = entry(state.issues, prerequisite.issueId);
  const description = `issue ${prerequisite.issueId} resolved${issue?.title ? ` (${issue.title})` : ''}`;
  if (issue?.deferredTo !== undefined && issue.deferredTo.phaseId !== phaseId && issue.state !== 'resolved')
    return {
      prerequisite,
      description,
      met: true,
      since: issue.deferredTo.evidence,
      detail: `deferred to ${issue.deferredTo.phaseId}`,
    };
  const resolved = issue?.state === 'resolved';
  return {
    prerequisite,
    description,
    met: resolved,
    ...(resolved ? { since: issue.stateSince } : {}),
    detail:
      issue === undefined
        ? 'issue not raised yet'
        : issue.settledBy !== undefined && resolved
          ? `settled by agreement ${issue.settledBy}`
          : `issue is ${issue.state}`,
  };
};

const evaluateAcceptedBy: Evaluator<'accepted-by'> = (context, prerequisite) => {
  const { state } = context;
  const proposalId = proposalOf(context, prerequisite.proposalId) ?? '(no proposal)';
  const proposal = entry(state.proposals.proposals, proposalId);
  const stance = proposal === undefined ? undefined : entry(proposal.stances, prerequisite.party);
  const description = `${prerequisite.party} accepts ${proposalId}`;
  if (stance?.stance === 'accepted')
    return {
      prerequisite,
      description,
      met: true,
      since: stance.evidence,
      detail: 'latest stance: accepted',
    };
  const agreement = Object.values(state.agreements.agreements).find(
    (a) =>
      a.reached !== undefined &&
      a.status !== 'rejected' &&
      a.status !== 'superseded' &&
      a.parties.includes(prerequisite.party) &&
      entry(a.withdrawals, prerequisite.party) === undefined &&
      (a.proposalId === proposalId || a.agreementId === proposalId),
  );
  if (agreement?.reached !== undefined)
    return {
      prerequisite,
      description,
      met: true,
      since: agreement.reached,
      detail: `party to agreement ${agreement.agreementId}${stance === undefined ? '' : ` (latest stance: ${stance.stance})`}`,
    };
  return {
    prerequisite,
    description,
    met: false,
    detail: stance === undefined ? 'no response recorded' : `latest stance: ${stance.stance}`,
  };
};

const evaluateDaysAfter: Evaluator<'days-after'> = (context, prerequisite) => {
  const { asOfMs } = context;
  const milestone = milestoneOf(context, prerequisite.after);
  const description = `${prerequisite.days} days after ${milestoneWords(prerequisite.after)}`;
  if (milestone === undefined)
    return {
      prerequisite,
      description,
      met: false,
      detail: `${milestoneWords(prerequisite.after)}: not yet`,
    };
  const dueMs = startOf(milestone.evidence) + prerequisite.days * DAY_MS;
  const met = asOfMs >= dueMs;
  return {
    prerequisite,
    description,
    met,
    since: milestone.evidence,
    metOn: dayOf(dueMs),
    detail: `${milestone.label} on ${milestone.evidence.occurredAt}; ${met ? 'met' : 'not before'} ${dayOf(dueMs)}`,
  };
};

const evaluateDate: Evaluator<'date'> = (context, prerequisite) => {
  const { asOfMs } = context;
  const onMs = parseDay(prerequisite.on) ?? parseInstant(prerequisite.on) ?? Number.NaN;
  const met = asOfMs >= onMs;
  return {
    prerequisite,
    description: `on or after ${prerequisite.on}`,
    met,
    metOn: prerequisite.on,
    detail: met ? `reached ${prerequisite.on}` : `not before ${prerequisite.on}`,
  };
};

const evaluateVerifiedBy: Evaluator<'verified-by'> = (context, prerequisite) => {
  const { state } = context;
  const verification =
    state.conditions.verifications[verificationKey(prerequisite.body, prerequisite.subject)];
  const met = verification?.outcome === 'verified';
  return {
    prerequisite,
    description: prerequisite.description ?? `${prerequisite.subject} verified by ${prerequisite.body}`,
    met,
    ...(verification === undefined ? {} : { since: verification.evidence }),
    detail:
      verification === undefined
        ? `no report by ${prerequisite.body}`
        : `${verification.outcome}: ${verification.description}`,
  };
};

const evaluateEndorsedBy: Evaluator<'endorsed-by'> = (context, prerequisite) => {
  const { state } = context;
  // An agreement named: its own endorsements (AgreementEndorsed); else the proposal's (ProposalEndorsed).
  if (prerequisite.agreementId !== undefined) {
    const endorsements = entry(state.agreements.agreements, prerequisite.agreementId)?.endorsements;
    const endorsement = toArray(endorsements).find((e) => e.endorsedBy.includes(prerequisite.body));
    return {
      prerequisite,
      description: `${prerequisite.agreementId} endorsed by ${prerequisite.body}`,
      met: endorsement !== undefined,
      ...(endorsement === undefined
        ? { detail: 'no endorsement recorded' }
        : { since: endorsement.evidence }),
    };
  }
  const proposalId = proposalOf(context, prerequisite.proposalId) ?? '(no proposal)';
  const endorsement = toArray(entry(state.proposals.proposals, proposalId)?.endorsements).find((e) =>
    e.by.includes(prerequisite.body),
  );
  return {
    prerequisite,
    description: `${proposalId} endorsed by ${prerequisite.body}`,
    met: endorsement !== undefined,
    ...(endorsement === undefined ? { detail: 'no endorsement recorded' } : { since: endorsement.evidence }),
  };
};

const evaluateRatifiedBy: Evaluator<'ratified-by'> = (context, prerequisite) => {
  const agreements = agreementsOf(context, prerequisite.agreementId);
  const vote = agreements.map((a) => entry(a.ratifications, prerequisite.body)).find((v) => v !== undefined);
  return {
    prerequisite,
    description: `${prerequisite.agreementId ?? agreements[0]?.agreementId ?? 'the agreement'} ratified by ${prerequisite.body}`,
    met: vote?.outcome === 'approved',
    ...(vote === undefined ? { detail: 'no vote recorded' } : { since: vote.evidence, detail: vote.outcome }),
  };
};

const evaluateCommitmentMet: Evaluator<'commitment-met'> = (context, prerequisite) => {
  const { state } = context;
  const commitment = entry(state.conditions.commitments, prerequisite.commitmentId);
  const assessment =
    prerequisite.judgedBy === undefined
      ? commitment?.latestAssessment
      : commitment === undefined
        ? undefined
        : entry(commitment.assessments, prerequisite.judgedBy);
  const met = assessment?.outcome === 'met';
  return {
    prerequisite,
    description:
      prerequisite.description ??
      `${commitment?.description ?? prerequisite.commitmentId} met${prerequisite.judgedBy === undefined ? '' : `, as judged by ${prerequisite.judgedBy}`}`,
    met,
    ...(assessment === undefined
      ? { detail: commitment === undefined ? 'commitment not recorded' : 'no assessment recorded' }
      : { since: assessment.evidence, detail: `${assessment.outcome} (${assessment.assessedBy})` }),
  };
};

/** The earliest of several met conditions: the one whose development came first. */
const firstMet = (met: readonly Evaluated[]): Evaluated | undefined =>
  [...met].sort(
    (a, b) =>
      (a.since === undefined ? Number.POSITIVE_INFINITY : startOf(a.since)) -
      (b.since === undefined ? Number.POSITIVE_INFINITY : startOf(b.since)),
  )[0];

/** Met by whichever of its conditions is met first; the others are listed in its detail while none is. */
const evaluateAnyOf: Evaluator<'any-of'> = (context, prerequisite) => {
  const each = prerequisite.of.map((condition) => evaluate(context, condition));
  const first = firstMet(each.filter((e) => e.met));
  return {
    prerequisite,
    description: prerequisite.description ?? `any of: ${each.map((e) => e.description).join('; ')}`,
    met: first !== undefined,
    ...(first === undefined
      ? { detail: each.map((e) => `${e.description}: ${e.detail ?? 'not met'}`).join('; ') }
      : {
          detail: `met by ${first.description}`,
          ...defined({ since: first.since, metOn: first.metOn }),
        }),
  };
};

/** How each kind of prerequisite is judged: one evaluator per kind, the compiler holding the table complete. */
const EVALUATORS: { readonly [K in Prerequisite['kind']]: Evaluator<K> } = {
  agreement: evaluateAgreement,
  'phase-started': evaluatePhaseProgress,
  'phase-completed': evaluatePhaseProgress,
  'issue-resolved': evaluateIssueResolved,
  'accepted-by': evaluateAcceptedBy,
  'days-after': evaluateDaysAfter,
  date: evaluateDate,
  'verified-by': evaluateVerifiedBy,
  'endorsed-by': evaluateEndorsedBy,
  'ratified-by': evaluateRatifiedBy,
  'commitment-met': evaluateCommitmentMet,
  'any-of': evaluateAnyOf,
};

const evaluate = <K extends Prerequisite['kind']>(
  context: Context,
  prerequisite: Extract<Prerequisite, { kind: K }>,
): Evaluated => {
  const evaluator: Evaluator<K> = EVALUATORS[prerequisite.kind];
  return evaluator(context, prerequisite);
};

const awaiting = (agreement: AgreementState): string => {
  const bodies = agreement.requiresRatificationBy.filter(
    (b) => entry(agreement.ratifications, b)?.outcome !== 'approved',
  );
  if (bodies.length > 0) return `, awaiting ratification by ${bodies.join(', ')}`;
  const missing = agreement.requiresSignature ? unsigned(agreement) : [];
  return missing.length > 0 ? `, awaiting the signature of ${missing.join(', ')}` : '';
};

export const PHASE_STATES = [
  'blocked',
  'ready',
  'in-progress',
  'suspended',
  'completed',
  'lapsed',
  'terminated',
] as const;
export type PhaseStateName = (typeof PHASE_STATES)[number];

export interface PhaseReadiness {
  readonly phaseId: string;
  readonly name: string;
  readonly order: number;
  readonly description?: string;
  readonly duration?: string;
  readonly durationDays?: number;
  readonly proposalId?: string;
  readonly agreementId?: string;
  readonly definedBy: Evidence;
  readonly provisions: Phase['provisions'];
  readonly state: PhaseStateName;
  readonly prerequisites: readonly PrerequisiteStatus[];
  readonly blocking: readonly PrerequisiteStatus[];
  /** What must hold before it can be completed (its completionConditions), each with whether it is met. */
  readonly completion: readonly PrerequisiteStatus[];
  /** Running, with completion conditions, every one of them met: it can now be completed. */
  readonly readyToComplete: boolean;
  readonly scheduledFor?: string;
  readonly started?: Evidence;
  readonly completed?: Evidence;
  readonly ended?: PhaseProgress['ended'];
  /** Start plus durationDays; overdue when it has passed and the phase has not ended. */
  readonly dueBy?: string;
  readonly overdue: boolean;
  /** Completed, but only once its due date had passed (the lateness kept after overdue goes back to false). */
  readonly completedLate: boolean;
  readonly startBy?: string;
  /** The date by which it should have started passed without a start (or it started after it). */
  readonly startMissed: boolean;
  readonly suspensions: ReadonlyArray<NonNullable<PhaseProgress['suspensions']>['last']>;
  readonly provisionsImplemented: number;
  readonly violations: number;
}

const stateOf = (
  progress: PhaseProgress | undefined,
  blocking: readonly PrerequisiteStatus[],
): PhaseStateName => {
  if (progress?.ended !== undefined) return progress.ended.outcome;
  if (progress?.started !== undefined) return isSuspended(progress) ? 'suspended' : 'in-progress';
  return blocking.length === 0 ? 'ready' : 'blocked';
};

export const phaseReadiness = (
  state: NegotiationState,
  definition: PhaseDefinition,
  asOfMs: number,
): PhaseReadiness => {
  const { phase } = definition;
  const context: Context = { state, definition, asOfMs };
  const declared = phase.prerequisites.map((p) => ({ ...evaluate(context, p), origin: 'phase' as const }));
  const declaredIssues = new Set<string>(
    phase.prerequisites.flatMap((p) => (p.kind === 'issue-resolved' ? [p.issueId] : [])),
  );
  // An issue that blocked the phase stays listed once resolved: met, with the development that resolved it.
  const fromIssues = Object.values(state.issues)
    .filter((issue) => issue.blocksPhases.includes(phase.phaseId) && !declaredIssues.has(issue.issueId))
    .map((issue) => ({
      ...evaluate(context, { kind: 'issue-resolved', issueId: issue.issueId as IssueId }),
      origin: 'issue' as const,
    }));
  const prerequisites = [...declared, ...fromIssues];
  const completion = (phase.completionConditions ?? []).map((p) => ({
    ...evaluate(context, p),
    origin: 'phase' as const,
  }));
  const blocking = prerequisites.filter((p) => !p.met);
  const progress = entry(state.phases.progress, phase.phaseId);
  const dueMs =
    progress?.started === undefined || phase.durationDays === undefined
      ? undefined
      : startOf(progress.started) + phase.durationDays * DAY_MS;
  const startByMs =
    phase.startBy === undefined
      ? undefined
      : (parseDay(phase.startBy) ?? parseInstant(phase.startBy) ?? Number.NaN) + DAY_MS;
  const startMissed =
    startByMs !== undefined &&
    (progress?.started === undefined ? asOfMs >= startByMs : startOf(progress.started) >= startByMs);
  const suspensions = toArray(progress?.suspensions);
  return {
    phaseId: phase.phaseId,
    name: phase.name,
    order: phase.order,
    provisions: phase.provisions,
    definedBy: definition.definedBy,
    state: stateOf(progress, blocking),
    prerequisites,
    blocking,
    completion,
    readyToComplete:
      completion.length > 0 &&
      completion.every((c) => c.met) &&
      progress?.started !== undefined &&
      progress.ended === undefined,
    overdue: dueMs !== undefined && progress?.ended === undefined && asOfMs >= dueMs,
    completedLate:
      dueMs !== undefined &&
      progress?.ended?.outcome === 'completed' &&
      startOf(progress.ended.evidence) >= dueMs,
    startMissed,
    suspensions,
    provisionsImplemented: progress?.provisionsImplemented?.length ?? 0,
    violations: progress?.violations ?? 0,
    ...defined({
      description: phase.description,
      duration: phase.duration,
      durationDays: phase.durationDays,
      proposalId: definition.proposalId,
      agreementId: definition.agreementId,
      scheduledFor: progress?.scheduledFor?.date,
      started: progress?.started,
      completed: progress?.ended?.outcome === 'completed' ? progress.ended.evidence : undefined,
      ended: progress?.ended,
      dueBy: dueMs === undefined ? undefined : dayOf(dueMs),
      startBy: phase.startBy,
    }),
  };
};

/** Phases in the order they were defined, then by their own order. */
export const definedPhases = (state: NegotiationState): PhaseDefinition[] =>
  Object.values(state.phases.definitions).sort(
    (a, b) => a.definition - b.definition || a.phase.order - b.phase.order,
  );

/**
 * An agreement's conditions for signing, judged as a phase's prerequisites are (a phase of its own, which the
 * agreement defines), at a date: listed with whether each is met, and whether it is ready to be signed.
 */
export const signingReadiness = (
  state: NegotiationState,
  agreement: AgreementState,
  asOfMs: number,
): SigningView => {
  if (agreement.signingConditions.length === 0 || agreement.reached === undefined)
    return { signingConditions: [], readyToSign: false };
  const definition: PhaseDefinition = {
    phase: {
      phaseId: `${agreement.agreementId}-signing` as Phase['phaseId'],
      name: `signing of ${agreement.agreementId}`,
      order: 1,
      provisions: [],
      prerequisites: [...agreement.signingConditions],
    },
    agreementId: agreement.agreementId,
    ...defined({ proposalId: agreement.proposalId }),
    definedBy: agreement.reached,
    firstDefinedBy: agreement.reached,
    definition: 0,
  };
  const conditions = agreement.signingConditions.map((p) => ({
    ...evaluate({ state, definition, asOfMs }, p),
    origin: 'phase' as const,
  }));
  return {
    signingConditions: conditions,
    readyToSign:
      conditions.every((c) => c.met) && (agreement.signed === undefined || unsigned(agreement).length > 0),
  };
};
