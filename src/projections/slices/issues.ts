import { Chain, append, latest, sizeOf } from '../chain';
import { DigestTable, skip } from '../digest-rules';
import { DevelopmentOfType, Evidence, defined, withEntry, entry } from '../evidence';

/** The issues in dispute: their state, each party's latest position, and the developments that moved them. */

export const ISSUE_STATES = ['open', 'narrowed', 'deferred', 'resolved', 'reopened'] as const;
export type IssueStateName = (typeof ISSUE_STATES)[number];

export interface IssueState {
  readonly issueId: string;
  readonly title?: string;
  readonly description?: string;
  readonly raisedBy?: string;
  /** Who raised it, joint raisers included. */
  readonly raisedByAll?: readonly string[];
  readonly raised?: Evidence;
  readonly state: IssueStateName;
  readonly stateSince: Evidence;
  readonly positions: Readonly<Record<string, { readonly position: string; readonly evidence: Evidence }>>;
  readonly narrowings: Chain<{ readonly description: string; readonly evidence: Evidence }> | undefined;
  readonly resolution?: string;
  /** The agreement that settled it, when one did. */
  readonly settledBy?: string;
  /** The agreement whose rejection reopened it (it had settled the issue). */
  readonly unsettledBy?: string;
  /** The phase it was deferred to: it blocks that phase and no earlier one. */
  readonly deferredTo?: { readonly phaseId: string; readonly reason?: string; readonly evidence: Evidence };
  readonly blocksPhases: readonly string[];
  readonly movedBy: Chain<Evidence> | undefined;
  /** The first development that named it, while none has raised it. */
  readonly firstReferenced?: Evidence;
}

export type IssuesState = Readonly<Record<string, IssueState>>;
export const initialIssues: IssuesState = {};

export const isOpen = (issue: IssueState): boolean => issue.state !== 'resolved';

const issue = (issues: IssuesState, issueId: string, evidence: Evidence): IssueState =>
  entry(issues, issueId) ?? {
    issueId,
    state: 'open',
    stateSince: evidence,
    positions: {},
    narrowings: undefined,
    blocksPhases: [],
    movedBy: undefined,
    firstReferenced: evidence,
  };

/** The issue after one development, recorded among the developments that moved it. */
export const updateIssue = (
  issues: IssuesState,
  issueId: string,
  evidence: Evidence,
  change: (current: IssueState) => IssueState,
): IssuesState => {
  const next = change(issue(issues, issueId, evidence));
  return withEntry(issues, issueId, { ...next, movedBy: append(next.movedBy, evidence) });
};

const toState = (current: IssueState, state: IssueStateName, evidence: Evidence): IssueState => ({
  ...current,
  state,
  stateSince: evidence,
});

export const raised = (
  issues: IssuesState,
  event: DevelopmentOfType<'IssueRaised'>,
  evidence: Evidence,
): IssuesState => {
  const { issueId, title, raisedBy, description, blocksPhases, jointlyWith } = event.payload;
  return updateIssue(issues, issueId, evidence, ({ firstReferenced: _first, ...current }) => ({
    ...current,
    title,
    raisedBy,
    ...(jointlyWith === undefined ? {} : { raisedByAll: [raisedBy, ...jointlyWith] }),
    // Raised again (in other words, by another party): it was raised when first raised.
    raised: current.raised ?? evidence,
    blocksPhases: blocksPhases ?? current.blocksPhases,
    ...defined({ description }),
    ...(entry(issues, issueId) === undefined ? { stateSince: evidence } : {}),
  }));
};

export const positionTaken = (
  issues: IssuesState,
  issueId: string,
  party: string,
  position: string,
  evidence: Evidence,
): IssuesState =>
  updateIssue(issues, issueId, evidence, (current) => ({
    ...current,
    positions: withEntry(current.positions, party, { position, evidence }),
  }));

export const narrowed = (
  issues: IssuesState,
  event: DevelopmentOfType<'IssueNarrowed'>,
  evidence: Evidence,
): IssuesState =>
  updateIssue(issues, event.payload.issueId, evidence, (current) => ({
    ...(current.state === 'resolved' ? current : toState(current, 'narrowed', evidence)),
    narrowings: append(current.narrowings, { description: event.payload.description, evidence }),
  }));

export const resolved = (
  issues: IssuesState,
  issueId: string,
  evidence: Evidence,
  resolution: string | undefined,
  settledBy?: string,
): IssuesState =>
  updateIssue(issues, issueId, evidence, ({ unsettledBy: _rejected, ...current }) => ({
    ...toState(current, 'resolved', evidence),
    ...defined({ resolution, settledBy }),
  }));

export const reopened = (issues: IssuesState, issueId: string, evidence: Evidence): IssuesState =>
  updateIssue(issues, issueId, evidence, (current) => toState(current, 'reopened', evidence));

/** The issues an agreement settled, reopened: it was rejected, so it settles nothing (until another agreement does). */
export const unsettled = (issues: IssuesState, agreementId: string, evidence: Evidence): IssuesState =>
  Object.values(issues)
    .filter((i) => i.state === 'resolved' && i.settledBy === agreementId)
    .reduce(
      (all, i) =>
        updateIssue(all, i.issueId, evidence, ({ settledBy: _by, resolution: _how, ...current }) =>
          toState({ ...current, unsettledBy: agreementId }, 'reopened', evidence),
        ),
      issues,
    );

export const deferred = (
  issues: IssuesState,
  issueId: string,
  toPhaseId: string,
  reason: string | undefined,
  evidence: Evidence,
): IssuesState =>
  updateIssue(issues, issueId, evidence, (current) => ({
    ...(current.state === 'resolved' ? current : toState(current, 'deferred', evidence)),
    deferredTo: { phaseId: toPhaseId, evidence, ...defined({ reason }) },
    blocksPhases: [toPhaseId],
  }));

export type IssueView = Omit<IssueState, 'movedBy' | 'narrowings'> & {
  readonly positionList: ReadonlyArray<{ party: string; position: string; evidence: Evidence }>;
  /** The phases it blocks while open (named by it, or by a phase's prerequisites). */
  readonly blocks: readonly string[];
  readonly narrowings: ReadonlyArray<{ readonly description: string; readonly evidence: Evidence }>;
  /** The most recent events that moved the issue, and how many did in all. */
  readonly movedBy: readonly Evidence[];
  readonly movedByCount: number;
};

export const issueView = (issueState: IssueState, blocks: readonly string[], recent: number): IssueView => ({
  ...issueState,
  positionList: Object.entries(issueState.positions).map(([party, value]) => ({ party, ...value })),
  blocks,
  narrowings: latest(issueState.narrowings, recent),
  movedBy: latest(issueState.movedBy, recent),
  movedByCount: sizeOf(issueState.movedBy),
});

export const ISSUE_DIGEST: DigestTable<IssueView> = {
  issueId: skip('the key of every path'),
  title: (title, put, view) => put(`issues.${view.issueId}.title`, title, view.raised?.eventId),
  description: skip('free text beside the title'),
  raisedBy: (by, put, view) =>
    put(`issues.${view.issueId}.raisedBy`, (view.raisedByAll ?? [by]).join(', '), view.raised?.eventId),
  raisedByAll: skip('written with raisedBy'),
  raised: skip('the evidence of title and raisedBy'),
  state: (state, put, view) => put(`issues.${view.issueId}.state`, state, view.stateSince.eventId),
  stateSince: skip('the evidence of state'),
  positions: skip('digested as positionList'),
  positionList: (list, put, view) =>
    list.forEach((p) => put(`issues.${view.issueId}.position.${p.party}`, p.position, p.evidence.eventId)),
  narrowings: (list, put, view) =>
    list.forEach((n) =>
      put(`issues.${view.issueId}.narrowed.${n.evidence.eventId}`, n.description, n.evidence.eventId),
    ),
  resolution: (resolution, put, view) =>
    put(`issues.${view.issueId}.resolution`, resolution, view.stateSince.eventId),
  settledBy: (agreementId, put, view) =>
    put(`issues.${view.issueId}.settledBy`, agreementId, view.stateSince.eventId),
  unsettledBy: (agreementId, put, view) =>
    put(`issues.${view.issueId}.unsettledBy`, agreementId, view.stateSince.eventId),
  deferredTo: (to, put, view) => put(`issues.${view.issueId}.deferredTo`, to.phaseId, to.evidence.eventId),
  blocksPhases: skip('digested as blocks'),
  blocks: (blocks, put, view) =>
    put(`issues.${view.issueId}.blocks`, blocks.length === 0 ? undefined : blocks.join(', ')),
  movedBy: skip('the evidence of every other fact'),
  movedByCount: skip('a count of movedBy'),
  firstReferenced: (e, put, view) =>
    put(`issues.${view.issueId}.unresolved`, 'named before it is raised', e.eventId),
};
