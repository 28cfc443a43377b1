import { Reference } from '../domain';
import { toArray } from './chain';
import { AsOfResult } from './as-of';
import { DigestTable, skip } from './digest-rules';
import { Evidence, defined, entry } from './evidence';
import type { NegotiationState } from './negotiation-state';
import { PhaseReadiness, definedPhases, phaseReadiness, signingReadiness } from './readiness';
import { AgreementView, agreementView } from './slices/agreements';
import { ConditionsView, conditionsView } from './slices/conditions';
import { DeadlinesView, deadlinesView } from './slices/deadlines';
import { GroundView, groundView } from './slices/ground';
import { ISSUE_STATES, IssueStateName, IssueView, isOpen, issueView } from './slices/issues';
import { PartiesView, partiesView } from './slices/parties';
import { ProposalsView, proposalsView } from './slices/proposals';
import { StatementsView, statementsView } from './slices/statements';
import { TalksView, talksView } from './slices/talks';
import { Stage } from './stage';
import { DealView, dealOf } from './deal';
import { forceAsOf } from './expiry';
import { definitionOf } from './unresolved';

/**
 * Read models derived from the folded state: pure functions of an as-of result and the moment asked about, shaped
 * for the API. Histories kept in the state are shown as their most recent items with a total, so an answer's size
 * does not grow with the length of the negotiation.
 */

export const RECENT_ITEMS = 10;

export interface ViewOptions {
  /** The moment asked about: time conditions, deadlines and upcoming talks are judged against it. */
  readonly asOfMs: number;
  /** Every deadline with its history, not only the live ones. */
  readonly deadlineHistory?: boolean;
}

const uncertainty = ({ uncertain, uncertainCount }: AsOfResult) => ({ uncertain, uncertainCount });

/** Something a development names that no development has defined as of the date asked (yet). */
export interface UnresolvedReference {
  readonly kind: Reference['kind'];
  readonly id: string;
  readonly firstReferenced: Evidence;
}

/**
 * Everything a development names that nothing defines as of the date asked. Whether a thing is defined is
 * `definitionOf`, the rule the append warnings follow too, so the two never disagree.
 */
export const unresolvedReferences = (state: NegotiationState): UnresolvedReference[] => {
  const named: Array<{
    kind: UnresolvedReference['kind'];
    id: string;
    firstReferenced: Evidence | undefined;
  }> = [
    ...Object.values(state.proposals.proposals).map((p) => ({
      kind: 'proposal' as const,
      id: p.proposalId,
      firstReferenced: p.firstReferenced,
    })),
    ...Object.values(state.issues).map((i) => ({
      kind: 'issue' as const,
      id: i.issueId,
      firstReferenced: i.firstReferenced,
    })),
    ...Object.entries(state.phases.progress).map(([id, progress]) => ({
      kind: 'phase' as const,
      id,
      firstReferenced: progress.firstReferenced,
    })),
    ...Object.values(state.agreements.agreements).map((a) => ({
      kind: 'agreement' as const,
      id: a.agreementId,
      firstReferenced: a.firstReferenced,
    })),
    ...Object.values(state.conditions.commitments).map((c) => ({
      kind: 'commitment' as const,
      id: c.commitmentId,
      firstReferenced: c.firstReferenced,
    })),
    ...Object.values(state.deadlines).map((d) => ({
      kind: 'deadline' as const,
      id: d.deadlineId,
      firstReferenced: d.since,
    })),
    ...Object.values(state.ground.ceasefires).map((c) => ({
      kind: 'ceasefire' as const,
      id: c.ceasefireId,
      firstReferenced: c.brokeDown?.evidence,
    })),
    ...toArray(state.talks.cancellations).flatMap((c) =>
      c.meetingId === undefined
        ? []
        : [{ kind: 'meeting' as const, id: c.meetingId, firstReferenced: c.evidence }],
    ),
  ];
  return named.flatMap(({ kind, id, firstReferenced }) =>
    firstReferenced !== undefined && definitionOf(state, { kind, id }) === undefined
      ? [{ kind, id, firstReferenced }]
      : [],
  );
};

export type StatusView = TalksView &
  PartiesView &
  ProposalsView &
  StatementsView &
  DeadlinesView & {
    readonly stage: Stage;
    readonly stageSince?: Evidence;
    /** Whether the deal holds: the headline's second half (see DEAL_MEANINGS). */
    readonly deal: DealView;
    readonly agreements: readonly AgreementView[];
    readonly ground: GroundView;
    readonly conditions: ConditionsView;
    readonly openIssueCount: number;
    readonly unresolvedReferences: readonly UnresolvedReference[];
    readonly lastDevelopment?: NegotiationState['lastDevelopment'];
    readonly developmentCount: number;
    readonly uncertain: readonly Evidence[];
    readonly uncertainCount: number;
  };

export const statusView = (result: AsOfResult, options: ViewOptions | number): StatusView => {
  const { asOfMs, deadlineHistory = false } = typeof options === 'number' ? { asOfMs: options } : options;
  const state = forceAsOf(result.state, asOfMs);
  return {
    ...talksView(state.talks, asOfMs, RECENT_ITEMS),
    ...partiesView(state.parties),
    ...proposalsView(state.proposals, RECENT_ITEMS),
    ...statementsView(state.statements, RECENT_ITEMS),
    ...deadlinesView(state.deadlines, asOfMs, deadlineHistory, (issueId) => {
      const issue = entry(state.issues, issueId);
      return issue?.state === 'resolved' ? issue.stateSince : undefined;
    }),
    stage: state.stage,
    deal: dealOf(state, state.stage),
    ...defined({ stageSince: state.stageSince, lastDevelopment: state.lastDevelopment }),
    agreements: Object.values(state.agreements.agreements).map((a) =>
      agreementView(a, RECENT_ITEMS, signingReadiness(state, a, asOfMs)),
    ),
    ground: groundView(state.ground, RECENT_ITEMS),
    conditions: conditionsView(state.conditions),
    openIssueCount: Object.values(state.issues).filter(isOpen).length,
    unresolvedReferences: unresolvedReferences(state),
    developmentCount: state.developmentCount,
    ...uncertainty(result),
  };
};

export interface IssuesView {
  readonly issues: ReadonlyArray<IssueView>;
  readonly counts: Readonly<Record<IssueStateName, number>>;
  readonly uncertain: readonly Evidence[];
  readonly uncertainCount: number;
}

/** Phases an issue blocks while open: those it names, plus phases whose prerequisites require it resolved. */
const phasesBlockedBy = (state: NegotiationState, issueId: string, named: readonly string[]): string[] => {
  const blocked = new Set(named);
  const deferredTo = entry(state.issues, issueId)?.deferredTo?.phaseId;
  for (const { phase } of Object.values(state.phases.definitions))
    if (phase.prerequisites.some((p) => p.kind === 'issue-resolved' && p.issueId === issueId))
      if (deferredTo === undefined || deferredTo === phase.phaseId) blocked.add(phase.phaseId);
  return [...blocked].sort();
};

/** Every issue with its state; `onlyOpen` drops the resolved ones. */
export const issuesView = (result: AsOfResult, onlyOpen = false): IssuesView => {
  const { state } = result;
  const all = Object.values(state.issues);
  const counts = Object.fromEntries(ISSUE_STATES.map((s) => [s, 0])) as Record<IssueStateName, number>;
  for (const issue of all) counts[issue.state] += 1;
  return {
    issues: all
      .filter((issue) => !onlyOpen || isOpen(issue))
      .map((issue) =>
        issueView(
          issue,
          isOpen(issue) ? phasesBlockedBy(state, issue.issueId, issue.blocksPhases) : [],
          RECENT_ITEMS,
        ),
      ),
    counts,
    ...uncertainty(result),
  };
};

export interface PhasesView {
  readonly proposalId?: string;
  readonly definedBy?: Evidence;
  readonly phases: readonly PhaseReadiness[];
  /** Phases that developments name but no proposal, framework or agreement defines (as of the date asked). */
  readonly undefinedPhases: ReadonlyArray<{ readonly phaseId: string; readonly firstReferenced: Evidence }>;
  readonly uncertain: readonly Evidence[];
  readonly uncertainCount: number;
}

export const phasesView = (result: AsOfResult, asOfMs: number = Number.POSITIVE_INFINITY): PhasesView => {
  const { state } = result;
  const framework = state.phases.framework;
  return {
    ...(framework === undefined ? {} : { proposalId: framework.proposalId, definedBy: framework.evidence }),
    phases: definedPhases(state).map((definition) => phaseReadiness(state, definition, asOfMs)),
    undefinedPhases: Object.entries(state.phases.progress).flatMap(([phaseId, progress]) =>
      entry(state.phases.definitions, phaseId) === undefined && progress.firstReferenced !== undefined
        ? [{ phaseId, firstReferenced: progress.firstReferenced }]
        : [],
    ),
    ...uncertainty(result),
  };
};

export const PHASE_DIGEST: DigestTable<PhaseReadiness> = {
  phaseId: skip('the key of every path'),
  name: skip('a label'),
  order: skip('a position in the list'),
  description: skip('free text'),
  duration: skip('free text; durationDays gives dueBy'),
  durationDays: skip('digested as dueBy'),
  proposalId: skip('the definition, digested with definedBy'),
  agreementId: skip('the definition, digested with definedBy'),
  definedBy: (e, put, p) =>
    put(`phases.${p.phaseId}.definedBy`, p.agreementId ?? p.proposalId ?? 'defined', e.eventId),
  provisions: skip('the text of the definition'),
  state: (state, put, p) =>
    put(
      `phases.${p.phaseId}.state`,
      state,
      (p.ended?.evidence ?? p.suspensions.at(-1)?.resumed ?? p.suspensions.at(-1)?.suspended ?? p.started)
        ?.eventId,
    ),
  prerequisites: (list, put, p) =>
    list.forEach((r) =>
      put(`phases.${p.phaseId}.prerequisite.${r.description}`, r.met ? 'met' : 'not met', r.since?.eventId),
    ),
  blocking: skip('the prerequisites not met'),
  completion: (list, put, p) =>
    list.forEach((c) =>
      put(`phases.${p.phaseId}.completion.${c.description}`, c.met ? 'met' : 'not met', c.since?.eventId),
    ),
  readyToComplete: (ready, put, p) =>
    put(`phases.${p.phaseId}.readyToComplete`, ready ? 'ready to complete' : undefined),
  scheduledFor: (date, put, p) => put(`phases.${p.phaseId}.scheduledFor`, date),
  started: skip('digested through state'),
  completed: skip('digested through state'),
  ended: skip('digested through state'),
  dueBy: (date, put, p) => put(`phases.${p.phaseId}.dueBy`, date, p.started?.eventId),
  overdue: (overdue, put, p) => put(`phases.${p.phaseId}.overdue`, overdue ? 'overdue' : undefined),
  completedLate: (late, put, p) =>
    put(`phases.${p.phaseId}.completedLate`, late ? 'completed late' : undefined),
  startBy: (date, put, p) => put(`phases.${p.phaseId}.startBy`, date),
  startMissed: (missed, put, p) => put(`phases.${p.phaseId}.startMissed`, missed ? 'missed' : undefined),
  suspensions: skip('digested through state'),
  provisionsImplemented: (count, put, p) =>
    put(`phases.${p.phaseId}.provisionsImplemented`, count === 0 ? undefined : count),
  violations: (count, put, p) => put(`phases.${p.phaseId}.violations`, count === 0 ? undefined : count),
};
