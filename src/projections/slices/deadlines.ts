import { endOfDateOrDateTime, occurrenceInterval } from '../../domain';
import { Chain, append, toArray } from '../chain';
import { DigestTable, skip } from '../digest-rules';
import { DevelopmentOfType, Evidence, defined, withEntry, entry } from '../evidence';

/** Deadlines set, extended, replaced, met or missed. A replaced deadline is not a missed one. */

export const DEADLINE_STATES = ['pending', 'met', 'missed', 'replaced'] as const;
export type DeadlineStateName = (typeof DEADLINE_STATES)[number];

export interface DeadlineChange {
  readonly change: 'set' | 'extended' | 'met' | 'missed' | 'replaced';
  readonly deadline?: string;
  readonly reason?: string;
  /** Who set or moved the date, when the report says. */
  readonly by?: string;
  /** The report of the date is disputed (its development's confidence). */
  readonly disputed?: true;
  readonly evidence: Evidence;
}

/** A date given by a development whose report is disputed is shown as such, not as certain. */
const disputedIf = (event: { readonly confidence?: string }): { disputed?: true } =>
  event.confidence === 'disputed' ? { disputed: true } : {};

export interface DeadlineState {
  readonly deadlineId: string;
  readonly description?: string;
  readonly deadline?: string;
  readonly setBy?: string;
  readonly concerns?: {
    readonly issueId?: string;
    readonly phaseId?: string;
    readonly commitmentId?: string;
  };
  readonly replaces?: string;
  readonly replacedBy?: string;
  readonly state: DeadlineStateName;
  readonly since: Evidence;
  readonly set?: Evidence;
  readonly history: Chain<DeadlineChange> | undefined;
}

export type DeadlinesState = Readonly<Record<string, DeadlineState>>;
export const initialDeadlines: DeadlinesState = {};

const deadline = (all: DeadlinesState, deadlineId: string, evidence: Evidence): DeadlineState =>
  entry(all, deadlineId) ?? { deadlineId, state: 'pending', since: evidence, history: undefined };

const update = (
  all: DeadlinesState,
  deadlineId: string,
  change: DeadlineChange,
  next: (current: DeadlineState) => DeadlineState,
): DeadlinesState => {
  const current = deadline(all, deadlineId, change.evidence);
  return withEntry(all, deadlineId, { ...next(current), history: append(current.history, change) });
};

/** Deadlines reported before they had ids are known by the event that set them. */
export const deadlineIdOf = (event: DevelopmentOfType<'DeadlineSet'>): string =>
  event.payload.deadlineId ?? event.id;

export const deadlineSet = (
  all: DeadlinesState,
  event: DevelopmentOfType<'DeadlineSet'>,
  evidence: Evidence,
): DeadlinesState => {
  const { description, deadline: date, setBy, replaces, issueId, phaseId, commitmentId } = event.payload;
  const id = deadlineIdOf(event);
  const concerns = defined({ issueId, phaseId, commitmentId });
  const change: DeadlineChange = {
    change: 'set',
    deadline: date,
    evidence,
    ...defined({ by: setBy }),
    ...disputedIf(event),
  };
  let next = update(all, id, change, (current) => ({
    ...current,
    description,
    deadline: date,
    state: 'pending',
    since: evidence,
    set: evidence,
    ...defined({ setBy, replaces }),
    ...(Object.keys(concerns).length === 0 ? {} : { concerns }),
  }));
  if (replaces !== undefined)
    next = update(next, replaces, { change: 'replaced', evidence }, (current) => ({
      ...current,
      state: 'replaced',
      since: evidence,
      replacedBy: id,
    }));
  return next;
};

export const deadlineExtended = (
  all: DeadlinesState,
  event: DevelopmentOfType<'DeadlineExtended'>,
  evidence: Evidence,
): DeadlinesState => {
  const { deadlineId, deadline: date, reason, extendedBy } = event.payload;
  return update(
    all,
    deadlineId,
    {
      change: 'extended',
      deadline: date,
      evidence,
      ...defined({ reason, by: extendedBy }),
      ...disputedIf(event),
    },
    (current) => ({ ...current, deadline: date, state: 'pending', since: evidence }),
  );
};

export const deadlineClosed = (
  all: DeadlinesState,
  deadlineId: string,
  outcome: 'met' | 'missed',
  evidence: Evidence,
  reason?: string,
): DeadlinesState =>
  update(all, deadlineId, { change: outcome, evidence, ...defined({ reason }) }, (current) => ({
    ...current,
    state: outcome,
    since: evidence,
  }));

export type DeadlineView = Omit<DeadlineState, 'history'> & {
  /** The date has gone by without the deadline being met: missed, or pending past its date by the asked date. */
  readonly passed: boolean;
  /** Who moved the date last (the extendedBy of the DeadlineExtended that gave the current date). */
  readonly movedBy?: string;
  /** The current date comes from a disputed report. */
  readonly dateDisputed?: boolean;
  readonly history?: readonly DeadlineChange[];
};

export interface DeadlinesView {
  /** Deadlines pending (including those whose date has passed) or missed; met and replaced ones are in history. */
  readonly deadlines: readonly DeadlineView[];
  readonly closedDeadlineCount: number;
}

/**
 * A pending deadline for an issue that has since been resolved is closed by the resolution: met if it came by the
 * deadline, missed if later.
 */
const closedByIssue = (
  d: DeadlineState,
  resolvedIssue: (issueId: string) => Evidence | undefined,
): DeadlineState => {
  const issueId = d.concerns?.issueId;
  const resolution = issueId === undefined || d.state !== 'pending' ? undefined : resolvedIssue(issueId);
  if (resolution === undefined || d.deadline === undefined) return d;
  const interval = occurrenceInterval(resolution.occurredAt, resolution.precision);
  const onTime = typeof interval !== 'string' && interval.startMs <= endOfDateOrDateTime(d.deadline);
  return { ...d, state: onTime ? 'met' : 'missed', since: resolution };
};

export const deadlinesView = (
  all: DeadlinesState,
  asOfMs: number,
  withHistory: boolean,
  resolvedIssue: (issueId: string) => Evidence | undefined = () => undefined,
): DeadlinesView => {
  const views = Object.values(all).map((state): DeadlineView => {
    const { history, ...d } = closedByIssue(state, resolvedIssue);
    const changes = toArray(history);
    // The change that gave the current date: it says who moved it, and whether its report is disputed.
    const dated = [...changes].reverse().find((c) => c.change === 'set' || c.change === 'extended');
    return {
      ...d,
      ...(dated?.change === 'extended' && dated.by !== undefined ? { movedBy: dated.by } : {}),
      ...(dated?.disputed === true ? { dateDisputed: true } : {}),
      passed:
        d.state === 'missed' ||
        (d.state === 'pending' && d.deadline !== undefined && endOfDateOrDateTime(d.deadline) < asOfMs),
      ...(withHistory ? { history: changes } : {}),
    };
  });
  const live = (d: DeadlineView) => d.state === 'pending' || d.state === 'missed';
  return {
    deadlines: withHistory ? views : views.filter(live),
    closedDeadlineCount: views.filter((d) => !live(d)).length,
  };
};

export const DEADLINES_DIGEST: DigestTable<DeadlinesView> = {
  deadlines: (list, put) =>
    list.forEach((d) => {
      const state = d.state === 'pending' && d.passed ? 'passed' : d.state;
      put(
        `status.deadline.${d.deadlineId}`,
        `${state}${d.deadline ? ` (${d.deadline}${d.dateDisputed ? ', disputed' : ''})` : ''}`,
        d.since.eventId,
      );
      if (d.movedBy !== undefined) put(`status.deadline.${d.deadlineId}.movedBy`, d.movedBy, d.since.eventId);
    }),
  closedDeadlineCount: skip('a count of deadlines met or replaced'),
};
