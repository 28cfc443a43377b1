import { DevelopmentType, Development, Evidence, evidenceOf } from './evidence';
import { RULES, Patch } from './rules';
import { AgreementsState, initialAgreements } from './slices/agreements';
import { ConditionsState, initialConditions } from './slices/conditions';
import { DeadlinesState, initialDeadlines } from './slices/deadlines';
import { GroundState, initialGround } from './slices/ground';
import { IssuesState, initialIssues } from './slices/issues';
import { PartiesState, initialParties } from './slices/parties';
import { PhasesState, initialPhases } from './slices/phases';
import { ProposalsState, initialProposals } from './slices/proposals';
import { StatementsState, initialStatements } from './slices/statements';
import { TalksState, initialTalks } from './slices/talks';
import { Stage, stageOf } from './stage';

export * from './evidence';

/**
 * Everything the answers are derived from, in slices: each slice owns its state, the helpers its rules use, its view
 * and its audit digest. The stage is not a slice: it is worked out from the slices after every development.
 */
export interface NegotiationState {
  readonly talks: TalksState;
  readonly parties: PartiesState;
  readonly proposals: ProposalsState;
  readonly issues: IssuesState;
  readonly agreements: AgreementsState;
  readonly phases: PhasesState;
  readonly conditions: ConditionsState;
  readonly ground: GroundState;
  readonly deadlines: DeadlinesState;
  readonly statements: StatementsState;
  readonly stage: Stage;
  readonly stageSince?: Evidence;
  readonly lastDevelopment?: Evidence & { readonly summary?: string };
  readonly developmentCount: number;
}

export type SliceName = Exclude<
  keyof NegotiationState,
  'stage' | 'stageSince' | 'lastDevelopment' | 'developmentCount'
>;

export const initialState: NegotiationState = {
  talks: initialTalks,
  parties: initialParties,
  proposals: initialProposals,
  issues: initialIssues,
  agreements: initialAgreements,
  phases: initialPhases,
  conditions: initialConditions,
  ground: initialGround,
  deadlines: initialDeadlines,
  statements: initialStatements,
  stage: 'pre-negotiation',
  developmentCount: 0,
};

/** The evidence of the latest development, with its summary if it has one. */
const lastDevelopmentOf = (event: Development, evidence: Evidence): NegotiationState['lastDevelopment'] =>
  event.summary === undefined ? evidence : { ...evidence, summary: event.summary };

const patchOf = (state: NegotiationState, event: Development, evidence: Evidence): Patch => {
  const rule = RULES[event.type] as (
    state: NegotiationState,
    event: Development,
    evidence: Evidence,
  ) => Patch;
  return rule(state, event, evidence);
};

/** What every development sets besides its slices: the counters, then the stage the new state gives. */
const settle = (next: NegotiationState, event: Development, evidence: Evidence) => {
  const stage = stageOf(next);
  return {
    developmentCount: next.developmentCount + 1,
    lastDevelopment: lastDevelopmentOf(event, evidence),
    ...(stage === next.stage ? {} : { stage, stageSince: evidence }),
  };
};

/**
 * The fold, copying: the state after one more development, in occurrence order. Pure and total; a development
 * that refers to something not yet seen (reports arrive out of order) creates a placeholder instead of failing.
 */
export const evolve = (state: NegotiationState, event: Development): NegotiationState => {
  const evidence = evidenceOf(event);
  const next = { ...state, ...patchOf(state, event, evidence) };
  return { ...next, ...settle(next, event, evidence) };
};

type Draft = { -readonly [K in keyof NegotiationState]: NegotiationState[K] };

/** Folds developments into a state, as evolve would one at a time, for a caller that needs only the end. */
export interface StateBuilder {
  readonly add: (event: Development) => void;
  /** The state after every development added; the builder is spent. */
  readonly finish: () => NegotiationState;
}

/**
 * The fold, in place: the same rules as evolve, whose patches are written into one draft that nothing else holds
 * instead of a fresh copy of the state per development (replays fold millions). Slices themselves are never written
 * to: each rule returns fresh ones, so the draft shares them safely with the state it started from.
 */
export const createStateBuilder = (from: NegotiationState = initialState): StateBuilder => {
  const draft: Draft = { ...from };
  let spent = false;
  return {
    add: (event) => {
      if (spent) throw new Error('invariant: a finished state builder takes no more developments');
      const evidence = evidenceOf(event);
      Object.assign(draft, patchOf(draft, event, evidence));
      Object.assign(draft, settle(draft, event, evidence));
    },
    finish: () => {
      spent = true;
      return draft;
    },
  };
};

export type { DevelopmentType };
