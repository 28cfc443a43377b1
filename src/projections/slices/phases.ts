import { Phase } from '../../domain';
import { Chain, append } from '../chain';
import { Evidence, defined, withEntry, withoutEntry, entry } from '../evidence';

/** The phases of a phased deal as they were defined, and what happened to each: started, suspended, ended. */

export const PHASE_OUTCOMES = ['completed', 'lapsed', 'terminated'] as const;
export type PhaseOutcome = (typeof PHASE_OUTCOMES)[number];

export interface PhaseDefinition {
  readonly phase: Phase;
  /** The proposal or agreement that defines it. */
  readonly proposalId?: string;
  readonly agreementId?: string;
  readonly definedBy: Evidence;
  /** The first definition of this phase id (a later one may restate it). */
  readonly firstDefinedBy: Evidence;
  /** Definitions are listed in the order they were made (then by each phase's order). */
  readonly definition: number;
}

export interface Suspension {
  readonly suspended: Evidence;
  readonly reason: string;
  readonly suspendedBy?: string;
  readonly issueIds?: readonly string[];
  readonly resumed?: Evidence;
}

export interface PhaseProgress {
  readonly scheduledFor?: { readonly date: string; readonly evidence: Evidence };
  readonly started?: Evidence;
  readonly ended?: {
    readonly outcome: PhaseOutcome;
    readonly evidence: Evidence;
    readonly reason?: string;
    readonly by?: string;
  };
  readonly suspensions: Chain<Suspension> | undefined;
  readonly provisionsImplemented:
    | Chain<{ readonly provisionId?: string; readonly description: string; readonly evidence: Evidence }>
    | undefined;
  readonly violations: number;
  /** The first development that named the phase, when none has defined it (yet). */
  readonly firstReferenced?: Evidence;
}

export interface PhasesState {
  readonly definitions: Readonly<Record<string, PhaseDefinition>>;
  readonly definitionCount: number;
  /** The latest framework (a proposal's or an agreement's set of phases), for answers that name one. */
  readonly framework?: { readonly proposalId: string; readonly evidence: Evidence };
  readonly progress: Readonly<Record<string, PhaseProgress>>;
}

export const initialPhases: PhasesState = { definitions: {}, definitionCount: 0, progress: {} };

/**
 * Defines phases (a later definition of the same id replaces the earlier one). A proposal that supersedes another
 * drops the superseded proposal's phases that it does not define again.
 */
export const define = (
  state: PhasesState,
  phases: readonly Phase[],
  source: { readonly proposalId?: string; readonly agreementId?: string },
  evidence: Evidence,
  supersedes?: string,
): PhasesState => {
  let definitions = state.definitions;
  if (supersedes !== undefined)
    for (const [phaseId, definition] of Object.entries(definitions))
      if (definition.proposalId === supersedes) definitions = withoutEntry(definitions, phaseId);
  for (const phase of phases)
    definitions = withEntry(definitions, phase.phaseId, {
      phase,
      definedBy: evidence,
      firstDefinedBy: entry(definitions, phase.phaseId)?.firstDefinedBy ?? evidence,
      definition: state.definitionCount,
      ...defined(source),
    });
  const frameworkId = source.proposalId ?? source.agreementId;
  return {
    ...state,
    definitions,
    definitionCount: state.definitionCount + 1,
    ...(frameworkId === undefined ? {} : { framework: { proposalId: frameworkId, evidence } }),
  };
};

const progressOf = (state: PhasesState, phaseId: string, evidence: Evidence): PhaseProgress =>
  entry(state.progress, phaseId) ?? {
    suspensions: undefined,
    provisionsImplemented: undefined,
    violations: 0,
    ...(entry(state.definitions, phaseId) === undefined ? { firstReferenced: evidence } : {}),
  };

export const updateProgress = (
  state: PhasesState,
  phaseId: string,
  evidence: Evidence,
  change: (current: PhaseProgress) => PhaseProgress,
): PhasesState => ({
  ...state,
  progress: withEntry(state.progress, phaseId, change(progressOf(state, phaseId, evidence))),
});

export const started = (state: PhasesState, phaseId: string, evidence: Evidence): PhasesState =>
  updateProgress(state, phaseId, evidence, (current) => ({ ...current, started: evidence }));

export const ended = (
  state: PhasesState,
  phaseId: string,
  outcome: PhaseOutcome,
  evidence: Evidence,
  reason?: string,
  by?: string,
): PhasesState =>
  updateProgress(state, phaseId, evidence, (current) => ({
    ...current,
    // A phase reported completed was under way, whether or not its start was reported.
    ...(current.started === undefined && outcome === 'completed' ? { started: evidence } : {}),
    ended: { outcome, evidence, ...defined({ reason, by }) },
  }));

export const suspended = (state: PhasesState, phaseId: string, suspension: Suspension): PhasesState =>
  updateProgress(state, phaseId, suspension.suspended, (current) => ({
    ...current,
    suspensions: append(current.suspensions, suspension),
  }));

/** Resumes the latest suspension; a resumption with none on record is kept as a suspension of unknown start. */
export const resumed = (state: PhasesState, phaseId: string, evidence: Evidence): PhasesState =>
  updateProgress(state, phaseId, evidence, (current) => {
    const last = current.suspensions;
    if (last === undefined || last.last.resumed !== undefined)
      return { ...current, started: current.started ?? evidence };
    return { ...current, suspensions: { ...last, last: { ...last.last, resumed: evidence } } };
  });

/** Whether the phase's latest suspension is still in effect. */
export const isSuspended = (progress: PhaseProgress | undefined): boolean =>
  progress?.suspensions !== undefined && progress.suspensions.last.resumed === undefined;

export const isRunning = (progress: PhaseProgress | undefined): boolean =>
  progress?.started !== undefined && progress.ended === undefined;
