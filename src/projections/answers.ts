import { LeanEvent, StoredEvent } from '../domain';
import { AsOfResult, stateAsOf } from './as-of';
import { Change, diffDigests, digestOf } from './digest';
import { EffectiveLog } from './effective-log';
import { DealState, dealOf } from './deal';
import { forceAsOf } from './expiry';
import { Evidence, evidenceOf } from './evidence';
import { Moment, atDate } from './moment';
import type { NegotiationState } from './negotiation-state';
import { TimelineEntry, timelineView } from './timeline';
import { IssuesView, PhasesView, StatusView, issuesView, phasesView, statusView } from './views';

/**
 * The only place a log becomes an answer: the state as of the moment asked, then the view, every time-dependent
 * fact judged at that moment. HTTP, the command line, the exports and the page all get their answers here.
 */

export type ViewQuery =
  | { readonly view: 'status'; readonly deadlines: 'live' | 'all' }
  | { readonly view: 'issues'; readonly state: 'open' | 'all' }
  | { readonly view: 'phases' }
  /** The listing's entry: title, stage and activity as of the moment. */
  | { readonly view: 'summary' }
  /** What changed between two dates of the occurrence axis, each side judged at its own date. */
  | { readonly view: 'diff'; readonly from: string; readonly to: string }
  /** The developments with their sources; needs the full events. */
  | { readonly view: 'timeline'; readonly from?: string; readonly to?: string };

export type ViewName = ViewQuery['view'];

export interface DiffView {
  readonly changes: readonly Change[];
  /** Developments counted at `to` but not at `from`: the events responsible for the changes. */
  readonly developments: readonly Evidence[];
}

export interface SummaryView {
  readonly title?: string;
  readonly stage: NegotiationState['stage'];
  /** Whether the deal holds (see DEAL_MEANINGS). */
  readonly deal: DealState;
  readonly activity: NegotiationState['talks']['activity'];
  readonly lastDevelopment?: NegotiationState['lastDevelopment'];
  readonly developmentCount: number;
}

/** The body each view answers with (besides negotiationId, revision and the query echoed). */
export interface Answers {
  readonly status: { readonly status: StatusView };
  readonly issues: IssuesView;
  readonly phases: PhasesView;
  readonly summary: SummaryView;
  readonly diff: DiffView;
  readonly timeline: { readonly timeline: readonly TimelineEntry[] };
}

export type AnswerOf<Q extends ViewQuery> = Answers[Q['view']];

/**
 * Whether the answer depends on the moment's date: the diff asks its own two dates and the timeline its range, so
 * neither follows the clock when no asOf is given.
 */
export const readsAsOf = (query: ViewQuery): boolean => query.view !== 'diff' && query.view !== 'timeline';

/** The views that need every event in full (the sources' words), not the lean ones the state folds. */
export const needsFullEvents = (query: ViewQuery): boolean => query.view === 'timeline';

export const asOfResultAt = <R extends LeanEvent>(log: EffectiveLog<R>, moment: Moment): AsOfResult =>
  stateAsOf(log, { asOf: moment.asOf, include: moment.include });

/** The listing entry's summary as of `asOfMs` (terms that ran out by then count as expired). */
export const summaryOf = (folded: NegotiationState, asOfMs: number): SummaryView => {
  const state = forceAsOf(folded, asOfMs);
  return {
    ...(state.talks.title === undefined ? {} : { title: state.talks.title }),
    stage: state.stage,
    deal: dealOf(state, state.stage).state,
    activity: state.talks.activity,
    ...(state.lastDevelopment === undefined ? {} : { lastDevelopment: state.lastDevelopment }),
    developmentCount: state.developmentCount,
  };
};

/** What changed between the answers at two moments of one log. */
export const diffBetween = <R extends LeanEvent>(
  log: EffectiveLog<R>,
  from: Moment,
  to: Moment,
): DiffView => {
  const earlier = asOfResultAt(log, from);
  const later = asOfResultAt(log, to);
  const counted = new Set(earlier.included().map((d) => d.event.id));
  return {
    changes: diffDigests(digestOf(earlier, from.asOfMs), digestOf(later, to.asOfMs)),
    developments: later
      .included()
      .filter((d) => !counted.has(d.event.id))
      .map((d) => evidenceOf(d.event)),
  };
};

/** The view asked for, as of the moment, from the log as known at the moment. */
export function answerOf<Q extends ViewQuery>(
  log: EffectiveLog<LeanEvent> | EffectiveLog<StoredEvent>,
  moment: Moment,
  query: Q,
): AnswerOf<Q>;
export function answerOf(
  log: EffectiveLog<LeanEvent> | EffectiveLog<StoredEvent>,
  moment: Moment,
  query: ViewQuery,
): Answers[ViewName] {
  switch (query.view) {
    case 'status':
      return {
        status: statusView(asOfResultAt(log, moment), {
          asOfMs: moment.asOfMs,
          deadlineHistory: query.deadlines === 'all',
        }),
      };
    case 'issues':
      return issuesView(asOfResultAt(log, moment), query.state === 'open');
    case 'phases':
      return phasesView(asOfResultAt(log, moment), moment.asOfMs);
    case 'summary':
      return summaryOf(asOfResultAt(log, moment).state, moment.asOfMs);
    case 'diff':
      return diffBetween(log, atDate(moment, query.from), atDate(moment, query.to));
    case 'timeline':
      return { timeline: timelineView(log as EffectiveLog<StoredEvent>, query) };
    default: {
      const exhaustive: never = query;
      return exhaustive;
    }
  }
}
